//! Namings over the API: recording an earlier naming, naming calls (publishing, listing, reading),
//! applications to a call, the on-site review and the decision that publishes the naming notice.

use super::{ApplicationDto, NamingDto, StudioDetailDto, detail_of};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::studios as cases;
use ingot_domain::studio::Level;
use ingot_domain::{AppError, ApplicationId, CallId, StudioId};
use ingot_store::studios::Call;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct CallDto {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub level: Level,
    pub title: String,
    pub rules: String,
    pub deadline: String,
    /// The lowest honour level the lead must hold; null for none.
    pub min_honour: Option<Level>,
}

impl From<&Call> for CallDto {
    fn from(c: &Call) -> Self {
        CallDto {
            id: c.id,
            org_id: c.org_id,
            org_name: c.org_name.clone(),
            level: c.level,
            title: c.title.clone(),
            rules: c.rules.clone(),
            deadline: c.deadline.to_string(),
            min_honour: c.min_honour,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CallDetailDto {
    pub call: CallDto,
    pub open: bool,
    /// All applications for the federation and its reviewers; the caller's own otherwise.
    pub applications: Vec<ApplicationDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SiteReviewDto {
    pub reviewer_id: i64,
    pub reviewer_name: String,
    pub visited_on: String,
    pub checklist: Vec<String>,
    pub score: i64,
    pub comments: String,
    pub signature: String,
    pub signed_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDetailDto {
    pub application: ApplicationDto,
    pub call: CallDto,
    /// The studio's record as it stood when it applied.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    pub review: Option<SiteReviewDto>,
    pub naming: Option<NamingDto>,
    pub may_review: bool,
    pub may_decide: bool,
}

/// Records a naming published before the studio was registered (levels still in order).
#[utoipa::path(post, path = "/studios/{id}/namings", tag = "studios", params(("id" = i64, Path)), request_body = cases::RecordNamingInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`naming_out_of_order`, `notice_number_taken`, ...")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn record_naming(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::RecordNamingInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::record_naming(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Naming calls, newest deadline first (they are public).
#[utoipa::path(get, path = "/naming-calls", tag = "studios",
    responses((status = 200, body = Vec<CallDto>)), security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_calls(
    State(state): State<AppState>,
    _api: ApiCtx,
) -> Result<Json<Vec<CallDto>>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(
        cases::calls(&mut tx)
            .await?
            .iter()
            .map(CallDto::from)
            .collect(),
    ))
}

/// Publishes a naming call of an enterprise union or a federation; its level follows the organisation.
#[utoipa::path(post, path = "/naming-calls", tag = "studios", request_body = cases::CallInput,
    responses((status = 201, body = CallDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_call(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::CallInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::create_call(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(call_of(&state, &api, id).await?)).into_response())
}

async fn call_of(state: &AppState, api: &ApiCtx, id: CallId) -> Result<CallDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    let d = cases::call_detail(&mut tx, Some(&api.caller()), id).await?;
    Ok(CallDetailDto {
        call: CallDto::from(&d.call),
        open: d.open,
        applications: d.applications.iter().map(ApplicationDto::from).collect(),
    })
}

#[utoipa::path(get, path = "/naming-calls/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = CallDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_call(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CallId>,
) -> Result<Json<CallDetailDto>, Failure> {
    Ok(Json(call_of(&state, &api, id).await?))
}

/// Applies for the call; the studio's record is attached as a snapshot. An ineligible studio
/// is refused with every reason (`lead_lacks_honour`, `naming_out_of_order`, ...).
#[utoipa::path(post, path = "/naming-calls/{id}/applications", tag = "studios", params(("id" = i64, Path)), request_body = cases::ApplyInput,
    responses((status = 201, body = ApplicationDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`call_closed`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn apply(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CallId>,
    JsonBody(input): JsonBody<cases::ApplyInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let app = cases::apply(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(application_of(&state, &api, app).await?),
    )
        .into_response())
}

async fn application_of(
    state: &AppState,
    api: &ApiCtx,
    id: ApplicationId,
) -> Result<ApplicationDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    let d = cases::application_detail(&mut tx, &api.caller(), id).await?;
    Ok(ApplicationDetailDto {
        application: ApplicationDto::from(&d.application),
        call: CallDto::from(&d.call),
        snapshot: d.snapshot,
        review: d.review.map(|r| SiteReviewDto {
            reviewer_id: r.reviewer_id,
            reviewer_name: r.reviewer_name,
            visited_on: r.visited_on.to_string(),
            checklist: serde_json::from_str(&r.checklist).unwrap_or_default(),
            score: r.score,
            comments: r.comments,
            signature: r.signature,
            signed_at: r.signed_at,
        }),
        naming: d.naming.as_ref().map(NamingDto::from),
        may_review: d.may_review,
        may_decide: d.may_decide,
    })
}

#[utoipa::path(get, path = "/naming-applications/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_application(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ApplicationId>,
) -> Result<Json<ApplicationDetailDto>, Failure> {
    Ok(Json(application_of(&state, &api, id).await?))
}

/// Records the on-site review, signed with the reviewer's typed name. Members of the studio may
/// not review it (`reviewer_is_member`).
#[utoipa::path(post, path = "/naming-applications/{id}/review", tag = "studios", params(("id" = i64, Path)), request_body = cases::ReviewInput,
    responses((status = 200, body = ApplicationDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn review(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ApplicationId>,
    JsonBody(input): JsonBody<cases::ReviewInput>,
) -> Result<Json<ApplicationDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::review(&mut tx, &api.caller(), id, &input, &[]).await?;
    tx.commit().await?;
    Ok(Json(application_of(&state, &api, id).await?))
}

/// Approves (publishing the naming notice, numbered uniquely per organisation, and granting
/// funding) or rejects with a note.
#[utoipa::path(post, path = "/naming-applications/{id}/decision", tag = "studios", params(("id" = i64, Path)), request_body = cases::DecisionInput,
    responses((status = 200, body = ApplicationDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`notice_number_taken`, `naming_out_of_order`, ...")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn decide(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ApplicationId>,
    JsonBody(input): JsonBody<cases::DecisionInput>,
) -> Result<Json<ApplicationDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::decide(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(application_of(&state, &api, id).await?))
}
