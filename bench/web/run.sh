#!/usr/bin/env bash
# Page benchmark: `ingot serve` (release) on a generated country with the demo on top, every
# page family and API read measured with wrk on loopback, the server pinned to one core and wrk
# to the other, 16 connections; requests per second of server CPU, p50 and p99. The Django 5.2 +
# gunicorn peer (from PyPI, in a virtualenv this script makes) is measured in the same run on
# the same database. Figures and a JSON file per run land in $OUT (default target/bench-web).
#
#   bench/web/run.sh                                            SQLite, district scale
#   DATABASES="sqlite postgres" SCALES="district city" bench/web/run.sh
#   SECONDS_EACH=5 CONNECTIONS=16 bench/web/run.sh
#
# Databases are kept between runs (generation is idempotent): SQLite files under
# ~/.cache/ingot-web-bench, PostgreSQL databases ingot_bench_<scale> on $BENCH_PG_URL
# (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/../.."

databases="${DATABASES:-sqlite}"
scales="${SCALES:-district}"
seconds="${SECONDS_EACH:-8}"
connections="${CONNECTIONS:-16}"
pg="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
cache="${BENCH_CACHE:-$HOME/.cache/ingot-web-bench}"
venv="${INGOT_WEB_BENCH_VENV:-$HOME/.cache/ingot-web-bench-venv}"
password="bench-password-1"

say() { printf '\n==> %s\n' "$*" >&2; }
if ! command -v wrk >/dev/null; then
  say "Installing wrk from Debian"
  apt-get install -y wrk >/dev/null
fi
if [ ! -x "$venv/bin/gunicorn" ]; then
  say "Making the peer's virtualenv at $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r bench/web/requirements.txt
fi
say "Building ingot (release)"
cargo build --release --quiet --bin ingot
ingot="$(realpath "${CARGO_TARGET_DIR:-target}")/release/ingot"
out="${OUT:-${CARGO_TARGET_DIR:-target}/bench-web}"
mkdir -p "$cache" "$out"

for db in $databases; do
  for scale in $scales; do
    case "$db" in
      sqlite) url="sqlite://$cache/$scale.db" ;;
      postgres)
        url="$pg/ingot_bench_$scale"
        psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'ingot_bench_$scale'" | grep -q 1 \
          || psql "$pg/postgres" -qc "CREATE DATABASE ingot_bench_$scale"
        ;;
      *) echo "unknown database $db" >&2; exit 2 ;;
    esac
    export DATABASE_URL="$url" INGOT_LOG=error NO_COLOR=1
    say "$db, $scale: the demo, then the generated country (both idempotent)"
    demo_password=$("$ingot" demo --reset-passwords | sed -n 's/.*username admin   password //p')
    INGOT_GENERATE_PASSWORD="$password" "$ingot" generate --scale "$scale" --seed 1
    admin_token=$("$ingot" token create g1.admin --name bench | tail -n 1)
    poster_token=$("$ingot" token create g1.e0.3 --name bench | tail -n 1)
    work=$(mktemp -d /tmp/ingot-web-bench.XXXXXX)
    python3 bench/web/driver.py "$(python3 -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
      ingot "$ingot" work "$work" database_url "$url" label "$db" size "$scale scale (seed 1) with the demo" \
      password "$password" demo_password "$demo_password" admin g1.admin employee g1.e0.2 poster g1.e0.3 \
      admin_token "$admin_token" poster_token "$poster_token" venv "$venv" \
      out "$out/$db-$scale.json" seconds "$seconds" connections "$connections")"
    rm -rf "$work"
  done
done
