//! Award campaigns (评选): the call and its stages, eligibility of a declaration, conflicts of
//! interest, the expertise affinity the assignment maximises, the scoring rubric, calibration
//! of lenient and harsh reviewers, divergence, tiers by quota with ties, and unit rankings.
//! No I/O.

use crate::error::FieldError;
use crate::studio::code_enum;
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;
pub const SHORT_MAX: usize = 100;

code_enum!(
    /// What a campaign selects.
    CampaignKind {
        AchievementAward = "achievement_award",
        SkillsMethods = "skills_methods",
        Proposals = "proposals",
        Titles = "titles",
    }
);

code_enum!(
    /// How often it runs: every year, or every three years like the national exchange.
    Cadence { Annual = "annual", Triennial = "triennial" }
);

code_enum!(
    /// Where a campaign stands. Staff move it forward; it never goes back.
    Stage {
        Declaration = "declaration",
        FormalCheck = "formal_check",
        Review = "review",
        Publicity = "publicity",
        Announced = "announced",
    }
);

code_enum!(
    /// A declaration as the formal check leaves it.
    DeclarationStatus { Submitted = "submitted", Returned = "returned", Accepted = "accepted" }
);

code_enum!(
    /// The record a declaration attaches: a person for a titling campaign.
    RecordType { Achievement = "achievement", Skill = "skill", Proposal = "proposal", Person = "person" }
);

code_enum!(
    /// The award tiers, highest first.
    Tier { First = "first", Second = "second", Third = "third", Excellent = "excellent" }
);

code_enum!(
    /// Required particulars a campaign may ask of every declared record.
    RequiredField { Summary = "summary", Completers = "completers", ClaimedLevel = "claimed_level", Benefit = "benefit" }
);

code_enum!(
    ConflictSource { Declared = "declared", Manual = "manual" }
);

code_enum!(
    ObjectionStatus { Open = "open", Upheld = "upheld", Dismissed = "dismissed" }
);

impl Stage {
    pub fn rank(self) -> u8 {
        match self {
            Stage::Declaration => 0,
            Stage::FormalCheck => 1,
            Stage::Review => 2,
            Stage::Publicity => 3,
            Stage::Announced => 4,
        }
    }
}

impl CampaignKind {
    /// The record each kind of campaign attaches.
    pub fn record_type(self) -> RecordType {
        match self {
            CampaignKind::AchievementAward => RecordType::Achievement,
            CampaignKind::SkillsMethods => RecordType::Skill,
            CampaignKind::Proposals => RecordType::Proposal,
            CampaignKind::Titles => RecordType::Person,
        }
    }
}

impl RecordType {
    /// The page of the declared record.
    pub fn href(self, id: i64) -> String {
        match self {
            RecordType::Achievement => format!("/achievements/{id}"),
            RecordType::Skill => format!("/skills/{id}"),
            RecordType::Proposal => format!("/proposals/{id}"),
            RecordType::Person => format!("/records/people/{id}"),
        }
    }
}

impl Tier {
    /// Points per award when units are ranked: a first prize outweighs any two lower ones.
    pub fn weight(self) -> i64 {
        match self {
            Tier::First => 10,
            Tier::Second => 6,
            Tier::Third => 3,
            Tier::Excellent => 1,
        }
    }

    /// Third class or above (the usual headline count).
    pub fn is_prize(self) -> bool {
        self != Tier::Excellent
    }
}

// --- Eligibility --------------------------------------------------------------------------------

/// What the eligibility check needs to know about a declared record and its declarer.
#[derive(Debug, Clone, Default)]
pub struct RecordFacts {
    pub year: i64,
    pub has_summary: bool,
    pub completers: usize,
    pub has_claimed_level: bool,
    pub has_benefit: bool,
    pub documents: usize,
    /// Whether the first completer (if any) works within the participating unit's subtree.
    pub first_completer_inside: Option<bool>,
    /// Whether the first completer is already first completer of another declaration here.
    pub first_completer_taken: bool,
}

