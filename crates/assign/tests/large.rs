//! The fast solver against the simple reference solver on medium instances, every rule on a
//! large one, determinism, and the reasons it gives for infeasible instances.

use ingot_assign::{Infeasible, Instance, Load, Pair, check, solve, solve_reference};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Reviewers with topic-like affinities: a submission's allowed reviewers are a random share
/// `allowed_percent` of all, with affinity highest for reviewers near it on a circle of topics.
fn generated(
    rng: &mut Rng,
    submissions: u32,
    reviewers: u32,
    reviews: u32,
    load: Load,
    allowed_percent: u64,
) -> Instance {
    let mut pairs = Vec::new();
    for s in 0..submissions {
        let topic = rng.below(1000) as i64;
        for r in 0..reviewers {
            if rng.below(100) < allowed_percent {
                let centre = i64::from(r) * 1000 / i64::from(reviewers);
                let gap = (topic - centre)
                    .rem_euclid(1000)
                    .min((centre - topic).rem_euclid(1000));
                pairs.push(Pair {
                    submission: s,
                    reviewer: r,
                    affinity: 1 + (1000 - 2 * gap).max(0) / 2 + rng.below(200) as i64,
                });
            }
        }
    }
    Instance {
        loads: vec![load; reviewers as usize],
        reviews: vec![reviews; submissions as usize],
        pairs,
    }
}

fn shuffled(inst: &Instance, rng: &mut Rng) -> Instance {
    let mut pairs = inst.pairs.clone();
    for i in (1..pairs.len()).rev() {
        pairs.swap(i, rng.below(i as u64 + 1) as usize);
    }
    Instance {
        pairs,
        ..inst.clone()
    }
}

#[test]
fn equals_the_reference_solver_on_medium_instances() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    // Dense ones go through candidate pairs and pricing rounds; sparse ones solve whole.
    for (submissions, reviewers, reviews, load, allowed) in [
        (120, 40, 3, Load { min: 6, max: 12 }, 90),
        (150, 60, 2, Load { min: 4, max: 6 }, 70),
        (200, 50, 3, Load { min: 10, max: 14 }, 20),
        (100, 30, 4, Load { min: 0, max: 20 }, 95),
        (90, 45, 5, Load { min: 10, max: 10 }, 60),
    ] {
        let inst = generated(&mut rng, submissions, reviewers, reviews, load, allowed);
        let fast = solve(&inst).expect("feasible");
        let reference = solve_reference(&inst).expect("feasible");
        assert_eq!(check(&inst, &fast.pairs), Ok(fast.objective));
        assert_eq!(
            fast.objective, reference.objective,
            "{submissions}x{reviewers}"
        );
    }
}

#[test]
fn keeps_every_rule_on_a_large_instance_and_is_deterministic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let inst = generated(&mut rng, 3000, 600, 3, Load { min: 12, max: 18 }, 8);
    let first = solve(&inst).expect("feasible");
    assert_eq!(check(&inst, &first.pairs), Ok(first.objective));
    assert_eq!(first.pairs.len(), 9000);
    assert!(
        first.pairs.windows(2).all(|w| w[0] < w[1]),
        "sorted, no pair twice"
    );
    assert_eq!(solve(&inst), Ok(first.clone()));
    // The network is built in a canonical order, so the row order does not matter either.
    assert_eq!(solve(&shuffled(&inst, &mut rng)), Ok(first));
}

#[test]
fn a_repeated_pair_is_named() {
    let mut inst = generated(&mut Rng(7), 20, 10, 2, Load { min: 0, max: 8 }, 100);
    let repeated = inst.pairs[37];
    inst.pairs.push(repeated);
    assert_eq!(
        solve(&inst),
        Err(Infeasible::BadPair {
            submission: repeated.submission,
            reviewer: repeated.reviewer,
        })
    );
}

#[test]
fn reviewers_who_cannot_reach_their_minimum_are_named() {
    // Reviewer 2 may review only submission 0, but needs 2 reviews.
    let pair = |submission, reviewer| Pair {
        submission,
        reviewer,
        affinity: 10,
    };
    let inst = Instance {
        loads: vec![
            Load { min: 0, max: 3 },
            Load { min: 0, max: 3 },
            Load { min: 2, max: 2 },
        ],
        reviews: vec![2, 2],
        pairs: vec![pair(0, 0), pair(0, 1), pair(0, 2), pair(1, 0), pair(1, 1)],
    };
    assert_eq!(
        solve(&inst),
        Err(Infeasible::Underloaded { reviewers: vec![2] })
    );
}

#[test]
fn a_large_instance_that_cannot_be_covered_is_reported() {
    // Every reviewer's maximum is 2, so 40 reviewers give 80 reviews of the 90 needed: the
    // counting check names it before any flow.
    let inst = generated(&mut Rng(11), 30, 40, 3, Load { min: 0, max: 2 }, 100);
    assert!(matches!(solve(&inst), Err(Infeasible::Capacity { .. })));
    // Submissions 0 and 1 may use only reviewers 0-2, whose maximum load is 1: the counts
    // pass, and the flow finds the set that cannot be covered.
    let mut inst = generated(&mut Rng(12), 30, 40, 3, Load { min: 0, max: 3 }, 100);
    inst.pairs.retain(|p| p.submission > 1 || p.reviewer < 3);
    inst.loads[0].max = 1;
    inst.loads[1].max = 1;
    inst.loads[2].max = 1;
    match solve(&inst) {
        Err(Infeasible::Uncovered {
            submissions,
            needed,
            available,
            ..
        }) => {
            assert_eq!(submissions, vec![0, 1]);
            assert!(needed > available);
        }
        other => panic!("{other:?}"),
    }
}
