#!/usr/bin/env bash
# Builds the release app and measures it. Every figure is reported, none fails the run: the script
# exits non-zero only if the build fails or the app misbehaves during a benchmark. Results are
# printed and written as JSON to bench-results/ (git-ignored).
#
# Figures and their goals:
#   - WASM size: target/site/pkg/zhaoshang.wasm (and the .js glue), raw and gzip -9, in bytes;
#     what a tablet downloads once. Goal: the .wasm at most 250 KB (250,000 bytes) gzipped.
#     -> bench-results/wasm-size.json
#   - capture durable: with 10,000 leads stored, time from the tap on "save" to the lead's
#     IndexedDB transaction having committed (the app's `zs-capture-durable` measure), p50/p95/max
#     over N captures through the real form after 10 uncounted warm-ups; also tap to form cleared
#     as seen from node. Goal: p95 under 16 ms (one frame).
#     -> bench-results/capture-durable.json
#   - sync ingest: 10,000 leads from one device, and 20 devices at once (50,000 leads), on SQLite
#     and on a throwaway PostgreSQL (loadgen/). Goals: < 0.8 s on SQLite; >= 20,000 leads/s, p99 < 200 ms.
#     -> bench-results/sync-sqlite.json, bench-results/sync-postgres.json
#   - manager workspace over 100,000 leads: the lead table's query (count + page) for ten filter
#     combinations, and the dashboard's computation, on SQLite and on a throwaway PostgreSQL
#     (server/benches/workspace.rs). Goals: list p95 < 50 ms, dashboard p95 < 200 ms.
#     -> bench-results/workspace-sqlite.json, bench-results/workspace-postgres.json
#   - cold start: offline (server killed), served by the service worker, time from navigation
#     start to every lead loaded (`main[data-ready="true"]`), 20 loads each of / and /leads (1,000
#     leads), each in a new page; median/p95/max. Goal: under 1 s.
#     -> bench-results/cold-start.json
#
# Usage:   scripts/bench.sh            (BENCH_N=500 scripts/bench.sh for 500 measured captures)
# Re-run a single benchmark against the existing release build, from the repository root:
#   node end2end/bench/capture-durable.mjs [--n 200]
#   node end2end/bench/cold-start.mjs
# (set ZS_SERVER_BIN and ZS_SITE_ROOT to measure a build elsewhere than target/).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

printf '\n== Release build (server + WebAssembly)\n'
scripts/build.sh

printf '\n== WASM size\n'
mkdir -p bench-results
WASM_GOAL_GZIP_BYTES=250000
pkg=target/site/pkg
raw_size() { stat -c %s "$1"; }
gzip_size() { gzip -9 -c "$1" | wc -c; }
wasm_raw=$(raw_size "$pkg/zhaoshang.wasm")
wasm_gz=$(gzip_size "$pkg/zhaoshang.wasm")
js_raw=$(raw_size "$pkg/zhaoshang.js")
js_gz=$(gzip_size "$pkg/zhaoshang.js")
if [ "$wasm_gz" -le "$WASM_GOAL_GZIP_BYTES" ]; then wasm_met=true; else wasm_met=false; fi
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
printf '  zhaoshang.wasm  raw %9d bytes (%s)  gzip -9 %9d bytes (%s)\n' "$wasm_raw" "$(kb "$wasm_raw")" "$wasm_gz" "$(kb "$wasm_gz")"
printf '  zhaoshang.js    raw %9d bytes (%s)  gzip -9 %9d bytes (%s)\n' "$js_raw" "$(kb "$js_raw")" "$js_gz" "$(kb "$js_gz")"
printf '  goal: wasm gzip at most %s: %s\n' "$(kb "$WASM_GOAL_GZIP_BYTES")" "$([ "$wasm_met" = true ] && echo met || echo 'NOT met')"
cat > bench-results/wasm-size.json <<EOF
{
  "benchmark": "wasm-size",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "wasm": { "path": "$pkg/zhaoshang.wasm", "raw_bytes": $wasm_raw, "gzip9_bytes": $wasm_gz },
  "js": { "path": "$pkg/zhaoshang.js", "raw_bytes": $js_raw, "gzip9_bytes": $js_gz },
  "goal": { "wasm_gzip9_bytes_at_most": $WASM_GOAL_GZIP_BYTES, "met": $wasm_met }
}
EOF

printf '\n== Capture latency (10,000 leads stored)\n'
node end2end/bench/capture-durable.mjs ${BENCH_N:+--n "$BENCH_N"}

printf '\n== Offline cold start (service worker)\n'
node end2end/bench/cold-start.mjs

printf '\nResults in bench-results/: wasm-size.json, capture-durable.json, cold-start.json\n'

printf '\n== Sync ingest (SQLite, then a throwaway PostgreSQL)\n'
cargo run --release -p loadgen
pg_dir=$(mktemp -d /tmp/zs-postgres-bench.XXXXXX)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if pg_url=$(scripts/postgres.sh start "$pg_dir" "$pg_port"); then
  BENCH_DATABASE_URL=$pg_url cargo run --release -p loadgen || true
fi

# Last: cargo bench rebuilds target/release/server outside cargo-leptos.
printf '\n== Manager workspace over 100,000 leads (SQLite, then PostgreSQL)\n'
cargo bench -p server --bench workspace
if [ -n "${pg_url:-}" ]; then
  BENCH_DATABASE_URL=$pg_url cargo bench -p server --bench workspace || true
fi
scripts/postgres.sh stop "$pg_dir"
