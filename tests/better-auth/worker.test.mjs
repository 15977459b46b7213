// The TaskGate Worker (real wrangler dev, local D1) with tokens from a real Better Auth (the npm
// package on node:sqlite): the taskgate() plugin's token as a bearer, Better Auth's own session
// cookie cache (strategy "jwt") read from its cookie where enabled and refused where not, the
// Origin rule for changes a cookie authenticates, CORS with credentials, key rotation, and
// Better Auth's live session key never in a response or a log line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerServer } from '../lib/worker.mjs';
import { startBetterAuth, CookieJar, sessionTokenOf } from '../lib/better-auth.mjs';
import { taskgate } from '../../pkg/dist/better-auth.js';

const SECRET = 'better-auth-e2e-secret-0123456789-abcdefghij';
const APP = 'http://app.example';
const cookieCache = (maxAge = 300) => ({ cookieCache: { enabled: true, maxAge, strategy: 'jwt' } });

let ba;
let cacheOn;
let cacheOff;
const responses = []; // every response body and header the Worker sent here
const sessionKeys = []; // Better Auth's live session keys seen in this file

async function call(server, method, path, { headers = {}, body } = {}) {
  const init = { method, headers: { ...headers }, redirect: 'manual' };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const r = await fetch(server.url + path, init);
  const text = await r.text();
  responses.push(text, JSON.stringify([...r.headers]));
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, json, text };
}

/** Signs up a user on the real Better Auth: its id, cookie jar and plugin token. */
async function user(name, displayName = name) {
  const email = `${name}-${Date.now()}@example.com`;
  const up = await ba.signUp({ email, password: 'a-long-password-123', name: displayName });
  const jar = new CookieJar(up.setCookies);
  sessionKeys.push(sessionTokenOf(jar));
  const tokenRes = await ba.fetch('/api/auth/taskgate/token', { headers: { cookie: jar.header() } });
  assert.equal(tokenRes.status, 200);
  const { token } = await tokenRes.json();
  return { id: up.user.id, jar, token, cookie: jar.header() };
}

before(async () => {
  ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate()], session: cookieCache() });
  [cacheOn, cacheOff] = await Promise.all([
    WorkerServer.start({
      secrets: { BETTER_AUTH_SECRET: SECRET },
      vars: { BETTER_AUTH_SESSION_CACHE: 'true', CORS_ORIGINS: `${APP}, *` },
    }),
    WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET }, vars: { CORS_ORIGINS: APP } }),
  ]);
});

after(async () => {
  // Nothing the Worker said, in any response or log line, holds a Better Auth session key.
  const said = responses.join('\n') + (cacheOn?.output ?? '') + (cacheOff?.output ?? '');
  for (const key of sessionKeys.filter(Boolean)) assert.ok(!said.includes(key), 'a session key leaked');
  await Promise.all([cacheOn?.stop(), cacheOff?.stop(), ba?.close()]);
});

