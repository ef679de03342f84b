//! Rankings of the units below a federation for a year: by the awards they won (the campaign
//! points table: 10 for a first prize, 6 second, 3 third, 1 excellent), proposals per hundred
//! employees, implementation rate, or verified benefit. Pure: figures in, ranked rows out.

use super::YearTallies;
use crate::campaign::Tier;
use crate::studio::code_enum;
use serde::{Deserialize, Serialize};

code_enum!(
    /// What units are ranked by.
    RankBy {
        Awards = "awards",
        ProposalsPerHundred = "proposals_per_hundred",
        ImplementationRate = "implementation_rate",
        Benefit = "benefit",
    }
);

/// One unit's figures in a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankRow {
    /// 1 for the best; units with the same figure share a rank.
    pub rank: usize,
    pub org_id: i64,
    pub points: i64,
    /// First, second and third prizes (not excellent achievements).
    pub prizes: i64,
    pub put_forward: i64,
    pub implemented: i64,
    /// Active people of the unit's subtree now.
    pub people: i64,
    /// Proposals put forward per hundred people, in hundredths (1234 = 12.34).
    pub per_hundred_x100: Option<i64>,
    /// Implemented per put forward, in basis points.
    pub rate_bp: Option<i64>,
    /// Verified benefit of achievements and proposals, in fen.
    pub benefit_cents: i64,
}

impl RankRow {
    pub fn of(org_id: i64, t: &YearTallies, people: i64) -> RankRow {
        let (mut points, mut prizes) = (0, 0);
        for (metric, n) in &t.records {
            let Some(rest) = metric.strip_prefix("awards:") else {
                continue;
            };
            if let Some(tier) = rest.rsplit(':').next().and_then(Tier::parse) {
                points += n * tier.weight();
                prizes += if tier.is_prize() { *n } else { 0 };
            }
        }
        RankRow {
            rank: 0,
            org_id,
            points,
            prizes,
            put_forward: t.put_forward,
            implemented: t.implemented,
            people,
            per_hundred_x100: (people > 0).then(|| t.put_forward * 10_000 / people),
            rate_bp: (t.put_forward > 0).then(|| t.implemented * 10_000 / t.put_forward),
            benefit_cents: t.value(super::Figure::Benefit) + t.proposal_benefit_cents,
        }
    }

    /// The figure ranked by; units without one (no people, no proposals) come last.
    fn key(&self, by: RankBy) -> (bool, i64, i64) {
        match by {
            RankBy::Awards => (true, self.points, self.prizes),
            RankBy::ProposalsPerHundred => (
                self.per_hundred_x100.is_some(),
                self.per_hundred_x100.unwrap_or(0),
                0,
            ),
            RankBy::ImplementationRate => (self.rate_bp.is_some(), self.rate_bp.unwrap_or(0), 0),
            RankBy::Benefit => (true, self.benefit_cents, 0),
        }
    }
}

/// Sorts best first and numbers the ranks, ties sharing one; `name` orders ties.
pub fn rank(rows: &mut [RankRow], by: RankBy, name: impl Fn(i64) -> String) {
    rows.sort_by(|a, b| {
        b.key(by)
            .cmp(&a.key(by))
            .then_with(|| name(a.org_id).cmp(&name(b.org_id)))
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].key(by) == rows[i - 1].key(by) {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(
        org: i64,
        awards: &[(&str, i64)],
        put_forward: i64,
        implemented: i64,
        people: i64,
    ) -> RankRow {
        let t = YearTallies {
            records: awards.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
            put_forward,
            implemented,
            ..Default::default()
        };
        RankRow::of(org, &t, people)
    }

    #[test]
    fn awards_count_points_by_tier_at_every_level() {
        let awards = [
            ("awards:national:first", 1),
            ("awards:city:third", 3),
            ("awards:city:excellent", 2),
        ];
        let r = unit(1, &awards, 0, 0, 0);
        assert_eq!((r.points, r.prizes), (10 + 9 + 2, 4));
    }

    #[test]
    fn ties_share_a_rank_and_units_without_a_figure_come_last() {
        let mut rows = vec![
            unit(1, &[], 30, 10, 0),
            unit(2, &[], 35, 30, 100),
            unit(3, &[], 70, 60, 200),
            unit(4, &[], 10, 5, 100),
        ];
        rank(&mut rows, RankBy::ProposalsPerHundred, |id| id.to_string());
        let order: Vec<(i64, usize)> = rows.iter().map(|r| (r.org_id, r.rank)).collect();
        assert_eq!(order, [(2, 1), (3, 1), (4, 3), (1, 4)]);
        rank(&mut rows, RankBy::ImplementationRate, |id| id.to_string());
        assert_eq!(rows[0].org_id, 2, "30 of 35 is 85.7%");
        assert_eq!(rows[0].rate_bp, Some(8571));
    }
}
