// `taskgate-verify/better-auth/client` in Node against a real Better Auth server (npm better-auth
// with the `taskgate-verify/better-auth` plugin, tests/lib/better-auth.mjs): the token cache,
// shared requests, refresh near expiry, sign-out; and `createApiFetch` against a stand-in API
// that verifies the bearer token with the package and answers 401 when told to.
//
// The client runs in a small browser stand-in (`browser()` below): a cookie jar keyed by host,
// as browsers key cookies (ports do not count), that sends the cookies with every request
// unless `credentials: 'omit'`, and an Origin header. Both servers listen on 127.0.0.1, so a
// browser would send Better Auth's cookies to the API unless told not to.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createAuthClient } from 'better-auth/client';
import { taskgate } from 'taskgate-verify/better-auth';
import { taskgateClient, createApiFetch, TaskgateTokenError } from 'taskgate-verify/better-auth/client';
import { createVerifier } from '../dist/node.js';
import { startBetterAuth, CookieJar } from '../../tests/lib/better-auth.mjs';

const SECRET = 'client-plugin-test-secret-0123456789-abcdefgh';
const PASSWORD = 'correct-horse-battery';
const TOKEN_PATH = '/api/auth/taskgate/token';
const verifier = createVerifier(SECRET);

let n = 0;
const newUser = () => ({ email: `client-${process.pid}-${++n}@example.com`, password: PASSWORD, name: `Client ${n}` });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A browser stand-in: one cookie jar for host 127.0.0.1, sent unless credentials is 'omit'. */
function browser(pageOrigin) {
  const jar = new CookieJar();
  const sent = []; // { url, credentials, cookie }
  const fetch = async (input, init = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const withCookies = init.credentials !== 'omit' && url.hostname === '127.0.0.1';
    if (withCookies && jar.header()) headers.set('cookie', jar.header());
    if (!headers.has('origin')) headers.set('origin', pageOrigin);
    sent.push({ url: url.href, credentials: init.credentials, cookie: headers.get('cookie') });
    const res = await globalThis.fetch(url, { ...init, headers });
    if (withCookies) jar.update(res);
    return res;
  };
  return { fetch, jar, sent };
}

/** A signed-in auth client with the plugin, in its own browser. */
async function signedInClient(ba, clientOptions) {
  const b = browser(ba.url);
  const authClient = createAuthClient({
    baseURL: ba.url,
    plugins: [taskgateClient(clientOptions)],
    fetchOptions: { customFetchImpl: b.fetch },
  });
  const u = newUser();
  const { data, error } = await authClient.signUp.email(u);
  assert.equal(error, null, JSON.stringify(error));
  assert.ok(b.jar.get('better-auth.session_token'), 'signed in: the jar holds the session cookie');
  return { authClient, browser: b, user: data.user };
}

const tokenRequests = (ba) => ba.requests.filter((r) => r.path.split('?')[0] === TOKEN_PATH).length;

