//! Score sheets: the declarations assigned to the calling expert, and scoring one of them.

use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::campaigns as cases;
use ingot_domain::campaign::RecordType;
use ingot_domain::{CampaignId, DeclarationId};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ReviewItemDto {
    pub declaration_id: i64,
    pub number: i64,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// Null when the campaign is blind.
    pub unit_name: Option<String>,
    pub first_completer_name: Option<String>,
    pub record_type: RecordType,
    pub record_id: i64,
    /// A declared proposal's verified benefit in fen (best proposals).
    pub benefit_verified_cents: Option<i64>,
    /// A declared person's records (titles): achievements completed, their patents, skills
    /// and methods created, titles held.
    pub held: Vec<HeldRecordDto>,
    pub marks: Option<Vec<i64>>,
    pub total: Option<f64>,
    pub comment: Option<String>,
    /// Whether the sheet may still be submitted or revised.
    pub open: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HeldRecordDto {
    /// `achievement`, `patent`, `skill` or `title`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub year: i64,
}

/// The declarations assigned to the calling expert, with their own sheets.
#[utoipa::path(get, path = "/campaigns/{id}/reviews", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ReviewItemDto>)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn my_reviews(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<Vec<ReviewItemDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let items = cases::my_reviews(&mut tx, &api.caller(), id).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| ReviewItemDto {
                declaration_id: i.declaration_id,
                number: i.number,
                title: i.title,
                summary: i.summary,
                field: i.field,
                unit_name: i.unit_name,
                first_completer_name: i.first_completer_name,
                record_type: i.record_type,
                record_id: i.record_id,
                benefit_verified_cents: i.benefit_verified_cents,
                held: i
                    .held
                    .into_iter()
                    .map(|h| HeldRecordDto {
                        kind: h.kind,
                        id: h.id,
                        name: h.name,
                        year: h.year,
                    })
                    .collect(),
                marks: i.marks,
                total: i.total_hundredths.map(|t| t as f64 / 100.0),
                comment: i.comment,
                open: i.open,
            })
            .collect(),
    ))
}

/// Scores a declaration assigned to the caller (refused if not assigned, conflicted, or a
/// mark is outside the scale).
#[utoipa::path(post, path = "/declarations/{id}/score", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::ScoreInput,
    responses((status = 200, body = f64, description = "The sheet's total out of 100"), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn score(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<DeclarationId>,
    JsonBody(input): JsonBody<cases::ScoreInput>,
) -> Result<Json<f64>, Failure> {
    let mut tx = state.db.begin().await?;
    let total = cases::score(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(total as f64 / 100.0))
}
