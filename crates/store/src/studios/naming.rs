//! Naming: calls, applications to them (locked while decided), published notices and the
//! namings a studio holds, with their loss.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::studio::{ApplicationStatus, Level, NamingStatus};
use ingot_domain::time::Date;
use ingot_domain::{AppError, ApplicationId, CallId, OrgId, StudioId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Call {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub level: Level,
    pub title: String,
    pub rules: String,
    pub deadline: Date,
    pub min_honour: Option<Level>,
    pub created_at: i64,
}

const CALL_SELECT: &str =
    "SELECT c.id, c.org_id, o.name AS org_name, o.name_en AS org_name_en, o.path AS org_path,
    c.level, c.title, c.rules, c.deadline, c.min_honour, c.created_at
    FROM naming_calls c JOIN organisations o ON o.id = c.org_id";

pub struct NewCall<'a> {
    pub org_id: OrgId,
    pub level: Level,
    pub title: &'a str,
    pub rules: &'a str,
    pub deadline: Date,
    pub min_honour: Option<Level>,
    pub created_by: Option<UserId>,
}

pub async fn insert_call(tx: &mut Tx, c: &NewCall<'_>, now: Timestamp) -> Result<CallId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO naming_calls (org_id, level, title, rules, deadline, min_honour, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(c.org_id)
            .bind(c.level.as_str())
            .bind(c.title)
            .bind(c.rules)
            .bind(c.deadline)
            .bind(c.min_honour.map(Level::as_str))
            .bind(c.created_by)
            .bind(now),
        )
        .await?;
    Ok(CallId(id))
}

pub async fn get_call(tx: &mut Tx, id: CallId) -> Result<Option<Call>> {
    let mut b = SqlBuilder::new(CALL_SELECT);
    b.push(" WHERE c.id = ").bind(id.0);
    tx.fetch_optional(b.build()).await
}

/// Calls, newest deadline first: all of them (they are public), or those of one organisation.
pub async fn calls(tx: &mut Tx, org: Option<OrgId>) -> Result<Vec<Call>> {
    let mut b = SqlBuilder::new(CALL_SELECT);
    if let Some(org) = org {
        b.push(" WHERE c.org_id = ").bind(org);
    }
    b.push(" ORDER BY c.deadline DESC, c.id DESC LIMIT 200");
    tx.fetch_all(b.build()).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub call_id: i64,
    pub call_title: String,
    pub call_level: Level,
    pub call_org_id: i64,
    pub studio_id: i64,
    pub studio_name: String,
    pub status: ApplicationStatus,
    pub statement: String,
    #[serde(skip)]
    pub snapshot: String,
    pub applied_at: i64,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.call_id, c.title AS call_title, c.level AS call_level,
    c.org_id AS call_org_id, a.studio_id, s.name AS studio_name, a.status, a.statement, a.snapshot,
    a.applied_at, a.decided_at, a.decision_note, a.version
    FROM naming_applications a JOIN naming_calls c ON c.id = a.call_id JOIN studios s ON s.id = a.studio_id";

pub async fn insert_application(
    tx: &mut Tx,
    call: CallId,
    studio: StudioId,
    statement: &str,
    snapshot: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<ApplicationId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO naming_applications (call_id, studio_id, status, statement, snapshot, applied_by, applied_at, version)
                 VALUES ($1, $2, 'submitted', $3, $4, $5, $6, 1) RETURNING id",
            )
            .bind(call.0)
            .bind(studio.0)
            .bind(statement)
            .bind(snapshot)
            .bind(by)
            .bind(now),
        )
        .await?;
    Ok(ApplicationId(id))
}

/// Locks an application's row until the transaction ends: it is decided once, and whoever comes
/// second reads the decision.
pub async fn lock_application(tx: &mut Tx, id: ApplicationId) -> Result<()> {
    crate::dialect::lock_row(tx, "SELECT id FROM naming_applications WHERE id = ", id.0).await?;
    Ok(())
}

pub async fn get_application(tx: &mut Tx, id: ApplicationId) -> Result<Option<Application>> {
    let mut b = SqlBuilder::new(APPLICATION_SELECT);
    b.push(" WHERE a.id = ").bind(id.0);
    tx.fetch_optional(b.build()).await
}

pub async fn applications_of_call(tx: &mut Tx, call: CallId) -> Result<Vec<Application>> {
    let mut b = SqlBuilder::new(APPLICATION_SELECT);
    b.push(" WHERE a.call_id = ")
        .bind(call.0)
        .push(" ORDER BY a.id");
    tx.fetch_all(b.build()).await
}

pub async fn applications_of_studio(tx: &mut Tx, studio: StudioId) -> Result<Vec<Application>> {
    let mut b = SqlBuilder::new(APPLICATION_SELECT);
    b.push(" WHERE a.studio_id = ")
        .bind(studio.0)
        .push(" ORDER BY a.id DESC");
    tx.fetch_all(b.build()).await
}