describe('authClient.taskgate.token()', () => {
  let ba;
  before(async () => {
    ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate()] });
  });
  after(() => ba.close());

  it("returns the session's token, and asks the server once for two calls", async () => {
    const { authClient, user } = await signedInClient(ba);
    const before = tokenRequests(ba);
    const t1 = await authClient.taskgate.token();
    const t2 = await authClient.taskgate.token();
    assert.equal(typeof t1, 'string');
    assert.equal(t2, t1);
    assert.equal(verifier.verify(t1).userId, user.id);
    assert.equal(tokenRequests(ba) - before, 1);
  });

  it('shares one request between 5 concurrent callers', async () => {
    const { authClient, user } = await signedInClient(ba);
    const before = tokenRequests(ba);
    const tokens = await Promise.all(Array.from({ length: 5 }, () => authClient.taskgate.token()));
    assert.equal(tokenRequests(ba) - before, 1);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(verifier.verify(tokens[0]).userId, user.id);
  });

  it('{ force: true } and clear() ask the server again', async () => {
    const { authClient } = await signedInClient(ba);
    const before = tokenRequests(ba);
    await authClient.taskgate.token();
    await authClient.taskgate.token({ force: true });
    assert.equal(tokenRequests(ba) - before, 2);
    authClient.taskgate.clear();
    await authClient.taskgate.token();
    assert.equal(tokenRequests(ba) - before, 3);
    await authClient.taskgate.token();
    assert.equal(tokenRequests(ba) - before, 3);
  });

  it('uses the cached token until 60 s before expiresAt, then asks again (client clock)', async () => {
    let clock = Date.now();
    const { authClient, browser: b } = await signedInClient(ba, { now: () => clock });
    const before = tokenRequests(ba);
    const t1 = await authClient.taskgate.token();
    const { exp } = verifier.verify(t1).claims;
    assert.equal(exp - Math.floor(Date.now() / 1000) <= 900, true);
    clock = (exp - 61) * 1000;
    assert.equal(await authClient.taskgate.token(), t1);
    assert.equal(tokenRequests(ba) - before, 1);
    clock = (exp - 60) * 1000;
    await authClient.taskgate.token();
    assert.equal(tokenRequests(ba) - before, 2);
    assert.ok(b.sent.every((s) => s.url.startsWith(ba.url)));
  });

  it('after authClient.signOut() the next token() makes a new request and gets 401', async () => {
    const { authClient } = await signedInClient(ba);
    await authClient.taskgate.token();
    const before = tokenRequests(ba);
    const { error } = await authClient.signOut();
    assert.equal(error, null);
    await assert.rejects(authClient.taskgate.token(), (e) => e instanceof TaskgateTokenError && e.status === 401);
    assert.equal(tokenRequests(ba) - before, 1);
  });

  it('a 401 from the token endpoint clears the cache', async () => {
    const { authClient, user } = await signedInClient(ba);
    await authClient.taskgate.token();
    const ctx = await ba.auth.$context;
    await ctx.internalAdapter.deleteUserSessions(user.id); // revoked on the server: the client cannot know
    const before = tokenRequests(ba);
    await authClient.taskgate.token(); // still cached: no request
    assert.equal(tokenRequests(ba) - before, 0);
    await assert.rejects(authClient.taskgate.token({ force: true }), (e) => e.status === 401);
    await assert.rejects(authClient.taskgate.token(), (e) => e.status === 401); // not served from the cache
    assert.equal(tokenRequests(ba) - before, 2);
  });
});

describe('refresh near expiry (real clock, plugin expiresIn 62 s)', () => {
  let ba;
  before(async () => {
    ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate({ expiresIn: 62 })] });
  });
  after(() => ba.close());

  it('refreshes a token that is within 60 s of its expiry', async () => {
    const { authClient } = await signedInClient(ba);
    const before = tokenRequests(ba);
    const t1 = await authClient.taskgate.token();
    const { exp } = verifier.verify(t1).claims;
    assert.equal(await authClient.taskgate.token(), t1); // 62 s left: still cached
    assert.equal(tokenRequests(ba) - before, 1);
    await sleep(Math.max(0, (exp - 60) * 1000 - Date.now()) + 50);
    const t2 = await authClient.taskgate.token();
    assert.equal(tokenRequests(ba) - before, 2);
    assert.ok(verifier.verify(t2).claims.exp > exp);
  });
});

