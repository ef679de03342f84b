//! `/campaigns` and `/declarations`: award campaigns from the call to the announcement and the
//! ranking of participating units. The publicity list, objections, certificates and the ranking
//! of an announced campaign are public (no credentials needed). Dates are `YYYY-MM-DD`; scores
//! are points out of 100.
//!
//! This module keeps what the concerns share: the route list (in the order that fixes the
//! OpenAPI document), the caller who may be the public (`MaybeApi`), and the campaign and its
//! declarations as answered; the handlers live in `call`, `declarations`, `panel`, `scoring`,
//! `results` and `publicity`.

use crate::AppState;
use crate::error::Failure;
use crate::request::RequestState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ingot_app::Caller;
use ingot_app::campaigns::{self as cases, CampaignDetail};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::campaign::{Cadence, CampaignKind, DeclarationStatus, RecordType, Stage, Tier};
use ingot_domain::time::Date;
use ingot_domain::{Actor, AppError, CampaignId, Timestamp};
use ingot_store::campaigns::{Campaign, Declaration};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(call::list_campaigns, call::create_campaign))
        .routes(routes!(call::get_campaign))
        .routes(routes!(call::advance))
        .routes(routes!(declarations::declarable))
        .routes(routes!(declarations::declare))
        .routes(routes!(declarations::check))
        .routes(routes!(declarations::resubmit))
        .routes(routes!(declarations::forward))
        .routes(routes!(panel::list_experts, panel::add_expert))
        .routes(routes!(panel::add_conflict))
        .routes(routes!(panel::get_assignment, panel::run_assignment))
        .routes(routes!(panel::override_assignment))
        .routes(routes!(scoring::my_reviews))
        .routes(routes!(scoring::score))
        .routes(routes!(results::get_results))
        .routes(routes!(results::decide))
        .routes(routes!(publicity::open_publicity))
        .routes(routes!(publicity::publicity))
        .routes(routes!(publicity::object))
        .routes(routes!(publicity::objections))
        .routes(routes!(publicity::decide_objection))
        .routes(routes!(publicity::dismiss_objections))
        .routes(routes!(publicity::announce))
        .routes(routes!(publicity::announcement_pdf))
        .routes(routes!(publicity::announcement_docx))
        .routes(routes!(publicity::certificate))
        .routes(routes!(publicity::certificate_pdf))
        .routes(routes!(results::ranking))
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

    /// The signed-in caller, if there is one.
    pub(crate) fn user(&self) -> Option<Caller<'_>> {
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

// --- The campaign as answered ------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct CampaignDto {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub parent_id: Option<i64>,
    pub kind: CampaignKind,
    pub title: String,
    pub edition: i64,
    pub year: i64,
    pub cadence: Cadence,
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
    pub stage: Stage,
    pub publicity_start: Option<String>,
    pub decided: bool,
    pub decision_note: Option<String>,
    pub notice_number: Option<String>,
    pub announced_on: Option<String>,
    pub contact_person: Option<String>,
    /// A titling campaign's title, which its winners hold once it is announced.
    pub title_name: Option<String>,
    /// The title's level: `enterprise`, `municipal`, `provincial` or `national`.
    pub title_level: Option<String>,
}

impl From<&Campaign> for CampaignDto {
    fn from(c: &Campaign) -> Self {
        CampaignDto {
            id: c.id,
            org_id: c.org_id,
            org_name: c.org_name.clone(),
            parent_id: c.parent_id,
            kind: c.kind,
            title: c.title.clone(),
            edition: c.edition,
            year: c.year,
            cadence: c.cadence,
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
            declaration_closes: c.declaration_closes.to_string(),
            check_closes: c.check_closes.to_string(),
            review_closes: c.review_closes.to_string(),
            publicity_days: c.publicity_days,
            announce_on: c.announce_on.to_string(),
            stage: c.stage,
            publicity_start: c.publicity_start.clone(),
            decided: c.decided_at.is_some(),
            decision_note: c.decision_note.clone(),
            notice_number: c.notice_number.clone(),
            announced_on: c.announced_on.map(|d| d.to_string()),
            contact_person: c.contact_person.clone(),
            title_name: c.title_name.clone(),
            title_level: c.title_level.clone(),
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
    pub record_type: RecordType,
    pub record_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub first_completer_name: Option<String>,
    pub status: DeclarationStatus,
    pub return_reasons: Option<String>,
    pub correct_by: Option<String>,
    pub forwarded_from: Option<i64>,
    /// Null until a tier is awarded.
    pub tier: Option<Tier>,
    /// A declared proposal's verified benefit in fen (best-proposals campaigns).
    pub benefit_verified_cents: Option<i64>,
}

impl From<&Declaration> for DeclarationDto {
    fn from(d: &Declaration) -> Self {
        DeclarationDto {
            id: d.id,
            campaign_id: d.campaign_id,
            number: d.number,
            participant_id: d.participant_id,
            participant_name: d.participant_name.clone(),
            record_type: d.record_type,
            record_id: d.record_id,
            unit_id: d.unit_id,
            unit_name: d.unit_name.clone(),
            title: d.title.clone(),
            summary: d.summary.clone(),
            field: d.field.clone(),
            first_completer_name: d.first_completer_name.clone(),
            status: d.status,
            return_reasons: d.return_reasons.clone(),
            correct_by: d.correct_by.clone(),
            forwarded_from: d.forwarded_from,
            tier: d.tier,
            benefit_verified_cents: d.benefit_verified_cents,
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

#[derive(Serialize, ToSchema)]
pub struct IdDto {
    pub id: i64,
}

async fn detail_of(
    state: &AppState,
    caller: Option<&Caller<'_>>,
    id: CampaignId,
) -> Result<CampaignDetailDto, AppError> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), state.config.utc_offset_ms());
    Ok(detail_dto(
        &cases::detail(&mut tx, caller, id, today).await?,
    ))
}

mod call;
mod declarations;
mod panel;
mod publicity;
mod results;
mod scoring;
