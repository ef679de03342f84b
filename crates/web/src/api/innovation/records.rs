//! The record pages of people and units (what they hold) and a unit's figures for a year.

use super::achievements::AchievementItemDto;
use super::patents::PatentDto;
use super::skills::SkillDto;
use super::titles::TitleDto;
use crate::AppState;
use crate::api::ApiCtx;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use ingot_app::innovation as cases;
use ingot_domain::{OrgId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct HoldingsDto {
    pub achievements: Vec<AchievementItemDto>,
    pub patents: Vec<PatentDto>,
    pub skills: Vec<SkillDto>,
    pub titles: Vec<TitleDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    pub unit_id: i64,
    pub year: i64,
    /// Count only holders of this title (e.g. 大连市技术创新能手); any title if absent.
    pub title: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearFiguresDto {
    pub achievements: i64,
    pub skills: i64,
    /// Proposals (rationalization suggestions) put forward in the year.
    pub proposals: i64,
    pub patents: i64,
    pub titled_people: i64,
    pub verified_benefit_cents: i64,
}

fn holdings_dto(h: cases::Holdings) -> HoldingsDto {
    HoldingsDto {
        achievements: h.achievements.into_iter().map(Into::into).collect(),
        patents: h.patents.into_iter().map(Into::into).collect(),
        skills: h.skills.into_iter().map(Into::into).collect(),
        titles: h.titles.into_iter().map(Into::into).collect(),
    }
}

/// What a person holds: achievements they completed, skills they created or were trained in,
/// their titles.
#[utoipa::path(get, path = "/people/{id}/records", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = HoldingsDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn person_records(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
) -> Result<Json<HoldingsDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (_, h) = cases::person_holdings(&mut tx, &api.caller(), id).await?;
    Ok(Json(holdings_dto(h)))
}

/// What a unit and the units below it hold.
#[utoipa::path(get, path = "/orgs/{id}/records", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = HoldingsDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn unit_records(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
) -> Result<Json<HoldingsDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (_, h) = cases::unit_holdings(&mut tx, &api.caller(), id).await?;
    Ok(Json(holdings_dto(h)))
}

/// A unit's figures for a year, as a federation's annual summary reports them.
#[utoipa::path(get, path = "/innovation/figures", tag = "innovation", params(FiguresQuery),
    responses((status = 200, body = YearFiguresDto), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn year_figures(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<YearFiguresDto>, Failure> {
    let mut tx = state.db.read().await?;
    let f = ingot_app::reports::year_figures(
        &mut tx,
        &api.caller(),
        OrgId(q.unit_id),
        q.year,
        q.title.as_deref(),
    )
    .await?;
    Ok(Json(YearFiguresDto {
        achievements: f.achievements,
        skills: f.skills,
        proposals: f.proposals,
        patents: f.patents,
        titled_people: f.titled_people,
        verified_benefit_cents: f.verified_benefit_cents,
    }))
}
