#!/usr/bin/env bash
# Import benchmark: `ingot serve` (release) on the demo, on SQLite and PostgreSQL, importing
# files of N achievements (CSV, every row held to the form's rules through the same use case as
# the form, all in one transaction) through `POST /api/v1/records/import`, timed end to end with
# curl. The peer, in the same run on the same database, is the floor any import must pay: the
# same rows inserted into a bare table of the same columns by Python's driver in one
# transaction (executemany), with no checks, audit or tallies.
#
#   bench/import/run.sh                                   SQLite and PostgreSQL, 1,000 5,000 20,000
#   DATABASES=postgres ROWS="20000" bench/import/run.sh
#
# 20,000 rows is the largest file an import reads (MAX_IMPORT_ROWS).
set -euo pipefail
cd "$(dirname "$0")/../.."

databases="${DATABASES:-sqlite postgres}"
sizes="${ROWS:-1000 5000 20000}"
pg="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d /tmp/ingot-import-bench.XXXXXX)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

say() { printf '\n==> %s\n' "$*" >&2; }
say "Building ingot (release)"
cargo build --release --quiet --bin ingot
ingot="$(realpath "${CARGO_TARGET_DIR:-target}")/release/ingot"

# A file of N achievements of a Dalian unit, its worker first among the completers, distinct
# titles.
make_file() {
  python3 - "$1" "$2" <<'PY'
import csv, sys
n, path = int(sys.argv[1]), sys.argv[2]
workers = ["dl.liu.gang", "dl.wang.lei", "dl.zhang.hua", "dl.zhao.min", "dl.sun.tao"]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["unit_code", "title", "summary", "field", "kind", "claimed_level",
                "finished_on", "year", "completers"])
    for i in range(n):
        w.writerow(["CN-LN-DL-GJZ-MW", f"批量导入的成果 {i}", f"第 {i} 项成果的简介。", "机械制造",
                    "工艺", "国内领先", "2024-06-30", "2024",
                    f"dl.liu.gang, {workers[1 + i % 4]}"])
PY
}

# The peer: the same rows into a bare table in one transaction.
peer() {
  python3 - "$1" "$2" "$3" <<'PY'
import csv, sys, time
db, url, path = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.reader(open(path, encoding="utf-8")))[1:]
ddl = ("CREATE TABLE IF NOT EXISTS peer_import (unit_code TEXT, title TEXT, summary TEXT, "
       "field TEXT, kind TEXT, claimed_level TEXT, finished_on TEXT, year BIGINT, completers TEXT)")
if db == "sqlite":
    import sqlite3
    conn = sqlite3.connect(url)
    cur = conn.cursor(); cur.execute(ddl); conn.commit()
    start = time.perf_counter()
    cur.executemany("INSERT INTO peer_import VALUES (?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
else:
    import psycopg
    conn = psycopg.connect(url)
    cur = conn.cursor(); cur.execute(ddl); conn.commit()
    start = time.perf_counter()
    cur.executemany("INSERT INTO peer_import VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)
    conn.commit()
print(f"{time.perf_counter() - start:.3f}")
PY
}

venv="${INGOT_IMPORT_BENCH_VENV:-$HOME/.cache/ingot-import-bench-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import psycopg' 2>/dev/null; then
  say "Making the peer's virtualenv at $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'psycopg[binary]==3.2.10'
fi
export PATH="$venv/bin:$PATH"

printf '\n%-9s %7s %10s %10s %10s %9s\n' database rows ingot_s rows_per_s peer_s ratio
for db in $databases; do
  for n in $sizes; do
    case "$db" in
      sqlite) url="sqlite://$work/bench-$n.db"; peer_url="$work/bench-$n.db" ;;
      postgres)
        name="ingot_import_bench_$n"
        psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
        psql "$pg/postgres" -qc "CREATE DATABASE $name" >/dev/null
        url="$pg/$name"; peer_url="$url" ;;
    esac
    DATABASE_URL="$url" "$ingot" demo >/dev/null
    token="$(DATABASE_URL="$url" "$ingot" token create dl.admin --name bench | tail -n 1)"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    DATABASE_URL="$url" INGOT_FILES_DIR="$work/files" INGOT_LOG=warn \
      "$ingot" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    make_file "$n" "$work/rows.csv"
    seconds=$(curl -s -o "$work/report.json" -w '%{time_total}' \
      -H "authorization: Bearer $token" -H 'content-type: text/csv' \
      --data-binary "@$work/rows.csv" "http://127.0.0.1:$port/api/v1/records/import?kind=achievements")
    saved=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("saved"))' "$work/report.json")
    [ "$saved" = "$n" ] || { echo "import saved $saved of $n: $(head -c 400 "$work/report.json")" >&2; exit 1; }
    kill "$server"; wait "$server" 2>/dev/null || true
    peer_seconds=$(peer "$db" "$peer_url" "$work/rows.csv")
    python3 -c "import sys; n,s,p=int(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); print(f'{sys.argv[1]:<9} {n:>7} {s:>10.2f} {n/s:>10.0f} {p:>10.3f} {s/p:>8.0f}x')" \
      "$db" "$n" "$seconds" "$peer_seconds"
    [ "$db" = postgres ] && psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
  done
done
