//! Innovation studios: registering a studio with its members, honours, outputs and photos;
//! naming calls, applications with a snapshot of the studio, on-site reviews, decisions with a
//! published notice and special funding; periodic assessment; revocation. Each use case checks
//! the policy, writes, adds the studio's timeline step and the audit row in one transaction.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::org::{OrgKind, Organisation};
use ingot_domain::policy::Action;
use ingot_domain::proposal::parse_fixed2;
use ingot_domain::studio::{
    self as rules, ApplicationStatus, AssessmentResult, ChecklistItem, FocusField, Level,
    NamingStatus, OutputKind, OutputTotals, PatentStage, PatentType, SpendCategory, Standard,
    StudioKind, StudioStatus,
};
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
use ingot_domain::{
    AppError, ApplicationId, CallId, FieldError, OrgId, OrgPath, OrgScope, ProposalId, StudioId,
    Timestamp, UserId,
};
use ingot_store::studios::{
    self as store, Application, Assessment, Call, Event, Funding, FundingEntry, Honour, Member,
    Naming, NewCall, NewEntry, NewOutput, NewPhoto, NewReview, NewStudio, Output, Photo,
    SiteReview, Studio,
};
use ingot_store::{Page, Tx, orgs, users};

fn today(caller: &Caller<'_>) -> Date {
    Date::of(Timestamp::now(), caller.origin.utc_offset_ms)
}

fn date_field(v: &mut Validator, field: &str, raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        v.add(FieldError::new(field, "required"));
        return None;
    }
    let parsed = Date::parse(raw);
    if parsed.is_none() {
        v.add(FieldError::new(field, "invalid_date"));
    }
    parsed
}

/// Yuan as typed ("12.5", "300000") into fen; empty is `None`.
fn money_field(v: &mut Validator, field: &str, raw: &str) -> Option<i64> {
    let raw = raw.trim().replace([',', '，'], "");
    if raw.is_empty() {
        return None;
    }
    match parse_fixed2(&raw) {
        Some(c) if c >= 0 => Some(c),
        _ => {
            v.add(FieldError::new(field, "invalid_amount"));
            None
        }
    }
}

fn studio_not_found() -> AppError {
    store::not_found()
}

async fn load(tx: &mut Tx, id: StudioId) -> Result<Studio> {
    store::get(tx, id).await?.ok_or_else(studio_not_found)
}

async fn user_by_name(tx: &mut Tx, username: &str) -> Result<Option<ingot_domain::user::User>> {
    users::get_by_username(tx, &username.trim().to_lowercase()).await
}

/// The unit admin (or a federation above), or the studio's own lead.
pub fn may_manage(caller: &Caller<'_>, s: &Studio) -> bool {
    caller.permits(Action::ManageStudio, &s.unit_path) || caller.user_id() == Some(s.lead_id)
}

fn require_manage(caller: &Caller<'_>, s: &Studio) -> Result<()> {
    if may_manage(caller, s) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

async fn event(
    tx: &mut Tx,
    caller: &Caller<'_>,
    studio: StudioId,
    on: Date,
    kind: &str,
    detail: serde_json::Value,
    public: bool,
) -> Result<()> {
    store::add_event(
        tx,
        studio,
        on.number(),
        kind,
        caller.user_id(),
        &detail.to_string(),
        public,
        Timestamp::now(),
    )
    .await
}

/// Recomputes the studio's level and year of naming from its standing namings.
async fn refresh_level(tx: &mut Tx, id: StudioId) -> Result<Option<Level>> {
    let namings = store::namings(tx, id).await?;
    let standing: Vec<&Naming> = namings.iter().filter(|n| n.status == "active").collect();
    let level = rules::current_level(
        &standing
            .iter()
            .filter_map(|n| Level::parse(&n.level))
            .collect::<Vec<_>>(),
    );
    let year = standing.iter().map(|n| n.named_on / 10000).max();
    store::set_level(tx, id, level, year, Timestamp::now()).await?;
    Ok(level)
}

fn standing_levels(namings: &[Naming]) -> Vec<Level> {
    namings
        .iter()
        .filter(|n| n.status == NamingStatus::Active.as_str())
        .filter_map(|n| Level::parse(&n.level))
        .collect()
}

// --- The registry -------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StudioInput {
    pub unit_id: Option<OrgId>,
    /// The lead's username.
    pub lead: String,
    pub kind: String,
    pub name: String,
    pub founded_on: String,
    pub address: String,
    pub description: String,
    pub fields: Vec<String>,
}

/// Registers a studio of an enterprise (or a unit inside one); its lead becomes its first member.
struct Details {
    name: String,
    address: String,
    description: String,
    kind: Option<StudioKind>,
    founded: Option<Date>,
    fields: Vec<String>,
}

/// The studio's own particulars, as typed; every problem is added to `v`.
fn check_details(v: &mut Validator, caller: &Caller<'_>, input: &StudioInput) -> Details {
    let name = v.required_text("name", &input.name, rules::NAME_MAX);
    let address = v.required_text("address", &input.address, rules::SHORT_MAX);
    let description = v
        .optional_text("description", Some(&input.description), rules::TEXT_MAX)
        .unwrap_or_default();
    let kind = StudioKind::parse(&input.kind);
    if kind.is_none() {
        v.add(FieldError::new("kind", "unknown_option").with("allowed", StudioKind::codes()));
    }
    let founded = date_field(v, "founded_on", &input.founded_on);
    if founded.is_some_and(|d| d > today(caller)) {
        v.add(FieldError::new("founded_on", "date_in_future"));
    }
    let mut fields = Vec::new();
    for raw in &input.fields {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        match FocusField::parse(raw) {
            Some(f) if !fields.contains(&f.as_str().to_string()) => {
                fields.push(f.as_str().to_string())
            }
            Some(_) => {}
            None => v.add(
                FieldError::new("fields", "unknown_option").with("allowed", FocusField::codes()),
            ),
        }
    }
    if fields.is_empty() {
        v.add(FieldError::new("fields", "required"));
    }
    Details {
        name,
        address,
        description,
        kind,
        founded,
        fields,
    }
}

pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &StudioInput) -> Result<StudioId> {
    let mut v = Validator::new();
    let Details {
        name,
        address,
        description,
        kind,
        founded,
        fields,
    } = check_details(&mut v, caller, input);
    let unit = match input.unit_id {
        None => {
            v.add(FieldError::new("unit_id", "required"));
            None
        }
        Some(id) => match orgs::get(tx, id).await? {
            Some(u)
                if !u.is_archived()
                    && matches!(
                        u.kind,
                        OrgKind::Enterprise | OrgKind::Branch | OrgKind::Department
                    ) =>
            {
                Some(u)
            }
            Some(_) => {
                v.add(FieldError::new("unit_id", "studio_unit_not_enterprise"));
                None
            }
            None => {
                v.add(FieldError::new("unit_id", "unknown_org"));
                None
            }
        },
    };
    let lead = if input.lead.trim().is_empty() {
        v.add(FieldError::new("lead", "required"));
        None
    } else {
        match user_by_name(tx, &input.lead).await? {
            Some(u) if u.active => Some(u),
            _ => {
                v.add(FieldError::new("lead", "unknown_user").with("username", input.lead.trim()));
                None
            }
        }
    };
    v.finish()?;
    let (Some(unit), Some(lead), Some(kind), Some(founded)) = (unit, lead, kind, founded) else {
        return Err(AppError::internal("checked above"));
    };
    caller.require(Action::ManageStudio, &unit.path)?;
    let now = Timestamp::now();
    let id = store::insert(
        tx,
        &NewStudio {
            unit_id: unit.id,
            lead_id: lead.id,
            kind,
            name: &name,
            founded_on: founded.number(),
            address: &address,
            description: &description,
        },
        now,
    )
    .await?;
    store::set_fields(tx, id, &fields).await?;
    store::add_member(tx, id, lead.id, "lead", founded.number()).await?;
    event(
        tx,
        caller,
        id,
        founded,
        "founded",
        serde_json::json!({ "lead": lead.display_name }),
        true,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.create", "studio", id.0)
            .label(&name)
            .org(unit.id)
            .after(&serde_json::json!({ "kind": kind, "lead": lead.username, "fields": fields, "founded_on": founded.to_string() })),
    )
    .await?;
    Ok(id)
}

