//! The call itself: creating a campaign with its participating units, quotas and tiers; the
//! list and the detail as a caller may see them (the decision withheld until publicity); the
//! quota counts and publicity dates; and moving the campaign from stage to stage.

use super::{load, may_manage, number_in, number_or, optional_year, path_of, require_manage};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::campaign::{
    self as rules, Cadence, CampaignKind, DeclarationStatus, Quota, RequiredField, Stage, Tier,
};
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::{AllChecked, Validator, choice, date, problem};
use ingot_domain::{AppError, CampaignId, FieldError, OrgId, OrgPath, Timestamp};
use ingot_store::campaigns::{self as store, Campaign, Declaration, Unit};
use ingot_store::{Tx, orgs};

/// Issuing a call, as the API sends it and the call form after reading its textareas.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = CampaignBody)]
pub struct CampaignInput {
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<OrgId>,
    /// The campaign above this one, which it forwards its winners to.
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<CampaignId>,
    /// `achievement_award` (achievements), `skills_methods` (skills and methods), `proposals`
    /// (implemented proposals) or `titles` (people, who win the title the call names).
    pub kind: String,
    pub title: String,
    pub edition: Option<i64>,
    pub year: Option<i64>,
    /// `annual`, `biennial` or `triennial`.
    pub cadence: String,
    pub rules: String,
    pub min_record_year: Option<i64>,
    pub max_record_year: Option<i64>,
    /// Codes among `summary`, `completers`, `claimed_level`, `benefit`.
    pub required_fields: Vec<String>,
    /// Left out: none.
    pub required_documents: Option<i64>,
    pub reviewers_per_declaration: Option<i64>,
    pub min_load: Option<i64>,
    pub max_load: Option<i64>,
    pub score_scale: Option<i64>,
    pub blind: bool,
    /// Points (of 100) of spread above which a declaration goes to panel discussion; left out, 15.
    pub divergence: Option<i64>,
    pub declaration_closes: String,
    pub check_closes: String,
    pub review_closes: String,
    pub publicity_days: Option<i64>,
    pub announce_on: String,
    /// The participating units, each with its quota of declarations.
    pub units: Vec<UnitQuota>,
    /// The criteria in the order experts score them; the weights add up to 100.
    pub rubric: Vec<RubricCriterion>,
    /// Tier quotas: a count ("3") or a share ("5%"); left empty, the tier is not awarded.
    pub first: String,
    pub second: String,
    pub third: String,
    pub excellent: String,
    /// Whom units ask about the call; up to 100 characters.
    pub contact_person: String,
    /// For `titles`: the title its winners receive, e.g. 大连市职工技术创新能手.
    pub title_name: String,
    /// For `titles`: the title's level, `enterprise`, `municipal`, `provincial` or `national`.
    pub title_level: String,
}

/// A participating unit, by its organisation code, and how many declarations it may make.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
pub struct UnitQuota {
    pub org_code: String,
    pub quota: i64,
}

/// One criterion of the rubric with its weight in points of 100.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
pub struct RubricCriterion {
    pub name: String,
    pub weight: i64,
}

/// The participating units as organisations with their quotas; each problem names the unit
/// as `ORG-CODE: quota`, the way the call form types it.
async fn check_units(
    tx: &mut Tx,
    v: &mut Validator,
    units: &[UnitQuota],
    under: Option<&OrgPath>,
) -> Result<Vec<(ingot_domain::org::Organisation, i64)>> {
    let mut out: Vec<(ingot_domain::org::Organisation, i64)> = Vec::new();
    for unit in units {
        let line = format!("{}: {}", unit.org_code.trim(), unit.quota);
        if unit.quota < 1 {
            v.add(FieldError::new("units", "unit_line_invalid").with("line", &line));
            continue;
        }
        match orgs::get_by_code(tx, unit.org_code.trim()).await? {
            Some(o) if under.is_none_or(|p| o.path.is_strictly_within(p)) => {
                if out
                    .iter()
                    .any(|(u, _)| u.path.is_within(&o.path) || o.path.is_within(&u.path))
                {
                    v.add(FieldError::new("units", "unit_overlaps").with("line", &line));
                } else {
                    out.push((o, unit.quota));
                }
            }
            Some(_) => v.add(FieldError::new("units", "unit_not_below").with("line", &line)),
            None => v.add(FieldError::new("units", "unknown_org_code").with("line", &line)),
        }
    }
    if out.is_empty() && v.is_empty() {
        v.add(FieldError::new("units", "required"));
    }
    Ok(out)
}

pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &CampaignInput) -> Result<CampaignId> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let campaign_rules = v
        .optional_text("rules", Some(&input.rules), rules::TEXT_MAX)
        .unwrap_or_default();
    let contact_person = v.optional_text(
        "contact_person",
        Some(&input.contact_person),
        rules::SHORT_MAX,
    );
    let kind = choice::<CampaignKind>("kind", &input.kind);
    let title_conferred = match kind {
        Ok(CampaignKind::Titles) => {
            let name = v.required_text(
                "title_name",
                &input.title_name,
                ingot_domain::innovation::TITLE_MAX,
            );
            match ingot_domain::innovation::HonourLevel::parse(input.title_level.trim()) {
                Some(level) => Some((name, level.as_str())),
                None => {
                    v.add(FieldError::new("title_level", "unknown_honour_level"));
                    None
                }
            }
        }
        _ => None,
    };
    // A titles campaign assesses the declared person: there is nothing to review blind.
    if matches!(kind, Ok(CampaignKind::Titles)) && input.blind {
        v.add(FieldError::new("blind", "blind_not_for_titles"));
    }
    let cadence = choice::<Cadence>("cadence", &input.cadence);
    let edition = number_in("edition", input.edition, 1, 1000);
    let year = number_in("year", input.year, 1949, 2200);
    let min_year = optional_year("min_record_year", input.min_record_year);
    let max_year = optional_year("max_record_year", input.max_record_year);
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
    let documents = number_or("required_documents", input.required_documents, 0, 0, 20);
    let k = number_in(
        "reviewers_per_declaration",
        input.reviewers_per_declaration,
        1,
        15,
    );
    let min_load = number_in("min_load", input.min_load, 0, 1000);
    let max_load = number_in("max_load", input.max_load, 1, 1000);
    if let (Ok(a), Ok(b)) = (&min_load, &max_load)
        && a > b
    {
        v.add(FieldError::new("max_load", "max_below_min"));
    }
    let scale = number_in("score_scale", input.score_scale, 1, 100);
    let divergence = number_or("divergence", input.divergence, 15, 0, 100);
    let timetable = (
        date("declaration_closes", &input.declaration_closes),
        date("check_closes", &input.check_closes),
        date("review_closes", &input.review_closes),
        date("announce_on", &input.announce_on),
    )
        .all();
    if let Ok((a, b, c, d)) = &timetable
        && (a > b || b > c || c > d)
    {
        v.add(FieldError::new("announce_on", "timetable_out_of_order"));
    }
    let publicity_days = number_in("publicity_days", input.publicity_days, 1, 60);
    let rubric: Vec<rules::Criterion> = input
        .rubric
        .iter()
        .map(|c| rules::Criterion {
            name: c.name.trim().to_string(),
            weight: c.weight,
        })
        .collect();
    if let Err(e) = rules::check_rubric(&rubric) {
        v.add(e);
    }
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
        None => problem(FieldError::new("org_id", "required")),
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
                Ok(o)
            }
            Some(_) => problem(FieldError::new("org_id", "campaign_org_not_federation")),
            None => problem(FieldError::new("org_id", "unknown_org")),
        },
    };
    let parent = match input.parent_id {
        None => None,
        Some(p) => match store::get(tx, p.0).await? {
            Some(pc)
                if org
                    .as_ref()
                    .is_ok_and(|o| o.path.is_strictly_within(&path_of(&pc))) =>
            {
                Some(pc)
            }
            _ => {
                v.add(FieldError::new("parent_id", "parent_campaign_invalid"));
                None
            }
        },
    };
    let units = check_units(tx, &mut v, &input.units, org.as_ref().ok().map(|o| &o.path)).await?;
    let numbers = (
        edition, year, documents, k, min_load, max_load, scale, divergence,
    )
        .all();
    let (org, kind, cadence, min_year, max_year, numbers, timetable, publicity_days) = v
        .finish_with((
            org,
            kind,
            cadence,
            min_year,
            max_year,
            numbers,
            timetable,
            publicity_days,
        ))?;
    let (edition, year, documents, k, min_load, max_load, scale, divergence) = numbers;
    let (declaration_closes, check_closes, review_closes, announce_on) = timetable;
    caller.require(Action::ManageCampaigns, &org.path)?;
    let now = Timestamp::now();
    let fields = required.join(",");
    let id = store::insert(
        tx,
        &store::NewCampaign {
            org_id: org.id,
            parent_id: parent.as_ref().map(|p| p.id),
            kind,
            title: &title,
            edition,
            year,
            cadence,
            rules: &campaign_rules,
            min_record_year: min_year,
            max_record_year: max_year,
            required_fields: &fields,
            required_documents: documents,
            reviewers_per_declaration: k,
            min_load,
            max_load,
            score_scale: scale,
            blind: input.blind,
            divergence_hundredths: divergence * 100,
            declaration_closes: &declaration_closes.to_string(),
            check_closes: &check_closes.to_string(),
            review_closes: &review_closes.to_string(),
            publicity_days,
            announce_on: &announce_on.to_string(),
            created_by: caller.user_id(),
            contact_person: contact_person.as_deref(),
            title_name: title_conferred.as_ref().map(|(n, _)| n.as_str()),
            title_level: title_conferred.as_ref().map(|(_, l)| *l),
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
                "rubric": rubric, "k": k, "min_load": min_load, "max_load": max_load,
                "title_conferred": title_conferred }),
            ),
    )
    .await?;
    Ok(CampaignId(id))
}

