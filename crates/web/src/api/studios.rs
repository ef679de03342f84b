//! `/studios`, `/naming-calls`, `/naming-applications`, `/alliances` and
//! `/orgs/{id}/assessment-standard`: innovation studios, their namings, reviews, funding,
//! assessments, outputs and photos. Dates are `YYYY-MM-DD`, money integer fen (`_cents`) in
//! answers and yuan as text in requests (as typed on the forms).

use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::files::MAX_FILE_BYTES;
use ingot_app::studios::{self as cases, StoredFile, StudioDetail};
use ingot_domain::studio::{FocusField, Level, Standard, StudioKind, StudioStatus, date_of_number};
use ingot_domain::{AppError, ApplicationId, CallId, OrgId, StudioId};
use ingot_store::Page;
use ingot_store::studios::{self as store, Application, Call, Filter, Naming, Studio};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(upload_photo))
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024));
    OpenApiRouter::new()
        .routes(routes!(list_studios, create_studio))
        .routes(routes!(studio_stats))
        .routes(routes!(get_studio, update_studio))
        .routes(routes!(add_member))
        .routes(routes!(member_leaves))
        .routes(routes!(add_honour))
        .routes(routes!(add_output))
        .routes(routes!(set_status))
        .routes(routes!(record_naming))
        .routes(routes!(assess))
        .routes(routes!(funding_entry))
        .merge(uploads)
        .routes(routes!(list_calls, create_call))
        .routes(routes!(get_call))
        .routes(routes!(apply))
        .routes(routes!(get_application))
        .routes(routes!(review))
        .routes(routes!(decide))
        .routes(routes!(get_standard, set_standard))
        .routes(routes!(create_alliance))
        .routes(routes!(get_alliance))
}

fn day(n: i64) -> String {
    date_of_number(n).map_or_else(|| n.to_string(), |d| d.to_string())
}

// --- Bodies -------------------------------------------------------------------------------------

/// A studio in a list.
#[derive(Serialize, ToSchema)]
pub struct StudioDto {
    pub id: i64,
    pub name: String,
    /// `model_worker`, `employee` or `craftsman`.
    pub kind: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub lead_id: i64,
    pub lead_name: String,
    pub founded_on: String,
    pub address: String,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// The highest standing naming: `enterprise`, `municipal`, `provincial`, `national`; null if none.
    pub level: Option<String>,
    pub named_year: Option<i64>,
    /// Changes with every change of the studio; send it back with an update.
    pub version: i64,
}

