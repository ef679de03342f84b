//! `/achievements`, `/patents`, `/skills`, `/titles` and the record pages of people and units:
//! innovation records. Money is integer fen (`_cents`); dates are `YYYY-MM-DD`.

use super::proposal_dto::{FileBytes, SpreadsheetQuery};
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation::{self as cases, import};
use ingot_domain::benefit::ClaimFields;
use ingot_domain::innovation::HonourLevel;
use ingot_domain::proposal::format_money;
use ingot_domain::{AppError, OrgId, OrgScope, UserId};
use ingot_store::Page;
use ingot_store::innovation::{
    Achievement, AchievementItem, AchievementRef, Patent, PersonRef, ProposalRef, RecordFilter,
    Skill, Title,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const EXPORT_MAX_ROWS: i64 = 10_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_achievements, create_achievement))
        .routes(routes!(export_achievements))
        .routes(routes!(get_achievement))
        .routes(routes!(link_patent))
        .routes(routes!(link_proposal))
        .routes(routes!(claim_benefit))
        .routes(routes!(verify_benefit))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload_attachment))
                .layer(axum::extract::DefaultBodyLimit::max(
                    ingot_app::files::MAX_FILE_BYTES + 64 * 1024,
                )),
        )
        .routes(routes!(download_attachment))
        .routes(routes!(list_patents, create_patent))
        .routes(routes!(export_patents))
        .routes(routes!(import_patents))
        .routes(routes!(get_patent))
        .routes(routes!(list_skills, create_skill))
        .routes(routes!(export_skills))
        .routes(routes!(get_skill))
        .routes(routes!(list_titles, create_title))
        .routes(routes!(export_titles))
        .routes(routes!(honour_check))
        .routes(routes!(person_records))
        .routes(routes!(unit_records))
        .routes(routes!(year_figures))
}

// ---------------------------------------------------------------------------------------------
// DTOs

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Only records of this organisation's subtree.
    pub unit_id: Option<i64>,
    pub year: Option<i64>,
    /// A kind code (achievements: process, equipment, material, method, software; patents:
    /// invention, utility_model, design; skills: unique_skill, operation_method; titles: a level).
    pub kind: Option<String>,
    /// Words in the title (and, for patents, the number or inventors).
    pub q: Option<String>,
    /// Only records naming this person.
    pub person_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementItemDto {
    pub id: i64,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub field: String,
    pub kind: String,
    pub claimed_level: Option<String>,
    pub year: i64,
    pub award: Option<String>,
    pub first_completer: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
}

