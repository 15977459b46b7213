#!/usr/bin/env bash
# Builds the Worker (worker/ -> worker/build/) with worker-build, using only local tools:
# wasm-bindgen from cargo, wasm-opt and esbuild from node_modules (never a download).
# Skips the build when the output is newer than every input.
#
# Variants for the benchmarks (never used by wrangler.toml or the tests), each in its own folder:
#   bash scripts/build-worker.sh --features bench-fixed-store --out bench/out/worker-fixed
#   bash scripts/build-worker.sh --keep-names --out bench/out/worker-profile   # Wasm names kept, for CPU profiles
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ROOT=$PWD
out_dir=worker/build
features=
keep_names=
while [ $# -gt 0 ]; do
  case $1 in
    --out) out_dir=$2; shift 2 ;;
    --features) features=$2; shift 2 ;;
    --keep-names) keep_names=1; shift ;;
    *) echo "build-worker.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bash scripts/build-inspector.sh
out=$out_dir/index.js
if up_to_date "$out" worker/src worker/Cargo.toml worker/openapi.json crate-verify/src crate-verify/Cargo.toml Cargo.lock Cargo.toml scripts/build-worker.sh; then
  echo "[build-worker] $out_dir up to date"
  exit 0
fi
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$ROOT/node_modules/.bin/wasm-opt}"
export ESBUILD_BIN="${ESBUILD_BIN:-$ROOT/node_modules/.bin/esbuild}"
mkdir -p "$out_dir"
abs_out=$(cd "$out_dir" && pwd)
cd worker
# worker-build wants the output folder relative to the crate. The `worker` profile (Cargo.toml) is
# release with opt-level "s": a smaller upload, and no CPU per request measurably lost (bench/ANALYSIS.md).
worker-build --profile worker --out-dir "$(realpath --relative-to=. "$abs_out")" ${features:+--features "$features"}
if [ -z "$keep_names" ]; then
  # worker-build keeps the name sections (about 80 KB): wrangler would upload them.
  "$WASM_OPT_BIN" --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$abs_out/index_bg.wasm" -o "$abs_out/index_bg.wasm"
fi
