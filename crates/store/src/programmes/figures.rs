//! A programme's award tallies and the figures computed from its rows: totals for the
//! programme or one area, and the talent counted once per person and institution.

use super::people::PARTICIPANTS;
use super::stored;
use crate::sql::{Arg, Sql};
use crate::{Result, Tx};
use ingot_domain::ProgrammeId;
use ingot_domain::programme::{Figures, FundingSource, OutputKind};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AwardTally {
    pub award: String,
    pub region_total: i64,
    pub programme_won: i64,
}

pub async fn upsert_award(tx: &mut Tx, programme: ProgrammeId, a: &AwardTally) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO programme_awards (programme_id, award, region_total, programme_won)
             VALUES ($1, $2, $3, $4) ON CONFLICT (programme_id, award)
             DO UPDATE SET region_total = excluded.region_total, programme_won = excluded.programme_won",
        )
        .bind(programme.0)
        .bind(a.award.as_str())
        .bind(a.region_total)
        .bind(a.programme_won),
    )
    .await?;
    Ok(())
}

pub async fn awards(tx: &mut Tx, programme: ProgrammeId) -> Result<Vec<AwardTally>> {
    tx.fetch_all(
        Sql::new(
            "SELECT award, region_total, programme_won FROM programme_awards
             WHERE programme_id = $1 ORDER BY id",
        )
        .bind(programme.0),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Figures

/// The figures of a programme's areas (`None`: tasks in no area), in four statements however
/// many areas there are; the programme's own are their sum.
pub async fn figures_by_area(
    tx: &mut Tx,
    programme: ProgrammeId,
) -> Result<HashMap<Option<i64>, Figures>> {
    let mut out: HashMap<Option<i64>, Figures> = HashMap::new();
    let rows: Vec<(Option<i64>, i64, i64)> = tx
        .fetch_all(
            Sql::new(
                "SELECT t.area_id, COUNT(*), CAST(COALESCE(SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM programme_tasks t WHERE t.programme_id = $1 GROUP BY t.area_id",
            )
            .bind(programme.0),
        )
        .await?;
    for (area, tasks, completed) in rows {
        let f = out.entry(area).or_default();
        (f.tasks, f.tasks_completed) = (tasks, completed);
    }
    let rows: Vec<(Option<i64>, String, i64, i64)> = tx
        .fetch_all(
            Sql::new(
                "SELECT t.area_id, f.source, CAST(COALESCE(SUM(f.planned_cents), 0) AS BIGINT), CAST(COALESCE(SUM(f.actual_cents), 0) AS BIGINT)
                 FROM programme_funding f JOIN programme_tasks t ON t.id = f.task_id WHERE t.programme_id = $1
                 GROUP BY t.area_id, f.source",
            )
            .bind(programme.0),
        )
        .await?;
    for (area, source, planned, actual) in rows {
        let f = out.entry(area).or_default();
        match stored("funding source", &source, FundingSource::parse)? {
            FundingSource::Fiscal => {
                f.fiscal_planned_cents = planned;
                f.fiscal_actual_cents = actual;
            }
            FundingSource::Social => {
                f.social_planned_cents = planned;
                f.social_actual_cents = actual;
            }
        }
    }
    let rows: Vec<(Option<i64>, String, i64, i64)> = tx
        .fetch_all(
            Sql::new(
                "SELECT t.area_id, x.kind, CAST(COALESCE(SUM(x.quantity), 0) AS BIGINT), CAST(COALESCE(SUM(x.value_cents), 0) AS BIGINT)
                 FROM programme_outputs x JOIN programme_tasks t ON t.id = x.task_id WHERE x.programme_id = $1
                 GROUP BY t.area_id, x.kind",
            )
            .bind(programme.0),
        )
        .await?;
    for (area, kind, quantity, value) in rows {
        let f = out.entry(area).or_default();
        match stored("output kind", &kind, OutputKind::parse)? {
            OutputKind::PilotLine => f.pilot_lines = quantity,
            OutputKind::NewProduct => f.new_products = quantity,
            OutputKind::AdoptingCompany => f.adopting_companies = quantity,
            OutputKind::AddedValue => f.added_value_cents = value,
            OutputKind::Achievement => f.achievements = quantity,
            OutputKind::Patent => f.patents = quantity,
        }
    }
    let rows: Vec<(Option<i64>, i64, i64)> = tx
        .fetch_all(
            Sql::new(
                "SELECT t.area_id, COUNT(*), COUNT(m.done_on) FROM programme_milestones m
                 JOIN programme_tasks t ON t.id = m.task_id WHERE t.programme_id = $1 GROUP BY t.area_id",
            )
            .bind(programme.0),
        )
        .await?;
    for (area, milestones, done) in rows {
        let f = out.entry(area).or_default();
        (f.milestones, f.milestones_done) = (milestones, done);
    }
    Ok(out)
}

/// People counted once each, however many tasks they join; institutions counted once each.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Talent {
    pub researchers: i64,
    pub academicians: i64,
    pub institutions: i64,
}

pub async fn talent(tx: &mut Tx, programme: ProgrammeId) -> Result<Talent> {
    let (researchers, academicians): (i64, i64) = tx
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN academician THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM programme_people WHERE programme_id = $1",
            )
            .bind(programme.0),
        )
        .await?;
    let (institutions,): (i64,) = tx
        .fetch_one(Sql {
            text: format!("SELECT COUNT(*) FROM ({PARTICIPANTS}) participants").into(),
            args: vec![Arg::Int(Some(programme.0))],
        })
        .await?;
    Ok(Talent {
        researchers,
        academicians,
        institutions,
    })
}
