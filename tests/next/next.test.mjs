// Next.js 16 with taskgate-verify/next, built and started for real: once as proxy.ts (Node
// runtime) and once as middleware.ts (Edge runtime). The package is installed from its packed
// tarball, as users get it.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, freePort } from '../lib/worker.mjs';
import { token, now, b64url } from '../lib/tokens.mjs';
import { startBetterAuth, CookieJar } from '../lib/better-auth.mjs';
import { installPacked } from '../lib/packed.mjs';
import { taskgate } from '../../pkg/dist/better-auth.js';
import { jwt } from 'better-auth/plugins';

const APP = path.join(ROOT, 'tests/next-app');
const NEXT = path.join(APP, 'node_modules/.bin/next');
const SECRET = 'next-test-secret-0123456789-abcdefghijklm';
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` };

before(() => {
  // Install the packed tarball into the fixture's node_modules.
  installPacked(APP);
});

for (const variant of ['proxy', 'middleware']) {
  describe(`${variant}.ts (${variant === 'proxy' ? 'Node' : 'Edge'} runtime)`, () => {
    let proc, base, exited, jwtAuth;
    before(async () => {
      // A Better Auth with its jwt() plugin: the app finds its JWK Set through BETTER_AUTH_URL.
      jwtAuth = await startBetterAuth({ secret: SECRET, plugins: [jwt()] });
      for (const v of ['proxy', 'middleware']) rmSync(path.join(APP, `${v}.ts`), { force: true });
      copyFileSync(path.join(APP, 'variants', `${variant}.ts`), path.join(APP, `${variant}.ts`));
      const env = { ...ENV, NEXT_DIST_DIR: `.next-${variant}` };
      execFileSync(NEXT, ['build'], { cwd: APP, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      proc = spawn(NEXT, ['start', '-p', String(port), '-H', '127.0.0.1'], {
        cwd: APP,
        env: { ...env, BETTER_AUTH_SECRET: SECRET, BETTER_AUTH_URL: jwtAuth.url },
        detached: true,
        stdio: 'ignore',
      });
      exited = new Promise((r) => proc.on('exit', r));
      for (let i = 0; i < 120; i++) {
        try {
          await fetch(`${base}/`);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      throw new Error('next start did not answer');
    });
    after(async () => {
      await jwtAuth?.close();
      if (proc && proc.exitCode === null) {
        try {
          process.kill(-proc.pid, 'SIGTERM');
        } catch {}
        await exited;
      }
      rmSync(path.join(APP, `${variant}.ts`), { force: true });
    });

    const get = (p, headers = {}) => fetch(base + p, { headers, redirect: 'manual' });
    const bearer = (t) => ({ Authorization: `Bearer ${t}` });

    it('a page without a token redirects to /login?next=<path>', async () => {
      const r = await get('/dashboard?tab=2');
      assert.equal(r.status, 307);
      const loc = new URL(r.headers.get('location'), base);
      assert.equal(loc.pathname, '/login');
      assert.equal(loc.searchParams.get('next'), '/dashboard?tab=2');
    });
    it('an API route without a token answers JSON 401 missing_token', async () => {
      const r = await get('/api/alice/tasks');
      assert.equal(r.status, 401);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="tasks"');
      assert.equal((await r.json()).code, 'missing_token');
    });
    it('a valid token passes, with the verified user id in x-user-id', async () => {
      const t = token('alice', { secret: SECRET });
      const page = await get('/dashboard', bearer(t));
      assert.equal(page.status, 200);
      assert.match(await page.text(), /dashboard of (<!-- -->)?alice/);
      const api = await get('/api/alice/tasks', bearer(t));
      assert.deepEqual(await api.json(), { path_user: 'alice', verified_user: 'alice' });
    });
    it('a client-sent x-user-id is removed before the app sees it', async () => {
      const t = token('alice', { secret: SECRET });
      const r = await get('/api/alice/tasks', { ...bearer(t), 'x-user-id': 'mallory' });
      assert.equal((await r.json()).verified_user, 'alice');
    });
    it('the token may come from the configured cookie', async () => {
      const r = await get('/api/alice/tasks', { Cookie: `session_token=${token('alice', { secret: SECRET })}` });
      assert.equal(r.status, 200);
    });
    it('an expired token: pages redirect, API answers 401 token_expired', async () => {
      const t = token('alice', { secret: SECRET, claims: { exp: now() - 5 } });
      assert.equal((await get('/dashboard', bearer(t))).status, 307);
      const r = await get('/api/alice/tasks', bearer(t));
      assert.equal(r.status, 401);
      // The body is the Worker's own (the crate renders both), detail sentence included.
      assert.deepEqual(await r.json(), {
        detail: 'The token has expired (claim "exp").',
        code: 'token_expired',
        claim: 'exp',
      });
      assert.equal(
        r.headers.get('www-authenticate'),
        'Bearer realm="tasks", error="invalid_token", error_description="token_expired"',
      );
    });
    it('a tampered token is 401 invalid_signature', async () => {
      const [h, , s] = token('alice', { secret: SECRET }).split('.');
      const r = await get(
        '/api/alice/tasks',
        bearer(`${h}.${b64url(JSON.stringify({ sub: 'alice', exp: now() + 999 }))}.${s}`),
      );
      assert.equal(r.status, 401);
      assert.equal((await r.json()).code, 'invalid_signature');
    });
    it("another user's API path answers JSON 403 forbidden", async () => {
      const r = await get('/api/bob/tasks', bearer(token('alice', { secret: SECRET })));
      assert.equal(r.status, 403);
      assert.equal((await r.json()).code, 'forbidden');
    });
    it('a user id with characters a header cannot hold arrives intact (percent-encoded)', async () => {
      const sub = ' zoë \u4e2d ';
      const r = await get(`/api/${encodeURIComponent(sub)}/tasks`, bearer(token(sub, { secret: SECRET })));
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { path_user: sub, verified_user: sub });
    });
    it("Better Auth's own routes pass without a token, and still lose a spoofed x-user-id", async () => {
      const r = await get('/api/auth/session', { 'x-user-id': 'mallory' });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { auth: 'ok', user_header: null });
    });
    it('a missing secret is 500 server_misconfigured, even for a request without a token', async () => {
      const port = await freePort();
      const env = { ...ENV, NEXT_DIST_DIR: `.next-${variant}` };
      delete env.BETTER_AUTH_SECRET;
      delete env.BETTER_AUTH_SECRETS;
      const p = spawn(NEXT, ['start', '-p', String(port), '-H', '127.0.0.1'], {
        cwd: APP,
        env,
        detached: true,
        stdio: 'ignore',
      });
      const done = new Promise((r) => p.on('exit', r));
      try {
        let r;
        for (let i = 0; i < 120 && !r; i++) {
          r = await fetch(`http://127.0.0.1:${port}/api/alice/tasks`).catch(
            () => new Promise((res) => setTimeout(res, 250)),
          );
        }
        assert.equal(r.status, 500);
        assert.equal((await r.json()).code, 'server_misconfigured');
      } finally {
        try {
          process.kill(-p.pid, 'SIGTERM');
        } catch {}
        await done;
      }
    });
    it("a real Better Auth's plugin token and session cookie cache pass; a cookie needs an allowed Origin for a change", async () => {
      const ba = await startBetterAuth({
        secret: SECRET,
        plugins: [taskgate()],
        session: { cookieCache: { enabled: true, maxAge: 300, strategy: 'jwt' } },
      });
      try {
        const up = await ba.signUp({
          email: `next-${variant}-${Date.now()}@example.com`,
          password: 'a-long-password-123',
        });
        const jar = new CookieJar(up.setCookies);
        const id = up.user.id;
        const { token: pluginToken } = await (
          await ba.fetch('/api/auth/taskgate/token', { headers: { cookie: jar.header() } })
        ).json();
        const viaToken = await get(`/api/${id}/tasks`, bearer(pluginToken));
        assert.deepEqual(await viaToken.json(), { path_user: id, verified_user: id });
        const cache = { Cookie: `better-auth.session_data=${jar.get('better-auth.session_data')}` };
        const viaCookie = await get(`/api/${id}/tasks`, cache);
        assert.deepEqual(await viaCookie.json(), { path_user: id, verified_user: id });
        assert.equal((await get('/dashboard', cache)).status, 200);
        const post = (origin) =>
          fetch(`${base}/api/${id}/tasks`, {
            method: 'POST',
            headers: { ...cache, ...(origin ? { Origin: origin } : {}) },
            redirect: 'manual',
          });
        for (const origin of [undefined, 'http://evil.example']) {
          const r = await post(origin);
          assert.deepEqual([r.status, (await r.json()).code], [403, 'origin_not_allowed'], String(origin));
        }
        const same = await post(base);
        assert.deepEqual([same.status, (await same.json()).verified_user], [200, id]);
      } finally {
        await ba.close();
      }
    });
    it("Better Auth's jwt() plugin token (EdDSA) passes, checked against its JWK Set from BETTER_AUTH_URL", async () => {
      const up = await jwtAuth.signUp({
        email: `jwt-${variant}-${Date.now()}@example.com`,
        password: 'a-long-password-123',
      });
      const cookie = new CookieJar(up.setCookies).header();
      const { token: jwtToken } = await (await jwtAuth.fetch('/api/auth/token', { headers: { cookie } })).json();
      assert.equal(JSON.parse(Buffer.from(jwtToken.split('.')[0], 'base64url')).alg, 'EdDSA');
      const r = await get(`/api/${up.user.id}/tasks`, bearer(jwtToken));
      assert.deepEqual(await r.json(), { path_user: up.user.id, verified_user: up.user.id });
      const [h, p, s] = jwtToken.split('.');
      const forged = await get(
        `/api/${up.user.id}/tasks`,
        bearer(`${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`),
      );
      assert.deepEqual([forged.status, (await forged.json()).code], [401, 'invalid_signature']);
    });
    it('public pages are not touched', async () => {
      assert.equal((await get('/')).status, 200);
      assert.equal((await get('/login')).status, 200);
    });
  });
}

