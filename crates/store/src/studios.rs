//! Innovation studios: the registry, members, honours, naming calls, applications, on-site
//! reviews, notices and namings, funding, assessments, the outputs ledger, photos, the timeline
//! and alliances. Dates are yyyymmdd numbers; codes are the domain's snake_case strings.

use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::studio::{Level, StudioKind, StudioStatus};
use ingot_domain::{
    AppError, ApplicationId, CallId, OrgId, OrgPath, OrgScope, StudioId, Timestamp, UserId,
};
use serde::Serialize;

pub fn not_found() -> AppError {
    AppError::not_found("studio")
}

#[derive(sqlx::FromRow)]
struct StudioRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_name_en: Option<String>,
    unit_path: String,
    lead_id: i64,
    lead_name: String,
    kind: String,
    name: String,
    founded_on: i64,
    address: String,
    description: String,
    status: String,
    level: Option<String>,
    named_year: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

/// A studio with the names of its unit and lead.
#[derive(Debug, Clone, Serialize)]
pub struct Studio {
    pub id: StudioId,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub unit_name_en: Option<String>,
    #[serde(skip)]
    pub unit_path: OrgPath,
    pub lead_id: UserId,
    pub lead_name: String,
    pub kind: StudioKind,
    pub name: String,
    pub founded_on: i64,
    pub address: String,
    pub description: String,
    pub status: StudioStatus,
    pub level: Option<Level>,
    pub named_year: Option<i64>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl TryFrom<StudioRow> for Studio {
    type Error = AppError;
    fn try_from(r: StudioRow) -> Result<Studio> {
        let bad = |what: &str, v: &str| AppError::internal(format!("stored studio {what} {v:?}"));
        Ok(Studio {
            id: StudioId(r.id),
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            unit_name_en: r.unit_name_en,
            unit_path: OrgPath::from_stored(r.unit_path),
            lead_id: UserId(r.lead_id),
            lead_name: r.lead_name,
            kind: StudioKind::parse(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            name: r.name,
            founded_on: r.founded_on,
            address: r.address,
            description: r.description,
            status: StudioStatus::parse(&r.status).ok_or_else(|| bad("status", &r.status))?,
            level: match r.level {
                Some(l) => Some(Level::parse(&l).ok_or_else(|| bad("level", &l))?),
                None => None,
            },
            named_year: r.named_year,
            version: r.version,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

const STUDIO_SELECT: &str = "SELECT s.id, s.unit_id, o.name AS unit_name, o.name_en AS unit_name_en,
    o.path AS unit_path, s.lead_id, u.display_name AS lead_name, s.kind, s.name, s.founded_on, s.address,
    s.description, s.status, s.level, s.named_year, s.version, s.created_at, s.updated_at
    FROM studios s JOIN organisations o ON o.id = s.unit_id JOIN users u ON u.id = s.lead_id";

pub struct NewStudio<'a> {
    pub unit_id: OrgId,
    pub lead_id: UserId,
    pub kind: StudioKind,
    pub name: &'a str,
    pub founded_on: i64,
    pub address: &'a str,
    pub description: &'a str,
}

pub async fn insert(tx: &mut Tx, new: &NewStudio<'_>, now: Timestamp) -> Result<StudioId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studios (unit_id, lead_id, kind, name, founded_on, address, description, status,
                    version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', 1, $8, $8) RETURNING id",
            )
            .bind(new.unit_id)
            .bind(new.lead_id)
            .bind(new.kind.as_str())
            .bind(new.name)
            .bind(new.founded_on)
            .bind(new.address)
            .bind(new.description)
            .bind(now),
        )
        .await?;
    crate::changes::record(tx, "studio", id, "upsert", now).await?;
    Ok(StudioId(id))
}

pub async fn update(tx: &mut Tx, s: &Studio, now: Timestamp) -> Result<()> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE studios SET lead_id = $1, kind = $2, name = $3, founded_on = $4, address = $5,
                    description = $6, status = $7, level = $8, named_year = $9, version = version + 1,
                    updated_at = $10
                 WHERE id = $11 AND version = $12",
            )
            .bind(s.lead_id)
            .bind(s.kind.as_str())
            .bind(s.name.as_str())
            .bind(s.founded_on)
            .bind(s.address.as_str())
            .bind(s.description.as_str())
            .bind(s.status.as_str())
            .bind(s.level.map(Level::as_str))
            .bind(s.named_year)
            .bind(now)
            .bind(s.id.0)
            .bind(s.version),
        )
        .await?;
    if n == 0 {
        return Err(AppError::conflict("studio_changed"));
    }
    crate::changes::record(tx, "studio", s.id.0, "upsert", now).await
}

