//! `/programmes`: regional science & technology programmes, their areas, critical tasks,
//! funding (planned and actual, per task, year and source), milestones, outputs, people and
//! award tallies; the overview figures and the lists (with CSV/XLSX exports) behind each.
//! Money is integer fen (`_cents`), ratios hundredths (`_x100`), shares basis points (`_bp`).

use super::proposal_dto::{FileBytes, SpreadsheetQuery};
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::programmes::{self as cases};
use ingot_domain::programme::Figures;
use ingot_domain::proposal::format_money;
use ingot_domain::{AppError, FieldError, OrgId, ProgrammeId, TaskId};
use ingot_store::Page;
use ingot_store::programmes::{
    Area, Funding, Institution, ListFilter, Milestone, Output, Person, Programme, Task,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const EXPORT_MAX_ROWS: i64 = 10_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_programmes, create_programme))
        .routes(routes!(get_overview))
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task))
        .routes(routes!(list_funding, record_funding))
        .routes(routes!(list_milestones, add_milestone))
        .routes(routes!(list_outputs, add_output))
        .routes(routes!(list_people, add_person))
        .routes(routes!(list_institutions))
        .routes(routes!(record_award))
        .routes(routes!(export_list))
}

// ---------------------------------------------------------------------------------------------
// Shapes

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
}

