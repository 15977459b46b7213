#!/usr/bin/env bash
# Fuzzes the verifier with cargo fuzz (libFuzzer, nightly toolchain), each target for N seconds
# (default 600): scripts/fuzz.sh [SECONDS] [TARGET...]  (targets: verify, jwks, verify_jwks, key_cache,
# session_cache_compact, session_cache_jwe; default all). An empty corpus is seeded: jwks with the test set and
# the Wycheproof JWK file's keys, the session cookie cache targets with the cookies Better Auth wrote
# (crate-verify/tests/vectors/better-auth-session-cache.json).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(verify jwks verify_jwks key_cache session_cache_compact session_cache_jwe)
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  # Seeds for the JWK Set target: the test set, and each key of the Wycheproof JWK file as a set.
  if [ "$target" = jwks ] && [ -z "$(ls -A fuzz/corpus/jwks)" ]; then
    python3 - <<'PY'
import json, pathlib
vectors = pathlib.Path('crate-verify/tests/vectors')
out = pathlib.Path('fuzz/corpus/jwks')
(out / 'rules-jwks').write_text(json.dumps(json.loads((vectors / 'rules-jwks.json').read_text())['jwks']))
for i, group in enumerate(json.loads((vectors / 'wycheproof-json_web_key_test.json').read_text())['testGroups']):
    for member in ('public', 'private'):
        if isinstance(group.get(member), dict):
            (out / f"wycheproof-{i}-{member}").write_text(json.dumps({'keys': [group[member]]}))
PY
  fi
  # Seeds for the session cookie cache targets: the cookies Better Auth wrote in that strategy; for compact also
  # their JSON and their sessionData (what the target encodes and signs), for jwe the payloads of its jwt cookies
  # (what the target seals).
  if [[ "$target" == session_cache_* ]] && [ -z "$(ls -A "fuzz/corpus/$target")" ]; then
    python3 - "$target" <<'PY'
import base64, json, pathlib, sys
target = sys.argv[1]
out = pathlib.Path('fuzz/corpus') / target
strategy = target.removeprefix('session_cache_')
decode = lambda s: base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
for case in json.loads(pathlib.Path('crate-verify/tests/vectors/better-auth-session-cache.json').read_text())['cases']:
    name, value = case['name'], case['value']
    if case['strategy'] == strategy:
        (out / name).write_text(value)
    if strategy == 'compact' and case['strategy'] == 'compact':
        text = decode(value).decode()
        (out / f'{name}-json').write_text(text)
        (out / f'{name}-session').write_text(text[len('{"session":'):text.rindex(',"expiresAt":')])
    if strategy == 'jwe' and case['strategy'] == 'jwt':
        (out / f'{name}-payload').write_bytes(decode(value.split('.')[1]))
PY
  fi
  log="fuzz/last-run-$target.log"
  echo "[fuzz] $target for ${seconds}s"
  cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -max_len=9000 2>&1 | tee "$log" \
    | grep -E '^(#[0-9]+.*(DONE|pulse)|Done|==|SUMMARY|.*panicked)' || true
  grep -E 'Done [0-9]+ runs' "$log"
  ! grep -q 'SUMMARY\|panicked\|crash-' "$log"
done
