//! `/campaigns` and `/declarations`: award campaigns from the call to the announcement and the
//! ranking of participating units. The publicity list, objections, certificates and the ranking
//! of an announced campaign are public (no credentials needed). Dates are `YYYY-MM-DD`; scores
//! are points out of 100.

use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use crate::request::RequestState;
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use ingot_app::Caller;
use ingot_app::campaigns::{self as cases, CampaignDetail, Matrix, Results};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::time::Date;
use ingot_domain::{Actor, AppError, OrgId, Timestamp};
use ingot_store::campaigns::{Campaign, Declaration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign))
        .routes(routes!(advance))
        .routes(routes!(declare))
        .routes(routes!(check))
        .routes(routes!(resubmit))
        .routes(routes!(forward))
        .routes(routes!(list_experts, add_expert))
        .routes(routes!(add_conflict))
        .routes(routes!(get_assignment, run_assignment))
        .routes(routes!(override_assignment))
        .routes(routes!(my_reviews))
        .routes(routes!(score))
        .routes(routes!(get_results))
        .routes(routes!(decide))
        .routes(routes!(open_publicity))
        .routes(routes!(publicity))
        .routes(routes!(object))
        .routes(routes!(objections))
        .routes(routes!(decide_objection))
        .routes(routes!(dismiss_objections))
        .routes(routes!(announce))
        .routes(routes!(ranking))
}

/// The caller if signed in, or the public.
pub struct MaybeApi {
    pub actor: Option<Actor>,
    pub origin: RequestOrigin,
}

impl MaybeApi {
    /// For the one public write (an objection), which needs no permission: the system caller
    /// only carries the request's origin to the audit row, labelled "public".
    fn caller(&self) -> Caller<'_> {
        match &self.actor {
            Some(a) => Caller::user(a, &self.origin),
            None => Caller::system(&self.origin),
        }
    }

    fn user(&self) -> Option<Caller<'_>> {
        self.actor.as_ref().map(|a| Caller::user(a, &self.origin))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeApi {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let rs = parts
            .extensions
            .get::<RequestState>()
            .ok_or_else(|| Failure(AppError::internal("request state missing")))?;
        Ok(MaybeApi {
            actor: rs.actor().cloned(),
            origin: RequestOrigin {
                channel: "api",
                ..rs.origin.clone()
            },
        })
    }
}

// --- Bodies -------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct CampaignDto {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub parent_id: Option<i64>,
    /// `achievement_award`, `skills_methods`, `proposals` or `titles`.
    pub kind: String,
    pub title: String,
    pub edition: i64,
    pub year: i64,
    /// `annual` or `triennial`.
    pub cadence: String,
    pub rules: String,
    pub min_record_year: Option<i64>,
    pub max_record_year: Option<i64>,
    pub required_fields: Vec<String>,
    pub required_documents: i64,
    pub reviewers_per_declaration: i64,
    pub min_load: i64,
    pub max_load: i64,
    pub score_scale: i64,
    pub blind: bool,
    pub divergence_points: f64,
    pub declaration_closes: String,
    pub check_closes: String,
    pub review_closes: String,
    pub publicity_days: i64,
    pub announce_on: String,
    /// `declaration`, `formal_check`, `review`, `publicity` or `announced`.
    pub stage: String,
    pub publicity_start: Option<String>,
    pub decided: bool,
    pub decision_note: Option<String>,
    pub notice_number: Option<String>,
    pub announced_on: Option<String>,
}

