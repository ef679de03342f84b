//! Declarations: a unit declaring one of its records (checked for eligibility and the unit's
//! quota), forwarding a lower round's winner, the formal check, and resubmitting a returned
//! declaration after its record was corrected.

use super::records::{RecordView, record_view};
use super::{load, load_declaration, path_of, require_manage, require_stage, today};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::campaign::{self as rules, DeclarationStatus, RequiredField, Stage};
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::{Validator, date};
use ingot_domain::{AppError, CampaignId, DeclarationId, FieldError, OrgId, OrgPath, Timestamp};
use ingot_store::campaigns::{self as store, Campaign};
use ingot_store::{Tx, orgs, users};

/// Declaring a record to a campaign, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = DeclareBody)]
pub struct DeclareInput {
    /// The record's id: an achievement (achievement award), a skill or method (skills and
    /// methods), an implemented proposal (best proposals) or a person's user id (titles).
    pub record_id: Option<i64>,
}

fn campaign_rules(c: &Campaign) -> rules::Rules {
    rules::Rules {
        min_year: c.min_record_year,
        max_year: c.max_record_year,
        required_fields: c
            .required_fields
            .split(',')
            .filter_map(RequiredField::parse)
            .collect(),
        required_documents: c.required_documents,
    }
}

/// The eligibility facts that depend on the campaign: where the first completer works now,
/// and whether they are first completer of another declaration here.
async fn complete_facts(
    tx: &mut Tx,
    c: &Campaign,
    participant: &OrgPath,
    rv: &mut RecordView,
    except: Option<i64>,
) -> Result<()> {
    if let Some(fc) = rv.first_completer {
        let inside = match users::get(tx, fc).await? {
            Some(u) if u.active => match orgs::get(tx, u.org_id).await? {
                Some(o) => o.path.is_within(participant),
                None => false,
            },
            _ => false,
        };
        rv.facts.first_completer_inside = Some(inside);
        rv.facts.first_completer_taken = store::declarations(tx, c.id)
            .await?
            .iter()
            .any(|d| d.first_completer_id == Some(fc.0) && Some(d.id) != except);
    }
    Ok(())
}

/// Declares a record of a unit to the campaign, counting against the quota of the
/// participating unit it lies in. Nothing is saved if any rule fails; every reason is named.
pub async fn declare(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &DeclareInput,
) -> Result<DeclarationId> {
    declare_record(tx, caller, campaign, input.record_id, None).await
}

async fn declare_record(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    record_id: Option<i64>,
    forwarded: Option<(&Campaign, i64)>,
) -> Result<DeclarationId> {
    store::lock(tx, campaign.0).await?;
    let c = load(tx, campaign).await?;
    require_stage(&c, &[Stage::Declaration])?;
    let kind = c.kind.record_type();
    let Some(record_id) = record_id else {
        return Err(AppError::field("record_id", "required"));
    };
    let Some(mut rv) = record_view(tx, &c, kind, record_id).await? else {
        return Err(AppError::field("record_id", "unknown_record"));
    };
    // A forwarded winner counts against the lower federation's own place in this campaign.
    let declaring_path = match forwarded {
        Some((child, _)) => path_of(child),
        None => rv.unit_path.clone(),
    };
    caller.require(Action::DeclareToCampaign, &declaring_path)?;
    let units = store::units(tx, c.id).await?;
    let Some(participant) = units
        .iter()
        .find(|u| declaring_path.is_within(&OrgPath::from_stored(u.path.clone())))
    else {
        return Err(AppError::field("record_id", "unit_not_participating"));
    };
    let participant_path = OrgPath::from_stored(participant.path.clone());
    let used = store::count_of_participant(tx, c.id, OrgId(participant.org_id)).await?;
    if used >= participant.quota {
        return Err(AppError::Validation(vec![
            FieldError::new("record_id", "quota_exceeded")
                .with("unit", &participant.name)
                .with("quota", participant.quota),
        ]));
    }
    complete_facts(tx, &c, &participant_path, &mut rv, None).await?;
    let problems = rules::eligibility(&campaign_rules(&c), &rv.facts);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let now = Timestamp::now();
    let id = store::insert_declaration(
        tx,
        &store::NewDeclaration {
            campaign_id: c.id,
            participant_id: OrgId(participant.org_id),
            record_type: kind,
            record_id,
            unit_id: rv.unit_id,
            title: &rv.title,
            summary: &rv.summary,
            field: &rv.field,
            first_completer_id: rv.first_completer,
            forwarded_from: forwarded.map(|(_, d)| d),
            declared_by: caller.user_id(),
        },
        now,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.declare", "declaration", id)
            .label(&rv.title)
            .org(OrgId(participant.org_id))
            .after(
                &serde_json::json!({ "campaign": c.id, "record_type": kind, "record_id": record_id,
                "forwarded_from": forwarded.map(|(_, d)| d) }),
            ),
    )
    .await?;
    Ok(DeclarationId(id))
}

