#!/usr/bin/env bash
# Builds the npm package into pkg/dist: the verifier compiled to wasm32, wasm-bindgen glue
# (--target web, shared by every platform entry), wasm-opt, the JavaScript in pkg/js, and
# contract.js / contract.d.ts generated from the crate (`taskgate contract`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ROOT=$PWD
out=pkg/dist
if up_to_date "$out/wasm/taskgate_bg.wasm" pkg/src pkg/js pkg/Cargo.toml pkg/package.json crate-verify/src \
   crate-verify/Cargo.toml cli/src Cargo.lock; then
  echo "[build-pkg] up to date"
  exit 0
fi
cargo build -q -p taskgate-wasm --target wasm32-unknown-unknown --profile wasm-pkg
cargo build -q -p taskgate-cli
rm -rf "$out"
mkdir -p "$out/wasm"
wasm-bindgen --target web --remove-producers-section --out-dir "$out/wasm" --out-name taskgate \
  target/wasm32-unknown-unknown/wasm-pkg/taskgate_wasm.wasm
# -Oz plus the memory assumptions wasm-bindgen output allows: smallest, and as fast as -O3 here.
"$ROOT/node_modules/.bin/wasm-opt" -Oz --converge --low-memory-unused --zero-filled-memory \
  --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals "$out/wasm/taskgate_bg.wasm" -o "$out/wasm/taskgate_bg.wasm"
cp pkg/js/*.js pkg/js/*.d.ts "$out/"
target/debug/taskgate contract --format js > "$out/contract.js"
target/debug/taskgate contract --format dts > "$out/contract.d.ts"
echo "[build-pkg] $(stat -c %s "$out/wasm/taskgate_bg.wasm") bytes wasm, $(gzip -9c "$out/wasm/taskgate_bg.wasm" | wc -c) gzip"
