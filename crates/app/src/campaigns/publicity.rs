//! After scoring: the panel's decision on tiers, the publicity period with its objections and
//! their outcomes (one at a time or dismissed in bulk), the numbered announcement, and the
//! certificate of an awarded declaration.

use super::call::publicity_end;
use super::results::results;
use super::{load, load_declaration, number_or, require_manage, require_stage, today};
use crate::audit::{Change, record, record_as};
use crate::{Caller, Result};
use ingot_domain::campaign::{self as rules, ObjectionStatus, Stage, Tier};
use ingot_domain::time::Date;
use ingot_domain::validate::{AllChecked, Validator, date, problem};
use ingot_domain::{
    AppError, CampaignId, DeclarationId, FieldError, ObjectionId, OrgId, Timestamp,
};
use ingot_store::Tx;
use ingot_store::campaigns::{self as store, Campaign, Declaration, Objection};

/// The panel's decision, as the API sends it and the results page after reading its choices.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = DecisionBody)]
pub struct DecisionInput {
    /// Changes to the proposed tiers (ties settled, panel changes); others keep the proposal.
    pub tiers: Vec<TierChoice>,
    pub note: String,
}

/// One declaration's tier as the panel decides it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TierChoice {
    #[schema(value_type = i64)]
    pub declaration_id: DeclarationId,
    /// A tier code, or empty for no award.
    #[serde(default)]
    pub tier: String,
}

/// Records the panel's final tiers (the proposal, with ties settled and any change made by the
/// panel), once every assigned score sheet is in. No tier may exceed its quota.
pub async fn decide(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &DecisionInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Review])?;
    let r = results(tx, Some(caller), campaign).await?;
    if r.rows.iter().any(|row| row.missing > 0) || r.rows.is_empty() {
        return Err(AppError::conflict("scores_missing"));
    }
    let mut v = Validator::new();
    let note = v
        .optional_text("note", Some(&input.note), rules::TEXT_MAX)
        .unwrap_or_default();
    let mut decided: Vec<(i64, Option<Tier>)> = r
        .rows
        .iter()
        .map(|row| (row.declaration.id, row.proposed))
        .collect();
    for TierChoice {
        declaration_id: id,
        tier: raw,
    } in &input.tiers
    {
        let Some(slot) = decided.iter_mut().find(|(d, _)| *d == id.0) else {
            v.add(FieldError::new("tiers", "unknown_declaration").with("id", id));
            continue;
        };
        slot.1 = match raw.trim() {
            "" | "none" => None,
            code => match Tier::parse(code) {
                Some(t) => Some(t),
                None => {
                    v.add(
                        FieldError::new("tiers", "unknown_option").with("allowed", Tier::codes()),
                    );
                    None
                }
            },
        };
    }
    let quotas: Vec<(Tier, usize)> = r.quotas.iter().map(|(t, n, _)| (*t, *n)).collect();
    for e in rules::check_decision(
        &decided.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
        &quotas,
    ) {
        v.add(e);
    }
    v.finish()?;
    let now = Timestamp::now();
    for (id, tier) in &decided {
        store::set_tier(tx, *id, tier.map(Tier::as_str), now).await?;
    }
    store::set_decision(tx, campaign.0, &note, caller.user_id(), now).await?;
    record(
        tx,
        caller,
        Change::new("campaign.decide", "campaign", campaign.0)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "tiers": decided, "note": note })),
    )
    .await
}

/// Opening the publicity period, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = PublicityBody)]
pub struct PublicityInput {
    /// The first day the list is public.
    pub start: String,
    /// Days the list stays public; left out, the campaign's setting.
    pub days: Option<i64>,
}

/// Publishes the decided list for the publicity period.
pub async fn open_publicity(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &PublicityInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Review])?;
    if c.decided_at.is_none() {
        return Err(AppError::conflict("results_not_decided"));
    }
    let start = date("start", &input.start);
    let days = number_or("days", input.days, c.publicity_days, 1, 60);
    let (start, days) = (start, days).all()?;
    store::set_publicity(tx, campaign.0, &start.to_string(), days, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("campaign.publicity", "campaign", campaign.0)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "start": start.to_string(), "days": days })),
    )
    .await
}