impl From<AchievementItem> for AchievementItemDto {
    fn from(a: AchievementItem) -> Self {
        AchievementItemDto {
            id: a.id,
            title: a.title,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            field: a.field,
            kind: a.kind,
            claimed_level: a.claimed_level,
            year: a.year,
            award: a.award,
            first_completer: a.first_completer,
            benefit_claimed_cents: a.benefit_claimed_cents,
            benefit_verified_cents: a.benefit_verified_cents,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementListDto {
    pub items: Vec<AchievementItemDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordPersonRefDto)]
pub struct PersonRefDto {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// 1 for the first completer; 0 where there is no ranking (trainees).
    pub rank: i64,
}

impl From<PersonRef> for PersonRefDto {
    fn from(p: PersonRef) -> Self {
        PersonRefDto {
            user_id: p.user_id,
            username: p.username,
            display_name: p.display_name,
            rank: p.rank,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordProposalRefDto)]
pub struct ProposalRefDto {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
}

impl From<ProposalRef> for ProposalRefDto {
    fn from(p: ProposalRef) -> Self {
        ProposalRefDto {
            id: p.id,
            number: p.number,
            title: p.title,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// process, equipment, material, method, software.
    pub kind: String,
    /// international_leading, international_advanced, domestic_first, domestic_leading,
    /// domestic_advanced, industry_leading.
    pub claimed_level: Option<String>,
    pub started_on: Option<String>,
    pub finished_on: Option<String>,
    pub year: i64,
    pub award: Option<String>,
    pub in_production_since: Option<String>,
    pub production_site: Option<String>,
    /// The calculation method of the claim: cost, time or free.
    pub benefit_method: Option<String>,
    pub benefit_note: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
    pub benefit_verify_note: Option<String>,
    /// Verified figures are locked.
    pub benefit_locked: bool,
    pub version: i64,
}

impl From<Achievement> for AchievementDto {
    fn from(a: Achievement) -> Self {
        AchievementDto {
            id: a.id,
            unit_id: a.unit_id.0,
            unit_name: a.unit_name,
            title: a.title,
            summary: a.summary,
            field: a.field,
            kind: a.kind.as_str().into(),
            claimed_level: a.claimed_level.map(|l| l.as_str().into()),
            started_on: a.started_on,
            finished_on: a.finished_on,
            year: a.year,
            award: a.award,
            in_production_since: a.in_production_since,
            production_site: a.production_site,
            benefit_method: a.benefit.as_ref().map(|b| b.method().into()),
            benefit_note: a.benefit_note,
            benefit_claimed_cents: a.benefit_claimed_cents,
            benefit_verified_cents: a.benefit_verified_cents,
            benefit_verify_note: a.benefit_verify_note,
            benefit_locked: a.benefit_verified_at.is_some(),
            version: a.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementDetailDto {
    pub achievement: AchievementDto,
    pub attachments: Vec<AchievementFileDto>,
    /// By rank, the first completer first.
    pub completers: Vec<PersonRefDto>,
    pub patents: Vec<PatentDto>,
    pub proposals: Vec<ProposalRefDto>,
    pub can_manage: bool,
    pub can_verify: bool,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AchievementBody {
    pub unit_id: Option<i64>,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub kind: String,
    pub claimed_level: String,
    pub started_on: String,
    pub finished_on: String,
    /// The year it is counted in; empty: the year it was finished.
    pub year: String,
    pub award: String,
    pub in_production_since: String,
    pub production_site: String,
    /// Usernames, the first completer first; the first must work in the unit or below it.
    pub completers: Vec<String>,
    pub patent_ids: Vec<i64>,
    pub proposal_ids: Vec<i64>,
}

/// A file attached to an achievement; download it from `/achievement-files/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementFileDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl From<ingot_store::innovation::AchievementAttachment> for AchievementFileDto {
    fn from(a: ingot_store::innovation::AchievementAttachment) -> Self {
        AchievementFileDto {
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkPatentBody {
    pub patent_id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkProposalBody {
    pub proposal_id: i64,
}

/// A benefit claim, calculated as for proposals: `cost` (old_cost, new_cost, volume), `time`
/// (hours, rate) or `free` (amount, with the explanation in `note`). Numbers are yuan as text.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ClaimBody {
    pub method: String,
    pub old_cost: String,
    pub new_cost: String,
    pub volume: String,
    pub hours: String,
    pub rate: String,
    pub amount: String,
    pub note: String,
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(as = RecordVerifyBody)]
pub struct VerifyBody {
    /// Empty to confirm the claim; otherwise the corrected amount in yuan (with a note).
    pub corrected_amount: String,
    pub note: String,
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// invention, utility_model, design.
    pub kind: String,
    /// The application number, e.g. `CN202110123456.X`.
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: Option<String>,
    /// applied, granted, rejected, lapsed.
    pub status: String,
    pub year: i64,
}

impl From<Patent> for PatentDto {
    fn from(p: Patent) -> Self {
        PatentDto {
            id: p.id,
            unit_id: p.unit_id.0,
            unit_name: p.unit_name,
            kind: p.kind.as_str().into(),
            number: p.number,
            title: p.title,
            inventors: p.inventors,
            applied_on: p.applied_on,
            granted_on: p.granted_on,
            status: p.status.as_str().into(),
            year: p.year,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementRefDto {
    pub id: i64,
    pub title: String,
    pub year: i64,
}

impl From<AchievementRef> for AchievementRefDto {
    fn from(a: AchievementRef) -> Self {
        AchievementRefDto {
            id: a.id,
            title: a.title,
            year: a.year,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentDetailDto {
    pub patent: PatentDto,
    pub achievements: Vec<AchievementRefDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentListDto {
    pub items: Vec<PatentDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PatentBody {
    pub unit_id: Option<i64>,
    /// invention, utility_model, design; empty: what the number says.
    pub kind: String,
    /// `CN202110123456.X`, `ZL202110123456.X`, `202110123456X`, or the pre-2003 `ZL97123456.6`.
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: String,
    /// applied, granted, rejected, lapsed; empty: granted when a grant date is given.
    pub status: String,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PatentImportQuery {
    /// Rows without a unit code belong to this organisation.
    pub unit_id: Option<i64>,
    /// Check every row and report, without saving anything.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentImportReportDto {
    pub rows: usize,
    pub dry_run: bool,
    /// Empty when the import succeeded; otherwise nothing was saved.
    pub errors: Vec<super::dto::ImportRowErrorDto>,
    pub created: Vec<PatentDto>,
}

/// A refused patent import (422): the report of its rows, or an error about the file as a
/// whole. Documents the API; never built.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PatentImportRefusedDto {
    Rows(PatentImportReportDto),
    File(crate::error::ErrorBody),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// unique_skill (绝招绝技) or operation_method (先进操作法).
    pub kind: String,
    pub name: String,
    pub creator_id: Option<i64>,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: i64,
    pub year: i64,
}

impl From<Skill> for SkillDto {
    fn from(s: Skill) -> Self {
        SkillDto {
            id: s.id,
            unit_id: s.unit_id.0,
            unit_name: s.unit_name,
            kind: s.kind.as_str().into(),
            name: s.name,
            creator_id: s.creator_id.map(|u| u.0),
            creator_name: s.creator_name,
            description: s.description,
            used_where: s.used_where,
            trained_count: s.trained_count,
            year: s.year,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillDetailDto {
    pub skill: SkillDto,
    pub trainees: Vec<PersonRefDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillListDto {
    pub items: Vec<SkillDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SkillBody {
    pub unit_id: Option<i64>,
    pub kind: String,
    pub name: String,
    /// The creator's username, if they have an account.
    pub creator: String,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    /// How many were trained; at least the trainees named.
    pub trained_count: String,
    /// Usernames of people trained in it.
    pub trainees: Vec<String>,
    pub year: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TitleDto {
    pub id: i64,
    pub user_id: i64,
    pub holder_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub granted_by: i64,
    pub granted_by_name: String,
    pub year: i64,
    /// enterprise, municipal, provincial, national.
    pub level: String,
}

impl From<Title> for TitleDto {
    fn from(t: Title) -> Self {
        TitleDto {
            id: t.id,
            user_id: t.user_id.0,
            holder_name: t.holder_name,
            unit_id: t.unit_id.0,
            unit_name: t.unit_name,
            name: t.name,
            granted_by: t.granted_by.0,
            granted_by_name: t.granted_by_name,
            year: t.year,
            level: t.level.as_str().into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TitleListDto {
    pub items: Vec<TitleDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TitleBody {
    /// The holder's username.
    pub holder: String,
    pub name: String,
    /// The granting body (an organisation).
    pub granted_by: Option<i64>,
    pub year: String,
    /// enterprise, municipal, provincial, national.
    pub level: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HonourQuery {
    /// enterprise, municipal, provincial or national.
    #[serde(default)]
    pub at_least: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HonourCheckDto {
    pub user_id: i64,
    pub at_least: String,
    pub holds: bool,
}

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

// ---------------------------------------------------------------------------------------------
// Helpers

async fn filter_of(state: &AppState, q: &RecordQuery) -> Result<RecordFilter, Failure> {
    let within = match q.unit_id {
        Some(id) => {
            let mut tx = state.db.read().await?;
            let org = ingot_store::orgs::get(&mut tx, OrgId(id))
                .await?
                .ok_or(AppError::field("unit_id", "unknown_unit"))?;
            Some(OrgScope::of([org.path]))
        }
        None => None,
    };
    Ok(RecordFilter {
        scope: None,
        within,
        year: q.year,
        kind: q.kind.clone(),
        text: q.q.clone(),
        person: q.person_id.map(UserId),
        blind_to: None,
    })
}

fn page_of(q: &RecordQuery) -> Page {
    Page::new(q.page, q.per_page, 50)
}

fn export_page() -> Page {
    Page {
        number: 1,
        size: EXPORT_MAX_ROWS,
    }
}

fn format_of(f: &SpreadsheetQuery) -> Result<&str, Failure> {
    match f.format.as_deref().unwrap_or("xlsx") {
        "csv" => Ok("csv"),
        "xlsx" => Ok("xlsx"),
        _ => Err(Failure(AppError::Validation(vec![
            ingot_domain::FieldError::new("format", "unknown_option").with("allowed", "csv, xlsx"),
        ]))),
    }
}

fn yuan(cents: Option<i64>) -> String {
    cents.map(format_money).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Achievements

/// Achievements the caller may see, filtered.
#[utoipa::path(get, path = "/achievements", tag = "innovation", params(RecordQuery),
    responses((status = 200, body = AchievementListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_achievements(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
) -> Result<Json<AchievementListDto>, Failure> {
    let filter = filter_of(&state, &q).await?;
    let page = page_of(&q);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::achievements(&mut tx, &api.caller(), filter, page).await?;
    Ok(Json(AchievementListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Records an achievement with its ranked completers and the patents and proposals it came from.
#[utoipa::path(post, path = "/achievements", tag = "innovation", request_body = AchievementBody,
    responses((status = 201, body = AchievementDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_achievement(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<AchievementBody>,
) -> Result<Response, Failure> {
    let input = cases::AchievementInput {
        unit_id: b.unit_id.map(OrgId),
        title: b.title,
        summary: b.summary,
        field: b.field,
        kind: b.kind,
        claimed_level: b.claimed_level,
        started_on: b.started_on,
        finished_on: b.finished_on,
        year: b.year,
        award: b.award,
        in_production_since: b.in_production_since,
        production_site: b.production_site,
        completers: b.completers,
        patent_ids: b.patent_ids,
        proposal_ids: b.proposal_ids,
    };
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    let a = cases::create_achievement(&mut tx, &caller, &input).await?;
    let detail = cases::achievement(&mut tx, &caller, a.id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(detail_dto(detail))).into_response())
}

fn detail_dto(d: cases::AchievementDetail) -> AchievementDetailDto {
    AchievementDetailDto {
        attachments: d.attachments.into_iter().map(Into::into).collect(),
        achievement: d.achievement.into(),
        completers: d.completers.into_iter().map(Into::into).collect(),
        patents: d.patents.into_iter().map(Into::into).collect(),
        proposals: d.proposals.into_iter().map(Into::into).collect(),
        can_manage: d.can_manage,
        can_verify: d.can_verify,
    }
}

/// One achievement with its team, patents and proposals.
#[utoipa::path(get, path = "/achievements/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = AchievementDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_achievement(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::achievement(&mut tx, &api.caller(), id).await?;
    Ok(Json(detail_dto(d)))
}

/// Links a patent to the achievement.
#[utoipa::path(post, path = "/achievements/{id}/patents", tag = "innovation", params(("id" = i64, Path)),
    request_body = LinkPatentBody,
    responses((status = 200, body = AchievementDetailDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn link_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<LinkPatentBody>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    cases::link_patent(&mut tx, &caller, id, b.patent_id).await?;
    let d = cases::achievement(&mut tx, &caller, id).await?;
    tx.commit().await?;
    Ok(Json(detail_dto(d)))
}

/// Links an improvement proposal the achievement grew out of.
#[utoipa::path(post, path = "/achievements/{id}/proposals", tag = "innovation", params(("id" = i64, Path)),
    request_body = LinkProposalBody,
    responses((status = 200, body = AchievementDetailDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn link_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<LinkProposalBody>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    cases::link_proposal(&mut tx, &caller, id, b.proposal_id).await?;
    let d = cases::achievement(&mut tx, &caller, id).await?;
    tx.commit().await?;
    Ok(Json(detail_dto(d)))
}

/// Claims the achievement's economic benefit (the same calculation as a proposal's).
#[utoipa::path(post, path = "/achievements/{id}/benefit", tag = "innovation", params(("id" = i64, Path)),
    request_body = ClaimBody,
    responses((status = 200, body = AchievementDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn claim_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ClaimBody>,
) -> Result<Json<AchievementDto>, Failure> {
    let fields = ClaimFields {
        method: b.method,
        old_cost: b.old_cost,
        new_cost: b.new_cost,
        volume: b.volume,
        hours: b.hours,
        rate: b.rate,
        amount: b.amount,
        note: b.note,
    };
    let mut tx = state.db.begin().await?;
    let a = cases::claim_benefit(&mut tx, &api.caller(), id, &fields, b.version).await?;
    tx.commit().await?;
    Ok(Json(a.into()))
}

/// Finance verifies or corrects the claimed benefit, which then locks.
#[utoipa::path(post, path = "/achievements/{id}/benefit/verify", tag = "innovation", params(("id" = i64, Path)),
    request_body = VerifyBody,
    responses((status = 200, body = AchievementDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn verify_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<VerifyBody>,
) -> Result<Json<AchievementDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let a = cases::verify_benefit(
        &mut tx,
        &api.caller(),
        id,
        &b.corrected_amount,
        &b.note,
        b.version,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(a.into()))
}

/// Attaches a file (multipart field `file`): images, PDF or office documents up to 10 MB whose
/// contents match their name, stored by SHA-256 like proposals' files.
#[utoipa::path(post, path = "/achievements/{id}/attachments", tag = "innovation", params(("id" = i64, Path)),
    request_body(content = inline(super::proposal_dto::UploadForm), content_type = "multipart/form-data"),
    responses((status = 201, body = AchievementFileDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn upload_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Result<Response, Failure> {
    let (name, bytes) = crate::pages::proposals::actions::read_file_field(multipart).await?;
    let (filename, content_type) = ingot_app::files::check(&name, &bytes)?;
    let mut tx = state.db.begin().await?;
    let a = cases::attach(&mut tx, &api.caller(), id, &filename, content_type, &bytes).await?;
    // Stored before the row is committed, so that a row never names a missing file.
    state.files.put(bytes).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(AchievementFileDto::from(a))).into_response())
}

/// Downloads a file attached to an achievement, as it was uploaded.
#[utoipa::path(get, path = "/achievement-files/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = FileBytes, content_type = "application/octet-stream",
            description = "The file, with its own Content-Type and `Content-Disposition: attachment`"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn download_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &api.caller(), id).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(crate::pages::records::file_response(
        &a.filename,
        &a.content_type,
        bytes,
    ))
}

const ACHIEVEMENT_HEADERS: [&str; 10] = [
    "id",
    "title",
    "unit",
    "field",
    "kind",
    "claimed_level",
    "year",
    "first_completer",
    "benefit_claimed_yuan",
    "benefit_verified_yuan",
];

pub fn achievement_rows(items: Vec<AchievementItem>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.title,
                a.unit_name,
                a.field,
                a.kind,
                a.claimed_level.unwrap_or_default(),
                a.year.to_string(),
                a.first_completer.unwrap_or_default(),
                yuan(a.benefit_claimed_cents),
                yuan(a.benefit_verified_cents),
            ]
        })
        .collect()
}

/// The filtered achievements as a CSV or XLSX file.
#[utoipa::path(get, path = "/achievements/export", tag = "innovation", params(RecordQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_achievements(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = format_of(&f)?;
    let filter = filter_of(&state, &q).await?;
    let mut tx = state.db.read().await?;
    let (items, _) = cases::achievements(&mut tx, &api.caller(), filter, export_page()).await?;
    drop(tx);
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "achievements",
        "achievements",
        &ACHIEVEMENT_HEADERS,
        achievement_rows(items),
    )
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Patents

/// Patents the caller may see, filtered.
#[utoipa::path(get, path = "/patents", tag = "innovation", params(RecordQuery),
    responses((status = 200, body = PatentListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_patents(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
) -> Result<Json<PatentListDto>, Failure> {
    let filter = filter_of(&state, &q).await?;
    let page = page_of(&q);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::patents(&mut tx, &api.caller(), filter, page).await?;
    Ok(Json(PatentListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Records a patent; its application number is checked (format and check digit).
#[utoipa::path(post, path = "/patents", tag = "innovation", request_body = PatentBody,
    responses((status = 201, body = PatentDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<PatentBody>,
) -> Result<Response, Failure> {
    let input = cases::PatentInput {
        unit_id: b.unit_id.map(OrgId),
        kind: b.kind,
        number: b.number,
        title: b.title,
        inventors: b.inventors,
        applied_on: b.applied_on,
        granted_on: b.granted_on,
        status: b.status,
    };
    let mut tx = state.db.begin().await?;
    let p = cases::create_patent(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(PatentDto::from(p))).into_response())
}

/// One patent and the achievements it is linked to.
#[utoipa::path(get, path = "/patents/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = PatentDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<PatentDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (p, linked) = cases::patent(&mut tx, &api.caller(), id).await?;
    Ok(Json(PatentDetailDto {
        patent: p.into(),
        achievements: linked.into_iter().map(Into::into).collect(),
    }))
}

/// Imports a CSV or XLSX list of patents (columns: number/申请号, title/专利名称, inventors/发明人,
/// applied_on/申请日, and optionally kind/专利类型, granted_on/授权日, status/法律状态,
/// unit_code/单位编码). All or nothing: any wrong row is reported by row and column and nothing
/// is saved.
#[utoipa::path(post, path = "/patents/import", tag = "innovation", params(PatentImportQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses((status = 200, body = PatentImportReportDto), (status = 422, body = PatentImportRefusedDto)),
    security(("bearer" = []), ("session" = [])))]
async fn import_patents(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<PatentImportQuery>,
    body: Bytes,
) -> Result<Response, Failure> {
    if body.len() > state.config.max_upload_bytes {
        return Err(Failure(crate::forms::file_too_large()));
    }
    crate::pages::orgs::check_upload_type(None, &body)?;
    let table = ingot_app::org_import::read_file(body.to_vec()).await?;
    let report = import::import_patents(
        &state.db,
        &api.caller(),
        &table,
        q.unit_id.map(OrgId),
        q.dry_run.unwrap_or(false),
    )
    .await?;
    let status = if report.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let dto = PatentImportReportDto {
        rows: report.rows,
        dry_run: report.dry_run,
        errors: report
            .errors
            .iter()
            .map(|e| super::dto::ImportRowErrorDto {
                row: e.row,
                column: e.column.clone(),
                field: e.error.field.clone(),
                code: e.error.code.to_string(),
                message: state.catalogs.field_error(api.lang, &e.error),
            })
            .collect(),
        created: report.created.into_iter().map(Into::into).collect(),
    };
    Ok((status, Json(dto)).into_response())
}

const PATENT_HEADERS: [&str; 9] = [
    "number",
    "kind",
    "title",
    "inventors",
    "unit",
    "applied_on",
    "granted_on",
    "status",
    "year",
];

pub fn patent_rows(items: Vec<Patent>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|p| {
            vec![
                p.number,
                p.kind.as_str().into(),
                p.title,
                p.inventors,
                p.unit_name,
                p.applied_on,
                p.granted_on.unwrap_or_default(),
                p.status.as_str().into(),
                p.year.to_string(),
            ]
        })
        .collect()
}

/// The filtered patents as a CSV or XLSX file (in the layout the import reads).
#[utoipa::path(get, path = "/patents/export", tag = "innovation", params(RecordQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_patents(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = format_of(&f)?;
    let filter = filter_of(&state, &q).await?;
    let mut tx = state.db.read().await?;
    let (items, _) = cases::patents(&mut tx, &api.caller(), filter, export_page()).await?;
    drop(tx);
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "patents",
        "patents",
        &PATENT_HEADERS,
        patent_rows(items),
    )
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Skills

/// Skills and methods the caller may see, filtered.
#[utoipa::path(get, path = "/skills", tag = "innovation", params(RecordQuery),
    responses((status = 200, body = SkillListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_skills(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
) -> Result<Json<SkillListDto>, Failure> {
    let filter = filter_of(&state, &q).await?;
    let page = page_of(&q);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::skills(&mut tx, &api.caller(), filter, page).await?;
    Ok(Json(SkillListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Records a skill or method named after its creator, with who was trained in it.
#[utoipa::path(post, path = "/skills", tag = "innovation", request_body = SkillBody,
    responses((status = 201, body = SkillDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_skill(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<SkillBody>,
) -> Result<Response, Failure> {
    let input = cases::SkillInput {
        unit_id: b.unit_id.map(OrgId),
        kind: b.kind,
        name: b.name,
        creator: b.creator,
        creator_name: b.creator_name,
        description: b.description,
        used_where: b.used_where,
        trained_count: b.trained_count,
        trainees: b.trainees,
        year: b.year,
    };
    let mut tx = state.db.begin().await?;
    let s = cases::create_skill(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(SkillDto::from(s))).into_response())
}

/// One skill or method with the people trained in it.
#[utoipa::path(get, path = "/skills/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = SkillDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_skill(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<SkillDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (s, trainees) = cases::skill(&mut tx, &api.caller(), id).await?;
    Ok(Json(SkillDetailDto {
        skill: s.into(),
        trainees: trainees.into_iter().map(Into::into).collect(),
    }))
}

const SKILL_HEADERS: [&str; 8] = [
    "name",
    "kind",
    "creator",
    "unit",
    "used_where",
    "trained_count",
    "year",
    "description",
];

pub fn skill_rows(items: Vec<Skill>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|s| {
            vec![
                s.name,
                s.kind.as_str().into(),
                s.creator_name,
                s.unit_name,
                s.used_where,
                s.trained_count.to_string(),
                s.year.to_string(),
                s.description,
            ]
        })
        .collect()
}

/// The filtered skills and methods as a CSV or XLSX file.
#[utoipa::path(get, path = "/skills/export", tag = "innovation", params(RecordQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_skills(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = format_of(&f)?;
    let filter = filter_of(&state, &q).await?;
    let mut tx = state.db.read().await?;
    let (items, _) = cases::skills(&mut tx, &api.caller(), filter, export_page()).await?;
    drop(tx);
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "skills",
        "skills",
        &SKILL_HEADERS,
        skill_rows(items),
    )
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Titles

/// Talent titles and honours the caller may see, filtered (`kind` filters by level).
#[utoipa::path(get, path = "/titles", tag = "innovation", params(RecordQuery),
    responses((status = 200, body = TitleListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_titles(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
) -> Result<Json<TitleListDto>, Failure> {
    let filter = filter_of(&state, &q).await?;
    let page = page_of(&q);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::titles(&mut tx, &api.caller(), filter, page).await?;
    Ok(Json(TitleListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Records a title or honour granted to a person by a body in a year.
#[utoipa::path(post, path = "/titles", tag = "innovation", request_body = TitleBody,
    responses((status = 201, body = TitleDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_title(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<TitleBody>,
) -> Result<Response, Failure> {
    let input = cases::TitleInput {
        holder: b.holder,
        name: b.name,
        granted_by: b.granted_by.map(OrgId),
        year: b.year,
        level: b.level,
    };
    let mut tx = state.db.begin().await?;
    let t = cases::create_title(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(TitleDto::from(t))).into_response())
}

const TITLE_HEADERS: [&str; 6] = ["holder", "unit", "title", "granted_by", "year", "level"];

pub fn title_rows(items: Vec<Title>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|t| {
            vec![
                t.holder_name,
                t.unit_name,
                t.name,
                t.granted_by_name,
                t.year.to_string(),
                t.level.as_str().into(),
            ]
        })
        .collect()
}

/// The filtered titles as a CSV or XLSX file.
#[utoipa::path(get, path = "/titles/export", tag = "innovation", params(RecordQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_titles(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = format_of(&f)?;
    let filter = filter_of(&state, &q).await?;
    let mut tx = state.db.read().await?;
    let (items, _) = cases::titles(&mut tx, &api.caller(), filter, export_page()).await?;
    drop(tx);
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "titles",
        "titles",
        &TITLE_HEADERS,
        title_rows(items),
    )
    .await?)
}

/// Does the person hold a title or honour of at least this level? For eligibility rules.
#[utoipa::path(get, path = "/people/{id}/honours", tag = "innovation", params(("id" = i64, Path), HonourQuery),
    responses((status = 200, body = HonourCheckDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn honour_check(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(q): Query<HonourQuery>,
) -> Result<Json<HonourCheckDto>, Failure> {
    let mut tx = state.db.read().await?;
    // Who the person is stays hidden from those who may not see them, whatever the query.
    cases::visible_person(&mut tx, &api.caller(), UserId(id)).await?;
    let level = HonourLevel::parse(&q.at_least)
        .ok_or(AppError::field("at_least", "unknown_honour_level"))?;
    let holds = cases::holds_honour_visible(&mut tx, &api.caller(), UserId(id), level).await?;
    Ok(Json(HonourCheckDto {
        user_id: id,
        at_least: level.as_str().into(),
        holds,
    }))
}

// ---------------------------------------------------------------------------------------------
// Record pages and figures

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
async fn person_records(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<HoldingsDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (_, h) = cases::person_holdings(&mut tx, &api.caller(), UserId(id)).await?;
    Ok(Json(holdings_dto(h)))
}

/// What a unit and the units below it hold.
#[utoipa::path(get, path = "/orgs/{id}/records", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = HoldingsDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn unit_records(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<HoldingsDto>, Failure> {
    let mut tx = state.db.read().await?;
    let org = ingot_store::orgs::get(&mut tx, OrgId(id))
        .await?
        .ok_or(AppError::not_found("organisation"))?;
    let h = cases::holdings(
        &mut tx,
        &api.caller(),
        RecordFilter {
            within: Some(OrgScope::of([org.path])),
            ..Default::default()
        },
    )
    .await?;
    Ok(Json(holdings_dto(h)))
}

/// A unit's figures for a year, as a federation's annual summary reports them.
#[utoipa::path(get, path = "/innovation/figures", tag = "innovation", params(FiguresQuery),
    responses((status = 200, body = YearFiguresDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn year_figures(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<YearFiguresDto>, Failure> {
    let mut tx = state.db.read().await?;
    let f = cases::year_figures(
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
