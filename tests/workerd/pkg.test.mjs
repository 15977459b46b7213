// The npm package inside workerd: a small JavaScript Worker under a real `wrangler dev`
// imports it (Wasm imported as a module, as Workers require) and verifies tokens.
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkerServer, ROOT } from '../lib/worker.mjs';
import { token, now } from '../lib/tokens.mjs';
import { verdictFailures, wycheproofSignatureSuites } from '../../pkg/test/cases.mjs';
import { asymTokens } from '../../bench/asym-tokens.mjs';
import { sessionCacheChecks, sessionCacheFailures, sessionVectors } from '../lib/session-cache-checks.mjs';

const SECRET = 'workerd-test-secret-0123456789-abcdefghij';
let server;
before(async () => {
  server = await WorkerServer.start({
    toml: 'name = "taskgate-pkg-test"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n',
    files: {
      'worker.js': readFileSync(path.join(import.meta.dirname, 'worker.js'), 'utf8'),
      '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n`,
    },
    links: { 'node_modules/taskgate-verify': path.join(ROOT, 'pkg') },
  });
});
after(() => server?.stop());

const get = async (p) => {
  const r = await fetch(server.url + p);
  return { status: r.status, body: await r.json().catch(() => null), text: r.status === 200 ? null : undefined };
};

it('verifies a valid token', async () => {
  const r = await get(`/verify?token=${token('worker-user', { secret: SECRET })}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.userId, 'worker-user');
  assert.equal(r.body.claims.sub, 'worker-user');
});

it('refuses expired, tampered and foreign tokens with the contract codes', async () => {
  const expired = await get(`/verify?token=${token('u', { secret: SECRET, claims: { exp: now() - 1 } })}`);
  assert.deepEqual(expired.body, { ok: false, code: 'token_expired', claim: 'exp' });
  const foreign = await get(`/verify?token=${token('u', { secret: 'some-other-secret-0123456789-abcdefghijk' })}`);
  assert.equal(foreign.body.code, 'invalid_signature');
  const garbage = await get('/verify?token=abc');
  assert.equal(garbage.body.code, 'malformed_token');
});

it('inspects and signs inside workerd', async () => {
  const minted = await (await fetch(`${server.url}/sign?sub=minted`)).text();
  const r = await get(`/verify?token=${minted}`);
  assert.equal(r.body.userId, 'minted');
  const i = await get(`/inspect?token=${minted}`);
  assert.deepEqual(i.body.header, { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(i.body.problems, []);
});

it("Wycheproof signature vectors: workerd's WebCrypto gives each its label, and the Wasm's verdict", async () => {
  const post = async (body) =>
    (await fetch(`${server.url}/signatures`, { method: 'POST', body: JSON.stringify(body) })).json();
  for (const { alg, vectors } of wycheproofSignatureSuites()) {
    const [webcrypto, wasm] = [
      await post({ alg, via: 'webcrypto', vectors }),
      await post({ alg, via: 'wasm', vectors }),
    ];
    assert.deepEqual(verdictFailures(alg, vectors, webcrypto, wasm), []);
  }
});

it('asymmetric tokens: verify (Wasm) and verifyAsync (WebCrypto) agree inside workerd', async () => {
  const { jwks, iss, aud, sub, tokens } = asymTokens();
  const forged = (t) => `${t.slice(0, -2)}${t.at(-2) === 'A' ? 'B' : 'A'}${t.at(-1)}`;
  const list = Object.values(tokens).flatMap((t) => [t, forged(t)]);
  const r = await fetch(`${server.url}/verify-jwks`, {
    method: 'POST',
    body: JSON.stringify({ jwks, iss, aud, tokens: list }),
  });
  const want = Object.values(tokens).flatMap(() => [
    [`ok:${sub}`, `ok:${sub}`],
    ['invalid_signature', 'invalid_signature'],
  ]);
  assert.deepEqual(await r.json(), want);
});

it("Better Auth's session cookie cache in each strategy, from the default entry", async () => {
  const groups = sessionCacheChecks(sessionVectors);
  const texts = await Promise.all(
    groups.map(async ({ keys, options, checks }) => {
      const r = await fetch(`${server.url}/authorize`, {
        method: 'POST',
        body: JSON.stringify({ keys, options, requests: checks.map(([, input]) => input) }),
      });
      assert.equal(r.status, 200);
      return r.text();
    }),
  );
  for (const c of sessionVectors.cases)
    for (const t of texts) assert.ok(!t.includes(c.sessionToken), `${c.name}: the live session key came out`);
  const answers = texts.map((t) => JSON.parse(t));
  assert.deepEqual(sessionCacheFailures(groups, answers), []);
  // Every case: 4 with its ring, the rotated ring, 2 other strategies, another version (+ another secret).
  assert.ok(groups.flatMap((g) => g.checks).length >= 8 * sessionVectors.cases.length);
});
