#!/usr/bin/env bash
# Builds the npm package into pkg/dist: the verifier compiled to wasm32 twice (the core, and
# `full` with the HTTP layer and JWK Sets), wasm-bindgen glue (--target web), wasm-opt, the
# JavaScript of pkg/js as it is (the full build's platform entries in pkg/js/full), and
# contract.js / contract.d.ts generated from the crate (`taskgate contract`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ROOT=$PWD
out=pkg/dist
if up_to_date "$out/contract.js" pkg/src pkg/js pkg/Cargo.toml pkg/package.json crate-verify/src \
   crate-verify/Cargo.toml cli/src Cargo.lock; then
  echo "[build-pkg] up to date"
  exit 0
fi
cargo build -q -p taskgate-cli
# Built beside it, then put in place at once: a test or benchmark reading pkg/dist meanwhile never
# sees it half built (or gone).
final=$out
out=pkg/dist.building
rm -rf "$out"
mkdir -p "$out/wasm" "$out/full"
# One Wasm build: its glue and optimized module as $out/wasm/NAME.js and NAME_bg.wasm.
wasm_build() { # NAME CARGO-ARGS...
  local name=$1
  shift
  # The compact software SHA-2 and AES (RustCrypto's own smaller forms): about 5.4 KB gzip less
  # (bench/ANALYSIS.md, "Size of the default Wasm").
  RUSTFLAGS='--cfg sha2_backend_soft="compact" --cfg aes_backend_soft="compact"' \
    cargo build -q -p taskgate-wasm --target wasm32-unknown-unknown --profile wasm-pkg "$@"
  wasm-bindgen --target web --remove-producers-section --out-dir "$out/wasm" --out-name "$name" \
    target/wasm32-unknown-unknown/wasm-pkg/taskgate_wasm.wasm
  # -Oz plus the memory assumptions wasm-bindgen output allows: smallest, and as fast as -O3 here.
  "$ROOT/node_modules/.bin/wasm-opt" -Oz --converge --low-memory-unused --zero-filled-memory \
    --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals "$out/wasm/${name}_bg.wasm" -o "$out/wasm/${name}_bg.wasm"
  echo "[build-pkg] $name: $(stat -c %s "$out/wasm/${name}_bg.wasm") bytes wasm, $(gzip -9c "$out/wasm/${name}_bg.wasm" | wc -c) gzip"
}
wasm_build taskgate
wasm_build taskgate_full --features full
cp pkg/js/*.js pkg/js/*.d.ts "$out/"
cp pkg/js/full/*.js "$out/full/"
# Written last: the up-to-date check above compares against it.
target/debug/taskgate contract --format dts > "$out/contract.d.ts"
target/debug/taskgate contract --format js > "$out/contract.js"
rm -rf "$final.old"
[ -d "$final" ] && mv "$final" "$final.old"
mv "$out" "$final"
rm -rf "$final.old"