/// The campaign's rules that eligibility is checked against.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub min_year: Option<i64>,
    pub max_year: Option<i64>,
    pub required_fields: Vec<RequiredField>,
    pub required_documents: i64,
}

/// Why a record may not be declared, each reason against the field it concerns (empty when
/// eligible). The reasons are meant to be shown as they are: they explain the rule.
pub fn eligibility(rules: &Rules, facts: &RecordFacts) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if rules.min_year.is_some_and(|y| facts.year < y)
        || rules.max_year.is_some_and(|y| facts.year > y)
    {
        problems.push(
            FieldError::new("record_id", "record_year_outside")
                .with("year", facts.year)
                .with("from", rules.min_year.map_or("-".into(), |y| y.to_string()))
                .with("to", rules.max_year.map_or("-".into(), |y| y.to_string())),
        );
    }
    for f in &rules.required_fields {
        let present = match f {
            RequiredField::Summary => facts.has_summary,
            RequiredField::Completers => facts.completers > 0,
            RequiredField::ClaimedLevel => facts.has_claimed_level,
            RequiredField::Benefit => facts.has_benefit,
        };
        if !present {
            problems
                .push(FieldError::new("record_id", "record_lacks_field").with("field", f.as_str()));
        }
    }
    if (facts.documents as i64) < rules.required_documents {
        problems.push(
            FieldError::new("record_id", "record_lacks_documents")
                .with("needed", rules.required_documents)
                .with("actual", facts.documents),
        );
    }
    if facts.first_completer_inside == Some(false) {
        problems.push(FieldError::new("record_id", "first_completer_not_in_unit"));
    }
    if facts.first_completer_taken {
        problems.push(FieldError::new(
            "record_id",
            "first_completer_already_declared",
        ));
    }
    problems
}

// --- Conflicts of interest ----------------------------------------------------------------------

/// Why an expert may not review a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictReason {
    /// The expert works in the declaring unit (or the unit works inside the expert's).
    SameUnit,
    /// Both belong to the same enterprise group.
    SameGroup,
    /// The expert is a completer of the record.
    Completer,
    /// The expert has worked with the record's first completer on another achievement.
    PastCoWork,
    /// The expert declared it.
    Declared,
    /// The campaign staff recorded it.
    Manual,
}

impl ConflictReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictReason::SameUnit => "same_unit",
            ConflictReason::SameGroup => "same_group",
            ConflictReason::Completer => "completer",
            ConflictReason::PastCoWork => "past_co_work",
            ConflictReason::Declared => "declared",
            ConflictReason::Manual => "manual",
        }
    }
}

/// Where the expert and the record sit in the tree: their unit's path and their enterprise
/// group's root path (the topmost enterprise above or at the unit), if any.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    pub unit: &'a crate::OrgPath,
    pub group: Option<&'a crate::OrgPath>,
}

/// The conflict from the organisation tree, if any.
pub fn tree_conflict(expert: &Placement<'_>, record: &Placement<'_>) -> Option<ConflictReason> {
    if expert.unit.is_within(record.unit) || record.unit.is_within(expert.unit) {
        return Some(ConflictReason::SameUnit);
    }
    match (expert.group, record.group) {
        (Some(a), Some(b)) if a == b => Some(ConflictReason::SameGroup),
        _ => None,
    }
}

// --- Affinity -----------------------------------------------------------------------------------

/// The integer expertise fit the assignment maximises: 100 for a field the expert covers, plus
/// up to 100 for the text similarity (Jaccard of character shingles, 0..=1) between the
/// expert's profile and the declaration's title and summary.
pub fn affinity(field_match: bool, similarity: f64) -> i64 {
    let text = (similarity.clamp(0.0, 1.0) * 100.0).round() as i64;
    if field_match { 100 + text } else { text }
}

// --- Scoring ------------------------------------------------------------------------------------

/// One criterion of the rubric with its weight (the weights add up to 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub weight: i64,
}

