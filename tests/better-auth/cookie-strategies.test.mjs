// Every strategy of Better Auth's session cookie cache (contract 3.3) through the TaskGate Worker
// (real wrangler dev, local D1): a real Better Auth (the npm package on node:sqlite) per strategy,
// `compact` with the strategy left unset (Better Auth's default), `jwt` and `jwe`; its cookies from
// a single secret and from a rotated ring, whole and in chunks (a large user). The Worker of each
// strategy reads them, applies the Origin rule to the changes they authenticate, refuses each
// tampered value, another secret's and another strategy's, and never says the live session key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar, sessionTokenOf, startBetterAuth } from '../lib/better-auth.mjs';
import { WorkerServer } from '../lib/worker.mjs';

const OLD = 'strategies-old-secret-0123456789-abcdefghijkl';
const NEW = 'strategies-new-secret-0123456789-abcdefghijkl';
const OTHER = 'strategies-other-secret-0123456789-abcdefghij';
const APP = 'http://app.example';
/** Each strategy as Better Auth is configured (`undefined`: left unset) and as the Worker is. */
const STRATEGIES = [
  { betterAuth: undefined, worker: 'compact' },
  { betterAuth: 'jwt', worker: 'jwt' },
  { betterAuth: 'jwe', worker: 'jwe' },
];

const workers = {};
const auths = [];
const said = []; // every response the Workers gave here
const sessionKeys = [];

/** A Better Auth with the cookie cache in `strategy`, signing with `secret` or a ring. */
async function betterAuth(strategy, keys) {
  const cookieCache = { enabled: true, maxAge: 300, ...(strategy ? { strategy } : {}) };
  const ba = await startBetterAuth({ ...keys, session: { cookieCache } });
  auths.push(ba);
  return ba;
}

/** Signs a user up: id and Cookie header (the session cache, maybe in chunks). */
async function user(ba, name = 'Strategy User') {
  const up = await ba.signUp({
    email: `u-${Math.random().toString(36).slice(2)}@example.com`,
    password: 'a-long-password-123',
    name,
  });
  const jar = new CookieJar(up.setCookies);
  sessionKeys.push(sessionTokenOf(jar));
  return { id: up.user.id, jar, cookie: jar.header() };
}

async function call(worker, method, path, headers, body) {
  const r = await fetch(worker.url + path, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await r.text();
  said.push(text, JSON.stringify([...r.headers]));
  return { status: r.status, json: text ? JSON.parse(text) : undefined, text };
}

before(async () => {
  const started = await Promise.all(
    STRATEGIES.map((s) =>
      WorkerServer.start({
        secrets: { BETTER_AUTH_SECRETS: `2:${NEW},1:${OLD}` },
        vars: { BETTER_AUTH_SESSION_CACHE: s.worker, CORS_ORIGINS: APP },
      }),
    ),
  );
  STRATEGIES.forEach((s, i) => {
    workers[s.worker] = started[i];
  });
});

after(async () => {
  const text =
    said.join('\n') +
    Object.values(workers)
      .map((w) => w.output)
      .join('\n');
  for (const key of sessionKeys.filter(Boolean)) assert.ok(!text.includes(key), 'a session key came out');
  await Promise.all([...Object.values(workers).map((w) => w.stop()), ...auths.map((a) => a.close())]);
});

for (const strategy of STRATEGIES) {
  const label = strategy.betterAuth ?? 'left unset (compact)';
  describe(`strategy ${label}`, () => {
    let fromOld;
    let fromRing;
    let large;
    before(async () => {
      const old = await betterAuth(strategy.betterAuth, { secret: OLD });
      const ring = await betterAuth(strategy.betterAuth, {
        secrets: [
          { version: 2, value: NEW },
          { version: 1, value: OLD },
        ],
      });
      [fromOld, fromRing, large] = [await user(old), await user(ring), await user(ring, 'L'.repeat(3500))];
    });

    it('its cookies are read: the old secret, the rotated ring, and a large user in chunks', async () => {
      assert.ok(large.jar.get('better-auth.session_data.1'), `chunks: ${large.jar.names().join(' ')}`);
      for (const u of [fromOld, fromRing, large]) {
        const r = await call(workers[strategy.worker], 'GET', `/api/${u.id}/tasks`, { cookie: u.cookie });
        assert.equal(r.status, 200, r.text);
      }
    });

    it('a change it authenticates needs an allowed Origin; another user is 403', async () => {
      const w = workers[strategy.worker];
      const path = `/api/${fromOld.id}/tasks`;
      const ok = await call(w, 'POST', path, { cookie: fromOld.cookie, origin: APP }, { title: 'by cookie' });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.json.user_id, fromOld.id);
      const bare = await call(w, 'POST', path, { cookie: fromOld.cookie }, { title: 'no origin' });
      assert.deepEqual([bare.status, bare.json.code], [403, 'origin_not_allowed']);
      const evil = await call(
        w,
        'POST',
        path,
        { cookie: fromOld.cookie, origin: 'http://evil.example' },
        { title: 'x' },
      );
      assert.deepEqual([evil.status, evil.json.code], [403, 'origin_not_allowed']);
      const other = await call(w, 'GET', `/api/${fromRing.id}/tasks`, { cookie: fromOld.cookie });
      assert.deepEqual([other.status, other.json.code], [403, 'forbidden']);
    });

    it('a tampered value, another secret and another strategy are 401', async () => {
      const w = workers[strategy.worker];
      const value = fromOld.jar.get('better-auth.session_data');
      for (const at of [5, Math.floor(value.length / 2), value.length - 5]) {
        const c = value[at] === 'A' ? 'B' : 'A';
        const tampered = value.slice(0, at) + c + value.slice(at + 1);
        const r = await call(w, 'GET', `/api/${fromOld.id}/tasks`, { cookie: `better-auth.session_data=${tampered}` });
        assert.equal(r.status, 401, `character ${at}: ${r.text}`);
      }
      const stranger = await user(await betterAuth(strategy.betterAuth, { secret: OTHER }));
      const foreign = await call(w, 'GET', `/api/${stranger.id}/tasks`, { cookie: stranger.cookie });
      assert.deepEqual([foreign.status, foreign.json.code], [401, 'invalid_signature']);
      for (const s of STRATEGIES.filter((x) => x !== strategy)) {
        const r = await call(workers[s.worker], 'GET', `/api/${fromOld.id}/tasks`, { cookie: fromOld.cookie });
        assert.equal(r.status, 401, `read by the ${s.worker} Worker: ${r.text}`);
      }
    });
  });
}