/// An objection to a listed award, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ObjectionBody)]
pub struct ObjectionInput {
    #[schema(value_type = Option<i64>)]
    pub declaration_id: Option<DeclarationId>,
    pub name: String,
    /// A telephone number or e-mail address.
    // So that staff can reach the objector.
    pub contact: String,
    pub text: String,
}

/// Anyone may object to a listed award while the publicity period runs.
pub async fn object(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &ObjectionInput,
) -> Result<ObjectionId> {
    let c = load(tx, campaign).await?;
    if c.stage != Stage::Publicity {
        return Err(AppError::conflict("publicity_closed"));
    }
    let (Some(start), Some(end)) = (
        c.publicity_start.as_deref().and_then(Date::parse),
        publicity_end(&c),
    ) else {
        return Err(AppError::conflict("publicity_closed"));
    };
    let now_day = today(caller);
    if now_day < start || now_day >= end {
        return Err(AppError::conflict("publicity_closed"));
    }
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, rules::SHORT_MAX);
    let contact = v.required_text("contact", &input.contact, rules::SHORT_MAX);
    if !contact.is_empty() && !contact.chars().any(|ch| ch.is_ascii_digit() || ch == '@') {
        v.add(FieldError::new("contact", "contact_invalid"));
    }
    let text = v.required_text("text", &input.text, rules::TEXT_MAX);
    let d = match input.declaration_id {
        Some(id) => store::get_declaration(tx, id.0)
            .await?
            .filter(|d| d.campaign_id == campaign.0 && d.tier.is_some()),
        None => None,
    }
    .ok_or_else(|| vec![FieldError::new("declaration_id", "unknown_declaration")]);
    let d = v.finish_with(d)?;
    let id = store::insert_objection(
        tx,
        campaign.0,
        d.id,
        &name,
        &contact,
        &text,
        Timestamp::now(),
    )
    .await?;
    let label = caller
        .actor()
        .map_or_else(|| "public".to_string(), |a| a.username.clone());
    record_as(
        tx,
        caller,
        &label,
        Change::new("campaign.object", "objection", id)
            .label(&d.title)
            .org(OrgId(c.org_id)),
    )
    .await?;
    Ok(ObjectionId(id))
}

/// The outcome of an objection, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = OutcomeBody)]
pub struct OutcomeInput {
    /// `upheld` (the award is withdrawn) or `dismissed`.
    pub status: String,
    pub outcome: String,
}

/// Staff record the outcome of their investigation of an objection.
pub async fn decide_objection(
    tx: &mut Tx,
    caller: &Caller<'_>,
    objection: ObjectionId,
    input: &OutcomeInput,
) -> Result<()> {
    let (campaign,): (i64,) = tx
        .fetch_optional(
            ingot_store::Sql::new("SELECT campaign_id FROM objections WHERE id = $1")
                .bind(objection.0),
        )
        .await?
        .ok_or_else(|| AppError::not_found("objection"))?;
    let c = load(tx, CampaignId(campaign)).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Publicity])?;
    let o = store::objections(tx, campaign)
        .await?
        .into_iter()
        .find(|o| o.id == objection.0)
        .ok_or_else(|| AppError::not_found("objection"))?;
    if o.status != ObjectionStatus::Open {
        return Err(AppError::conflict("objection_decided"));
    }
    let mut v = Validator::new();
    let status = match ObjectionStatus::parse(&input.status) {
        Some(s @ (ObjectionStatus::Upheld | ObjectionStatus::Dismissed)) => Ok(s),
        _ => problem(
            FieldError::new("status", "unknown_option").with("allowed", "upheld, dismissed"),
        ),
    };
    let outcome = v.required_text("outcome", &input.outcome, rules::TEXT_MAX);
    let status = v.finish_with(status)?;
    let now = Timestamp::now();
    store::decide_objection(tx, objection.0, status, &outcome, caller.user_id(), now).await?;
    if status == ObjectionStatus::Upheld {
        store::set_tier(tx, o.declaration_id, None, now).await?;
    }
    record(
        tx,
        caller,
        Change::new("campaign.objection_outcome", "objection", objection.0)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "status": status, "outcome": outcome })),
    )
    .await
}

