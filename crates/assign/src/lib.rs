//! Expert assignment: every submission gets exactly its number of distinct reviewers, every
//! reviewer's load stays within `[min, max]`, only allowed (conflict-free) pairs are used, and
//! the total affinity is as large as possible. It is a min-cost flow, so the optimum is exact.
//!
//! The API below is what the campaign use cases call; `solve` is free to change inside.

pub mod csv;
mod flow;
mod pricing;
pub mod report;
mod scaling;

pub use pricing::SolveStats;
pub use scaling::FlowStats;

/// One reviewer's load bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    pub min: u32,
    pub max: u32,
}

/// An allowed pair: conflicted pairs are simply left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub submission: u32,
    pub reviewer: u32,
    pub affinity: i64,
}

/// Reviewers are numbered `0..loads.len()`, submissions `0..reviews.len()`.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub loads: Vec<Load>,
    /// Number of reviewers each submission needs.
    pub reviews: Vec<u32>,
    pub pairs: Vec<Pair>,
}

/// An optimal assignment: `pairs` sorted by submission, then reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub objective: i64,
    pub pairs: Vec<(u32, u32)>,
}

/// Why no assignment satisfies every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Infeasible {
    /// A pair names a reviewer or submission that does not exist, or appears twice.
    BadPair { submission: u32, reviewer: u32 },
    /// A reviewer whose minimum load exceeds the maximum.
    BadLoad { reviewer: u32 },
    /// The submission has fewer allowed reviewers than it needs.
    TooFewReviewers {
        submission: u32,
        needed: u32,
        allowed: u32,
    },
    /// Reviews needed in all versus what the reviewers' loads allow.
    Capacity {
        needed: u64,
        min_total: u64,
        max_total: u64,
    },
    /// These submissions cannot all be covered: together they need `needed` reviews but their
    /// allowed reviewers can give only `available`.
    Uncovered {
        submissions: Vec<u32>,
        reviewers: Vec<u32>,
        needed: u64,
        available: u64,
    },
    /// These reviewers cannot reach their minimum loads with the submissions they may review.
    Underloaded { reviewers: Vec<u32> },
}

impl std::fmt::Display for Infeasible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadPair {
                submission,
                reviewer,
            } => {
                write!(
                    f,
                    "pair (submission {submission}, reviewer {reviewer}) is unknown or repeated"
                )
            }
            Self::BadLoad { reviewer } => {
                write!(f, "reviewer {reviewer}: minimum load above maximum")
            }
            Self::TooFewReviewers {
                submission,
                needed,
                allowed,
            } => write!(
                f,
                "submission {submission} needs {needed} reviewers but only {allowed} may review it"
            ),
            Self::Capacity {
                needed,
                min_total,
                max_total,
            } => write!(
                f,
                "{needed} reviews are needed but reviewer loads allow between {min_total} and {max_total}"
            ),
            Self::Uncovered {
                submissions,
                needed,
                available,
                ..
            } => write!(
                f,
                "{} submissions need {needed} reviews but their allowed reviewers can give only {available}",
                submissions.len()
            ),
            Self::Underloaded { reviewers } => write!(
                f,
                "{} reviewers cannot reach their minimum load with the submissions they may review",
                reviewers.len()
            ),
        }
    }
}

impl std::error::Error for Infeasible {}

/// Checks the instance's own consistency and the simple counting conditions, so that the most
/// common reasons for infeasibility are named precisely before any flow is computed.
pub fn precheck(inst: &Instance) -> Result<(), Infeasible> {
    let (r_count, s_count) = (inst.loads.len() as u32, inst.reviews.len() as u32);
    for (r, load) in inst.loads.iter().enumerate() {
        if load.min > load.max {
            return Err(Infeasible::BadLoad { reviewer: r as u32 });
        }
    }
    let mut allowed = vec![0u32; inst.reviews.len()];
    for p in &inst.pairs {
        if p.submission >= s_count || p.reviewer >= r_count {
            return Err(Infeasible::BadPair {
                submission: p.submission,
                reviewer: p.reviewer,
            });
        }
        allowed[p.submission as usize] += 1;
    }
    for (s, (&needed, &allowed)) in inst.reviews.iter().zip(&allowed).enumerate() {
        if allowed < needed {
            return Err(Infeasible::TooFewReviewers {
                submission: s as u32,
                needed,
                allowed,
            });
        }
    }
    let needed: u64 = inst.reviews.iter().map(|&n| u64::from(n)).sum();
    let min_total: u64 = inst.loads.iter().map(|l| u64::from(l.min)).sum();
    let max_total: u64 = inst.loads.iter().map(|l| u64::from(l.max)).sum();
    if needed < min_total || needed > max_total {
        return Err(Infeasible::Capacity {
            needed,
            min_total,
            max_total,
        });
    }
    Ok(())
}

/// The optimal assignment, or the reason there is none.
pub fn solve(inst: &Instance) -> Result<Assignment, Infeasible> {
    solve_with_stats(inst).0
}

/// `solve`, with what the solver did.
pub fn solve_with_stats(inst: &Instance) -> (Result<Assignment, Infeasible>, SolveStats) {
    let mut stats = SolveStats::default();
    if let Err(reason) = precheck(inst) {
        return (Err(reason), stats);
    }
    let result = match pricing::solve(inst, &mut stats) {
        Ok(assignment) => Ok(assignment),
        Err(pricing::Unsolved::Repeated(i)) => Err(Infeasible::BadPair {
            submission: inst.pairs[i].submission,
            reviewer: inst.pairs[i].reviewer,
        }),
        // The simple solver's last residual graph names the submissions or reviewers at fault.
        Err(pricing::Unsolved::Infeasible) => flow::solve(inst),
    };
    (result, stats)
}

/// The simple successive-shortest-paths solver: exact but slow, kept as a reference.
pub fn solve_reference(inst: &Instance) -> Result<Assignment, Infeasible> {
    precheck(inst)?;
    flow::solve(inst)
}

/// Checks a given assignment (e.g. after a manual override) against every rule of the instance.
pub fn check(inst: &Instance, pairs: &[(u32, u32)]) -> Result<i64, String> {
    use std::collections::HashMap;
    let allowed: HashMap<(u32, u32), i64> = inst
        .pairs
        .iter()
        .map(|p| ((p.submission, p.reviewer), p.affinity))
        .collect();
    let mut per_submission = vec![0u32; inst.reviews.len()];
    let mut per_reviewer = vec![0u32; inst.loads.len()];
    let mut seen = std::collections::HashSet::new();
    let mut objective = 0;
    for &(s, r) in pairs {
        let Some(&affinity) = allowed.get(&(s, r)) else {
            return Err(format!("reviewer {r} may not review submission {s}"));
        };
        if !seen.insert((s, r)) {
            return Err(format!("reviewer {r} is assigned twice to submission {s}"));
        }
        objective += affinity;
        per_submission[s as usize] += 1;
        per_reviewer[r as usize] += 1;
    }
    for (s, (&got, &needed)) in per_submission.iter().zip(&inst.reviews).enumerate() {
        if got != needed {
            return Err(format!(
                "submission {s} has {got} reviewers, needs {needed}"
            ));
        }
    }
    for (r, (&got, load)) in per_reviewer.iter().zip(&inst.loads).enumerate() {
        if got < load.min || got > load.max {
            return Err(format!(
                "reviewer {r} has {got} reviews, allowed {}..={}",
                load.min, load.max
            ));
        }
    }
    Ok(objective)
}
