#!/usr/bin/env bash
# The README's "Scaling out" section, run as written on one machine: a Dask scheduler and two
# workers started from the command line on 127.0.0.1, `netmarker modules compute --all --dask`
# against them, the same grid computed locally, and the two stores' proximity rows compared
# row for row. Prints both times; exits non-zero if the rows differ.
#
#   benchmarks/scale_out.sh                 # the Kong et al. grid: 48 drugs x 674 pathways
#   N_RANDOM=200 benchmarks/scale_out.sh    # quicker
#
# Needs netmarker installed with its dask extra (pip install -e '.[dask]') and ../shared/data.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${NETMARKER_SHARED_DATA:-$ROOT/../shared/data}"
N_RANDOM="${N_RANDOM:-1000}"
PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/netmarker-scale-out.XXXXXX")"
export NETMARKER_CACHE="$WORK/cache"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- as in the README: the scheduler, then a worker per machine (here: two on this one)
dask scheduler --host 127.0.0.1 --port "$PORT" --no-dashboard >"$WORK/scheduler.log" 2>&1 &
pids+=($!)
for i in 1 2; do
    dask worker "tcp://127.0.0.1:$PORT" --host 127.0.0.1 --nworkers 1 --nthreads 1 \
        --no-dashboard >"$WORK/worker$i.log" 2>&1 &
    pids+=($!)
done
python - "$PORT" <<'PY'
import sys
from distributed import Client
with Client(f"tcp://127.0.0.1:{sys.argv[1]}", timeout=120) as c:
    c.wait_for_workers(2, timeout=300)
PY

for store in local dask; do
    s=(netmarker --store "$WORK/$store")
    "${s[@]}" load network "$DATA/string_derived/dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz" \
        --name string_v12_700 --min-score 700 --id-type symbol >/dev/null
    "${s[@]}" load pathways "$DATA/msigdb_reactome/msigdb_v6.1_c2.cp.reactome.symbols.gmt" \
        --source reactome >/dev/null
    "${s[@]}" load targets "$DATA/kong2020/drug_drugTarget.txt" --source kong2020 >/dev/null
done

timed() {  # wall seconds of a command
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$WORK/last.out"
    t1=$(date +%s.%N)
    python -c "print(f'{$t1 - $t0:.1f}')"
}
t_local=$(timed netmarker --store "$WORK/local" modules compute --all --n-random "$N_RANDOM" --json)
# --- as in the README: the same command with the scheduler's address
t_dask=$(timed netmarker --store "$WORK/dask" modules compute --all --n-random "$N_RANDOM" \
    --dask "tcp://127.0.0.1:$PORT" --json)

python - "$WORK/local" "$WORK/dask" <<'PY'
import sys
import pandas as pd
from netmarker.graph import open_store
a, b = (open_store(p).proximity().sort_values(["drug", "pathway"]).reset_index(drop=True)
        for p in sys.argv[1:3])
pd.testing.assert_frame_equal(a, b)
print(f"identical: {len(a):,} rows, {a['drug'].nunique()} drugs, run {a['run'].iloc[0]}")
PY
echo "local: ${t_local} s; dask (2 workers on 127.0.0.1): ${t_dask} s; n_random ${N_RANDOM}"
