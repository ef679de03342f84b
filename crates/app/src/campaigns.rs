//! Award campaigns: the call, declarations attaching a record (checked for eligibility and the
//! unit's quota), forwarding a lower round's winners, the formal check, the expert pool and
//! conflicts of interest, the optimal assignment (`ingot_assign`), score sheets, calibrated
//! results with tiers and ties, the panel's decision, publicity with objections, the numbered
//! announcement and the ranking of participating units. Each use case checks the policy,
//! writes and records its audit row in one transaction.

mod assign;
mod results;

pub use assign::{Matrix, OverrideInput, PairInfo, matrix, override_pair, run_assignment};
pub use results::{RankRow, ResultRow, Results, SheetView, ranking, results};

use crate::audit::{Change, record, record_as};
use crate::{Caller, Result};
use ingot_domain::campaign::{
    self as rules, Cadence, CampaignKind, ConflictSource, DeclarationStatus, ObjectionStatus,
    Quota, RecordFacts, RecordType, RequiredField, Stage, Tier,
};
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, OrgPath, Role, Timestamp, UserId};
use ingot_store::campaigns::{self as store, Campaign, Declaration, Expert, Objection, Unit};
use ingot_store::{Tx, innovation, orgs, users};

pub fn today(caller: &Caller<'_>) -> Date {
    Date::of(Timestamp::now(), caller.origin.utc_offset_ms)
}

pub fn stage_of(c: &Campaign) -> Result<Stage> {
    Stage::parse(&c.stage).ok_or_else(|| AppError::internal(format!("stored stage {:?}", c.stage)))
}

pub fn path_of(c: &Campaign) -> OrgPath {
    OrgPath::from_stored(c.org_path.clone())
}

pub async fn load(tx: &mut Tx, id: i64) -> Result<Campaign> {
    store::get(tx, id).await?.ok_or_else(store::not_found)
}

async fn load_declaration(tx: &mut Tx, id: i64) -> Result<Declaration> {
    store::get_declaration(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("declaration"))
}

fn require_stage(c: &Campaign, allowed: &[Stage]) -> Result<Stage> {
    let stage = stage_of(c)?;
    if allowed.contains(&stage) {
        Ok(stage)
    } else {
        Err(AppError::conflict("campaign_wrong_stage"))
    }
}

/// May the caller run this campaign (its federation's administrators)?
pub fn may_manage(caller: &Caller<'_>, c: &Campaign) -> bool {
    caller.permits(Action::ManageCampaigns, &path_of(c))
}

fn require_manage(caller: &Caller<'_>, c: &Campaign) -> Result<()> {
    if may_manage(caller, c) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

fn date_field(v: &mut Validator, field: &str, raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        v.add(FieldError::new(field, "required"));
        return None;
    }
    let d = Date::parse(raw);
    if d.is_none() {
        v.add(FieldError::new(field, "invalid_date"));
    }
    d
}

fn int_field(v: &mut Validator, field: &str, raw: &str, min: i64, max: i64) -> Option<i64> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            v.add(
                FieldError::new(field, "number_out_of_range")
                    .with("min", min)
                    .with("max", max),
            );
            None
        }
    }
}

fn optional_year(v: &mut Validator, field: &str, raw: &str) -> Option<i64> {
    if raw.trim().is_empty() {
        None
    } else {
        int_field(v, field, raw, 1949, 2200)
    }
}

/// "No. 3 《title》", how messages name a declaration.
pub fn declaration_label(d: &Declaration) -> String {
    format!("No.{} 《{}》", d.number, d.title)
}

// --- The call -----------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CampaignInput {
    pub org_id: Option<OrgId>,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub edition: String,
    pub year: String,
    pub cadence: String,
    pub rules: String,
    pub min_record_year: String,
    pub max_record_year: String,
    pub required_fields: Vec<String>,
    pub required_documents: String,
    pub reviewers_per_declaration: String,
    pub min_load: String,
    pub max_load: String,
    pub score_scale: String,
    pub blind: bool,
    /// Points (of 100) of spread above which a declaration goes to panel discussion.
    pub divergence: String,
    pub declaration_closes: String,
    pub check_closes: String,
    pub review_closes: String,
    pub publicity_days: String,
    pub announce_on: String,
    /// One participating unit a line: `ORG-CODE: quota`.
    pub units: String,
    /// One criterion a line: `name: weight`; the weights add up to 100.
    pub rubric: String,
    /// Tier quotas: a count ("3") or a share ("5%"); empty means the tier is not awarded.
    pub first: String,
    pub second: String,
    pub third: String,
    pub excellent: String,
}