/// Moves an application on, if it is still at `version`.
pub async fn set_application_status(
    tx: &mut Tx,
    id: ApplicationId,
    version: i64,
    status: &str,
    decided_at: Option<Timestamp>,
    note: Option<&str>,
) -> Result<()> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE naming_applications SET status = $1, decided_at = $2, decision_note = $3, version = version + 1
                 WHERE id = $4 AND version = $5",
            )
            .bind(status)
            .bind(decided_at)
            .bind(note)
            .bind(id.0)
            .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(AppError::conflict("application_changed"));
    }
    Ok(())
}

/// The notice `number` of `org`, if there is one: its id and the day it was issued.
pub async fn find_notice(tx: &mut Tx, org: OrgId, number: &str) -> Result<Option<(i64, Date)>> {
    tx.fetch_optional(
        Sql::new("SELECT id, issued_on FROM naming_notices WHERE org_id = $1 AND number = $2")
            .bind(org)
            .bind(number),
    )
    .await
}

/// A published naming notice: who issued it, its number, day and title.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    pub number: String,
    pub issued_on: Date,
    pub title: String,
}

/// A studio a notice named, and whether the naming still stands.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeEntry {
    pub studio_id: i64,
    pub studio_name: String,
    pub unit_name: String,
    pub unit_name_en: Option<String>,
    pub lead_name: String,
    pub level: Level,
    pub status: NamingStatus,
}

pub async fn notice(tx: &mut Tx, id: i64) -> Result<Option<Notice>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT nn.id, nn.org_id, o.name AS org_name, o.name_en AS org_name_en, nn.number,
                nn.issued_on, nn.title
             FROM naming_notices nn JOIN organisations o ON o.id = nn.org_id WHERE nn.id = $1",
        )
        .bind(id),
    )
    .await
}

/// The studios notice `id` named, by name.
pub async fn notice_entries(tx: &mut Tx, id: i64) -> Result<Vec<NoticeEntry>> {
    tx.fetch_all(
        Sql::new(
            "SELECT s.id AS studio_id, s.name AS studio_name, u.name AS unit_name,
                u.name_en AS unit_name_en, l.display_name AS lead_name, n.level, n.status
             FROM studio_namings n JOIN studios s ON s.id = n.studio_id
             JOIN organisations u ON u.id = s.unit_id JOIN users l ON l.id = s.lead_id
             WHERE n.notice_id = $1 ORDER BY s.name, s.id",
        )
        .bind(id),
    )
    .await
}

pub async fn insert_notice(
    tx: &mut Tx,
    org: OrgId,
    number: &str,
    issued_on: Date,
    title: &str,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO naming_notices (org_id, number, issued_on, title, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(org)
            .bind(number)
            .bind(issued_on)
            .bind(title)
            .bind(now),
        )
        .await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Naming {
    pub id: i64,
    pub studio_id: i64,
    pub level: Level,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub application_id: Option<i64>,
    pub notice_id: i64,
    pub notice_number: String,
    pub notice_title: String,
    pub named_on: Date,
    pub status: NamingStatus,
    pub lost_on: Option<Date>,
    pub lost_reason: Option<String>,
}

pub async fn insert_naming(
    tx: &mut Tx,
    studio: StudioId,
    level: Level,
    org: OrgId,
    application: Option<ApplicationId>,
    notice: i64,
    named_on: Date,
) -> Result<i64> {
    let before = crate::studio_tally::counted(tx, studio).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_namings (studio_id, level, org_id, application_id, notice_id, named_on, status)
                 VALUES ($1, $2, $3, $4, $5, $6, 'active') RETURNING id",
            )
            .bind(studio.0)
            .bind(level.as_str())
            .bind(org)
            .bind(application.map(|a| a.0))
            .bind(notice)
            .bind(named_on),
        )
        .await?;
    crate::studio_tally::recount(tx, studio, before).await?;
    Ok(id)
}

/// A studio's namings, oldest first: its timeline of titles.
pub async fn namings(tx: &mut Tx, studio: StudioId) -> Result<Vec<Naming>> {
    tx.fetch_all(
        Sql::new(
            "SELECT n.id, n.studio_id, n.level, n.org_id, o.name AS org_name, o.name_en AS org_name_en, o.path AS org_path,
                n.application_id, n.notice_id, nn.number AS notice_number, nn.title AS notice_title, n.named_on,
                n.status, n.lost_on, n.lost_reason
             FROM studio_namings n JOIN organisations o ON o.id = n.org_id JOIN naming_notices nn ON nn.id = n.notice_id
             WHERE n.studio_id = $1 ORDER BY n.named_on, n.id",
        )
        .bind(studio.0),
    )
    .await
}

pub async fn lose_naming(tx: &mut Tx, naming: i64, on: Date, reason: &str) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE studio_namings SET status = 'lost', lost_on = $1, lost_reason = $2 WHERE id = $3 AND status = 'active'",
        )
        .bind(on)
        .bind(reason)
        .bind(naming),
    )
    .await?;
    Ok(())
}