impl From<&Studio> for StudioDto {
    fn from(s: &Studio) -> Self {
        StudioDto {
            id: s.id.0,
            name: s.name.clone(),
            kind: s.kind.as_str().into(),
            unit_id: s.unit_id.0,
            unit_name: s.unit_name.clone(),
            lead_id: s.lead_id.0,
            lead_name: s.lead_name.clone(),
            founded_on: day(s.founded_on),
            address: s.address.clone(),
            status: s.status.as_str().into(),
            level: s.level.map(|l| l.as_str().into()),
            named_year: s.named_year,
            version: s.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StudioListDto {
    pub items: Vec<StudioDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct HonourDto {
    pub title: String,
    pub awarded_by: String,
    pub level: String,
    pub year: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// `lead` or `member`.
    pub role: String,
    pub joined_on: String,
    pub left_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NamingDto {
    pub id: i64,
    pub level: String,
    pub org_id: i64,
    pub org_name: String,
    pub application_id: Option<i64>,
    pub notice_number: String,
    pub notice_title: String,
    pub named_on: String,
    /// `active`, or `lost` (by a failed assessment or a revocation).
    pub status: String,
    pub lost_on: Option<String>,
    pub lost_reason: Option<String>,
}

impl From<&Naming> for NamingDto {
    fn from(n: &Naming) -> Self {
        NamingDto {
            id: n.id,
            level: n.level.clone(),
            org_id: n.org_id,
            org_name: n.org_name.clone(),
            application_id: n.application_id,
            notice_number: n.notice_number.clone(),
            notice_title: n.notice_title.clone(),
            named_on: day(n.named_on),
            status: n.status.clone(),
            lost_on: n.lost_on.map(day),
            lost_reason: n.lost_reason.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FundingEntryDto {
    pub id: i64,
    /// `payment` or `spending`.
    pub kind: String,
    pub category: Option<String>,
    pub amount_cents: i64,
    pub on_date: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct FundingDto {
    pub id: i64,
    pub naming_id: i64,
    pub level: String,
    pub org_name: String,
    pub granted_cents: i64,
    pub paid_cents: i64,
    pub spent_cents: i64,
    /// Spending by category code.
    pub spent_by_category: std::collections::BTreeMap<String, i64>,
    pub entries: Vec<FundingEntryDto>,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentDto {
    pub id: i64,
    pub naming_id: i64,
    pub period: String,
    pub assessed_on: String,
    /// The weighted total, 0-100.
    pub total: i64,
    /// `excellent`, `pass` or `fail`.
    pub result: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct OutputDto {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub on_date: String,
    pub count: i64,
    pub amount_cents: Option<i64>,
    pub patent_type: Option<String>,
    pub patent_stage: Option<String>,
    pub proposal_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OutputTotalsDto {
    pub proposals: i64,
    pub achievements: i64,
    pub transformations: i64,
    pub patents_applied: i64,
    pub patents_granted: i64,
    pub invention_patents: i64,
    pub utility_model_patents: i64,
    pub design_patents: i64,
    pub skill_methods: i64,
    pub people_trained: i64,
    pub benefit_cents: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PhotoDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Set when taken during an on-site review.
    pub review_id: Option<i64>,
    /// Where the image is served (public, like the studio's page).
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryDto {
    pub on_date: String,
    pub kind: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub public: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: i64,
    pub call_id: i64,
    pub call_title: String,
    pub level: String,
    pub studio_id: i64,
    pub studio_name: String,
    /// `submitted`, `reviewed`, `approved` or `rejected`.
    pub status: String,
    pub statement: String,
    pub decision_note: Option<String>,
    pub version: i64,
}

impl From<&Application> for ApplicationDto {
    fn from(a: &Application) -> Self {
        ApplicationDto {
            id: a.id,
            call_id: a.call_id,
            call_title: a.call_title.clone(),
            level: a.call_level.clone(),
            studio_id: a.studio_id,
            studio_name: a.studio_name.clone(),
            status: a.status.clone(),
            statement: a.statement.clone(),
            decision_note: a.decision_note.clone(),
            version: a.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StudioAccessDto {
    pub manage: bool,
    pub honours: bool,
    pub status: bool,
    pub assess: bool,
}

/// A studio with everything recorded about it that the caller may see.
#[derive(Serialize, ToSchema)]
pub struct StudioDetailDto {
    pub studio: StudioDto,
    pub description: String,
    pub fields: Vec<String>,
    pub lead_honours: Vec<HonourDto>,
    pub members: Vec<MemberDto>,
    pub namings: Vec<NamingDto>,
    pub funding: Vec<FundingDto>,
    pub assessments: Vec<AssessmentDto>,
    pub outputs: Vec<OutputDto>,
    pub totals: OutputTotalsDto,
    pub photos: Vec<PhotoDto>,
    pub history: Vec<HistoryDto>,
    pub applications: Vec<ApplicationDto>,
    /// Alliances and mentoring pairs the studio belongs to.
    pub alliances: Vec<AllianceRefDto>,
    pub access: StudioAccessDto,
}

#[derive(Serialize, ToSchema)]
pub struct AllianceRefDto {
    pub id: i64,
    /// `alliance` or `pairing`.
    pub kind: String,
    pub name: String,
    pub lead_studio_id: i64,
}

impl From<StudioDetail> for StudioDetailDto {
    fn from(d: StudioDetail) -> Self {
        let t = &d.totals;
        StudioDetailDto {
            studio: StudioDto::from(&d.studio),
            description: d.studio.description.clone(),
            fields: d.fields.clone(),
            lead_honours: d
                .lead_honours
                .iter()
                .map(|h| HonourDto {
                    title: h.title.clone(),
                    awarded_by: h.body.clone(),
                    level: h.level.clone(),
                    year: h.year,
                })
                .collect(),
            members: d
                .members
                .iter()
                .map(|m| MemberDto {
                    id: m.id,
                    user_id: m.user_id,
                    username: m.username.clone(),
                    display_name: m.display_name.clone(),
                    role: m.role.clone(),
                    joined_on: day(m.joined_on),
                    left_on: m.left_on.map(day),
                })
                .collect(),
            namings: d.namings.iter().map(NamingDto::from).collect(),
            funding: d
                .funding
                .iter()
                .map(|f| FundingDto {
                    id: f.funding.id,
                    naming_id: f.funding.naming_id,
                    level: f.level.clone(),
                    org_name: f.org_name.clone(),
                    granted_cents: f.funding.granted_cents,
                    paid_cents: f.funding.paid_cents,
                    spent_cents: f.funding.spent_cents,
                    spent_by_category: f.spent_by_category.iter().cloned().collect(),
                    entries: f
                        .entries
                        .iter()
                        .map(|e| FundingEntryDto {
                            id: e.id,
                            kind: e.kind.clone(),
                            category: e.category.clone(),
                            amount_cents: e.amount_cents,
                            on_date: day(e.on_date),
                            note: e.note.clone(),
                        })
                        .collect(),
                })
                .collect(),
            assessments: d
                .assessments
                .iter()
                .map(|a| AssessmentDto {
                    id: a.id,
                    naming_id: a.naming_id,
                    period: a.period.clone(),
                    assessed_on: day(a.assessed_on),
                    total: a.total,
                    result: a.result.clone(),
                    note: a.note.clone(),
                })
                .collect(),
            outputs: d
                .outputs
                .iter()
                .map(|o| OutputDto {
                    id: o.id,
                    kind: o.kind.clone(),
                    title: o.title.clone(),
                    on_date: day(o.on_date),
                    count: o.count,
                    amount_cents: o.amount_cents,
                    patent_type: o.patent_type.clone(),
                    patent_stage: o.patent_stage.clone(),
                    proposal_id: o.proposal_id,
                })
                .collect(),
            totals: OutputTotalsDto {
                proposals: t.proposals,
                achievements: t.achievements,
                transformations: t.transformations,
                patents_applied: t.patents_applied,
                patents_granted: t.patents_granted,
                invention_patents: t.invention_patents,
                utility_model_patents: t.utility_model_patents,
                design_patents: t.design_patents,
                skill_methods: t.skill_methods,
                people_trained: t.people_trained,
                benefit_cents: t.benefit_cents,
            },
            photos: d
                .photos
                .iter()
                .map(|p| PhotoDto {
                    id: p.id,
                    filename: p.filename.clone(),
                    content_type: p.content_type.clone(),
                    size: p.size,
                    review_id: p.review_id,
                    url: format!("/studios/photos/{}", p.id),
                })
                .collect(),
            history: d
                .events
                .iter()
                .map(|e| HistoryDto {
                    on_date: day(e.on_date),
                    kind: e.kind.clone(),
                    detail: serde_json::from_str(&e.detail).unwrap_or_default(),
                    public: e.public,
                })
                .collect(),
            applications: d.applications.iter().map(ApplicationDto::from).collect(),
            alliances: d
                .alliances
                .iter()
                .map(|a| AllianceRefDto {
                    id: a.id,
                    kind: a.kind.clone(),
                    name: a.name.clone(),
                    lead_studio_id: a.lead_studio_id,
                })
                .collect(),
            access: StudioAccessDto {
                manage: d.access.manage,
                honours: d.access.honours,
                status: d.access.status,
                assess: d.access.assess,
            },
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct StudioBody {
    pub unit_id: Option<i64>,
    /// The lead's username.
    pub lead: String,
    /// `model_worker`, `employee` or `craftsman`.
    pub kind: String,
    pub name: String,
    pub founded_on: String,
    pub address: String,
    pub description: String,
    /// Focus field codes (`metallurgy`, `refractories`, `resources_environment`, ...).
    pub fields: Vec<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MemberBody {
    pub username: String,
    pub joined_on: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LeaveBody {
    pub left_on: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct HonourBody {
    /// The member honoured; empty for the lead.
    pub username: String,
    pub title: String,
    pub awarded_by: String,
    pub level: String,
    /// Empty if not known.
    pub year: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OutputBody {
    /// `proposal`, `achievement`, `transformation`, `patent`, `skill_method`, `people_trained`, `economic_benefit`.
    pub kind: String,
    pub title: String,
    pub on_date: String,
    pub count: String,
    /// Yuan (for economic benefit).
    pub amount: String,
    /// For patents: `invention`, `utility_model` or `design`.
    pub patent_type: String,
    /// For patents: `applied` or `granted`.
    pub patent_stage: String,
    pub proposal_id: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct StatusBody {
    /// `active`, `suspended` or `revoked` (final; every title is lost).
    pub status: String,
    pub reason: String,
    pub on_date: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RecordNamingBody {
    /// The naming organisation: an enterprise union, or a city, provincial or national federation.
    pub org_id: Option<i64>,
    pub notice_number: String,
    pub notice_date: String,
    pub notice_title: String,
    /// Special funding in yuan; empty for none.
    pub funding: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AssessBody {
    pub naming_id: Option<i64>,
    pub period: String,
    pub assessed_on: String,
    /// Criterion code to score (0-100), e.g. `{"achievements": 80}`.
    pub scores: std::collections::BTreeMap<String, i64>,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentResultDto {
    pub total: i64,
    pub result: String,
}

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

#[derive(Serialize, ToSchema)]
pub struct CallDto {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub level: String,
    pub title: String,
    pub rules: String,
    pub deadline: String,
    /// The lowest honour level the lead must hold; null for none.
    pub min_honour: Option<String>,
}

impl From<&Call> for CallDto {
    fn from(c: &Call) -> Self {
        CallDto {
            id: c.id,
            org_id: c.org_id,
            org_name: c.org_name.clone(),
            level: c.level.clone(),
            title: c.title.clone(),
            rules: c.rules.clone(),
            deadline: day(c.deadline),
            min_honour: c.min_honour.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CallDetailDto {
    pub call: CallDto,
    pub open: bool,
    /// All applications for the federation and its reviewers; the caller's own otherwise.
    pub applications: Vec<ApplicationDto>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CallBody {
    pub org_id: Option<i64>,
    pub title: String,
    pub rules: String,
    pub deadline: String,
    /// A level, `none`, or empty for the level's default (municipal or higher, none for enterprises).
    pub min_honour: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ApplyBody {
    pub studio_id: Option<i64>,
    pub statement: String,
}

#[derive(Serialize, ToSchema)]
pub struct SiteReviewDto {
    pub reviewer_id: i64,
    pub reviewer_name: String,
    pub visited_on: String,
    pub checklist: Vec<String>,
    pub score: i64,
    pub comments: String,
    pub signature: String,
    pub signed_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDetailDto {
    pub application: ApplicationDto,
    pub call: CallDto,
    /// The studio's record as it stood when it applied.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    pub review: Option<SiteReviewDto>,
    pub naming: Option<NamingDto>,
    pub may_review: bool,
    pub may_decide: bool,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReviewBody {
    pub visited_on: String,
    /// Items found satisfied: `premises`, `equipment`, `team`, `records`, `outputs`, `training`.
    pub checklist: Vec<String>,
    pub score: i64,
    pub comments: String,
    /// The reviewer's own name, typed.
    pub signature: String,
    pub confirm: bool,
    pub version: Option<i64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DecisionBody {
    /// `approve` or `reject`.
    pub outcome: String,
    pub notice_number: String,
    pub notice_date: String,
    pub notice_title: String,
    /// Yuan; empty for none.
    pub funding: String,
    pub note: String,
    pub version: Option<i64>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardDto {
    pub criteria: Vec<CriterionDto>,
    pub excellent_min: i64,
    pub pass_min: i64,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CriterionDto {
    pub code: String,
    /// Percent; the weights add up to 100.
    pub weight: i64,
}

impl From<Standard> for StandardDto {
    fn from(s: Standard) -> Self {
        StandardDto {
            criteria: s
                .criteria
                .into_iter()
                .map(|c| CriterionDto {
                    code: c.code,
                    weight: c.weight,
                })
                .collect(),
            excellent_min: s.excellent_min,
            pass_min: s.pass_min,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatsDto {
    pub by_level: Vec<LevelCountDto>,
    pub by_federation: Vec<FederationCountDto>,
    pub by_year: Vec<YearCountDto>,
    pub by_field: Vec<FieldCountDto>,
}

/// A national, provincial or city federation with the studios under it by level.
#[derive(Serialize, ToSchema)]
pub struct FederationCountDto {
    pub org_id: i64,
    pub name: String,
    pub enterprise: i64,
    pub municipal: i64,
    pub provincial: i64,
    pub national: i64,
    pub not_named: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LevelCountDto {
    /// Null for studios not named.
    pub level: Option<String>,
    pub studios: i64,
}

#[derive(Serialize, ToSchema)]
pub struct YearCountDto {
    pub year: i64,
    pub level: String,
    pub namings: i64,
}

#[derive(Serialize, ToSchema)]
pub struct FieldCountDto {
    pub field: String,
    pub studios: i64,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AllianceBody {
    pub org_id: Option<i64>,
    /// `alliance` or `pairing` (mentoring: the lead studio mentors the other).
    pub kind: String,
    pub name: String,
    pub lead_studio_id: Option<i64>,
    pub studio_ids: Vec<i64>,
    pub founded_on: String,
    pub description: String,
}

#[derive(Serialize, ToSchema)]
pub struct AllianceDto {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub lead_studio_id: i64,
    pub lead_studio_name: String,
    pub founded_on: String,
    pub description: String,
    pub studios: Vec<AllianceMemberDto>,
}

#[derive(Serialize, ToSchema)]
pub struct AllianceMemberDto {
    pub studio_id: i64,
    pub name: String,
    pub joined_on: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StudioQuery {
    /// `enterprise`, `municipal`, `provincial`, `national`, or `none` for studios never named.
    pub level: Option<String>,
    pub field: Option<String>,
    /// An organisation id: studios of its subtree.
    pub unit: Option<i64>,
    /// Studios named (at any level) in this year.
    pub year: Option<i64>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

// --- Handlers -----------------------------------------------------------------------------------

async fn detail_of(
    state: &AppState,
    api: &ApiCtx,
    id: StudioId,
) -> Result<StudioDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    Ok(cases::detail(&mut tx, Some(&api.caller()), id)
        .await?
        .into())
}

/// The registry of studios, filtered; it is public, so every studio is listed.
#[utoipa::path(get, path = "/studios", tag = "studios", params(StudioQuery),
    responses((status = 200, body = StudioListDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_studios(
    State(state): State<AppState>,
    _api: ApiCtx,
    Query(q): Query<StudioQuery>,
) -> Result<Json<StudioListDto>, Failure> {
    let mut problems = Vec::new();
    let pick = |raw: &Option<String>,
                ok: bool,
                field: &'static str,
                allowed: String,
                problems: &mut Vec<_>| {
        if raw.as_deref().is_some_and(|r| !r.is_empty()) && !ok {
            problems.push(
                ingot_domain::FieldError::new(field, "unknown_option").with("allowed", allowed),
            );
        }
    };
    let level = q.level.as_deref().and_then(Level::parse);
    pick(
        &q.level,
        level.is_some() || q.level.as_deref() == Some("none"),
        "level",
        Level::codes() + ", none",
        &mut problems,
    );
    let field = q.field.as_deref().and_then(FocusField::parse);
    pick(
        &q.field,
        field.is_some(),
        "field",
        FocusField::codes(),
        &mut problems,
    );
    let kind = q.kind.as_deref().and_then(StudioKind::parse);
    pick(
        &q.kind,
        kind.is_some(),
        "kind",
        StudioKind::codes(),
        &mut problems,
    );
    let status = q.status.as_deref().and_then(StudioStatus::parse);
    pick(
        &q.status,
        status.is_some(),
        "status",
        StudioStatus::codes(),
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(Failure(AppError::Validation(problems)));
    }
    let mut tx = state.db.read().await?;
    let unit = match q.unit {
        Some(id) => Some(
            ingot_store::orgs::get(&mut tx, OrgId(id))
                .await?
                .ok_or_else(|| AppError::field("unit", "unknown_org"))?
                .path,
        ),
        None => None,
    };
    let filter = Filter {
        level,
        unnamed: q.level.as_deref() == Some("none"),
        field: field.map(|f| f.as_str().to_string()),
        unit,
        named_year: q.year,
        kind,
        status,
        text: q.q.clone().filter(|t| !t.trim().is_empty()),
        person: None,
    };
    let page = Page::new(q.page, q.per_page.map(|n| n.min(100)), 20);
    let (items, total) = cases::list(&mut tx, &filter, page).await?;
    Ok(Json(StudioListDto {
        items: items.iter().map(StudioDto::from).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Registers a studio of an enterprise (or a unit inside one); its lead becomes its first member.
#[utoipa::path(post, path = "/studios", tag = "studios", request_body = StudioBody,
    responses((status = 201, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_studio(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<StudioBody>,
) -> Result<Response, Failure> {
    let input = cases::StudioInput {
        unit_id: b.unit_id.map(OrgId),
        lead: b.lead,
        kind: b.kind,
        name: b.name,
        founded_on: b.founded_on,
        address: b.address,
        description: b.description,
        fields: b.fields,
    };
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &api, id).await?),
    )
        .into_response())
}

/// Studio counts by level, field and year of naming, within the organisations the caller may read.
#[utoipa::path(get, path = "/studios/stats", tag = "studios",
    responses((status = 200, body = StatsDto)), security(("bearer" = []), ("session" = [])))]
async fn studio_stats(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<StatsDto>, Failure> {
    let mut tx = state.db.read().await?;
    let s = cases::stats(&mut tx, &api.caller()).await?;
    Ok(Json(StatsDto {
        by_level: s
            .by_level
            .into_iter()
            .map(|(level, studios)| LevelCountDto { level, studios })
            .collect(),
        by_federation: s
            .by_federation
            .into_iter()
            .map(|f| FederationCountDto {
                org_id: f.org_id,
                name: f.name,
                enterprise: f.counts[0],
                municipal: f.counts[1],
                provincial: f.counts[2],
                national: f.counts[3],
                not_named: f.counts[4],
            })
            .collect(),
        by_year: s
            .by_year
            .into_iter()
            .map(|(year, level, namings)| YearCountDto {
                year,
                level,
                namings,
            })
            .collect(),
        by_field: s
            .by_field
            .into_iter()
            .map(|(field, studios)| FieldCountDto { field, studios })
            .collect(),
    }))
}

/// A studio with its members, namings, funding, assessments, outputs, photos and history.
#[utoipa::path(get, path = "/studios/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = StudioDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_studio(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<StudioDetailDto>, Failure> {
    Ok(Json(detail_of(&state, &api, StudioId(id)).await?))
}

macro_rules! studio_change {
    ($state:expr, $api:expr, $id:expr, |$tx:ident, $c:ident| $body:expr) => {{
        let mut $tx = $state.db.begin().await?;
        let $c = $api.caller();
        let _ = $body;
        $tx.commit().await?;
        Ok(Json(detail_of(&$state, &$api, StudioId($id)).await?))
    }};
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct UpdateStudioBody {
    pub kind: String,
    pub name: String,
    pub founded_on: String,
    pub address: String,
    pub description: String,
    pub fields: Vec<String>,
    /// The version read; a change made meanwhile is refused with `studio_changed`.
    pub version: Option<i64>,
}

/// Changes the studio's particulars (not its unit or lead).
#[utoipa::path(patch, path = "/studios/{id}", tag = "studios", params(("id" = i64, Path)), request_body = UpdateStudioBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`studio_changed` or `studio_revoked`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn update_studio(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<UpdateStudioBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::StudioInput {
        kind: b.kind,
        name: b.name,
        founded_on: b.founded_on,
        address: b.address,
        description: b.description,
        fields: b.fields,
        ..Default::default()
    };
    let version = b.version;
    studio_change!(state, api, id, |tx, c| cases::update(
        &mut tx,
        &c,
        StudioId(id),
        version,
        &input
    )
    .await?)
}

/// Adds a member (by username) from a date.
#[utoipa::path(post, path = "/studios/{id}/members", tag = "studios", params(("id" = i64, Path)), request_body = MemberBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_member(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<MemberBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::MemberInput {
        username: b.username,
        joined_on: b.joined_on,
    };
    studio_change!(state, api, id, |tx, c| cases::add_member(
        &mut tx,
        &c,
        StudioId(id),
        &input
    )
    .await?)
}

/// Records a member leaving (never the lead).
#[utoipa::path(post, path = "/studios/{id}/members/{member}/leave", tag = "studios", params(("id" = i64, Path), ("member" = i64, Path)), request_body = LeaveBody,
    responses((status = 200, body = StudioDetailDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn member_leaves(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, member)): Path<(i64, i64)>,
    JsonBody(b): JsonBody<LeaveBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::member_leaves(
        &mut tx,
        &c,
        StudioId(id),
        member,
        &b.left_on
    )
    .await?)
}

/// Records an honour of the lead (or a member), which naming calls' eligibility rules read.
#[utoipa::path(post, path = "/studios/{id}/honours", tag = "studios", params(("id" = i64, Path)), request_body = HonourBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_honour(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<HonourBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::HonourInput {
        username: b.username,
        title: b.title,
        awarded_by: b.awarded_by,
        level: b.level,
        year: b.year,
    };
    studio_change!(state, api, id, |tx, c| cases::add_honour(
        &mut tx,
        &c,
        StudioId(id),
        &input
    )
    .await?)
}

/// Adds a row to the outputs ledger.
#[utoipa::path(post, path = "/studios/{id}/outputs", tag = "studios", params(("id" = i64, Path)), request_body = OutputBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_output(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<OutputBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::OutputInput {
        kind: b.kind,
        title: b.title,
        on_date: b.on_date,
        count: b.count,
        amount: b.amount,
        patent_type: b.patent_type,
        patent_stage: b.patent_stage,
        proposal_id: b.proposal_id,
    };
    studio_change!(state, api, id, |tx, c| cases::add_output(
        &mut tx,
        &c,
        StudioId(id),
        &input
    )
    .await?)
}

/// Suspends, reactivates or revokes the studio; revoking takes away every title.
#[utoipa::path(post, path = "/studios/{id}/status", tag = "studios", params(("id" = i64, Path)), request_body = StatusBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_status(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<StatusBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::StatusInput {
        status: b.status,
        reason: b.reason,
        on_date: b.on_date,
    };
    studio_change!(state, api, id, |tx, c| cases::set_status(
        &mut tx,
        &c,
        StudioId(id),
        &input
    )
    .await?)
}

/// Records a naming published before the studio was registered (levels still in order).
#[utoipa::path(post, path = "/studios/{id}/namings", tag = "studios", params(("id" = i64, Path)), request_body = RecordNamingBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`naming_out_of_order`, `notice_number_taken`, ...")),
    security(("bearer" = []), ("session" = [])))]
async fn record_naming(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<RecordNamingBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::RecordNamingInput {
        org_id: b.org_id.map(OrgId),
        notice_number: b.notice_number,
        notice_date: b.notice_date,
        notice_title: b.notice_title,
        funding: b.funding,
    };
    studio_change!(state, api, id, |tx, c| cases::record_naming(
        &mut tx,
        &c,
        StudioId(id),
        &input
    )
    .await?)
}

/// Assesses a named studio against the naming federation's standard; a fail takes the title away.
#[utoipa::path(post, path = "/studios/{id}/assessments", tag = "studios", params(("id" = i64, Path)), request_body = AssessBody,
    responses((status = 200, body = AssessmentResultDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn assess(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<AssessBody>,
) -> Result<Json<AssessmentResultDto>, Failure> {
    let input = cases::AssessInput {
        naming_id: b.naming_id,
        period: b.period,
        assessed_on: b.assessed_on,
        scores: b
            .scores
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
        assessment_note: b.note,
    };
    let mut tx = state.db.begin().await?;
    let (total, result) = cases::assess(&mut tx, &api.caller(), StudioId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(AssessmentResultDto {
        total,
        result: result.as_str().into(),
    }))
}

/// Records a payment of special funding or spending from it; neither may exceed the grant.
#[utoipa::path(post, path = "/studios/{id}/funding/{funding}/entries", tag = "studios", params(("id" = i64, Path), ("funding" = i64, Path)), request_body = EntryBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`amount`: `spending_exceeds_grant` or `payment_exceeds_grant`")),
    security(("bearer" = []), ("session" = [])))]
async fn funding_entry(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, funding)): Path<(i64, i64)>,
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
        let f = store::get_funding(&mut tx, funding)
            .await?
            .filter(|f| f.studio_id == id)
            .ok_or_else(|| AppError::not_found("funding"))?;
        cases::funding_entry(&mut tx, &c, f.id, &input).await?
    })
}

/// The studio's photos (images only, checked by their contents).
#[utoipa::path(post, path = "/studios/{id}/photos", tag = "studios", params(("id" = i64, Path)),
    request_body(content = inline(super::proposal_dto::UploadForm), content_type = "multipart/form-data"),
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`file`: `photo_not_image`, `file_too_large`, `file_content_mismatch`, ...")),
    security(("bearer" = []), ("session" = [])))]
async fn upload_photo(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let mut multipart = multipart.map_err(|_| AppError::field("file", "upload_malformed"))?;
    let (name, bytes) = super::proposals::read_upload(&mut multipart).await?;
    let (filename, content_type) = cases::check_photo(&name, &bytes)?;
    let file = StoredFile {
        sha256: ingot_app::files::sha256_hex(&bytes),
        size: bytes.len() as i64,
        content_type,
        filename,
    };
    let mut tx = state.db.begin().await?;
    cases::add_photo(&mut tx, &api.caller(), StudioId(id), &file).await?;
    state.files.put(bytes).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, StudioId(id)).await?))
}

/// Naming calls, newest deadline first (they are public).
#[utoipa::path(get, path = "/naming-calls", tag = "studios",
    responses((status = 200, body = Vec<CallDto>)), security(("bearer" = []), ("session" = [])))]
async fn list_calls(
    State(state): State<AppState>,
    _api: ApiCtx,
) -> Result<Json<Vec<CallDto>>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(
        cases::calls(&mut tx)
            .await?
            .iter()
            .map(CallDto::from)
            .collect(),
    ))
}

/// Publishes a naming call of an enterprise union or a federation; its level follows the organisation.
#[utoipa::path(post, path = "/naming-calls", tag = "studios", request_body = CallBody,
    responses((status = 201, body = CallDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_call(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<CallBody>,
) -> Result<Response, Failure> {
    let input = cases::CallInput {
        org_id: b.org_id.map(OrgId),
        title: b.title,
        rules: b.rules,
        deadline: b.deadline,
        min_honour: b.min_honour,
    };
    let mut tx = state.db.begin().await?;
    let id = cases::create_call(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(call_of(&state, &api, id).await?)).into_response())
}

async fn call_of(state: &AppState, api: &ApiCtx, id: CallId) -> Result<CallDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    let d = cases::call_detail(&mut tx, Some(&api.caller()), id).await?;
    Ok(CallDetailDto {
        call: CallDto::from(&d.call),
        open: d.open,
        applications: d.applications.iter().map(ApplicationDto::from).collect(),
    })
}

#[utoipa::path(get, path = "/naming-calls/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = CallDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_call(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<CallDetailDto>, Failure> {
    Ok(Json(call_of(&state, &api, CallId(id)).await?))
}

/// Applies for the call; the studio's record is attached as a snapshot. An ineligible studio
/// is refused with every reason (`lead_lacks_honour`, `naming_out_of_order`, ...).
#[utoipa::path(post, path = "/naming-calls/{id}/applications", tag = "studios", params(("id" = i64, Path)), request_body = ApplyBody,
    responses((status = 201, body = ApplicationDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`call_closed`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn apply(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ApplyBody>,
) -> Result<Response, Failure> {
    let input = cases::ApplyInput {
        studio_id: b.studio_id.map(StudioId),
        statement: b.statement,
    };
    let mut tx = state.db.begin().await?;
    let app = cases::apply(&mut tx, &api.caller(), CallId(id), &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(application_of(&state, &api, app).await?),
    )
        .into_response())
}

async fn application_of(
    state: &AppState,
    api: &ApiCtx,
    id: ApplicationId,
) -> Result<ApplicationDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    let d = cases::application_detail(&mut tx, &api.caller(), id).await?;
    Ok(ApplicationDetailDto {
        application: ApplicationDto::from(&d.application),
        call: CallDto::from(&d.call),
        snapshot: d.snapshot,
        review: d.review.map(|r| SiteReviewDto {
            reviewer_id: r.reviewer_id,
            reviewer_name: r.reviewer_name,
            visited_on: day(r.visited_on),
            checklist: serde_json::from_str(&r.checklist).unwrap_or_default(),
            score: r.score,
            comments: r.comments,
            signature: r.signature,
            signed_at: r.signed_at,
        }),
        naming: d.naming.as_ref().map(NamingDto::from),
        may_review: d.may_review,
        may_decide: d.may_decide,
    })
}

#[utoipa::path(get, path = "/naming-applications/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_application(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationDetailDto>, Failure> {
    Ok(Json(application_of(&state, &api, ApplicationId(id)).await?))
}

/// Records the on-site review, signed with the reviewer's typed name. Members of the studio may
/// not review it (`reviewer_is_member`).
#[utoipa::path(post, path = "/naming-applications/{id}/review", tag = "studios", params(("id" = i64, Path)), request_body = ReviewBody,
    responses((status = 200, body = ApplicationDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn review(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ReviewBody>,
) -> Result<Json<ApplicationDetailDto>, Failure> {
    let input = cases::ReviewInput {
        visited_on: b.visited_on,
        checklist: b.checklist,
        score: b.score.to_string(),
        comments: b.comments,
        signature: b.signature,
        confirm: b.confirm,
        version: b.version,
    };
    let mut tx = state.db.begin().await?;
    cases::review(&mut tx, &api.caller(), ApplicationId(id), &input, &[]).await?;
    tx.commit().await?;
    Ok(Json(application_of(&state, &api, ApplicationId(id)).await?))
}

/// Approves (publishing the naming notice, numbered uniquely per organisation, and granting
/// funding) or rejects with a note.
#[utoipa::path(post, path = "/naming-applications/{id}/decision", tag = "studios", params(("id" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = ApplicationDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`notice_number_taken`, `naming_out_of_order`, ...")),
    security(("bearer" = []), ("session" = [])))]
async fn decide(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> Result<Json<ApplicationDetailDto>, Failure> {
    let input = cases::DecisionInput {
        outcome: b.outcome,
        notice_number: b.notice_number,
        notice_date: b.notice_date,
        notice_title: b.notice_title,
        funding: b.funding,
        decision_note: b.note,
        version: b.version,
    };
    let mut tx = state.db.begin().await?;
    cases::decide(&mut tx, &api.caller(), ApplicationId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(application_of(&state, &api, ApplicationId(id)).await?))
}

/// The organisation's assessment standard (the default one until it sets its own).
#[utoipa::path(get, path = "/orgs/{id}/assessment-standard", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = StandardDto)), security(("bearer" = []), ("session" = [])))]
async fn get_standard(
    State(state): State<AppState>,
    _api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<StandardDto>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(cases::standard_of(&mut tx, OrgId(id)).await?.into()))
}

/// Sets the organisation's assessment standard: criteria with weights adding up to 100.
#[utoipa::path(put, path = "/orgs/{id}/assessment-standard", tag = "studios", params(("id" = i64, Path)), request_body = StandardDto,
    responses((status = 200, body = StandardDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_standard(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<StandardDto>,
) -> Result<Json<StandardDto>, Failure> {
    let standard = Standard {
        criteria: b
            .criteria
            .into_iter()
            .map(|c| ingot_domain::studio::Criterion {
                code: c.code,
                weight: c.weight,
            })
            .collect(),
        excellent_min: b.excellent_min,
        pass_min: b.pass_min,
    };
    let mut tx = state.db.begin().await?;
    cases::set_standard(&mut tx, &api.caller(), OrgId(id), &standard).await?;
    tx.commit().await?;
    Ok(Json(standard.into()))
}

/// Forms an alliance (or a mentoring pair) of studios within the organisation's area.
#[utoipa::path(post, path = "/alliances", tag = "studios", request_body = AllianceBody,
    responses((status = 201, body = AllianceDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_alliance(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(b): JsonBody<AllianceBody>,
) -> Result<Response, Failure> {
    let org = b
        .org_id
        .map(OrgId)
        .ok_or_else(|| AppError::field("org_id", "required"))?;
    let input = cases::AllianceInput {
        kind: b.kind,
        name: b.name,
        lead_studio_id: b.lead_studio_id.map(StudioId),
        studio_ids: b.studio_ids.into_iter().map(StudioId).collect(),
        founded_on: b.founded_on,
        description: b.description,
    };
    let mut tx = state.db.begin().await?;
    let id = cases::create_alliance(&mut tx, &api.caller(), org, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(alliance_of(&state, id).await?)).into_response())
}

async fn alliance_of(state: &AppState, id: i64) -> Result<AllianceDto, AppError> {
    let mut tx = state.db.read().await?;
    let (a, members) = cases::alliance(&mut tx, id).await?;
    Ok(AllianceDto {
        id: a.id,
        kind: a.kind,
        name: a.name,
        lead_studio_id: a.lead_studio_id,
        lead_studio_name: a.lead_studio_name,
        founded_on: day(a.founded_on),
        description: a.description,
        studios: members
            .into_iter()
            .map(|(studio_id, name, joined)| AllianceMemberDto {
                studio_id,
                name,
                joined_on: day(joined),
            })
            .collect(),
    })
}

#[utoipa::path(get, path = "/alliances/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = AllianceDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_alliance(
    State(state): State<AppState>,
    _api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<AllianceDto>, Failure> {
    Ok(Json(alliance_of(&state, id).await?))
}