/// Changes the studio's particulars (not its unit or lead), if it is still at `version`.
pub async fn update(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    version: Option<i64>,
    input: &StudioInput,
) -> Result<()> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    if s.status == StudioStatus::Revoked {
        return Err(AppError::conflict("studio_revoked"));
    }
    if version.is_some_and(|ver| ver != s.version) {
        return Err(AppError::conflict("studio_changed"));
    }
    let mut v = Validator::new();
    let d = check_details(&mut v, caller, input);
    v.finish()?;
    let (Some(kind), Some(founded)) = (d.kind, d.founded) else {
        return Err(AppError::internal("checked above"));
    };
    let before = serde_json::json!({ "name": s.name, "kind": s.kind, "address": s.address,
        "founded_on": s.founded_on, "fields": store::fields(tx, id).await? });
    let mut changed = s.clone();
    changed.name = d.name;
    changed.kind = kind;
    changed.address = d.address;
    changed.description = d.description;
    changed.founded_on = founded.number();
    store::update(tx, &changed, Timestamp::now()).await?;
    store::set_fields(tx, id, &d.fields).await?;
    record(
        tx,
        caller,
        Change::new("studio.update", "studio", id.0)
            .label(&changed.name)
            .org(s.unit_id)
            .before(&before)
            .after(
                &serde_json::json!({ "name": changed.name, "kind": kind, "address": changed.address,
                "founded_on": changed.founded_on, "fields": d.fields }),
            ),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MemberInput {
    pub username: String,
    pub joined_on: String,
}

pub async fn add_member(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &MemberInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let mut v = Validator::new();
    let joined = date_field(&mut v, "joined_on", &input.joined_on);
    let user = match user_by_name(tx, &input.username).await? {
        Some(u) if u.active => Some(u),
        _ => {
            v.add(
                FieldError::new("username", "unknown_user").with("username", input.username.trim()),
            );
            None
        }
    };
    if let Some(u) = &user {
        let current = store::members(tx, id).await?;
        if current
            .iter()
            .any(|m| m.user_id == u.id.0 && m.left_on.is_none())
        {
            v.add(FieldError::new("username", "already_member").with("username", &u.username));
        }
    }
    v.finish()?;
    let (Some(user), Some(joined)) = (user, joined) else {
        return Err(AppError::internal("checked above"));
    };
    let member = store::add_member(tx, id, user.id, "member", joined.number()).await?;
    event(
        tx,
        caller,
        id,
        joined,
        "member_joined",
        serde_json::json!({ "name": user.display_name }),
        true,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.add_member", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(
                &serde_json::json!({ "username": user.username, "joined_on": joined.to_string() }),
            ),
    )
    .await?;
    Ok(member)
}

pub async fn member_leaves(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    member: i64,
    left_on: &str,
) -> Result<()> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let mut v = Validator::new();
    let left = date_field(&mut v, "left_on", left_on);
    v.finish()?;
    let left = left.ok_or_else(|| AppError::internal("checked above"))?;
    let members = store::members(tx, id).await?;
    let m = members
        .iter()
        .find(|m| m.id == member && m.left_on.is_none())
        .ok_or_else(|| AppError::not_found("member"))?;
    if m.role == "lead" {
        return Err(AppError::conflict("lead_cannot_leave"));
    }
    if left.number() < m.joined_on {
        return Err(AppError::field("left_on", "left_before_joined"));
    }
    store::set_member_left(tx, member, left.number()).await?;
    event(
        tx,
        caller,
        id,
        left,
        "member_left",
        serde_json::json!({ "name": m.display_name }),
        true,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.member_left", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "username": m.username, "left_on": left.to_string() })),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct HonourInput {
    /// The person honoured; empty means the studio's lead.
    pub username: String,
    pub title: String,
    /// Who awarded it, as on the certificate.
    pub awarded_by: String,
    pub level: String,
    pub year: String,
}

/// Records an honour of the lead or a member (the unit's union or a federation does this).
pub async fn add_honour(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &HonourInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    caller.require(Action::ManageStudio, &s.unit_path)?;
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::SHORT_MAX);
    let body = v.required_text("awarded_by", &input.awarded_by, rules::SHORT_MAX);
    let level = Level::parse(&input.level);
    if level.is_none() {
        v.add(FieldError::new("level", "unknown_option").with("allowed", Level::codes()));
    }
    // The year may be unknown (an old certificate); empty leaves it out.
    let year = match input.year.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(y) if (1950..=i64::from(today(caller).year)).contains(&y) => Some(y),
            _ => {
                v.add(FieldError::new("year", "invalid_year"));
                None
            }
        },
    };
    let person = if input.username.trim().is_empty() {
        Some(s.lead_id)
    } else {
        let members = store::members(tx, id).await?;
        let wanted = input.username.trim().to_lowercase();
        let found = members
            .iter()
            .find(|m| m.username == wanted)
            .map(|m| UserId(m.user_id));
        if found.is_none() {
            v.add(
                FieldError::new("username", "not_a_member").with("username", input.username.trim()),
            );
        }
        found
    };
    v.finish()?;
    let (Some(person), Some(level)) = (person, level) else {
        return Err(AppError::internal("checked above"));
    };
    let honour =
        store::add_honour(tx, person, &title, &body, level, year, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("studio.add_honour", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "user_id": person, "title": title, "body": body, "level": level, "year": year })),
    )
    .await?;
    Ok(honour)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OutputInput {
    pub kind: String,
    pub title: String,
    pub on_date: String,
    pub count: String,
    /// Yuan, for economic benefit.
    pub amount: String,
    pub patent_type: String,
    pub patent_stage: String,
    /// A proposal this row stands for, by id.
    pub proposal_id: String,
}

pub async fn add_output(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &OutputInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let mut v = Validator::new();
    let kind = OutputKind::parse(&input.kind);
    if kind.is_none() {
        v.add(FieldError::new("kind", "unknown_option").with("allowed", OutputKind::codes()));
    }
    let title = v.required_text("title", &input.title, rules::SHORT_MAX);
    let on = date_field(&mut v, "on_date", &input.on_date);
    let count = match input.count.trim() {
        "" => 1,
        raw => match raw.parse::<i64>() {
            Ok(n) if (0..=1_000_000).contains(&n) => n,
            _ => {
                v.add(FieldError::new("count", "invalid_number"));
                1
            }
        },
    };
    let amount = money_field(&mut v, "amount", &input.amount);
    let (mut patent_type, mut patent_stage) = (None, None);
    if kind == Some(OutputKind::Patent) {
        patent_type = PatentType::parse(&input.patent_type);
        patent_stage = PatentStage::parse(&input.patent_stage);
        if patent_type.is_none() {
            v.add(
                FieldError::new("patent_type", "unknown_option")
                    .with("allowed", PatentType::codes()),
            );
        }
        if patent_stage.is_none() {
            v.add(
                FieldError::new("patent_stage", "unknown_option")
                    .with("allowed", PatentStage::codes()),
            );
        }
    }
    if kind == Some(OutputKind::EconomicBenefit) && amount.is_none() {
        v.add(FieldError::new("amount", "required"));
    }
    let proposal = match input.proposal_id.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(p)
                if ingot_store::proposals::get(tx, ProposalId(p))
                    .await?
                    .is_some() =>
            {
                Some(p)
            }
            _ => {
                v.add(FieldError::new("proposal_id", "unknown_proposal"));
                None
            }
        },
    };
    v.finish()?;
    let (Some(kind), Some(on)) = (kind, on) else {
        return Err(AppError::internal("checked above"));
    };
    let out = store::insert_output(
        tx,
        &NewOutput {
            studio_id: id,
            kind: kind.as_str(),
            title: &title,
            on_date: on.number(),
            count,
            amount_cents: amount,
            patent_type: patent_type.map(PatentType::as_str),
            patent_stage: patent_stage.map(PatentStage::as_str),
            proposal_id: proposal,
            by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.add_output", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "kind": kind, "title": title, "count": count, "amount_cents": amount,
                "patent_type": patent_type, "patent_stage": patent_stage, "proposal_id": proposal })),
    )
    .await?;
    Ok(out)
}

