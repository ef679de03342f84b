//! The studio registry: a studio's row with its unit and lead, creating and updating it,
//! the filtered list, its focus fields, its level and status, and the statistics by level,
//! year of naming, federation and field.

use crate::sql::{LIST_COUNT_CAP, Page, Sql, SqlBuilder, Total, count_up_to};
use crate::{Result, Tx, studio_tally};
use ingot_domain::studio::{Level, StudioKind, StudioStatus};
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, OrgPath, OrgScope, StudioId, Timestamp, UserId};
use serde::Serialize;

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
    founded_on: Date,
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
    pub founded_on: Date,
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
    pub founded_on: Date,
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
    studio_tally::recount(tx, StudioId(id), None).await?;
    Ok(StudioId(id))
}

/// After an update of one studio guarded by its version (`n` rows changed): refused when it
/// changed meanwhile, else what it counts for recounted from `before`.
async fn recounted(
    tx: &mut Tx,
    id: StudioId,
    n: u64,
    before: Option<studio_tally::Counted>,
) -> Result<()> {
    if n == 0 {
        return Err(AppError::conflict("studio_changed"));
    }
    studio_tally::recount(tx, id, before).await
}

pub async fn update(tx: &mut Tx, s: &Studio, now: Timestamp) -> Result<()> {
    let before = studio_tally::counted(tx, s.id).await?;
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
    recounted(tx, s.id, n, before).await
}

/// Moves the studio to `unit`, if it is still at the version read; what it counts for moves
/// from the organisations above its old unit to those above the new one.
pub async fn set_unit(tx: &mut Tx, s: &Studio, unit: OrgId, now: Timestamp) -> Result<()> {
    let before = studio_tally::counted(tx, s.id).await?;
    let n = tx
        .execute(
            Sql::new(
                "UPDATE studios SET unit_id = $1, version = version + 1, updated_at = $2
                 WHERE id = $3 AND version = $4",
            )
            .bind(unit)
            .bind(now)
            .bind(s.id.0)
            .bind(s.version),
        )
        .await?;
    recounted(tx, s.id, n, before).await
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
    /// Only studios named at this level (in `named_year`, when that is given too): the studios
    /// behind a summary's "named at the provincial level in 2022".
    pub named_level: Option<Level>,
    pub kind: Option<StudioKind>,
    pub status: Option<StudioStatus>,
    pub text: Option<String>,
    /// Only studios whose lead or members include this person.
    pub person: Option<UserId>,
}

pub(crate) fn filtered(start: &'static str, f: &Filter) -> SqlBuilder {
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
    if let (None, Some(level)) = (f.named_year, f.named_level) {
        b.push(" AND EXISTS (SELECT 1 FROM studio_namings sn WHERE sn.studio_id = s.id AND sn.level = ")
            .bind(level.as_str())
            .push(")");
    }
    if let Some(year) = f.named_year {
        // The year comes from a query string and may be any i64: one without dates matches none.
        match i32::try_from(year).ok().filter(|y| (1..=9999).contains(y)) {
            Some(year) => {
                let day = |month, day| Date { year, month, day };
                b.push(" AND EXISTS (SELECT 1 FROM studio_namings sn WHERE sn.studio_id = s.id AND sn.named_on >= ")
                    .bind(day(1, 1))
                    .push(" AND sn.named_on <= ")
                    .bind(day(12, 31));
                if let Some(level) = f.named_level {
                    b.push(" AND sn.level = ").bind(level.as_str());
                }
                b.push(")");
            }
            None => {
                b.push(" AND 1 = 0");
            }
        }
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

/// The order of the registry: highest level first, most recently named, then by name. The
/// same expression as the index `studios_registry_order_idx` (migration 0024), so that a page
/// of a national registry reads its rows in order instead of sorting every studio.
const REGISTRY_ORDER: &str =
    " ORDER BY CASE s.level WHEN 'national' THEN 4 WHEN 'provincial' THEN 3 WHEN 'municipal' THEN 2
            WHEN 'enterprise' THEN 1 ELSE 0 END DESC, s.named_year DESC, s.name, s.id";

/// Studios matching `f` in the registry's order, and how many match, counted up to
/// [`LIST_COUNT_CAP`].
pub async fn list(tx: &mut Tx, f: &Filter, page: Page) -> Result<(Vec<Studio>, Total)> {
    // Every studio has its unit and lead (foreign keys, not null): the count joins them only
    // when a filter reads them, instead of hashing every person to count studios.
    let count = filtered(
        if f.unit.is_some() || f.text.is_some() {
            "SELECT COUNT(*) FROM (SELECT 1 FROM studios s JOIN organisations o ON o.id = s.unit_id JOIN users u ON u.id = s.lead_id"
        } else {
            "SELECT COUNT(*) FROM (SELECT 1 FROM studios s"
        },
        f,
    );
    let total = count_up_to(tx, count, LIST_COUNT_CAP).await?;
    let mut b = filtered(STUDIO_SELECT, f);
    b.push(REGISTRY_ORDER);
    page.apply(&mut b);
    let rows: Vec<StudioRow> = tx.fetch_all(b.build()).await?;
    let studios = rows
        .into_iter()
        .map(Studio::try_from)
        .collect::<Result<_>>()?;
    Ok((studios, total))
}

/// How many studios besides `except`, not revoked, `user` leads.
pub async fn others_led(tx: &mut Tx, user: UserId, except: StudioId) -> Result<i64> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM studios WHERE lead_id = $1 AND id <> $2 AND status <> 'revoked'",
            )
            .bind(user)
            .bind(except.0),
        )
        .await?;
    Ok(n)
}

