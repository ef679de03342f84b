//! The overview of a programme (totals, by area, leverage, outputs, talent and award shares),
//! and recording the region's award tallies behind the shares.

use super::registry::{AreaDto, ProgrammeDto};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::programmes as cases;
use ingot_domain::ProgrammeId;
use ingot_domain::programme::Figures;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    pub tasks: i64,
    pub tasks_completed: i64,
    pub fiscal_planned_cents: i64,
    pub fiscal_actual_cents: i64,
    pub social_planned_cents: i64,
    pub social_actual_cents: i64,
    /// Actual social funding per unit of actual fiscal funding, in hundredths (418 is 4.18:1).
    pub leverage_x100: Option<i64>,
    pub pilot_lines: i64,
    pub new_products: i64,
    pub adopting_companies: i64,
    pub added_value_cents: i64,
    pub achievements: i64,
    pub patents: i64,
    pub milestones: i64,
    pub milestones_done: i64,
    /// Milestones reached as a share of all.
    pub progress_bp: Option<i64>,
}

impl From<Figures> for FiguresDto {
    fn from(f: Figures) -> Self {
        FiguresDto {
            leverage_x100: f.leverage_hundredths(),
            progress_bp: f.progress_bp(),
            tasks: f.tasks,
            tasks_completed: f.tasks_completed,
            fiscal_planned_cents: f.fiscal_planned_cents,
            fiscal_actual_cents: f.fiscal_actual_cents,
            social_planned_cents: f.social_planned_cents,
            social_actual_cents: f.social_actual_cents,
            pilot_lines: f.pilot_lines,
            new_products: f.new_products,
            adopting_companies: f.adopting_companies,
            added_value_cents: f.added_value_cents,
            achievements: f.achievements,
            patents: f.patents,
            milestones: f.milestones,
            milestones_done: f.milestones_done,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaFiguresDto {
    pub area: AreaDto,
    pub figures: FiguresDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TalentDto {
    /// Distinct people (academicians included), however many tasks each joins.
    pub researchers: i64,
    pub academicians: i64,
    /// Distinct organisations leading, named on, or employing people of a task.
    pub institutions: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwardDto {
    pub award: String,
    pub region_total: i64,
    pub programme_won: i64,
    /// The programme teams' share of the region's awards.
    pub share_bp: Option<i64>,
}

impl From<cases::AwardShare> for AwardDto {
    fn from(a: cases::AwardShare) -> Self {
        AwardDto {
            award: a.tally.award,
            region_total: a.tally.region_total,
            programme_won: a.tally.programme_won,
            share_bp: a.share_bp,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewDto {
    pub programme: ProgrammeDto,
    pub figures: FiguresDto,
    pub areas: Vec<AreaFiguresDto>,
    pub talent: TalentDto,
    pub awards: Vec<AwardDto>,
    pub can_manage: bool,
}

impl From<cases::Overview> for OverviewDto {
    fn from(o: cases::Overview) -> Self {
        OverviewDto {
            programme: o.programme.into(),
            figures: o.figures.into(),
            areas: o
                .areas
                .into_iter()
                .map(|a| AreaFiguresDto {
                    area: a.area.into(),
                    figures: a.figures.into(),
                })
                .collect(),
            talent: TalentDto {
                researchers: o.talent.researchers,
                academicians: o.talent.academicians,
                institutions: o.talent.institutions,
            },
            awards: o.awards.into_iter().map(Into::into).collect(),
            can_manage: o.can_manage,
        }
    }
}

/// The overview: totals, by area, leverage, outputs, talent and award shares.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, body = OverviewDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_overview(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProgrammeId>,
) -> Result<Json<OverviewDto>, Failure> {
    let mut tx = state.db.read().await?;
    let o = cases::overview(&mut tx, &api.caller(), id).await?;
    Ok(Json(o.into()))
}

/// Records the region's total of an award and how many went to programme teams.
#[utoipa::path(post, path = "/programmes/{id}/awards", tag = "programmes", params(("id" = i64, Path)), request_body = cases::AwardInput,
    responses((status = 200, body = AwardDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn record_award(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProgrammeId>,
    JsonBody(input): JsonBody<cases::AwardInput>,
) -> Result<Json<AwardDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let a = cases::record_award(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(a.into()))
}