pub async fn get(tx: &mut Tx, id: StudioId) -> Result<Option<Studio>> {
    let mut b = SqlBuilder::new(STUDIO_SELECT);
    b.push(" WHERE s.id = ").bind(id.0);
    let row: Option<StudioRow> = tx.fetch_optional(b.build()).await?;
    row.map(Studio::try_from).transpose()
}

/// Filters of the studio list; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub level: Option<Level>,
    /// Only studios never named.
    pub unnamed: bool,
    pub field: Option<String>,
    pub unit: Option<OrgPath>,
    pub named_year: Option<i64>,
    pub kind: Option<StudioKind>,
    pub status: Option<StudioStatus>,
    pub text: Option<String>,
    /// Only studios whose lead or members include this person.
    pub person: Option<UserId>,
}

fn filtered(start: &'static str, f: &Filter) -> SqlBuilder {
    let mut b = SqlBuilder::new(start);
    b.push(" WHERE 1 = 1");
    if let Some(level) = f.level {
        b.push(" AND s.level = ").bind(level.as_str());
    }
    if f.unnamed {
        b.push(" AND s.level IS NULL");
    }
    if let Some(field) = &f.field {
        b.push(
            " AND EXISTS (SELECT 1 FROM studio_fields sf WHERE sf.studio_id = s.id AND sf.field = ",
        )
        .bind(field.as_str())
        .push(")");
    }
    if let Some(unit) = &f.unit {
        b.push(" AND o.path >= ")
            .bind(unit.as_str())
            .push(" AND o.path < ")
            .bind(unit.subtree_end());
    }
    if let Some(year) = f.named_year {
        b.push(" AND EXISTS (SELECT 1 FROM studio_namings sn WHERE sn.studio_id = s.id AND sn.named_on >= ")
            .bind(year * 10000)
            .push(" AND sn.named_on < ")
            .bind((year + 1) * 10000)
            .push(")");
    }
    if let Some(kind) = f.kind {
        b.push(" AND s.kind = ").bind(kind.as_str());
    }
    if let Some(status) = f.status {
        b.push(" AND s.status = ").bind(status.as_str());
    }
    if let Some(text) = &f.text {
        let like = format!("%{}%", text.trim());
        b.push(" AND (LOWER(s.name) LIKE LOWER(")
            .bind(like.clone())
            .push(") OR LOWER(u.display_name) LIKE LOWER(")
            .bind(like)
            .push("))");
    }
    if let Some(person) = f.person {
        b.push(" AND (s.lead_id = ")
            .bind(person)
            .push(" OR EXISTS (SELECT 1 FROM studio_members sm WHERE sm.studio_id = s.id AND sm.left_on IS NULL AND sm.user_id = ")
            .bind(person)
            .push("))");
    }
    b
}

/// Studios matching `f`, highest level first, then by name; and how many match in all.
pub async fn list(tx: &mut Tx, f: &Filter, page: Page) -> Result<(Vec<Studio>, i64)> {
    let count = filtered(
        "SELECT COUNT(*) FROM studios s JOIN organisations o ON o.id = s.unit_id JOIN users u ON u.id = s.lead_id",
        f,
    );
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = filtered(STUDIO_SELECT, f);
    b.push(
        " ORDER BY CASE s.level WHEN 'national' THEN 4 WHEN 'provincial' THEN 3 WHEN 'municipal' THEN 2
            WHEN 'enterprise' THEN 1 ELSE 0 END DESC, s.named_year DESC, s.name, s.id",
    );
    page.apply(&mut b);
    let rows: Vec<StudioRow> = tx.fetch_all(b.build()).await?;
    let studios = rows
        .into_iter()
        .map(Studio::try_from)
        .collect::<Result<_>>()?;
    Ok((studios, total))
}

