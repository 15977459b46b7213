#!/usr/bin/env bash
# Assembles the token inspector's static assets (served by the Worker) into inspector/dist:
# the page, and the npm package's browser build beside it (no CDN: it works offline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-pkg.sh >/dev/null
rm -rf inspector/dist
mkdir -p inspector/dist/pkg/wasm inspector/dist/pkg/full
cp inspector/index.html inspector/app.js inspector/style.css inspector/dist/
# The full build: the inspector verifies Better Auth's session cookie cache too.
cp pkg/dist/{api,contract,errors,settings,verifier,platform-keys,jwks-fetcher,tools}.js inspector/dist/pkg/
cp pkg/dist/full/browser.js inspector/dist/pkg/full/
cp pkg/dist/wasm/taskgate_full.js pkg/dist/wasm/taskgate_full_bg.wasm inspector/dist/pkg/wasm/
