use ingot_assign::{Infeasible, Instance, Load, Pair, check, solve};

fn brute(inst: &Instance) -> Option<i64> {
    // Every subset of allowed pairs; fine for up to ~12 pairs.
    let n = inst.pairs.len();
    let mut best = None;
    for mask in 0u32..(1 << n) {
        let chosen: Vec<(u32, u32)> = (0..n)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| (inst.pairs[i].submission, inst.pairs[i].reviewer))
            .collect();
        if let Ok(v) = check(inst, &chosen) {
            best = Some(best.map_or(v, |b: i64| b.max(v)));
        }
    }
    best
}

fn random_instance(seed: &mut u64, reviewers: usize, submissions: usize) -> Instance {
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    let loads = (0..reviewers)
        .map(|_| {
            let min = (next() % 2) as u32;
            Load {
                min,
                max: min + (next() % 3) as u32,
            }
        })
        .collect();
    let reviews = (0..submissions).map(|_| 1 + (next() % 2) as u32).collect();
    let mut pairs = Vec::new();
    for s in 0..submissions as u32 {
        for r in 0..reviewers as u32 {
            if next() % 4 != 0 && pairs.len() < 12 {
                pairs.push(Pair {
                    submission: s,
                    reviewer: r,
                    affinity: (next() % 20) as i64 + 1,
                });
            }
        }
    }
    Instance {
        loads,
        reviews,
        pairs,
    }
}

#[test]
fn matches_brute_force_on_small_instances() {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    let (mut feasible, mut infeasible) = (0, 0);
    for _ in 0..400 {
        let inst = random_instance(&mut seed, 4, 4);
        let expected = brute(&inst);
        match (solve(&inst), expected) {
            (Ok(a), Some(best)) => {
                assert_eq!(check(&inst, &a.pairs), Ok(a.objective));
                assert_eq!(a.objective, best);
                feasible += 1;
            }
            (Err(_), None) => infeasible += 1,
            (got, want) => panic!("{inst:?}: solver {got:?}, brute force {want:?}"),
        }
    }
    assert!(
        feasible > 50 && infeasible > 50,
        "{feasible} feasible, {infeasible} infeasible"
    );
}

#[test]
fn names_the_submission_with_too_few_reviewers() {
    let inst = Instance {
        loads: vec![Load { min: 0, max: 2 }; 2],
        reviews: vec![2, 2],
        pairs: vec![
            Pair {
                submission: 0,
                reviewer: 0,
                affinity: 1,
            },
            Pair {
                submission: 0,
                reviewer: 1,
                affinity: 1,
            },
            Pair {
                submission: 1,
                reviewer: 1,
                affinity: 1,
            },
        ],
    };
    assert_eq!(
        solve(&inst),
        Err(Infeasible::TooFewReviewers {
            submission: 1,
            needed: 2,
            allowed: 1
        })
    );
}

#[test]
fn reports_the_set_that_cannot_be_covered() {
    // Submissions 0 and 1 may only use reviewer 0, whose load is 1.
    let inst = Instance {
        loads: vec![Load { min: 0, max: 1 }, Load { min: 0, max: 3 }],
        reviews: vec![1, 1, 1],
        pairs: vec![
            Pair {
                submission: 0,
                reviewer: 0,
                affinity: 5,
            },
            Pair {
                submission: 1,
                reviewer: 0,
                affinity: 5,
            },
            Pair {
                submission: 2,
                reviewer: 1,
                affinity: 5,
            },
        ],
    };
    match solve(&inst) {
        Err(Infeasible::Uncovered {
            submissions,
            reviewers,
            needed,
            available,
        }) => {
            assert_eq!(submissions, vec![0, 1]);
            assert_eq!(reviewers, vec![0]);
            assert!(needed > available, "{needed} > {available}");
        }
        other => panic!("{other:?}"),
    }
}
