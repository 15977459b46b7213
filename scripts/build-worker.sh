#!/usr/bin/env bash
# Builds the Worker (worker/ -> worker/build/) with worker-build, using only local tools:
# wasm-bindgen from cargo, wasm-opt and esbuild from node_modules (never a download).
# Skips the build when the output is newer than every input.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ROOT=$PWD
bash scripts/build-inspector.sh
out=worker/build/index.js
if up_to_date "$out" worker/src worker/Cargo.toml worker/openapi.json crate-verify/src crate-verify/Cargo.toml Cargo.lock; then
  echo "[build-worker] up to date"
  exit 0
fi
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$ROOT/node_modules/.bin/wasm-opt}"
export ESBUILD_BIN="${ESBUILD_BIN:-$ROOT/node_modules/.bin/esbuild}"
cd worker
worker-build --release
# worker-build keeps the name sections (about 80 KB): wrangler would upload them.
"$WASM_OPT_BIN" --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  build/index_bg.wasm -o build/index_bg.wasm
