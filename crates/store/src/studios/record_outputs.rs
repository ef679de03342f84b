//! What a studio's members produced while they were members, read from the records themselves:
//! achievements with a member among their completers, the patents linked to those achievements,
//! the proposals members put forward, and the skills and methods named after a member. Each is
//! found through its index by person, so a studio's page costs what its own members' records
//! cost, whatever the size of the tables.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::time::Date;
use ingot_domain::{StudioId, Timestamp};
use serde::Serialize;

/// An achievement's date for the period test: finished, else the end of the year it counts in.
macro_rules! achievement_on {
    () => {
        "COALESCE(a.finished_on, CAST(a.year AS TEXT) || '-12-31')"
    };
}

/// Achievements of the studio's members within their membership and the studio's life.
macro_rules! members_achievements {
    () => {
        concat!(
            "SELECT DISTINCT a.id FROM achievements a
             JOIN achievement_completers c ON c.achievement_id = a.id
             JOIN studio_members m ON m.user_id = c.user_id
             JOIN studios s ON s.id = m.studio_id
             WHERE m.studio_id = $1 AND ",
            achievement_on!(),
            " >= m.joined_on AND ",
            achievement_on!(),
            " >= s.founded_on AND (m.left_on IS NULL OR ",
            achievement_on!(),
            " <= m.left_on)"
        )
    };
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputAchievement {
    pub id: i64,
    pub title: String,
    pub year: i64,
    /// Put into production: the achievement counts as transformed.
    pub in_production_since: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputPatent {
    pub id: i64,
    pub number: String,
    pub title: String,
    /// invention, utility_model, design.
    pub kind: String,
    /// applied, granted, rejected, lapsed.
    pub status: String,
    pub applied_on: Date,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutputProposal {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub status: String,
    pub submitted_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutputSkill {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub year: i64,
}

/// The members' achievements and the patents linked to them, in one statement: a row per
/// achievement and linked patent (a patent linked to two of them is listed once).
pub async fn member_achievements_and_patents(
    tx: &mut Tx,
    studio: StudioId,
) -> Result<(Vec<OutputAchievement>, Vec<OutputPatent>)> {
    type Row = (
        i64,
        String,
        i64,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Date>,
    );
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(concat!(
                "SELECT a.id, a.title, a.year, a.in_production_since,
                    p.id, p.number, p.title, p.kind, p.status, p.applied_on
                 FROM achievements a
                 LEFT JOIN achievement_patents ap ON ap.achievement_id = a.id
                 LEFT JOIN patents p ON p.id = ap.patent_id
                 WHERE a.id IN (",
                members_achievements!(),
                ") ORDER BY a.year, a.id, p.applied_on, p.id"
            ))
            .bind(studio.0),
        )
        .await?;
    let (mut achievements, mut patents): (Vec<OutputAchievement>, Vec<OutputPatent>) =
        (Vec::new(), Vec::new());
    for (id, title, year, in_production_since, patent, number, ptitle, kind, status, applied) in
        rows
    {
        if achievements.last().is_none_or(|a| a.id != id) {
            achievements.push(OutputAchievement {
                id,
                title,
                year,
                in_production_since,
            });
        }
        if let (Some(pid), Some(number), Some(ptitle), Some(kind), Some(status), Some(applied)) =
            (patent, number, ptitle, kind, status, applied)
            && !patents.iter().any(|p| p.id == pid)
        {
            patents.push(OutputPatent {
                id: pid,
                number,
                title: ptitle,
                kind,
                status,
                applied_on: applied,
            });
        }
    }
    patents.sort_by_key(|p| (p.applied_on, p.id));
    Ok((achievements, patents))
}

/// Proposals members put forward (not drafts, withdrawn or duplicates) while members; the day of
/// an instant depends on the deployment's offset from UTC.
pub async fn member_proposals(
    tx: &mut Tx,
    studio: StudioId,
    utc_offset_ms: i64,
) -> Result<Vec<OutputProposal>> {
    type Row = (
        i64,
        Option<String>,
        String,
        String,
        i64,
        Date,
        Date,
        Option<Date>,
    );
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(
                "SELECT p.id, p.number, p.title, p.status, p.submitted_at, s.founded_on, m.joined_on, m.left_on
                 FROM proposals p JOIN studio_members m ON m.user_id = p.proposer_id
                 JOIN studios s ON s.id = m.studio_id
                 WHERE m.studio_id = $1 AND p.submitted_at IS NOT NULL
                   AND p.status NOT IN ('draft', 'withdrawn', 'duplicate')
                 ORDER BY p.submitted_at, p.id",
            )
            .bind(studio.0),
        )
        .await?;
    let mut out: Vec<OutputProposal> = Vec::new();
    for (id, number, title, status, at, founded, joined, left) in rows {
        let on = Date::of(Timestamp(at), utc_offset_ms);
        let within = on >= founded && on >= joined && left.is_none_or(|l| on <= l);
        if within && !out.iter().any(|p| p.id == id) {
            out.push(OutputProposal {
                id,
                number,
                title,
                status,
                submitted_at: at,
            });
        }
    }
    Ok(out)
}

pub async fn member_skills(tx: &mut Tx, studio: StudioId) -> Result<Vec<OutputSkill>> {
    tx.fetch_all(
        Sql::new(
            "SELECT DISTINCT k.id, k.name, k.kind, k.year FROM skills k
             JOIN studio_members m ON m.user_id = k.creator_id
             JOIN studios s ON s.id = m.studio_id
             WHERE m.studio_id = $1
               AND CAST(k.year AS TEXT) || '-12-31' >= m.joined_on
               AND CAST(k.year AS TEXT) || '-12-31' >= s.founded_on
               AND (m.left_on IS NULL OR CAST(k.year AS TEXT) || '-01-01' <= m.left_on)
             ORDER BY k.year, k.id",
        )
        .bind(studio.0),
    )
    .await
}