/** A stand-in for the TaskGate API: verifies the bearer token, records each request. */
async function startApi() {
  const api = { requests: [], revoked: new Set(), failFirst: 0, failAll: false };
  const server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    api.requests.push({ method: req.method, path: req.url, token, cookie: req.headers.cookie, authorization: auth });
    let status = 200;
    let body;
    try {
      const v = verifier.verify(token);
      if (api.failAll || api.revoked.has(token) || api.requests.length <= api.failFirst) status = 401;
      body = { sub: v.userId };
    } catch (e) {
      status = 401;
      body = { code: e.code };
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? body : { code: body.code ?? 'revoked' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${server.address().port}`;
  api.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return api;
}

describe('createApiFetch', () => {
  let ba;
  let api;
  before(async () => {
    ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate()] });
    api = await startApi();
  });
  after(async () => {
    await api.close();
    await ba.close();
  });
  beforeEach(() => {
    api.requests.length = 0;
    api.revoked.clear();
    api.failFirst = 0;
    api.failAll = false;
  });

  const setup = async () => {
    const c = await signedInClient(ba);
    const unauthorized = [];
    const apiFetch = createApiFetch({
      baseURL: api.url,
      authClient: c.authClient,
      fetch: c.browser.fetch,
      onUnauthorized: (info) => unauthorized.push(info),
    });
    return { ...c, apiFetch, unauthorized };
  };

  it("attaches the bearer token and never sends Better Auth's cookies to the API", async () => {
    const { apiFetch, authClient, user, browser: b, unauthorized } = await setup();
    const res = await apiFetch(`/api/${user.id}/tasks`, { credentials: 'include', headers: { 'x-extra': '1' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: user.id });
    assert.equal(api.requests.length, 1);
    const [r] = api.requests;
    assert.equal(r.authorization, `Bearer ${await authClient.taskgate.token()}`);
    assert.equal(r.path, `/api/${user.id}/tasks`);
    assert.equal(r.cookie, undefined);
    assert.equal(b.sent.at(-1).credentials, 'omit');
    assert.equal(unauthorized.length, 0);
    // Control: the same browser does send the session cookie to the API when allowed to.
    await b.fetch(`${api.url}/probe`, { credentials: 'include' });
    assert.match(api.requests.at(-1).cookie ?? '', /better-auth\.session_token=/);
  });

  it('on a 401 refreshes the token once and retries once', async () => {
    const { apiFetch, user, unauthorized } = await setup();
    api.failFirst = 1;
    const before = tokenRequests(ba);
    const res = await apiFetch(`/api/${user.id}/tasks`, {
      method: 'POST',
      body: JSON.stringify({ title: 't' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 200);
    assert.equal(api.requests.length, 2);
    assert.deepEqual(
      api.requests.map((r) => r.method),
      ['POST', 'POST'],
    );
    assert.equal(tokenRequests(ba) - before, 2); // the first token, then one forced refresh
    assert.equal(unauthorized.length, 0);
  });

  it('a 401 after the retry calls onUnauthorized exactly once, with no third try', async () => {
    const { apiFetch, authClient, user, unauthorized } = await setup();
    const token = await authClient.taskgate.token();
    api.revoked.add(token); // the API refuses it; the refresh (same second, same claims) may mint the same one
    api.failAll = true;
    const before = tokenRequests(ba);
    const res = await apiFetch(`/api/${user.id}/tasks`);
    assert.equal(res.status, 401);
    await sleep(100);
    assert.equal(api.requests.length, 2);
    assert.equal(tokenRequests(ba) - before, 1); // one forced refresh
    assert.equal(unauthorized.length, 1);
    assert.equal(unauthorized[0].response.status, 401);
  });

  it('a revoked token is replaced by a fresh one on the retry', async () => {
    const { apiFetch, authClient, user, unauthorized } = await setup();
    const token = await authClient.taskgate.token();
    api.revoked.add(token);
    await sleep(1100); // a new second: the fresh token differs
    const res = await apiFetch(`/api/${user.id}/tasks`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      api.requests.map((r) => r.token === token),
      [true, false],
    );
    assert.equal(unauthorized.length, 0);
  });

  it('when the session is gone (the token endpoint answers 401): onUnauthorized once, the API is not called', async () => {
    const { apiFetch, authClient, user, unauthorized } = await setup();
    await authClient.signOut();
    await assert.rejects(apiFetch(`/api/${user.id}/tasks`), (e) => e instanceof TaskgateTokenError && e.status === 401);
    assert.equal(api.requests.length, 0);
    assert.equal(unauthorized.length, 1);
    assert.equal(unauthorized[0].error.status, 401);
  });

  it('when the session ends after a token was cached: one API call, a refused refresh, onUnauthorized once', async () => {
    const { apiFetch, authClient, user, unauthorized } = await setup();
    api.revoked.add(await authClient.taskgate.token());
    await (await ba.auth.$context).internalAdapter.deleteUserSessions(user.id);
    const res = await apiFetch(`/api/${user.id}/tasks`);
    assert.equal(res.status, 401);
    assert.equal(api.requests.length, 1);
    assert.equal(unauthorized.length, 1);
  });

  it('refuses absolute URLs outside baseURL (the token goes only to the API)', async () => {
    const { apiFetch, user } = await setup();
    await assert.rejects(apiFetch(`${ba.url}/api/${user.id}/tasks`), TypeError);
    await assert.rejects(apiFetch('//evil.example/x'), TypeError);
    assert.equal((await apiFetch(`${api.url}/api/${user.id}/tasks`)).status, 200);
    assert.equal(api.requests.length, 1);
  });

  it('by default sends the browser to /login?next=<path and query>', async () => {
    const { authClient, browser: b, user } = await setup();
    const assigned = [];
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'location');
    Object.defineProperty(globalThis, 'location', {
      configurable: true,
      value: { pathname: '/tasks', search: '?status=open&q=a b', assign: (u) => assigned.push(u) },
    });
    try {
      const apiFetch = createApiFetch({ baseURL: api.url, authClient, fetch: b.fetch });
      api.failAll = true;
      assert.equal((await apiFetch(`/api/${user.id}/tasks`)).status, 401);
      assert.deepEqual(assigned, [`/login?next=${encodeURIComponent('/tasks?status=open&q=a b')}`]);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'location', saved);
      else delete globalThis.location;
    }
  });
});
