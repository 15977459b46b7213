# TaskGate: the two commands are `make dev` (the todo app and the task API, locally) and `make test`
# (every test).
# Both run scripts/setup.sh first, which installs what is missing and is quick when nothing is.

SHELL := /bin/bash
FUZZ_SECONDS ?= 600
API_PORT ?= 8787
APP_PORT ?= 3000

.PHONY: setup dev dev-api test test-app test-rust test-wasm fuzz bench lint contract

setup:
	bash scripts/setup.sh

## The whole system on loopback: the todo app (examples/todo, http://127.0.0.1:3000) and the task
## API (wrangler dev, local D1, http://127.0.0.1:8787), one shared secret; Ctrl-C stops both.
## Ports: make dev APP_PORT=3001 API_PORT=8788
dev: setup
	API_PORT=$(API_PORT) APP_PORT=$(APP_PORT) bash scripts/dev.sh

## The task API alone (wrangler dev), with ready-to-paste curl lines.
dev-api: setup
	API_PORT=$(API_PORT) bash scripts/dev.sh api

## Every test: Rust (native and wasm), then the end-to-end suites.
test: setup
	bash scripts/test.sh

## The todo app in a real browser, with Better Auth and the Worker.
test-app: setup
	bash scripts/test.sh app

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
