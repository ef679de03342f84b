//! What the search index reads: searchable records as plain rows, and the change log it follows.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::Timestamp;
use ingot_domain::time::Date;

/// A proposal as the index sees it.
#[derive(Debug, Clone)]
pub struct ProposalDoc {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub body: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub unit_name: String,
    pub period: Option<i64>,
    pub created_at: i64,
    pub status: String,
    pub owners: Vec<i64>,
}

fn in_list(b: &mut SqlBuilder, column: &'static str, ids: &[i64]) {
    b.push(" AND ").push(column).push(" IN ").values(ids);
}

/// All proposals, or those with the given ids.
pub async fn proposals(tx: &mut Tx, ids: Option<&[i64]>) -> Result<Vec<ProposalDoc>> {
    if ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    type Row = (
        i64,
        Option<String>,
        String,
        String,
        String,
        String,
        i64,
        String,
        String,
        Option<i64>,
        i64,
        String,
    );
    let mut b = SqlBuilder::new(
        "SELECT p.id, p.number, p.title, p.problem, p.proposed_change, p.expected_effect, p.unit_id, o.path, o.name,
                p.period, p.created_at, p.status
         FROM proposals p JOIN organisations o ON o.id = p.unit_id WHERE 1 = 1",
    );
    if let Some(ids) = ids {
        in_list(&mut b, "p.id", ids);
    }
    b.push(" ORDER BY p.id");
    let rows: Vec<Row> = tx.fetch_all(b.build()).await?;
    let mut people =
        SqlBuilder::new("SELECT pp.proposal_id, pp.user_id FROM proposal_people pp WHERE 1 = 1");
    if let Some(ids) = ids {
        in_list(&mut people, "pp.proposal_id", ids);
    }
    people.push(" ORDER BY pp.proposal_id, pp.position");
    let named: Vec<(i64, i64)> = tx.fetch_all(people.build()).await?;
    let mut out: Vec<ProposalDoc> = rows
        .into_iter()
        .map(|r| ProposalDoc {
            id: r.0,
            number: r.1,
            title: r.2,
            body: format!("{}\n{}\n{}", r.3, r.4, r.5),
            unit_id: r.6,
            unit_path: r.7,
            unit_name: r.8,
            period: r.9,
            created_at: r.10,
            status: r.11,
            owners: Vec::new(),
        })
        .collect();
    // Both lists are ordered by proposal id: one merge pass.
    let mut at = 0;
    for doc in &mut out {
        while at < named.len() && named[at].0 < doc.id {
            at += 1;
        }
        while at < named.len() && named[at].0 == doc.id {
            doc.owners.push(named[at].1);
            at += 1;
        }
    }
    Ok(out)
}

/// A person as the index sees them.
#[derive(Debug, Clone)]
pub struct PersonDoc {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub created_at: i64,
    pub active: bool,
}

pub async fn people(tx: &mut Tx, ids: Option<&[i64]>) -> Result<Vec<PersonDoc>> {
    if ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    type Row = (i64, String, String, i64, String, String, i64, bool);
    let mut b = SqlBuilder::new(
        "SELECT u.id, u.username, u.display_name, u.org_id, o.path, o.name, u.created_at, u.active
         FROM users u JOIN organisations o ON o.id = u.org_id WHERE 1 = 1",
    );
    if let Some(ids) = ids {
        in_list(&mut b, "u.id", ids);
    }
    b.push(" ORDER BY u.id");
    let rows: Vec<Row> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .map(|r| PersonDoc {
            id: r.0,
            username: r.1,
            display_name: r.2,
            org_id: r.3,
            org_path: r.4,
            org_name: r.5,
            created_at: r.6,
            active: r.7,
        })
        .collect())
}

/// A studio as the index sees it: published (its page is public), found by its name, lead,
/// fields, address and description.
#[derive(Debug, Clone)]
pub struct StudioDoc {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub unit_name: String,
    pub founded_on: Date,
    pub status: String,
}