/// Active studios that `user` leads or that are held within `scope`, by name, at most `limit`.
pub async fn led_or_within(
    tx: &mut Tx,
    user: UserId,
    scope: &OrgScope,
    limit: i64,
) -> Result<Vec<Studio>> {
    let mut b = SqlBuilder::new(STUDIO_SELECT);
    b.push(" WHERE s.status = 'active' AND (s.lead_id = ")
        .bind(user)
        .push(" OR ")
        .scope("o.path", scope)
        .push(") ORDER BY s.name, s.id LIMIT ")
        .bind(limit);
    let rows: Vec<StudioRow> = tx.fetch_all(b.build()).await?;
    rows.into_iter().map(Studio::try_from).collect()
}

pub async fn set_fields(tx: &mut Tx, id: StudioId, fields: &[String]) -> Result<()> {
    let before = studio_tally::counted(tx, id).await?;
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
    studio_tally::recount(tx, id, before).await
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

// --- Statistics ---------------------------------------------------------------------------------

// The statistics read the studio tally (crate::studio_tally), kept with every change.

fn named(level: String) -> Option<String> {
    (level != "none").then_some(level)
}

/// Studios by level (None: not named) within a scope of units, lowest level first.
pub async fn counts_by_level(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(Option<String>, i64)>> {
    let rows = studio_tally::within(tx, scope, "level:").await?;
    let mut out: Vec<(Option<String>, i64)> =
        rows.into_iter().map(|(l, n)| (named(l), n)).collect();
    // Lowest level first, the unnamed last, as the federations' table reads.
    out.sort_by_key(|(l, _)| l.as_deref().and_then(Level::parse).map_or(5, Level::rank));
    Ok(out)
}

/// Namings (standing or lost) by year of naming and level, of studios within a scope: newest
/// year first.
pub async fn namings_by_year(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(i64, String, i64)>> {
    let rows = studio_tally::within(tx, scope, "named:").await?;
    let mut out: Vec<(i64, String, i64)> = rows
        .into_iter()
        .filter_map(|(metric, n)| {
            let (year, level) = metric.split_once(':')?;
            Some((year.parse().ok()?, level.to_string(), n))
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(out)
}

/// Studios by level under each federation (national, provincial, city) within a scope:
/// (federation id, its name, level or None, studios).
pub async fn counts_by_federation(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(i64, String, Option<String>, i64)>> {
    let rows = studio_tally::by_federation(tx, scope).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, level, n)| (id, name, named(level), n))
        .collect())
}

/// Studios by focus field within a scope, the most first.
pub async fn counts_by_field(tx: &mut Tx, scope: Option<&OrgScope>) -> Result<Vec<(String, i64)>> {
    let mut rows = studio_tally::within(tx, scope, "field:").await?;
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(rows)
}

/// Keeps the studio's level (its highest standing naming) and year of naming with the namings.
pub async fn set_level(
    tx: &mut Tx,
    id: StudioId,
    level: Option<Level>,
    named_year: Option<i64>,
    now: Timestamp,
) -> Result<()> {
    let before = studio_tally::counted(tx, id).await?;
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
    studio_tally::recount(tx, id, before).await
}

pub async fn set_status(
    tx: &mut Tx,
    id: StudioId,
    status: StudioStatus,
    now: Timestamp,
) -> Result<()> {
    let before = studio_tally::counted(tx, id).await?;
    tx.execute(
        Sql::new(
            "UPDATE studios SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(id.0),
    )
    .await?;
    studio_tally::recount(tx, id, before).await
}
