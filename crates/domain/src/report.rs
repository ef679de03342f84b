//! A unit's annual summary, in the structure of a city federation's published one (Dalian's of
//! 2020): achievements awarded (and how many are domestic firsts or domestic leading), skills and
//! methods, suggestions, patents by type, people titled, economic benefit, studios named by
//! level, awards won at each level, each beside the year before. Pure: the figures come in as
//! the tallies' metrics and leave as lines.

pub mod ranking;

use crate::OrgKind;
use crate::innovation::{ClaimedLevel, HonourLevel, PatentKind, SkillKind};
use crate::studio::Level;
use std::collections::BTreeMap;

/// One figure of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Achievements,
    AchievementsAt(ClaimedLevel),
    /// Verified economic benefit of the year's achievements, in fen.
    Benefit,
    Skills,
    SkillsOfKind(SkillKind),
    ProposalsPutForward,
    ProposalsAdopted,
    ProposalsImplemented,
    /// Verified benefit of the proposals put forward in the year, in fen.
    ProposalBenefit,
    Patents,
    PatentsOfKind(PatentKind),
    PatentsGranted,
    Titles,
    TitlesAt(HonourLevel),
    StudiosNamed(Level),
    /// Awards won in campaigns announced for the year, by the kind of organisation that ran them.
    AwardsBy(OrgKind),
}

/// The lines of the summary, in the order the published summary gives them.
pub const LAYOUT: &[Figure] = &[
    Figure::Achievements,
    Figure::AchievementsAt(ClaimedLevel::DomesticFirst),
    Figure::AchievementsAt(ClaimedLevel::DomesticLeading),
    Figure::Skills,
    Figure::SkillsOfKind(SkillKind::UniqueSkill),
    Figure::SkillsOfKind(SkillKind::OperationMethod),
    Figure::ProposalsPutForward,
    Figure::ProposalsAdopted,
    Figure::ProposalsImplemented,
    Figure::Patents,
    Figure::PatentsOfKind(PatentKind::Invention),
    Figure::PatentsOfKind(PatentKind::UtilityModel),
    Figure::PatentsOfKind(PatentKind::Design),
    Figure::PatentsGranted,
    Figure::Titles,
    Figure::TitlesAt(HonourLevel::National),
    Figure::TitlesAt(HonourLevel::Provincial),
    Figure::TitlesAt(HonourLevel::Municipal),
    Figure::TitlesAt(HonourLevel::Enterprise),
    Figure::Benefit,
    Figure::ProposalBenefit,
    Figure::StudiosNamed(Level::National),
    Figure::StudiosNamed(Level::Provincial),
    Figure::StudiosNamed(Level::Municipal),
    Figure::StudiosNamed(Level::Enterprise),
    Figure::AwardsBy(OrgKind::National),
    Figure::AwardsBy(OrgKind::Province),
    Figure::AwardsBy(OrgKind::City),
    Figure::AwardsBy(OrgKind::District),
];

impl Figure {
    /// A stable code: the API's key and the catalogue's label (`report-<code>`).
    pub fn code(self) -> String {
        match self {
            Figure::Achievements => "achievements".into(),
            Figure::AchievementsAt(l) => format!("achievements.{}", l.as_str()),
            Figure::Benefit => "benefit".into(),
            Figure::Skills => "skills".into(),
            Figure::SkillsOfKind(k) => format!("skills.{}", k.as_str()),
            Figure::ProposalsPutForward => "proposals.put_forward".into(),
            Figure::ProposalsAdopted => "proposals.adopted".into(),
            Figure::ProposalsImplemented => "proposals.implemented".into(),
            Figure::ProposalBenefit => "proposals.benefit".into(),
            Figure::Patents => "patents".into(),
            Figure::PatentsOfKind(k) => format!("patents.{}", k.as_str()),
            Figure::PatentsGranted => "patents.granted".into(),
            Figure::Titles => "titles".into(),
            Figure::TitlesAt(l) => format!("titles.{}", l.as_str()),
            Figure::StudiosNamed(l) => format!("studios_named.{}", l.as_str()),
            Figure::AwardsBy(k) => format!("awards.{}", k.as_str()),
        }
    }

    /// Whether the figure is an amount of money (fen) rather than a count.
    pub fn is_money(self) -> bool {
        matches!(self, Figure::Benefit | Figure::ProposalBenefit)
    }

    /// Whether the line details the line above it (shown indented).
    pub fn is_detail(self) -> bool {
        matches!(
            self,
            Figure::AchievementsAt(_)
                | Figure::SkillsOfKind(_)
                | Figure::ProposalsAdopted
                | Figure::ProposalsImplemented
                | Figure::PatentsOfKind(_)
                | Figure::PatentsGranted
                | Figure::TitlesAt(_)
        )
    }
}

