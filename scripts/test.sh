#!/usr/bin/env bash
# Runs the test suites. No argument: all of them, in order, stopping at the first failure.
#   scripts/test.sh [lint|rust|wasm|pkg|platforms|e2e|app|bench]...
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }
# seconds_since START_NS: the seconds elapsed since START_NS (`date +%s%N`), one decimal.
seconds_since() {
  local now ms
  now=$(date +%s%N)
  ms=$(((now - $1) / 1000000))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# timed LABEL COMMAND...: runs COMMAND, then prints how long it took.
timed() {
  local label=$1 start
  shift
  start=$(date +%s%N)
  "$@"
  printf '[%s: %s s]\n' "$label" "$(seconds_since "$start")"
}

# node_tests MINUTES ARGS...: node's test runner (Node 22 from node_modules), bounded twice so that a
# hang fails by name instead of eating CI's time: each test at most 10 minutes (--test-timeout), the
# whole run at most MINUTES (then killed, with the run's own report of what was still running).
node_tests() {
  local minutes=$1
  shift
  PATH="$PWD/node_modules/.bin:$PATH" timeout --kill-after=30 "$((minutes * 60))" \
    node --test --test-timeout=600000 "$@" || {
    local rc=$?
    [ "$rc" -eq 124 ] && echo "node --test $*: still running after $minutes minutes, stopped" >&2
    return "$rc"
  }
}

lint() {
  step "format and lints"
  timed "cargo fmt" cargo fmt --all --check
  timed "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
  # The package's two Wasm builds (the core one builds the crate without `jwks`, which the host never does).
  timed "cargo clippy (wasm)" cargo clippy -p taskgate-wasm --target wasm32-unknown-unknown --quiet -- -D warnings
  timed "cargo clippy (wasm, full)" cargo clippy -p taskgate-wasm --target wasm32-unknown-unknown --features full \
    --quiet -- -D warnings
  step "Layers: no module cycle in any crate, the verifier crate's layers used one way (docs/architecture.md)"
  timed "layers" python3 scripts/check-layers.py
  step "docs/contract.md: its generated tables are the crate's (else: make contract)"
  timed "contract" cargo run -q -p taskgate-cli -- contract --format md --check docs/contract.md
  step "JavaScript, TypeScript, JSON: format and lints, warnings included (Biome; fix: npx biome check --write)"
  [ -x node_modules/.bin/biome ] && [ -x node_modules/.bin/tsc ] || { echo "Biome and tsc are npm packages of the root: make setup first" >&2; return 1; }
  timed "biome" node_modules/.bin/biome ci --error-on-warnings --colors=off .
  step "JavaScript: types (tsc --checkJs: pkg/js against its .d.ts files and JSDoc; the Better Auth type test)"
  # The crate's tables, generated beside the sources as build-pkg.sh puts them in pkg/dist (git-ignored).
  # Rewritten only when changed, so that build-pkg.sh's up-to-date check is not disturbed.
  for format in js dts; do
    file=pkg/js/contract.${format/dts/d.ts}
    cargo run -q -p taskgate-cli -- contract --format "$format" > "$file.new"
    if cmp -s "$file.new" "$file"; then rm "$file.new"; else mv "$file.new" "$file"; fi
  done
  timed "tsc" node_modules/.bin/tsc -p tsconfig.check.json
}

rust() {
  step "Rust: unit, rules, vectors, properties (native)"
  cargo test --workspace --quiet
  step "Rust: the verifier builds no_std for wasm32"
  cargo build -p taskgate-verify --target wasm32-unknown-unknown --no-default-features --release --quiet
}

wasm() {
  step "Rust: the verifier's tests compiled to wasm32, run in Node (wasm-bindgen-test)"
  # pipefail: a failing cargo test fails the pipeline; grep only trims the output.
  cargo test -p taskgate-verify --target wasm32-unknown-unknown 2>&1 | grep -E "^(test result|running|error|failures)|FAIL|panicked"
}

e2e() {
  step "Worker: release build (worker-build)"
  bash scripts/build-worker.sh
  # The same API suite against each store (TASK_STORE: tests/lib/worker.mjs passes it on).
  for store in d1 durable-object; do
    step "End-to-end: the task API under a real wrangler dev, TASK_STORE=$store"
    # node_modules/.bin first: Node 22 for wrangler; explicit file paths (no globbing by node).
    TASK_STORE=$store node_tests 20 --test-concurrency=3 --test-reporter=dot tests/api/*.test.mjs
  done
  step "End-to-end: the object store read back from its files; moving a user's tasks between the stores (POST /admin/moves)"
  node_tests 10 --test-reporter=dot tests/stores/moves.test.mjs tests/stores/objects.test.mjs
  step "End-to-end: a real Better Auth (its plugin token, its session cookie cache) with the Worker under wrangler dev"
  node_tests 25 --test-concurrency=2 --test-reporter=dot tests/better-auth/*.test.mjs
  step "End-to-end: every way Better Auth ends a session, with the revocations kept in each user's object"
  TASK_STORE=durable-object node_tests 10 --test-reporter=dot tests/better-auth/revocation.test.mjs
  step "End-to-end: the token inspector page in headless Chromium (screenshots in tests/artifacts/)"
  node_tests 10 --test-reporter=dot tests/inspector/inspector.test.mjs
}

app() {
  step "Worker and package builds (each skipped when up to date)"
  bash scripts/build-worker.sh
  bash scripts/build-pkg.sh
  step "The todo app (examples/todo): next build + next start with Better Auth, the Worker under wrangler dev, in headless Chromium (screenshots in tests/artifacts/)"
  for store in d1 durable-object; do
    echo "TASK_STORE=$store"
    TASK_STORE=$store node_tests 20 --test-reporter=spec tests/app/app.test.mjs
  done
  step "The Next.js recipe (docs/nextjs.md): a fresh app from the page's code blocks, built, started and used in Chromium"
  node_tests 15 --test-reporter=spec tests/recipe/recipe.test.mjs
}

pkg() {
  step "npm package: build (wasm32 + wasm-bindgen + wasm-opt)"
  bash scripts/build-pkg.sh
  cargo build -q -p taskgate-cli
  step "npm package: Node tests (rules, tools, vectors, differential against the Rust crate, packed tarball)"
  node_tests 20 --test-reporter=dot pkg/test/*.test.mjs
}

platforms() {
  bash scripts/build-pkg.sh
  step "npm package on every platform: headless Chromium, workerd (wrangler dev), Next.js 16 proxy.ts and middleware.ts"
  node_tests 20 --test-reporter=dot \
    tests/browser/pkg.test.mjs tests/workerd/pkg.test.mjs tests/next/next.test.mjs
}

bench() {
  step "Benchmark smoke: every benchmark runs once, tiny (numbers meaningless; see make bench)"
  bash bench/run.sh --smoke > /dev/null
}

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(lint rust wasm pkg platforms e2e app bench)
# Where the time goes: seconds per suite, printed at the end (also when one fails).
timings=()
current=
started=
report() {
  [ -n "$current" ] && timings+=("$(printf '%-10s %8s  (failed)' "$current" "$(seconds_since "$started")")")
  [ ${#timings[@]} -eq 0 ] && return
  printf '\n%-10s %8s\n' suite seconds
  printf '%s\n' "${timings[@]}"
}
trap report EXIT
for s in "${suites[@]}"; do
  current=$s
  started=$(date +%s%N)
  "$s"
  timings+=("$(printf '%-10s %8s' "$s" "$(seconds_since "$started")")")
  current=
done
step "all passed: ${suites[*]}"
