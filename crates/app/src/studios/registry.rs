//! Registering a studio, editing its particulars, changing its status (suspending, reactivating,
//! revoking), and reading studios: a studio's page with what the caller may do on it, the public
//! registry, the studios a caller may apply for, and the counts by level, year and field.

use super::{
    commit, event, insider, load, may_manage, refresh_level, require_manage, today, user_by_name,
};
use crate::audit::Change;
use crate::{Caller, Result};
use ingot_domain::org::{OrgKind, Organisation};
use ingot_domain::policy::Action;
use ingot_domain::studio::StudioEvent;
use ingot_domain::studio::{
    self as rules, EntryKind, FocusField, Level, MemberRole, NamingStatus, OutputKind,
    OutputTotals, PatentStage, PatentType, SpendCategory, StudioKind, StudioStatus,
};
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, Validator, choice, date, problem};
use ingot_domain::{AppError, FieldError, OrgId, OrgPath, OrgScope, StudioId, Timestamp};
use ingot_store::studios::{
    self as store, Application, Assessment, Event, Funding, FundingEntry, Honour, Member, Naming,
    NewStudio, Output, Photo, Studio,
};
use ingot_store::{Page, Total, Tx, orgs};

/// Registering a studio, as the form and the API send it (`POST /studios`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = StudioBody)]
pub struct StudioInput {
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<OrgId>,
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
    /// Members besides the lead, by username (from the studio's enterprise), joining on the day
    /// it was founded.
    pub members: Vec<String>,
}

/// Changing a studio's particulars (not its unit or lead), as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = UpdateStudioBody)]
pub struct StudioChange {
    pub kind: String,
    pub name: String,
    pub founded_on: String,
    pub address: String,
    pub description: String,
    pub fields: Vec<String>,
    /// The version read; a change made meanwhile is refused with `studio_changed`.
    pub version: Option<i64>,
}

impl From<StudioChange> for StudioInput {
    /// The particulars a change carries, on the registration form the page shows again.
    fn from(c: StudioChange) -> Self {
        StudioInput {
            kind: c.kind,
            name: c.name,
            founded_on: c.founded_on,
            address: c.address,
            description: c.description,
            fields: c.fields,
            ..Default::default()
        }
    }
}

/// The particulars both commands carry.
struct Particulars<'a> {
    kind: &'a str,
    name: &'a str,
    founded_on: &'a str,
    address: &'a str,
    description: &'a str,
    fields: &'a [String],
}

impl StudioInput {
    fn particulars(&self) -> Particulars<'_> {
        Particulars {
            kind: &self.kind,
            name: &self.name,
            founded_on: &self.founded_on,
            address: &self.address,
            description: &self.description,
            fields: &self.fields,
        }
    }
}

impl StudioChange {
    fn particulars(&self) -> Particulars<'_> {
        Particulars {
            kind: &self.kind,
            name: &self.name,
            founded_on: &self.founded_on,
            address: &self.address,
            description: &self.description,
            fields: &self.fields,
        }
    }
}

/// Registers a studio of an enterprise (or a unit inside one); its lead becomes its first member.
struct Details {
    name: String,
    address: String,
    description: String,
    kind: Checked<StudioKind>,
    founded: Checked<Date>,
    fields: Vec<String>,
}

