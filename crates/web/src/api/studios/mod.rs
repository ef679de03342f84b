//! `/studios`, `/naming-calls`, `/naming-applications`, `/alliances` and
//! `/orgs/{id}/assessment-standard`: innovation studios, their namings, reviews, funding,
//! assessments, outputs and photos. Dates are `YYYY-MM-DD`, money integer fen (`_cents`) in
//! answers and yuan as text in requests (as typed on the forms).
//!
//! This module keeps what the concerns share: the route list (in the order that fixes the
//! OpenAPI document), the studio as answered (`StudioDetailDto` and its parts) and the helpers
//! that read it back after a change; the handlers live in `registry`, `members`, `naming`,
//! `funding`, `assessment` and `alliances`.

use super::ApiCtx;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use ingot_app::files::MAX_FILE_BYTES;
use ingot_app::studios::{self as cases, StudioDetail};
use ingot_domain::studio::{
    AllianceKind, ApplicationStatus, AssessmentResult, EntryKind, Level, MemberRole, NamingStatus,
    OutputKind, PatentStage, PatentType, SpendCategory,
};
use ingot_domain::{AppError, StudioId};
use ingot_store::studios::{Application, Naming, Studio};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(registry::upload_photo))
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024));
    OpenApiRouter::new()
        .routes(routes!(registry::list_studios, registry::create_studio))
        .routes(routes!(registry::studio_stats))
        .routes(routes!(registry::export_studios))
        .routes(routes!(notices::get_notice))
        .routes(routes!(notices::notice_pdf))
        .routes(routes!(notices::notice_docx))
        .routes(routes!(registry::get_studio, registry::update_studio))
        .routes(routes!(members::add_member))
        .routes(routes!(members::member_leaves))
        .routes(routes!(members::change_lead))
        .routes(routes!(members::change_unit))
        .routes(routes!(members::add_honour))
        .routes(routes!(members::add_output))
        .routes(routes!(registry::set_status))
        .routes(routes!(naming::record_naming))
        .routes(routes!(assessment::assess))
        .routes(routes!(funding::funding_entry))
        .merge(uploads)
        .routes(routes!(naming::list_calls, naming::create_call))
        .routes(routes!(naming::get_call))
        .routes(routes!(naming::apply))
        .routes(routes!(naming::get_application))
        .routes(routes!(naming::review))
        .routes(routes!(naming::decide))
        .routes(routes!(assessment::get_standard, assessment::set_standard))
        .routes(routes!(alliances::create_alliance))
        .routes(routes!(alliances::get_alliance))
}

// --- The studio as answered ---------------------------------------------------------------------

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
            founded_on: s.founded_on.to_string(),
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
    /// How many studios match, counted up to 1,000; see `total_exact`.
    pub total: i64,
    /// False when more than `total` match.
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct HonourDto {
    pub title: String,
    pub awarded_by: String,
    pub level: Level,
    pub year: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// `lead` or `member`.
    pub role: MemberRole,
    pub joined_on: String,
    pub left_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NamingDto {
    pub id: i64,
    pub level: Level,
    pub org_id: i64,
    pub org_name: String,
    pub application_id: Option<i64>,
    /// The notice that named it (`GET /naming-notices/{id}`), with every studio it named.
    pub notice_id: i64,
    pub notice_number: String,
    pub notice_title: String,
    pub named_on: String,
    /// `active`, or `lost` (by a failed assessment or a revocation).
    pub status: NamingStatus,
    pub lost_on: Option<String>,
    pub lost_reason: Option<String>,
}

impl From<&Naming> for NamingDto {
    fn from(n: &Naming) -> Self {
        NamingDto {
            id: n.id,
            level: n.level,
            org_id: n.org_id,
            org_name: n.org_name.clone(),
            application_id: n.application_id,
            notice_id: n.notice_id,
            notice_number: n.notice_number.clone(),
            notice_title: n.notice_title.clone(),
            named_on: n.named_on.to_string(),
            status: n.status,
            lost_on: n.lost_on.map(|d| d.to_string()),
            lost_reason: n.lost_reason.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FundingEntryDto {
    pub id: i64,
    /// `payment` or `spending`.
    pub kind: EntryKind,
    pub category: Option<SpendCategory>,
    pub amount_cents: i64,
    pub on_date: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = StudioFundingDto)]
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
    pub result: AssessmentResult,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = StudioOutputDto)]
pub struct OutputDto {
    pub id: i64,
    pub kind: OutputKind,
    pub title: String,
    pub on_date: String,
    pub count: i64,
    pub amount_cents: Option<i64>,
    pub patent_type: Option<PatentType>,
    pub patent_stage: Option<PatentStage>,
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
    pub level: Level,
    pub studio_id: i64,
    pub studio_name: String,
    pub status: ApplicationStatus,
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
            level: a.call_level,
            studio_id: a.studio_id,
            studio_name: a.studio_name.clone(),
            status: a.status,
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
    /// The manual rows of the outputs ledger: what the records do not hold.
    pub outputs: Vec<OutputDto>,
    pub record_outputs: record_outputs::RecordOutputsDto,
    /// The records counted and the manual rows together.
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
    pub kind: AllianceKind,
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
                    level: h.level,
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
                    role: m.role,
                    joined_on: m.joined_on.to_string(),
                    left_on: m.left_on.map(|d| d.to_string()),
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
                            kind: e.kind,
                            category: e.category,
                            amount_cents: e.amount_cents,
                            on_date: e.on_date.to_string(),
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
                    assessed_on: a.assessed_on.to_string(),
                    total: a.total,
                    result: a.result,
                    note: a.note.clone(),
                })
                .collect(),
            outputs: d
                .outputs
                .iter()
                .map(|o| OutputDto {
                    id: o.id,
                    kind: o.kind,
                    title: o.title.clone(),
                    on_date: o.on_date.to_string(),
                    count: o.count,
                    amount_cents: o.amount_cents,
                    patent_type: o.patent_type,
                    patent_stage: o.patent_stage,
                    proposal_id: o.proposal_id,
                })
                .collect(),
            record_outputs: (&d.record_outputs).into(),
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
                .map(|e| {
                    let (kind, detail) = ingot_store::studios::event_parts(&e.event);
                    HistoryDto {
                        on_date: e.on_date.to_string(),
                        kind: kind.to_string(),
                        detail,
                        public: e.public,
                    }
                })
                .collect(),
            applications: d.applications.iter().map(ApplicationDto::from).collect(),
            alliances: d
                .alliances
                .iter()
                .map(|a| AllianceRefDto {
                    id: a.id,
                    kind: a.kind,
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

// --- Shared by the handlers --------------------------------------------------------------------

async fn detail_of(
    state: &AppState,
    api: &ApiCtx,
    id: StudioId,
) -> Result<StudioDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    Ok(
        cases::detail(&mut tx, Some(&api.caller()), id, api.origin.utc_offset_ms)
            .await?
            .into(),
    )
}

macro_rules! studio_change {
    ($state:expr, $api:expr, $id:expr, |$tx:ident, $c:ident| $body:expr) => {{
        let mut $tx = $state.db.begin().await?;
        let $c = $api.caller();
        let _ = $body;
        $tx.commit().await?;
        Ok(Json(detail_of(&$state, &$api, $id).await?))
    }};
}

// Declared after `studio_change!` so that their handlers can use it.
mod alliances;
mod assessment;
mod funding;
mod members;
mod naming;
mod notices;
mod record_outputs;
mod registry;
