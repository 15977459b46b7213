# TaskGate: the two commands are `make dev` (run the API locally) and `make test` (every test).
# Both run scripts/setup.sh first, which installs what is missing and is quick when nothing is.

SHELL := /bin/bash
FUZZ_SECONDS ?= 600

.PHONY: setup dev test test-rust test-wasm fuzz bench lint contract

setup:
	bash scripts/setup.sh

## Run the task API locally (wrangler dev on 127.0.0.1, local D1).
dev: setup
	bash scripts/dev.sh

## Every test: Rust (native and wasm), then the end-to-end suites.
test: setup
	bash scripts/test.sh

test-rust:
	bash scripts/test.sh rust

test-wasm:
	bash scripts/test.sh wasm

lint:
	bash scripts/test.sh lint

## Fuzz verify() with cargo fuzz (nightly) for FUZZ_SECONDS (default 600).
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

## All benchmarks, printing a table and writing bench/RESULTS.md.
bench: setup
	bash bench/run.sh

## Rewrite the generated tables of docs/contract.md from the crate (CI fails when they are stale).
contract:
	cargo run -q -p taskgate-cli -- contract --format md --write docs/contract.md
