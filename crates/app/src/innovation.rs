//! Innovation records: achievements (team, benefit, links), patents (with their import), skills
//! and methods, talent titles. Each change is one transaction with its audit and change-log rows;
//! every read is limited to what the caller's grants reach.

pub mod import;

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::benefit::{self, ClaimFields, Verification};
use ingot_domain::innovation::{
    self as rules, AchievementKind, ApplicationNumber, ClaimedLevel, Completer, HonourLevel,
    PatentKind, PatentStatus, SkillKind, YearFigures,
};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, OrgScope, ProposalId, Timestamp, UserId};
use ingot_store::innovation::{
    self as store, Achievement, AchievementItem, AchievementRef, AchievementText, NewPatent,
    NewSkill, NewTitle, Patent, PersonRef, ProposalRef, RecordFilter, Skill, Title,
};
use ingot_store::{Page, Tx, changes, orgs, users};

fn not_found() -> AppError {
    AppError::not_found("record")
}

/// The organisation a record belongs to, which must exist and be open.
async fn unit(tx: &mut Tx, id: Option<OrgId>) -> Result<Option<Organisation>> {
    let Some(id) = id else { return Ok(None) };
    Ok(orgs::get(tx, id).await?.filter(|o| !o.is_archived()))
}

/// The audit row and change-log row every change to a record writes.
#[allow(clippy::too_many_arguments)] // each argument is a column of the audit row
async fn log(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    object: &'static str,
    id: i64,
    label: &str,
    org: OrgId,
    after: serde_json::Value,
) -> Result<()> {
    let now = Timestamp::now();
    record(
        tx,
        caller,
        Change::new(action, object, id)
            .label(label)
            .org(org)
            .after(&after),
    )
    .await?;
    changes::record(tx, object, id, "upsert", now).await?;
    Ok(())
}

fn date(v: &mut Validator, field: &str, raw: &str, required: bool) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            v.add(FieldError::new(field, "required"));
        }
        return None;
    }
    let parsed = Date::parse(raw);
    if parsed.is_none() {
        v.add(FieldError::new(field, "invalid_date"));
    }
    parsed
}

fn year(v: &mut Validator, raw: &str, fallback: Option<Date>) -> i64 {
    match raw.trim() {
        "" => match fallback {
            Some(d) => i64::from(d.year),
            None => {
                v.add(FieldError::new("year", "required"));
                0
            }
        },
        raw => match raw.parse::<i64>() {
            Ok(y) if (1949..=2100).contains(&y) => y,
            _ => {
                v.add(FieldError::new("year", "invalid_year"));
                0
            }
        },
    }
}

/// What the caller may read: `None` for the system, else the subtrees its grants reach.
fn readable(caller: &Caller<'_>) -> Option<OrgScope> {
    caller.scope(Action::ViewInnovationRecords)
}

fn may_read(caller: &Caller<'_>, path: &str) -> bool {
    match readable(caller) {
        None => true,
        Some(scope) => scope.contains(&ingot_domain::OrgPath::from_stored(path.to_string())),
    }
}

fn require_manage(caller: &Caller<'_>, unit: &Organisation) -> Result<()> {
    caller.require(Action::ManageInnovationRecords, &unit.path)
}

/// Narrows a filter to what the caller may read.
pub fn scoped(caller: &Caller<'_>, mut filter: RecordFilter) -> RecordFilter {
    filter.scope = readable(caller);
    filter
}

// ---------------------------------------------------------------------------------------------
// Patents

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PatentInput {
    pub unit_id: Option<OrgId>,
    /// invention, utility_model, design; empty: what the number says.
    pub kind: String,
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: String,
    /// applied, granted, rejected, lapsed; empty: granted when a grant date is given.
    pub status: String,
}