/// Every campaign (calls are public), the decision withheld as in [`detail`].
pub async fn list(tx: &mut Tx, caller: Option<&Caller<'_>>, today: Date) -> Result<Vec<Campaign>> {
    let mut all = store::list(tx).await?;
    for c in &mut all {
        if !results_public(c, today)? && !caller.is_some_and(|cl| may_manage(cl, c)) {
            c.decided_at = None;
            c.decision_note = None;
        }
    }
    Ok(all)
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
    /// The decided list is public (see [`results_public`]).
    pub results_public: bool,
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

/// Is the decided list public on `today`? From the first day of publicity, not from the day
/// staff schedule it, and never while the panel is still at work.
pub fn results_public(c: &Campaign, today: Date) -> Result<bool> {
    Ok(match c.stage {
        Stage::Announced => true,
        Stage::Publicity => c
            .publicity_start
            .as_deref()
            .and_then(Date::parse)
            .is_some_and(|start| today >= start),
        _ => false,
    })
}

/// The campaign as `caller` may see it on `today`. Anyone but the campaign's staff gets the
/// tiers, the decision and its note only once the list is public: a declaring unit does not
/// learn its result from the declarations list while the panel is deliberating.
pub async fn detail(
    tx: &mut Tx,
    caller: Option<&Caller<'_>>,
    id: CampaignId,
    today: Date,
) -> Result<CampaignDetail> {
    let mut c = load(tx, id).await?;
    let stage = c.stage;
    let manage = caller.is_some_and(|cl| may_manage(cl, &c));
    let public = results_public(&c, today)?;
    if !manage && !public {
        c.decided_at = None;
        c.decision_note = None;
    }
    let units = store::units(tx, id.0).await?;
    let all = store::declarations(tx, id.0).await?;
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
        Some(u) => store::panel(tx, id.0)
            .await?
            .iter()
            .any(|e| e.user_id == u.0),
        None => false,
    };
    let declarations = all
        .into_iter()
        .filter(|d| {
            manage
                || (public && d.tier.is_some())
                || caller.is_some_and(|cl| {
                    cl.permits(
                        Action::DeclareToCampaign,
                        &OrgPath::from_stored(d.unit_path.clone()),
                    )
                })
        })
        .map(|mut d| {
            if !manage && !public {
                d.tier = None;
            }
            d
        })
        .collect::<Vec<_>>();
    let accepted = store::declarations(tx, id.0)
        .await?
        .iter()
        .filter(|d| d.status == DeclarationStatus::Accepted)
        .count();
    let tiers = quota_counts(&store::tiers(tx, id.0).await?, accepted)
        .into_iter()
        .map(|(t, n, text)| (t, text, n))
        .collect();
    Ok(CampaignDetail {
        criteria: store::criteria(tx, id.0).await?,
        publicity_end: publicity_end(&c).map(|d| d.to_string()),
        campaign: c,
        stage,
        units: uses,
        tiers,
        declarations,
        manage,
        may_declare,
        on_panel,
        results_public: public,
    })
}

/// Moves the campaign to the next stage: declaration → formal check → review. Review needs
/// every declaration checked. Publicity and the announcement have their own use cases.
pub async fn advance(tx: &mut Tx, caller: &Caller<'_>, id: CampaignId) -> Result<Stage> {
    let c = load(tx, id).await?;
    require_manage(caller, &c)?;
    let stage = c.stage;
    let next = match stage {
        Stage::Declaration => Stage::FormalCheck,
        Stage::FormalCheck => {
            let decls = store::declarations(tx, id.0).await?;
            if decls
                .iter()
                .any(|d| d.status == DeclarationStatus::Submitted)
            {
                return Err(AppError::conflict("declarations_unchecked"));
            }
            if !decls
                .iter()
                .any(|d| d.status == DeclarationStatus::Accepted)
            {
                return Err(AppError::conflict("no_accepted_declarations"));
            }
            Stage::Review
        }
        _ => return Err(AppError::conflict("campaign_wrong_stage")),
    };
    store::set_stage(tx, id.0, next, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("campaign.advance", "campaign", id.0)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .before(&stage)
            .after(&next),
    )
    .await?;
    Ok(next)
}
