#!/usr/bin/env bash
# Installs whatever is missing, checks the format and the lints (cargo fmt, clippy with warnings
# as errors), then runs every test suite: Rust unit and integration tests
# (domain, app, scanner, server on SQLite), the server's integration tests again on PostgreSQL (a throwaway
# server from Debian's packages, unless TEST_DATABASE_URL names one), and the Playwright end-to-end
# tests in Debian's Chromium against the release build. Ends with one line "N passed, N failed"
# counting every suite.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

logs=$(mktemp -d)
passed=0
failed=0
status=0
# CI builds from scratch: incremental compilation only costs time and disk there.
[ -z "${CI:-}" ] || export CARGO_INCREMENTAL=0

# Adds the counts of every "test result:" line of a cargo log to the totals.
count_cargo() {
  while read -r p f; do
    passed=$((passed + p)); failed=$((failed + f))
  done < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$1")
}

# Gates: one format and no lint warnings, on the server's build and the tablet's (WebAssembly).
gate() {
  local name=$1; shift
  echo; echo "== Gate: $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; echo "gate failed: $name"; fi
}
gate "cargo fmt --check" cargo fmt --all --check
gate "clippy (server build)" cargo clippy --all-targets -p domain -p server -p loadgen -p scanner -p app --features app/ssr -- -D warnings
gate "clippy (QR code reader, WebAssembly)" cargo clippy -p scanner --target wasm32-unknown-unknown -- -D warnings
gate "clippy (tablet build)" cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features app/hydrate -- -D warnings

echo; echo "== Rust tests (domain, app, scanner, server on SQLite)"
env -u TEST_DATABASE_URL cargo test -p domain -p app -p scanner -p server 2>&1 | tee "$logs/cargo.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count_cargo "$logs/cargo.log"

echo; echo "== Server tests on PostgreSQL"
pg_dir=""
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/zs-postgres.XXXXXX)
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  TEST_DATABASE_URL=$(scripts/postgres.sh start "$pg_dir" "$pg_port") || { echo "PostgreSQL did not start"; status=1; failed=$((failed + 1)); }
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  # The fuzzing test's 2,000 cases run on SQLite above; on PostgreSQL 500 of them (the same seed),
  # to keep the whole run within its time.
  # The server's test binaries of the run above, run again: `cargo test -p server` alone would
  # resolve other features, build every binary a second time and double the disk it takes.
  mapfile -t server_tests < <(cargo test -p domain -p app -p scanner -p server --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"] and m["manifest_path"].endswith("/server/Cargo.toml"):
        print(m["executable"])')
  [ "${#server_tests[@]}" -gt 0 ] || { echo "no server test binaries found"; status=1; failed=$((failed + 1)); }
  for test_binary in "${server_tests[@]}"; do
    echo "     Running $(basename "$test_binary")"
    (cd server && TEST_DATABASE_URL=$TEST_DATABASE_URL ZS_FUZZ_CASES=${ZS_FUZZ_CASES:-500} "$test_binary") 2>&1 | tee -a "$logs/cargo-postgres.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  done
  count_cargo "$logs/cargo-postgres.log"
fi
[ -z "$pg_dir" ] || scripts/postgres.sh stop "$pg_dir"

# CI's disk holds one build at a time: the debug build has served its purpose.
[ -z "${CI:-}" ] || rm -rf target/debug

echo; echo "== Release build (the QR code reader, then server + WebAssembly)"
if scripts/build.sh 2>&1 | tee "$logs/build.log"; then
  echo; echo "== End-to-end tests (Playwright, Chromium, tablet viewport)"
  (cd end2end && npx playwright test) || status=1
  results=end2end/test-results/results.json
  if [ -f "$results" ]; then
    read -r p f < <(node -e 'const s=require(process.argv[1]).stats; console.log(s.expected + s.flaky, s.unexpected)' "$(pwd)/$results")
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
else
  echo "release build failed"; status=1; failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