/// Parses the units lines into (organisation, quota), each problem naming its line.
async fn parse_units(
    tx: &mut Tx,
    v: &mut Validator,
    text: &str,
    under: Option<&OrgPath>,
) -> Result<Vec<(ingot_domain::org::Organisation, i64)>> {
    let mut out: Vec<(ingot_domain::org::Organisation, i64)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((code, quota)) = line.rsplit_once([':', '：']) else {
            v.add(FieldError::new("units", "unit_line_invalid").with("line", line));
            continue;
        };
        let Some(quota) = quota.trim().parse::<i64>().ok().filter(|q| *q >= 1) else {
            v.add(FieldError::new("units", "unit_line_invalid").with("line", line));
            continue;
        };
        match orgs::get_by_code(tx, code.trim()).await? {
            Some(o) if under.is_none_or(|p| o.path.is_strictly_within(p)) => {
                if out
                    .iter()
                    .any(|(u, _)| u.path.is_within(&o.path) || o.path.is_within(&u.path))
                {
                    v.add(FieldError::new("units", "unit_overlaps").with("line", line));
                } else {
                    out.push((o, quota));
                }
            }
            Some(_) => v.add(FieldError::new("units", "unit_not_below").with("line", line)),
            None => v.add(FieldError::new("units", "unknown_org_code").with("line", line)),
        }
    }
    if out.is_empty() && v.is_empty() {
        v.add(FieldError::new("units", "required"));
    }
    Ok(out)
}

pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &CampaignInput) -> Result<i64> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let campaign_rules = v
        .optional_text("rules", Some(&input.rules), rules::TEXT_MAX)
        .unwrap_or_default();
    let kind = CampaignKind::parse(&input.kind);
    if kind.is_none() {
        v.add(FieldError::new("kind", "unknown_option").with("allowed", CampaignKind::codes()));
    }
    if kind.is_some_and(|k| k.record_type().is_none()) {
        v.add(FieldError::new("kind", "campaign_kind_not_supported"));
    }
    let cadence = Cadence::parse(&input.cadence);
    if cadence.is_none() {
        v.add(FieldError::new("cadence", "unknown_option").with("allowed", Cadence::codes()));
    }
    let edition = int_field(&mut v, "edition", &input.edition, 1, 1000);
    let year = int_field(&mut v, "year", &input.year, 1949, 2200);
    let min_year = optional_year(&mut v, "min_record_year", &input.min_record_year);
    let max_year = optional_year(&mut v, "max_record_year", &input.max_record_year);
    let mut required = Vec::new();
    for raw in input
        .required_fields
        .iter()
        .filter(|r| !r.trim().is_empty())
    {
        match RequiredField::parse(raw) {
            Some(f) if !required.contains(&f.as_str()) => required.push(f.as_str()),
            Some(_) => {}
            None => v.add(
                FieldError::new("required_fields", "unknown_option")
                    .with("allowed", RequiredField::codes()),
            ),
        }
    }
    let documents = if input.required_documents.trim().is_empty() {
        Some(0)
    } else {
        int_field(
            &mut v,
            "required_documents",
            &input.required_documents,
            0,
            20,
        )
    };
    let k = int_field(
        &mut v,
        "reviewers_per_declaration",
        &input.reviewers_per_declaration,
        1,
        15,
    );
    let min_load = int_field(&mut v, "min_load", &input.min_load, 0, 1000);
    let max_load = int_field(&mut v, "max_load", &input.max_load, 1, 1000);
    if let (Some(a), Some(b)) = (min_load, max_load)
        && a > b
    {
        v.add(FieldError::new("max_load", "max_below_min"));
    }
    let scale = int_field(&mut v, "score_scale", &input.score_scale, 1, 100);
    let divergence = if input.divergence.trim().is_empty() {
        Some(15)
    } else {
        int_field(&mut v, "divergence", &input.divergence, 0, 100)
    };
    let declaration_closes = date_field(&mut v, "declaration_closes", &input.declaration_closes);
    let check_closes = date_field(&mut v, "check_closes", &input.check_closes);
    let review_closes = date_field(&mut v, "review_closes", &input.review_closes);
    let announce_on = date_field(&mut v, "announce_on", &input.announce_on);
    let timetable = [declaration_closes, check_closes, review_closes, announce_on];
    if timetable.iter().all(Option::is_some) && timetable.windows(2).any(|w| w[0] > w[1]) {
        v.add(FieldError::new("announce_on", "timetable_out_of_order"));
    }
    let publicity_days = int_field(&mut v, "publicity_days", &input.publicity_days, 1, 60);
    let rubric = match rules::parse_rubric(&input.rubric) {
        Ok(r) => r,
        Err(e) => {
            v.add(e);
            Vec::new()
        }
    };
    let mut tiers = Vec::new();
    for (tier, raw) in [
        (Tier::First, &input.first),
        (Tier::Second, &input.second),
        (Tier::Third, &input.third),
        (Tier::Excellent, &input.excellent),
    ] {
        if raw.trim().is_empty() {
            continue;
        }
        match Quota::parse(raw) {
            Some(q) => tiers.push((tier, q)),
            None => v.add(FieldError::new(tier.as_str(), "quota_invalid")),
        }
    }
    if tiers.is_empty() {
        v.add(FieldError::new("first", "required"));
    }
    let org = match input.org_id {
        None => {
            v.add(FieldError::new("org_id", "required"));
            None
        }
        Some(id) => match orgs::get(tx, id).await? {
            Some(o)
                if matches!(
                    o.kind,
                    ingot_domain::OrgKind::National
                        | ingot_domain::OrgKind::Province
                        | ingot_domain::OrgKind::City
                        | ingot_domain::OrgKind::District
                ) =>
            {
                Some(o)
            }
            Some(_) => {
                v.add(FieldError::new("org_id", "campaign_org_not_federation"));
                None
            }
            None => {
                v.add(FieldError::new("org_id", "unknown_org"));
                None
            }
        },
    };
    let parent = match input.parent_id {
        None => None,
        Some(p) => match store::get(tx, p).await? {
            Some(pc)
                if org
                    .as_ref()
                    .is_some_and(|o| o.path.is_strictly_within(&path_of(&pc))) =>
            {
                Some(pc)
            }
            _ => {
                v.add(FieldError::new("parent_id", "parent_campaign_invalid"));
                None
            }
        },
    };
    let units = parse_units(tx, &mut v, &input.units, org.as_ref().map(|o| &o.path)).await?;
    v.finish()?;
    let (Some(org), Some(kind), Some(cadence)) = (org, kind, cadence) else {
        return Err(AppError::internal("checked above"));
    };
    caller.require(Action::ManageCampaigns, &org.path)?;
    let now = Timestamp::now();
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let fields = required.join(",");
    let id = store::insert(
        tx,
        &store::NewCampaign {
            org_id: org.id,
            parent_id: parent.as_ref().map(|p| p.id),
            kind: kind.as_str(),
            title: &title,
            edition: edition.unwrap_or(1),
            year: year.unwrap_or(0),
            cadence: cadence.as_str(),
            rules: &campaign_rules,
            min_record_year: min_year,
            max_record_year: max_year,
            required_fields: &fields,
            required_documents: documents.unwrap_or(0),
            reviewers_per_declaration: k.unwrap_or(3),
            min_load: min_load.unwrap_or(0),
            max_load: max_load.unwrap_or(1),
            score_scale: scale.unwrap_or(10),
            blind: input.blind,
            divergence_hundredths: divergence.unwrap_or(15) * 100,
            declaration_closes: &day(declaration_closes),
            check_closes: &day(check_closes),
            review_closes: &day(review_closes),
            publicity_days: publicity_days.unwrap_or(7),
            announce_on: &day(announce_on),
            created_by: caller.user_id(),
        },
        now,
    )
    .await?;
    for (unit, quota) in &units {
        store::add_unit(tx, id, unit.id, *quota).await?;
    }
    for (i, c) in rubric.iter().enumerate() {
        store::add_criterion(tx, id, i as i64 + 1, &c.name, c.weight).await?;
    }
    for (tier, q) in &tiers {
        let (count, share) = match q {
            Quota::Count(n) => (Some(*n), None),
            Quota::ShareBp(bp) => (None, Some(*bp)),
        };
        store::add_tier(tx, id, tier.as_str(), count, share).await?;
    }
    record(
        tx,
        caller,
        Change::new("campaign.create", "campaign", id)
            .label(&title)
            .org(org.id)
            .after(
                &serde_json::json!({ "kind": kind, "year": year, "edition": edition,
                "units": units.iter().map(|(u, q)| (u.code.clone(), *q)).collect::<Vec<_>>(),
                "rubric": rubric, "k": k, "min_load": min_load, "max_load": max_load }),
            ),
    )
    .await?;
    Ok(id)
}

pub async fn list(tx: &mut Tx) -> Result<Vec<Campaign>> {
    store::list(tx).await
}

/// A participating unit with its quota and how much of it is used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitUse {
    pub unit: Unit,
    pub declared: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CampaignDetail {
    pub campaign: Campaign,
    pub stage: Stage,
    pub units: Vec<UnitUse>,
    pub criteria: Vec<store::CriterionRow>,
    /// (tier, quota as typed: "3" or "5%", awards it allows now).
    pub tiers: Vec<(Tier, String, usize)>,
    /// Declarations the caller may see: all for staff, the caller's subtree's for declarers,
    /// the awarded ones for everyone once publicity starts.
    pub declarations: Vec<Declaration>,
    pub manage: bool,
    pub may_declare: bool,
    pub on_panel: bool,
    pub publicity_end: Option<String>,
}

