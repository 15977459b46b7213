#!/usr/bin/env bash
# Fuzzes the verifier with cargo fuzz (libFuzzer, nightly toolchain) for N seconds (default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus/verify
cargo +nightly fuzz run verify -- -max_total_time="$seconds" -max_len=9000 2>&1 | tee fuzz/last-run.log | grep -E '^(#[0-9]+.*(DONE|pulse)|Done|==|SUMMARY|.*panicked)' || true
grep -E 'Done [0-9]+ runs' fuzz/last-run.log
! grep -q 'SUMMARY\|panicked\|crash-' fuzz/last-run.log
