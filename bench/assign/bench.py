#!/usr/bin/env python3
"""Runs `ingot assign solve` and the OR-Tools peer on each instance in the same run, checks that
the objectives are equal (and, on the reference instances, equal to the proven optima), and
prints a table of CPU times, their ratio and peak memory.

Usage: bench.py --ingot PATH --out DIR [--names A B C] [--repeats N] [--reference DIR]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Quoted in the reference instances' README (proven by OR-Tools; dense and sparse alike).
REFERENCE_OPTIMA = {"A": 4_721_702, "B": 24_925_682, "C": 40_914_115}


def run_ingot(ingot, directory):
    out = subprocess.run([ingot, "assign", "solve", directory], check=True,
                         capture_output=True, text=True).stdout
    field = lambda key: re.search(rf"^{key}: (.*)$", out, re.M).group(1)
    times = {step: [float(x) for x in re.findall(r"[\d.]+", field(step))]
             for step in ("read", "solve", "total")}
    return {
        "objective": int(field("objective")),
        "digest": field("digest"),
        "read_cpu": times["read"][0],
        "solve_cpu": times["solve"][0],
        "total_cpu": times["total"][0],
        "total_wall": times["total"][1],
        "rss": float(field("peak RSS").split()[0]),
        "solver": field("solver"),
    }


def run_peer(python, directory):
    out = subprocess.run([python, os.path.join(HERE, "peer.py"), directory], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def median_run(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ingot", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--names", nargs="+", default=["A", "B", "C"])
    parser.add_argument("--variants", nargs="+", default=["sparse", "dense"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference", help="/work/shared/bench/assign, for the cross-check")
    args = parser.parse_args()

    sets = [("ours", os.path.join(args.out, "ours"))]
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), sets[0][1], *args.names],
                   check=True)
    if args.reference:
        sets.append(("reference", os.path.join(args.out, "reference")))
        subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), args.reference,
                        sets[1][1], *args.names], check=True)

    rows, failures = [], []
    for label, root in sets:
        for name in args.names:
            for variant in args.variants:
                directory = os.path.join(root, f"{name}-{variant}")
                ingot = [run_ingot(args.ingot, directory) for _ in range(args.repeats)]
                peer = [run_peer(sys.executable, directory) for _ in range(args.repeats)]
                objectives = {r["objective"] for r in ingot} | {p["objective"] for p in peer}
                digests = {r["digest"] for r in ingot}
                if len(objectives) != 1:
                    failures.append(f"{label} {name}-{variant}: objectives differ {objectives}")
                if len(digests) != 1:
                    failures.append(f"{label} {name}-{variant}: assignment not deterministic")
                objective = ingot[0]["objective"]
                if label == "reference" and objective != REFERENCE_OPTIMA[name]:
                    failures.append(f"reference {name}-{variant}: {objective} is not the "
                                    f"proven optimum {REFERENCE_OPTIMA[name]}")
                total, solve = median_run(ingot, "total_cpu"), median_run(ingot, "solve_cpu")
                peer_cpu = median_run(peer, "solve_cpu_s")
                rows.append((f"{label} {name}-{variant}", f"{objective:,}",
                             f"{median_run(ingot, 'read_cpu'):.3f}", f"{solve:.3f}",
                             f"{total:.3f}", f"{peer_cpu:.3f}", f"{total / peer_cpu:.2f}",
                             f"{max(r['rss'] for r in ingot):.0f}",
                             f"{max(p['peak_rss_mib'] for p in peer):.0f}",
                             "yes" if ingot[0]["digest"] == peer[0]["digest"] else "no"))
                print(f"{label} {name}-{variant}: {ingot[0]['solver']}", flush=True)

    header = ("instance", "objective (both)", "Ingot read CPU s", "Ingot solve CPU s",
              "Ingot total CPU s", "OR-Tools solve CPU s", "Ingot total / OR-Tools",
              "Ingot peak RSS MiB", "OR-Tools peak RSS MiB", "same pairs")
    print(f"\nmedian of {args.repeats} runs each, one thread, load average "
          f"{os.getloadavg()[0]:.2f}")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("\nAll objectives equal" + (" and equal to the proven reference optima"
                                      if args.reference else "") + ".")


if __name__ == "__main__":
    main()
