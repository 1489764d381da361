#!/usr/bin/env bash
# Installs whatever this machine is missing to build, run and test Zhaoshang Field, from package
# registries only (crates.io, npm, Debian). Idempotent: each step checks before it installs.
# Run as root on Debian 12 with the Rust toolchain (rustup) present.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pinned in Cargo.toml

step() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once per machine)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
# Chinese glyphs for screenshots and for what the tests see rendered.
[ -d /usr/share/fonts/opentype/noto ] || apt_packages+=(fonts-noto-cjk)
command -v gzip >/dev/null || apt_packages+=(gzip)
# PostgreSQL server binaries: the tests run the server's suite against a throwaway PostgreSQL too.
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_packages+=(postgresql)
# nginx: the tests balance two server processes behind it, as docs/deploy.md configures it.
[ -x /usr/sbin/nginx ] || apt_packages+=(nginx)
if [ ${#apt_packages[@]} -gt 0 ]; then
  step "Debian packages: ${apt_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
  # The tests start their own nginx; the package's default site on port 80 is not wanted.
  if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi

step "npm packages (wasm-opt from binaryen; Playwright without a browser download)"
npm ci --no-audit --no-fund --loglevel=error
(cd end2end && npm ci --no-audit --no-fund --loglevel=error)