// taskgate-verify/next as a user's own unit test of proxy.ts loads it: in plain Node, outside Next
// (the installed package, and Next's `next/server.js`).
describe('taskgate-verify/next outside Next', () => {
  /** @type {typeof import('../../pkg/js/next.js').createProxy} */
  let createProxy;
  let NextRequest;
  before(async () => {
    ({ createProxy } = await import(path.join(APP, 'node_modules/taskgate-verify/dist/next.js')));
    ({ NextRequest } = await import(path.join(APP, 'node_modules/next/server.js')));
  });
  const userOf = (res) => res.headers.get('x-middleware-request-x-user-id');

  it('loads in plain Node and answers like in Next: a bearer passes, a page without one redirects', async () => {
    const proxy = createProxy({ keys: SECRET });
    const ok = await proxy(
      new NextRequest('http://app.test/api/u1/tasks', {
        headers: { authorization: `Bearer ${token('u1', { secret: SECRET })}` },
      }),
    );
    assert.equal(userOf(ok), 'u1');
    const page = await proxy(new NextRequest('http://app.test/dashboard'));
    assert.equal(page.status, 307);
    assert.equal(new URL(page.headers.get('location')).pathname, '/login');
  });

  it('a missing secret: a generic 500, and one log line naming the variable, never a value', async () => {
    const saved = { ...process.env };
    const lines = [];
    const error = console.error;
    console.error = (...args) => lines.push(args.join(' '));
    try {
      for (const name of ['BETTER_AUTH_SECRET', 'BETTER_AUTH_SECRETS', 'JWKS', 'JWKS_URL', 'BETTER_AUTH_URL']) {
        delete process.env[name];
      }
      const proxy = createProxy();
      for (let i = 0; i < 2; i++) {
        const r = await proxy(new NextRequest('http://app.test/api/u1/tasks'));
        assert.equal(r.status, 500);
        const body = await r.json();
        assert.equal(body.code, 'server_misconfigured');
        assert.ok(!JSON.stringify(body).includes('BETTER_AUTH'), 'the response names nothing');
      }
      assert.equal(lines.length, 1, lines.join('\n'));
      const line = JSON.parse(lines[0]);
      assert.equal(line.code, 'server_misconfigured');
      assert.match(line.detail, /^BETTER_AUTH_SECRET is not set/);
      process.env.BETTER_AUTH_SECRET = 'too-short-secret-value';
      lines.length = 0;
      await createProxy()(new NextRequest('http://app.test/api/u1/tasks'));
      assert.match(JSON.parse(lines[0]).detail, /^BETTER_AUTH_SECRET holds a key shorter than 32 bytes$/);
      assert.ok(!lines[0].includes('too-short-secret-value'));
      // A deployment that checks only jwt() tokens needs no secret (contract 3.2): its keys are
      // BETTER_AUTH_URL's JWKS, and a request without a token is a plain 401.
      delete process.env.BETTER_AUTH_SECRET;
      process.env.BETTER_AUTH_URL = 'https://app.example';
      lines.length = 0;
      const r = await createProxy()(new NextRequest('http://app.test/api/u1/tasks'));
      assert.equal(r.status, 401);
      assert.equal((await r.json()).code, 'missing_token');
      assert.deepEqual(lines, []);
    } finally {
      console.error = error;
      process.env = saved;
    }
  });

  it("a lapsed cookie cache is renewed through Better Auth's own get-session, once; a gone session redirects", async () => {
    const ba = await startBetterAuth({ secret: SECRET, session: { cookieCache: { enabled: true, maxAge: 300 } } });
    try {
      const up = await ba.signUp({ email: `renew-${Date.now()}@example.com`, password: 'a-long-password-123' });
      const jar = new CookieJar(up.setCookies);
      // The cache lapsed: only Better Auth's session cookie is left.
      const sessionOnly = `better-auth.session_token=${jar.get('better-auth.session_token')}`;
      const proxy = createProxy({ keys: SECRET, sessionCache: 'compact' });
      const before = ba.requests.length;
      const res = await proxy(new NextRequest(`${ba.url}/tasks`, { headers: { cookie: sessionOnly } }));
      assert.equal(res.status, 200);
      assert.equal(userOf(res), up.user.id);
      const calls = ba.requests.slice(before).map((r) => r.path);
      assert.deepEqual(calls, ['/api/auth/get-session'], 'one Better Auth call');
      const fresh = res.headers.getSetCookie().find((l) => l.startsWith('better-auth.session_data='));
      assert.ok(fresh, 'the fresh cache goes to the browser');
      // With the fresh cache the next request needs no call.
      const cookie = `${sessionOnly}; ${fresh.split(';')[0]}`;
      const again = await proxy(new NextRequest(`${ba.url}/tasks`, { headers: { cookie } }));
      assert.equal(userOf(again), up.user.id);
      assert.equal(ba.requests.length, before + 1);
      // Signed out: Better Auth has no session to renew, so the page redirects to the login.
      await ba.fetch('/api/auth/sign-out', { method: 'POST', headers: { cookie: jar.header() } });
      const gone = await proxy(new NextRequest(`${ba.url}/tasks`, { headers: { cookie: sessionOnly } }));
      assert.equal(gone.status, 307);
      // Better Auth's deletion of the dead session's cookie goes to the browser with the redirect,
      // so its next request carries no session cookie and costs no Better Auth call.
      const deleted = gone.headers.getSetCookie().find((l) => l.startsWith('better-auth.session_token='));
      assert.match(deleted ?? '', /^better-auth\.session_token=;.*Max-Age=0/i, gone.headers.getSetCookie().join('\n'));
      const asked = ba.requests.length;
      const after = await proxy(new NextRequest(`${ba.url}/tasks`, { headers: { cookie: 'theme=dark' } }));
      assert.equal(after.status, 307);
      assert.equal(ba.requests.length, asked, 'no call without a session cookie');
      // On an API path too: the 401 carries the deletion.
      const api = await proxy(
        new NextRequest(`${ba.url}/api/${up.user.id}/tasks`, { headers: { cookie: sessionOnly } }),
      );
      assert.equal(api.status, 401);
      assert.ok(api.headers.getSetCookie().some((l) => l.startsWith('better-auth.session_token=;')));
      // A bad cache (not a lapsed one) is not renewed: 401 at once on an API path.
      const bad = await proxy(
        new NextRequest(`${ba.url}/api/${up.user.id}/tasks`, {
          headers: { cookie: `${sessionOnly}; better-auth.session_data=x` },
        }),
      );
      assert.equal(bad.status, 401);
    } finally {
      await ba.close();
    }
  });
});