/// What the tallies hold for one year of one unit's subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearTallies {
    /// The record tally's metrics without their year (`achievements:domestic_first`, ...).
    pub records: BTreeMap<String, i64>,
    /// The studio tally's namings of the year, by level.
    pub named: BTreeMap<Level, i64>,
    pub put_forward: i64,
    pub adopted: i64,
    pub implemented: i64,
    pub proposal_benefit_cents: i64,
}

impl YearTallies {
    fn metric(&self, key: &str) -> i64 {
        self.records.get(key).copied().unwrap_or(0)
    }

    /// The sum of the metrics under `prefix` (`patents:` counts every kind).
    fn under(&self, prefix: &str) -> i64 {
        self.records
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn value(&self, figure: Figure) -> i64 {
        match figure {
            Figure::Achievements => self.metric("achievements"),
            Figure::AchievementsAt(l) => self.metric(&format!("achievements:{}", l.as_str())),
            Figure::Benefit => self.metric("benefit"),
            Figure::Skills => self.under("skills:"),
            Figure::SkillsOfKind(k) => self.metric(&format!("skills:{}", k.as_str())),
            Figure::ProposalsPutForward => self.put_forward,
            Figure::ProposalsAdopted => self.adopted,
            Figure::ProposalsImplemented => self.implemented,
            Figure::ProposalBenefit => self.proposal_benefit_cents,
            Figure::Patents => self.under("patents:"),
            Figure::PatentsOfKind(k) => self.metric(&format!("patents:{}", k.as_str())),
            Figure::PatentsGranted => self.under("patents_granted:"),
            Figure::Titles => self.under("titles:"),
            Figure::TitlesAt(l) => self.metric(&format!("titles:{}", l.as_str())),
            Figure::StudiosNamed(l) => self.named.get(&l).copied().unwrap_or(0),
            Figure::AwardsBy(k) => self.under(&format!("awards:{}:", k.as_str())),
        }
    }
}

/// One line: the year's figure and the year before's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryLine {
    pub figure: Figure,
    pub value: i64,
    pub previous: i64,
}

impl SummaryLine {
    pub fn change(&self) -> i64 {
        self.value - self.previous
    }

    /// The change against the year before in tenths of a percent, rounded to the nearest, when
    /// there was one.
    pub fn change_permille(&self) -> Option<i64> {
        (self.previous != 0)
            .then(|| (self.change() as f64 * 1000.0 / self.previous as f64).round() as i64)
    }
}

/// The summary's lines in the published order.
pub fn lines(year: &YearTallies, previous: &YearTallies) -> Vec<SummaryLine> {
    LAYOUT
        .iter()
        .map(|&figure| SummaryLine {
            figure,
            value: year.value(figure),
            previous: previous.value(figure),
        })
        .collect()
}

/// The share of the year's achievements that are domestic firsts or domestic leading, in tenths
/// of a percent.
pub fn leading_share_permille(year: &YearTallies) -> Option<i64> {
    let all = year.value(Figure::Achievements);
    let leading = year.value(Figure::AchievementsAt(ClaimedLevel::DomesticFirst))
        + year.value(Figure::AchievementsAt(ClaimedLevel::DomesticLeading));
    (all > 0).then(|| leading * 1000 / all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tallies(pairs: &[(&str, i64)]) -> YearTallies {
        YearTallies {
            records: pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn totals_add_their_kinds_and_only_theirs() {
        let t = tallies(&[
            ("patents:invention", 12),
            ("patents:utility_model", 20),
            ("patents_granted:invention", 5),
            ("awards:city:first", 2),
            ("awards:city:third", 1),
            ("awards:city_x:first", 7),
        ]);
        assert_eq!(t.value(Figure::Patents), 32);
        assert_eq!(t.value(Figure::PatentsGranted), 5);
        assert_eq!(t.value(Figure::AwardsBy(OrgKind::City)), 3);
    }

    #[test]
    fn the_change_is_against_the_year_before() {
        let line = SummaryLine {
            figure: Figure::Achievements,
            value: 209,
            previous: 190,
        };
        assert_eq!(line.change(), 19);
        assert_eq!(line.change_permille(), Some(100));
        let new = SummaryLine {
            previous: 0,
            ..line
        };
        assert_eq!(new.change_permille(), None);
    }

    #[test]
    fn every_line_has_its_own_code() {
        let mut codes: Vec<String> = LAYOUT.iter().map(|f| f.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), LAYOUT.len());
    }
}
