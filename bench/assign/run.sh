#!/usr/bin/env bash
# Expert-assignment benchmark: Ingot's `ingot assign solve` against OR-Tools' min-cost flow on
# the same instances, in the same run. Reproducible from the repository alone; when the shared
# reference instances are present (REFERENCE, default /work/shared/bench/assign) they are
# regenerated, checked against their published digests and optima, and measured too.
#
#   bench/assign/run.sh [NAMES...]        (default: A B C; OUT=/tmp/ingot-assign REPEATS=3)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-$HOME/.cache/ingot-assign-venv}
OUT=${OUT:-/tmp/ingot-assign}
REPEATS=${REPEATS:-3}
REFERENCE=${REFERENCE:-/work/shared/bench/assign}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r bench/assign/requirements.txt
fi
cargo build --release --bin ingot
INGOT="${CARGO_TARGET_DIR:-target}/release/ingot"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then names=(A B C); fi
reference_args=()
if [ -f "$REFERENCE/gen_instances.py" ]; then
    reference_args=(--reference "$REFERENCE")
fi
"$VENV/bin/python" bench/assign/bench.py --ingot "$INGOT" --out "$OUT" --repeats "$REPEATS" \
    --names "${names[@]}" "${reference_args[@]}"
