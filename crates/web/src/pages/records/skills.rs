//! Skills and methods (unique skills, advanced operation methods): the list with the form for a
//! new one.

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
use ingot_store::innovation::Skill;

#[derive(Template)]
#[template(path = "records/skills.html")]
struct SkillsPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Skill>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
    units: Vec<Organisation>,
    form: SentForm,
    errors: FormErrors,
}

async fn skills_page(
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
    let (items, total) = cases::skills(&mut tx, &caller, q.filter(), page).await?;
    let units = cases::record_units(&mut tx, &caller).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/skills"), page, total);
    Ok(render(
        status,
        &SkillsPage {
            export_csv: q.export("/api/v1/skills/export", "csv"),
            export_xlsx: q.export("/api/v1/skills/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            units,
            form,
            errors,
        },
    ))
}

pub async fn skills(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = SentForm::with(&[
        ("unit_id", super::own_unit(&ctx)),
        ("kind", "unique_skill".into()),
    ]);
    skills_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_skill(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input: cases::SkillInput = decode_form(&body)?;
        cases::create_skill(tx, caller, &input).await
    })
    .await;
    answer(
        ctx,
        result,
        "/skills",
        "saved",
        async |ctx, errors, status| {
            let form = SentForm::of(&body);
            skills_page(&state, ctx, ListQuery::default(), form, errors, status).await
        },
    )
    .await
}
