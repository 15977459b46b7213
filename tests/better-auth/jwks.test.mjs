// Better Auth's own jwt() plugin (EdDSA, ES256, RS256 tokens, its JWK Set at /api/auth/jwks) and
// the TaskGate Worker under wrangler dev with BETTER_AUTH_URL pointing at it: tokens verify, a
// rotated key is picked up without a restart, 200 concurrent requests on a cold cache make one
// fetch, and with no key set at all asymmetric tokens get 503 keys_unavailable while HS256 works.
// The package verifies the same tokens with the fetched set.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jwt } from 'better-auth/plugins';
import { WorkerServer, freePort } from '../lib/worker.mjs';
import { startBetterAuth, CookieJar } from '../lib/better-auth.mjs';
import { token as hs256 } from '../lib/tokens.mjs';
import * as full from '../../pkg/dist/full/node.js';

const SECRET = 'jwks-e2e-secret-0123456789-abcdefghijklmnop';
const servers = [];
after(() => Promise.all(servers.map((s) => (s.stop ?? s.close).call(s))));

async function betterAuth(alg, jwks = {}) {
  const ba = await startBetterAuth({ secret: SECRET, plugins: [jwt({ jwks: { keyPairConfig: { alg }, ...jwks } })] });
  servers.push(ba);
  return ba;
}

/** A user signed up on `ba`, and a fresh jwt() token. */
async function jwtToken(ba, name = 'user') {
  const up = await ba.signUp({
    email: `${name}-${Date.now()}-${Math.random()}@example.com`,
    password: 'a-long-password-123',
  });
  const jar = new CookieJar(up.setCookies);
  const token = async () =>
    (await (await ba.fetch('/api/auth/token', { headers: { cookie: jar.header() } })).json()).token;
  return { id: up.user.id, token: await token(), next: token };
}

async function worker(vars) {
  const w = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET }, vars });
  servers.push(w);
  return w;
}

const get = (w, id, token) => fetch(`${w.url}/api/${id}/tasks`, { headers: { authorization: `Bearer ${token}` } });
const headerOf = (token) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url'));

describe('jwt() plugin tokens through the Worker and the package', () => {
  for (const alg of ['EdDSA', 'ES256', 'RS256']) {
    it(`${alg}: verified with Better Auth's own JWK Set`, async () => {
      const ba = await betterAuth(alg);
      const w = await worker({ BETTER_AUTH_URL: ba.url });
      const user = await jwtToken(ba);
      assert.equal(headerOf(user.token).alg, alg);
      const r = await get(w, user.id, user.token);
      assert.equal(r.status, 200, await r.text());
      const other = await get(w, 'someone-else', user.token);
      assert.deepEqual([other.status, (await other.json()).code], [403, 'forbidden']);
      // The package, with the set Better Auth serves.
      const set = await (await fetch(`${ba.url}/api/auth/jwks`)).json();
      const v = full.createVerifier({ secret: SECRET, jwks: set }, { issuer: ba.url, audience: ba.url });
      assert.equal(v.verify(user.token).userId, user.id);
      // A token whose signature is changed is refused by both.
      const [h, p, s] = user.token.split('.');
      const bad = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
      assert.equal((await (await get(w, user.id, bad)).json()).code, 'invalid_signature');
      assert.throws(
        () => v.verify(bad),
        (e) => e.code === 'invalid_signature',
      );
    });
  }

  it('another issuer is invalid_issuer (the jwt() default issuer is BETTER_AUTH_URL)', async () => {
    const ba = await betterAuth('EdDSA');
    const w = await worker({ BETTER_AUTH_URL: ba.url, JWT_ISSUER: 'https://elsewhere.example' });
    const user = await jwtToken(ba);
    const r = await get(w, user.id, user.token);
    assert.deepEqual([r.status, (await r.json()).code], [401, 'invalid_issuer']);
  });
});

describe('fetching the JWK Set', () => {
  it('200 concurrent requests on a cold cache make one fetch', async () => {
    const ba = await betterAuth('EdDSA');
    const user = await jwtToken(ba);
    const w = await worker({ BETTER_AUTH_URL: ba.url });
    const before = ba.requests.filter((r) => r.path === '/api/auth/jwks').length;
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => get(w, user.id, user.token).then((r) => r.status)),
    );
    assert.deepEqual([...new Set(answers)], [200]);
    assert.equal(ba.requests.filter((r) => r.path === '/api/auth/jwks').length - before, 1);
  });

  it('a rotated key (a new kid) is picked up without a restart, within 30 s', async () => {
    const ba = await betterAuth('EdDSA', { rotationInterval: 2 });
    const w = await worker({ BETTER_AUTH_URL: ba.url });
    const user = await jwtToken(ba);
    assert.equal((await get(w, user.id, user.token)).status, 200);
    await new Promise((r) => setTimeout(r, 2500));
    const rotated = await user.next();
    assert.notEqual(headerOf(rotated).kid, headerOf(user.token).kid, 'Better Auth rotated its key');
    // Within 30 s of the last fetch, a new kid is not fetched again: 503 with Retry-After (the
    // key may be new; never a 401 that would sign the user out)...
    const early = await get(w, user.id, rotated);
    assert.deepEqual([early.status, (await early.json()).code], [503, 'keys_unavailable']);
    const retryAfter = Number(early.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, String(retryAfter));
    // ...after that, it is.
    await new Promise((r) => setTimeout(r, (retryAfter + 1) * 1000));
    assert.equal((await get(w, user.id, rotated)).status, 200);
    assert.equal((await get(w, user.id, user.token)).status, 200, 'the old key is still in the set');
  });

  it('with no key set to be had: 503 keys_unavailable with Retry-After; HS256 keeps working', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const ba = await betterAuth('EdDSA');
    const user = await jwtToken(ba);
    const w = await worker({ JWKS_URL: `${closed}/api/auth/jwks`, BETTER_AUTH_URL: ba.url });
    const r = await get(w, user.id, user.token);
    assert.equal(r.status, 503);
    assert.equal((await r.json()).code, 'keys_unavailable');
    assert.ok(Number(r.headers.get('retry-after')) >= 1, r.headers.get('retry-after'));
    const ok = await get(w, 'hs-user', hs256('hs-user', { secret: SECRET }));
    assert.equal(ok.status, 200);
    assert.ok(!w.output.includes(user.token), 'the token is never logged');
  });
});