/// The tier quotas of the campaign as counts, given how many declarations were accepted.
pub fn quota_counts(tiers: &[store::TierRow], accepted: usize) -> Vec<(Tier, usize, String)> {
    tiers
        .iter()
        .filter_map(|t| {
            let tier = Tier::parse(&t.tier)?;
            let (q, text) = match (t.quota_count, t.share_bp) {
                (Some(n), _) => (Quota::Count(n), n.to_string()),
                (None, Some(bp)) => (Quota::ShareBp(bp), format!("{}%", bp as f64 / 100.0)),
                _ => return None,
            };
            Some((tier, q.count_of(accepted), text))
        })
        .collect()
}

pub fn publicity_end(c: &Campaign) -> Option<Date> {
    let start = Date::parse(c.publicity_start.as_deref()?)?;
    Some(start.plus_days(c.publicity_days))
}

pub async fn detail(tx: &mut Tx, caller: Option<&Caller<'_>>, id: i64) -> Result<CampaignDetail> {
    let c = load(tx, id).await?;
    let stage = stage_of(&c)?;
    let manage = caller.is_some_and(|cl| may_manage(cl, &c));
    let units = store::units(tx, id).await?;
    let all = store::declarations(tx, id).await?;
    let mut uses = Vec::new();
    for u in units {
        let declared = all.iter().filter(|d| d.participant_id == u.org_id).count() as i64;
        uses.push(UnitUse { unit: u, declared });
    }
    let may_declare = caller.is_some_and(|cl| {
        uses.iter().any(|u| {
            cl.actor().is_some_and(|a| {
                a.grants.iter().any(|g| {
                    let p = OrgPath::from_stored(u.unit.path.clone());
                    (g.org_path.is_within(&p) || p.is_within(&g.org_path))
                        && cl.permits(Action::DeclareToCampaign, &g.org_path)
                })
            })
        })
    });
    let on_panel = match caller.and_then(Caller::user_id) {
        Some(u) => store::panel(tx, id).await?.iter().any(|e| e.user_id == u.0),
        None => false,
    };
    let published = stage.rank() >= Stage::Publicity.rank();
    let declarations = all
        .into_iter()
        .filter(|d| {
            manage
                || (published && d.tier.is_some())
                || caller.is_some_and(|cl| {
                    cl.permits(
                        Action::DeclareToCampaign,
                        &OrgPath::from_stored(d.unit_path.clone()),
                    )
                })
        })
        .collect::<Vec<_>>();
    let accepted = store::declarations(tx, id)
        .await?
        .iter()
        .filter(|d| d.status == DeclarationStatus::Accepted.as_str())
        .count();
    let tiers = quota_counts(&store::tiers(tx, id).await?, accepted)
        .into_iter()
        .map(|(t, n, text)| (t, text, n))
        .collect();
    Ok(CampaignDetail {
        criteria: store::criteria(tx, id).await?,
        publicity_end: publicity_end(&c).map(|d| d.to_string()),
        campaign: c,
        stage,
        units: uses,
        tiers,
        declarations,
        manage,
        may_declare,
        on_panel,
    })
}

/// Moves the campaign to the next stage: declaration → formal check → review. Review needs
/// every declaration checked. Publicity and the announcement have their own use cases.
pub async fn advance(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<Stage> {
    let c = load(tx, id).await?;
    require_manage(caller, &c)?;
    let stage = stage_of(&c)?;
    let next = match stage {
        Stage::Declaration => Stage::FormalCheck,
        Stage::FormalCheck => {
            let decls = store::declarations(tx, id).await?;
            if decls
                .iter()
                .any(|d| d.status == DeclarationStatus::Submitted.as_str())
            {
                return Err(AppError::conflict("declarations_unchecked"));
            }
            if !decls
                .iter()
                .any(|d| d.status == DeclarationStatus::Accepted.as_str())
            {
                return Err(AppError::conflict("no_accepted_declarations"));
            }
            Stage::Review
        }
        _ => return Err(AppError::conflict("campaign_wrong_stage")),
    };
    store::set_stage(tx, id, next.as_str(), Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("campaign.advance", "campaign", id)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .before(&stage)
            .after(&next),
    )
    .await?;
    Ok(next)
}

// --- Declarations -------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DeclareInput {
    /// The record's id (an achievement for an achievement award, a skill for skills and methods).
    pub record_id: Option<i64>,
}

/// The record as a campaign sees it.
struct RecordView {
    unit_id: OrgId,
    unit_path: OrgPath,
    title: String,
    summary: String,
    field: String,
    first_completer: Option<UserId>,
    facts: RecordFacts,
}

