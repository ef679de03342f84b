//! Talent titles and honours: the list with the form for a new one.

use super::ListQuery;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::SentForm;
use crate::forms::{FormErrors, decode_form};
use crate::pages::{Pager, answer, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_domain::org::Organisation;
use ingot_store::Page;
use ingot_store::innovation::Title;

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
    bodies: Vec<Organisation>,
    form: SentForm,
    errors: FormErrors,
}

async fn titles_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: SentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::titles(&mut tx, &caller, q.filter(), page).await?;
    let bodies = cases::granting_bodies(&mut tx, &caller).await?;
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
            bodies,
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
    let form = SentForm::with(&[
        ("granted_by", super::own_unit(&ctx)),
        ("level", "enterprise".into()),
    ]);
    titles_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_title(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input: cases::TitleInput = decode_form(&body)?;
        cases::create_title(tx, caller, &input).await
    })
    .await;
    answer(
        ctx,
        result,
        "/titles",
        "saved",
        async |ctx, errors, status| {
            let form = SentForm::of(&body);
            titles_page(&state, ctx, ListQuery::default(), form, errors, status).await
        },
    )
    .await
}
