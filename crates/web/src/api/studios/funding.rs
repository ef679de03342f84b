//! Special funding over the API: recording a payment of a studio's grant or spending from it, never
//! beyond the grant.

use super::{StudioDetailDto, detail_of};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::studios as cases;
use ingot_domain::FundingId;
use ingot_domain::{AppError, StudioId};
use ingot_store::studios as store;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EntryBody {
    /// `payment` (by the granting federation) or `spending` (by the studio).
    pub kind: String,
    /// For spending: `equipment`, `materials`, `training`, `research`, `other`.
    pub category: String,
    /// Yuan.
    pub amount: String,
    pub on_date: String,
    pub note: String,
}

/// Records a payment of special funding or spending from it; neither may exceed the grant.
#[utoipa::path(post, path = "/studios/{id}/funding/{funding}/entries", tag = "studios", params(("id" = i64, Path), ("funding" = i64, Path)), request_body = EntryBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`amount`: `spending_exceeds_grant` or `payment_exceeds_grant`")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn funding_entry(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, funding)): Path<(StudioId, FundingId)>,
    JsonBody(b): JsonBody<EntryBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::EntryInput {
        kind: b.kind,
        category: b.category,
        amount: b.amount,
        on_date: b.on_date,
        entry_note: b.note,
    };
    studio_change!(state, api, id, |tx, c| {
        let f = store::get_funding(&mut tx, funding.0)
            .await?
            .filter(|f| f.studio_id == id.0)
            .ok_or_else(|| AppError::not_found("funding"))?;
        cases::funding_entry(&mut tx, &c, f.id, &input).await?
    })
}
