//! The fast exact solver: cost scaling on candidate pairs (each submission's best and each
//! reviewer's best), then every left-out pair priced against exact optimal potentials of that
//! network. If no left-out pair has a negative reduced cost, the potentials are feasible duals
//! for the whole instance and prove the flow optimal on it (complementary slackness holds on
//! every arc; the left-out ones carry nothing). Otherwise those pairs join the candidates and the
//! network is solved again, starting from the last flow and potentials.
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
/// Candidates per reviewer: this many times its maximum load.
const CANDIDATES_PER_LOAD: usize = 2;

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
    let mut warm: Option<Solved> = None;
    loop {
        stats.rounds += 1;
        stats.candidate_pairs = candidates.len();
        let solved = solve_candidates(inst, &candidates, warm.as_ref());
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
        // The last flow and potentials stay optimal on the old pairs, so the next solve starts
        // from them at the epsilon of the new pairs' violation (unless it overflowed).
        warm = (!solved.overflow).then_some(solved);
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

/// Each submission's best pairs by affinity and each reviewer's (ties: lower number first),
/// sorted by submission then reviewer so that the network does not depend on the row order.
/// The reviewers' own best pairs keep every reviewer able to reach its minimum load.
fn initial_candidates(inst: &Instance, groups: &Groups, in_network: &mut [bool]) -> Vec<u32> {
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
        for &i in &group {
            in_network[i as usize] = true;
        }
    }
    for i in best_per_reviewer(inst) {
        in_network[i as usize] = true;
    }
    let mut candidates = Vec::new();
    for s in 0..inst.reviews.len() {
        group.clear();
        group.extend(
            groups.pairs[groups.start[s]..groups.start[s + 1]]
                .iter()
                .filter(|&&i| in_network[i as usize]),
        );
        group.sort_unstable_by_key(|&i| inst.pairs[i as usize].reviewer);
        candidates.extend_from_slice(&group);
    }
    candidates
}

/// A reviewer's kept pair (affinity, submission, index), ordered so that a max-heap's root is
/// the worst: lower affinity, then higher submission number.
type Kept = std::cmp::Reverse<(i64, std::cmp::Reverse<u32>, u32)>;

/// Each reviewer's best `CANDIDATES_PER_LOAD * max` pairs, kept in one bounded heap per
/// reviewer whose root is the worst pair kept.
fn best_per_reviewer(inst: &Instance) -> Vec<u32> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let keep: Vec<usize> = inst
        .loads
        .iter()
        .map(|l| l.max as usize * CANDIDATES_PER_LOAD)
        .collect();
    let mut heaps: Vec<BinaryHeap<Kept>> = keep
        .iter()
        .map(|&k| BinaryHeap::with_capacity(k + 1))
        .collect();
    for (i, p) in inst.pairs.iter().enumerate() {
        let r = p.reviewer as usize;
        let entry = Reverse((p.affinity, Reverse(p.submission), i as u32));
        let heap = &mut heaps[r];
        if heap.len() < keep[r] {
            heap.push(entry);
        } else if let Some(mut worst) = heap.peek_mut()
            && entry < *worst
        {
            *worst = entry;
        }
    }
    heaps
        .into_iter()
        .flat_map(|h| h.into_iter().map(|Reverse((_, _, i))| i))
        .collect()
}

fn sort_by_submission_then_reviewer(inst: &Instance, candidates: &mut [u32]) {
    candidates.sort_unstable_by_key(|&i| {
        let p = &inst.pairs[i as usize];
        (p.submission, p.reviewer)
    });
}

/// Left-out pairs whose reduced cost against the exact optimal potentials is negative, and
/// how many were priced.
fn improving_pairs(inst: &Instance, in_network: &[bool], price: &[i64]) -> (Vec<u32>, usize) {
    let r_count = inst.loads.len();
    let mut improving = Vec::new();
    let mut priced = 0;
    for (i, (p, &inside)) in inst.pairs.iter().zip(in_network).enumerate() {
        if inside {
            continue;
        }
        priced += 1;
        let reduced =
            -p.affinity + price[p.reviewer as usize] - price[r_count + p.submission as usize];
        if reduced < 0 {
            improving.push(i as u32);
        }
    }
    (improving, priced)
}

