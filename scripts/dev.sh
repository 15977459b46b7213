#!/usr/bin/env bash
# Runs the task API locally: a dev secret in .dev.vars (created once), migrations applied to
# the local D1 (.wrangler/state), the Worker built, then `wrangler dev` on 127.0.0.1.
#   PORT=8787 bash scripts/dev.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8787}
export WRANGLER_SEND_METRICS=false

cargo build -q -p taskgate-cli
taskgate=target/debug/taskgate
if ! grep -qs '^BETTER_AUTH_SECRETS\?=' .dev.vars; then
  echo "[dev] creating .dev.vars with a random BETTER_AUTH_SECRET (git-ignored)"
  umask 077
  printf 'BETTER_AUTH_SECRET=%s\n' "$($taskgate secret)" >> .dev.vars
fi

npx --no-install wrangler d1 migrations apply taskgate --local </dev/null
bash scripts/build-worker.sh

token=$($taskgate mint dev-user --ttl 86400 --env-file .dev.vars)
cat <<MSG

[dev] The API is starting on http://127.0.0.1:$PORT (Ctrl-C to stop). Try, with a token for user "dev-user" (24 h):

  curl -s -H "Authorization: Bearer $token" http://127.0.0.1:$PORT/api/dev-user/tasks
  curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
       -d '{"title":"Try TaskGate"}' http://127.0.0.1:$PORT/api/dev-user/tasks

  More tokens: cargo run -q -p taskgate-cli -- mint <user-id>

MSG
exec npx --no-install wrangler dev --local --ip 127.0.0.1 --port "$PORT"