/// A file already checked and put in the file store, to be recorded as a photo.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub sha256: String,
    pub size: i64,
    pub content_type: &'static str,
    pub filename: String,
}

/// Only images may be studio photos.
pub fn check_photo(filename: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    let (name, content_type) = crate::files::check(filename, bytes)?;
    if !content_type.starts_with("image/") {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "photo_not_image").with("name", &name),
        ]));
    }
    Ok((name, content_type))
}

pub const MAX_PHOTOS: usize = 30;

pub async fn add_photo(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    file: &StoredFile,
) -> Result<i64> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    if store::photos(tx, id).await?.len() >= MAX_PHOTOS {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "too_many_photos").with("max", MAX_PHOTOS),
        ]));
    }
    let photo = insert_photo(tx, id, None, file, me).await?;
    record(
        tx,
        caller,
        Change::new("studio.add_photo", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "photo_id": photo, "filename": file.filename, "sha256": file.sha256 })),
    )
    .await?;
    Ok(photo)
}

async fn insert_photo(
    tx: &mut Tx,
    id: StudioId,
    review: Option<i64>,
    file: &StoredFile,
    by: UserId,
) -> Result<i64> {
    store::insert_photo(
        tx,
        &NewPhoto {
            studio_id: id,
            review_id: review,
            sha256: &file.sha256,
            size: file.size,
            content_type: file.content_type,
            filename: &file.filename,
            by,
        },
        Timestamp::now(),
    )
    .await
}

/// Whether the caller sees a studio's internal records: applications, reviews with their
/// photos, steps that are not public.
fn insider(caller: Option<&Caller<'_>>, s: &Studio) -> bool {
    caller.is_some_and(|c| {
        may_manage(c, s)
            || [
                Action::ViewStudios,
                Action::ReviewNaming,
                Action::ManageNamings,
            ]
            .into_iter()
            .any(|a| c.permits(a, &s.unit_path))
    })
}

/// A photo: studio photos are public like the studio's page; those taken during an on-site
/// review only for insiders.
pub async fn photo(tx: &mut Tx, caller: Option<&Caller<'_>>, id: i64) -> Result<Photo> {
    let p = store::get_photo(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("photo"))?;
    if p.review_id.is_some() {
        let s = load(tx, StudioId(p.studio_id)).await?;
        if !insider(caller, &s) {
            return Err(AppError::not_found("photo"));
        }
    }
    Ok(p)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StatusInput {
    pub status: String,
    pub reason: String,
    pub on_date: String,
}

/// Suspends, reactivates or revokes a studio. Revoking is final and takes away every title.
/// The unit's union or any federation that named the studio may do it.
pub async fn set_status(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &StatusInput,
) -> Result<()> {
    let s = load(tx, id).await?;
    let namings = store::namings(tx, id).await?;
    let names_it = namings.iter().any(|n| {
        caller.permits(
            Action::ManageNamings,
            &OrgPath::from_stored(n.org_path.clone()),
        )
    });
    if !names_it && !caller.permits(Action::ManageStudio, &s.unit_path) {
        return Err(AppError::forbidden());
    }
    let mut v = Validator::new();
    let status = StudioStatus::parse(&input.status);
    if status.is_none() {
        v.add(FieldError::new("status", "unknown_option").with("allowed", StudioStatus::codes()));
    }
    let reason = v.required_text("reason", &input.reason, rules::TEXT_MAX);
    let on = date_field(&mut v, "on_date", &input.on_date);
    v.finish()?;
    let (Some(status), Some(on)) = (status, on) else {
        return Err(AppError::internal("checked above"));
    };
    if s.status == StudioStatus::Revoked {
        return Err(AppError::conflict("studio_revoked"));
    }
    if s.status == status {
        return Err(AppError::field("status", "status_unchanged"));
    }
    store::set_status(tx, id, status, Timestamp::now()).await?;
    if status == StudioStatus::Revoked {
        for n in namings.iter().filter(|n| n.status == "active") {
            store::lose_naming(tx, n.id, on.number(), "revoked").await?;
        }
        refresh_level(tx, id).await?;
    }
    let kind = match status {
        StudioStatus::Revoked => "revoked",
        StudioStatus::Suspended => "suspended",
        StudioStatus::Active => "reactivated",
    };
    event(
        tx,
        caller,
        id,
        on,
        kind,
        serde_json::json!({ "reason": reason }),
        true,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.set_status", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .before(&serde_json::json!({ "status": s.status }))
            .after(
                &serde_json::json!({ "status": status, "reason": reason, "on": on.to_string() }),
            ),
    )
    .await?;
    Ok(())
}

// --- Reading ------------------------------------------------------------------------------------

/// What the caller may do on a studio's page.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct StudioAccess {
    pub manage: bool,
    pub honours: bool,
    pub status: bool,
    pub assess: bool,
}

#[derive(Debug, Clone)]
pub struct FundingDetail {
    pub funding: Funding,
    pub level: String,
    pub org_name: String,
    pub entries: Vec<FundingEntry>,
    /// Spending by category, in the order of the categories.
    pub spent_by_category: Vec<(String, i64)>,
}

#[derive(Debug, Clone)]
pub struct StudioDetail {
    pub studio: Studio,
    pub fields: Vec<String>,
    pub lead_honours: Vec<Honour>,
    pub members: Vec<Member>,
    pub namings: Vec<Naming>,
    pub funding: Vec<FundingDetail>,
    pub assessments: Vec<Assessment>,
    pub outputs: Vec<Output>,
    pub totals: OutputTotals,
    pub photos: Vec<Photo>,
    pub events: Vec<Event>,
    /// Applications, for those who manage the studio or name studios over it.
    pub applications: Vec<Application>,
    pub alliances: Vec<store::Alliance>,
    pub access: StudioAccess,
}

pub fn totals(outputs: &[Output]) -> OutputTotals {
    let mut t = OutputTotals::default();
    for o in outputs {
        match OutputKind::parse(&o.kind) {
            Some(OutputKind::Proposal) => t.proposals += o.count,
            Some(OutputKind::Achievement) => t.achievements += o.count,
            Some(OutputKind::Transformation) => t.transformations += o.count,
            Some(OutputKind::Patent) => {
                match o.patent_stage.as_deref() {
                    Some("granted") => t.patents_granted += o.count,
                    _ => t.patents_applied += o.count,
                }
                match o.patent_type.as_deref() {
                    Some("invention") => t.invention_patents += o.count,
                    Some("utility_model") => t.utility_model_patents += o.count,
                    Some("design") => t.design_patents += o.count,
                    _ => {}
                }
            }
            Some(OutputKind::SkillMethod) => t.skill_methods += o.count,
            Some(OutputKind::PeopleTrained) => t.people_trained += o.count,
            Some(OutputKind::EconomicBenefit) => t.benefit_cents += o.amount_cents.unwrap_or(0),
            None => {}
        }
    }
    t
}

