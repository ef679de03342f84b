//! Patents: checking one as typed (the application number's format and check digit, dates, the
//! unit), recording it, and reading one or a page of them within the caller's reach.

use super::{date, log, not_found, require_manage, require_readable, scoped, unit};
use crate::{Caller, Result};
use ingot_domain::innovation::{self as rules, ApplicationNumber, PatentKind, PatentStatus};
use ingot_domain::validate::{self, Checked, Validator, problem};
use ingot_domain::{FieldError, OrgId, PatentId, Timestamp};
use ingot_store::innovation::{self as store, AchievementRef, NewPatent, Patent, RecordFilter};
use ingot_store::{Page, Tx};

/// Recording a patent, as the form and the API send it (`POST /patents`); the import builds one
/// per row.
// Serialize: a change's schema shows its default particulars.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PatentBody)]
pub struct PatentInput {
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<OrgId>,
    /// invention, utility_model, design; empty: what the number says.
    pub kind: String,
    /// `CN202110123456.X`, `ZL202110123456.X`, `202110123456X`, or the pre-2003 `ZL97123456.6`.
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
    check_patent_of(Validator::new(), input, Ok(unit_id))
}

/// Every problem of a patent as typed, with those of its unit and those `v` already holds.
fn check_patent_of(
    mut v: Validator,
    input: &PatentInput,
    unit: Checked<OrgId>,
) -> Result<NewPatent> {
    // The code (format, type digit or check character) is the domain's.
    let number = ApplicationNumber::parse(&input.number)
        .map_err(|code| vec![FieldError::new("number", code)]);
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let inventors = v.required_text("inventors", &input.inventors, 500);
    let applied = validate::date("applied_on", &input.applied_on);
    let granted = date(&mut v, "granted_on", &input.granted_on, false);
    let kind = match (input.kind.trim(), &number) {
        ("", Ok(n)) => Ok(n.kind()),
        // Nothing to take the kind from: the number's own problem says why.
        ("", Err(_)) => Err(Vec::new()),
        (raw, _) => match PatentKind::parse(raw) {
            None => problem(FieldError::new("kind", "unknown_patent_kind")),
            Some(k) if number.as_ref().is_ok_and(|n| n.kind() != k) => {
                problem(FieldError::new("kind", "patent_kind_mismatch"))
            }
            Some(k) => Ok(k),
        },
    };
    let status = match input.status.trim() {
        "" if granted.is_some() => Ok(PatentStatus::Granted),
        "" => Ok(PatentStatus::Applied),
        raw => PatentStatus::parse(raw)
            .ok_or_else(|| vec![FieldError::new("status", "unknown_patent_status")]),
    };
    if let Ok(s) = status {
        for e in rules::check_patent_dates(applied.as_ref().ok().copied(), granted, s) {
            v.add(e);
        }
    }
    let (unit_id, number, kind, status, applied) =
        v.finish_with((unit, number, kind, status, applied))?;
    Ok(NewPatent {
        unit_id,
        kind,
        number: number.to_string(),
        title,
        inventors,
        applied_on: applied,
        granted_on: granted,
        status,
        year: i64::from(granted.unwrap_or(applied).year),
    })
}

pub async fn create_patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    input: &PatentInput,
) -> Result<Patent> {
    let unit = unit(tx, "unit_id", input.unit_id).await?;
    if let Ok(u) = &unit {
        require_manage(caller, u)?;
    }
    let new = check_patent_of(Validator::new(), input, unit.map(|u| u.id))?;
    let id = store::insert_patent(tx, &new, caller.user_id(), Timestamp::now()).await?;
    log_patent(tx, caller, "patent.create", id, &new).await?;
    store::get_patent(tx, id).await?.ok_or_else(not_found)
}

/// The audit and change-log rows of a patent just recorded (`patent.create`, `patent.import`).
pub(super) async fn log_patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    id: i64,
    p: &NewPatent,
) -> Result<()> {
    let after = serde_json::json!({"number": p.number, "title": p.title, "status": p.status});
    log(
        tx, caller, action, "patent", id, &p.number, p.unit_id, after,
    )
    .await
}

