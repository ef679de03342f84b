//! Issuing a campaign's call (its rules, units and quotas, timetable, rubric and tier quotas),
//! listing and reading campaigns, and moving a campaign on to its next stage.

use super::{CampaignDetailDto, CampaignDto, MaybeApi, detail_of};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::campaigns as cases;
use ingot_domain::time::Date;
use ingot_domain::{OrgId, Timestamp};
use serde::Deserialize;
use utoipa::ToSchema;

/// A new campaign. Units: one `ORG-CODE: quota` a line; rubric: one `name: weight` a line,
/// weights adding up to 100; tier quotas a count ("3") or a share ("5%").
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CampaignBody {
    pub org_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub edition: String,
    pub year: String,
    pub cadence: String,
    pub rules: String,
    pub min_record_year: String,
    pub max_record_year: String,
    /// Codes among `summary`, `completers`, `claimed_level`, `benefit`.
    pub required_fields: Vec<String>,
    pub required_documents: String,
    pub reviewers_per_declaration: String,
    pub min_load: String,
    pub max_load: String,
    pub score_scale: String,
    pub blind: bool,
    /// Points of spread above which a declaration is flagged for discussion (default 15).
    pub divergence: String,
    pub declaration_closes: String,
    pub check_closes: String,
    pub review_closes: String,
    pub publicity_days: String,
    pub announce_on: String,
    pub units: String,
    pub rubric: String,
    pub first: String,
    pub second: String,
    pub third: String,
    pub excellent: String,
}

/// Every campaign (calls are public), newest first.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    responses((status = 200, body = Vec<CampaignDto>)), security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn list_campaigns(
    State(state): State<AppState>,
    who: MaybeApi,
) -> Result<Json<Vec<CampaignDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), state.config.utc_offset_ms());
    Ok(Json(
        cases::list(&mut tx, who.user().as_ref(), today)
            .await?
            .iter()
            .map(CampaignDto::from)
            .collect(),
    ))
}

/// Issues a call: the federation's campaign with its rules, units and quotas, timetable,
/// rubric and tier quotas.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", request_body = CampaignBody,
    responses((status = 201, body = CampaignDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_campaign(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<CampaignBody>,
) -> Result<Response, Failure> {
    let input = cases::CampaignInput {
        org_id: b.org_id.map(OrgId),
        parent_id: b.parent_id,
        kind: b.kind,
        title: b.title,
        edition: b.edition,
        year: b.year,
        cadence: b.cadence,
        rules: b.rules,
        min_record_year: b.min_record_year,
        max_record_year: b.max_record_year,
        required_fields: b.required_fields,
        required_documents: b.required_documents,
        reviewers_per_declaration: b.reviewers_per_declaration,
        min_load: b.min_load,
        max_load: b.max_load,
        score_scale: b.score_scale,
        blind: b.blind,
        divergence: b.divergence,
        declaration_closes: b.declaration_closes,
        check_closes: b.check_closes,
        review_closes: b.review_closes,
        publicity_days: b.publicity_days,
        announce_on: b.announce_on,
        units: b.units,
        rubric: b.rubric,
        first: b.first,
        second: b.second,
        third: b.third,
        excellent: b.excellent,
    };
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, Some(&api.caller()), id).await?),
    )
        .into_response())
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignDetailDto), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn get_campaign(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<i64>,
) -> Result<Json<CampaignDetailDto>, Failure> {
    Ok(Json(detail_of(&state, who.user().as_ref(), id).await?))
}

/// Moves the campaign on: declaration → formal check → review (every declaration checked).
#[utoipa::path(post, path = "/campaigns/{id}/advance", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignDetailDto), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn advance(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<CampaignDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::advance(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, Some(&api.caller()), id).await?))
}