pub async fn set_fields(tx: &mut Tx, id: StudioId, fields: &[String]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM studio_fields WHERE studio_id = $1").bind(id.0))
        .await?;
    for f in fields {
        tx.execute(
            Sql::new("INSERT INTO studio_fields (studio_id, field) VALUES ($1, $2)")
                .bind(id.0)
                .bind(f.as_str()),
        )
        .await?;
    }
    Ok(())
}

pub async fn fields(tx: &mut Tx, id: StudioId) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = tx
        .fetch_all(
            Sql::new("SELECT field FROM studio_fields WHERE studio_id = $1 ORDER BY field")
                .bind(id.0),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

// --- Members and honours ------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub studio_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub joined_on: i64,
    pub left_on: Option<i64>,
}

pub async fn add_member(
    tx: &mut Tx,
    studio: StudioId,
    user: UserId,
    role: &str,
    joined_on: i64,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_members (studio_id, user_id, role, joined_on) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(studio.0)
            .bind(user)
            .bind(role)
            .bind(joined_on),
        )
        .await?;
    Ok(id)
}

pub async fn set_member_left(tx: &mut Tx, member: i64, left_on: i64) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE studio_members SET left_on = $1 WHERE id = $2")
            .bind(left_on)
            .bind(member),
    )
    .await?;
    Ok(())
}

/// Everyone who ever belonged to the studio, current members first.
pub async fn members(tx: &mut Tx, studio: StudioId) -> Result<Vec<Member>> {
    tx.fetch_all(
        Sql::new(
            "SELECT m.id, m.studio_id, m.user_id, u.username, u.display_name, m.role, m.joined_on, m.left_on
             FROM studio_members m JOIN users u ON u.id = m.user_id
             WHERE m.studio_id = $1
             ORDER BY CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END, CASE m.role WHEN 'lead' THEN 0 ELSE 1 END, m.joined_on, m.id",
        )
        .bind(studio.0),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Honour {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: String,
    pub level: String,
    pub year: Option<i64>,
}

pub async fn add_honour(
    tx: &mut Tx,
    user: UserId,
    title: &str,
    body: &str,
    level: Level,
    year: Option<i64>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO honours (user_id, title, body, level, year, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(user)
            .bind(title)
            .bind(body)
            .bind(level.as_str())
            .bind(year)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn honours(tx: &mut Tx, user: UserId) -> Result<Vec<Honour>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, user_id, title, body, level, year FROM honours WHERE user_id = $1 ORDER BY CASE WHEN year IS NULL THEN 0 ELSE 1 END, year DESC, id",
        )
        .bind(user),
    )
    .await
}

// --- Calls, applications, reviews ---------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Call {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub level: String,
    pub title: String,
    pub rules: String,
    pub deadline: i64,
    pub min_honour: Option<String>,
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
    pub deadline: i64,
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
    pub call_level: String,
    pub call_org_id: i64,
    pub studio_id: i64,
    pub studio_name: String,
    pub status: String,
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SiteReview {
    pub id: i64,
    pub application_id: i64,
    pub reviewer_id: i64,
    pub reviewer_name: String,
    pub visited_on: i64,
    pub checklist: String,
    pub score: i64,
    pub comments: String,
    pub signature: String,
    pub signed_at: i64,
}

pub struct NewReview<'a> {
    pub application_id: ApplicationId,
    pub reviewer_id: UserId,
    pub visited_on: i64,
    pub checklist: &'a str,
    pub score: i64,
    pub comments: &'a str,
    pub signature: &'a str,
}

pub async fn insert_review(tx: &mut Tx, r: &NewReview<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO site_reviews (application_id, reviewer_id, visited_on, checklist, score, comments, signature, signed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(r.application_id.0)
            .bind(r.reviewer_id)
            .bind(r.visited_on)
            .bind(r.checklist)
            .bind(r.score)
            .bind(r.comments)
            .bind(r.signature)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn review_of(tx: &mut Tx, application: ApplicationId) -> Result<Option<SiteReview>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT r.id, r.application_id, r.reviewer_id, u.display_name AS reviewer_name, r.visited_on, r.checklist,
                r.score, r.comments, r.signature, r.signed_at
             FROM site_reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.application_id = $1",
        )
        .bind(application.0),
    )
    .await
}

// --- Notices and namings ------------------------------------------------------------------------

