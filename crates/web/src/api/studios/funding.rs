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
use ingot_domain::StudioId;

/// Records a payment of special funding or spending from it; neither may exceed the grant.
#[utoipa::path(post, path = "/studios/{id}/funding/{funding}/entries", tag = "studios", params(("id" = i64, Path), ("funding" = i64, Path)), request_body = cases::EntryInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`amount`: `spending_exceeds_grant` or `payment_exceeds_grant`")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn funding_entry(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, funding)): Path<(StudioId, FundingId)>,
    JsonBody(input): JsonBody<cases::EntryInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| {
        cases::funding_entry(&mut tx, &c, id, funding, &input).await?
    })
}