/// A studio's page: public to everyone; applications, private steps and the forms only for
/// those who manage it or name studios over it.
pub async fn detail(
    tx: &mut Tx,
    caller: Option<&Caller<'_>>,
    id: StudioId,
) -> Result<StudioDetail> {
    let studio = load(tx, id).await?;
    let namings = store::namings(tx, id).await?;
    let names_it = |c: &Caller<'_>| {
        namings.iter().any(|n| {
            c.permits(
                Action::ManageNamings,
                &OrgPath::from_stored(n.org_path.clone()),
            )
        })
    };
    let access = match caller {
        None => StudioAccess::default(),
        Some(c) => {
            let unit_admin = c.permits(Action::ManageStudio, &studio.unit_path);
            let namer = names_it(c);
            StudioAccess {
                manage: may_manage(c, &studio) && studio.status != StudioStatus::Revoked,
                honours: unit_admin,
                status: (unit_admin || namer) && studio.status != StudioStatus::Revoked,
                assess: namer,
            }
        }
    };
    let insider = insider(caller, &studio);
    let outputs = store::outputs(tx, id).await?;
    let mut funding = Vec::new();
    let entries = store::entries_of_studio(tx, id).await?;
    for f in store::funding_of(tx, id).await? {
        let naming = namings.iter().find(|n| n.id == f.naming_id);
        let spent_by_category = SpendCategory::ALL
            .iter()
            .map(|c| {
                let sum = entries
                    .iter()
                    .filter(|e| e.funding_id == f.id && e.kind == "spending")
                    .filter(|e| e.category.as_deref() == Some(c.as_str()))
                    .map(|e| e.amount_cents)
                    .sum();
                (c.as_str().to_string(), sum)
            })
            .filter(|(_, sum)| *sum > 0)
            .collect();
        funding.push(FundingDetail {
            spent_by_category,
            level: naming.map(|n| n.level.clone()).unwrap_or_default(),
            org_name: naming.map(|n| n.org_name.clone()).unwrap_or_default(),
            entries: entries
                .iter()
                .filter(|e| e.funding_id == f.id)
                .cloned()
                .collect(),
            funding: f,
        });
    }
    Ok(StudioDetail {
        fields: store::fields(tx, id).await?,
        lead_honours: store::honours(tx, studio.lead_id).await?,
        members: store::members(tx, id).await?,
        funding,
        assessments: store::assessments(tx, id).await?,
        totals: totals(&outputs),
        outputs,
        photos: store::photos(tx, id)
            .await?
            .into_iter()
            .filter(|p| insider || p.review_id.is_none())
            .collect(),
        events: store::events(tx, id, insider).await?,
        applications: if insider {
            store::applications_of_studio(tx, id).await?
        } else {
            Vec::new()
        },
        alliances: store::alliances(tx, Some(id)).await?,
        namings,
        studio,
        access,
    })
}

/// The public registry, filtered.
pub async fn list(tx: &mut Tx, filter: &store::Filter, page: Page) -> Result<(Vec<Studio>, i64)> {
    store::list(tx, filter, page).await
}