pub async fn notice_number_taken(tx: &mut Tx, org: OrgId, number: &str) -> Result<bool> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new("SELECT id FROM naming_notices WHERE org_id = $1 AND number = $2")
                .bind(org)
                .bind(number),
        )
        .await?;
    Ok(found.is_some())
}

pub async fn insert_notice(
    tx: &mut Tx,
    org: OrgId,
    number: &str,
    issued_on: i64,
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
    pub level: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub application_id: Option<i64>,
    pub notice_id: i64,
    pub notice_number: String,
    pub notice_title: String,
    pub named_on: i64,
    pub status: String,
    pub lost_on: Option<i64>,
    pub lost_reason: Option<String>,
}

pub async fn insert_naming(
    tx: &mut Tx,
    studio: StudioId,
    level: Level,
    org: OrgId,
    application: Option<ApplicationId>,
    notice: i64,
    named_on: i64,
) -> Result<i64> {
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

pub async fn lose_naming(tx: &mut Tx, naming: i64, on: i64, reason: &str) -> Result<()> {
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

// --- Funding ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Funding {
    pub id: i64,
    pub studio_id: i64,
    pub naming_id: i64,
    pub org_id: i64,
    pub granted_cents: i64,
    pub paid_cents: i64,
    pub spent_cents: i64,
}

pub async fn insert_funding(
    tx: &mut Tx,
    studio: StudioId,
    naming: i64,
    org: OrgId,
    granted_cents: i64,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_funding (studio_id, naming_id, org_id, granted_cents, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(studio.0)
            .bind(naming)
            .bind(org)
            .bind(granted_cents)
            .bind(now),
        )
        .await?;
    Ok(id)
}

const FUNDING_SELECT: &str = "SELECT f.id, f.studio_id, f.naming_id, f.org_id, f.granted_cents,
    CAST(COALESCE((SELECT SUM(e.amount_cents) FROM funding_entries e WHERE e.funding_id = f.id AND e.kind = 'payment'), 0) AS BIGINT) AS paid_cents,
    CAST(COALESCE((SELECT SUM(e.amount_cents) FROM funding_entries e WHERE e.funding_id = f.id AND e.kind = 'spending'), 0) AS BIGINT) AS spent_cents
    FROM studio_funding f";

pub async fn funding_of(tx: &mut Tx, studio: StudioId) -> Result<Vec<Funding>> {
    let mut b = SqlBuilder::new(FUNDING_SELECT);
    b.push(" WHERE f.studio_id = ")
        .bind(studio.0)
        .push(" ORDER BY f.id");
    tx.fetch_all(b.build()).await
}

pub async fn get_funding(tx: &mut Tx, id: i64) -> Result<Option<Funding>> {
    let mut b = SqlBuilder::new(FUNDING_SELECT);
    b.push(" WHERE f.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FundingEntry {
    pub id: i64,
    pub funding_id: i64,
    pub kind: String,
    pub category: Option<String>,
    pub amount_cents: i64,
    pub on_date: i64,
    pub note: String,
}

pub struct NewEntry<'a> {
    pub funding_id: i64,
    pub kind: &'a str,
    pub category: Option<&'a str>,
    pub amount_cents: i64,
    pub on_date: i64,
    pub note: &'a str,
    pub by: Option<UserId>,
}

pub async fn insert_entry(tx: &mut Tx, e: &NewEntry<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO funding_entries (funding_id, kind, category, amount_cents, on_date, note, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(e.funding_id)
            .bind(e.kind)
            .bind(e.category)
            .bind(e.amount_cents)
            .bind(e.on_date)
            .bind(e.note)
            .bind(e.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn entries_of_studio(tx: &mut Tx, studio: StudioId) -> Result<Vec<FundingEntry>> {
    tx.fetch_all(
        Sql::new(
            "SELECT e.id, e.funding_id, e.kind, e.category, e.amount_cents, e.on_date, e.note
             FROM funding_entries e JOIN studio_funding f ON f.id = e.funding_id
             WHERE f.studio_id = $1 ORDER BY e.on_date, e.id",
        )
        .bind(studio.0),
    )
    .await
}

// --- Assessment ---------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct StandardRow {
    criteria: String,
    excellent_min: i64,
    pass_min: i64,
}

/// The organisation's assessment standard, or the default one.
pub async fn standard(tx: &mut Tx, org: OrgId) -> Result<ingot_domain::studio::Standard> {
    let row: Option<StandardRow> = tx
        .fetch_optional(
            Sql::new("SELECT criteria, excellent_min, pass_min FROM assessment_standards WHERE org_id = $1")
                .bind(org),
        )
        .await?;
    match row {
        None => Ok(ingot_domain::studio::Standard::default()),
        Some(r) => Ok(ingot_domain::studio::Standard {
            criteria: serde_json::from_str(&r.criteria)
                .map_err(|e| AppError::internal(format!("stored criteria: {e}")))?,
            excellent_min: r.excellent_min,
            pass_min: r.pass_min,
        }),
    }
}

pub async fn set_standard(
    tx: &mut Tx,
    org: OrgId,
    s: &ingot_domain::studio::Standard,
    now: Timestamp,
) -> Result<()> {
    let criteria = serde_json::to_string(&s.criteria).map_err(AppError::internal)?;
    tx.execute(
        Sql::new(
            "INSERT INTO assessment_standards (org_id, criteria, excellent_min, pass_min, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id) DO UPDATE SET criteria = excluded.criteria, excellent_min = excluded.excellent_min,
                pass_min = excluded.pass_min, updated_at = excluded.updated_at",
        )
        .bind(org)
        .bind(criteria)
        .bind(s.excellent_min)
        .bind(s.pass_min)
        .bind(now),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Assessment {
    pub id: i64,
    pub studio_id: i64,
    pub naming_id: i64,
    pub org_id: i64,
    pub period: String,
    pub assessed_on: i64,
    pub scores: String,
    pub total: i64,
    pub result: String,
    pub note: String,
}

pub struct NewAssessment<'a> {
    pub studio_id: StudioId,
    pub naming_id: i64,
    pub org_id: OrgId,
    pub period: &'a str,
    pub assessed_on: i64,
    pub scores: &'a str,
    pub total: i64,
    pub result: &'a str,
    pub note: &'a str,
    pub by: Option<UserId>,
}

pub async fn insert_assessment(tx: &mut Tx, a: &NewAssessment<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_assessments (studio_id, naming_id, org_id, period, assessed_on, scores, total, result,
                    note, assessed_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(a.studio_id.0)
            .bind(a.naming_id)
            .bind(a.org_id)
            .bind(a.period)
            .bind(a.assessed_on)
            .bind(a.scores)
            .bind(a.total)
            .bind(a.result)
            .bind(a.note)
            .bind(a.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn assessments(tx: &mut Tx, studio: StudioId) -> Result<Vec<Assessment>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, studio_id, naming_id, org_id, period, assessed_on, scores, total, result, note
             FROM studio_assessments WHERE studio_id = $1 ORDER BY assessed_on, id",
        )
        .bind(studio.0),
    )
    .await
}

pub async fn assessment_exists(tx: &mut Tx, naming: i64, period: &str) -> Result<bool> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new("SELECT id FROM studio_assessments WHERE naming_id = $1 AND period = $2")
                .bind(naming)
                .bind(period),
        )
        .await?;
    Ok(found.is_some())
}

// --- Outputs, photos, events --------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Output {
    pub id: i64,
    pub studio_id: i64,
    pub kind: String,
    pub title: String,
    pub on_date: i64,
    pub count: i64,
    pub amount_cents: Option<i64>,
    pub patent_type: Option<String>,
    pub patent_stage: Option<String>,
    pub proposal_id: Option<i64>,
}

pub struct NewOutput<'a> {
    pub studio_id: StudioId,
    pub kind: &'a str,
    pub title: &'a str,
    pub on_date: i64,
    pub count: i64,
    pub amount_cents: Option<i64>,
    pub patent_type: Option<&'a str>,
    pub patent_stage: Option<&'a str>,
    pub proposal_id: Option<i64>,
    pub by: Option<UserId>,
}

