//! Talent titles and honours: the list with the form for a new one.

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
use ingot_store::innovation::Title;

#[derive(Template)]
#[template(path = "records/titles.html")]
struct TitlesPage {
    ctx: PageCtx,
    list: RecordList<Title>,
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
    let (list, bodies) = (cases::titles, cases::granting_bodies);
    list_page(
        state,
        ctx,
        (q, "/titles"),
        list,
        bodies,
        status,
        |ctx, list, bodies| TitlesPage {
            ctx,
            list,
            bodies,
            form,
            errors,
        },
    )
    .await
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
    let again = async |ctx, form, errors, status| {
        titles_page(&state, ctx, ListQuery::default(), form, errors, status).await
    };
    create_from_form(
        &state,
        ctx,
        &body,
        cases::create_title,
        |_| "/titles".into(),
        again,
    )
    .await
}
