//! Programmes and their areas: creating a programme, finding it by id or code, listing those
//! in a scope, and its areas.

use crate::sql::{Arg, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{OrgId, ProgrammeId, Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Programme {
    pub id: ProgrammeId,
    pub owner_org_id: OrgId,
    pub owner_name: String,
    pub owner_name_en: Option<String>,
    pub owner_path: String,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
}

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    id: i64,
    owner_org_id: i64,
    owner_name: String,
    owner_name_en: Option<String>,
    owner_path: String,
    code: String,
    name: String,
    name_en: Option<String>,
    start_year: i64,
    plan_name: Option<String>,
    plan_url: Option<String>,
    summary: String,
}

impl From<ProgrammeRow> for Programme {
    fn from(r: ProgrammeRow) -> Self {
        Programme {
            id: ProgrammeId(r.id),
            owner_org_id: OrgId(r.owner_org_id),
            owner_name: r.owner_name,
            owner_name_en: r.owner_name_en,
            owner_path: r.owner_path,
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            start_year: r.start_year,
            plan_name: r.plan_name,
            plan_url: r.plan_url,
            summary: r.summary,
        }
    }
}

const PROGRAMME: &str = "SELECT p.id, p.owner_org_id, o.name AS owner_name, o.name_en AS owner_name_en,
    o.path AS owner_path, p.code, p.name, p.name_en, p.start_year, p.plan_name, p.plan_url, p.summary
    FROM programmes p JOIN organisations o ON o.id = p.owner_org_id";

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub owner_org_id: OrgId,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
}

pub async fn insert_programme(
    tx: &mut Tx,
    p: &NewProgramme,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<ProgrammeId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO programmes (owner_org_id, code, name, name_en, start_year, plan_name, plan_url,
                 summary, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(p.owner_org_id)
            .bind(p.code.as_str())
            .bind(p.name.as_str())
            .bind(p.name_en.as_deref())
            .bind(p.start_year)
            .bind(p.plan_name.as_deref())
            .bind(p.plan_url.as_deref())
            .bind(p.summary.as_str())
            .bind(by)
            .bind(now),
        )
        .await?;
    Ok(ProgrammeId(id))
}

pub async fn get_programme(tx: &mut Tx, id: ProgrammeId) -> Result<Option<Programme>> {
    let row: Option<ProgrammeRow> = tx
        .fetch_optional(Sql {
            text: format!("{PROGRAMME} WHERE p.id = $1").into(),
            args: vec![Arg::Int(Some(id.0))],
        })
        .await?;
    Ok(row.map(Into::into))
}

pub async fn programme_by_code(tx: &mut Tx, code: &str) -> Result<Option<Programme>> {
    let row: Option<ProgrammeRow> = tx
        .fetch_optional(Sql {
            text: format!("{PROGRAMME} WHERE p.code = $1").into(),
            args: vec![Arg::Text(Some(code.to_string()))],
        })
        .await?;
    Ok(row.map(Into::into))
}

/// Every programme whose owner lies in `scope` (None: all).
pub async fn list_programmes(
    tx: &mut Tx,
    scope: Option<&ingot_domain::OrgScope>,
) -> Result<Vec<Programme>> {
    let mut b = SqlBuilder::new(PROGRAMME);
    b.push(" WHERE 1 = 1");
    if let Some(scope) = scope {
        b.push(" AND ").scope("o.path", scope);
    }
    b.push(" ORDER BY p.start_year DESC, p.id");
    let rows: Vec<ProgrammeRow> = tx.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Area {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub position: i64,
    pub infrastructure: bool,
}

pub async fn insert_area(tx: &mut Tx, programme: ProgrammeId, area: &Area) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO programme_areas (programme_id, code, name, name_en, position, infrastructure)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(programme.0)
            .bind(area.code.as_str())
            .bind(area.name.as_str())
            .bind(area.name_en.as_deref())
            .bind(area.position)
            .bind(area.infrastructure),
        )
        .await?;
    Ok(id)
}

pub async fn areas(tx: &mut Tx, programme: ProgrammeId) -> Result<Vec<Area>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, code, name, name_en, position, infrastructure FROM programme_areas
             WHERE programme_id = $1 ORDER BY position, id",
        )
        .bind(programme.0),
    )
    .await
}
