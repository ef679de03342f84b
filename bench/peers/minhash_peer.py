#!/usr/bin/env python3
"""Peer for `ingot bench search`: Python datasketch MinHash (128 permutations) with MinHashLSH at
its default banding for threshold 0.5, character 3-grams, on the same corpus, planted duplicates
and fresh texts; each check timed end to end (shingles, MinHash, LSH query, rank by estimate,
top 5). Usage: minhash_peer.py CORPUS_DIR N"""
import sys, time
from datasketch import MinHash, LeanMinHash, MinHashLSH

d, n = sys.argv[1], int(sys.argv[2])

def mh(text):
    m = MinHash(num_perm=128)
    m.update_batch({text[i:i + 3].encode("utf-8") for i in range(max(1, len(text) - 2))})
    return LeanMinHash(m)

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else 0.0

texts = []
with open(f"{d}/corpus.tsv", encoding="utf-8") as f:
    for line in f:
        if len(texts) >= n:
            break
        texts.append(line.rstrip("\n").split("\t", 4)[4])
c0, w0 = time.process_time(), time.perf_counter()
sigs = [mh(t) for t in texts]
lsh = MinHashLSH(threshold=0.5, num_perm=128)
with lsh.insertion_session() as s:
    for i, m in enumerate(sigs):
        s.insert(i, m, check_duplication=False)
print(f"datasketch MinHashLSH ({lsh.b} bands x {lsh.r} rows): signatures and LSH {time.process_time() - c0:.1f} CPU-s, {time.perf_counter() - w0:.1f} s wall")

def check(text):
    m = mh(text)
    return sorted(((sigs[c].jaccard(m), c) for c in lsh.query(m)), reverse=True)[:5]

times, high, high_found, mid, mid_found = [], 0, 0, 0, 0
for line in open(f"{d}/dups.tsv", encoding="utf-8"):
    _q, source, _rate, j, text = line.rstrip("\n").split("\t", 4)
    source, j = int(source), float(j)
    if source >= n:
        continue
    t = time.process_time()
    found = check(text)
    times.append((time.process_time() - t) * 1000)
    hit = any(c == source for _, c in found)
    if j >= 0.5:
        high += 1; high_found += hit
    elif j >= 0.3:
        mid += 1; mid_found += hit
for line in open(f"{d}/fresh.tsv", encoding="utf-8"):
    t = time.process_time()
    check(line.rstrip("\n").split("\t", 1)[1])
    times.append((time.process_time() - t) * 1000)
print(f"  checks: p50 {pct(times, 50):.3f} ms  p99 {pct(times, 99):.3f} ms (CPU)")
print(f"  recall@5: Jaccard >= 0.5: {high_found / max(high, 1):.3f} ({high_found}/{high}); 0.3-0.5: {mid_found / max(mid, 1):.3f} ({mid_found}/{mid})")
