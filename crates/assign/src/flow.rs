//! Successive shortest paths with Dijkstra on reduced costs: exact and simple. Minimum loads are
//! forced by a large bonus on each reviewer's first `min` units.

use crate::{Assignment, Infeasible, Instance};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

struct Arc {
    to: u32,
    cap: i32,
    cost: i64,
}

struct Graph {
    arcs: Vec<Arc>,
    out: Vec<Vec<u32>>,
}

impl Graph {
    fn new(nodes: usize) -> Self {
        Self {
            arcs: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    /// Adds an arc and its residual twin; returns the arc's index (the twin is `index ^ 1`).
    fn add(&mut self, from: usize, to: usize, cap: i32, cost: i64) -> usize {
        let id = self.arcs.len();
        self.arcs.push(Arc {
            to: to as u32,
            cap,
            cost,
        });
        self.arcs.push(Arc {
            to: from as u32,
            cap: 0,
            cost: -cost,
        });
        self.out[from].push(id as u32);
        self.out[to].push(id as u32 + 1);
        id
    }
}

pub(crate) fn solve(inst: &Instance) -> Result<Assignment, Infeasible> {
    let (r_count, s_count) = (inst.loads.len(), inst.reviews.len());
    let source = 0;
    let reviewer = |r: u32| 1 + r as usize;
    let submission = |s: u32| 1 + r_count + s as usize;
    let sink = 1 + r_count + s_count;
    let demand: i64 = inst.reviews.iter().map(|&n| i64::from(n)).sum();
    let max_affinity = inst
        .pairs
        .iter()
        .map(|p| p.affinity.abs())
        .max()
        .unwrap_or(0);
    // Worth more than any difference in affinity a whole assignment can make.
    let bonus = (2 * max_affinity + 1) * (demand + 1);

    let mut g = Graph::new(sink + 1);
    let mut min_arcs = Vec::with_capacity(r_count);
    for (r, load) in inst.loads.iter().enumerate() {
        min_arcs.push(g.add(source, reviewer(r as u32), load.min as i32, -bonus));
        g.add(source, reviewer(r as u32), (load.max - load.min) as i32, 0);
    }
    let mut pair_arcs = Vec::with_capacity(inst.pairs.len());
    let mut seen = std::collections::HashSet::with_capacity(inst.pairs.len());
    for p in &inst.pairs {
        if !seen.insert((p.submission, p.reviewer)) {
            return Err(Infeasible::BadPair {
                submission: p.submission,
                reviewer: p.reviewer,
            });
        }
        pair_arcs.push(g.add(
            reviewer(p.reviewer),
            submission(p.submission),
            1,
            -p.affinity,
        ));
    }
    for (s, &n) in inst.reviews.iter().enumerate() {
        g.add(submission(s as u32), sink, n as i32, 0);
    }

    // Initial potentials: the network is layered (source, reviewers, submissions, sink), so
    // shortest distances follow from one pass per layer and make every reduced cost >= 0.
    let mut potential = vec![0i64; sink + 1];
    for (r, load) in inst.loads.iter().enumerate() {
        potential[reviewer(r as u32)] = if load.min > 0 { -bonus } else { 0 };
    }
    let mut best = vec![i64::MAX; s_count];
    for p in &inst.pairs {
        let d = potential[reviewer(p.reviewer)] - p.affinity;
        best[p.submission as usize] = best[p.submission as usize].min(d);
    }
    for (s, &d) in best.iter().enumerate() {
        potential[submission(s as u32)] = if d == i64::MAX { 0 } else { d };
    }
    potential[sink] = best
        .iter()
        .copied()
        .filter(|&d| d != i64::MAX)
        .min()
        .unwrap_or(0)
        .min(0);

    let mut flow = 0i64;
    let mut dist = vec![i64::MAX; sink + 1];
    let mut via = vec![u32::MAX; sink + 1];
    while flow < demand {
        dist.fill(i64::MAX);
        via.fill(u32::MAX);
        dist[source] = 0;
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0i64, source as u32)));
        while let Some(Reverse((d, v))) = heap.pop() {
            let v = v as usize;
            if d > dist[v] {
                continue;
            }
            for &a in &g.out[v] {
                let arc = &g.arcs[a as usize];
                if arc.cap == 0 {
                    continue;
                }
                let w = arc.to as usize;
                let nd = d + arc.cost + potential[v] - potential[w];
                if nd < dist[w] {
                    dist[w] = nd;
                    via[w] = a;
                    heap.push(Reverse((nd, w as u32)));
                }
            }
        }
        if dist[sink] == i64::MAX {
            return Err(uncovered(inst, &dist, r_count));
        }
        for v in 0..=sink {
            if dist[v] != i64::MAX {
                potential[v] += dist[v];
            }
        }
        let mut push = i32::MAX;
        let mut v = sink;
        while v != source {
            let a = via[v] as usize;
            push = push.min(g.arcs[a].cap);
            v = g.arcs[a ^ 1].to as usize;
        }
        let push = push.min((demand - flow) as i32);
        let mut v = sink;
        while v != source {
            let a = via[v] as usize;
            g.arcs[a].cap -= push;
            g.arcs[a ^ 1].cap += push;
            v = g.arcs[a ^ 1].to as usize;
        }
        flow += i64::from(push);
    }

    let underloaded: Vec<u32> = min_arcs
        .iter()
        .enumerate()
        .filter(|&(_, &a)| g.arcs[a].cap > 0)
        .map(|(r, _)| r as u32)
        .collect();
    if !underloaded.is_empty() {
        return Err(Infeasible::Underloaded {
            reviewers: underloaded,
        });
    }
    let mut pairs = Vec::with_capacity(demand as usize);
    let mut objective = 0;
    for (p, &a) in inst.pairs.iter().zip(&pair_arcs) {
        if g.arcs[a].cap == 0 {
            pairs.push((p.submission, p.reviewer));
            objective += p.affinity;
        }
    }
    pairs.sort_unstable();
    Ok(Assignment { objective, pairs })
}

