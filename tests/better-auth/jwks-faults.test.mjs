// The key path under faults (contract section 3.2, docs/key-path.md), through a real
// `wrangler dev`: a JWK Set server on 127.0.0.1 that misbehaves on purpose (a body that stalls
// after its headers, a body that never ends, a 200 HTML page once, a redirect, a set that gains
// a key) and a real Better Auth jwt() server whose key rotates while the Worker runs, including a
// Worker restart with the Cache API holding an older set. No request waits on keys over 5 s
// (bounded at 8 s for the machine), no rotation yields a 401 for a valid token, and no bad
// answer outlives its fault.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';
import { jwt } from 'better-auth/plugins';
import { WorkerServer } from '../lib/worker.mjs';
import { startBetterAuth, CookieJar } from '../lib/better-auth.mjs';

const SECRET = 'jwks-faults-secret-0123456789-abcdefghijklmn';
const WAIT_BOUND_MS = 8_000;
const servers = [];
after(() => Promise.all(servers.map((s) => (s.stop ?? s.close).call(s))));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An Ed25519 key named `kid`: its public JWK, and a signer of tokens for `iss`. */
function edKey(kid) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
  const token = (iss, sub) => {
    const now = Math.floor(Date.now() / 1000);
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc({ alg: 'EdDSA', kid, typ: 'JWT' })}.${enc({ sub, iss, aud: iss, iat: now, exp: now + 600 })}`;
    return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
  };
  return { kid, jwk, token };
}

/**
 * A JWK Set server that misbehaves on purpose. `mode`: good, stall (headers, part of a body,
 * then nothing), endless (a body that never ends), html-once (one 200 HTML page, then good),
 * redirect (302 to /moved, which serves the good set). `keys`: the public JWKs served.
 */
async function faultyServer(mode, keys) {
  const s = { mode, keys, hits: [], open: new Set() };
  const server = http.createServer((req, res) => {
    s.hits.push(req.url);
    s.open.add(res);
    res.on('close', () => s.open.delete(res));
    const good = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: s.keys }));
    };
    if (req.url === '/moved') return good();
    switch (s.mode) {
      case 'stall':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        res.write('{"keys":[');
        return; // never ends
      case 'endless': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[');
        const pump = () => {
          if (res.destroyed) return;
          res.write(`${'{"kid":"pad"},'.repeat(1024)}`, () => setTimeout(pump, 5));
        };
        return pump();
      }
      case 'html-once':
        s.mode = 'good';
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><html><body>Sign in</body></html>');
      case 'redirect':
        res.writeHead(302, { location: `http://127.0.0.1:${server.address().port}/moved` });
        return res.end();
      default:
        return good();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${server.address().port}`;
  s.close = () => {
    for (const res of s.open) res.destroy();
    return new Promise((r) => server.close(r));
  };
  servers.push(s);
  return s;
}

async function worker(vars) {
  const w = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET }, vars });
  servers.push(w);
  return w;
}

/** GET the user's tasks with `token`: status, code, Retry-After, and how long it took. */
async function get(w, user, token) {
  const started = Date.now();
  const r = await fetch(`${w.url}/api/${user}/tasks`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(20_000),
  });
  const body = await r.json();
  const ms = Date.now() - started;
  assert.ok(ms < WAIT_BOUND_MS, `a request waited ${ms} ms on keys`);
  return { status: r.status, code: body.code, retryAfter: Number(r.headers.get('retry-after')), ms };
}

/** Waits out the Retry-After of a 503 (the 30 s interval), plus a second. */
const waitRetry = (answer) => sleep((answer.retryAfter + 1) * 1000);

describe('the JWK Set fetch under faults (a misbehaving server)', { concurrency: true }, () => {
  it('a body that stalls after its headers: 503 within 5 s, then the good set once it answers', async () => {
    const k1 = edKey('k1');
    const s = await faultyServer('stall', [k1.jwk]);
    const w = await worker({ BETTER_AUTH_URL: s.url, JWKS_URL: `${s.url}/jwks` });
    const first = await get(w, 'u1', k1.token(s.url, 'u1'));
    assert.deepEqual([first.status, first.code], [503, 'keys_unavailable']);
    assert.ok(first.ms >= 4_000, `the fetch was given its 5 s (${first.ms} ms)`);
    assert.ok(first.retryAfter >= 1 && first.retryAfter <= 30, String(first.retryAfter));
    s.mode = 'good';
    await waitRetry(first);
    assert.deepEqual((await get(w, 'u1', k1.token(s.url, 'u1'))).status, 200);
  });

  it('a body that never ends: read to 64 KiB + 1 byte, dropped at once, a failed fetch', async () => {
    const k1 = edKey('k1');
    const s = await faultyServer('endless', [k1.jwk]);
    const w = await worker({ BETTER_AUTH_URL: s.url, JWKS_URL: `${s.url}/jwks` });
    const first = await get(w, 'u1', k1.token(s.url, 'u1'));
    assert.deepEqual([first.status, first.code], [503, 'keys_unavailable']);
    assert.ok(first.ms < 4_000, `stopped at the size limit, not the timeout (${first.ms} ms)`);
    await sleep(500);
    assert.equal(s.open.size, 0, 'the connection is closed');
    s.mode = 'good';
    await waitRetry(first);
    assert.equal((await get(w, 'u1', k1.token(s.url, 'u1'))).status, 200);
  });

  it('a 200 HTML page once is never stored: the next fetch goes to the source and brings the set', async () => {
    const k1 = edKey('k1');
    const s = await faultyServer('html-once', [k1.jwk]);
    const w = await worker({ BETTER_AUTH_URL: s.url, JWKS_URL: `${s.url}/jwks` });
    const first = await get(w, 'u1', k1.token(s.url, 'u1'));
    assert.deepEqual([first.status, first.code], [503, 'keys_unavailable']);
    await waitRetry(first);
    assert.equal((await get(w, 'u1', k1.token(s.url, 'u1'))).status, 200);
    assert.equal(s.hits.length, 2, 'the second fetch went to the source, not to a stored page');
    assert.ok(!w.output.includes('Sign in'), 'the page is never logged');
  });

  it('a redirect is not followed: a failed fetch', async () => {
    const k1 = edKey('k1');
    const s = await faultyServer('redirect', [k1.jwk]);
    const w = await worker({ BETTER_AUTH_URL: s.url, JWKS_URL: `${s.url}/jwks` });
    const first = await get(w, 'u1', k1.token(s.url, 'u1'));
    assert.deepEqual([first.status, first.code], [503, 'keys_unavailable']);
    assert.deepEqual(s.hits, ['/jwks'], 'the redirect target is never asked');
  });

  it('a set that gains a key: 503 (never 401) while the refetch is held back; a restarted Worker with an older Cache API copy looks the new kid up at once', async () => {
    const [k1, k2, k3] = [edKey('k1'), edKey('k2'), edKey('k3')];
    const s = await faultyServer('good', [k1.jwk]);
    const w = await worker({ BETTER_AUTH_URL: s.url, JWKS_URL: `${s.url}/jwks` });
    assert.equal((await get(w, 'u1', k1.token(s.url, 'u1'))).status, 200);
    // The set gains k2 while the refetch is held back: 503 with Retry-After, not 401.
    s.keys = [k1.jwk, k2.jwk];
    const held = await get(w, 'u1', k2.token(s.url, 'u1'));
    assert.deepEqual([held.status, held.code], [503, 'keys_unavailable']);
    assert.ok(held.retryAfter >= 1 && held.retryAfter <= 30, String(held.retryAfter));
    // So is a random kid from anyone meanwhile (it cannot turn the rotation into 401s).
    const early = await get(w, 'u1', edKey('random').token(s.url, 'u1'));
    assert.deepEqual([early.status, early.code], [503, 'keys_unavailable']);
    await waitRetry(held);
    // A random kid after the interval: one fetch at the source that does not bring it -> 401.
    const random = await get(w, 'u1', edKey('random').token(s.url, 'u1'));
    assert.deepEqual([random.status, random.code], [401, 'unknown_key']);
    // That fetch brought k2.
    assert.equal((await get(w, 'u1', k2.token(s.url, 'u1'))).status, 200);
    // A new isolate: the Cache API holds [k1, k2]; the set gains k3 meanwhile.
    await w.restart();
    s.keys = [k1.jwk, k2.jwk, k3.jwk];
    const hits = s.hits.length;
    assert.equal((await get(w, 'u1', k3.token(s.url, 'u1'))).status, 200, 'the copy lacks k3: asked at once');
    assert.equal(s.hits.length, hits + 1);
  });
});

describe("Better Auth's jwt() keys rotating while the Worker runs", () => {
  it('no rotation gives a valid token a 401, across a Worker restart with an older set in the Cache API', async () => {
    const ba = await startBetterAuth({
      secret: SECRET,
      plugins: [jwt({ jwks: { keyPairConfig: { alg: 'EdDSA' }, rotationInterval: 2 } })],
    });
    servers.push(ba);
    const up = await ba.signUp({ email: `rot-${Date.now()}@example.com`, password: 'a-long-password-123' });
    const jar = new CookieJar(up.setCookies);
    const next = async () =>
      (await (await ba.fetch('/api/auth/token', { headers: { cookie: jar.header() } })).json()).token;
    const kidOf = (t) => JSON.parse(Buffer.from(t.split('.')[0], 'base64url')).kid;
    const w = await worker({ BETTER_AUTH_URL: ba.url });
    const first = await next();
    assert.equal((await get(w, up.user.id, first)).status, 200);
    // Rotation while the Worker runs: the new kid within 30 s of the last fetch is 503, then 200.
    await sleep(2500);
    const rotated = await next();
    assert.notEqual(kidOf(rotated), kidOf(first), 'Better Auth rotated its key');
    let answer = await get(w, up.user.id, rotated);
    assert.notEqual(answer.status, 401, `a valid token got ${answer.code}`);
    if (answer.status === 503) {
      await waitRetry(answer);
      answer = await get(w, up.user.id, rotated);
    }
    assert.equal(answer.status, 200);
    // Restart: the Cache API holds the set fetched just now; Better Auth rotates again.
    await w.restart();
    await sleep(2500);
    const again = await next();
    assert.notEqual(kidOf(again), kidOf(rotated), 'Better Auth rotated its key again');
    const fetches = ba.requests.filter((r) => r.path === '/api/auth/jwks').length;
    const fresh = await get(w, up.user.id, again);
    assert.equal(fresh.status, 200, `after the restart: ${fresh.code}`);
    assert.equal(ba.requests.filter((r) => r.path === '/api/auth/jwks').length, fetches + 1);
    assert.equal((await get(w, up.user.id, first)).status, 200, 'older keys still verify');
  });
});
