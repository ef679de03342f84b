//! The fast exact solver: cost scaling on each submission's best candidate pairs, then every
//! left-out pair priced against the optimal prices. A left-out pair whose reduced cost is below
//! -1 (scaled units) could improve the assignment, so it joins the candidates and the network is
//! solved again; when none is left, the flow is 1-optimal on the whole instance and so optimal.
//!
//! Network: reviewers `0..R`, submissions `R..R+P`, the source `R+P` (supply: reviews beyond
//! the minimum loads) and an overflow node `R+P+1`. A reviewer supplies its minimum load and
//! receives up to `max - min` more from the source; a submission demands its reviews. Overflow
//! arcs cost more than any assignment can gain, so they carry flow only when no assignment of
//! the candidates exists: that keeps every network feasible for the push-relabel phases.

use crate::scaling::{FlowStats, NetworkBuilder};
use crate::{Assignment, Instance};

/// Candidates per submission: this many times its reviews, at least `MIN_CANDIDATES`.
const CANDIDATES_PER_REVIEW: usize = 8;
const MIN_CANDIDATES: usize = 24;

/// What one solve did, for the benchmark report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SolveStats {
    /// Networks solved: 1 plus one per pricing round that found improving pairs.
    pub rounds: u32,
    /// Allowed pairs in the last network solved.
    pub candidate_pairs: usize,
    /// Left-out pairs priced in the last round.
    pub priced_pairs: usize,
    pub flow: FlowStats,
}

pub(crate) enum Unsolved {
    /// The pair at this index repeats an earlier one.
    Repeated(usize),
    /// No assignment satisfies every rule; the simple solver names the reason.
    Infeasible,
}

pub(crate) fn solve(inst: &Instance, stats: &mut SolveStats) -> Result<Assignment, Unsolved> {
    let by_submission = group_by_submission(inst)?;
    let mut in_network = vec![false; inst.pairs.len()];
    let mut candidates = initial_candidates(inst, &by_submission, &mut in_network);
    loop {
        stats.rounds += 1;
        stats.candidate_pairs = candidates.len();
        let solved = solve_candidates(inst, &candidates);
        stats.flow.phases += solved.stats.phases;
        stats.flow.pushes += solved.stats.pushes;
        stats.flow.relabels += solved.stats.relabels;
        stats.flow.price_updates += solved.stats.price_updates;
        let (improving, priced) = improving_pairs(inst, &in_network, &solved.price);
        stats.priced_pairs = priced;
        if improving.is_empty() {
            if solved.overflow {
                return Err(Unsolved::Infeasible);
            }
            return Ok(solved.assignment);
        }
        for &i in &improving {
            in_network[i as usize] = true;
        }
        candidates.extend(improving);
        sort_by_submission_then_reviewer(inst, &mut candidates);
    }
}

/// Pair indices grouped by submission (`start[s]..start[s + 1]`), in input order; a repeated
/// pair is an error.
struct Groups {
    start: Vec<usize>,
    pairs: Vec<u32>,
}

fn group_by_submission(inst: &Instance) -> Result<Groups, Unsolved> {
    let s_count = inst.reviews.len();
    let mut start = vec![0usize; s_count + 1];
    for p in &inst.pairs {
        start[p.submission as usize + 1] += 1;
    }
    for s in 0..s_count {
        start[s + 1] += start[s];
    }
    let mut next = start[..s_count].to_vec();
    let mut pairs = vec![0u32; inst.pairs.len()];
    for (i, p) in inst.pairs.iter().enumerate() {
        let slot = &mut next[p.submission as usize];
        pairs[*slot] = i as u32;
        *slot += 1;
    }
    // One mark per reviewer, stamped with the submission being scanned, finds repeats in O(m).
    let mut stamp = vec![u32::MAX; inst.loads.len()];
    for s in 0..s_count {
        for &i in &pairs[start[s]..start[s + 1]] {
            let r = inst.pairs[i as usize].reviewer as usize;
            if stamp[r] == s as u32 {
                return Err(Unsolved::Repeated(i as usize));
            }
            stamp[r] = s as u32;
        }
    }
    Ok(Groups { start, pairs })
}