/// Checks a patent as typed (the unit's existence is checked by the caller).
pub fn check_patent(input: &PatentInput, unit_id: OrgId) -> Result<NewPatent> {
    let mut v = Validator::new();
    let number = match ApplicationNumber::parse(&input.number) {
        Ok(n) => Some(n),
        Err(code) => {
            // The code (format, type digit or check character) is the domain's.
            let field = "number";
            v.add(FieldError::new(field, code));
            None
        }
    };
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let inventors = v.required_text("inventors", &input.inventors, 500);
    let applied = date(&mut v, "applied_on", &input.applied_on, true);
    let granted = date(&mut v, "granted_on", &input.granted_on, false);
    let kind = match input.kind.trim() {
        "" => number.as_ref().map(ApplicationNumber::kind),
        raw => {
            let kind = PatentKind::parse(raw);
            if kind.is_none() {
                v.add(FieldError::new("kind", "unknown_patent_kind"));
            }
            kind
        }
    };
    if let (Some(k), Some(n)) = (kind, &number)
        && k != n.kind()
    {
        v.add(FieldError::new("kind", "patent_kind_mismatch"));
    }
    let status = match input.status.trim() {
        "" if granted.is_some() => Some(PatentStatus::Granted),
        "" => Some(PatentStatus::Applied),
        raw => {
            let s = PatentStatus::parse(raw);
            if s.is_none() {
                v.add(FieldError::new("status", "unknown_patent_status"));
            }
            s
        }
    };
    if let Some(s) = status {
        for e in rules::check_patent_dates(applied, granted, s) {
            v.add(e);
        }
    }
    v.finish()?;
    let (Some(number), Some(kind), Some(status), Some(applied)) = (number, kind, status, applied)
    else {
        return Err(AppError::internal("checked patent incomplete"));
    };
    Ok(NewPatent {
        unit_id,
        kind,
        number: number.to_string(),
        title,
        inventors,
        applied_on: applied.to_string(),
        granted_on: granted.map(|g| g.to_string()),
        status,
        year: i64::from(granted.unwrap_or(applied).year),
    })
}

