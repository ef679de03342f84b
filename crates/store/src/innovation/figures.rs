//! A year's figures of the innovation records within a unit.

use crate::sql::SqlBuilder;
use crate::{Result, Tx};
use ingot_domain::OrgScope;
use ingot_domain::innovation::YearFigures;

/// The year's figures of the records of the units within `within`: achievements, skills and
/// methods, proposals put forward, patents, people titled `title` (any title if `None`) and the
/// verified benefit of the achievements.
pub async fn year_figures(
    tx: &mut Tx,
    within: &OrgScope,
    year: i64,
    title: Option<&str>,
) -> Result<YearFigures> {
    let count = |table: &'static str| {
        let mut b = SqlBuilder::new("SELECT COUNT(*), CAST(0 AS BIGINT)");
        b.push(table);
        b.push(" JOIN organisations u ON u.id = x.unit_id WHERE x.year = ")
            .bind(year);
        b.push(" AND ");
        b.scope("u.path", within);
        b.build()
    };
    let (achievements, _): (i64, i64) = tx.fetch_one(count(" FROM achievements x")).await?;
    let (skills, _): (i64, i64) = tx.fetch_one(count(" FROM skills x")).await?;
    let (patents, _): (i64, i64) = tx.fetch_one(count(" FROM patents x")).await?;
    let mut b = SqlBuilder::new(
        "SELECT CAST(COALESCE(SUM(x.benefit_verified_cents), 0) AS BIGINT) FROM achievements x
         JOIN organisations u ON u.id = x.unit_id WHERE x.year = ",
    );
    b.bind(year).push(" AND ");
    b.scope("u.path", within);
    let (verified_benefit_cents,): (i64,) = tx.fetch_one(b.build()).await?;
    let mut b = SqlBuilder::new(
        "SELECT COUNT(DISTINCT x.user_id) FROM titles x JOIN organisations u ON u.id = x.unit_id WHERE x.year = ",
    );
    b.bind(year);
    if let Some(t) = title {
        b.push(" AND x.name = ").bind(t);
    }
    b.push(" AND ");
    b.scope("u.path", within);
    let (titled_people,): (i64,) = tx.fetch_one(b.build()).await?;
    let mut b = SqlBuilder::new(
        "SELECT CAST(COALESCE(SUM(r.put_forward), 0) AS BIGINT) FROM proposal_rollup r JOIN organisations u ON u.id = r.org_id
         WHERE r.period >= ",
    );
    // Saturating: a year from a query string may be any i64.
    b.bind(year.saturating_mul(100))
        .push(" AND r.period < ")
        .bind(year.saturating_add(1).saturating_mul(100))
        .push(" AND ");
    b.scope("u.path", within);
    let (proposals,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(YearFigures {
        achievements,
        skills,
        proposals,
        patents,
        titled_people,
        verified_benefit_cents,
    })
}
