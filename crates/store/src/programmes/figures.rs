//! A programme's award tallies and the figures computed from its rows: totals for the
//! programme or one area, and the talent counted once per person and institution.

use super::people::PARTICIPANTS;
use super::stored;
use crate::sql::{Arg, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::ProgrammeId;
use ingot_domain::programme::{Figures, FundingSource, OutputKind};

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

/// The figures of a programme, or of one of its areas.
pub async fn figures(tx: &mut Tx, programme: ProgrammeId, area: Option<i64>) -> Result<Figures> {
    let mut out = Figures::default();
    let mut b = SqlBuilder::new(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM programme_tasks t WHERE t.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    (out.tasks, out.tasks_completed) = tx.fetch_one(b.build()).await?;

    let mut b = SqlBuilder::new(
        "SELECT f.source, CAST(COALESCE(SUM(f.planned_cents), 0) AS BIGINT), CAST(COALESCE(SUM(f.actual_cents), 0) AS BIGINT)
         FROM programme_funding f JOIN programme_tasks t ON t.id = f.task_id WHERE t.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    b.push(" GROUP BY f.source");
    let rows: Vec<(String, i64, i64)> = tx.fetch_all(b.build()).await?;
    for (source, planned, actual) in rows {
        match stored("funding source", &source, FundingSource::parse)? {
            FundingSource::Fiscal => {
                out.fiscal_planned_cents = planned;
                out.fiscal_actual_cents = actual;
            }
            FundingSource::Social => {
                out.social_planned_cents = planned;
                out.social_actual_cents = actual;
            }
        }
    }

    let mut b = SqlBuilder::new(
        "SELECT x.kind, CAST(COALESCE(SUM(x.quantity), 0) AS BIGINT), CAST(COALESCE(SUM(x.value_cents), 0) AS BIGINT)
         FROM programme_outputs x JOIN programme_tasks t ON t.id = x.task_id WHERE x.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    b.push(" GROUP BY x.kind");
    let rows: Vec<(String, i64, i64)> = tx.fetch_all(b.build()).await?;
    for (kind, quantity, value) in rows {
        match stored("output kind", &kind, OutputKind::parse)? {
            OutputKind::PilotLine => out.pilot_lines = quantity,
            OutputKind::NewProduct => out.new_products = quantity,
            OutputKind::AdoptingCompany => out.adopting_companies = quantity,
            OutputKind::AddedValue => out.added_value_cents = value,
            OutputKind::Achievement => out.achievements = quantity,
            OutputKind::Patent => out.patents = quantity,
        }
    }

    let mut b = SqlBuilder::new(
        "SELECT COUNT(*), COUNT(m.done_on) FROM programme_milestones m
         JOIN programme_tasks t ON t.id = m.task_id WHERE t.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    (out.milestones, out.milestones_done) = tx.fetch_one(b.build()).await?;
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