/// Each submission's best pairs by affinity (ties: lower reviewer number first), sorted by
/// submission then reviewer so that the network does not depend on the input's row order.
fn initial_candidates(inst: &Instance, groups: &Groups, in_network: &mut [bool]) -> Vec<u32> {
    let mut candidates = Vec::new();
    let mut group = Vec::new();
    for s in 0..inst.reviews.len() {
        group.clear();
        group.extend_from_slice(&groups.pairs[groups.start[s]..groups.start[s + 1]]);
        let keep = (inst.reviews[s] as usize * CANDIDATES_PER_REVIEW).max(MIN_CANDIDATES);
        if group.len() > keep {
            let better = |a: &u32, b: &u32| {
                let (a, b) = (&inst.pairs[*a as usize], &inst.pairs[*b as usize]);
                b.affinity
                    .cmp(&a.affinity)
                    .then(a.reviewer.cmp(&b.reviewer))
            };
            group.select_nth_unstable_by(keep - 1, better);
            group.truncate(keep);
        }
        group.sort_unstable_by_key(|&i| inst.pairs[i as usize].reviewer);
        for &i in &group {
            in_network[i as usize] = true;
        }
        candidates.extend_from_slice(&group);
    }
    candidates
}

fn sort_by_submission_then_reviewer(inst: &Instance, candidates: &mut [u32]) {
    candidates.sort_unstable_by_key(|&i| {
        let p = &inst.pairs[i as usize];
        (p.submission, p.reviewer)
    });
}

/// Left-out pairs whose scaled reduced cost against `price` is below -1, and how many were
/// priced.
fn improving_pairs(inst: &Instance, in_network: &[bool], price: &[i64]) -> (Vec<u32>, usize) {
    let r_count = inst.loads.len();
    let scale = price.len() as i64 + 1;
    let mut improving = Vec::new();
    let mut priced = 0;
    for (i, (p, &inside)) in inst.pairs.iter().zip(in_network).enumerate() {
        if inside {
            continue;
        }
        priced += 1;
        let reduced = -p.affinity * scale + price[p.reviewer as usize]
            - price[r_count + p.submission as usize];
        if reduced < -1 {
            improving.push(i as u32);
        }
    }
    (improving, priced)
}

struct Solved {
    assignment: Assignment,
    /// True when some supply or demand went through the overflow node.
    overflow: bool,
    price: Vec<i64>,
    stats: FlowStats,
}

fn solve_candidates(inst: &Instance, candidates: &[u32]) -> Solved {
    let (r_count, s_count) = (inst.loads.len(), inst.reviews.len());
    let source = r_count + s_count;
    let overflow = source + 1;
    let nodes = overflow + 1;
    let submission = |s: u32| r_count + s as usize;
    let largest = inst.pairs.iter().map(|p| p.affinity.abs()).max().unwrap_or(0);
    // Two overflow arcs cost more than any cycle of real arcs can gain.
    let overflow_cost = nodes as i64 * largest + 1;
    let needed: i64 = inst.reviews.iter().map(|&n| i64::from(n)).sum();
    let min_total: i64 = inst.loads.iter().map(|l| i64::from(l.min)).sum();

    let mut builder =
        NetworkBuilder::new(nodes, candidates.len() + 2 * (r_count + s_count) + 1);
    builder.set_supply(source, needed - min_total);
    builder.add_arc(source, overflow, (needed - min_total) as i32, overflow_cost);
    for (r, load) in inst.loads.iter().enumerate() {
        builder.set_supply(r, i64::from(load.min));
        if load.max > load.min {
            builder.add_arc(source, r, (load.max - load.min) as i32, 0);
        }
        if load.min > 0 {
            builder.add_arc(r, overflow, load.min as i32, overflow_cost);
        }
    }
    let first_pair_arc = builder.len();
    for &i in candidates {
        let p = &inst.pairs[i as usize];
        builder.add_arc(p.reviewer as usize, submission(p.submission), 1, -p.affinity);
    }
    let first_demand_arc = builder.len();
    for (s, &n) in inst.reviews.iter().enumerate() {
        builder.set_supply(submission(s as u32), -i64::from(n));
        builder.add_arc(overflow, submission(s as u32), n as i32, overflow_cost);
    }
    let (mut network, forward) = builder.build();
    let stats = network.solve();

    let mut pairs = Vec::with_capacity(needed as usize);
    let mut objective = 0;
    for (k, &i) in candidates.iter().enumerate() {
        if network.flow_left(forward[first_pair_arc + k]) == 0 {
            let p = &inst.pairs[i as usize];
            pairs.push((p.submission, p.reviewer));
            objective += p.affinity;
        }
    }
    pairs.sort_unstable();
    let overflow_used = (0..s_count).any(|s| {
        network.flow_left(forward[first_demand_arc + s]) < inst.reviews[s] as i32
    });
    Solved {
        assignment: Assignment { objective, pairs },
        overflow: overflow_used,
        price: network.prices(),
        stats,
    }
}
