//! Patents: checking one as typed (the application number's format and check digit, dates, the
//! unit), recording it, and reading one or a page of them within the caller's reach.

use super::{date, log, may_read, not_found, require_manage, require_not_blind, scoped, unit};
use crate::{Caller, Result};
use ingot_domain::innovation::{self as rules, ApplicationNumber, PatentKind, PatentStatus};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, Timestamp};
use ingot_store::innovation::{self as store, AchievementRef, NewPatent, Patent, RecordFilter};
use ingot_store::{Page, Tx};

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
    require_not_blind(tx, caller, "patent", id).await?;
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
