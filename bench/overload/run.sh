#!/usr/bin/env bash
# Overload benchmark: a release `ingot serve` on SQLite with the demo data, loaded on loopback
# by oha at rising request rates. For each rate it prints what was served (200s per second),
# the latency of the served requests (p50, p99), the share refused with 503, and the health
# check's latency meanwhile; then the capacity (the highest rate served in full with p99 under
# the bound) and the shedding point (the lowest rate at which requests are refused). A last
# step at a light rate shows the server recovered without a restart.
#
#   bench/overload/run.sh                           /api/v1/me with a token, default limits
#   BENCH_PATH=/studios bench/overload/run.sh       a public page
#   RATES="500 1000 2000" STEP_SECONDS=5 MAX_IN_FLIGHT=32 bench/overload/run.sh
#
# The server and the load generator share this machine's cores, so the figures are a floor.
set -euo pipefail
cd "$(dirname "$0")/../.."

OHA_VERSION=1.16.0
path="${BENCH_PATH:-/api/v1/me}"
rates="${RATES:-250 500 1000 2000 4000 8000 16000}"
step="${STEP_SECONDS:-6}"
connections="${CONNECTIONS:-256}"
p99_bound_ms="${P99_BOUND_MS:-100}"

say() { printf '\n==> %s\n' "$*" >&2; }
if ! command -v oha >/dev/null; then
  say "Installing oha $OHA_VERSION from crates.io"
  cargo install oha --version "$OHA_VERSION" --locked
fi
say "Building ingot (release)"
cargo build --release --quiet --bin ingot
ingot="${CARGO_TARGET_DIR:-target}/release/ingot"

work=$(mktemp -d /tmp/ingot-bench.XXXXXX)
server=""
probe=""
cleanup() {
  for p in "$probe" "$server"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
export DATABASE_URL="sqlite://$work/ingot.db" INGOT_LOG=error NO_COLOR=1
# One client with one token: lift the per-account API throttle (429) so that what is measured
# is the server's capacity and its shedding (503).
export INGOT_API_LIMIT_PER_ADDRESS=100000000/60 INGOT_API_LIMIT_PER_ACCOUNT=100000000/60
say "Loading the demo data"
"$ingot" demo >/dev/null
token=$("$ingot" token create nm.admin --name bench | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
serve_args=(serve --listen "127.0.0.1:$port" --files-dir "$work/files")
[ -n "${MAX_IN_FLIGHT:-}" ] && serve_args+=(--max-in-flight "$MAX_IN_FLIGHT")
"$ingot" "${serve_args[@]}" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request as u; u.urlopen('$base/healthz', timeout=1)" 2>/dev/null && break
  sleep 0.2
done

load() { # rate seconds -> oha's JSON report on stdout
  oha --no-tui --output-format json -z "${2}s" -q "$1" -c "$connections" --latency-correction \
    --stats-success-breakdown -t 30s -H "Authorization: Bearer $token" -H "Accept-Language: en" \
    "$base$path"
}
health() { # seconds -> the health check's report while the load runs
  oha --no-tui --output-format json -z "${1}s" -q 20 -c 1 "$base/healthz"
}

say "Warming up"
load 200 2 >/dev/null
say "Ramping $path: ${rates// /, } requests per second, ${step} s each, $connections connections"
for rate in $rates; do
  health "$step" >"$work/health-$rate.json" &
  probe=$!
  load "$rate" "$step" >"$work/load-$rate.json"
  wait "$probe" || true
  probe=""
  sleep 1
done
say "Recovery: 100 requests per second right after the ramp"
load 100 3 >"$work/load-recovery.json"

python3 - "$work" "$rates" "$step" "$p99_bound_ms" "$path" <<'EOF'
import json, sys
work, rates, step, bound, path = sys.argv[1], [int(r) for r in sys.argv[2].split()], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]

def report(name):
    with open(f"{work}/{name}.json") as f:
        return json.load(f)

def pct(d, key):
    v = (d or {}).get(key)
    return None if v is None else v * 1000

def row(r, seconds):
    codes = {int(k): v for k, v in r.get("statusCodeDistribution", {}).items()}
    # Requests still under way when a step's time is up are cut off by oha itself.
    errors = {k: v for k, v in r.get("errorDistribution", {}).items() if "deadline" not in k}
    total = sum(codes.values()) + sum(errors.values())
    ok, shed = codes.get(200, 0), codes.get(503, 0)
    served = r.get("latencyPercentilesSuccessful") or r.get("latencyPercentiles")
    return {
        "served": ok / seconds, "ok": ok, "shed": shed, "total": total,
        "shed_share": shed / total if total else 0.0,
        "other": total - ok - shed,
        "p50": pct(served, "p50"), "p99": pct(served, "p99"),
    }

def ms(v):
    return "-" if v is None else f"{v:8.1f}"

print(f"\nIngot overload benchmark: GET {path}, release build, SQLite, demo data, loopback")
print(f"{'offered/s':>10} {'served/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'503 %':>7} {'other':>6} {'healthz p99 ms':>15}")
rows = []
for rate in rates:
    x = row(report(f"load-{rate}"), step)
    h = report(f"health-{rate}")
    hx = row(h, step)
    x["rate"], x["health_p99"], x["health_ok"] = rate, hx["p99"], hx["ok"] == hx["total"]
    rows.append(x)
    print(f"{rate:>10} {x['served']:>9.0f} {ms(x['p50'])} {ms(x['p99'])} {100 * x['shed_share']:>7.2f} {x['other']:>6} {ms(x['health_p99']):>15}{'' if x['health_ok'] else '  (health check failed)'}")
rec = row(report("load-recovery"), 3)
bounded = [x for x in rows if x["shed_share"] < 0.001 and x["other"] == 0 and x["p99"] is not None
           and x["p99"] <= bound and x["served"] >= 0.95 * x["rate"]]
capacity = max(bounded, key=lambda x: x["served"]) if bounded else None
shedding = next((x for x in rows if x["shed_share"] >= 0.01), None)
best = max(rows, key=lambda x: x["served"])
print()
if capacity:
    print(f"capacity: {capacity['served']:.0f} requests/s served in full with p99 {capacity['p99']:.1f} ms (<= {bound:.0f} ms), offered {capacity['rate']}/s")
else:
    print(f"capacity: no rate was served in full with p99 <= {bound:.0f} ms")
print(f"most served: {best['served']:.0f} requests/s (offered {best['rate']}/s, p99 {ms(best['p99']).strip()} ms)")
if shedding:
    print(f"shedding point: from {shedding['rate']} requests/s offered, {100 * shedding['shed_share']:.1f}% refused with 503 at once, "
          f"served ones' p99 {ms(shedding['p99']).strip()} ms, healthz p99 {ms(shedding['health_p99']).strip()} ms")
else:
    print("shedding point: not reached at these rates")
print(f"recovery: {rec['ok']} of {rec['total']} served at 100/s right after, {rec['shed']} refused, p99 {ms(rec['p99']).strip()} ms")
EOF