/// The rubric as sent: each criterion named (up to [`SHORT_MAX`] characters) with a positive
/// weight, the weights adding up to 100. A bad criterion is named as `name: weight`, the way
/// the call form types it.
pub fn check_rubric(criteria: &[Criterion]) -> Result<(), FieldError> {
    for c in criteria {
        let name = c.name.trim();
        if name.is_empty() || name.chars().count() > SHORT_MAX || c.weight <= 0 {
            return Err(FieldError::new("rubric", "rubric_line_invalid")
                .with("line", format!("{}: {}", c.name, c.weight)));
        }
    }
    if criteria.is_empty() {
        return Err(FieldError::new("rubric", "required"));
    }
    let total: i64 = criteria.iter().map(|c| c.weight).sum();
    if total != 100 {
        return Err(FieldError::new("rubric", "rubric_weights_not_100").with("total", total));
    }
    Ok(())
}

/// A score sheet's total on 0..=100, in hundredths: each criterion's mark (0..=`scale`)
/// weighted. Marks outside the scale are refused, naming the criterion.
pub fn total(rubric: &[Criterion], marks: &[i64], scale: i64) -> Result<i64, FieldError> {
    if marks.len() != rubric.len() {
        return Err(FieldError::new("marks", "marks_count").with("needed", rubric.len()));
    }
    let mut sum = 0i64;
    for (i, (c, &m)) in rubric.iter().zip(marks).enumerate() {
        if !(0..=scale).contains(&m) {
            return Err(
                FieldError::new(format!("marks[{i}]"), "score_outside_scale")
                    .with("criterion", &c.name)
                    .with("max", scale),
            );
        }
        sum += c.weight * m * 100;
    }
    // Σ weight·mark / scale is on 0..=100; ×100 for hundredths, rounded half up.
    Ok((sum * 100 + scale * 50) / (scale * 100))
}

/// One raw score: a declaration, a reviewer, the total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawScore {
    pub declaration: i64,
    pub reviewer: i64,
    pub total: f64,
}

/// The least-squares reviewer-offset model: every score is the declaration's quality plus the
/// reviewer's offset (leniency positive, harshness negative) plus noise, with the offsets
/// summing to zero. Solved by alternating exact least-squares updates (block Gauss–Seidel)
/// until nothing moves by more than 1e-9, which converges to the least-squares solution.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    /// (declaration, calibrated quality), as given order of first appearance.
    pub quality: Vec<(i64, f64)>,
    /// (reviewer, offset).
    pub offset: Vec<(i64, f64)>,
    pub iterations: usize,
}

impl Calibration {
    pub fn quality_of(&self, declaration: i64) -> Option<f64> {
        self.quality
            .iter()
            .find(|(d, _)| *d == declaration)
            .map(|(_, q)| *q)
    }

    pub fn offset_of(&self, reviewer: i64) -> f64 {
        self.offset
            .iter()
            .find(|(r, _)| *r == reviewer)
            .map_or(0.0, |(_, o)| *o)
    }
}

pub fn calibrate(scores: &[RawScore]) -> Calibration {
    let mut decls: Vec<i64> = Vec::new();
    let mut revs: Vec<i64> = Vec::new();
    for s in scores {
        if !decls.contains(&s.declaration) {
            decls.push(s.declaration);
        }
        if !revs.contains(&s.reviewer) {
            revs.push(s.reviewer);
        }
    }
    let di: Vec<usize> = scores
        .iter()
        .map(|s| decls.iter().position(|d| *d == s.declaration).unwrap_or(0))
        .collect();
    let ri: Vec<usize> = scores
        .iter()
        .map(|s| revs.iter().position(|r| *r == s.reviewer).unwrap_or(0))
        .collect();
    let mut q = vec![0.0; decls.len()];
    let mut o = vec![0.0; revs.len()];
    let mut iterations = 0;
    for it in 1..=100_000 {
        iterations = it;
        let mut moved: f64 = 0.0;
        // Qualities given offsets: the mean of (score − offset).
        let mut sum = vec![0.0; q.len()];
        let mut n = vec![0usize; q.len()];
        for (k, s) in scores.iter().enumerate() {
            sum[di[k]] += s.total - o[ri[k]];
            n[di[k]] += 1;
        }
        for d in 0..q.len() {
            let new = sum[d] / n[d] as f64;
            moved = moved.max((new - q[d]).abs());
            q[d] = new;
        }
        // Offsets given qualities: the mean of (score − quality).
        let mut sum = vec![0.0; o.len()];
        let mut n = vec![0usize; o.len()];
        for (k, s) in scores.iter().enumerate() {
            sum[ri[k]] += s.total - q[di[k]];
            n[ri[k]] += 1;
        }
        for r in 0..o.len() {
            let new = sum[r] / n[r] as f64;
            moved = moved.max((new - o[r]).abs());
            o[r] = new;
        }
        if moved < 1e-9 {
            break;
        }
    }
    // The model fixes offsets only up to a constant: make them sum to zero, moving the
    // constant into the qualities (the fit is unchanged).
    if !o.is_empty() {
        let mean = o.iter().sum::<f64>() / o.len() as f64;
        o.iter_mut().for_each(|x| *x -= mean);
        q.iter_mut().for_each(|x| *x += mean);
    }
    Calibration {
        quality: decls.into_iter().zip(q).collect(),
        offset: revs.into_iter().zip(o).collect(),
        iterations,
    }
}

