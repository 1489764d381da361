#!/usr/bin/env bash
# Installs whatever is missing, builds the release app and serves it on http://127.0.0.1:3000
# (set LEPTOS_SITE_ADDR to listen elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo leptos serve --release