/// The studio's own particulars, as typed; every problem is added to `v`.
fn check_details(v: &mut Validator, caller: &Caller<'_>, input: &Particulars<'_>) -> Details {
    let name = v.required_text("name", input.name, rules::NAME_MAX);
    let address = v.required_text("address", input.address, rules::SHORT_MAX);
    let description = v
        .optional_text("description", Some(input.description), rules::TEXT_MAX)
        .unwrap_or_default();
    let kind = choice::<StudioKind>("kind", input.kind);
    let founded = date("founded_on", input.founded_on).and_then(|d| {
        if d > today(caller) {
            problem(FieldError::new("founded_on", "date_in_future"))
        } else {
            Ok(d)
        }
    });
    let mut fields = Vec::new();
    for raw in input.fields {
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
    } = check_details(&mut v, caller, &input.particulars());
    let unit = studio_unit(tx, input.unit_id).await?;
    let lead = if input.lead.trim().is_empty() {
        problem(FieldError::new("lead", "required"))
    } else {
        match user_by_name(tx, &input.lead).await? {
            Some(u) if u.active => Ok(u),
            _ => {
                problem(FieldError::new("lead", "unknown_user").with("username", input.lead.trim()))
            }
        }
    };
    let members = match (&unit, &lead) {
        (Ok(unit), Ok(lead)) => founding_members(tx, unit, lead, &input.members).await?,
        _ => Ok(Vec::new()),
    };
    let (unit, lead, kind, founded, members) =
        v.finish_with((unit, lead, kind, founded, members))?;
    caller.require(Action::ManageStudio, &unit.path)?;
    let now = Timestamp::now();
    let id = store::insert(
        tx,
        &NewStudio {
            unit_id: unit.id,
            lead_id: lead.id,
            kind,
            name: &name,
            founded_on: founded,
            address: &address,
            description: &description,
        },
        now,
    )
    .await?;
    store::set_fields(tx, id, &fields).await?;
    store::add_member(tx, id, lead.id, MemberRole::Lead, founded, Timestamp::now()).await?;
    event(
        tx,
        caller,
        id,
        founded,
        StudioEvent::Founded {
            lead: lead.display_name.clone(),
        },
        true,
    )
    .await?;
    for member in &members {
        store::add_member(
            tx,
            id,
            member.id,
            MemberRole::Member,
            founded,
            Timestamp::now(),
        )
        .await?;
        let name = member.display_name.clone();
        event(
            tx,
            caller,
            id,
            founded,
            StudioEvent::MemberJoined { name },
            true,
        )
        .await?;
    }
    let member_names: Vec<&str> = members.iter().map(|m| m.username.as_str()).collect();
    commit(
        tx,
        caller,
        id,
        Change::new("studio.create", "studio", id.0)
            .label(&name)
            .org(unit.id)
            .after(&serde_json::json!({ "kind": kind, "lead": lead.username, "fields": fields, "founded_on": founded.to_string(), "members": member_names })),
    )
    .await?;
    Ok(id)
}

/// The people named as a new studio's members, each once: active, from the studio's enterprise
/// (as `add_member` requires) and not its lead; or every problem with them.
async fn founding_members(
    tx: &mut Tx,
    unit: &ingot_domain::org::Organisation,
    lead: &ingot_domain::user::User,
    usernames: &[String],
) -> Result<Checked<Vec<ingot_domain::user::User>>> {
    let home = crate::proposals::enterprise_of(tx, &unit.path)
        .await?
        .map_or_else(|| unit.path.clone(), |e| e.path);
    let mut found: Vec<ingot_domain::user::User> = Vec::new();
    let mut problems = Vec::new();
    // A form's box holds one name a line; a spreadsheet's cell separates them by commas.
    let names = usernames
        .iter()
        .flat_map(|cell| ingot_domain::validate::list_items(cell));
    for name in names {
        let user = match user_by_name(tx, name).await? {
            Some(u) if u.active => u,
            _ => {
                problems.push(FieldError::new("members", "unknown_user").with("username", name));
                continue;
            }
        };
        if user.id == lead.id || found.iter().any(|m| m.id == user.id) {
            problems.push(
                FieldError::new("members", "already_member").with("username", &user.username),
            );
            continue;
        }
        let within = super::works_within(tx, user.id, &home).await?;
        if !within {
            problems.push(
                FieldError::new("members", "member_outside_unit").with("username", &user.username),
            );
            continue;
        }
        found.push(user);
    }
    Ok(if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    })
}

/// The unit `id` names if a studio may belong to it (a live enterprise, or a branch or
/// department of one), or the problem of `unit_id`.
pub(super) async fn studio_unit(tx: &mut Tx, id: Option<OrgId>) -> Result<Checked<Organisation>> {
    Ok(match id {
        None => problem(FieldError::new("unit_id", "required")),
        Some(id) => match orgs::get(tx, id).await? {
            Some(u)
                if !u.is_archived()
                    && matches!(
                        u.kind,
                        OrgKind::Enterprise | OrgKind::Branch | OrgKind::Department
                    ) =>
            {
                Ok(u)
            }
            Some(_) => problem(FieldError::new("unit_id", "studio_unit_not_enterprise")),
            None => problem(FieldError::new("unit_id", "unknown_org")),
        },
    })
}