/// The spread (highest minus lowest) of a declaration's raw totals.
pub fn spread(totals: &[f64]) -> f64 {
    let max = totals.iter().copied().fold(f64::MIN, f64::max);
    let min = totals.iter().copied().fold(f64::MAX, f64::min);
    if totals.is_empty() { 0.0 } else { max - min }
}

// --- Tiers --------------------------------------------------------------------------------------

/// How many awards a tier has: a count, or a share (basis points) of the accepted declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    Count(i64),
    ShareBp(i64),
}

impl Quota {
    /// "3" is a count, "5%" a share.
    pub fn parse(raw: &str) -> Option<Quota> {
        let raw = raw.trim();
        if let Some(p) = raw.strip_suffix('%') {
            let bp = crate::proposal::parse_fixed2(p.trim())?;
            (0..=10_000).contains(&bp).then_some(Quota::ShareBp(bp))
        } else {
            raw.parse().ok().filter(|n| *n >= 0).map(Quota::Count)
        }
    }

    pub fn count_of(self, accepted: usize) -> usize {
        match self {
            Quota::Count(n) => n as usize,
            Quota::ShareBp(bp) => (accepted as i64 * bp / 10_000) as usize,
        }
    }
}

/// One declaration's place in the proposed results.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub declaration: i64,
    pub score: f64,
    pub rank: usize,
    pub tier: Option<Tier>,
    /// Its score equals that of a declaration on the other side of a tier boundary: the panel
    /// must settle which of them gets which tier.
    pub tied: bool,
}

/// Scores closer than this are equal (they come from sums of hundredths and averages).
const SAME_SCORE: f64 = 1e-6;

/// Ranks by calibrated score (ties in order of the declaration number) and fills the tiers in
/// order, each with its quota. Declarations whose score equals one across a boundary are tied.
pub fn allocate(scores: &[(i64, f64)], quotas: &[(Tier, usize)]) -> Vec<Placed> {
    let mut order: Vec<(i64, f64)> = scores.to_vec();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut tiers: Vec<Option<Tier>> = Vec::with_capacity(order.len());
    for &(tier, count) in quotas {
        for _ in 0..count {
            if tiers.len() < order.len() {
                tiers.push(Some(tier));
            }
        }
    }
    tiers.resize(order.len(), None);
    let mut placed: Vec<Placed> = order
        .iter()
        .zip(&tiers)
        .enumerate()
        .map(|(i, (&(declaration, score), &tier))| Placed {
            declaration,
            score,
            rank: i + 1,
            tier,
            tied: false,
        })
        .collect();
    for i in 1..placed.len() {
        if placed[i].tier != placed[i - 1].tier
            && (placed[i].score - placed[i - 1].score).abs() < SAME_SCORE
        {
            let score = placed[i].score;
            for p in placed.iter_mut() {
                if (p.score - score).abs() < SAME_SCORE {
                    p.tied = true;
                }
            }
        }
    }
    placed
}