async fn record_view(tx: &mut Tx, kind: RecordType, id: i64) -> Result<Option<RecordView>> {
    Ok(match kind {
        RecordType::Achievement => {
            let Some(a) = innovation::get_achievement(tx, id).await? else {
                return Ok(None);
            };
            let completers = innovation::completers(tx, id).await?;
            let documents = innovation::attachments(tx, id).await?.len();
            Some(RecordView {
                unit_id: a.unit_id,
                unit_path: OrgPath::from_stored(a.unit_path.clone()),
                facts: RecordFacts {
                    year: a.year,
                    has_summary: !a.summary.trim().is_empty(),
                    completers: completers.len(),
                    has_claimed_level: a.claimed_level.is_some(),
                    has_benefit: a.benefit_claimed_cents.is_some(),
                    documents,
                    ..Default::default()
                },
                first_completer: completers.first().map(|p| UserId(p.user_id)),
                title: a.title,
                summary: a.summary,
                field: a.field,
            })
        }
        RecordType::Skill => {
            let Some(s) = innovation::get_skill(tx, id).await? else {
                return Ok(None);
            };
            Some(RecordView {
                unit_id: s.unit_id,
                unit_path: OrgPath::from_stored(s.unit_path.clone()),
                facts: RecordFacts {
                    year: s.year,
                    has_summary: !s.description.trim().is_empty(),
                    completers: usize::from(s.creator_id.is_some()),
                    ..Default::default()
                },
                first_completer: s.creator_id,
                title: s.name,
                summary: s.description,
                field: s.used_where,
            })
        }
    })
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
    campaign: i64,
    input: &DeclareInput,
) -> Result<i64> {
    declare_record(tx, caller, campaign, input.record_id, None).await
}

async fn declare_record(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
    record_id: Option<i64>,
    forwarded: Option<(&Campaign, i64)>,
) -> Result<i64> {
    let c = load(tx, campaign).await?;
    require_stage(&c, &[Stage::Declaration])?;
    let kind = CampaignKind::parse(&c.kind)
        .and_then(CampaignKind::record_type)
        .ok_or_else(|| AppError::internal("campaign kind without records"))?;
    let Some(record_id) = record_id else {
        return Err(AppError::field("record_id", "required"));
    };
    let Some(mut rv) = record_view(tx, kind, record_id).await? else {
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
            record_type: kind.as_str(),
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
    Ok(id)
}

/// Forwards a winner of a lower federation's announced round to the campaign above it,
/// within the lower federation's quota there.
pub async fn forward(tx: &mut Tx, caller: &Caller<'_>, declaration: i64) -> Result<i64> {
    let d = load_declaration(tx, declaration).await?;
    let child = load(tx, d.campaign_id).await?;
    if stage_of(&child)? != Stage::Announced || d.tier.is_none() {
        return Err(AppError::conflict("not_a_winner"));
    }
    let Some(parent) = child.parent_id else {
        return Err(AppError::conflict("no_parent_campaign"));
    };
    let parent_campaign = load(tx, parent).await?;
    if parent_campaign.kind != child.kind {
        return Err(AppError::conflict("campaign_kind_differs"));
    }
    declare_record(tx, caller, parent, Some(d.record_id), Some((&child, d.id))).await
}

// --- Formal check -------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CheckInput {
    /// `accept` or `return`.
    pub decision: String,
    pub reasons: String,
    /// The date by which a returned declaration must be corrected.
    pub correct_by: String,
}

pub async fn check(
    tx: &mut Tx,
    caller: &Caller<'_>,
    declaration: i64,
    input: &CheckInput,
) -> Result<()> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, d.campaign_id).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck])?;
    if d.status != DeclarationStatus::Submitted.as_str() {
        return Err(AppError::conflict("declaration_already_checked"));
    }
    let now = Timestamp::now();
    let (status, reasons, correct_by) = match input.decision.trim() {
        "accept" => (DeclarationStatus::Accepted, None, None),
        "return" => {
            let mut v = Validator::new();
            let reasons = v.required_text("reasons", &input.reasons, rules::TEXT_MAX);
            let by = date_field(&mut v, "correct_by", &input.correct_by);
            if by.is_some_and(|b| b < today(caller)) {
                v.add(FieldError::new("correct_by", "date_in_past"));
            }
            v.finish()?;
            (
                DeclarationStatus::Returned,
                Some(reasons),
                by.map(|b| b.to_string()),
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
pub async fn resubmit(tx: &mut Tx, caller: &Caller<'_>, declaration: i64) -> Result<()> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, d.campaign_id).await?;
    caller.require(
        Action::DeclareToCampaign,
        &OrgPath::from_stored(d.unit_path.clone()),
    )?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck])?;
    if d.status != DeclarationStatus::Returned.as_str() {
        return Err(AppError::conflict("declaration_not_returned"));
    }
    if d.correct_by
        .as_deref()
        .and_then(Date::parse)
        .is_some_and(|by| today(caller) > by)
    {
        return Err(AppError::conflict("correction_deadline_passed"));
    }
    let kind =
        RecordType::parse(&d.record_type).ok_or_else(|| AppError::internal("record type"))?;
    let mut rv = record_view(tx, kind, d.record_id)
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

// --- Experts and conflicts ----------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExpertInput {
    pub username: String,
    /// Comma-separated fields, as the records name them (e.g. "冶金, 稀土").
    pub fields: String,
    pub profile: String,
}

/// Adds a person holding the expert role to the pool (or updates their fields and profile)
/// and to this campaign's panel.
pub async fn add_expert(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
    input: &ExpertInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck, Stage::Review])?;
    let mut v = Validator::new();
    let fields = v.required_text("fields", &input.fields, rules::TEXT_MAX);
    let profile = v
        .optional_text("profile", Some(&input.profile), rules::TEXT_MAX)
        .unwrap_or_default();
    let user = users::get_by_username(tx, &input.username.trim().to_lowercase()).await?;
    let user = match user {
        Some(u) if u.active => {
            let grants = ingot_store::grants::of_user(tx, u.id).await?;
            if grants.iter().any(|g| g.role == Role::Expert) {
                Some(u)
            } else {
                v.add(FieldError::new("username", "not_an_expert"));
                None
            }
        }
        _ => {
            v.add(
                FieldError::new("username", "unknown_user").with("username", input.username.trim()),
            );
            None
        }
    };
    v.finish()?;
    let user = user.ok_or_else(|| AppError::internal("checked above"))?;
    let fields = fields
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(",");
    store::upsert_expert(tx, user.id, &fields, &profile, Timestamp::now()).await?;
    store::add_to_panel(tx, campaign, user.id).await?;
    record(
        tx,
        caller,
        Change::new("campaign.add_expert", "campaign", campaign)
            .label(&user.username)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "fields": fields })),
    )
    .await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ConflictInput {
    pub declaration_id: Option<i64>,
    /// The expert's username; staff only (an expert declares their own).
    pub username: String,
    pub reason: String,
}

