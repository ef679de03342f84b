//! Skills and methods (unique skills, advanced operation methods): the list with the form for a
//! new one.

use super::{ListQuery, RecordList, create_from_form, list_page};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_domain::org::Organisation;
use ingot_store::innovation::Skill;

#[derive(Template)]
#[template(path = "records/skills.html")]
struct SkillsPage {
    ctx: PageCtx,
    list: RecordList<Skill>,
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
    let (list, units) = (cases::skills, cases::record_units);
    list_page(
        state,
        ctx,
        (q, "/skills"),
        list,
        units,
        status,
        |ctx, list, units| SkillsPage {
            ctx,
            list,
            units,
            form,
            errors,
        },
    )
    .await
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
    let again = async |ctx, form, errors, status| {
        skills_page(&state, ctx, ListQuery::default(), form, errors, status).await
    };
    create_from_form(
        &state,
        ctx,
        &body,
        cases::create_skill,
        |_| "/skills".into(),
        again,
    )
    .await
}
