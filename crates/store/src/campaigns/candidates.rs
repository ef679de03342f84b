//! What a best-proposals or titling campaign attaches: the implemented proposals and the people
//! with records a declarer may choose from, and a person's records as reviewers read them.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{OrgScope, UserId};
use serde::Serialize;

/// Most candidates a declaring form offers; the API takes any id and checks it.
const CANDIDATES_MAX: i64 = 200;

/// A proposal or a person that may be declared, as the declaring form lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub year: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
}

/// Implemented proposals (implemented, benefit verified or rewarded) of units within `scope`,
/// newest first.
pub async fn implemented_proposals(tx: &mut Tx, scope: &OrgScope) -> Result<Vec<Candidate>> {
    let mut b = SqlBuilder::new(
        "SELECT p.id, p.title, u.name AS unit_name, p.period / 100 AS year, p.benefit_verified_cents
         FROM proposals p JOIN organisations u ON u.id = p.unit_id
         WHERE p.status IN ('implemented', 'verified', 'rewarded') AND ",
    );
    b.scope("u.path", scope)
        .push(" ORDER BY p.id DESC LIMIT ")
        .bind(CANDIDATES_MAX);
    tx.fetch_all(b.build()).await
}

/// Active people of units within `scope` who hold at least one record (an achievement they
/// completed, a skill or method they created, a title), by name.
pub async fn people_with_records(tx: &mut Tx, scope: &OrgScope) -> Result<Vec<Candidate>> {
    let mut b = SqlBuilder::new(
        "SELECT us.id, us.display_name AS title, u.name AS unit_name, CAST(NULL AS BIGINT) AS year,
            CAST(NULL AS BIGINT) AS benefit_verified_cents
         FROM users us JOIN organisations u ON u.id = us.org_id
         WHERE us.active = TRUE
           AND (EXISTS (SELECT 1 FROM achievement_completers c WHERE c.user_id = us.id)
             OR EXISTS (SELECT 1 FROM skills s WHERE s.creator_id = us.id)
             OR EXISTS (SELECT 1 FROM titles t WHERE t.user_id = us.id))
           AND ",
    );
    b.scope("u.path", scope)
        .push(" ORDER BY us.display_name, us.id LIMIT ")
        .bind(CANDIDATES_MAX);
    tx.fetch_all(b.build()).await
}

/// One record a person holds: `kind` is `achievement` (completed), `patent` (of an achievement
/// they completed), `skill` (created) or `title` (held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HeldRecord {
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub year: i64,
}

/// Everything a declared person holds, for the reviewers of a titling campaign: by kind, newest
/// first.
pub async fn held_records(tx: &mut Tx, user: UserId) -> Result<Vec<HeldRecord>> {
    tx.fetch_all(
        Sql::new(
            "SELECT 'achievement' AS kind, a.id, a.title AS name, a.year
             FROM achievements a JOIN achievement_completers c ON c.achievement_id = a.id
             WHERE c.user_id = $1
             UNION ALL
             SELECT DISTINCT 'patent', pt.id, pt.title, pt.year
             FROM patents pt JOIN achievement_patents ap ON ap.patent_id = pt.id
             JOIN achievement_completers c ON c.achievement_id = ap.achievement_id
             WHERE c.user_id = $1
             UNION ALL
             SELECT 'skill', s.id, s.name, s.year FROM skills s WHERE s.creator_id = $1
             UNION ALL
             SELECT 'title', t.id, t.name, t.year FROM titles t WHERE t.user_id = $1
             ORDER BY 1, 4 DESC, 2 DESC",
        )
        .bind(user),
    )
    .await
}

/// What each of `people` holds, as `held_records` reads it for one, in one statement: (person,
/// record), by person, then kind, newest first.
pub async fn held_records_of(tx: &mut Tx, people: &[i64]) -> Result<Vec<(i64, HeldRecord)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT c.user_id, 'achievement' AS kind, a.id, a.title AS name, a.year
         FROM achievements a JOIN achievement_completers c ON c.achievement_id = a.id
         WHERE c.user_id IN ",
    );
    b.values(people);
    b.push(
        " UNION ALL
         SELECT DISTINCT c.user_id, 'patent', pt.id, pt.title, pt.year
         FROM patents pt JOIN achievement_patents ap ON ap.patent_id = pt.id
         JOIN achievement_completers c ON c.achievement_id = ap.achievement_id
         WHERE c.user_id IN ",
    );
    b.values(people);
    b.push(" UNION ALL SELECT s.creator_id, 'skill', s.id, s.name, s.year FROM skills s WHERE s.creator_id IN ");
    b.values(people);
    b.push(" UNION ALL SELECT t.user_id, 'title', t.id, t.name, t.year FROM titles t WHERE t.user_id IN ");
    b.values(people);
    b.push(" ORDER BY 1, 2, 5 DESC, 3 DESC");
    let rows: Vec<(i64, String, i64, String, i64)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .map(|(person, kind, id, name, year)| {
            (
                person,
                HeldRecord {
                    kind,
                    id,
                    name,
                    year,
                },
            )
        })
        .collect())
}

/// The people named on a proposal (proposer and co-proposers), for conflicts of interest.
pub async fn proposal_people(tx: &mut Tx, proposals: &[i64]) -> Result<Vec<(i64, i64)>> {
    if proposals.is_empty() {
        return Ok(Vec::new());
    }
    let mut b =
        SqlBuilder::new("SELECT proposal_id, user_id FROM proposal_people WHERE proposal_id IN ");
    b.values(proposals);
    tx.fetch_all(b.build()).await
}