/// Records a conflict of interest: an expert declaring their own, or staff recording one.
pub async fn add_conflict(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
    input: &ConflictInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck, Stage::Review])?;
    let mut v = Validator::new();
    let reason = v.required_text("reason", &input.reason, rules::TEXT_MAX);
    let d = match input.declaration_id {
        Some(id) => store::get_declaration(tx, id)
            .await?
            .filter(|d| d.campaign_id == campaign),
        None => None,
    };
    if d.is_none() {
        v.add(FieldError::new("declaration_id", "unknown_declaration"));
    }
    let panel = store::panel(tx, campaign).await?;
    let manage = may_manage(caller, &c);
    let (expert, source) = if manage && !input.username.trim().is_empty() {
        let name = input.username.trim().to_lowercase();
        match panel.iter().find(|e| e.username == name) {
            Some(e) => (Some(UserId(e.user_id)), ConflictSource::Manual),
            None => {
                v.add(FieldError::new("username", "not_on_panel"));
                (None, ConflictSource::Manual)
            }
        }
    } else {
        match caller
            .user_id()
            .filter(|u| panel.iter().any(|e| e.user_id == u.0))
        {
            Some(u) => (Some(u), ConflictSource::Declared),
            None => return Err(AppError::forbidden()),
        }
    };
    v.finish()?;
    let (Some(d), Some(expert)) = (d, expert) else {
        return Err(AppError::internal("checked above"));
    };
    store::insert_conflict(
        tx,
        &store::NewConflict {
            campaign_id: campaign,
            user_id: expert,
            declaration_id: d.id,
            source: source.as_str(),
            reason: &reason,
            created_by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.conflict", "declaration", d.id)
            .label(&d.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "expert": expert, "source": source, "reason": reason })),
    )
    .await
}

pub async fn panel(tx: &mut Tx, campaign: i64) -> Result<Vec<Expert>> {
    store::panel(tx, campaign).await
}

// --- Scoring ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScoreInput {
    /// One mark per criterion, in rubric order, each within 0..=the campaign's scale.
    pub marks: Vec<String>,
    pub comment: String,
}