/// A panel decision must not give a tier more awards than its quota.
pub fn check_decision(decided: &[Option<Tier>], quotas: &[(Tier, usize)]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    for &(tier, quota) in quotas {
        let n = decided.iter().filter(|t| **t == Some(tier)).count();
        if n > quota {
            problems.push(
                FieldError::new("tiers", "tier_over_quota")
                    .with("tier", tier.as_str())
                    .with("quota", quota)
                    .with("actual", n),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_recovers_qualities_and_offsets_exactly_when_there_is_no_noise() {
        // Four declarations, three reviewers (+5 lenient, 0, −5 harsh), overlapping.
        let quality = [80.0, 70.0, 60.0, 50.0];
        let offset = [5.0, 0.0, -5.0];
        let pairs = [
            (0, 0),
            (0, 1),
            (1, 1),
            (1, 2),
            (2, 2),
            (2, 0),
            (3, 0),
            (3, 2),
            (3, 1),
        ];
        let scores: Vec<RawScore> = pairs
            .iter()
            .map(|&(d, r)| RawScore {
                declaration: d,
                reviewer: r,
                total: quality[d as usize] + offset[r as usize],
            })
            .collect();
        let c = calibrate(&scores);
        for d in 0..4 {
            assert!((c.quality_of(d).unwrap() - quality[d as usize]).abs() < 1e-6);
        }
        for r in 0..3 {
            assert!((c.offset_of(r) - offset[r as usize]).abs() < 1e-6);
        }
    }

    #[test]
    fn calibration_satisfies_the_normal_equations_with_noise() {
        let scores: Vec<RawScore> = [
            (1, 10, 71.0),
            (1, 11, 75.5),
            (2, 11, 62.0),
            (2, 12, 58.0),
            (3, 12, 90.0),
            (3, 10, 84.0),
            (1, 12, 69.0),
        ]
        .iter()
        .map(|&(declaration, reviewer, total)| RawScore {
            declaration,
            reviewer,
            total,
        })
        .collect();
        let c = calibrate(&scores);
        let resid =
            |s: &RawScore| s.total - c.quality_of(s.declaration).unwrap() - c.offset_of(s.reviewer);
        // Least squares: residuals sum to zero per declaration and per reviewer.
        for d in [1, 2, 3] {
            let r: f64 = scores
                .iter()
                .filter(|s| s.declaration == d)
                .map(resid)
                .sum();
            assert!(r.abs() < 1e-6, "declaration {d}: {r}");
        }
        for rev in [10, 11, 12] {
            let r: f64 = scores.iter().filter(|s| s.reviewer == rev).map(resid).sum();
            assert!(r.abs() < 1e-6, "reviewer {rev}: {r}");
        }
        let sum: f64 = c.offset.iter().map(|(_, o)| o).sum();
        assert!(sum.abs() < 1e-9);
    }

    #[test]
    fn tiers_fill_in_order_and_ties_across_a_boundary_are_flagged() {
        let scores = [(1, 90.0), (2, 85.0), (3, 85.0), (4, 70.0), (5, 60.0)];
        let placed = allocate(
            &scores,
            &[(Tier::First, 1), (Tier::Second, 1), (Tier::Third, 2)],
        );
        let tier_of = |d| placed.iter().find(|p| p.declaration == d).unwrap().tier;
        assert_eq!(tier_of(1), Some(Tier::First));
        assert_eq!(tier_of(2), Some(Tier::Second));
        assert_eq!(tier_of(3), Some(Tier::Third));
        assert_eq!(tier_of(5), None);
        let tied: Vec<i64> = placed
            .iter()
            .filter(|p| p.tied)
            .map(|p| p.declaration)
            .collect();
        assert_eq!(tied, vec![2, 3]);
    }

    #[test]
    fn the_2023_exchange_quotas_give_100_awards() {
        let scores: Vec<(i64, f64)> = (0..110).map(|i| (i, 1000.0 - i as f64)).collect();
        let placed = allocate(
            &scores,
            &[
                (Tier::First, 3),
                (Tier::Second, 15),
                (Tier::Third, 30),
                (Tier::Excellent, 52),
            ],
        );
        assert_eq!(placed.iter().filter(|p| p.tier.is_some()).count(), 100);
        assert_eq!(
            placed
                .iter()
                .filter(|p| p.tier == Some(Tier::First))
                .count(),
            3
        );
        assert!(placed.iter().all(|p| !p.tied));
    }

    #[test]
    fn rubric_totals_weigh_marks_and_refuse_marks_outside_the_scale() {
        let criterion = |name: &str, weight| Criterion {
            name: name.into(),
            weight,
        };
        let rubric = vec![
            criterion("创新性", 40),
            criterion("效益", 35),
            criterion("推广价值", 25),
        ];
        assert!(check_rubric(&rubric).is_ok());
        assert_eq!(total(&rubric, &[10, 10, 10], 10).unwrap(), 10_000);
        assert_eq!(total(&rubric, &[5, 10, 0], 10).unwrap(), 5_500);
        assert_eq!(
            total(&rubric, &[11, 0, 0], 10).unwrap_err().code,
            "score_outside_scale"
        );
        assert_eq!(total(&rubric, &[1, 2], 10).unwrap_err().code, "marks_count");
        assert_eq!(
            check_rubric(&[criterion("a", 50), criterion("b", 40)])
                .unwrap_err()
                .code,
            "rubric_weights_not_100"
        );
        let Err(zero) = check_rubric(&[criterion("a", 100), criterion("b", 0)]) else {
            panic!("a criterion weighing nothing")
        };
        assert_eq!(
            (zero.code, zero.params),
            ("rubric_line_invalid", vec![("line", "b: 0".to_string())])
        );
        assert_eq!(check_rubric(&[]).unwrap_err().code, "required");
    }

    #[test]
    fn quotas_are_counts_or_shares() {
        assert_eq!(Quota::parse("3"), Some(Quota::Count(3)));
        assert_eq!(Quota::parse("15%"), Some(Quota::ShareBp(1500)));
        assert_eq!(Quota::parse("15%").unwrap().count_of(100), 15);
        assert_eq!(Quota::parse("-1"), None);
        assert_eq!(Quota::parse("x"), None);
    }

    #[test]
    fn eligibility_explains_every_reason() {
        let rules = Rules {
            min_year: Some(2020),
            max_year: Some(2023),
            required_fields: vec![RequiredField::Summary, RequiredField::Completers],
            required_documents: 1,
        };
        let ok = RecordFacts {
            year: 2022,
            has_summary: true,
            completers: 2,
            documents: 1,
            first_completer_inside: Some(true),
            ..Default::default()
        };
        assert!(eligibility(&rules, &ok).is_empty());
        let bad = RecordFacts {
            year: 2019,
            completers: 1,
            first_completer_inside: Some(false),
            first_completer_taken: true,
            ..Default::default()
        };
        let codes: Vec<&str> = eligibility(&rules, &bad).iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec![
                "record_year_outside",
                "record_lacks_field",
                "record_lacks_documents",
                "first_completer_not_in_unit",
                "first_completer_already_declared"
            ]
        );
    }

    #[test]
    fn the_tree_gives_conflicts_for_the_same_unit_and_the_same_group() {
        let p = |s: &str| crate::OrgPath::from_stored(s.to_string());
        let (group, branch_a, branch_b, other) =
            (p("/1/2/"), p("/1/2/3/"), p("/1/2/4/"), p("/1/9/"));
        let at = |unit, group| Placement { unit, group };
        assert_eq!(
            tree_conflict(&at(&branch_a, Some(&group)), &at(&branch_a, Some(&group))),
            Some(ConflictReason::SameUnit)
        );
        assert_eq!(
            tree_conflict(&at(&branch_a, Some(&group)), &at(&branch_b, Some(&group))),
            Some(ConflictReason::SameGroup)
        );
        assert_eq!(
            tree_conflict(&at(&other, None), &at(&branch_b, Some(&group))),
            None
        );
        assert_eq!(affinity(true, 0.25), 125);
        assert_eq!(affinity(false, 0.0), 0);
    }
}