impl From<Programme> for ProgrammeDto {
    fn from(p: Programme) -> Self {
        ProgrammeDto {
            id: p.id.0,
            code: p.code,
            name: p.name,
            name_en: p.name_en,
            owner_org_id: p.owner_org_id.0,
            owner_name: p.owner_name,
            start_year: p.start_year,
            plan_name: p.plan_name,
            plan_url: p.plan_url,
            summary: p.summary,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeListDto {
    pub items: Vec<ProgrammeDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// The "+1" of "7+1": major scientific infrastructure rather than an industry.
    pub infrastructure: bool,
}

impl From<Area> for AreaDto {
    fn from(a: Area) -> Self {
        AreaDto {
            id: a.id,
            code: a.code,
            name: a.name,
            name_en: a.name_en,
            infrastructure: a.infrastructure,
        }
    }
}

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

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub area_id: i64,
    pub area_name: String,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub leader_name: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    /// planned, in_progress, completed, suspended.
    pub status: String,
    pub budget_cents: i64,
    pub fiscal_actual_cents: i64,
    pub social_actual_cents: i64,
    /// The task's own leverage: actual social per actual fiscal funding, in hundredths.
    pub leverage_x100: Option<i64>,
    pub people: i64,
}

impl From<Task> for TaskDto {
    fn from(t: Task) -> Self {
        TaskDto {
            id: t.id.0,
            code: t.code,
            title: t.title,
            area_id: t.area_id,
            area_name: t.area_name,
            lead_org_id: t.lead_org_id.0,
            lead_name: t.lead_name,
            leader_name: t.leader_name,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            status: t.status.as_str().to_string(),
            budget_cents: t.budget_cents,
            fiscal_actual_cents: t.fiscal_actual_cents,
            social_actual_cents: t.social_actual_cents,
            leverage_x100: ingot_domain::programme::leverage_hundredths(
                t.fiscal_actual_cents,
                t.social_actual_cents,
            ),
            people: t.people,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundingDto {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_title: String,
    pub area_name: String,
    pub year: i64,
    /// fiscal or social.
    pub source: String,
    pub planned_cents: i64,
    pub actual_cents: i64,
    pub overrun_reason: Option<String>,
}

impl From<Funding> for FundingDto {
    fn from(f: Funding) -> Self {
        FundingDto {
            id: f.id,
            task_id: f.task_id.0,
            task_code: f.task_code,
            task_title: f.task_title,
            area_name: f.area_name,
            year: f.year,
            source: f.source.as_str().to_string(),
            planned_cents: f.planned_cents,
            actual_cents: f.actual_cents,
            overrun_reason: f.overrun_reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDto {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub evidence: Option<String>,
}

impl From<Milestone> for MilestoneDto {
    fn from(m: Milestone) -> Self {
        MilestoneDto {
            id: m.id,
            task_id: m.task_id,
            task_code: m.task_code,
            title: m.title,
            due_on: m.due_on,
            done_on: m.done_on,
            evidence: m.evidence,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutputDto {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub area_name: String,
    /// pilot_line, new_product, added_value, adopting_company, achievement, patent.
    pub kind: String,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    pub achievement_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub patent_number: Option<String>,
    pub note: Option<String>,
    pub recorded_on: String,
}

impl From<Output> for OutputDto {
    fn from(o: Output) -> Self {
        OutputDto {
            id: o.id,
            task_id: o.task_id.0,
            task_code: o.task_code,
            area_name: o.area_name,
            kind: o.kind.as_str().to_string(),
            title: o.title,
            quantity: o.quantity,
            value_cents: o.value_cents,
            achievement_id: o.achievement_id,
            patent_id: o.patent_id,
            patent_number: o.patent_number,
            note: o.note,
            recorded_on: o.recorded_on,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub name: String,
    pub academician: bool,
    pub institution_id: i64,
    pub institution_name: String,
    /// How many tasks the person works on (they count once in the totals).
    pub tasks: i64,
}

impl From<Person> for PersonDto {
    fn from(p: Person) -> Self {
        PersonDto {
            id: p.id,
            name: p.name,
            academician: p.academician,
            institution_id: p.institution_id,
            institution_name: p.institution_name,
            tasks: p.tasks,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionDto {
    pub id: i64,
    pub name: String,
    pub name_en: Option<String>,
    /// The organisation kind; `external` for bodies outside the union tree.
    pub kind: String,
    pub people: i64,
    pub tasks: i64,
}

impl From<Institution> for InstitutionDto {
    fn from(i: Institution) -> Self {
        InstitutionDto {
            id: i.id.0,
            name: i.name,
            name_en: i.name_en,
            kind: i.kind.as_str().to_string(),
            people: i.people,
            tasks: i.tasks,
        }
    }
}

/// Declares one page of a list of `$item`, built from the use case's items.
macro_rules! list_dto {
    ($name:ident, $item:ident) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: i64,
            pub page: i64,
            pub per_page: i64,
        }

        impl $name {
            fn of<T>(items: Vec<T>, total: i64, page: Page) -> Self
            where
                $item: From<T>,
            {
                $name {
                    items: items.into_iter().map(Into::into).collect(),
                    total,
                    page: page.number,
                    per_page: page.size,
                }
            }
        }
    };
}

list_dto!(TaskListDto, TaskDto);
list_dto!(FundingListDto, FundingDto);
list_dto!(MilestoneListDto, MilestoneDto);
list_dto!(OutputListDto, OutputDto);
list_dto!(PersonListDto, PersonDto);
list_dto!(InstitutionListDto, InstitutionDto);

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetailDto {
    pub task: TaskDto,
    pub participants: Vec<ParticipantDto>,
    pub funding: Vec<FundingDto>,
    pub milestones: Vec<MilestoneDto>,
    pub outputs: Vec<OutputDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantDto {
    pub org_id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundingRecordedDto {
    pub funding: FundingDto,
    /// The task's actual spending now exceeds its budget; the reason given is kept.
    pub over_budget: bool,
    pub spent_cents: i64,
    pub budget_cents: i64,
}

// ---------------------------------------------------------------------------------------------
// Inputs

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AreaBody {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub infrastructure: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProgrammeBody {
    /// The science department that runs it.
    pub owner_org_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    /// The plan it aligns with, and a link to it.
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
    /// Its strategic areas, in order (e.g. seven industries plus infrastructure).
    pub areas: Vec<AreaBody>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TaskBody {
    pub area_id: Option<i64>,
    pub code: String,
    pub title: String,
    /// The leading enterprise or platform: any organisation of the tree, external ones included.
    pub lead_org_id: Option<i64>,
    /// Participating universities, institutes and enterprises.
    pub participant_org_ids: Vec<i64>,
    pub leader_name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
    pub budget_cents: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct FundingBody {
    pub task_id: Option<i64>,
    pub year: i64,
    /// fiscal or social.
    pub source: String,
    pub planned_cents: i64,
    pub actual_cents: i64,
    /// Required when the task's actual spending would go beyond its budget.
    pub overrun_reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MilestoneBody {
    pub task_id: Option<i64>,
    pub title: String,
    /// Not before the task starts.
    pub due_on: String,
    pub done_on: String,
    /// Required once done.
    pub evidence: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OutputBody {
    /// A task of this programme.
    pub task_id: Option<i64>,
    /// pilot_line, new_product, added_value, adopting_company, achievement, patent.
    pub kind: String,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    pub achievement_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub note: Option<String>,
    pub recorded_on: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonBody {
    pub name: String,
    pub academician: bool,
    pub institution_id: Option<i64>,
    pub task_ids: Vec<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AwardBody {
    pub award: String,
    pub region_total: i64,
    pub programme_won: i64,
}

#[derive(Debug, Deserialize, IntoParams, Default, Clone)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub area_id: Option<i64>,
    pub task_id: Option<i64>,
    /// By list: a task status, funding source, output kind, milestone state (done, open) or
    /// organisation kind.
    pub kind: Option<String>,
    pub year: Option<i64>,
    /// People: only academicians (true) or only the others (false).
    pub academician: Option<bool>,
    /// Tasks led by or naming this organisation; people of this institution.
    pub org_id: Option<i64>,
    /// Words in the title or name.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ListQuery {
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            area_id: self.area_id,
            task_id: self.task_id.map(TaskId),
            kind: self.kind.clone().filter(|k| !k.trim().is_empty()),
            year: self.year,
            academician: self.academician,
            org_id: self.org_id.map(OrgId),
            text: self.q.clone().filter(|t| !t.trim().is_empty()),
        }
    }

    fn page(&self) -> Page {
        Page::new(self.page, self.per_page, 50)
    }
}

// ---------------------------------------------------------------------------------------------
// Programmes

/// The programmes the caller may read (of their science department, or below their federation).
#[utoipa::path(get, path = "/programmes", tag = "programmes",
    responses((status = 200, body = ProgrammeListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_programmes(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<ProgrammeListDto>, Failure> {
    let mut tx = state.db.read().await?;
    let items = cases::list(&mut tx, &api.caller()).await?;
    Ok(Json(ProgrammeListDto {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Sets up a programme with its strategic areas.
#[utoipa::path(post, path = "/programmes", tag = "programmes", request_body = ProgrammeBody,
    responses((status = 201, body = OverviewDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_programme(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<ProgrammeBody>,
) -> Result<Response, Failure> {
    let input = cases::ProgrammeInput {
        owner_org_id: b.owner_org_id.map(OrgId),
        code: b.code,
        name: b.name,
        name_en: b.name_en,
        start_year: b.start_year,
        plan_name: b.plan_name,
        plan_url: b.plan_url,
        summary: b.summary,
        areas: b
            .areas
            .into_iter()
            .map(|a| cases::AreaInput {
                code: a.code,
                name: a.name,
                name_en: a.name_en,
                infrastructure: a.infrastructure,
            })
            .collect(),
    };
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    let p = cases::create(&mut tx, &caller, &input).await?;
    let overview = cases::overview(&mut tx, &caller, p.id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(OverviewDto::from(overview))).into_response())
}

/// The overview: totals, by area, leverage, outputs, talent and award shares.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, body = OverviewDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_overview(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<OverviewDto>, Failure> {
    let mut tx = state.db.read().await?;
    let o = cases::overview(&mut tx, &api.caller(), ProgrammeId(id)).await?;
    Ok(Json(o.into()))
}

// ---------------------------------------------------------------------------------------------
// Tasks

/// The programme's critical tasks, filtered (area, status as `kind`, organisation, words).
#[utoipa::path(get, path = "/programmes/{id}/tasks", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = TaskListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_tasks(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<TaskListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) =
        cases::tasks(&mut tx, &api.caller(), ProgrammeId(id), &q.filter(), page).await?;
    Ok(Json(TaskListDto::of(items, total, page)))
}

/// Adds a critical task, led by an organisation of the tree (external bodies included).
#[utoipa::path(post, path = "/programmes/{id}/tasks", tag = "programmes", params(("id" = i64, Path)), request_body = TaskBody,
    responses((status = 201, body = TaskDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_task(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<TaskBody>,
) -> Result<Response, Failure> {
    let input = cases::TaskInput {
        area_id: b.area_id,
        code: b.code,
        title: b.title,
        lead_org_id: b.lead_org_id.map(OrgId),
        participant_org_ids: b.participant_org_ids.into_iter().map(OrgId).collect(),
        leader_name: b.leader_name,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        status: b.status,
        budget_cents: b.budget_cents,
    };
    let mut tx = state.db.begin().await?;
    let t = cases::create_task(&mut tx, &api.caller(), ProgrammeId(id), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(TaskDto::from(t))).into_response())
}

/// One task with its participants, funding, milestones and outputs.
#[utoipa::path(get, path = "/programmes/{id}/tasks/{task}", tag = "programmes",
    params(("id" = i64, Path), ("task" = i64, Path)),
    responses((status = 200, body = TaskDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_task(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, task)): Path<(i64, i64)>,
) -> Result<Json<TaskDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::task(&mut tx, &api.caller(), ProgrammeId(id), TaskId(task)).await?;
    Ok(Json(TaskDetailDto {
        task: d.task.into(),
        participants: d
            .participants
            .into_iter()
            .map(|(id, name)| ParticipantDto { org_id: id.0, name })
            .collect(),
        funding: d.funding.into_iter().map(Into::into).collect(),
        milestones: d.milestones.into_iter().map(Into::into).collect(),
        outputs: d.outputs.into_iter().map(Into::into).collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Funding, milestones, outputs, people, institutions, awards

/// Funding rows per task, year and source (source as `kind`), filtered.
#[utoipa::path(get, path = "/programmes/{id}/funding", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = FundingListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_funding(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<FundingListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) =
        cases::funding(&mut tx, &api.caller(), ProgrammeId(id), &q.filter(), page).await?;
    Ok(Json(FundingListDto::of(items, total, page)))
}

/// Records a task's planned and actual funding for a year and source (replacing what was
/// there). Spending beyond the task's budget is accepted with a reason and flagged.
#[utoipa::path(post, path = "/programmes/{id}/funding", tag = "programmes", params(("id" = i64, Path)), request_body = FundingBody,
    responses((status = 200, body = FundingRecordedDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn record_funding(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<FundingBody>,
) -> Result<Json<FundingRecordedDto>, Failure> {
    let input = cases::FundingInput {
        task_id: b.task_id.map(TaskId),
        year: b.year,
        source: b.source,
        planned_cents: b.planned_cents,
        actual_cents: b.actual_cents,
        overrun_reason: b.overrun_reason,
    };
    let mut tx = state.db.begin().await?;
    let r = cases::record_funding(&mut tx, &api.caller(), ProgrammeId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(FundingRecordedDto {
        funding: r.funding.into(),
        over_budget: r.over_budget,
        spent_cents: r.spent_cents,
        budget_cents: r.budget_cents,
    }))
}

/// Milestones, filtered (`kind`: done or open).
#[utoipa::path(get, path = "/programmes/{id}/milestones", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = MilestoneListDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_milestones(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<MilestoneListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) =
        cases::milestones(&mut tx, &api.caller(), ProgrammeId(id), &q.filter(), page).await?;
    Ok(Json(MilestoneListDto::of(items, total, page)))
}

/// Adds a milestone to a task; it cannot fall due before the task starts.
#[utoipa::path(post, path = "/programmes/{id}/milestones", tag = "programmes", params(("id" = i64, Path)), request_body = MilestoneBody,
    responses((status = 201, body = MilestoneDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_milestone(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<MilestoneBody>,
) -> Result<Response, Failure> {
    let input = cases::MilestoneInput {
        task_id: b.task_id.map(TaskId),
        title: b.title,
        due_on: b.due_on,
        done_on: b.done_on,
        evidence: b.evidence,
    };
    let mut tx = state.db.begin().await?;
    let m = cases::add_milestone(&mut tx, &api.caller(), ProgrammeId(id), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(MilestoneDto::from(m))).into_response())
}

/// Outputs, filtered (`kind`: an output kind).
#[utoipa::path(get, path = "/programmes/{id}/outputs", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = OutputListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_outputs(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<OutputListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) =
        cases::outputs(&mut tx, &api.caller(), ProgrammeId(id), &q.filter(), page).await?;
    Ok(Json(OutputListDto::of(items, total, page)))
}

/// Records an output of a task of this programme, linked to its achievement or patent record.
#[utoipa::path(post, path = "/programmes/{id}/outputs", tag = "programmes", params(("id" = i64, Path)), request_body = OutputBody,
    responses((status = 201, body = OutputDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_output(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<OutputBody>,
) -> Result<Response, Failure> {
    let input = cases::OutputInput {
        task_id: b.task_id.map(TaskId),
        kind: b.kind,
        title: b.title,
        quantity: b.quantity,
        value_cents: b.value_cents,
        achievement_id: b.achievement_id,
        patent_id: b.patent_id,
        note: b.note,
        recorded_on: b.recorded_on,
    };
    let mut tx = state.db.begin().await?;
    let o = cases::add_output(&mut tx, &api.caller(), ProgrammeId(id), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(OutputDto::from(o))).into_response())
}

/// The people of the programme, each once, filtered (academician, institution, area, task).
#[utoipa::path(get, path = "/programmes/{id}/people", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = PersonListDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_people(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<PersonListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) =
        cases::people(&mut tx, &api.caller(), ProgrammeId(id), &q.filter(), page).await?;
    Ok(Json(PersonListDto::of(items, total, page)))
}

/// Adds a researcher (or academician) working on one or more tasks of the programme.
#[utoipa::path(post, path = "/programmes/{id}/people", tag = "programmes", params(("id" = i64, Path)), request_body = PersonBody,
    responses((status = 201, body = PersonDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_person(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<PersonBody>,
) -> Result<Response, Failure> {
    let input = cases::PersonInput {
        name: b.name,
        academician: b.academician,
        institution_id: b.institution_id.map(OrgId),
        task_ids: b.task_ids.into_iter().map(TaskId).collect(),
    };
    let mut tx = state.db.begin().await?;
    let p = cases::add_person(&mut tx, &api.caller(), ProgrammeId(id), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(PersonDto::from(p))).into_response())
}

/// The participating institutions, each once (`kind`: an organisation kind).
#[utoipa::path(get, path = "/programmes/{id}/institutions", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = InstitutionListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_institutions(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<InstitutionListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) =
        cases::institutions(&mut tx, &api.caller(), ProgrammeId(id), &q.filter(), page).await?;
    Ok(Json(InstitutionListDto::of(items, total, page)))
}

/// Records the region's total of an award and how many went to programme teams.
#[utoipa::path(post, path = "/programmes/{id}/awards", tag = "programmes", params(("id" = i64, Path)), request_body = AwardBody,
    responses((status = 200, body = AwardDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn record_award(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<AwardBody>,
) -> Result<Json<AwardDto>, Failure> {
    let input = cases::AwardInput {
        award: b.award,
        region_total: b.region_total,
        programme_won: b.programme_won,
    };
    let mut tx = state.db.begin().await?;
    let a = cases::record_award(&mut tx, &api.caller(), ProgrammeId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(a.into()))
}

// ---------------------------------------------------------------------------------------------
// Exports

fn yuan(cents: i64) -> String {
    format_money(cents)
}

/// Which list to export, with its column headers and rows, as the pages show them.
pub async fn export_rows(
    tx: &mut ingot_store::Tx,
    caller: &ingot_app::Caller<'_>,
    id: ProgrammeId,
    which: &str,
    filter: &ListFilter,
) -> Result<(&'static [&'static str], Vec<Vec<String>>), AppError> {
    let all = Page {
        number: 1,
        size: EXPORT_MAX_ROWS,
    };
    Ok(match which {
        "tasks" => (
            &[
                "code",
                "title",
                "area",
                "lead",
                "leader",
                "starts_on",
                "ends_on",
                "status",
                "budget_yuan",
                "fiscal_actual_yuan",
                "social_actual_yuan",
                "people",
            ],
            cases::tasks(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|t| {
                    vec![
                        t.code,
                        t.title,
                        t.area_name,
                        t.lead_name,
                        t.leader_name,
                        t.starts_on,
                        t.ends_on.unwrap_or_default(),
                        t.status.as_str().to_string(),
                        yuan(t.budget_cents),
                        yuan(t.fiscal_actual_cents),
                        yuan(t.social_actual_cents),
                        t.people.to_string(),
                    ]
                })
                .collect(),
        ),
        "funding" => (
            &[
                "task",
                "title",
                "area",
                "year",
                "source",
                "planned_yuan",
                "actual_yuan",
                "overrun_reason",
            ],
            cases::funding(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|f| {
                    vec![
                        f.task_code,
                        f.task_title,
                        f.area_name,
                        f.year.to_string(),
                        f.source.as_str().to_string(),
                        yuan(f.planned_cents),
                        yuan(f.actual_cents),
                        f.overrun_reason.unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "milestones" => (
            &["task", "title", "due_on", "done_on", "evidence"],
            cases::milestones(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|m| {
                    vec![
                        m.task_code,
                        m.title,
                        m.due_on,
                        m.done_on.unwrap_or_default(),
                        m.evidence.unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "outputs" => (
            &[
                "task",
                "area",
                "kind",
                "title",
                "quantity",
                "value_yuan",
                "patent",
                "note",
                "recorded_on",
            ],
            cases::outputs(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|o| {
                    vec![
                        o.task_code,
                        o.area_name,
                        o.kind.as_str().to_string(),
                        o.title,
                        o.quantity.to_string(),
                        yuan(o.value_cents),
                        o.patent_number.unwrap_or_default(),
                        o.note.unwrap_or_default(),
                        o.recorded_on,
                    ]
                })
                .collect(),
        ),
        "people" => (
            &["name", "academician", "institution", "tasks"],
            cases::people(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|p| {
                    vec![
                        p.name,
                        if p.academician { "yes" } else { "no" }.to_string(),
                        p.institution_name,
                        p.tasks.to_string(),
                    ]
                })
                .collect(),
        ),
        "institutions" => (
            &["name", "name_en", "kind", "people", "tasks"],
            cases::institutions(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|i| {
                    vec![
                        i.name,
                        i.name_en.unwrap_or_default(),
                        i.kind.as_str().to_string(),
                        i.people.to_string(),
                        i.tasks.to_string(),
                    ]
                })
                .collect(),
        ),
        _ => {
            return Err(AppError::Validation(vec![
                FieldError::new("list", "unknown_option").with(
                    "allowed",
                    "tasks, funding, milestones, outputs, people, institutions",
                ),
            ]));
        }
    })
}

/// One of the programme's lists (tasks, funding, milestones, outputs, people, institutions),
/// filtered as on its page, as a CSV or XLSX file.
#[utoipa::path(get, path = "/programmes/{id}/export/{list}", tag = "programmes",
    params(("id" = i64, Path), ("list" = String, Path), ListQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_list(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, which)): Path<(i64, String)>,
    Query(q): Query<ListQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = match f.format.as_deref().unwrap_or("xlsx") {
        "csv" => "csv",
        "xlsx" => "xlsx",
        _ => {
            return Err(Failure(AppError::Validation(vec![
                FieldError::new("format", "unknown_option").with("allowed", "csv, xlsx"),
            ])));
        }
    };
    let mut tx = state.db.read().await?;
    let (headers, rows) =
        export_rows(&mut tx, &api.caller(), ProgrammeId(id), &which, &q.filter()).await?;
    drop(tx);
    let stem = format!("programme-{id}-{which}");
    Ok(crate::pages::orgs::spreadsheet_response(format, &stem, &which, headers, rows).await?)
}