/// An expert's score sheet for a declaration assigned to them and not in conflict with them.
pub async fn score(
    tx: &mut Tx,
    caller: &Caller<'_>,
    declaration: i64,
    input: &ScoreInput,
) -> Result<i64> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, d.campaign_id).await?;
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    if !store::is_assigned(tx, d.id, me).await? {
        return Err(AppError::Forbidden {
            code: "not_assigned",
        });
    }
    let conflicts = assign::conflicts_of(tx, &c, &d, me).await?;
    if let Some(reason) = conflicts.first() {
        return Err(AppError::Conflict {
            code: "expert_conflicted",
            field: None,
        })
        .inspect_err(|_| {
            tracing::info!(
                declaration,
                reason = reason.as_str(),
                "conflicted score refused"
            )
        });
    }
    require_stage(&c, &[Stage::Review])?;
    if c.decided_at.is_some() {
        return Err(AppError::conflict("results_decided"));
    }
    let rubric: Vec<rules::Criterion> = store::criteria(tx, c.id)
        .await?
        .into_iter()
        .map(|r| rules::Criterion {
            name: r.name,
            weight: r.weight,
        })
        .collect();
    let mut v = Validator::new();
    let mut marks = Vec::new();
    for (i, raw) in input.marks.iter().enumerate() {
        match raw.trim().parse::<i64>() {
            Ok(m) => marks.push(m),
            Err(_) => {
                v.add(
                    FieldError::new(format!("marks[{i}]"), "score_outside_scale")
                        .with("criterion", rubric.get(i).map_or("", |c| c.name.as_str()))
                        .with("max", c.score_scale),
                );
                marks.push(0);
            }
        }
    }
    let comment = v
        .optional_text("comment", Some(&input.comment), rules::TEXT_MAX)
        .unwrap_or_default();
    v.finish()?;
    let total =
        rules::total(&rubric, &marks, c.score_scale).map_err(|e| AppError::Validation(vec![e]))?;
    let marks_json = serde_json::to_string(&marks).map_err(AppError::internal)?;
    store::save_sheet(
        tx,
        &store::NewSheet {
            campaign_id: c.id,
            declaration_id: d.id,
            user_id: me,
            marks: &marks_json,
            total_hundredths: total,
            comment: &comment,
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.score", "declaration", d.id)
            .label(&d.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "marks": marks, "total_hundredths": total })),
    )
    .await?;
    Ok(total)
}

/// A declaration as an expert reviews it: blind campaigns hide the unit and the people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewItem {
    pub campaign_id: i64,
    pub campaign_title: String,
    pub declaration_id: i64,
    pub number: i64,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// Hidden (None) when the campaign is blind.
    pub unit_name: Option<String>,
    pub first_completer_name: Option<String>,
    pub marks: Option<Vec<i64>>,
    pub total_hundredths: Option<i64>,
    pub comment: Option<String>,
    pub open: bool,
}

/// The declarations assigned to the caller, in campaigns under review or later.
pub async fn my_reviews(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
) -> Result<Vec<ReviewItem>> {
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    let c = load(tx, campaign).await?;
    let mine: Vec<i64> = store::assignment(tx, c.id)
        .await?
        .iter()
        .filter(|a| a.user_id == me.0)
        .map(|a| a.declaration_id)
        .collect();
    let sheets = store::sheets(tx, c.id).await?;
    let open = stage_of(&c)? == Stage::Review && c.decided_at.is_none();
    let mut out = Vec::new();
    for d in store::declarations(tx, c.id).await? {
        if !mine.contains(&d.id) {
            continue;
        }
        let sheet = sheets
            .iter()
            .find(|s| s.declaration_id == d.id && s.user_id == me.0);
        out.push(ReviewItem {
            campaign_id: c.id,
            campaign_title: c.title.clone(),
            declaration_id: d.id,
            number: d.number,
            title: d.title.clone(),
            summary: d.summary.clone(),
            field: d.field.clone(),
            unit_name: (!c.blind).then(|| d.unit_name.clone()),
            first_completer_name: if c.blind {
                None
            } else {
                d.first_completer_name.clone()
            },
            marks: sheet.and_then(|s| serde_json::from_str(&s.marks).ok()),
            total_hundredths: sheet.map(|s| s.total_hundredths),
            comment: sheet.map(|s| s.comment.clone()),
            open,
        });
    }
    Ok(out)
}

// --- The panel's decision, publicity, announcement ---------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// (declaration id, tier code or "" for none). Declarations left out keep the proposed tier.
    pub tiers: Vec<(i64, String)>,
    pub note: String,
}

/// Records the panel's final tiers (the proposal, with ties settled and any change made by the
/// panel), once every assigned score sheet is in. No tier may exceed its quota.
pub async fn decide(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
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
    for (id, raw) in &input.tiers {
        let Some(slot) = decided.iter_mut().find(|(d, _)| d == id) else {
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
    store::set_decision(tx, campaign, &note, caller.user_id(), now).await?;
    record(
        tx,
        caller,
        Change::new("campaign.decide", "campaign", campaign)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "tiers": decided, "note": note })),
    )
    .await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PublicityInput {
    pub start: String,
    /// Days the list stays public; empty keeps the campaign's setting.
    pub days: String,
}

/// Publishes the decided list for the publicity period.
pub async fn open_publicity(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
    input: &PublicityInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Review])?;
    if c.decided_at.is_none() {
        return Err(AppError::conflict("results_not_decided"));
    }
    let mut v = Validator::new();
    let start = date_field(&mut v, "start", &input.start);
    let days = if input.days.trim().is_empty() {
        Some(c.publicity_days)
    } else {
        int_field(&mut v, "days", &input.days, 1, 60)
    };
    v.finish()?;
    let (Some(start), Some(days)) = (start, days) else {
        return Err(AppError::internal("checked above"));
    };
    store::set_publicity(tx, campaign, &start.to_string(), days, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("campaign.publicity", "campaign", campaign)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "start": start.to_string(), "days": days })),
    )
    .await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ObjectionInput {
    pub declaration_id: Option<i64>,
    pub name: String,
    /// A telephone number or e-mail address, so that staff can reach the objector.
    pub contact: String,
    pub text: String,
}