impl From<&Campaign> for CampaignDto {
    fn from(c: &Campaign) -> Self {
        CampaignDto {
            id: c.id,
            org_id: c.org_id,
            org_name: c.org_name.clone(),
            parent_id: c.parent_id,
            kind: c.kind.clone(),
            title: c.title.clone(),
            edition: c.edition,
            year: c.year,
            cadence: c.cadence.clone(),
            rules: c.rules.clone(),
            min_record_year: c.min_record_year,
            max_record_year: c.max_record_year,
            required_fields: c
                .required_fields
                .split(',')
                .filter(|f| !f.is_empty())
                .map(String::from)
                .collect(),
            required_documents: c.required_documents,
            reviewers_per_declaration: c.reviewers_per_declaration,
            min_load: c.min_load,
            max_load: c.max_load,
            score_scale: c.score_scale,
            blind: c.blind,
            divergence_points: c.divergence_hundredths as f64 / 100.0,
            declaration_closes: c.declaration_closes.clone(),
            check_closes: c.check_closes.clone(),
            review_closes: c.review_closes.clone(),
            publicity_days: c.publicity_days,
            announce_on: c.announce_on.clone(),
            stage: c.stage.clone(),
            publicity_start: c.publicity_start.clone(),
            decided: c.decided_at.is_some(),
            decision_note: c.decision_note.clone(),
            notice_number: c.notice_number.clone(),
            announced_on: c.announced_on.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeclarationDto {
    pub id: i64,
    pub campaign_id: i64,
    /// Numbered within the campaign.
    pub number: i64,
    pub participant_id: i64,
    pub participant_name: String,
    /// `achievement` or `skill`.
    pub record_type: String,
    pub record_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub first_completer_name: Option<String>,
    /// `submitted`, `returned` or `accepted`.
    pub status: String,
    pub return_reasons: Option<String>,
    pub correct_by: Option<String>,
    pub forwarded_from: Option<i64>,
    /// `first`, `second`, `third`, `excellent`, or null.
    pub tier: Option<String>,
}

impl From<&Declaration> for DeclarationDto {
    fn from(d: &Declaration) -> Self {
        DeclarationDto {
            id: d.id,
            campaign_id: d.campaign_id,
            number: d.number,
            participant_id: d.participant_id,
            participant_name: d.participant_name.clone(),
            record_type: d.record_type.clone(),
            record_id: d.record_id,
            unit_id: d.unit_id,
            unit_name: d.unit_name.clone(),
            title: d.title.clone(),
            summary: d.summary.clone(),
            field: d.field.clone(),
            first_completer_name: d.first_completer_name.clone(),
            status: d.status.clone(),
            return_reasons: d.return_reasons.clone(),
            correct_by: d.correct_by.clone(),
            forwarded_from: d.forwarded_from,
            tier: d.tier.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub org_id: i64,
    pub name: String,
    pub quota: i64,
    pub declared: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CriterionDto {
    pub name: String,
    pub weight: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TierQuotaDto {
    pub tier: String,
    /// As set: a count ("3") or a share ("5%").
    pub quota: String,
    /// Awards it allows for the declarations accepted now.
    pub awards: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignDetailDto {
    pub campaign: CampaignDto,
    pub units: Vec<UnitDto>,
    pub criteria: Vec<CriterionDto>,
    pub tiers: Vec<TierQuotaDto>,
    /// What the caller may see: all for the campaign's staff, their own units' for declarers,
    /// the awarded ones once publicity starts.
    pub declarations: Vec<DeclarationDto>,
    pub publicity_end: Option<String>,
}

fn detail_dto(d: &CampaignDetail) -> CampaignDetailDto {
    CampaignDetailDto {
        campaign: CampaignDto::from(&d.campaign),
        units: d
            .units
            .iter()
            .map(|u| UnitDto {
                org_id: u.unit.org_id,
                name: u.unit.name.clone(),
                quota: u.unit.quota,
                declared: u.declared,
            })
            .collect(),
        criteria: d
            .criteria
            .iter()
            .map(|c| CriterionDto {
                name: c.name.clone(),
                weight: c.weight,
            })
            .collect(),
        tiers: d
            .tiers
            .iter()
            .map(|(t, q, n)| TierQuotaDto {
                tier: t.as_str().into(),
                quota: q.clone(),
                awards: *n as i64,
            })
            .collect(),
        declarations: d.declarations.iter().map(DeclarationDto::from).collect(),
        publicity_end: d.publicity_end.clone(),
    }
}

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

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DeclareBody {
    /// The record's id: an achievement (achievement award) or a skill (skills and methods).
    pub record_id: Option<i64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CheckBody {
    /// `accept` or `return`.
    pub decision: String,
    pub reasons: String,
    pub correct_by: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ExpertBody {
    pub username: String,
    /// Comma-separated fields as the records name them.
    pub fields: String,
    pub profile: String,
}

#[derive(Serialize, ToSchema)]
pub struct ExpertDto {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_name: String,
    pub fields: Vec<String>,
    pub profile: String,
}

#[derive(Serialize, ToSchema)]
pub struct PairDto {
    pub declaration_id: i64,
    pub expert_id: i64,
    /// Why they may not be paired: `same_unit`, `same_group`, `completer`, `past_co_work`,
    /// `declared`, `manual`. Empty when they may.
    pub conflicts: Vec<String>,
    pub affinity: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PanelDto {
    pub experts: Vec<ExpertDto>,
    /// Every expert against every accepted declaration.
    pub pairs: Vec<PairDto>,
}

fn panel_dto(m: &Matrix) -> PanelDto {
    PanelDto {
        experts: m
            .experts
            .iter()
            .map(|e| ExpertDto {
                user_id: e.user_id,
                username: e.username.clone(),
                display_name: e.display_name.clone(),
                org_name: e.org_name.clone(),
                fields: e.fields.split(',').map(String::from).collect(),
                profile: e.profile.clone(),
            })
            .collect(),
        pairs: m
            .declarations
            .iter()
            .zip(&m.pairs)
            .flat_map(|(d, row)| {
                m.experts.iter().zip(row).map(move |(e, p)| PairDto {
                    declaration_id: d.id,
                    expert_id: e.user_id,
                    conflicts: p.conflicts.iter().map(|c| c.as_str().to_string()).collect(),
                    affinity: p.affinity,
                })
            })
            .collect(),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ConflictBody {
    pub declaration_id: Option<i64>,
    /// The expert (staff only); an expert declaring their own conflict leaves it empty.
    pub username: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentPairDto {
    pub declaration_id: i64,
    pub expert_id: i64,
    pub affinity: i64,
    /// Placed by hand (an override) rather than by the solver.
    pub manual: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentDto {
    pub pairs: Vec<AssignmentPairDto>,
    /// Total affinity of the assignment.
    pub objective: i64,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OverrideBody {
    pub declaration_id: Option<i64>,
    /// Username of the assigned expert to take off.
    pub remove: String,
    /// Username of the panel expert to put on.
    pub add: String,
}

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
    pub marks: Option<Vec<i64>>,
    pub total: Option<f64>,
    pub comment: Option<String>,
    /// Whether the sheet may still be submitted or revised.
    pub open: bool,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ScoreBody {
    /// One mark per criterion, in rubric order, within 0 and the campaign's scale.
    pub marks: Vec<i64>,
    pub comment: String,
}

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

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct TierChoice {
    pub declaration_id: i64,
    /// A tier code, or empty for no award.
    pub tier: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DecisionBody {
    /// Changes to the proposed tiers (ties settled, panel changes); others keep the proposal.
    pub tiers: Vec<TierChoice>,
    pub note: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PublicityBody {
    pub start: String,
    pub days: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublicEntryDto {
    pub declaration_id: i64,
    pub number: i64,
    pub title: String,
    pub unit_name: String,
    pub participant_name: String,
    pub first_completer_name: Option<String>,
    pub tier: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublicityDto {
    pub campaign: CampaignDto,
    pub publicity_end: Option<String>,
    /// Whether objections may be lodged today.
    pub open: bool,
    pub entries: Vec<PublicEntryDto>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ObjectionBody {
    pub declaration_id: Option<i64>,
    pub name: String,
    /// A telephone number or e-mail address.
    pub contact: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct ObjectionDto {
    pub id: i64,
    pub declaration_id: i64,
    pub name: String,
    pub contact: String,
    pub text: String,
    /// `open`, `upheld` or `dismissed`.
    pub status: String,
    pub outcome: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OutcomeBody {
    /// `upheld` (the award is withdrawn) or `dismissed`.
    pub status: String,
    pub outcome: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AnnounceBody {
    pub notice_number: String,
    pub announced_on: String,
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

#[derive(Serialize, ToSchema)]
pub struct IdDto {
    pub id: i64,
}

// --- Handlers -----------------------------------------------------------------------------------

async fn detail_of(
    state: &AppState,
    caller: Option<&Caller<'_>>,
    id: i64,
) -> Result<CampaignDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), state.config.utc_offset_ms());
    Ok(detail_dto(
        &cases::detail(&mut tx, caller, id, today).await?,
    ))
}

/// Every campaign (calls are public), newest first.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    responses((status = 200, body = Vec<CampaignDto>)), security((), ("bearer" = []), ("session" = [])))]
async fn list_campaigns(
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
async fn create_campaign(
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
async fn get_campaign(
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
async fn advance(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<CampaignDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::advance(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, Some(&api.caller()), id).await?))
}

/// Declares a record (attached by id, not retyped) within the participating unit's quota.
/// Ineligible records are refused with every reason (`quota_exceeded`,
/// `first_completer_not_in_unit`, `record_year_outside`, ...).
#[utoipa::path(post, path = "/campaigns/{id}/declarations", tag = "campaigns", params(("id" = i64, Path)),
    request_body = DeclareBody,
    responses((status = 201, body = IdDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn declare(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<DeclareBody>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let d = cases::declare(
        &mut tx,
        &api.caller(),
        id,
        &cases::DeclareInput {
            record_id: b.record_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: d })).into_response())
}

/// The formal check: accept, or return with reasons and a correction deadline.
#[utoipa::path(post, path = "/declarations/{id}/check", tag = "campaigns", params(("id" = i64, Path)),
    request_body = CheckBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn check(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<CheckBody>,
) -> Result<StatusCode, Failure> {
    let input = cases::CheckInput {
        decision: b.decision,
        reasons: b.reasons,
        correct_by: b.correct_by,
    };
    let mut tx = state.db.begin().await?;
    cases::check(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a returned declaration for checking again once its record is corrected.
#[utoipa::path(post, path = "/declarations/{id}/resubmit", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn resubmit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::resubmit(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forwards a winner of a lower federation's announced round to the campaign above it.
#[utoipa::path(post, path = "/declarations/{id}/forward", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 201, body = IdDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn forward(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let d = cases::forward(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: d })).into_response())
}

async fn panel_of(state: &AppState, api: &ApiCtx, id: i64) -> Result<PanelDto, AppError> {
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&api.caller(), &c) {
        return Err(AppError::forbidden());
    }
    Ok(panel_dto(&cases::matrix(&mut tx, id).await?))
}

/// The campaign's expert panel with every conflict of interest and affinity.
#[utoipa::path(get, path = "/campaigns/{id}/experts", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = PanelDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_experts(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<PanelDto>, Failure> {
    Ok(Json(panel_of(&state, &api, id).await?))
}

/// Adds a person with the expert role to the pool (fields, profile) and to the panel.
#[utoipa::path(post, path = "/campaigns/{id}/experts", tag = "campaigns", params(("id" = i64, Path)),
    request_body = ExpertBody,
    responses((status = 200, body = PanelDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_expert(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ExpertBody>,
) -> Result<Json<PanelDto>, Failure> {
    let input = cases::ExpertInput {
        username: b.username,
        fields: b.fields,
        profile: b.profile,
    };
    let mut tx = state.db.begin().await?;
    cases::add_expert(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(panel_of(&state, &api, id).await?))
}

/// Records a conflict: an expert declares their own, or staff record one by hand.
#[utoipa::path(post, path = "/campaigns/{id}/conflicts", tag = "campaigns", params(("id" = i64, Path)),
    request_body = ConflictBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_conflict(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ConflictBody>,
) -> Result<StatusCode, Failure> {
    let input = cases::ConflictInput {
        declaration_id: b.declaration_id,
        username: b.username,
        reason: b.reason,
    };
    let mut tx = state.db.begin().await?;
    cases::add_conflict(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn assignment_of(state: &AppState, api: &ApiCtx, id: i64) -> Result<AssignmentDto, AppError> {
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&api.caller(), &c) {
        return Err(AppError::forbidden());
    }
    let pairs: Vec<AssignmentPairDto> = ingot_store::campaigns::assignment(&mut tx, id)
        .await?
        .iter()
        .map(|a| AssignmentPairDto {
            declaration_id: a.declaration_id,
            expert_id: a.user_id,
            affinity: a.affinity,
            manual: a.manual,
        })
        .collect();
    Ok(AssignmentDto {
        objective: pairs.iter().map(|p| p.affinity).sum(),
        pairs,
    })
}

#[utoipa::path(get, path = "/campaigns/{id}/assignment", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = AssignmentDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_assignment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<AssignmentDto>, Failure> {
    Ok(Json(assignment_of(&state, &api, id).await?))
}

/// Solves the assignment optimally (k reviewers each, loads within bounds, no conflicted
/// pair, total affinity maximal). An impossible one is refused naming the declarations or
/// experts concerned (`too_few_reviewers`, `declarations_uncovered`, `reviewer_capacity`,
/// `experts_underloaded`).
#[utoipa::path(post, path = "/campaigns/{id}/assignment", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = AssignmentDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn run_assignment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<AssignmentDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::run_assignment(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(assignment_of(&state, &api, id).await?))
}

/// Swaps one reviewer of a declaration for another, checked against every rule.
#[utoipa::path(post, path = "/campaigns/{id}/assignment/override", tag = "campaigns", params(("id" = i64, Path)),
    request_body = OverrideBody,
    responses((status = 200, body = AssignmentDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn override_assignment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<OverrideBody>,
) -> Result<Json<AssignmentDto>, Failure> {
    let input = cases::OverrideInput {
        declaration_id: b.declaration_id,
        remove: b.remove,
        add: b.add,
    };
    let mut tx = state.db.begin().await?;
    cases::override_pair(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(assignment_of(&state, &api, id).await?))
}

/// The declarations assigned to the calling expert, with their own sheets.
#[utoipa::path(get, path = "/campaigns/{id}/reviews", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ReviewItemDto>)),
    security(("bearer" = []), ("session" = [])))]
async fn my_reviews(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
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
    request_body = ScoreBody,
    responses((status = 200, body = f64, description = "The sheet's total out of 100"), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn score(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ScoreBody>,
) -> Result<Json<f64>, Failure> {
    let input = cases::ScoreInput {
        marks: b.marks.iter().map(i64::to_string).collect(),
        comment: b.comment,
    };
    let mut tx = state.db.begin().await?;
    let total = cases::score(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(total as f64 / 100.0))
}

/// Raw and calibrated scores side by side, reviewer offsets, divergence, proposed tiers with
/// ties, and the decided tiers.
#[utoipa::path(get, path = "/campaigns/{id}/results", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = ResultsDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_results(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<ResultsDto>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(results_dto(
        &cases::results(&mut tx, Some(&api.caller()), id).await?,
    )))
}

/// The panel's final decision on the tiers, with a note.
#[utoipa::path(post, path = "/campaigns/{id}/decision", tag = "campaigns", params(("id" = i64, Path)),
    request_body = DecisionBody,
    responses((status = 200, body = ResultsDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn decide(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> Result<Json<ResultsDto>, Failure> {
    let input = cases::DecisionInput {
        tiers: b
            .tiers
            .into_iter()
            .map(|t| (t.declaration_id, t.tier))
            .collect(),
        note: b.note,
    };
    let mut tx = state.db.begin().await?;
    cases::decide(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    let mut tx = state.db.read().await?;
    Ok(Json(results_dto(
        &cases::results(&mut tx, Some(&api.caller()), id).await?,
    )))
}

/// Opens the publicity period (公示) of the decided list.
#[utoipa::path(post, path = "/campaigns/{id}/publicity", tag = "campaigns", params(("id" = i64, Path)),
    request_body = PublicityBody,
    responses((status = 200, body = PublicityDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn open_publicity(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<PublicityBody>,
) -> Result<Json<PublicityDto>, Failure> {
    let input = cases::PublicityInput {
        start: b.start,
        days: b.days,
    };
    let mut tx = state.db.begin().await?;
    cases::open_publicity(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(
        publicity_of(&state, Some(&api.caller()), &api.origin, id).await?,
    ))
}

/// The list as published; the campaign's staff also see it before its first day.
async fn publicity_of(
    state: &AppState,
    caller: Option<&Caller<'_>>,
    origin: &RequestOrigin,
    id: i64,
) -> Result<PublicityDto, AppError> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), origin.utc_offset_ms);
    let d = cases::detail(&mut tx, caller, id, today).await?;
    if !d.results_public && !d.manage {
        return Err(AppError::not_found("publicity"));
    }
    let start = d
        .campaign
        .publicity_start
        .as_deref()
        .and_then(ingot_domain::time::Date::parse);
    let end = cases::publicity_end(&d.campaign);
    let open = d.stage == ingot_domain::campaign::Stage::Publicity
        && start.is_some_and(|s| today >= s)
        && end.is_some_and(|e| today < e);
    Ok(PublicityDto {
        campaign: CampaignDto::from(&d.campaign),
        publicity_end: d.publicity_end.clone(),
        open,
        entries: public_entries(&d.declarations),
    })
}

fn public_entries(ds: &[Declaration]) -> Vec<PublicEntryDto> {
    let mut out: Vec<PublicEntryDto> = ds
        .iter()
        .filter_map(|d| {
            Some(PublicEntryDto {
                declaration_id: d.id,
                number: d.number,
                title: d.title.clone(),
                unit_name: d.unit_name.clone(),
                participant_name: d.participant_name.clone(),
                first_completer_name: d.first_completer_name.clone(),
                tier: d.tier.clone()?,
            })
        })
        .collect();
    let order = |t: &str| ingot_domain::campaign::Tier::parse(t).map_or(9, |t| t as u8);
    out.sort_by_key(|e| (order(&e.tier), e.number));
    out
}

/// The public list (no credentials needed) once publicity has started.
#[utoipa::path(get, path = "/campaigns/{id}/publicity", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = PublicityDto), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
async fn publicity(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<i64>,
) -> Result<Json<PublicityDto>, Failure> {
    Ok(Json(
        publicity_of(&state, who.user().as_ref(), &who.origin, id).await?,
    ))
}

/// Lodges an objection to a listed award (anyone, during the publicity period only).
#[utoipa::path(post, path = "/campaigns/{id}/objections", tag = "campaigns", params(("id" = i64, Path)),
    request_body = ObjectionBody,
    responses((status = 201, body = IdDto), (status = 409, body = ErrorBody, description = "`publicity_closed`"), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many objections from this address: wait for `Retry-After` seconds")),
    security((), ("bearer" = []), ("session" = [])))]
async fn object(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ObjectionBody>,
) -> Result<Response, Failure> {
    let input = cases::ObjectionInput {
        declaration_id: b.declaration_id,
        name: b.name,
        contact: b.contact,
        text: b.text,
    };
    crate::request::throttle_objections(&state, &who.origin).await?;
    let mut tx = state.db.begin().await?;
    let o = cases::object(&mut tx, &who.caller(), id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: o })).into_response())
}

/// The objections lodged, for the campaign's staff.
#[utoipa::path(get, path = "/campaigns/{id}/objections", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ObjectionDto>), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn objections(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ObjectionDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let list = cases::objections(&mut tx, &api.caller(), id).await?;
    Ok(Json(
        list.into_iter()
            .map(|o| ObjectionDto {
                id: o.id,
                declaration_id: o.declaration_id,
                name: o.name,
                contact: o.contact,
                text: o.text,
                status: o.status,
                outcome: o.outcome,
            })
            .collect(),
    ))
}

/// Records the outcome of the staff's investigation of an objection.
#[utoipa::path(post, path = "/objections/{id}/outcome", tag = "campaigns", params(("id" = i64, Path)),
    request_body = OutcomeBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn decide_objection(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<OutcomeBody>,
) -> Result<StatusCode, Failure> {
    let input = cases::OutcomeInput {
        status: b.status,
        outcome: b.outcome,
    };
    let mut tx = state.db.begin().await?;
    cases::decide_objection(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Dismisses many open objections at once with one outcome: all of them or none.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DismissBody {
    /// Open objections of this campaign, at most 500.
    pub ids: Vec<i64>,
    pub outcome: String,
}

#[derive(Serialize, ToSchema)]
pub struct DismissedDto {
    pub dismissed: i64,
}

/// Dismisses many open objections at once (a flood must not hold up the announcement).
#[utoipa::path(post, path = "/campaigns/{id}/objections/dismiss", tag = "campaigns", params(("id" = i64, Path)),
    request_body = DismissBody,
    responses((status = 200, body = DismissedDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn dismiss_objections(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<DismissBody>,
) -> Result<Json<DismissedDto>, Failure> {
    let input = cases::DismissInput {
        ids: b.ids,
        outcome: b.outcome,
    };
    let mut tx = state.db.begin().await?;
    let n = cases::dismiss_objections(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(DismissedDto {
        dismissed: n as i64,
    }))
}

/// Publishes the results with a notice number after the publicity period.
#[utoipa::path(post, path = "/campaigns/{id}/announcement", tag = "campaigns", params(("id" = i64, Path)),
    request_body = AnnounceBody,
    responses((status = 200, body = PublicityDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn announce(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<AnnounceBody>,
) -> Result<Json<PublicityDto>, Failure> {
    let input = cases::AnnounceInput {
        notice_number: b.notice_number,
        announced_on: b.announced_on,
    };
    let mut tx = state.db.begin().await?;
    cases::announce(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(
        publicity_of(&state, Some(&api.caller()), &api.origin, id).await?,
    ))
}

/// Participating units ranked by awards weighted by tier (public once announced).
#[utoipa::path(get, path = "/campaigns/{id}/ranking", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RankRowDto>), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
async fn ranking(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<i64>,
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
