//! Skills and methods (unique skills, advanced operation methods): the list with the form for a
//! new one.

use super::{ListQuery, list_words, org_by_code, own_org_code};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::FormErrors;
use crate::pages::{Pager, answer, in_tx, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_store::Page;
use ingot_store::innovation::Skill;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct SkillForm {
    pub unit: String,
    pub kind: String,
    pub name: String,
    pub creator: String,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: String,
    pub trainees: String,
    pub year: String,
}

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
    form: SkillForm,
    errors: FormErrors,
}

async fn skills_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: SkillForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::skills(&mut tx, &caller, q.filter(), page).await?;
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
    let form = SkillForm {
        unit: own_org_code(&state, &ctx).await?,
        kind: "unique_skill".into(),
        ..Default::default()
    };
    skills_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_skill(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<SkillForm>,
) -> Result<Response, Failure> {
    let f = form.clone();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input = cases::SkillInput {
            unit_id: org_by_code(tx, &f.unit).await?,
            kind: f.kind,
            name: f.name,
            creator: f.creator,
            creator_name: f.creator_name,
            description: f.description,
            used_where: f.used_where,
            trained_count: f.trained_count,
            trainees: list_words(&f.trainees),
            year: f.year,
        };
        cases::create_skill(tx, caller, &input).await
    })
    .await;
    answer(
        ctx,
        result,
        "/skills",
        "saved",
        async |ctx, errors, status| {
            skills_page(&state, ctx, ListQuery::default(), form, errors, status).await
        },
    )
    .await
}