/// Changes the studio's particulars (not its unit or lead), if it is still at `version`.
pub async fn update(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &StudioChange,
) -> Result<()> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    if s.status == StudioStatus::Revoked {
        return Err(AppError::conflict("studio_revoked"));
    }
    if input.version.is_some_and(|ver| ver != s.version) {
        return Err(AppError::conflict("studio_changed"));
    }
    let mut v = Validator::new();
    let d = check_details(&mut v, caller, &input.particulars());
    let (kind, founded) = v.finish_with((d.kind, d.founded))?;
    let before = serde_json::json!({ "name": s.name, "kind": s.kind, "address": s.address,
        "founded_on": s.founded_on, "fields": store::fields(tx, id).await? });
    let mut changed = s.clone();
    changed.name = d.name;
    changed.kind = kind;
    changed.address = d.address;
    changed.description = d.description;
    changed.founded_on = founded;
    store::update(tx, &changed, Timestamp::now()).await?;
    store::set_fields(tx, id, &d.fields).await?;
    commit(
        tx,
        caller,
        id,
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

/// Suspending, reactivating or revoking a studio, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = StatusBody)]
pub struct StatusInput {
    /// `active`, `suspended` or `revoked` (final; every title is lost).
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
    let status = choice::<StudioStatus>("status", &input.status);
    let reason = v.required_text("reason", &input.reason, rules::TEXT_MAX);
    let on = date("on_date", &input.on_date);
    let (status, on) = v.finish_with((status, on))?;
    if s.status == StudioStatus::Revoked {
        return Err(AppError::conflict("studio_revoked"));
    }
    if s.status == status {
        return Err(AppError::field("status", "status_unchanged"));
    }
    store::set_status(tx, id, status, Timestamp::now()).await?;
    if status == StudioStatus::Revoked {
        for n in namings.iter().filter(|n| n.status == NamingStatus::Active) {
            store::lose_naming(tx, n.id, on, "revoked").await?;
        }
        refresh_level(tx, id).await?;
    }
    let step = match status {
        StudioStatus::Revoked => StudioEvent::Revoked {
            reason: reason.clone(),
        },
        StudioStatus::Suspended => StudioEvent::Suspended {
            reason: reason.clone(),
        },
        StudioStatus::Active => StudioEvent::Reactivated {
            reason: reason.clone(),
        },
    };
    event(tx, caller, id, on, step, true).await?;
    commit(
        tx,
        caller,
        id,
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
    /// The manual rows of the ledger: what the records do not hold.
    pub outputs: Vec<Output>,
    /// The members' records the totals count, for those who may read the unit's records (for
    /// others empty: the totals still count them).
    pub record_outputs: super::RecordOutputs,
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
        match o.kind {
            OutputKind::Proposal => t.proposals += o.count,
            OutputKind::Achievement => t.achievements += o.count,
            OutputKind::Transformation => t.transformations += o.count,
            OutputKind::Patent => {
                match o.patent_stage {
                    Some(PatentStage::Granted) => t.patents_granted += o.count,
                    _ => t.patents_applied += o.count,
                }
                match o.patent_type {
                    Some(PatentType::Invention) => t.invention_patents += o.count,
                    Some(PatentType::UtilityModel) => t.utility_model_patents += o.count,
                    Some(PatentType::Design) => t.design_patents += o.count,
                    None => {}
                }
            }
            OutputKind::SkillMethod => t.skill_methods += o.count,
            OutputKind::PeopleTrained => t.people_trained += o.count,
            OutputKind::EconomicBenefit => t.benefit_cents += o.amount_cents.unwrap_or(0),
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
    utc_offset_ms: i64,
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
    let (outputs, mut record_outputs, totals) =
        super::studio_outputs(tx, id, utc_offset_ms).await?;
    // The figures are public; which records stand behind them only for readers of the unit's.
    if !caller.is_some_and(|c| c.permits(Action::ViewInnovationRecords, &studio.unit_path)) {
        record_outputs = super::RecordOutputs::default();
    }
    let mut funding = Vec::new();
    let entries = store::entries_of_studio(tx, id).await?;
    for f in store::funding_of(tx, id).await? {
        let naming = namings.iter().find(|n| n.id == f.naming_id);
        let spent_by_category = SpendCategory::ALL
            .iter()
            .map(|c| {
                let sum = entries
                    .iter()
                    .filter(|e| e.funding_id == f.id && e.kind == EntryKind::Spending)
                    .filter(|e| e.category == Some(*c))
                    .map(|e| e.amount_cents)
                    .sum();
                (c.as_str().to_string(), sum)
            })
            .filter(|(_, sum)| *sum > 0)
            .collect();
        funding.push(FundingDetail {
            spent_by_category,
            level: naming.map(|n| n.level.to_string()).unwrap_or_default(),
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
        totals,
        outputs,
        record_outputs,
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
pub async fn list(tx: &mut Tx, filter: &store::Filter, page: Page) -> Result<(Vec<Studio>, Total)> {
    store::list(tx, filter, page).await
}

/// Studios the caller may apply for: those they lead, or of units whose union they run.
pub async fn manageable(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Studio>> {
    let Some(actor) = caller.actor() else {
        return Ok(Vec::new());
    };
    let scope = caller
        .scope(Action::ManageStudio)
        .unwrap_or_else(OrgScope::nothing);
    store::led_or_within(tx, actor.user_id, &scope, 500).await
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