/// Forwards a winner of a lower federation's announced round to the campaign above it,
/// within the lower federation's quota there.
pub async fn forward(
    tx: &mut Tx,
    caller: &Caller<'_>,
    declaration: DeclarationId,
) -> Result<DeclarationId> {
    let d = load_declaration(tx, declaration).await?;
    let child = load(tx, CampaignId(d.campaign_id)).await?;
    if child.stage != Stage::Announced || d.tier.is_none() {
        return Err(AppError::conflict("not_a_winner"));
    }
    let Some(parent) = child.parent_id else {
        return Err(AppError::conflict("no_parent_campaign"));
    };
    let parent = CampaignId(parent);
    let parent_campaign = load(tx, parent).await?;
    if parent_campaign.kind != child.kind {
        return Err(AppError::conflict("campaign_kind_differs"));
    }
    declare_record(tx, caller, parent, Some(d.record_id), Some((&child, d.id))).await
}

// --- Formal check -------------------------------------------------------------------------------

/// The formal check of a declaration, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = CheckBody)]
pub struct CheckInput {
    /// `accept` or `return`.
    pub decision: String,
    /// Why it is returned (for `return`).
    pub reasons: String,
    /// The date by which a returned declaration must be corrected.
    pub correct_by: String,
}

pub async fn check(
    tx: &mut Tx,
    caller: &Caller<'_>,
    declaration: DeclarationId,
    input: &CheckInput,
) -> Result<()> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, CampaignId(d.campaign_id)).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck])?;
    if d.status != DeclarationStatus::Submitted {
        return Err(AppError::conflict("declaration_already_checked"));
    }
    let now = Timestamp::now();
    let (status, reasons, correct_by) = match input.decision.trim() {
        "accept" => (DeclarationStatus::Accepted, None, None),
        "return" => {
            let mut v = Validator::new();
            let reasons = v.required_text("reasons", &input.reasons, rules::TEXT_MAX);
            let by = date("correct_by", &input.correct_by);
            if by.as_ref().is_ok_and(|b| *b < today(caller)) {
                v.add(FieldError::new("correct_by", "date_in_past"));
            }
            let by = v.finish_with(by)?;
            (
                DeclarationStatus::Returned,
                Some(reasons),
                Some(by.to_string()),
            )
        }
        _ => {
            return Err(AppError::Validation(vec![
                FieldError::new("decision", "unknown_option").with("allowed", "accept, return"),
            ]));
        }
    };
    store::set_check(
        tx,
        d.id,
        status.as_str(),
        reasons.as_deref(),
        correct_by.as_deref(),
        now,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.check", "declaration", d.id)
            .label(&d.title)
            .org(OrgId(d.participant_id))
            .after(&serde_json::json!({ "status": status, "reasons": reasons, "correct_by": correct_by })),
    )
    .await
}

/// Sends a returned declaration back for checking after its record was corrected, within the
/// correction deadline. The record is read again and checked for eligibility again.
pub async fn resubmit(tx: &mut Tx, caller: &Caller<'_>, declaration: DeclarationId) -> Result<()> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, CampaignId(d.campaign_id)).await?;
    caller.require(
        Action::DeclareToCampaign,
        &OrgPath::from_stored(d.unit_path.clone()),
    )?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck])?;
    if d.status != DeclarationStatus::Returned {
        return Err(AppError::conflict("declaration_not_returned"));
    }
    if d.correct_by
        .as_deref()
        .and_then(Date::parse)
        .is_some_and(|by| today(caller) > by)
    {
        return Err(AppError::conflict("correction_deadline_passed"));
    }
    let kind = d.record_type;
    let mut rv = record_view(tx, &c, kind, d.record_id)
        .await?
        .ok_or_else(|| AppError::field("record_id", "unknown_record"))?;
    let participant = orgs::get(tx, OrgId(d.participant_id))
        .await?
        .ok_or_else(|| AppError::internal("participant"))?;
    complete_facts(tx, &c, &participant.path, &mut rv, Some(d.id)).await?;
    let problems = rules::eligibility(&campaign_rules(&c), &rv.facts);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    store::resubmit(
        tx,
        d.id,
        &rv.title,
        &rv.summary,
        &rv.field,
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.resubmit", "declaration", d.id)
            .label(&rv.title)
            .org(OrgId(d.participant_id)),
    )
    .await
}