pub async fn create_patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    input: &PatentInput,
) -> Result<Patent> {
    let unit = unit(tx, input.unit_id).await?;
    let new = match &unit {
        Some(u) => check_patent(input, u.id),
        None => check_patent(input, OrgId(0)).and(Err(AppError::field("unit_id", "required"))),
    };
    let unit = unit.ok_or_else(|| AppError::field("unit_id", "required"));
    let new = match (new, unit) {
        (Ok(n), Ok(u)) => {
            require_manage(caller, &u)?;
            n
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let id = store::insert_patent(tx, &new, caller.user_id(), Timestamp::now()).await?;
    log(
        tx,
        caller,
        "patent.create",
        "patent",
        id,
        &new.number,
        new.unit_id,
        serde_json::json!({"number": new.number, "title": new.title, "status": new.status}),
    )
    .await?;
    store::get_patent(tx, id).await?.ok_or_else(not_found)
}

pub async fn patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
) -> Result<(Patent, Vec<AchievementRef>)> {
    let p = store::get_patent(tx, id).await?.ok_or_else(not_found)?;
    if !may_read(caller, &p.unit_path) {
        return Err(not_found());
    }
    let linked = store::achievements_of_patent(tx, id).await?;
    Ok((p, linked))
}

pub async fn patents(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<Patent>, i64)> {
    store::list_patents(tx, &scoped(caller, filter), page).await
}

// ---------------------------------------------------------------------------------------------
// Achievements

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AchievementInput {
    pub unit_id: Option<OrgId>,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// process, equipment, material, method, software.
    pub kind: String,
    pub claimed_level: String,
    pub started_on: String,
    pub finished_on: String,
    /// The year it is counted in; empty: the year it was finished.
    pub year: String,
    pub award: String,
    pub in_production_since: String,
    pub production_site: String,
    /// Usernames of the completers, first completer first.
    pub completers: Vec<String>,
    pub patent_ids: Vec<i64>,
    pub proposal_ids: Vec<i64>,
}

pub async fn create_achievement(
    tx: &mut Tx,
    caller: &Caller<'_>,
    input: &AchievementInput,
) -> Result<Achievement> {
    let mut v = Validator::new();
    let unit = unit(tx, input.unit_id).await?;
    if unit.is_none() {
        v.add(FieldError::new("unit_id", "required"));
    }
    if let Some(u) = &unit {
        require_manage(caller, u)?;
    }
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let summary = v.required_text("summary", &input.summary, rules::TEXT_MAX);
    let field = v.required_text("field", &input.field, 100);
    let kind = AchievementKind::parse(&input.kind);
    if kind.is_none() {
        v.add(FieldError::new("kind", "unknown_achievement_kind"));
    }
    let claimed_level = match input.claimed_level.trim() {
        "" => None,
        raw => {
            let l = ClaimedLevel::parse(raw);
            if l.is_none() {
                v.add(FieldError::new("claimed_level", "unknown_claimed_level"));
            }
            l
        }
    };
    let started = date(&mut v, "started_on", &input.started_on, false);
    let finished = date(&mut v, "finished_on", &input.finished_on, false);
    if let (Some(s), Some(f)) = (started, finished)
        && f < s
    {
        v.add(FieldError::new("finished_on", "finished_before_started"));
    }
    let in_production = date(
        &mut v,
        "in_production_since",
        &input.in_production_since,
        false,
    );
    let year = year(&mut v, &input.year, finished);
    let award = v.optional_text("award", Some(&input.award), 100);
    let site = v.optional_text("production_site", Some(&input.production_site), 200);
    // Completers by rank; the first completer must work in the unit or below it.
    let mut completers = Vec::new();
    let names: Vec<&str> = input
        .completers
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    for (i, name) in names.iter().enumerate() {
        let Some(found) = users::get_by_username(tx, name).await? else {
            v.add(FieldError::new(format!("completers[{i}]"), "unknown_person").with("name", name));
            continue;
        };
        match users::get_with_org_path(tx, found.id).await? {
            Some((user, path)) => {
                if i == 0
                    && let Some(u) = &unit
                    && !path.is_within(&u.path)
                {
                    v.add(FieldError::new(
                        "completers[0]",
                        "first_completer_outside_unit",
                    ));
                }
                completers.push(Completer {
                    user_id: user.id,
                    rank: i as i64 + 1,
                });
            }
            None => v.add(FieldError::new(
                format!("completers[{i}]"),
                "unknown_person",
            )),
        }
    }
    if completers.len() == names.len()
        && let Err(e) = rules::validate_completers(&completers)
    {
        for fe in e.field_errors() {
            v.add(fe);
        }
    }
    let mut patents = Vec::new();
    for (i, pid) in input.patent_ids.iter().enumerate() {
        match store::get_patent(tx, *pid).await? {
            Some(p) if may_read(caller, &p.unit_path) => patents.push(p.id),
            _ => v.add(FieldError::new(
                format!("patent_ids[{i}]"),
                "unknown_patent",
            )),
        }
    }
    let mut proposals = Vec::new();
    for (i, pid) in input.proposal_ids.iter().enumerate() {
        match proposal_in_reach(tx, caller, ProposalId(*pid)).await? {
            true => proposals.push(ProposalId(*pid)),
            false => v.add(FieldError::new(
                format!("proposal_ids[{i}]"),
                "unknown_proposal",
            )),
        }
    }
    v.finish()?;
    let (Some(unit), Some(kind)) = (unit, kind) else {
        return Err(AppError::internal("checked achievement incomplete"));
    };
    let text = AchievementText {
        unit_id: unit.id,
        title,
        summary,
        field,
        kind,
        claimed_level,
        started_on: started.map(|d| d.to_string()),
        finished_on: finished.map(|d| d.to_string()),
        year,
        award,
        in_production_since: in_production.map(|d| d.to_string()),
        production_site: site,
    };
    let now = Timestamp::now();
    let id = store::insert_achievement(tx, &text, caller.user_id(), now).await?;
    store::set_completers(tx, id, &completers).await?;
    for p in patents {
        store::link_patent(tx, id, p).await?;
    }
    for p in proposals {
        store::link_proposal(tx, id, p).await?;
    }
    log(
        tx,
        caller,
        "achievement.create",
        "achievement",
        id,
        &text.title,
        unit.id,
        serde_json::json!({"title": text.title, "kind": kind, "year": year,
            "completers": completers.iter().map(|c| c.user_id).collect::<Vec<_>>()}),
    )
    .await?;
    store::get_achievement(tx, id).await?.ok_or_else(not_found)
}

/// A proposal the caller may link: one of a unit its grants reach.
async fn proposal_in_reach(tx: &mut Tx, caller: &Caller<'_>, id: ProposalId) -> Result<bool> {
    let Some(p) = ingot_store::proposals::get(tx, id).await? else {
        return Ok(false);
    };
    let Some(unit) = orgs::get(tx, p.unit_id).await? else {
        return Ok(false);
    };
    Ok(may_read(caller, unit.path.as_str()))
}

/// An achievement with its team and links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AchievementDetail {
    pub achievement: Achievement,
    pub completers: Vec<PersonRef>,
    pub patents: Vec<Patent>,
    pub proposals: Vec<ProposalRef>,
    pub attachments: Vec<store::AchievementAttachment>,
    pub can_manage: bool,
    pub can_verify: bool,
}