/// After the flow got stuck: the submissions the source cannot reach form a set whose demand
/// exceeds what can flow into it (the minimum cut), which is the reason to report.
fn uncovered(inst: &Instance, dist: &[i64], r_count: usize) -> Infeasible {
    let reachable = |node: usize| dist[node] != i64::MAX;
    let reviewer_reachable = |r: u32| reachable(1 + r as usize);
    // Pairs from reachable reviewers into each submission: each can carry one review.
    let mut open_pairs = vec![0u64; inst.reviews.len()];
    for p in &inst.pairs {
        if reviewer_reachable(p.reviewer) {
            open_pairs[p.submission as usize] += 1;
        }
    }
    // A submission those pairs alone could cover adds no less to the cut than to the demand,
    // so leaving it out keeps the set violated and names only the submissions that matter.
    let in_set: Vec<bool> = (0..inst.reviews.len())
        .map(|s| !reachable(1 + r_count + s) && open_pairs[s] < u64::from(inst.reviews[s]))
        .collect();
    let submissions: Vec<u32> = (0..inst.reviews.len() as u32)
        .filter(|&s| in_set[s as usize])
        .collect();
    let mut reviewers: Vec<u32> = inst
        .pairs
        .iter()
        .filter(|p| in_set[p.submission as usize])
        .map(|p| p.reviewer)
        .collect();
    reviewers.sort_unstable();
    reviewers.dedup();
    let needed = submissions
        .iter()
        .map(|&s| u64::from(inst.reviews[s as usize]))
        .sum();
    // The cut's capacity into the set: whole loads of unreachable reviewers, one per open pair.
    let available = reviewers
        .iter()
        .filter(|&&r| !reviewer_reachable(r))
        .map(|&r| u64::from(inst.loads[r as usize].max))
        .sum::<u64>()
        + submissions
            .iter()
            .map(|&s| open_pairs[s as usize])
            .sum::<u64>();
    Infeasible::Uncovered {
        submissions,
        reviewers,
        needed,
        available,
    }
}
