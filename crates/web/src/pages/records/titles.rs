//! Talent titles and honours: the list with the form for a new one.

use super::{ListQuery, org_by_code, own_org_code};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use crate::pages::{Pager, done, in_tx, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_domain::AppError;
use ingot_store::Page;
use ingot_store::innovation::Title;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct TitleForm {
    pub holder: String,
    pub name: String,
    pub granted_by: String,
    pub year: String,
    pub level: String,
}

#[derive(Template)]
#[template(path = "records/titles.html")]
struct TitlesPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Title>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
    form: TitleForm,
    errors: FormErrors,
}

async fn titles_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: TitleForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::titles(&mut tx, &caller, q.filter(), page).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/titles"), page, total);
    Ok(render(
        status,
        &TitlesPage {
            export_csv: q.export("/api/v1/titles/export", "csv"),
            export_xlsx: q.export("/api/v1/titles/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            form,
            errors,
        },
    ))
}

pub async fn titles(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = TitleForm {
        granted_by: own_org_code(&state, &ctx).await?,
        level: "enterprise".into(),
        ..Default::default()
    };
    titles_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_title(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<TitleForm>,
) -> Result<Response, Failure> {
    let f = form.clone();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input = cases::TitleInput {
            holder: f.holder,
            name: f.name,
            granted_by: org_by_code(tx, &f.granted_by).await?,
            year: f.year,
            level: f.level,
        };
        cases::create_title(tx, caller, &input).await
    })
    .await;
    match result {
        Ok(_) => Ok(done("/titles", "saved")),
        Err(e) if is_form_error(&e) || matches!(e, AppError::Conflict { .. }) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            titles_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}
