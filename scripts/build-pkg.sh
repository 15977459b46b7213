#!/usr/bin/env bash
# Builds the npm package into pkg/dist: the verifier compiled to wasm32, wasm-bindgen glue
# (--target web, shared by every platform entry), wasm-opt, and the JavaScript in pkg/js.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
out=pkg/dist
if [ -f "$out/wasm/taskgate_bg.wasm" ] && [ -z "${FORCE_BUILD:-}" ] && \
   [ -z "$(find pkg/src pkg/js pkg/Cargo.toml pkg/package.json crate-verify/src crate-verify/Cargo.toml Cargo.lock -newer "$out/wasm/taskgate_bg.wasm" -print -quit)" ]; then
  echo "[build-pkg] up to date"
  exit 0
fi
cargo build -q -p taskgate-wasm --target wasm32-unknown-unknown --profile wasm-pkg
rm -rf "$out"
mkdir -p "$out/wasm"
wasm-bindgen --target web --remove-producers-section --out-dir "$out/wasm" --out-name taskgate \
  target/wasm32-unknown-unknown/wasm-pkg/taskgate_wasm.wasm
# -Oz plus the memory assumptions wasm-bindgen output allows: smallest, and as fast as -O3 here.
"$ROOT/node_modules/.bin/wasm-opt" -Oz --converge --low-memory-unused --zero-filled-memory \
  --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals "$out/wasm/taskgate_bg.wasm" -o "$out/wasm/taskgate_bg.wasm"
cp pkg/js/*.js pkg/js/*.d.ts "$out/"
echo "[build-pkg] $(stat -c %s "$out/wasm/taskgate_bg.wasm") bytes wasm, $(gzip -9c "$out/wasm/taskgate_bg.wasm" | wc -c) gzip"
