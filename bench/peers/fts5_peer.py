#!/usr/bin/env python3
"""Peer for `ingot bench search`: SQLite FTS5 with the trigram tokenizer, on the same corpus and
the same queries (phrases; pairs as two phrases), each filtered to the same half of the
organisations and limited to the top 10 by rank, with a count of all matches.
Usage: fts5_peer.py CORPUS_DIR N QUERIES_TSV"""
import sqlite3, sys, time

d, n, qfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = sqlite3.connect(":memory:")
db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, org UNINDEXED, tokenize='trigram')")
rows = []
with open(f"{d}/corpus.tsv", encoding="utf-8") as f:
    for line in f:
        if len(rows) >= n:
            break
        _id, org, _year, _cat, text = line.rstrip("\n").split("\t", 4)
        rows.append((text, int(org)))
c0, w0 = time.process_time(), time.perf_counter()
db.executemany("INSERT INTO docs (body, org) VALUES (?, ?)", rows)
db.commit()
build_cpu, build_wall = time.process_time() - c0, time.perf_counter() - w0
print(f"FTS5 trigram: index build {build_cpu:.1f} CPU-s, {build_wall:.1f} s wall, {n / max(build_cpu, 0.01):.0f} documents per CPU-second")

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else 0.0

by_kind, everything = {}, []
for line in open(qfile, encoding="utf-8"):
    kind, q = line.rstrip("\n").split("\t", 1)
    parts = q.split(" ")
    t = time.perf_counter()
    if all(len(p) >= 3 for p in parts):
        match = " AND ".join('"' + p.replace('"', '""') + '"' for p in parts)
        total = db.execute("SELECT COUNT(*) FROM docs WHERE docs MATCH ? AND org < 2500", (match,)).fetchone()[0]
        db.execute("SELECT rowid FROM docs WHERE docs MATCH ? AND org < 2500 ORDER BY rank LIMIT 10", (match,)).fetchall()
    else:
        # The trigram index cannot match fewer than three characters (and its LIKE then wrongly
        # finds nothing): a scan of every text is all it has.
        where = " AND ".join("instr(body, ?) > 0" for _ in parts)
        args = list(parts)
        total = db.execute(f"SELECT COUNT(*) FROM docs WHERE {where} AND org < 2500", args).fetchone()[0]
        db.execute(f"SELECT rowid FROM docs WHERE {where} AND org < 2500 LIMIT 10", args).fetchall()
    ms = (time.perf_counter() - t) * 1000
    by_kind.setdefault(kind, []).append(ms)
    everything.append(ms)
for kind, xs in sorted(by_kind.items()):
    print(f"  {kind:>4}: p50 {pct(xs, 50):.2f} ms  p99 {pct(xs, 99):.2f} ms")
print(f"  all : p50 {pct(everything, 50):.2f} ms  p99 {pct(everything, 99):.2f} ms")