pub async fn insert_output(tx: &mut Tx, o: &NewOutput<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_outputs (studio_id, kind, title, on_date, count, amount_cents, patent_type, patent_stage,
                    proposal_id, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(o.studio_id.0)
            .bind(o.kind)
            .bind(o.title)
            .bind(o.on_date)
            .bind(o.count)
            .bind(o.amount_cents)
            .bind(o.patent_type)
            .bind(o.patent_stage)
            .bind(o.proposal_id)
            .bind(o.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn outputs(tx: &mut Tx, studio: StudioId) -> Result<Vec<Output>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, studio_id, kind, title, on_date, count, amount_cents, patent_type, patent_stage, proposal_id
             FROM studio_outputs WHERE studio_id = $1 ORDER BY on_date, id",
        )
        .bind(studio.0),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub studio_id: i64,
    pub review_id: Option<i64>,
    #[serde(skip)]
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub uploaded_at: i64,
}

pub struct NewPhoto<'a> {
    pub studio_id: StudioId,
    pub review_id: Option<i64>,
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub filename: &'a str,
    pub by: UserId,
}

pub async fn insert_photo(tx: &mut Tx, p: &NewPhoto<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_photos (studio_id, review_id, sha256, size, content_type, filename, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(p.studio_id.0)
            .bind(p.review_id)
            .bind(p.sha256)
            .bind(p.size)
            .bind(p.content_type)
            .bind(p.filename)
            .bind(p.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn photos(tx: &mut Tx, studio: StudioId) -> Result<Vec<Photo>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, studio_id, review_id, sha256, size, content_type, filename, uploaded_at
             FROM studio_photos WHERE studio_id = $1 ORDER BY id",
        )
        .bind(studio.0),
    )
    .await
}