async fn load_achievement(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
) -> Result<(Achievement, Organisation)> {
    let a = store::get_achievement(tx, id)
        .await?
        .ok_or_else(not_found)?;
    if !may_read(caller, &a.unit_path) {
        return Err(not_found());
    }
    let unit = orgs::get(tx, a.unit_id).await?.ok_or_else(not_found)?;
    Ok((a, unit))
}

pub async fn achievement(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<AchievementDetail> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    Ok(AchievementDetail {
        completers: store::completers(tx, id).await?,
        patents: store::linked_patents(tx, id).await?,
        proposals: store::linked_proposals(tx, id).await?,
        attachments: store::attachments(tx, id).await?,
        can_manage: caller.permits(Action::ManageInnovationRecords, &unit.path),
        can_verify: caller.permits(Action::VerifyBenefit, &unit.path),
        achievement: a,
    })
}

pub async fn achievements(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<AchievementItem>, i64)> {
    store::list_achievements(tx, &scoped(caller, filter), page).await
}

/// Links a patent (which the caller may read) to an achievement it may manage.
pub async fn link_patent(tx: &mut Tx, caller: &Caller<'_>, id: i64, patent: i64) -> Result<()> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    require_manage(caller, &unit)?;
    let p = store::get_patent(tx, patent).await?;
    let Some(p) = p.filter(|p| may_read(caller, &p.unit_path)) else {
        return Err(AppError::field("patent_id", "unknown_patent"));
    };
    if store::link_patent(tx, id, p.id).await? {
        log(
            tx,
            caller,
            "achievement.link_patent",
            "achievement",
            id,
            &a.title,
            a.unit_id,
            serde_json::json!({"patent": p.number}),
        )
        .await?;
    }
    Ok(())
}

/// Links an improvement proposal the achievement grew out of.
pub async fn link_proposal(tx: &mut Tx, caller: &Caller<'_>, id: i64, proposal: i64) -> Result<()> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    require_manage(caller, &unit)?;
    if !proposal_in_reach(tx, caller, ProposalId(proposal)).await? {
        return Err(AppError::field("proposal_id", "unknown_proposal"));
    }
    if store::link_proposal(tx, id, ProposalId(proposal)).await? {
        log(
            tx,
            caller,
            "achievement.link_proposal",
            "achievement",
            id,
            &a.title,
            a.unit_id,
            serde_json::json!({"proposal": proposal}),
        )
        .await?;
    }
    Ok(())
}

