#!/usr/bin/env bash
# Installs whatever is missing, then runs every test suite: Rust unit and integration tests
# (domain, app, server) and the Playwright end-to-end tests in Debian's Chromium against the
# release build. Ends with one line "N passed, N failed" counting every suite.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

logs=$(mktemp -d)
passed=0
failed=0
status=0

echo; echo "== Rust tests (domain, app, server)"
cargo test -p domain -p app -p server 2>&1 | tee "$logs/cargo.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
while read -r p f; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$logs/cargo.log")

echo; echo "== Release build (server + WebAssembly)"
if cargo leptos build --release 2>&1 | tee "$logs/build.log"; then
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
