#!/usr/bin/env bash
# Server CPU of creating the 335k STRING v10 interactions (bench_neo4j_create.py) under
# different Neo4j settings / JVM options: each variant gets a freshly started, empty server
# of its own (scripts/neo4j-local with NEO4J_LOCAL_SETTINGS / NEO4J_LOCAL_JAVA_OPTS), a
# `netmarker db init`, then --runs runs of two statement shapes. The first run after a start
# pays the JVM's compiling: compare the later runs. About 3 minutes per variant on a quiet
# 2-core machine (9 minutes in all). Needs the project's venv active (python, netmarker).
#
#   benchmarks/neo4j_server_settings.sh [--runs 4]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=4
[[ "${1:-}" == "--runs" ]] && RUNS="$2"
export NEO4J_LOCAL_STATE="${TMPDIR:-/tmp}/netmarker-settings-bench" NEO4J_LOCAL_PORT=7798

variant() { # label, JVM options, Neo4j settings
    rm -rf "$NEO4J_LOCAL_STATE/data"
    NEO4J_LOCAL_JAVA_OPTS="$2" NEO4J_LOCAL_SETTINGS="$3" "$ROOT/scripts/neo4j-local" start >/dev/null
    eval "$("$ROOT/scripts/neo4j-local" env)"
    netmarker --store neo4j db init >/dev/null
    echo "== $1 | JVM: ${2:-default} | settings: ${3:-default}"
    (cd "$ROOT/benchmarks" && python -u bench_neo4j_create.py --runs "$RUNS" \
        --variants index_3props,index_noprops | grep -v '^335')
    "$ROOT/scripts/neo4j-local" stop >/dev/null
}
trap '"$ROOT/scripts/neo4j-local" stop >/dev/null 2>&1 || true' EXIT

variant "as shipped" "" ""
variant "transaction state off the heap" "" "db.tx_state.memory_allocation=OFF_HEAP"
variant "the JVM options of Neo4j's own start script" \
    "-XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+AlwaysPreTouch -XX:+DisableExplicitGC -XX:-OmitStackTraceInFastThrow" ""