/// Changing a patent (granted at last, a number mistyped, an inventor missing), as the form and
/// the API send it: every particular again, the version read and, optionally, why.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = PatentChangeBody)]
pub struct PatentChange {
    /// The version read (`version` of the patent); a change made meanwhile is refused with
    /// `record_changed`.
    pub version: Option<i64>,
    /// Why it changes, kept in the patent's history.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub patent: PatentInput,
}

fn particulars(p: &NewPatent) -> serde_json::Value {
    serde_json::json!({"unit_id": p.unit_id, "kind": p.kind, "number": p.number,
        "title": p.title, "inventors": p.inventors, "applied_on": p.applied_on,
        "granted_on": p.granted_on, "status": p.status})
}

/// Changes a patent still at the version read, checked as when it was recorded, by someone who
/// manages its unit (and the new one, if it moves); what it counts for is recounted and the
/// audit row keeps before, after and the reason, which its page shows as its history.
pub async fn update_patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: PatentId,
    change: &PatentChange,
) -> Result<Patent> {
    let was = store::get_patent(tx, id.0).await?.ok_or_else(not_found)?;
    require_readable(tx, caller, ("patent", id.0), &was.unit_path).await?;
    if !may_change_patent(caller, &was) {
        return Err(ingot_domain::AppError::forbidden());
    }
    let version = change.version.unwrap_or(was.version);
    if version != was.version {
        return Err(ingot_domain::AppError::conflict("record_changed"));
    }
    let mut v = Validator::new();
    let reason = v.optional_text("reason", change.reason.as_deref(), rules::TEXT_MAX);
    let new_unit = unit(tx, "unit_id", change.patent.unit_id.or(Some(was.unit_id))).await?;
    if let Ok(u) = &new_unit {
        require_manage(caller, u)?;
    }
    let new = check_patent_of(v, &change.patent, new_unit.map(|u| u.id))?;
    if !store::update_patent(tx, id.0, &new, version, Timestamp::now()).await? {
        return Err(ingot_domain::AppError::conflict("record_changed"));
    }
    let before = NewPatent {
        unit_id: was.unit_id,
        kind: was.kind,
        number: was.number.clone(),
        title: was.title.clone(),
        inventors: was.inventors.clone(),
        applied_on: was.applied_on,
        granted_on: was.granted_on,
        status: was.status,
        year: was.year,
    };
    let mut after = particulars(&new);
    after["reason"] = reason.into();
    crate::audit::record(
        tx,
        caller,
        crate::audit::Change::new("patent.update", "patent", id.0)
            .label(&new.number)
            .org(new.unit_id)
            .before(&particulars(&before))
            .after(&after),
    )
    .await?;
    // The search index follows the change log.
    ingot_store::changes::record(tx, "patent", id.0, "upsert", Timestamp::now()).await?;
    store::get_patent(tx, id.0).await?.ok_or_else(not_found)
}

/// What was recorded about a patent, newest first, for whoever may read it.
pub async fn patent_history(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: PatentId,
) -> Result<Vec<ingot_domain::audit::AuditEntry>> {
    let p = store::get_patent(tx, id.0).await?.ok_or_else(not_found)?;
    require_readable(tx, caller, ("patent", id.0), &p.unit_path).await?;
    crate::audit_log::history_of(tx, "patent", id.0).await
}

/// Whether the caller may change this patent (manages its unit).
pub fn may_change_patent(caller: &Caller<'_>, p: &Patent) -> bool {
    caller.permits(
        ingot_domain::policy::Action::ManageInnovationRecords,
        &ingot_domain::OrgPath::from_stored(p.unit_path.clone()),
    )
}

pub async fn patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: PatentId,
) -> Result<(Patent, Vec<AchievementRef>)> {
    let id = id.0;
    let p = store::get_patent(tx, id).await?.ok_or_else(not_found)?;
    require_readable(tx, caller, ("patent", id), &p.unit_path).await?;
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