/// Studios the caller may apply for: those they lead, or of units whose union they run.
pub async fn manageable(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Studio>> {
    let Some(actor) = caller.actor() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let scope = caller
        .scope(Action::ManageStudio)
        .unwrap_or_else(OrgScope::nothing);
    let filter = store::Filter {
        status: Some(StudioStatus::Active),
        ..Default::default()
    };
    let (all, _) = store::list(tx, &filter, Page::new(Some(1), Some(500), 500)).await?;
    for s in all {
        if s.lead_id == actor.user_id || scope.contains(&s.unit_path) {
            out.push(s);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Stats {
    pub by_level: Vec<(Option<String>, i64)>,
    /// Each federation in scope with its studios by level (enterprise, municipal, provincial,
    /// national, not named).
    pub by_federation: Vec<FederationCounts>,
    pub by_year: Vec<(i64, String, i64)>,
    pub by_field: Vec<(String, i64)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FederationCounts {
    pub org_id: i64,
    pub name: String,
    /// Enterprise, municipal, provincial, national, not named.
    pub counts: [i64; 5],
}

fn federation_counts(rows: Vec<(i64, String, Option<String>, i64)>) -> Vec<FederationCounts> {
    let mut out: Vec<FederationCounts> = Vec::new();
    for (id, name, level, n) in rows {
        if out.last().is_none_or(|f| f.org_id != id) {
            out.push(FederationCounts {
                org_id: id,
                name,
                counts: [0; 5],
            });
        }
        let slot = match level.as_deref().and_then(Level::parse) {
            Some(l) => usize::from(l.rank() - 1),
            None => 4,
        };
        if let Some(f) = out.last_mut() {
            f.counts[slot] += n;
        }
    }
    out
}

/// Counts by level, year of naming and field, within what the caller may read.
pub async fn stats(tx: &mut Tx, caller: &Caller<'_>) -> Result<Stats> {
    let scope = caller.scope(Action::ViewStudios);
    Ok(Stats {
        by_level: store::counts_by_level(tx, scope.as_ref()).await?,
        by_federation: federation_counts(store::counts_by_federation(tx, scope.as_ref()).await?),
        by_year: store::namings_by_year(tx, scope.as_ref()).await?,
        by_field: store::counts_by_field(tx, scope.as_ref()).await?,
    })
}

// --- Calls and applications ---------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallInput {
    pub org_id: Option<OrgId>,
    pub title: String,
    pub rules: String,
    pub deadline: String,
    /// A level, "none", or empty for the level's default (municipal or higher).
    pub min_honour: String,
}

pub async fn create_call(tx: &mut Tx, caller: &Caller<'_>, input: &CallInput) -> Result<CallId> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::NAME_MAX);
    let call_rules = v
        .optional_text("rules", Some(&input.rules), rules::TEXT_MAX)
        .unwrap_or_default();
    let deadline = date_field(&mut v, "deadline", &input.deadline);
    let org = match input.org_id {
        None => {
            v.add(FieldError::new("org_id", "required"));
            None
        }
        Some(id) => orgs::get(tx, id).await?,
    };
    let level = org.as_ref().and_then(|o| Level::of_org(o.kind));
    if input.org_id.is_some() && level.is_none() {
        v.add(FieldError::new("org_id", "org_cannot_name"));
    }
    let min_honour = match input.min_honour.trim() {
        "" => level.and_then(Level::default_min_honour),
        "none" => None,
        raw => {
            let l = Level::parse(raw);
            if l.is_none() {
                v.add(
                    FieldError::new("min_honour", "unknown_option").with("allowed", Level::codes()),
                );
            }
            l
        }
    };
    v.finish()?;
    let (Some(org), Some(level), Some(deadline)) = (org, level, deadline) else {
        return Err(AppError::internal("checked above"));
    };
    caller.require(Action::ManageNamings, &org.path)?;
    let id = store::insert_call(
        tx,
        &NewCall {
            org_id: org.id,
            level,
            title: &title,
            rules: &call_rules,
            deadline: deadline.number(),
            min_honour,
            created_by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.create_call", "naming_call", id.0)
            .label(&title)
            .org(org.id)
            .after(&serde_json::json!({ "level": level, "deadline": deadline.to_string(), "min_honour": min_honour })),
    )
    .await?;
    Ok(id)
}

/// Calls are public.
pub async fn calls(tx: &mut Tx) -> Result<Vec<Call>> {
    store::calls(tx, None).await
}

#[derive(Debug, Clone)]
pub struct CallDetail {
    pub call: Call,
    pub org: Organisation,
    /// All applications for the calling federation and its reviewers; one's own otherwise.
    pub applications: Vec<Application>,
    pub manage: bool,
    pub open: bool,
}

fn call_path(call: &Call) -> OrgPath {
    OrgPath::from_stored(call.org_path.clone())
}

pub async fn call_detail(
    tx: &mut Tx,
    caller: Option<&Caller<'_>>,
    id: CallId,
) -> Result<CallDetail> {
    let call = store::get_call(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_call"))?;
    let org = orgs::get(tx, OrgId(call.org_id))
        .await?
        .ok_or_else(|| AppError::not_found("naming_call"))?;
    let path = call_path(&call);
    let (manage, reviews) = match caller {
        Some(c) => (
            c.permits(Action::ManageNamings, &path),
            c.permits(Action::ReviewNaming, &path),
        ),
        None => (false, false),
    };
    let mut applications = store::applications_of_call(tx, id).await?;
    if !(manage || reviews) {
        let mine = match caller {
            Some(c) => manageable(tx, c)
                .await?
                .into_iter()
                .map(|s| s.id.0)
                .collect(),
            None => Vec::new(),
        };
        applications.retain(|a| mine.contains(&a.studio_id));
    }
    // The public sees the deadline in the deployment's default calendar (China Standard Time).
    let day = caller.map_or_else(
        || {
            Date::of(
                Timestamp::now(),
                ingot_domain::time::CHINA_STANDARD_OFFSET_MS,
            )
        },
        today,
    );
    let open = day.number() <= call.deadline;
    Ok(CallDetail {
        call,
        org,
        applications,
        manage,
        open,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplyInput {
    pub studio_id: Option<StudioId>,
    pub statement: String,
}

/// The studio's record as the application carries it.
async fn snapshot(tx: &mut Tx, s: &Studio) -> Result<serde_json::Value> {
    let members = store::members(tx, s.id).await?;
    let current: Vec<&String> = members
        .iter()
        .filter(|m| m.left_on.is_none())
        .map(|m| &m.display_name)
        .collect();
    let outputs = store::outputs(tx, s.id).await?;
    let namings = store::namings(tx, s.id).await?;
    Ok(serde_json::json!({
        "name": s.name,
        "kind": s.kind,
        "unit": s.unit_name,
        "lead": s.lead_name,
        "lead_honours": store::honours(tx, s.lead_id).await?,
        "founded_on": rules::date_of_number(s.founded_on).map(|d| d.to_string()),
        "address": s.address,
        "fields": store::fields(tx, s.id).await?,
        "members": current,
        "member_count": current.len(),
        "namings": namings.iter().map(|n| serde_json::json!({
            "level": n.level, "by": n.org_name, "notice": n.notice_number, "status": n.status,
            "named_on": rules::date_of_number(n.named_on).map(|d| d.to_string()) })).collect::<Vec<_>>(),
        "outputs": totals(&outputs),
    }))
}

pub async fn apply(
    tx: &mut Tx,
    caller: &Caller<'_>,
    call_id: CallId,
    input: &ApplyInput,
) -> Result<ApplicationId> {
    apply_at(tx, caller, call_id, input, today(caller)).await
}

/// Applies as on `on` (the demo loader writes applications on their historical dates).
pub(crate) async fn apply_at(
    tx: &mut Tx,
    caller: &Caller<'_>,
    call_id: CallId,
    input: &ApplyInput,
    on: Date,
) -> Result<ApplicationId> {
    let call = store::get_call(tx, call_id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_call"))?;
    let mut v = Validator::new();
    let statement = v
        .optional_text("statement", Some(&input.statement), rules::TEXT_MAX)
        .unwrap_or_default();
    let Some(studio_id) = input.studio_id else {
        return Err(AppError::field("studio_id", "required"));
    };
    let s = load(tx, studio_id).await?;
    require_manage(caller, &s)?;
    if on.number() > call.deadline {
        return Err(AppError::conflict("call_closed"));
    }
    if !s.unit_path.is_within(&call_path(&call)) {
        v.add(FieldError::new("studio_id", "studio_outside_call"));
    }
    let level = Level::parse(&call.level).ok_or_else(|| AppError::internal("stored call level"))?;
    let min = call.min_honour.as_deref().and_then(Level::parse);
    let honours: Vec<Level> = store::honours(tx, s.lead_id)
        .await?
        .iter()
        .filter_map(|h| Level::parse(&h.level))
        .collect();
    let held = standing_levels(&store::namings(tx, s.id).await?);
    for problem in rules::eligibility(level, min, &honours, &held, s.status) {
        v.add(problem);
    }
    if store::applications_of_studio(tx, s.id)
        .await?
        .iter()
        .any(|a| a.call_id == call.id)
    {
        v.add(FieldError::new("studio_id", "already_applied"));
    }
    v.finish()?;
    let snap = snapshot(tx, &s).await?;
    let id = store::insert_application(
        tx,
        call_id,
        s.id,
        &statement,
        &snap.to_string(),
        caller.user_id(),
        Timestamp::now(),
    )
    .await?;
    event(
        tx,
        caller,
        s.id,
        on,
        "applied",
        serde_json::json!({ "level": level, "org": call.org_name, "application": id }),
        false,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.apply", "naming_application", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "call_id": call.id, "level": level })),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct ApplicationDetail {
    pub application: Application,
    pub call: Call,
    pub studio: Studio,
    pub snapshot: serde_json::Value,
    pub review: Option<SiteReview>,
    pub review_photos: Vec<Photo>,
    pub naming: Option<Naming>,
    pub may_review: bool,
    pub may_decide: bool,
    pub checklist: Vec<ChecklistItem>,
}

pub async fn application_detail(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ApplicationId,
) -> Result<ApplicationDetail> {
    let application = store::get_application(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_application"))?;
    let call = store::get_call(tx, CallId(application.call_id))
        .await?
        .ok_or_else(|| AppError::internal("application without call"))?;
    let studio = load(tx, StudioId(application.studio_id)).await?;
    let path = call_path(&call);
    let decide = caller.permits(Action::ManageNamings, &path);
    let review = caller.permits(Action::ReviewNaming, &path);
    if !(decide || review || may_manage(caller, &studio)) {
        return Err(AppError::not_found("naming_application"));
    }
    let site = store::review_of(tx, id).await?;
    let review_photos = match &site {
        Some(r) => store::photos(tx, studio.id)
            .await?
            .into_iter()
            .filter(|p| p.review_id == Some(r.id))
            .collect(),
        None => Vec::new(),
    };
    let naming = store::namings(tx, studio.id)
        .await?
        .into_iter()
        .find(|n| n.application_id == Some(id.0));
    let status = ApplicationStatus::parse(&application.status);
    Ok(ApplicationDetail {
        snapshot: serde_json::from_str(&application.snapshot).unwrap_or_default(),
        may_review: review && status == Some(ApplicationStatus::Submitted),
        may_decide: decide
            && matches!(
                status,
                Some(ApplicationStatus::Submitted | ApplicationStatus::Reviewed)
            ),
        application,
        call,
        studio,
        review: site,
        review_photos,
        naming,
        checklist: ChecklistItem::ALL.to_vec(),
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReviewInput {
    pub visited_on: String,
    /// The checklist items found satisfied.
    pub checklist: Vec<String>,
    pub score: String,
    pub comments: String,
    /// The reviewer's name as typed, which must be theirs.
    pub signature: String,
    pub confirm: bool,
    pub version: Option<i64>,
}

/// Records the on-site review. A member (or the lead) of the studio may not review it.
pub async fn review(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ApplicationId,
    input: &ReviewInput,
    photos: &[StoredFile],
) -> Result<i64> {
    let actor = caller.actor().ok_or_else(AppError::forbidden)?;
    let a = store::get_application(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_application"))?;
    let call = store::get_call(tx, CallId(a.call_id))
        .await?
        .ok_or_else(|| AppError::internal("application without call"))?;
    caller.require(Action::ReviewNaming, &call_path(&call))?;
    let s = load(tx, StudioId(a.studio_id)).await?;
    let members: Vec<UserId> = store::members(tx, s.id)
        .await?
        .iter()
        .map(|m| UserId(m.user_id))
        .collect();
    if rules::has_conflict(actor.user_id, s.lead_id, &members) {
        return Err(AppError::field("reviewer", "reviewer_is_member"));
    }
    if input.version.is_some_and(|ver| ver != a.version) {
        return Err(AppError::conflict("application_changed"));
    }
    if a.status != ApplicationStatus::Submitted.as_str() {
        return Err(AppError::conflict("application_not_awaiting_review"));
    }
    let mut v = Validator::new();
    let visited = date_field(&mut v, "visited_on", &input.visited_on);
    if visited.is_some_and(|d| d > today(caller)) {
        v.add(FieldError::new("visited_on", "date_in_future"));
    }
    let mut checklist = Vec::new();
    for item in &input.checklist {
        match ChecklistItem::parse(item) {
            Some(i) if !checklist.contains(&i) => checklist.push(i),
            Some(_) => {}
            None => v.add(
                FieldError::new("checklist", "unknown_option")
                    .with("allowed", ChecklistItem::codes()),
            ),
        }
    }
    let score = match input.score.trim().parse::<i64>() {
        Ok(n) if (0..=100).contains(&n) => Some(n),
        _ => {
            v.add(FieldError::new("score", "score_invalid"));
            None
        }
    };
    let comments = v.required_text("comments", &input.comments, rules::TEXT_MAX);
    let signature = v.required_text("signature", &input.signature, rules::SIGNATURE_MAX);
    if !signature.is_empty() && signature != actor.display_name.trim() {
        v.add(FieldError::new("signature", "signature_mismatch").with("name", &actor.display_name));
    }
    if !input.confirm {
        v.add(FieldError::new("confirm", "confirm_required"));
    }
    v.finish()?;
    let (Some(visited), Some(score)) = (visited, score) else {
        return Err(AppError::internal("checked above"));
    };
    let codes: Vec<&str> = checklist.iter().map(|c| c.as_str()).collect();
    let review = store::insert_review(
        tx,
        &NewReview {
            application_id: id,
            reviewer_id: actor.user_id,
            visited_on: visited.number(),
            checklist: &serde_json::to_string(&codes).map_err(AppError::internal)?,
            score,
            comments: &comments,
            signature: &signature,
        },
        Timestamp::now(),
    )
    .await?;
    for p in photos {
        insert_photo(tx, s.id, Some(review), p, actor.user_id).await?;
    }
    store::set_application_status(
        tx,
        id,
        a.version,
        ApplicationStatus::Reviewed.as_str(),
        None,
        None,
    )
    .await?;
    event(
        tx,
        caller,
        s.id,
        visited,
        "site_reviewed",
        serde_json::json!({ "level": call.level, "org": call.org_name, "score": score }),
        true,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.site_review", "naming_application", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "visited_on": visited.to_string(), "checklist": codes, "score": score,
                "signature": signature, "photos": photos.len() })),
    )
    .await?;
    Ok(review)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// "approve" or "reject".
    pub outcome: String,
    pub notice_number: String,
    pub notice_date: String,
    pub notice_title: String,
    /// Special funding granted with the naming, in yuan; empty or 0 for none.
    pub funding: String,
    pub decision_note: String,
    pub version: Option<i64>,
}

struct NoticeInput {
    number: String,
    date: Date,
    title: String,
}

fn check_notice(
    v: &mut Validator,
    input: &DecisionInput,
    default_title: String,
) -> Option<NoticeInput> {
    let number = v.required_text("notice_number", &input.notice_number, 100);
    let date = date_field(v, "notice_date", &input.notice_date);
    let title = v
        .optional_text("notice_title", Some(&input.notice_title), rules::NAME_MAX)
        .unwrap_or(default_title);
    Some(NoticeInput {
        number,
        date: date?,
        title,
    })
}

/// Publishes a notice and a naming, keeps the studio's level, grants funding.
#[allow(clippy::too_many_arguments)]
async fn name_studio(
    tx: &mut Tx,
    caller: &Caller<'_>,
    s: &Studio,
    org: OrgId,
    org_name: &str,
    level: Level,
    application: Option<ApplicationId>,
    notice: &NoticeInput,
    funding_cents: Option<i64>,
) -> Result<i64> {
    if store::notice_number_taken(tx, org, &notice.number).await? {
        return Err(AppError::Validation(vec![
            FieldError::new("notice_number", "notice_number_taken").with("number", &notice.number),
        ]));
    }
    let now = Timestamp::now();
    let notice_id = store::insert_notice(
        tx,
        org,
        &notice.number,
        notice.date.number(),
        &notice.title,
        now,
    )
    .await?;
    let naming = store::insert_naming(
        tx,
        s.id,
        level,
        org,
        application,
        notice_id,
        notice.date.number(),
    )
    .await?;
    refresh_level(tx, s.id).await?;
    event(
        tx,
        caller,
        s.id,
        notice.date,
        "named",
        serde_json::json!({ "level": level, "org": org_name, "notice": notice.number }),
        true,
    )
    .await?;
    if let Some(cents) = funding_cents.filter(|c| *c > 0) {
        store::insert_funding(tx, s.id, naming, org, cents, now).await?;
        event(
            tx,
            caller,
            s.id,
            notice.date,
            "funding_granted",
            serde_json::json!({ "level": level, "org": org_name, "cents": cents }),
            true,
        )
        .await?;
    }
    Ok(naming)
}

/// Approves (naming the studio, publishing the notice, granting funding) or rejects.
pub async fn decide(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ApplicationId,
    input: &DecisionInput,
) -> Result<()> {
    let a = store::get_application(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_application"))?;
    let call = store::get_call(tx, CallId(a.call_id))
        .await?
        .ok_or_else(|| AppError::internal("application without call"))?;
    caller.require(Action::ManageNamings, &call_path(&call))?;
    if input.version.is_some_and(|ver| ver != a.version) {
        return Err(AppError::conflict("application_changed"));
    }
    let s = load(tx, StudioId(a.studio_id)).await?;
    let level = Level::parse(&call.level).ok_or_else(|| AppError::internal("stored call level"))?;
    let status = ApplicationStatus::parse(&a.status);
    let mut v = Validator::new();
    let note = v.optional_text("decision_note", Some(&input.decision_note), rules::TEXT_MAX);
    match input.outcome.trim() {
        "approve" => {
            if status != Some(ApplicationStatus::Reviewed) {
                return Err(AppError::conflict("site_review_required"));
            }
            let notice = check_notice(&mut v, input, format!("{} {}", call.title, s.name));
            let funding = money_field(&mut v, "funding", &input.funding);
            // Eligibility is checked again: a title may have been lost since the application.
            let honours: Vec<Level> = store::honours(tx, s.lead_id)
                .await?
                .iter()
                .filter_map(|h| Level::parse(&h.level))
                .collect();
            let held = standing_levels(&store::namings(tx, s.id).await?);
            let min = call.min_honour.as_deref().and_then(Level::parse);
            for problem in rules::eligibility(level, min, &honours, &held, s.status) {
                v.add(problem);
            }
            v.finish()?;
            let notice = notice.ok_or_else(|| AppError::internal("checked above"))?;
            name_studio(
                tx,
                caller,
                &s,
                OrgId(call.org_id),
                &call.org_name,
                level,
                Some(id),
                &notice,
                funding,
            )
            .await?;
            store::set_application_status(
                tx,
                id,
                a.version,
                "approved",
                Some(Timestamp::now()),
                note.as_deref(),
            )
            .await?;
            record(
                tx,
                caller,
                Change::new("studio.approve", "naming_application", id.0)
                    .label(&s.name)
                    .org(s.unit_id)
                    .after(
                        &serde_json::json!({ "level": level, "notice_number": notice.number,
                        "notice_date": notice.date.to_string(), "funding_cents": funding }),
                    ),
            )
            .await?;
        }
        "reject" => {
            if note.is_none() {
                v.add(FieldError::new("decision_note", "required"));
            }
            v.finish()?;
            if !matches!(
                status,
                Some(ApplicationStatus::Submitted | ApplicationStatus::Reviewed)
            ) {
                return Err(AppError::conflict("application_decided"));
            }
            store::set_application_status(
                tx,
                id,
                a.version,
                "rejected",
                Some(Timestamp::now()),
                note.as_deref(),
            )
            .await?;
            event(
                tx,
                caller,
                s.id,
                today(caller),
                "rejected",
                serde_json::json!({ "level": level, "org": call.org_name }),
                false,
            )
            .await?;
            record(
                tx,
                caller,
                Change::new("studio.reject", "naming_application", id.0)
                    .label(&s.name)
                    .org(s.unit_id)
                    .after(&serde_json::json!({ "note": note })),
            )
            .await?;
        }
        _ => {
            return Err(AppError::Validation(vec![
                FieldError::new("outcome", "unknown_option").with("allowed", "approve, reject"),
            ]));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RecordNamingInput {
    pub org_id: Option<OrgId>,
    pub notice_number: String,
    pub notice_date: String,
    pub notice_title: String,
    pub funding: String,
}

/// Records a naming published before the studio was in Ingot (from the notice), keeping the
/// same order rule as an application.
pub async fn record_naming(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &RecordNamingInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    let mut v = Validator::new();
    let org = match input.org_id {
        Some(o) => orgs::get(tx, o).await?,
        None => None,
    };
    let level = org.as_ref().and_then(|o| Level::of_org(o.kind));
    if level.is_none() {
        v.add(FieldError::new("org_id", "org_cannot_name"));
    }
    let d = DecisionInput {
        notice_number: input.notice_number.clone(),
        notice_date: input.notice_date.clone(),
        notice_title: input.notice_title.clone(),
        ..Default::default()
    };
    let notice = check_notice(&mut v, &d, s.name.clone());
    let funding = money_field(&mut v, "funding", &input.funding);
    v.finish()?;
    let (Some(org), Some(level), Some(notice)) = (org, level, notice) else {
        return Err(AppError::internal("checked above"));
    };
    caller.require(Action::ManageNamings, &org.path)?;
    if !s.unit_path.is_within(&org.path) {
        return Err(AppError::field("org_id", "studio_outside_call"));
    }
    let held = standing_levels(&store::namings(tx, s.id).await?);
    let problems = rules::eligibility(level, None, &[], &held, s.status);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let naming = name_studio(
        tx, caller, &s, org.id, &org.name, level, None, &notice, funding,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.record_naming", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "level": level, "org": org.code, "notice_number": notice.number,
                "notice_date": notice.date.to_string(), "funding_cents": funding })),
    )
    .await?;
    Ok(naming)
}

// --- Funding ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryInput {
    /// "payment" (the federation pays out) or "spending" (the studio spends).
    pub kind: String,
    pub category: String,
    /// Yuan.
    pub amount: String,
    pub on_date: String,
    pub entry_note: String,
}

/// Records a payment of granted funding or spending from it; neither may exceed the grant.
pub async fn funding_entry(
    tx: &mut Tx,
    caller: &Caller<'_>,
    funding_id: i64,
    input: &EntryInput,
) -> Result<i64> {
    let f = store::get_funding(tx, funding_id)
        .await?
        .ok_or_else(|| AppError::not_found("funding"))?;
    let s = load(tx, StudioId(f.studio_id)).await?;
    let org = orgs::get(tx, OrgId(f.org_id))
        .await?
        .ok_or_else(|| AppError::not_found("funding"))?;
    let granter = caller.permits(Action::ManageNamings, &org.path);
    let mut v = Validator::new();
    let kind = match input.kind.trim() {
        "payment" => {
            if !granter {
                return Err(AppError::forbidden());
            }
            "payment"
        }
        "spending" => {
            if !(granter || may_manage(caller, &s)) {
                return Err(AppError::forbidden());
            }
            "spending"
        }
        _ => {
            return Err(AppError::Validation(vec![
                FieldError::new("kind", "unknown_option").with("allowed", "payment, spending"),
            ]));
        }
    };
    let category = if kind == "spending" {
        let c = SpendCategory::parse(&input.category);
        if c.is_none() {
            v.add(
                FieldError::new("category", "unknown_option")
                    .with("allowed", SpendCategory::codes()),
            );
        }
        c
    } else {
        None
    };
    let amount = money_field(&mut v, "amount", &input.amount);
    if input.amount.trim().is_empty() {
        v.add(FieldError::new("amount", "required"));
    } else if amount == Some(0) {
        v.add(FieldError::new("amount", "invalid_amount"));
    }
    let on = date_field(&mut v, "on_date", &input.on_date);
    let note = v
        .optional_text("entry_note", Some(&input.entry_note), rules::SHORT_MAX)
        .unwrap_or_default();
    v.finish()?;
    let (Some(amount), Some(on)) = (amount, on) else {
        return Err(AppError::internal("checked above"));
    };
    let used = if kind == "payment" {
        f.paid_cents
    } else {
        f.spent_cents
    };
    if used + amount > f.granted_cents {
        let e = if kind == "payment" {
            FieldError::new("amount", "payment_exceeds_grant")
        } else {
            FieldError::new("amount", "spending_exceeds_grant")
        };
        return Err(AppError::Validation(vec![
            e.with(
                "granted",
                ingot_domain::proposal::format_money(f.granted_cents),
            )
            .with(
                "remaining",
                ingot_domain::proposal::format_money(f.granted_cents - used),
            ),
        ]));
    }
    let entry = store::insert_entry(
        tx,
        &NewEntry {
            funding_id,
            kind,
            category: category.map(SpendCategory::as_str),
            amount_cents: amount,
            on_date: on.number(),
            note: &note,
            by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.funding_entry", "studio", s.id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(
                &serde_json::json!({ "funding_id": funding_id, "kind": kind, "category": category,
                "amount_cents": amount, "on": on.to_string(), "note": note }),
            ),
    )
    .await?;
    Ok(entry)
}

// --- Assessment ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AssessInput {
    /// The naming assessed; empty: the highest standing naming the caller's federation gave.
    pub naming_id: Option<i64>,
    pub period: String,
    pub assessed_on: String,
    /// Each criterion's score, 0-100.
    pub scores: Vec<(String, String)>,
    pub assessment_note: String,
}

/// A criterion of the assessment form: its code, weight and the score the ledger suggests.
pub type ScoreRow = (String, i64, Option<i64>);

/// The naming a caller would assess, its standard and suggested scores from the ledger.
pub async fn assessment_form(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
) -> Result<Option<(Naming, Standard, Vec<ScoreRow>)>> {
    let namings = store::namings(tx, id).await?;
    let Some(naming) = assessable(caller, &namings, None) else {
        return Ok(None);
    };
    let standard = store::standard(tx, OrgId(naming.org_id)).await?;
    let t = totals(&store::outputs(tx, id).await?);
    let rows = standard
        .criteria
        .iter()
        .map(|c| (c.code.clone(), c.weight, t.suggested_score(&c.code)))
        .collect();
    Ok(Some((naming, standard, rows)))
}

fn assessable(caller: &Caller<'_>, namings: &[Naming], wanted: Option<i64>) -> Option<Naming> {
    namings
        .iter()
        .filter(|n| n.status == "active")
        .filter(|n| wanted.is_none_or(|w| w == n.id))
        .filter(|n| {
            caller.permits(
                Action::ManageNamings,
                &OrgPath::from_stored(n.org_path.clone()),
            )
        })
        .max_by_key(|n| Level::parse(&n.level).map(Level::rank))
        .cloned()
}

/// Assesses a named studio for a period. A fail takes the title away.
pub async fn assess(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &AssessInput,
) -> Result<(i64, AssessmentResult)> {
    let s = load(tx, id).await?;
    let namings = store::namings(tx, id).await?;
    let Some(naming) = assessable(caller, &namings, input.naming_id) else {
        if namings.iter().any(|n| {
            caller.permits(
                Action::ManageNamings,
                &OrgPath::from_stored(n.org_path.clone()),
            )
        }) {
            return Err(AppError::conflict("no_standing_naming"));
        }
        return Err(AppError::forbidden());
    };
    let standard = store::standard(tx, OrgId(naming.org_id)).await?;
    let mut v = Validator::new();
    let period = v.required_text("period", &input.period, 20);
    let on = date_field(&mut v, "assessed_on", &input.assessed_on);
    let note = v
        .optional_text(
            "assessment_note",
            Some(&input.assessment_note),
            rules::TEXT_MAX,
        )
        .unwrap_or_default();
    let mut scores = Vec::new();
    for c in &standard.criteria {
        let raw = input
            .scores
            .iter()
            .find(|(code, _)| *code == c.code)
            .map(|(_, s)| s.trim())
            .unwrap_or("");
        match raw.parse::<i64>() {
            Ok(n) if (0..=100).contains(&n) => scores.push((c.code.clone(), n)),
            _ => v.add(FieldError::new(
                format!("score_{}", c.code),
                "score_invalid",
            )),
        }
    }
    if !period.is_empty() && store::assessment_exists(tx, naming.id, &period).await? {
        v.add(FieldError::new("period", "already_assessed").with("period", &period));
    }
    v.finish()?;
    let on = on.ok_or_else(|| AppError::internal("checked above"))?;
    let (total, result) = standard.assess(&scores)?;
    let scores_json = serde_json::json!({ "standard": standard, "scores": scores });
    store::insert_assessment(
        tx,
        &store::NewAssessment {
            studio_id: id,
            naming_id: naming.id,
            org_id: OrgId(naming.org_id),
            period: &period,
            assessed_on: on.number(),
            scores: &scores_json.to_string(),
            total,
            result: result.as_str(),
            note: &note,
            by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    event(
        tx,
        caller,
        id,
        on,
        "assessed",
        serde_json::json!({ "level": naming.level, "org": naming.org_name, "period": period, "total": total, "result": result }),
        true,
    )
    .await?;
    if result == AssessmentResult::Fail {
        store::lose_naming(tx, naming.id, on.number(), "assessment_failed").await?;
        refresh_level(tx, id).await?;
        event(
            tx,
            caller,
            id,
            on,
            "title_lost",
            serde_json::json!({ "level": naming.level, "org": naming.org_name, "notice": naming.notice_number }),
            true,
        )
        .await?;
    }
    record(
        tx,
        caller,
        Change::new("studio.assess", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "naming_id": naming.id, "period": period, "scores": scores, "total": total, "result": result })),
    )
    .await?;
    Ok((total, result))
}

/// Sets a federation's assessment standard.
pub async fn set_standard(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    standard: &Standard,
) -> Result<()> {
    let o = orgs::get(tx, org)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    caller.require(Action::ManageNamings, &o.path)?;
    standard.validate()?;
    let before = store::standard(tx, org).await?;
    store::set_standard(tx, org, standard, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("studio.set_standard", "org", org.0)
            .label(&o.name)
            .org(org)
            .before(&before)
            .after(standard),
    )
    .await?;
    Ok(())
}

pub async fn standard_of(tx: &mut Tx, org: OrgId) -> Result<Standard> {
    store::standard(tx, org).await
}

// --- Alliances ----------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AllianceInput {
    /// "alliance" or "pairing" (mentoring: the lead studio mentors the other).
    pub kind: String,
    pub name: String,
    pub lead_studio_id: Option<StudioId>,
    pub studio_ids: Vec<StudioId>,
    pub founded_on: String,
    pub description: String,
}

/// Forms an alliance (or a mentoring pair) of studios under the caller's federation: every
/// studio must lie within the subtree of an organisation where the caller runs namings.
pub async fn create_alliance(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    input: &AllianceInput,
) -> Result<i64> {
    let o = orgs::get(tx, org)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    caller.require(Action::ManageNamings, &o.path)?;
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, rules::NAME_MAX);
    let description = v
        .optional_text("description", Some(&input.description), rules::TEXT_MAX)
        .unwrap_or_default();
    let kind = match input.kind.trim() {
        k @ ("alliance" | "pairing") => k,
        _ => {
            v.add(FieldError::new("kind", "unknown_option").with("allowed", "alliance, pairing"));
            "alliance"
        }
    };
    let founded = date_field(&mut v, "founded_on", &input.founded_on);
    let mut ids: Vec<StudioId> = Vec::new();
    if let Some(l) = input.lead_studio_id {
        ids.push(l);
    } else {
        v.add(FieldError::new("lead_studio_id", "required"));
    }
    for s in &input.studio_ids {
        if !ids.contains(s) {
            ids.push(*s);
        }
    }
    if ids.len() < 2 {
        v.add(FieldError::new("studio_ids", "alliance_too_small"));
    }
    if kind == "pairing" && ids.len() != 2 {
        v.add(FieldError::new("studio_ids", "pairing_needs_two"));
    }
    let mut studios = Vec::new();
    for id in &ids {
        match store::get(tx, *id).await? {
            Some(s) if s.unit_path.is_within(&o.path) => studios.push(s),
            _ => v.add(FieldError::new("studio_ids", "studio_outside_call").with("id", id)),
        }
    }
    v.finish()?;
    let founded = founded.ok_or_else(|| AppError::internal("checked above"))?;
    let lead = ids[0];
    let id = store::insert_alliance(
        tx,
        org,
        kind,
        &name,
        lead,
        founded.number(),
        &description,
        Timestamp::now(),
    )
    .await?;
    for s in &studios {
        store::add_alliance_member(tx, id, s.id, founded.number()).await?;
        event(
            tx,
            caller,
            s.id,
            founded,
            "joined_alliance",
            serde_json::json!({ "alliance": name, "kind": kind }),
            true,
        )
        .await?;
    }
    record(
        tx,
        caller,
        Change::new("studio.create_alliance", "alliance", id)
            .label(&name)
            .org(org)
            .after(&serde_json::json!({ "kind": kind, "lead": lead, "studios": ids })),
    )
    .await?;
    Ok(id)
}

pub async fn alliance(tx: &mut Tx, id: i64) -> Result<(store::Alliance, Vec<(i64, String, i64)>)> {
    let a = store::get_alliance(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("alliance"))?;
    let members = store::alliance_members(tx, id).await?;
    Ok((a, members))
}

pub async fn alliances(tx: &mut Tx) -> Result<Vec<store::Alliance>> {
    store::alliances(tx, None).await
}