/// Attaches a file already checked by its contents (`crate::files::check`); the caller stores
/// the bytes in the file store before committing.
pub async fn attach(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<store::AchievementAttachment> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    require_manage(caller, &unit)?;
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    if store::attachments(tx, id).await?.len() >= crate::files::MAX_FILES_PER_PROPOSAL {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "too_many_files")
                .with("max", crate::files::MAX_FILES_PER_PROPOSAL),
        ]));
    }
    let sha256 = crate::files::sha256_hex(bytes);
    let now = Timestamp::now();
    let att = store::insert_attachment(
        tx,
        id,
        &sha256,
        bytes.len() as i64,
        content_type,
        filename,
        me,
        now,
    )
    .await?;
    log(
        tx,
        caller,
        "achievement.attach",
        "achievement",
        id,
        &a.title,
        a.unit_id,
        serde_json::json!({"file": filename, "sha256": sha256, "size": bytes.len()}),
    )
    .await?;
    store::get_attachment(tx, att).await?.ok_or_else(not_found)
}

/// An attachment the caller may download: one of an achievement they may read.
pub async fn attachment(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
) -> Result<store::AchievementAttachment> {
    let att = store::get_attachment(tx, id)
        .await?
        .ok_or(AppError::not_found("attachment"))?;
    load_achievement(tx, caller, att.achievement_id)
        .await
        .map_err(|_| AppError::not_found("attachment"))?;
    Ok(att)
}

fn benefit_state(a: &Achievement) -> serde_json::Value {
    serde_json::json!({
        "benefit_claimed_cents": a.benefit_claimed_cents,
        "benefit_verified_cents": a.benefit_verified_cents,
    })
}

/// Claims the economic benefit with its calculation, by the same rules as a proposal's; a claim
/// may be replaced until finance verifies it.
pub async fn claim_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
    fields: &ClaimFields,
    version: Option<i64>,
) -> Result<Achievement> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    let claim = fields.check()?;
    require_manage(caller, &unit)?;
    benefit::ensure_unlocked(a.benefit_verified_at)?;
    if version.is_some_and(|v| v != a.version) {
        return Err(AppError::conflict("record_changed"));
    }
    let before = benefit_state(&a);
    let mut after = a;
    after.benefit = Some(claim.benefit);
    after.benefit_note = claim.note;
    after.benefit_claimed_cents = Some(claim.amount_cents);
    after.benefit_claimed_at = Some(Timestamp::now());
    commit_benefit(tx, caller, "achievement.benefit_claim", before, after).await
}

/// Finance verifies or corrects the claimed figure, which then locks.
pub async fn verify_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
    corrected_amount: &str,
    note: &str,
    version: Option<i64>,
) -> Result<Achievement> {
    let verification = Verification::parse(corrected_amount, note)?;
    let (a, unit) = load_achievement(tx, caller, id).await?;
    caller.require(Action::VerifyBenefit, &unit.path)?;
    benefit::ensure_unlocked(a.benefit_verified_at)?;
    let Some(claimed) = a.benefit_claimed_cents else {
        return Err(AppError::conflict("benefit_not_claimed"));
    };
    if version.is_some_and(|v| v != a.version) {
        return Err(AppError::conflict("record_changed"));
    }
    let before = benefit_state(&a);
    let mut after = a;
    after.benefit_verified_cents = Some(verification.amount(claimed));
    after.benefit_verified_by = caller.user_id();
    after.benefit_verified_at = Some(Timestamp::now());
    after.benefit_verify_note = verification.note;
    commit_benefit(tx, caller, "achievement.benefit_verify", before, after).await
}

