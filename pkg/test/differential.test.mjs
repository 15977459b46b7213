// The same tokens through the Rust crate natively (the `taskgate verify-batch` CLI) and through
// the package: the outcomes and codes must be identical. Tokens: the vectors, hand-made edge
// cases, and thousands of random mutations of valid tokens.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createVerifier } from '../dist/node.js';
import { SECRET, NOW, raw } from './helpers.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = path.join(ROOT, 'target/debug/taskgate');
const RING = `2:${SECRET}-new,1:${SECRET}`;

// A seeded PRNG so failures reproduce.
let seed = 0x2545f491;
const rand = (n) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ é\u0000';

function mutate(t) {
  const chars = [...t];
  switch (rand(6)) {
    case 0:
      chars[rand(chars.length)] = ALPHABET[rand(ALPHABET.length)];
      break;
    case 1:
      chars.splice(rand(chars.length), 1);
      break;
    case 2:
      chars.splice(rand(chars.length + 1), 0, ALPHABET[rand(ALPHABET.length)]);
      break;
    case 3:
      return chars.slice(0, rand(chars.length)).join('');
    case 4: {
      const i = rand(chars.length);
      const j = rand(chars.length);
      [chars[i], chars[j]] = [chars[j], chars[i]];
      break;
    }
    default:
      return t + ALPHABET[rand(ALPHABET.length)];
  }
  return chars.join('');
}

function corpus() {
  const headers = [
    '{"alg":"HS256","typ":"JWT"}',
    '{"alg":"HS256","kid":"2"}',
    '{"alg":"HS256","kid":"1"}',
    '{"alg":"none"}',
    '{"alg":"HS256","crit":[]}',
    '{"alg":"HS256","typ":"x"}',
    '{"alg":"HS256","alg":"HS256"}',
  ];
  const payloads = [
    '{"sub":"u","exp":1700000100}',
    '{"sub":"u","exp":1699999999}',
    '{"sub":"u"}',
    '{"exp":1700000100}',
    '{"sub":"","exp":1700000100}',
    '{"sub":"u","exp":"1"}',
    '{"sub":"u","exp":1e999}',
    '{"sub":"u","exp":1700000100,"nbf":1700000500}',
    '{"sub":"u","exp":1700000100,"iat":1700000500}',
    '{"sub":"u","user_id":"v","exp":1700000100}',
    '{"sub":"u","exp":1700000100,"aud":1}',
    '{"sub":"u","exp":1700000100,"jti":[]}',
    '{"sub":"u","sub":"v","exp":1700000100}',
    'not json',
    '[]',
    '{"sub":"\\u00e9","exp":1700000100.5}',
  ];
  const secrets = [`${SECRET}-new`, SECRET, 'an-unrelated-secret-0123456789-abcdefghij'];
  const tokens = [];
  for (const h of headers) for (const p of payloads) for (const s of secrets) tokens.push(raw(h, p, s));
  const file = JSON.parse(
    readFileSync(new URL('../../crate-verify/tests/vectors/wycheproof-json_web_signature_test.json', import.meta.url)),
  );
  for (const gi of [0, 12, 16, 21])
    for (const t of file.testGroups[gi].tests) if (typeof t.jws === 'string') tokens.push(t.jws);
  const base = tokens.slice();
  for (let i = 0; i < 6000; i++) tokens.push(mutate(base[rand(base.length)]));
  tokens.push('', 'x'.repeat(8192), 'x'.repeat(8193), '..', '\ud83d\ude00.\ud83d\ude00.\ud83d\ude00');
  return tokens;
}

it('the package and the native crate agree on every token', () => {
  const tokens = corpus();
  const dir = mkdtempSync(path.join(tmpdir(), 'taskgate-diff-'));
  const env = path.join(dir, 'vars');
  writeFileSync(env, `BETTER_AUTH_SECRETS=${RING}\n`);
  const input = `${tokens.map((t) => JSON.stringify(t)).join('\n')}\n`;
  const out = execFileSync(CLI, ['verify-batch', '--now', String(NOW), '--env-file', env], {
    input,
    maxBuffer: 64 << 20,
  }).toString();
  const native = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(native.length, tokens.length);
  const v = createVerifier({ secrets: RING }, { now: NOW });
  let ok = 0;
  const codes = new Set();
  tokens.forEach((t, i) => {
    let mine;
    try {
      mine = { ok: true, sub: v.verify(t).userId };
    } catch (e) {
      mine = { ok: false, code: e.code, claim: e.claim ?? null };
    }
    assert.deepEqual(mine, native[i], `token #${i}: ${JSON.stringify(t).slice(0, 200)}`);
    if (mine.ok) ok++;
    else codes.add(mine.code);
  });
  // The corpus really exercises both outcomes and most codes.
  assert.ok(ok >= 6, `${ok} accepted`);
  assert.ok(codes.size >= 10, [...codes].join(','));
});
