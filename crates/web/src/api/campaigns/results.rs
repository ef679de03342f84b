//! Results: raw and calibrated scores with reviewer offsets, proposed tiers with ties, the
//! panel's decision, and the ranking of participating units once announced.

use super::{DeclarationDto, MaybeApi, TierQuotaDto};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::campaigns::{self as cases, Results};
use ingot_domain::CampaignId;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SheetDto {
    pub expert_id: i64,
    pub expert_name: String,
    pub raw: f64,
    /// The raw total less the reviewer's offset.
    pub calibrated: f64,
    pub comment: String,
    /// Left out of the results because of a conflict of interest found after scoring: the
    /// conflict's code (`same_unit`, `same_group`, `completer`, `past_co_work`, `declared`,
    /// `manual`); null for a sheet that counts.
    pub excluded: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResultRowDto {
    pub declaration: DeclarationDto,
    pub sheets: Vec<SheetDto>,
    pub missing: i64,
    pub raw_mean: Option<f64>,
    /// The declaration's quality in the least-squares reviewer-offset model.
    pub calibrated: Option<f64>,
    pub spread: f64,
    /// The spread exceeds the campaign's threshold: for panel discussion.
    pub divergent: bool,
    pub rank: Option<i64>,
    pub proposed_tier: Option<String>,
    /// Equal score across a tier boundary: the panel settles it.
    pub tied: bool,
    pub decided_tier: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OffsetDto {
    pub expert_id: i64,
    pub expert_name: String,
    /// Points added by this reviewer's leniency (negative: harshness).
    pub offset: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ResultsDto {
    /// The model: score = quality(declaration) + offset(reviewer) + noise, offsets summing to
    /// zero, fitted by least squares (alternating exact updates to convergence).
    pub method: String,
    pub rows: Vec<ResultRowDto>,
    pub offsets: Vec<OffsetDto>,
    pub tiers: Vec<TierQuotaDto>,
    pub iterations: i64,
    pub decided: bool,
}

pub const METHOD: &str = "least-squares reviewer-offset model: score = quality + reviewer offset + noise, offsets sum to zero; solved by alternating exact least-squares updates to convergence";

fn results_dto(r: &Results) -> ResultsDto {
    ResultsDto {
        method: METHOD.into(),
        rows: r
            .rows
            .iter()
            .map(|row| ResultRowDto {
                declaration: DeclarationDto::from(&row.declaration),
                sheets: row
                    .sheets
                    .iter()
                    .map(|s| SheetDto {
                        expert_id: s.expert_id,
                        expert_name: s.expert_name.clone(),
                        raw: s.raw,
                        calibrated: s.calibrated,
                        comment: s.comment.clone(),
                        excluded: s.excluded.map(String::from),
                    })
                    .collect(),
                missing: row.missing as i64,
                raw_mean: row.raw_mean,
                calibrated: row.calibrated,
                spread: row.spread,
                divergent: row.divergent,
                rank: row.rank.map(|r| r as i64),
                proposed_tier: row.proposed.map(|t| t.as_str().into()),
                tied: row.tied,
                decided_tier: row.decided.map(|t| t.as_str().into()),
            })
            .collect(),
        offsets: r
            .offsets
            .iter()
            .map(|(id, name, o)| OffsetDto {
                expert_id: *id,
                expert_name: name.clone(),
                offset: *o,
            })
            .collect(),
        tiers: r
            .quotas
            .iter()
            .map(|(t, n, q)| TierQuotaDto {
                tier: t.as_str().into(),
                quota: q.clone(),
                awards: *n as i64,
            })
            .collect(),
        iterations: r.iterations as i64,
        decided: r.decided,
    }
}

#[derive(Serialize, ToSchema)]
pub struct RankRowDto {
    pub rank: i64,
    pub org_id: i64,
    pub name: String,
    pub first: i64,
    pub second: i64,
    pub third: i64,
    pub excellent: i64,
    /// Awards of third class or above.
    pub prizes: i64,
    /// first 10, second 6, third 3, excellent 1.
    pub points: i64,
}

/// Raw and calibrated scores side by side, reviewer offsets, divergence, proposed tiers with
/// ties, and the decided tiers.
#[utoipa::path(get, path = "/campaigns/{id}/results", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = ResultsDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_results(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<ResultsDto>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(results_dto(
        &cases::results(&mut tx, Some(&api.caller()), id).await?,
    )))
}

/// The panel's final decision on the tiers, with a note.
#[utoipa::path(post, path = "/campaigns/{id}/decision", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::DecisionInput,
    responses((status = 200, body = ResultsDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn decide(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::DecisionInput>,
) -> Result<Json<ResultsDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::decide(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    let mut tx = state.db.read().await?;
    Ok(Json(results_dto(
        &cases::results(&mut tx, Some(&api.caller()), id).await?,
    )))
}

/// Participating units ranked by awards weighted by tier (public once announced).
#[utoipa::path(get, path = "/campaigns/{id}/ranking", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RankRowDto>), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn ranking(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<CampaignId>,
) -> Result<Json<Vec<RankRowDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let rows = cases::ranking(&mut tx, who.user().as_ref(), id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| RankRowDto {
                rank: r.rank as i64,
                org_id: r.org_id,
                name: r.name,
                first: r.first,
                second: r.second,
                third: r.third,
                excellent: r.excellent,
                prizes: r.prizes,
                points: r.points,
            })
            .collect(),
    ))
}
