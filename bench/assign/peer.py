#!/usr/bin/env python3
"""The peer: Google OR-Tools' SimpleMinCostFlow (C++ cost-scaling push-relabel) on the one-shot
formulation of the assignment, on the same allowed pairs Ingot reads.

Network: reviewer r supplies its minimum load; a source supplies the reviews beyond the
minimum loads through arcs source -> r of capacity max - min; arcs r -> submission of capacity
1 and cost -affinity; submission s demands its reviews.

Usage: peer.py DIR   (DIR/pairs.npz from gen.py or reference.py). Prints one JSON line; the
solve CPU time is time.process_time() around mcf.solve() alone.
"""
import hashlib
import json
import resource
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow


def main():
    d = np.load(sys.argv[1] + "/pairs.npz")
    sub, rev, aff = d["submission"], d["reviewer"], d["affinity"]
    lo, hi, demand = d["min_load"], d["max_load"], d["reviews"]
    r_count, s_count = len(lo), len(demand)
    source = r_count + s_count
    tails = np.concatenate([np.full(r_count, source), rev]).astype(np.int32)
    heads = np.concatenate([np.arange(r_count), r_count + sub]).astype(np.int32)
    capacities = np.concatenate([hi - lo, np.ones(len(sub), dtype=np.int64)])
    costs = np.concatenate([np.zeros(r_count, dtype=np.int64), -aff])
    supplies = np.concatenate([lo, -demand, [int(demand.sum() - lo.sum())]]).astype(np.int64)

    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    mcf.set_nodes_supplies(np.arange(source + 1), supplies)
    cpu, wall = time.process_time(), time.perf_counter()
    status = mcf.solve()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if status != mcf.OPTIMAL:
        print(json.dumps({"status": int(status)}))
        return
    used = mcf.flows(np.arange(r_count, r_count + len(sub))) > 0
    ap, ar = sub[used], rev[used]
    order = np.lexsort((ar, ap))
    ap, ar = ap[order], ar[order]
    digest = hashlib.sha256(np.stack([ap, ar]).astype("<i4").tobytes()).hexdigest()[:16]
    print(json.dumps({
        "status": "OPTIMAL",
        "objective": int(aff[used].sum()),
        "solve_cpu_s": round(cpu, 3),
        "solve_wall_s": round(wall, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "digest": digest,
    }))


if __name__ == "__main__":
    main()
