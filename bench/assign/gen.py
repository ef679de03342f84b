#!/usr/bin/env python3
"""Ingot's own synthetic expert-assignment instances, written as the CSV files `ingot assign
solve` reads plus an .npz of the same allowed pairs for the OR-Tools peer.

Model (integers throughout, so every solver sees the same numbers):
  * P submissions, R reviewers, K reviews per submission; every reviewer's load in [lo, hi].
  * 40 research areas: a submission belongs to 1-3, a reviewer knows 2-6.
  * A 32-dimensional profile per item: the mean of its areas' centres plus noise.
  * affinity = 400 * Jaccard(areas) + 600 * (cos(profiles) + 1) / 2, rounded, in 1..1000.
  * Conflicts of interest: 25 institutions (same institution => conflict) plus 0.2% of pairs
    at random (co-authors); conflicted pairs are not allowed.
  * "-sparse": only the union of each submission's best Kp reviewers and each reviewer's best
    Kr submissions (by affinity, before conflicts), the way matchers keep top-K scores;
    "-dense": every pair without conflict.

Usage: gen.py OUTDIR NAME...   (NAME in A, B, C; writes OUTDIR/NAME-dense and NAME-sparse)
"""
import os
import sys

import numpy as np

AREAS = 40
DIM = 32
INSTITUTIONS = 25
COAUTHOR_RATE = 0.002

# name: submissions, reviewers, reviews each, min load, max load, Kp, Kr, seed
SIZES = {
    "A": (2000, 500, 3, 10, 14, 25, 100, 11),
    "B": (10000, 2000, 3, 12, 18, 100, 500, 12),
    "C": (10000, 2000, 5, 20, 30, 100, 500, 13),
}


def areas(rng, count, fewest, most):
    member = np.zeros((count, AREAS), dtype=bool)
    sizes = rng.integers(fewest, most + 1, size=count)
    for i, size in enumerate(sizes):
        member[i, rng.permutation(AREAS)[:size]] = True
    return member


def profiles(rng, member, centres):
    mean = (member.astype(np.float32) @ centres) / member.sum(axis=1, keepdims=True)
    noisy = mean + 0.7 * rng.standard_normal(mean.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def instance(name):
    p, r, k, lo, hi, kp, kr, seed = SIZES[name]
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((AREAS, DIM)).astype(np.float32)
    sub_areas, rev_areas = areas(rng, p, 1, 3), areas(rng, r, 2, 6)
    both = sub_areas.astype(np.float32) @ rev_areas.T.astype(np.float32)
    either = sub_areas.sum(axis=1)[:, None] + rev_areas.sum(axis=1)[None, :] - both
    cosine = profiles(rng, sub_areas, centres) @ profiles(rng, rev_areas, centres).T
    affinity = 400.0 * both / either + 600.0 * (cosine + 1.0) / 2.0
    affinity = np.clip(np.rint(affinity), 1, 1000).astype(np.int16)

    conflict = rng.integers(0, INSTITUTIONS, size=p)[:, None] == rng.integers(
        0, INSTITUTIONS, size=r)[None, :]
    conflict |= rng.random((p, r)) < COAUTHOR_RATE

    # Ties broken by the lower index (stable sort on the negated affinity).
    kept = np.zeros((p, r), dtype=bool)
    kept[np.arange(p)[:, None], np.argsort(-affinity, axis=1, kind="stable")[:, :kp]] = True
    kept[np.argsort(-affinity, axis=0, kind="stable")[:kr, :], np.arange(r)[None, :]] = True

    loads = (np.full(r, lo, dtype=np.int64), np.full(r, hi, dtype=np.int64))
    demand = np.full(p, k, dtype=np.int64)
    return {
        f"{name}-dense": (affinity, ~conflict, loads, demand),
        f"{name}-sparse": (affinity, ~conflict & kept, loads, demand),
    }


def write(out, affinity, allowed, loads, demand):
    os.makedirs(out, exist_ok=True)
    sub, rev = np.nonzero(allowed)  # by submission, then reviewer
    aff = affinity[sub, rev].astype(np.int64)
    np.savez(os.path.join(out, "pairs.npz"), submission=sub.astype(np.int32),
             reviewer=rev.astype(np.int32), affinity=aff, min_load=loads[0],
             max_load=loads[1], reviews=demand)
    with open(os.path.join(out, "reviewers.csv"), "w") as f:
        f.write("reviewer,min_load,max_load\n")
        f.writelines(f"{i},{a},{b}\n" for i, (a, b) in enumerate(zip(*loads)))
    with open(os.path.join(out, "submissions.csv"), "w") as f:
        f.write("submission,reviews\n")
        f.writelines(f"{i},{n}\n" for i, n in enumerate(demand))
    write_pairs(os.path.join(out, "affinity.csv"), sub, rev, aff)
    return len(sub)


def write_pairs(path, sub, rev, aff):
    """Row by row through preformatted number strings: several times faster than savetxt."""
    numbers = [str(i) for i in range(max(int(sub.max()), int(rev.max()), int(aff.max())) + 1)]
    with open(path, "w") as f:
        f.write("submission,reviewer,affinity\n")
        step = 1 << 20
        for start in range(0, len(sub), step):
            end = start + step
            f.write("".join(
                f"{numbers[s]},{numbers[r]},{numbers[a]}\n"
                for s, r, a in zip(sub[start:end].tolist(), rev[start:end].tolist(),
                                   aff[start:end].tolist())))


def main():
    out, names = sys.argv[1], sys.argv[2:] or list(SIZES)
    for name in names:
        for label, arrays in instance(name).items():
            pairs = write(os.path.join(out, label), *arrays)
            print(f"{label}: {pairs} allowed pairs", flush=True)


if __name__ == "__main__":
    main()