/// Anyone may object to a listed award while the publicity period runs.
pub async fn object(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
    input: &ObjectionInput,
) -> Result<i64> {
    let c = load(tx, campaign).await?;
    if stage_of(&c)? != Stage::Publicity {
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
        Some(id) => store::get_declaration(tx, id)
            .await?
            .filter(|d| d.campaign_id == campaign && d.tier.is_some()),
        None => None,
    };
    if d.is_none() {
        v.add(FieldError::new("declaration_id", "unknown_declaration"));
    }
    v.finish()?;
    let d = d.ok_or_else(|| AppError::internal("checked above"))?;
    let id = store::insert_objection(tx, campaign, d.id, &name, &contact, &text, Timestamp::now())
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
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OutcomeInput {
    /// `upheld` (the award is withdrawn) or `dismissed`.
    pub status: String,
    pub outcome: String,
}

/// Staff record the outcome of their investigation of an objection.
pub async fn decide_objection(
    tx: &mut Tx,
    caller: &Caller<'_>,
    objection: i64,
    input: &OutcomeInput,
) -> Result<()> {
    let (campaign,): (i64,) = tx
        .fetch_optional(
            ingot_store::Sql::new("SELECT campaign_id FROM objections WHERE id = $1")
                .bind(objection),
        )
        .await?
        .ok_or_else(|| AppError::not_found("objection"))?;
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Publicity])?;
    let o = store::objections(tx, campaign)
        .await?
        .into_iter()
        .find(|o| o.id == objection)
        .ok_or_else(|| AppError::not_found("objection"))?;
    if o.status != ObjectionStatus::Open.as_str() {
        return Err(AppError::conflict("objection_decided"));
    }
    let mut v = Validator::new();
    let status = match ObjectionStatus::parse(&input.status) {
        Some(s @ (ObjectionStatus::Upheld | ObjectionStatus::Dismissed)) => Some(s),
        _ => {
            v.add(FieldError::new("status", "unknown_option").with("allowed", "upheld, dismissed"));
            None
        }
    };
    let outcome = v.required_text("outcome", &input.outcome, rules::TEXT_MAX);
    v.finish()?;
    let status = status.ok_or_else(|| AppError::internal("checked above"))?;
    let now = Timestamp::now();
    store::decide_objection(
        tx,
        objection,
        status.as_str(),
        &outcome,
        caller.user_id(),
        now,
    )
    .await?;
    if status == ObjectionStatus::Upheld {
        store::set_tier(tx, o.declaration_id, None, now).await?;
    }
    record(
        tx,
        caller,
        Change::new("campaign.objection_outcome", "objection", objection)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "status": status, "outcome": outcome })),
    )
    .await
}

pub async fn objections(tx: &mut Tx, caller: &Caller<'_>, campaign: i64) -> Result<Vec<Objection>> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    store::objections(tx, campaign).await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AnnounceInput {
    pub notice_number: String,
    pub announced_on: String,
}

/// Publishes the results with a notice number once the publicity period is over and every
/// objection has its outcome.
pub async fn announce(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: i64,
    input: &AnnounceInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Publicity])?;
    let end = publicity_end(&c).ok_or_else(|| AppError::internal("publicity without start"))?;
    let mut v = Validator::new();
    let number = v.required_text("notice_number", &input.notice_number, rules::SHORT_MAX);
    let on = date_field(&mut v, "announced_on", &input.announced_on);
    if on.is_some_and(|d| d < end) {
        v.add(FieldError::new("announced_on", "publicity_not_over").with("end", end));
    }
    v.finish()?;
    if store::objections(tx, campaign)
        .await?
        .iter()
        .any(|o| o.status == ObjectionStatus::Open.as_str())
    {
        return Err(AppError::conflict("objections_open"));
    }
    let on = on.ok_or_else(|| AppError::internal("checked above"))?;
    store::set_announced(tx, campaign, &number, &on.to_string(), Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("campaign.announce", "campaign", campaign)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "notice_number": number, "announced_on": on.to_string() })),
    )
    .await
}

/// A certificate: an awarded declaration of an announced campaign.
pub async fn certificate(tx: &mut Tx, declaration: i64) -> Result<(Campaign, Declaration, Tier)> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, d.campaign_id).await?;
    let tier = d.tier.as_deref().and_then(Tier::parse);
    match (stage_of(&c)?, tier) {
        (Stage::Announced, Some(t)) => Ok((c, d, t)),
        _ => Err(AppError::not_found("certificate")),
    }
}