struct Solved {
    assignment: Assignment,
    /// Indices of the pairs assigned.
    used: Vec<u32>,
    /// True when some supply or demand went through the overflow node.
    overflow: bool,
    price: Vec<i64>,
    stats: FlowStats,
}

fn solve_candidates(inst: &Instance, candidates: &[u32], warm: Option<&Solved>) -> Solved {
    let (r_count, s_count) = (inst.loads.len(), inst.reviews.len());
    let source = r_count + s_count;
    let overflow = source + 1;
    let nodes = overflow + 1;
    let submission = |s: u32| r_count + s as usize;
    let largest = inst
        .pairs
        .iter()
        .map(|p| p.affinity.abs())
        .max()
        .unwrap_or(0);
    // Two overflow arcs cost more than any cycle of real arcs can gain.
    let overflow_cost = nodes as i64 * largest + 1;
    let needed: i64 = inst.reviews.iter().map(|&n| i64::from(n)).sum();
    let min_total: i64 = inst.loads.iter().map(|l| i64::from(l.min)).sum();

    let mut builder = NetworkBuilder::new(nodes, candidates.len() + 2 * (r_count + s_count) + 1);
    builder.set_supply(source, needed - min_total);
    builder.add_arc(source, overflow, (needed - min_total) as i32, overflow_cost);
    let mut load_arc = vec![None; r_count];
    for (r, load) in inst.loads.iter().enumerate() {
        builder.set_supply(r, i64::from(load.min));
        if load.max > load.min {
            load_arc[r] = Some(builder.len());
            builder.add_arc(source, r, (load.max - load.min) as i32, 0);
        }
        if load.min > 0 {
            builder.add_arc(r, overflow, load.min as i32, overflow_cost);
        }
    }
    let first_pair_arc = builder.len();
    for &i in candidates {
        let p = &inst.pairs[i as usize];
        builder.add_arc(
            p.reviewer as usize,
            submission(p.submission),
            1,
            -p.affinity,
        );
    }
    let first_demand_arc = builder.len();
    for (s, &n) in inst.reviews.iter().enumerate() {
        builder.set_supply(submission(s as u32), -i64::from(n));
        builder.add_arc(overflow, submission(s as u32), n as i32, overflow_cost);
    }
    let (mut network, forward) = builder.build();
    if let Some(warm) = warm {
        let mut used = vec![false; inst.pairs.len()];
        for &i in &warm.used {
            used[i as usize] = true;
        }
        let mut load = vec![0u32; r_count];
        for (k, &i) in candidates.iter().enumerate() {
            if used[i as usize] {
                network.preset_flow(forward[first_pair_arc + k], 1);
                load[inst.pairs[i as usize].reviewer as usize] += 1;
            }
        }
        for (r, arc) in load_arc.iter().enumerate() {
            if let Some(arc) = *arc {
                let extra = load[r].saturating_sub(inst.loads[r].min);
                network.preset_flow(forward[arc], extra as i32);
            }
        }
        network.preset_potentials(&warm.price);
    }
    let stats = network.solve();

    let mut pairs = Vec::with_capacity(needed as usize);
    let mut used = Vec::with_capacity(needed as usize);
    let mut objective = 0;
    for (k, &i) in candidates.iter().enumerate() {
        if network.flow_left(forward[first_pair_arc + k]) == 0 {
            used.push(i);
            let p = &inst.pairs[i as usize];
            pairs.push((p.submission, p.reviewer));
            objective += p.affinity;
        }
    }
    pairs.sort_unstable();
    let overflow_used = (0..s_count)
        .any(|s| network.flow_left(forward[first_demand_arc + s]) < inst.reviews[s] as i32);
    Solved {
        assignment: Assignment { objective, pairs },
        used,
        overflow: overflow_used,
        price: network.exact_potentials(),
        stats,
    }
}