async fn commit_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    before: serde_json::Value,
    mut after: Achievement,
) -> Result<Achievement> {
    let now = Timestamp::now();
    after.version = store::save_benefit(tx, &after, now).await?;
    record(
        tx,
        caller,
        Change::new(action, "achievement", after.id)
            .label(&after.title)
            .org(after.unit_id)
            .before(&before)
            .after(&benefit_state(&after)),
    )
    .await?;
    changes::record(tx, "achievement", after.id, "upsert", now).await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------------
// Skills and methods

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SkillInput {
    pub unit_id: Option<OrgId>,
    /// unique_skill or operation_method.
    pub kind: String,
    pub name: String,
    /// The creator's username, when they have an account; else `creator_name` alone.
    pub creator: String,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    /// How many were trained in it; at least the number of trainees named.
    pub trained_count: String,
    pub trainees: Vec<String>,
    pub year: String,
}

pub async fn create_skill(tx: &mut Tx, caller: &Caller<'_>, input: &SkillInput) -> Result<Skill> {
    let mut v = Validator::new();
    let unit = unit(tx, input.unit_id).await?;
    match &unit {
        Some(u) => require_manage(caller, u)?,
        None => v.add(FieldError::new("unit_id", "required")),
    }
    let kind = SkillKind::parse(&input.kind);
    if kind.is_none() {
        v.add(FieldError::new("kind", "unknown_skill_kind"));
    }
    let name = v.required_text("name", &input.name, rules::TITLE_MAX);
    let description = v.required_text("description", &input.description, rules::TEXT_MAX);
    let used_where = v.required_text("used_where", &input.used_where, 500);
    let mut creator_id = None;
    let mut creator_name = input.creator_name.trim().to_string();
    if !input.creator.trim().is_empty() {
        match users::get_by_username(tx, input.creator.trim()).await? {
            Some(u) => {
                creator_id = Some(u.id);
                if creator_name.is_empty() {
                    creator_name = u.display_name;
                }
            }
            None => v.add(
                FieldError::new("creator", "unknown_person").with("name", input.creator.trim()),
            ),
        }
    }
    let creator_name = v.required_text("creator_name", &creator_name, 100);
    let mut trainees: Vec<UserId> = Vec::new();
    for (i, t) in input
        .trainees
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .enumerate()
    {
        match users::get_by_username(tx, t).await? {
            Some(u) if !trainees.contains(&u.id) => trainees.push(u.id),
            Some(_) => v.add(FieldError::new(format!("trainees[{i}]"), "person_twice")),
            None => {
                v.add(FieldError::new(format!("trainees[{i}]"), "unknown_person").with("name", t))
            }
        }
    }
    let trained_count = match input.trained_count.trim() {
        "" => trainees.len() as i64,
        raw => match raw.parse::<i64>() {
            Ok(n) if (0..1_000_000).contains(&n) => n,
            _ => {
                v.add(FieldError::new("trained_count", "not_a_whole_number"));
                0
            }
        },
    };
    if trained_count < trainees.len() as i64 {
        v.add(FieldError::new("trained_count", "fewer_than_named").with("named", trainees.len()));
    }
    let year = year(&mut v, &input.year, None);
    v.finish()?;
    let (Some(unit), Some(kind)) = (unit, kind) else {
        return Err(AppError::internal("checked skill incomplete"));
    };
    let new = NewSkill {
        unit_id: unit.id,
        kind,
        name,
        creator_id,
        creator_name,
        description,
        used_where,
        trained_count,
        year,
    };
    let id = store::insert_skill(tx, &new, &trainees, caller.user_id(), Timestamp::now()).await?;
    log(tx, caller, "skill.create", "skill", id, &new.name, unit.id,
        serde_json::json!({"name": new.name, "creator": new.creator_name, "trained": trained_count})).await?;
    store::get_skill(tx, id).await?.ok_or_else(not_found)
}

pub async fn skill(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<(Skill, Vec<PersonRef>)> {
    let s = store::get_skill(tx, id).await?.ok_or_else(not_found)?;
    if !may_read(caller, &s.unit_path) {
        return Err(not_found());
    }
    let trainees = store::trainees(tx, id).await?;
    Ok((s, trainees))
}

pub async fn skills(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<Skill>, i64)> {
    store::list_skills(tx, &scoped(caller, filter), page).await
}

// ---------------------------------------------------------------------------------------------
// Titles and honours

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TitleInput {
    /// The holder's username.
    pub holder: String,
    pub name: String,
    /// The granting body.
    pub granted_by: Option<OrgId>,
    pub year: String,
    /// enterprise, municipal, provincial, national.
    pub level: String,
}

pub async fn create_title(tx: &mut Tx, caller: &Caller<'_>, input: &TitleInput) -> Result<Title> {
    let mut v = Validator::new();
    let holder = match input.holder.trim() {
        "" => {
            v.add(FieldError::new("holder", "required"));
            None
        }
        name => match users::get_by_username(tx, name).await? {
            Some(u) => Some(u),
            None => {
                v.add(FieldError::new("holder", "unknown_person").with("name", name));
                None
            }
        },
    };
    let name = v.required_text("name", &input.name, rules::TITLE_MAX);
    let body = unit(tx, input.granted_by).await?;
    if body.is_none() {
        v.add(FieldError::new("granted_by", "required"));
    }
    let level = HonourLevel::parse(&input.level);
    if level.is_none() {
        v.add(FieldError::new("level", "unknown_honour_level"));
    }
    let year = year(&mut v, &input.year, None);
    let holder_org = match &holder {
        Some(h) => orgs::get(tx, h.org_id).await?,
        None => None,
    };
    // Titles are recorded by whoever administers the holder's unit.
    if let Some(o) = &holder_org {
        require_manage(caller, o)?;
    }
    v.finish()?;
    let (Some(holder), Some(org), Some(body), Some(level)) = (holder, holder_org, body, level)
    else {
        return Err(AppError::internal("checked title incomplete"));
    };
    let new = NewTitle {
        user_id: holder.id,
        unit_id: org.id,
        name,
        granted_by: body.id,
        year,
        level,
    };
    let id = store::insert_title(tx, &new, caller.user_id(), Timestamp::now()).await?;
    log(tx, caller, "title.create", "title", id, &new.name, org.id,
        serde_json::json!({"holder": holder.username, "name": new.name, "year": year, "level": level})).await?;
    store::get_title(tx, id).await?.ok_or_else(not_found)
}

pub async fn titles(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<Title>, i64)> {
    store::list_titles(tx, &scoped(caller, filter), page).await
}

/// For eligibility rules elsewhere (studio namings, campaigns): does this person hold a title or
/// honour of `at_least` level or higher (e.g. a municipal-or-higher honour)?
pub async fn holds_honour_at_least(
    tx: &mut Tx,
    user: UserId,
    at_least: HonourLevel,
) -> Result<bool> {
    Ok(rules::holds_level(
        &store::honour_levels(tx, user).await?,
        at_least,
    ))
}

/// The same question asked through the API: only about a person the caller may see.
pub async fn holds_honour_visible(
    tx: &mut Tx,
    caller: &Caller<'_>,
    user: UserId,
    at_least: HonourLevel,
) -> Result<bool> {
    let (_, path) = users::get_with_org_path(tx, user)
        .await?
        .ok_or(AppError::not_found("user"))?;
    if !may_read(caller, path.as_str()) {
        return Err(AppError::not_found("user"));
    }
    holds_honour_at_least(tx, user, at_least).await
}

// ---------------------------------------------------------------------------------------------
// Record pages and figures

/// Everything a person or a unit holds, as far as the caller may see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Holdings {
    pub achievements: Vec<AchievementItem>,
    pub patents: Vec<Patent>,
    pub skills: Vec<Skill>,
    pub titles: Vec<Title>,
}

pub async fn holdings(tx: &mut Tx, caller: &Caller<'_>, filter: RecordFilter) -> Result<Holdings> {
    let all = Page::new(Some(1), Some(500), 500);
    let f = scoped(caller, filter);
    let patents = if f.person.is_some() {
        Vec::new()
    } else {
        store::list_patents(tx, &f, all).await?.0
    };
    Ok(Holdings {
        achievements: store::list_achievements(tx, &f, all).await?.0,
        patents,
        skills: store::list_skills(tx, &f, all).await?.0,
        titles: store::list_titles(tx, &f, all).await?.0,
    })
}

/// The year's summary figures of a unit's subtree (a city's, for its annual summary).
pub async fn year_figures(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit_id: OrgId,
    year: i64,
    title: Option<&str>,
) -> Result<YearFigures> {
    let unit = orgs::get(tx, unit_id).await?.ok_or_else(not_found)?;
    if !may_read(caller, unit.path.as_str()) {
        return Err(not_found());
    }
    store::year_figures(tx, &OrgScope::of([unit.path]), year, title).await
}