/// Dismissing many open objections at once with one outcome: all of them or none. As the
/// form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = DismissBody)]
pub struct DismissInput {
    /// Open objections of this campaign, at most 500.
    #[schema(value_type = Vec<i64>)]
    pub ids: Vec<ObjectionId>,
    /// One outcome recorded on each of them.
    pub outcome: String,
}

/// Most objections one request dismisses, so that one transaction stays short.
pub const DISMISS_MAX: usize = 500;

/// Dismisses many open objections at once with one outcome (a flood of identical or abusive
/// objections must not hold up the announcement); all of them or none.
pub async fn dismiss_objections(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &DismissInput,
) -> Result<usize> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Publicity])?;
    let mut v = Validator::new();
    let outcome = v.required_text("outcome", &input.outcome, rules::TEXT_MAX);
    let mut ids = input.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        v.add(FieldError::new("ids", "required"));
    } else if ids.len() > DISMISS_MAX {
        v.add(FieldError::new("ids", "too_many").with("max", DISMISS_MAX));
    }
    let all = store::objections(tx, campaign.0).await?;
    for id in &ids {
        match all.iter().find(|o| o.id == id.0) {
            None => v.add(FieldError::new("ids", "unknown_objection").with("id", id)),
            Some(o) if o.status != ObjectionStatus::Open => {
                v.add(FieldError::new("ids", "objection_decided").with("id", id));
            }
            Some(_) => {}
        }
    }
    v.finish()?;
    let now = Timestamp::now();
    let status = ObjectionStatus::Dismissed;
    for id in &ids {
        store::decide_objection(tx, id.0, status, &outcome, caller.user_id(), now).await?;
    }
    record(
        tx,
        caller,
        Change::new("campaign.objections_dismissed", "campaign", campaign.0)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "ids": ids, "outcome": outcome })),
    )
    .await?;
    Ok(ids.len())
}

pub async fn objections(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
) -> Result<Vec<Objection>> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    store::objections(tx, campaign.0).await
}

/// The announcement of the results, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = AnnounceBody)]
pub struct AnnounceInput {
    pub notice_number: String,
    pub announced_on: String,
}

/// Publishes the results with a notice number once the publicity period is over and every
/// objection has its outcome.
pub async fn announce(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &AnnounceInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Publicity])?;
    let end = publicity_end(&c).ok_or_else(|| AppError::internal("publicity without start"))?;
    let mut v = Validator::new();
    let number = v.required_text("notice_number", &input.notice_number, rules::SHORT_MAX);
    let on = date("announced_on", &input.announced_on);
    if on.as_ref().is_ok_and(|d| *d < end) {
        v.add(FieldError::new("announced_on", "publicity_not_over").with("end", end));
    }
    let on = v.finish_with(on)?;
    if store::objections(tx, campaign.0)
        .await?
        .iter()
        .any(|o| o.status == ObjectionStatus::Open)
    {
        return Err(AppError::conflict("objections_open"));
    }
    let now = Timestamp::now();
    store::set_announced(tx, campaign.0, &number, &on.to_string(), now).await?;
    let titles = super::titling::confer_titles(tx, caller, &c, now).await?;
    record(
        tx,
        caller,
        Change::new("campaign.announce", "campaign", campaign.0)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(
                &serde_json::json!({ "notice_number": number, "announced_on": on.to_string(),
                "titles": titles }),
            ),
    )
    .await
}

/// A certificate: an awarded declaration of an announced campaign.
pub async fn certificate(
    tx: &mut Tx,
    declaration: DeclarationId,
) -> Result<(Campaign, Declaration, Tier)> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, CampaignId(d.campaign_id)).await?;
    let tier = d.tier;
    match (c.stage, tier) {
        (Stage::Announced, Some(t)) => Ok((c, d, t)),
        _ => Err(AppError::not_found("certificate")),
    }
}