describe('the taskgate() plugin token as a bearer', () => {
  it("reaches the user's own tasks and no one else's, on both Workers", async () => {
    const [a, b] = [await user('alice'), await user('bob')];
    for (const server of [cacheOn, cacheOff]) {
      const bearer = { authorization: `Bearer ${a.token}` };
      const created = await call(server, 'POST', `/api/${a.id}/tasks`, {
        headers: bearer,
        body: { title: 'from the plugin' },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.user_id, a.id);
      const other = await call(server, 'GET', `/api/${b.id}/tasks`, { headers: bearer });
      assert.deepEqual([other.status, other.json.code], [403, 'forbidden']);
    }
  });
  it('a tampered plugin token is 401 invalid_signature', async () => {
    const a = await user('mallory');
    const [h, p, s] = a.token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${s}`;
    const r = await call(cacheOn, 'GET', '/api/someone-else/tasks', { headers: { authorization: `Bearer ${forged}` } });
    assert.deepEqual([r.status, r.json.code], [401, 'invalid_signature']);
  });
});

describe("Better Auth's session cookie cache", () => {
  it('is read from its cookie where enabled, and not where not', async () => {
    const a = await user('carol');
    assert.ok(a.jar.get('better-auth.session_data'), 'Better Auth set the cache cookie');
    const on = await call(cacheOn, 'GET', `/api/${a.id}/tasks`, { headers: { cookie: a.cookie } });
    assert.equal(on.status, 200, on.text);
    const off = await call(cacheOff, 'GET', `/api/${a.id}/tasks`, { headers: { cookie: a.cookie } });
    assert.deepEqual(
      [off.status, off.json.code, off.headers.get('www-authenticate')],
      [401, 'missing_token', 'Bearer realm="tasks"'],
    );
  });
  it('is not read when an Authorization header came', async () => {
    const a = await user('dave');
    const r = await call(cacheOn, 'GET', `/api/${a.id}/tasks`, {
      headers: { cookie: a.cookie, authorization: 'Basic abc' },
    });
    assert.deepEqual([r.status, r.json.code], [401, 'missing_token']);
  });
  it("another user's cookie is 403 on someone else's path", async () => {
    const [a, b] = [await user('erin'), await user('frank')];
    const r = await call(cacheOn, 'GET', `/api/${b.id}/tasks`, { headers: { cookie: a.cookie } });
    assert.deepEqual([r.status, r.json.code], [403, 'forbidden']);
  });
  it('a tampered cookie is 401 invalid_signature', async () => {
    const a = await user('grace');
    const value = a.jar.get('better-auth.session_data');
    const tampered = value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA');
    const r = await call(cacheOn, 'GET', `/api/${a.id}/tasks`, {
      headers: { cookie: `better-auth.session_data=${tampered}` },
    });
    assert.deepEqual([r.status, r.json.code], [401, 'invalid_signature']);
  });
  it('a cookie split by Better Auth into chunks (.0, .1, ...) is joined', async () => {
    // A long name: the cookie is over 4 KB (two chunks), within Node's 16 KB of response headers.
    const a = await user('judy', 'x'.repeat(3500));
    assert.ok(
      a.jar.get('better-auth.session_data.0') && a.jar.get('better-auth.session_data.1'),
      a.jar.names().join(' '),
    );
    const r = await call(cacheOn, 'GET', `/api/${a.id}/tasks`, { headers: { cookie: a.cookie } });
    assert.equal(r.status, 200, r.text);
  });
  it('an expired cache cookie is 401 token_expired', async () => {
    const short = await startBetterAuth({ secret: SECRET, session: cookieCache(1) });
    try {
      const up = await short.signUp({ email: `short-${Date.now()}@example.com`, password: 'a-long-password-123' });
      sessionKeys.push(sessionTokenOf(up.setCookies));
      const cookie = `better-auth.session_data=${new CookieJar(up.setCookies).get('better-auth.session_data')}`;
      await new Promise((r) => setTimeout(r, 2100));
      const r = await call(cacheOn, 'GET', `/api/${up.user.id}/tasks`, { headers: { cookie } });
      assert.deepEqual([r.status, r.json.code, r.json.claim], [401, 'token_expired', 'exp']);
    } finally {
      await short.close();
    }
  });
});

describe('the Origin rule for changes a cookie authenticates', () => {
  it('each of POST, PUT, PATCH, DELETE needs an allowed Origin; refused before any lookup', async () => {
    const a = await user('heidi');
    const base = `/api/${a.id}/tasks`;
    const bearer = { authorization: `Bearer ${a.token}` };
    const id = (await call(cacheOn, 'POST', base, { headers: bearer, body: { title: 'keep me' } })).json.id;
    const changes = [
      ['POST', base, { title: 'x' }],
      ['PUT', `${base}/${id}`, { title: 'changed' }],
      ['PATCH', `${base}/${id}/complete`],
      ['DELETE', `${base}/${id}`],
    ];
    for (const [method, path, body] of changes) {
      for (const origin of [undefined, 'http://evil.example', 'null']) {
        const headers = { cookie: a.cookie, ...(origin ? { origin } : {}) };
        const r = await call(cacheOn, method, path, { headers, body });
        assert.deepEqual([r.status, r.json.code], [403, 'origin_not_allowed'], `${method} from ${origin}`);
      }
    }
    const after = await call(cacheOn, 'GET', `${base}/${id}`, { headers: bearer });
    assert.deepEqual([after.json.title, after.json.completed], ['keep me', false], 'nothing changed');
    const count = (await call(cacheOn, 'GET', base, { headers: bearer })).headers.get('x-total-count');
    assert.equal(count, '1', 'nothing created');
    // A listed origin and the Worker's own origin may; a bearer token needs no Origin at all.
    for (const origin of [APP, cacheOn.url]) {
      const r = await call(cacheOn, 'POST', base, {
        headers: { cookie: a.cookie, origin },
        body: { title: `from ${origin}` },
      });
      assert.equal(r.status, 201, `${origin}: ${r.text}`);
    }
    for (const [method, path, body] of changes) {
      const r = await call(cacheOn, method, path, { headers: { cookie: a.cookie, origin: APP }, body });
      assert.ok(r.status < 300, `${method}: ${r.status} ${r.text}`);
    }
  });
});

describe('CORS with credentials', () => {
  it('listed origins get credentials where a cookie can authenticate; * never does', async () => {
    const preflight = (server, origin) =>
      fetch(`${server.url}/api/u/tasks`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const listed = await preflight(cacheOn, APP);
    assert.equal(listed.headers.get('access-control-allow-origin'), APP);
    assert.equal(listed.headers.get('access-control-allow-credentials'), 'true');
    const anyOrigin = await preflight(cacheOn, 'http://other.example');
    assert.equal(anyOrigin.headers.get('access-control-allow-origin'), '*');
    assert.equal(anyOrigin.headers.get('access-control-allow-credentials'), null);
    const bearerOnly = await preflight(cacheOff, APP);
    assert.equal(bearerOnly.headers.get('access-control-allow-origin'), APP);
    assert.equal(bearerOnly.headers.get('access-control-allow-credentials'), null);
    const a = await user('ivan');
    const r = await fetch(`${cacheOn.url}/api/${a.id}/tasks`, { headers: { origin: APP, cookie: a.cookie } });
    assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
  });
});

describe("Better Auth's key rotation", () => {
  it('a ring 2:new,1:old: the plugin signs with kid 2, and a token from before the rotation still verifies', async () => {
    const [NEW, OLD] = [`${SECRET}-new`, `${SECRET}-old`];
    const before = await startBetterAuth({ secret: OLD, plugins: [taskgate()] });
    const rotated = await startBetterAuth({
      secrets: [
        { version: 2, value: NEW },
        { version: 1, value: OLD },
      ],
      plugins: [taskgate()],
    });
    const worker = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRETS: `2:${NEW},1:${OLD}` } });
    try {
      for (const [auth, kid] of [
        [rotated, '2'],
        [before, undefined],
      ]) {
        const up = await auth.signUp({
          email: `rot-${kid ?? 'old'}-${Date.now()}@example.com`,
          password: 'a-long-password-123',
        });
        sessionKeys.push(sessionTokenOf(up.setCookies));
        const { token } = await (
          await auth.fetch('/api/auth/taskgate/token', { headers: { cookie: new CookieJar(up.setCookies).header() } })
        ).json();
        assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).kid, kid);
        const r = await call(worker, 'GET', `/api/${up.user.id}/tasks`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(r.status, 200, `kid ${kid}: ${r.text}`);
      }
    } finally {
      await Promise.all([worker.stop(), before.close(), rotated.close()]);
    }
  });
});
