#!/usr/bin/env bash
# One idempotent set-up for the whole project on a fresh Debian machine.
# Every step checks what is already there first, so a kept machine takes seconds.
#   bash scripts/setup.sh            # everything (Rust target, cargo tools, npm packages, Chromium)
#   SETUP_SKIP_BROWSER=1 ...         # skip Chromium (e.g. when only running the API)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ROOT=$PWD

log() { printf '[setup] %s\n' "$*"; }

# Where the time goes: seconds per step, printed at the end.
step_times=()
step_start=$(date +%s%N)
step_done() { # NAME: the time since the previous step ended
  local now ms
  now=$(date +%s%N)
  ms=$(((now - step_start) / 1000000))
  step_times+=("$(printf '[setup]   %-32s %5d.%d' "$1" $((ms / 1000)) $((ms % 1000 / 100)))")
  step_start=$now
}

# Versions are pinned here and must agree with Cargo.lock / package-lock.json.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
WORKER_BUILD_VERSION=0.8.7

# 1. Rust target for WebAssembly.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Lints run in the test command: make sure the components are there.
for c in clippy rustfmt; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done
step_done "rust target and components"

# 2. cargo tools, installed once, version checked first.
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 min cold)"
  # Not --locked: the CLI's own lockfile pins a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! have_version worker-build "$WORKER_BUILD_VERSION"; then
  log "installing worker-build $WORKER_BUILD_VERSION (about 7 min cold)"
  cargo install --locked worker-build --version "$WORKER_BUILD_VERSION" --force
fi
step_done "cargo tools"

# 3. npm packages from the committed lockfiles. `npm install`, not `npm ci`: with wrangler 4.164 the
#    registry here lacks the macOS/Windows workerd builds its lockfile names, and `npm ci` refuses that;
#    `npm install` against the committed lockfile leaves it unchanged (scripts/README.md).
npm_install() { # dir
  local dir=$1
  if ! up_to_date "$dir/node_modules/.package-lock.json" "$dir/package-lock.json" "$dir/package.json"; then
    log "npm install in ${dir#$ROOT/}"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
}
npm_install "$ROOT"
step_done "npm: the root"
# examples/todo links the package (`file:../../pkg`): its npm install needs no build of it first.
for d in tests/next-app bench/node examples/todo; do
  [ -f "$ROOT/$d/package-lock.json" ] && npm_install "$ROOT/$d"
  step_done "npm: $d"
done

# 4. Chromium and chromedriver from Debian (never a downloaded browser), and wrk.
if [ -z "${SETUP_SKIP_BROWSER:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then
    log "installing Debian chromium, chromium-driver and wrk (load generator for bench/)"
    SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver wrk >/dev/null
  fi
fi
step_done "chromium, chromedriver, wrk"

log "seconds per step:"
printf '%s\n' "${step_times[@]}"

log "ready: rust $(rustc --version | cut -d' ' -f2), wasm-bindgen $(wasm-bindgen --version | cut -d' ' -f2), worker-build $(worker-build --version 2>/dev/null | awk '{print $NF}'), node (wrangler) $(cd "$ROOT" && npx --no-install node --version)"