pub async fn studios(tx: &mut Tx, ids: Option<&[i64]>) -> Result<Vec<StudioDoc>> {
    if ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        String,
        String,
        Date,
        String,
    );
    let mut b = SqlBuilder::new(
        "SELECT s.id, s.name, s.description, s.address, u.display_name, s.unit_id, o.path, o.name,
                s.founded_on, s.status
         FROM studios s JOIN organisations o ON o.id = s.unit_id JOIN users u ON u.id = s.lead_id
         WHERE 1 = 1",
    );
    if let Some(ids) = ids {
        in_list(&mut b, "s.id", ids);
    }
    b.push(" ORDER BY s.id");
    let rows: Vec<Row> = tx.fetch_all(b.build()).await?;
    let mut fields = SqlBuilder::new("SELECT studio_id, field FROM studio_fields WHERE 1 = 1");
    if let Some(ids) = ids {
        in_list(&mut fields, "studio_id", ids);
    }
    fields.push(" ORDER BY studio_id, field");
    let fields: Vec<(i64, String)> = tx.fetch_all(fields.build()).await?;
    // Both lists are ordered by studio id: one merge pass.
    let mut at = 0;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut of_studio: Vec<&str> = Vec::new();
            while at < fields.len() && fields[at].0 < r.0 {
                at += 1;
            }
            while at < fields.len() && fields[at].0 == r.0 {
                of_studio.push(&fields[at].1);
                at += 1;
            }
            StudioDoc {
                id: r.0,
                // Description first: the snippet of an unmatched body is its start. Fields are codes
                // (found by English words), last.
                body: format!("{}\n{}\n{}\n{}", r.2, r.3, r.4, of_studio.join(" ")),
                name: r.1,
                unit_id: r.5,
                unit_path: r.6,
                unit_name: r.7,
                founded_on: r.8,
                status: r.9,
            }
        })
        .collect())
}

/// An innovation record as the index sees it: an achievement (its kind as the status facet) or
/// a patent (its number in the title, its status).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecordDoc {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub unit_name: String,
    pub year: i64,
    pub status: String,
}

fn records_query(select: &'static str, alias: &'static str, ids: Option<&[i64]>) -> Sql {
    let mut b = SqlBuilder::new(select);
    if let Some(ids) = ids {
        in_list(&mut b, alias, ids);
    }
    // In id order, as every index is built, so both engines rank equals alike.
    b.push(" ORDER BY 1");
    b.build()
}

pub async fn achievements(tx: &mut Tx, ids: Option<&[i64]>) -> Result<Vec<RecordDoc>> {
    if ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    tx.fetch_all(records_query(
        "SELECT a.id, a.title, a.summary || ' ' || a.field || ' ' || COALESCE(a.production_site, '') AS body,
                a.unit_id, o.path AS unit_path, o.name AS unit_name, a.year, a.kind AS status
         FROM achievements a JOIN organisations o ON o.id = a.unit_id WHERE 1 = 1",
        "a.id",
        ids,
    ))
    .await
}

pub async fn patents(tx: &mut Tx, ids: Option<&[i64]>) -> Result<Vec<RecordDoc>> {
    if ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    tx.fetch_all(records_query(
        "SELECT p.id, p.title || ' ' || p.number AS title, p.inventors AS body,
                p.unit_id, o.path AS unit_path, o.name AS unit_name, p.year, p.status
         FROM patents p JOIN organisations o ON o.id = p.unit_id WHERE 1 = 1",
        "p.id",
        ids,
    ))
    .await
}

/// One change to follow: (change id, object type, object id).
pub type Change = (i64, String, i64);

/// Changes after `after_id`, plus every change since `since` whatever its id: on PostgreSQL a
/// lower id may commit after a higher one was read, and re-reading a short window catches it.
pub async fn changes(
    tx: &mut Tx,
    after_id: i64,
    since: Timestamp,
    limit: i64,
) -> Result<Vec<Change>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, object_type, object_id FROM change_log WHERE id > $1 OR at >= $2 ORDER BY id LIMIT $3",
        )
        .bind(after_id)
        .bind(since)
        .bind(limit),
    )
    .await
}

pub async fn last_change(tx: &mut Tx) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(Sql::new(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM change_log",
        ))
        .await?;
    Ok(id)
}