pub async fn get_photo(tx: &mut Tx, id: i64) -> Result<Option<Photo>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT id, studio_id, review_id, sha256, size, content_type, filename, uploaded_at FROM studio_photos WHERE id = $1",
        )
        .bind(id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub studio_id: i64,
    pub at: i64,
    pub on_date: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub detail: String,
    pub public: bool,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    tx: &mut Tx,
    studio: StudioId,
    on_date: i64,
    kind: &str,
    actor: Option<UserId>,
    detail: &str,
    public: bool,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO studio_events (studio_id, at, on_date, kind, actor_id, detail, public) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(studio.0)
        .bind(now)
        .bind(on_date)
        .bind(kind)
        .bind(actor)
        .bind(detail)
        .bind(public),
    )
    .await?;
    Ok(())
}

/// The timeline by date; only public steps unless `all`.
pub async fn events(tx: &mut Tx, studio: StudioId, all: bool) -> Result<Vec<Event>> {
    let mut b = SqlBuilder::new(
        "SELECT id, studio_id, at, on_date, kind, actor_id, detail, public FROM studio_events WHERE studio_id = ",
    );
    b.bind(studio.0);
    if !all {
        b.push(" AND public = ").bind(true);
    }
    b.push(" ORDER BY on_date, id");
    tx.fetch_all(b.build()).await
}

// --- Statistics ---------------------------------------------------------------------------------

