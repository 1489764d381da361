#!/usr/bin/env bash
# Installs whatever is missing, builds the release app and serves it on http://127.0.0.1:3000
# (set LEPTOS_SITE_ADDR to listen elsewhere).
#
#   scripts/run.sh          a server with the data it has; with no administrator yet it prints a
#                           one-time link that creates the first one in the browser
#   scripts/run.sh --demo   first loads the demo data (once) and gives a demo manager and a demo
#                           officer fresh random passwords, printed below, to log in with
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [[ "${1:-}" == "--demo" ]]; then
  scripts/build.sh
  server=target/release/server
  if ! "$server" user list | grep -q '^demo\.zhang'; then
    "$server" demo
  fi
  secret() { head -c 12 /dev/urandom | base64 | tr -d '/+=' ; }
  manager_password=$(secret)
  officer_password=$(secret)
  if "$server" user list | grep -q '^demo\.manager'; then
    "$server" user passwd demo.manager <<< "$manager_password" > /dev/null
  else
    "$server" user add demo.manager --role manager --department 区投资促进局 <<< "$manager_password" > /dev/null
  fi
  "$server" user passwd demo.zhang <<< "$officer_password" > /dev/null
  address=${LEPTOS_SITE_ADDR:-127.0.0.1:3000}
  cat <<MSG

Demo data loaded. Log in with (new passwords at every run of --demo):
  manager workspace  http://$address/manage   demo.manager / $manager_password
  officer's tablet   http://$address/         demo.zhang   / $officer_password

MSG
fi
# The QR code reader's WebAssembly goes into public/ before cargo-leptos copies it into the site.
scripts/build-scanner.sh
exec cargo leptos serve --release
