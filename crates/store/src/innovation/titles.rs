//! Talent titles and honours held by people.

use super::{RecordFilter, common, get_by_id, list_page, stored, text_filter};
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::innovation::HonourLevel;
use ingot_domain::{AppError, OrgId, Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Title {
    pub id: i64,
    pub user_id: UserId,
    pub holder_name: String,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub unit_path: String,
    pub name: String,
    pub granted_by: OrgId,
    pub granted_by_name: String,
    pub year: i64,
    pub level: HonourLevel,
    /// The declaration of the announced titling campaign it was won in (its certificate).
    pub declaration_id: Option<i64>,
    /// Raised by every edit; an edit names the version it read.
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct TitleRow {
    id: i64,
    user_id: i64,
    holder_name: String,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    name: String,
    granted_by: i64,
    granted_by_name: String,
    year: i64,
    level: String,
    declaration_id: Option<i64>,
    version: i64,
}

const TITLE: &str = "SELECT t.id, t.user_id, us.display_name AS holder_name, t.unit_id, u.name AS unit_name,
    u.path AS unit_path, t.name, t.granted_by, g.name AS granted_by_name, t.year, t.level, t.declaration_id,
    t.version
    FROM titles t JOIN organisations u ON u.id = t.unit_id JOIN organisations g ON g.id = t.granted_by
    JOIN users us ON us.id = t.user_id";

impl TryFrom<TitleRow> for Title {
    type Error = AppError;
    fn try_from(r: TitleRow) -> Result<Title> {
        Ok(Title {
            id: r.id,
            user_id: UserId(r.user_id),
            holder_name: r.holder_name,
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            unit_path: r.unit_path,
            name: r.name,
            granted_by: OrgId(r.granted_by),
            granted_by_name: r.granted_by_name,
            year: r.year,
            level: stored("honour level", &r.level, HonourLevel::parse)?,
            declaration_id: r.declaration_id,
            version: r.version,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewTitle {
    pub user_id: UserId,
    pub unit_id: OrgId,
    pub name: String,
    pub granted_by: OrgId,
    pub year: i64,
    pub level: HonourLevel,
}

/// Does the person already hold a title of this name for this year? (Checked before the insert,
/// so that an import can name the row instead of failing on the constraint.)
pub async fn title_held(tx: &mut Tx, user: UserId, name: &str, year: i64) -> Result<bool> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM titles WHERE user_id = $1 AND name = $2 AND year = $3")
                .bind(user)
                .bind(name)
                .bind(year),
        )
        .await?;
    Ok(n > 0)
}

pub async fn insert_title(
    tx: &mut Tx,
    t: &NewTitle,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    insert_title_won(tx, t, None, by, now).await
}

/// Inserts a title, won by `declaration` of an announced titling campaign if it names one,
/// and counts it in the record tally in the same transaction.
pub async fn insert_title_won(
    tx: &mut Tx,
    t: &NewTitle,
    declaration: Option<i64>,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO titles (user_id, unit_id, name, granted_by, year, level, created_by, created_at,
                    declaration_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(t.user_id)
            .bind(t.unit_id)
            .bind(t.name.as_str())
            .bind(t.granted_by)
            .bind(t.year)
            .bind(t.level.as_str())
            .bind(by)
            .bind(now.0)
            .bind(declaration),
        )
        .await?;
    crate::record_tally::recount(tx, crate::record_tally::Record::Title(id), None).await?;
    Ok(id)
}

/// Changes a title if it is still at `version`, raising it and recounting what it counts for;
/// false when someone changed it meanwhile.
pub async fn update_title(tx: &mut Tx, id: i64, t: &NewTitle, version: i64) -> Result<bool> {
    let record = crate::record_tally::Record::Title(id);
    let before = crate::record_tally::counted(tx, record).await?;
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE titles SET user_id = $1, unit_id = $2, name = $3, granted_by = $4, year = $5,
                    level = $6, version = version + 1
                 WHERE id = $7 AND version = $8",
            )
            .bind(t.user_id)
            .bind(t.unit_id)
            .bind(t.name.as_str())
            .bind(t.granted_by)
            .bind(t.year)
            .bind(t.level.as_str())
            .bind(id)
            .bind(version),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    crate::record_tally::recount(tx, record, before).await?;
    Ok(true)
}

pub async fn get_title(tx: &mut Tx, id: i64) -> Result<Option<Title>> {
    get_by_id::<TitleRow, _>(tx, (TITLE, "t.id"), id, Title::try_from).await
}

/// The `WHERE` clause of the filter over titles `t` held by `us` in unit `u`.
pub(super) fn title_filters(b: &mut SqlBuilder, f: &RecordFilter) {
    common(b, f, "t.year", "t.level");
    text_filter(b, f, "t.name || ' ' || us.display_name");
    if let Some(p) = f.person {
        b.push(" AND t.user_id = ").bind(p);
    }
}

pub async fn list_titles(tx: &mut Tx, f: &RecordFilter, page: Page) -> Result<(Vec<Title>, i64)> {
    let filters = |b: &mut SqlBuilder| title_filters(b, f);
    let count = "SELECT COUNT(*) FROM titles t JOIN organisations u ON u.id = t.unit_id JOIN users us ON us.id = t.user_id";
    let order = " ORDER BY t.year DESC, t.id DESC";
    list_page::<TitleRow, _>(tx, (count, TITLE, order), filters, page, Title::try_from).await
}

/// The levels of every title a person holds.
pub async fn honour_levels(tx: &mut Tx, user: UserId) -> Result<Vec<HonourLevel>> {
    let rows: Vec<(String,)> = tx
        .fetch_all(Sql::new("SELECT level FROM titles WHERE user_id = $1").bind(user))
        .await?;
    rows.iter()
        .map(|(l,)| stored("honour level", l, HonourLevel::parse))
        .collect()
}

/// How many records name a person: achievements they completed, skills and methods they created
/// or were trained in, titles they hold. One statement, for their own landing page.
pub async fn person_counts(tx: &mut Tx, user: UserId) -> Result<(i64, i64, i64)> {
    tx.fetch_one(
        Sql::new(
            "SELECT (SELECT COUNT(*) FROM achievement_completers WHERE user_id = $1),
                (SELECT COUNT(*) FROM (SELECT id FROM skills WHERE creator_id = $1
                    UNION SELECT skill_id FROM skill_trainees WHERE user_id = $1) mine),
                (SELECT COUNT(*) FROM titles WHERE user_id = $1)",
        )
        .bind(user),
    )
    .await
}
