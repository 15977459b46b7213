#!/usr/bin/env bash
# Runs every benchmark on this machine, prints the tables and writes bench/RESULTS.md.
#   bash bench/run.sh           # full run (several minutes)
#   bash bench/run.sh --smoke   # each benchmark once, tiny: proves they all still work (make test)
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=${1:-}
out=bench/out${smoke:+/smoke}
mkdir -p "$out"
export PATH="$PWD/node_modules/.bin:$PATH" WRANGLER_SEND_METRICS=false

bash scripts/build-pkg.sh >/dev/null
bash scripts/build-worker.sh >/dev/null
# The same Worker answering from a fixed result without D1 (bench/workerd: its own cost per request).
bash scripts/build-worker.sh --features bench-fixed-store --out bench/out/worker-fixed >/dev/null
# The Worker as shipped with its Wasm names kept: what each crate weighs (sizes.mjs), CPU profiles.
bash scripts/build-worker.sh --keep-names --out bench/out/worker-profile >/dev/null
echo "[bench] native Rust" >&2
cargo run -q --release --manifest-path bench/rust/Cargo.toml -- $smoke > "$out/native.json"
echo "[bench] Node.js" >&2
node bench/node/bench.mjs $smoke > "$out/node.json"
echo "[bench] workerd (wrangler dev + wrk)" >&2
node bench/workerd/load.mjs $smoke > "$out/workerd.json"
echo "[bench] asymmetric tokens (Better Auth jwt(): EdDSA, ES256, RS256)" >&2
node bench/asym-tokens.mjs > "$out/asym-tokens.json"
cargo run -q --release --manifest-path bench/rust/Cargo.toml -- $smoke --asymmetric "$out/asym-tokens.json" > "$out/native-asymmetric.json"
node bench/node/bench.mjs $smoke --asymmetric "$out/asym-tokens.json" > "$out/node-asymmetric.json"
node bench/workerd/verify-cost-asym.mjs $smoke --asymmetric "$out/asym-tokens.json" > "$out/workerd-asymmetric.json"
echo "[bench] session cookie cache strategies (Better Auth compact, jwt, jwe): native, Node vs getCookieCache, workerd" >&2
cargo run -q --release --manifest-path bench/rust/Cargo.toml -- $smoke --session-cache > "$out/native-session-cache.json"
node --disable-warning=ExperimentalWarning bench/node/session-cache.mjs $smoke > "$out/node-session-cache.json"
node --disable-warning=ExperimentalWarning bench/workerd/session-cache.mjs $smoke > "$out/workerd-session-cache.json"
echo "[bench] revocation: sign-out to the API's first refusal (real Better Auth, wrangler dev)" >&2
PATH="$PWD/node_modules/.bin:$PATH" node bench/revocation.mjs $smoke 2>/dev/null > "$out/revocation.json"
echo "[bench] rows read and written per request (local D1: what D1 and Durable Object SQLite bill)" >&2
node bench/rows.mjs $smoke > "$out/rows.json"
echo "[bench] task stores: D1 vs one Durable Object per user (wrangler dev + wrk)" >&2
node bench/workerd/stores.mjs $smoke > "$out/workerd-stores.json"
echo "[bench] sizes" >&2
node bench/sizes.mjs > "$out/sizes.json"
node bench/report.mjs "$out" $smoke