/// Studios by level (NULL: not named) within a scope of units.
pub async fn counts_by_level(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(Option<String>, i64)>> {
    let mut b = SqlBuilder::new(
        "SELECT s.level, COUNT(*) FROM studios s JOIN organisations o ON o.id = s.unit_id WHERE s.status <> 'revoked'",
    );
    if let Some(scope) = scope {
        b.push(" AND ").scope("o.path", scope);
    }
    b.push(" GROUP BY s.level");
    tx.fetch_all(b.build()).await
}

/// Standing namings by year of naming and level, issued within a scope.
pub async fn namings_by_year(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(i64, String, i64)>> {
    let mut b = SqlBuilder::new(
        "SELECT n.named_on / 10000 AS year, n.level, COUNT(*) FROM studio_namings n
         JOIN studios s ON s.id = n.studio_id JOIN organisations o ON o.id = s.unit_id WHERE 1 = 1",
    );
    if let Some(scope) = scope {
        b.push(" AND ").scope("o.path", scope);
    }
    b.push(" GROUP BY n.named_on / 10000, n.level ORDER BY 1 DESC, 2");
    tx.fetch_all(b.build()).await
}

/// Studios by level under each federation (national, provincial, city) within a scope:
/// (federation id, its name, level or NULL, studios).
pub async fn counts_by_federation(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(i64, String, Option<String>, i64)>> {
    let mut b = SqlBuilder::new(
        "SELECT f.id, f.name, s.level, COUNT(*) FROM organisations f
         JOIN organisations o ON o.path LIKE f.path || '%'
         JOIN studios s ON s.unit_id = o.id
         WHERE f.kind IN ('national', 'province', 'city') AND f.archived_at IS NULL AND s.status <> 'revoked'",
    );
    if let Some(scope) = scope {
        b.push(" AND ").scope("f.path", scope);
    }
    b.push(" GROUP BY f.id, f.name, f.path, s.level ORDER BY f.path, s.level");
    tx.fetch_all(b.build()).await
}

/// Studios by focus field within a scope.
pub async fn counts_by_field(tx: &mut Tx, scope: Option<&OrgScope>) -> Result<Vec<(String, i64)>> {
    let mut b = SqlBuilder::new(
        "SELECT f.field, COUNT(*) FROM studio_fields f JOIN studios s ON s.id = f.studio_id
         JOIN organisations o ON o.id = s.unit_id WHERE s.status <> 'revoked'",
    );
    if let Some(scope) = scope {
        b.push(" AND ").scope("o.path", scope);
    }
    b.push(" GROUP BY f.field ORDER BY 2 DESC, 1");
    tx.fetch_all(b.build()).await
}

// --- Alliances ----------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Alliance {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub name: String,
    pub lead_studio_id: i64,
    pub lead_studio_name: String,
    pub founded_on: i64,
    pub description: String,
}

const ALLIANCE_SELECT: &str =
    "SELECT a.id, a.org_id, a.kind, a.name, a.lead_studio_id, s.name AS lead_studio_name,
    a.founded_on, a.description FROM alliances a JOIN studios s ON s.id = a.lead_studio_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_alliance(
    tx: &mut Tx,
    org: OrgId,
    kind: &str,
    name: &str,
    lead: StudioId,
    founded_on: i64,
    description: &str,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO alliances (org_id, kind, name, lead_studio_id, founded_on, description, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(org)
            .bind(kind)
            .bind(name)
            .bind(lead.0)
            .bind(founded_on)
            .bind(description)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn add_alliance_member(
    tx: &mut Tx,
    alliance: i64,
    studio: StudioId,
    joined_on: i64,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO alliance_members (alliance_id, studio_id, joined_on) VALUES ($1, $2, $3)
             ON CONFLICT (alliance_id, studio_id) DO NOTHING",
        )
        .bind(alliance)
        .bind(studio.0)
        .bind(joined_on),
    )
    .await?;
    Ok(())
}

pub async fn get_alliance(tx: &mut Tx, id: i64) -> Result<Option<Alliance>> {
    let mut b = SqlBuilder::new(ALLIANCE_SELECT);
    b.push(" WHERE a.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

pub async fn alliances(tx: &mut Tx, studio: Option<StudioId>) -> Result<Vec<Alliance>> {
    let mut b = SqlBuilder::new(ALLIANCE_SELECT);
    if let Some(studio) = studio {
        b.push(" WHERE a.id IN (SELECT m.alliance_id FROM alliance_members m WHERE m.studio_id = ")
            .bind(studio.0)
            .push(")");
    }
    b.push(" ORDER BY a.founded_on DESC, a.id");
    tx.fetch_all(b.build()).await
}

/// The studios of an alliance: (studio id, name, joined on).
pub async fn alliance_members(tx: &mut Tx, alliance: i64) -> Result<Vec<(i64, String, i64)>> {
    tx.fetch_all(
        Sql::new(
            "SELECT s.id, s.name, m.joined_on FROM alliance_members m JOIN studios s ON s.id = m.studio_id
             WHERE m.alliance_id = $1 ORDER BY m.joined_on, s.id",
        )
        .bind(alliance),
    )
    .await
}

/// Keeps the studio's level (its highest standing naming) and year of naming with the namings.
pub async fn set_level(
    tx: &mut Tx,
    id: StudioId,
    level: Option<Level>,
    named_year: Option<i64>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE studios SET level = $1, named_year = $2, version = version + 1, updated_at = $3 WHERE id = $4",
        )
        .bind(level.map(Level::as_str))
        .bind(named_year)
        .bind(now)
        .bind(id.0),
    )
    .await?;
    crate::changes::record(tx, "studio", id.0, "upsert", now).await
}

pub async fn set_status(
    tx: &mut Tx,
    id: StudioId,
    status: StudioStatus,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE studios SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(id.0),
    )
    .await?;
    crate::changes::record(tx, "studio", id.0, "upsert", now).await
}
