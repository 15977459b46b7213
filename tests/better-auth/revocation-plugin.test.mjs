// Ending sessions (docs/revocation.md), the Better Auth side: the plugin's `revocation` option in a
// real Better Auth (npm better-auth 1.7.25, SQLite through node:sqlite, served over HTTP). Every
// way Better Auth 1.7.25 ends a session records the right entry in the plugin table before the
// response goes out and sends it to a stand-in for the Worker's POST /revocations (a tiny local
// HTTP server that records what it gets); what was not acknowledged is resent, survives a restart
// of Better Auth, and reaches a receiver that comes back within 5 s; nothing is sent when
// revocation is off.
//
// The receiver is the only stand-in: `startReceiver()` returns `{ url, requests, entriesFor(sub),
// answer(status | 'hang'), down(), up(), close() }`. The end-to-end test against the real Worker
// (`wrangler dev`, tests/lib/worker.mjs) replaces it with the Worker's own /revocations and checks
// the API's answers instead of the recorded bodies.
//
// Needs pkg/dist (bash scripts/build-pkg.sh).
// Over 400 lines: a case per way Better Auth 1.7.25 ends a session, and per delivery fault.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BetterAuthError } from 'better-auth';
import { admin, jwt } from 'better-auth/plugins';
import { taskgate } from '../../pkg/dist/better-auth.js';
import { createVerifier, inspect } from '../../pkg/dist/node.js';
import { startBetterAuth } from '../lib/better-auth.mjs';

const SECRET = 'revocation-plugin-test-secret-0123456789abcdef';
const PASSWORD = 'correct-horse-battery';
const NEW_PASSWORD = 'another-horse-battery';
const MODEL = 'taskgateRevocation';

for (const name of [
  'BETTER_AUTH_SECRET',
  'BETTER_AUTH_SECRETS',
  'AUTH_SECRET',
  'BETTER_AUTH_URL',
  'TASKGATE_REVOCATION_URL',
]) {
  delete process.env[name];
}

let n = 0;
const newUser = () => ({ email: `rev-${process.pid}-${++n}@example.com`, password: PASSWORD, name: `User ${n}` });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowS = () => Math.floor(Date.now() / 1000);
const json = { 'content-type': 'application/json' };

/** Polls `check` until it returns a truthy value or `ms` pass; returns it (or throws). */
async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * A stand-in for the Worker's POST /revocations on 127.0.0.1: records every request (`{ at,
 * authorization, body }`) and answers `status` (default 204), or never ('hang'). `down()` stops
 * listening (connection refused), `up()` listens again on the same port.
 */
async function startReceiver() {
  const requests = [];
  let status = 204;
  const hung = new Set();
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({
        at: Date.now(),
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        body,
      });
      if (status === 'hang') {
        hung.add(res);
        return;
      }
      res.statusCode = status;
      if (status === 429) res.setHeader('retry-after', '1');
      if (status >= 400) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: { code: status === 401 ? 'invalid_signature' : 'unavailable' } }));
      } else res.end();
    });
  });
  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address();
  const close = async () => {
    for (const res of hung) res.destroy();
    hung.clear();
    server.closeAllConnections?.();
    if (server.listening) await new Promise((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}/revocations`,
    requests,
    /** Every session and user entry received for `sub`. */
    entriesFor: (sub) => ({
      sessions: requests.flatMap((r) => r.body?.sessions ?? []).filter((e) => e.sub === sub),
      users: requests.flatMap((r) => r.body?.users ?? []).filter((e) => e.sub === sub),
    }),
    answer: (s) => {
      status = s;
    },
    down: close,
    up: () => listen(port),
    close,
  };
}

/** Checks a revocation token as the Worker does: HS256 over `secret`, typ, aud, exp = iat + 60. */
function checkRevocationToken(authorization, secret, { kid, at = Date.now() } = {}) {
  assert.match(authorization ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const token = authorization.slice(7);
  const { header, payload } = inspect(token);
  assert.equal(header.alg, 'HS256');
  assert.equal(header.typ, 'taskgate-revocation+jwt');
  assert.equal(header.kid, kid);
  assert.equal(payload.aud, 'taskgate:revocations');
  assert.equal(payload.exp - payload.iat, 60);
  assert.ok(Math.abs(payload.iat - at / 1000) <= 2, `iat ${payload.iat}, sent at ${at / 1000}`);
  assert.equal(payload.sub, undefined);
  const [h, p, s] = token.split('.');
  const mac = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  assert.ok(timingSafeEqual(mac, Buffer.from(s, 'base64url')), 'signature');
  // The package's own check, once it has one.
  const verifier = createVerifier(secret);
  if (typeof verifier.verifyRevocation === 'function') verifier.verifyRevocation(token);
}

/** Better Auth with the plugin sending to `url`; `extra` goes to betterAuth(). */
function startAuth({ url, plugin = {}, plugins = [], database, secret = SECRET, secrets, extra = {}, session } = {}) {
  return startBetterAuth({
    secret: secrets ? undefined : secret,
    secrets,
    session,
    plugins: [taskgate({ ...(url ? { revocation: { url } } : {}), ...plugin }), ...plugins],
    extra: { ...(database ? { database } : {}), ...extra },
  });
}

/** The plugin table's rows (optionally of one user). */
async function rows(ba, sub) {
  const db = (await ba.auth.$context).adapter;
  const all = await db.findMany({ model: MODEL });
  return sub === undefined ? all : all.filter((r) => r.sub === sub);
}

/** The user's sessions: [{ id, token }]. */
async function sessionsOf(ba, userId) {
  const db = (await ba.auth.$context).adapter;
  return db.findMany({ model: 'session', where: [{ field: 'userId', value: userId }] });
}

/** POST a Better Auth route with the cookies, JSON body; returns the Response (asserted 2xx/3xx unless `ok: false`). */
async function post(ba, route, { cookies, body = {}, ok = true } = {}) {
  const res = await ba.fetch(`/api/auth${route}`, {
    method: 'POST',
    headers: { ...json, ...(cookies ? { cookie: cookies } : {}) },
    body: JSON.stringify(body),
  });
  if (ok) assert.ok(res.status < 400, `${route} answered ${res.status}: ${await res.clone().text()}`);
  return res;
}

/** Signs a user up and in twice more: three sessions. */
async function userWithSessions(ba, count = 2) {
  const u = newUser();
  const first = await ba.signUp(u);
  const logins = [first];
  for (let i = 1; i < count; i += 1) logins.push(await ba.signIn(u));
  const sessions = await sessionsOf(ba, first.user.id);
  assert.equal(sessions.length, count);
  return { ...u, id: first.user.id, logins, sessions };
}

/** The session id behind a login's cookies. */
async function sessionIdOf(ba, cookies) {
  const s = await ba.auth.api.getSession({ headers: new Headers({ cookie: cookies }) });
  return s.session.id;
}

/** Makes a user an admin (the admin plugin's role). */
async function makeAdmin(ba, userId) {
  await (await ba.auth.$context).internalAdapter.updateUser(userId, { role: 'admin' });
}

const sorted = (xs) => [...xs].sort();

/**
 * Asserts what reached the receiver for `user` by the time the response came back: the sessions
 * `sids` (each with `sub` and an `until` in range) and, when `userWide`, one user entry (or two, one second apart) with
 * `before` in [t0 + 1, t1 + 1].
 */
function assertEntries(receiver, user, { sids, userWide, t0, t1 }) {
  const got = receiver.entriesFor(user.id);
  assert.deepEqual(sorted(got.sessions.map((e) => e.sid)), sorted(sids), 'session entries');
  for (const e of got.sessions) {
    assert.deepEqual(Object.keys(e).sort(), ['sid', 'sub', 'until']);
    assert.ok(e.until > t1 && e.until <= t1 + 900, `until ${e.until}`);
  }
  if (userWide) {
    // One entry; two when a route ends the sessions twice across a second boundary (remove-user).
    assert.ok(got.users.length >= 1 && got.users.length <= 2, `user entries: ${JSON.stringify(got.users)}`);
    assert.equal(new Set(got.users.map((e) => e.before)).size, got.users.length, 'no entry twice');
    for (const e of got.users) {
      assert.deepEqual(Object.keys(e).sort(), ['before', 'sub', 'until']);
      assert.ok(e.before >= t0 + 1 && e.before <= t1 + 1, `before ${e.before} not in [${t0 + 1}, ${t1 + 1}]`);
      assert.equal(e.until, e.before + 900);
    }
  } else {
    assert.deepEqual(got.users, [], 'no user entry');
  }
}

describe('every way Better Auth ends a session (database sessions)', () => {
  let receiver;
  let ba;
  const mail = { reset: new Map(), deletion: new Map() };
  before(async () => {
    receiver = await startReceiver();
    ba = await startAuth({
      url: receiver.url,
      plugins: [admin()],
      extra: {
        emailAndPassword: {
          enabled: true,
          revokeSessionsOnPasswordReset: true,
          sendResetPassword: async ({ user, token }) => {
            mail.reset.set(user.email, token);
          },
        },
        user: {
          deleteUser: {
            enabled: true,
            sendDeleteAccountVerification: async ({ user, token }) => {
              mail.deletion.set(user.email, token);
            },
          },
        },
      },
    });
  });
  after(async () => {
    await ba?.close();
    await receiver?.close();
  });

  /** Runs `act`, then checks the entries that had reached the receiver when it returned. */
  async function ends(user, act, expected) {
    const t0 = nowS();
    await act();
    const t1 = nowS();
    assertEntries(receiver, user, { ...expected, t0, t1 });
    // Recorded, then acknowledged, in the plugin table.
    const mine = await rows(ba, user.id);
    assert.ok(mine.length > 0 && mine.every((r) => r.state === 'acked' && r.attempts === 1), JSON.stringify(mine));
  }

  it('sign-out: that session', async () => {
    const u = await userWithSessions(ba);
    const sid = await sessionIdOf(ba, u.logins[0].cookies);
    await ends(u, () => post(ba, '/sign-out', { cookies: u.logins[0].cookies }), { sids: [sid] });
  });

  it('revoke-session: that session', async () => {
    const u = await userWithSessions(ba);
    const other = u.sessions.find((s) => s.token !== undefined && s.id !== u.sessions[0].id) ?? u.sessions[1];
    const current = await sessionIdOf(ba, u.logins[0].cookies);
    const target = u.sessions.find((s) => s.id !== current);
    assert.ok(other);
    await ends(u, () => post(ba, '/revoke-session', { cookies: u.logins[0].cookies, body: { token: target.token } }), {
      sids: [target.id],
    });
  });

  it("revoke-session of another user's session: nothing ends, nothing is sent", async () => {
    const u = await userWithSessions(ba, 1);
    const victim = await userWithSessions(ba, 1);
    await post(ba, '/revoke-session', { cookies: u.logins[0].cookies, body: { token: victim.sessions[0].token } });
    assert.deepEqual(receiver.entriesFor(victim.id), { sessions: [], users: [] });
    assert.equal((await sessionsOf(ba, victim.id)).length, 1);
  });

  it('revoke-sessions: every session of the user, and the user', async () => {
    const u = await userWithSessions(ba, 3);
    await ends(u, () => post(ba, '/revoke-sessions', { cookies: u.logins[0].cookies }), {
      sids: u.sessions.map((s) => s.id),
      userWide: true,
    });
  });

  it('revoke-other-sessions: each other session, not the current one, no user entry', async () => {
    const u = await userWithSessions(ba, 3);
    const current = await sessionIdOf(ba, u.logins[0].cookies);
    const others = u.sessions.map((s) => s.id).filter((id) => id !== current);
    await ends(u, () => post(ba, '/revoke-other-sessions', { cookies: u.logins[0].cookies }), { sids: others });
  });

  it("change-password with revokeOtherSessions: every session and the user; the new session's tokens are not born revoked", async () => {
    const u = await userWithSessions(ba, 2);
    let res;
    await ends(
      u,
      async () => {
        res = await post(ba, '/change-password', {
          cookies: u.logins[0].cookies,
          body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, revokeOtherSessions: true },
        });
      },
      { sids: u.sessions.map((s) => s.id), userWide: true },
    );
    // The new session (same second): its TaskGate token has iat >= the user entry's before.
    const [entry] = receiver.entriesFor(u.id).users;
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const t = await ba.fetch('/api/auth/taskgate/token', { headers: { cookie } });
    assert.equal(t.status, 200);
    const { token } = await t.json();
    const claims = createVerifier(SECRET).verify(token).claims;
    assert.ok(claims.iat >= entry.before, `iat ${claims.iat} < before ${entry.before}`);
    assert.ok(!u.sessions.some((s) => s.id === claims.sid));
  });

  it('change-password without revokeOtherSessions ends nothing', async () => {
    const u = await userWithSessions(ba, 2);
    await post(ba, '/change-password', {
      cookies: u.logins[0].cookies,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    assert.deepEqual(receiver.entriesFor(u.id), { sessions: [], users: [] });
    assert.deepEqual(await rows(ba, u.id), []);
  });

  it('reset-password (revokeSessionsOnPasswordReset): every session and the user', async () => {
    const u = await userWithSessions(ba, 2);
    await post(ba, '/request-password-reset', { body: { email: u.email, redirectTo: '/reset' } });
    const token = await waitFor(() => mail.reset.get(u.email), 2000, 'the reset mail');
    await ends(u, () => post(ba, '/reset-password', { body: { token, newPassword: NEW_PASSWORD } }), {
      sids: u.sessions.map((s) => s.id),
      userWide: true,
    });
  });

  it('delete-user, confirmed through its callback: every session and the user', async () => {
    const u = await userWithSessions(ba, 2);
    await post(ba, '/delete-user', { cookies: u.logins[0].cookies, body: { password: PASSWORD } });
    const token = await waitFor(() => mail.deletion.get(u.email), 2000, 'the deletion mail');
    assert.deepEqual(receiver.entriesFor(u.id), { sessions: [], users: [] }); // nothing yet
    await ends(
      u,
      async () => {
        const res = await ba.fetch(`/api/auth/delete-user/callback?token=${token}`, {
          headers: { cookie: u.logins[0].cookies },
        });
        assert.equal(res.status, 200, await res.clone().text());
      },
      { sids: u.sessions.map((s) => s.id), userWide: true },
    );
  });

  it('delete-user with the token: every session and the user', async () => {
    const u = await userWithSessions(ba, 2);
    await post(ba, '/delete-user', { cookies: u.logins[0].cookies, body: { password: PASSWORD } });
    const token = await waitFor(() => mail.deletion.get(u.email), 2000, 'the deletion mail');
    await ends(u, () => post(ba, '/delete-user', { cookies: u.logins[0].cookies, body: { token } }), {
      sids: u.sessions.map((s) => s.id),
      userWide: true,
    });
  });

  describe('admin', () => {
    let root;
    before(async () => {
      root = await userWithSessions(ba, 1);
      await makeAdmin(ba, root.id);
    });
    const asAdmin = (route, body) => post(ba, route, { cookies: root.logins[0].cookies, body });

    it('admin/revoke-user-session: that session', async () => {
      const u = await userWithSessions(ba, 2);
      await ends(u, () => asAdmin('/admin/revoke-user-session', { sessionToken: u.sessions[1].token }), {
        sids: [u.sessions[1].id],
      });
    });

    it('admin/revoke-user-sessions: every session and the user', async () => {
      const u = await userWithSessions(ba, 2);
      await ends(u, () => asAdmin('/admin/revoke-user-sessions', { userId: u.id }), {
        sids: u.sessions.map((s) => s.id),
        userWide: true,
      });
    });

    it('admin/ban-user: every session and the user', async () => {
      const u = await userWithSessions(ba, 2);
      await ends(u, () => asAdmin('/admin/ban-user', { userId: u.id }), {
        sids: u.sessions.map((s) => s.id),
        userWide: true,
      });
    });

    it('admin/remove-user: every session and the user (not twice, although it ends them twice)', async () => {
      const u = await userWithSessions(ba, 2);
      await ends(u, () => asAdmin('/admin/remove-user', { userId: u.id }), {
        sids: u.sessions.map((s) => s.id),
        userWide: true,
      });
    });

    it('admin/ban-user of a user with no session: the user entry still covers their jwt() tokens', async () => {
      const u = await userWithSessions(ba, 1);
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      await ends(u, () => asAdmin('/admin/ban-user', { userId: u.id }), { sids: [u.sessions[0].id], userWide: true });
    });
  });

  it('server-side calls (auth.api) are caught the same way', async () => {
    const u = await userWithSessions(ba, 2);
    const t0 = nowS();
    await ba.auth.api.revokeSessions({ headers: new Headers({ cookie: u.logins[1].cookies }) });
    assertEntries(receiver, u, { sids: u.sessions.map((s) => s.id), userWide: true, t0, t1: nowS() });
  });

  it('the internal adapter used directly (no endpoint): recorded, and sent by the timer', async () => {
    const u = await userWithSessions(ba, 1);
    const ctx = await ba.auth.$context;
    await ctx.internalAdapter.deleteSession(u.sessions[0].token);
    assert.equal((await rows(ba, u.id)).length, 1);
    await waitFor(() => receiver.entriesFor(u.id).sessions.length === 1, 2000, "the timer's send");
  });

  it('the revocation token: HS256 with the current secret, typ taskgate-revocation+jwt, aud taskgate:revocations, one minute', () => {
    assert.ok(receiver.requests.length > 0);
    for (const r of receiver.requests) {
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/revocations');
      checkRevocationToken(r.authorization, SECRET, { at: r.at });
    }
  });
});

describe('sessions in secondaryStorage only (no database hook fires)', () => {
  let receiver;
  let ba;
  const store = new Map();
  before(async () => {
    receiver = await startReceiver();
    ba = await startAuth({
      url: receiver.url,
      plugins: [admin()],
      extra: {
        secondaryStorage: {
          get: (key) => store.get(key) ?? null,
          set: (key, value) => {
            store.set(key, value);
          },
          delete: (key) => {
            store.delete(key);
          },
        },
      },
    });
  });
  after(async () => {
    await ba?.close();
    await receiver?.close();
  });

  /** The user's sessions, as Better Auth lists them from secondary storage. */
  const listed = async (cookies) => ba.auth.api.listSessions({ headers: new Headers({ cookie: cookies }) });

  it('keeps sessions out of the database (the premise)', async () => {
    const u = newUser();
    const { user } = await ba.signUp(u);
    await assert.rejects(sessionsOf(ba, user.id), /Model "session" not found/);
    assert.ok([...store.values()].some((v) => v.includes(user.id)));
  });

  it('sign-out, revoke-session, revoke-other-sessions: those sessions', async () => {
    const u = newUser();
    const { user, cookies: c1 } = await ba.signUp(u);
    const { cookies: c2 } = await ba.signIn(u);
    const { cookies: c3 } = await ba.signIn(u);
    const { cookies: c4 } = await ba.signIn(u);
    const all = await listed(c1);
    assert.equal(all.length, 4);
    const id = (c) => sessionIdOf(ba, c);
    const [s1, s2, s3, s4] = [await id(c1), await id(c2), await id(c3), await id(c4)];

    await post(ba, '/sign-out', { cookies: c4 });
    assert.deepEqual(
      receiver.entriesFor(user.id).sessions.map((e) => e.sid),
      [s4],
    );

    await post(ba, '/revoke-session', { cookies: c1, body: { token: all.find((s) => s.id === s3).token } });
    assert.deepEqual(sorted(receiver.entriesFor(user.id).sessions.map((e) => e.sid)), sorted([s4, s3]));

    await post(ba, '/revoke-other-sessions', { cookies: c1 });
    assert.deepEqual(sorted(receiver.entriesFor(user.id).sessions.map((e) => e.sid)), sorted([s4, s3, s2]));
    assert.deepEqual(receiver.entriesFor(user.id).users, []);
    assert.deepEqual(
      (await listed(c1)).map((s) => s.id),
      [s1],
    );
  });

  it('revoke-sessions and admin/ban-user: every session and the user', async () => {
    const root = newUser();
    const { user: rootUser, cookies: rootCookies } = await ba.signUp(root);
    await makeAdmin(ba, rootUser.id);
    for (const [route, by] of [
      ['/revoke-sessions', 'self'],
      ['/admin/ban-user', 'admin'],
    ]) {
      const u = newUser();
      const { user, cookies } = await ba.signUp(u);
      await ba.signIn(u);
      const sids = (await listed(cookies)).map((s) => s.id);
      assert.equal(sids.length, 2);
      const t0 = nowS();
      if (by === 'self') await post(ba, route, { cookies });
      else await post(ba, route, { cookies: rootCookies, body: { userId: user.id } });
      assertEntries(receiver, { id: user.id }, { sids, userWide: true, t0, t1: nowS() });
    }
  });
});

describe('delivery', () => {
  it('a receiver that is down: the sign-out answers at once, and the entry arrives within 5 s of it coming back', async () => {
    const receiver = await startReceiver();
    const ba = await startAuth({ url: receiver.url });
    try {
      await receiver.down();
      const u = await userWithSessions(ba, 1);
      const t = Date.now();
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      assert.ok(Date.now() - t < 1000, `sign-out took ${Date.now() - t} ms`);
      const [row] = await rows(ba, u.id);
      assert.equal(row.state, 'pending');
      assert.equal(row.attempts, 1);
      await sleep(4000); // a few failed retries
      assert.ok((await rows(ba, u.id))[0].attempts >= 3, 'retried while down');
      await receiver.up();
      const back = Date.now();
      await waitFor(() => receiver.entriesFor(u.id).sessions.length === 1, 5000, 'the resend');
      assert.ok(Date.now() - back <= 5000);
      await waitFor(async () => (await rows(ba, u.id))[0].state === 'acked', 1000, 'acked');
    } finally {
      await ba.close();
      await receiver.close();
    }
  });

  it('a receiver that never answers delays the sign-out by at most the timeout (1 s)', async () => {
    const receiver = await startReceiver();
    const ba = await startAuth({ url: receiver.url });
    try {
      receiver.answer('hang');
      const u = await userWithSessions(ba, 1);
      const t = Date.now();
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      const took = Date.now() - t;
      assert.ok(took >= 900 && took < 1600, `sign-out took ${took} ms`);
      assert.equal(receiver.requests.length, 1);
      // The retry (1 s later) hangs too; a sign-out meanwhile still waits at most about the timeout.
      await waitFor(() => receiver.requests.length === 2, 3000, 'the first retry');
      const v = await userWithSessions(ba, 1);
      const t2 = Date.now();
      await post(ba, '/sign-out', { cookies: v.logins[0].cookies });
      const took2 = Date.now() - t2;
      assert.ok(took2 < 1700, `sign-out during a hung retry took ${took2} ms`);
      receiver.answer(204);
      await waitFor(
        () => receiver.entriesFor(u.id).sessions.length >= 3 && receiver.entriesFor(v.id).sessions.length >= 2,
        6000,
        'the resend',
      );
    } finally {
      await ba.close();
      await receiver.close();
    }
  });

  it('503 and 429 are retried; 401 is given up at once and not sent again', async () => {
    const receiver = await startReceiver();
    const ba = await startAuth({ url: receiver.url });
    try {
      for (const status of [503, 429]) {
        receiver.answer(status);
        const u = await userWithSessions(ba, 1);
        await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
        await waitFor(() => receiver.entriesFor(u.id).sessions.length >= 2, 4000, `a retry after ${status}`);
        receiver.answer(204);
        await waitFor(async () => (await rows(ba, u.id))[0].state === 'acked', 5000, 'acked');
      }
      receiver.answer(401);
      const u = await userWithSessions(ba, 1);
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      await sleep(3500);
      assert.equal(receiver.entriesFor(u.id).sessions.length, 1, 'sent once');
      const [row] = await rows(ba, u.id);
      assert.equal(row.state, 'refused');
    } finally {
      await ba.close();
      await receiver.close();
    }
  });

  it('entries survive a restart of Better Auth (same database) and reach the receiver when it is back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taskgate-revocation-restart-'));
    const file = path.join(dir, 'auth.sqlite');
    const receiver = await startReceiver();
    await receiver.down();
    let db = new DatabaseSync(file);
    let ba = await startAuth({ url: receiver.url, database: db });
    try {
      const u = await userWithSessions(ba, 2);
      await post(ba, '/revoke-sessions', { cookies: u.logins[0].cookies });
      assert.equal((await rows(ba, u.id)).filter((r) => r.state === 'pending').length, 3);
      await ba.close();
      db.close(); // the first instance is gone: only the table remembers

      await receiver.up();
      const back = Date.now();
      db = new DatabaseSync(file);
      ba = await startAuth({ url: receiver.url, database: db });
      const got = await waitFor(
        () => {
          const e = receiver.entriesFor(u.id);
          return e.users.length === 1 && e.sessions.length === 2 && e;
        },
        5000,
        'the entries after the restart',
      );
      assert.ok(Date.now() - back <= 5000);
      assert.deepEqual(sorted(got.sessions.map((e) => e.sid)), sorted(u.sessions.map((s) => s.id)));
      await waitFor(async () => (await rows(ba, u.id)).every((r) => r.state === 'acked'), 1000, 'acked');
    } finally {
      await ba.close();
      try {
        db.close();
      } catch {
        /* closed */
      }
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an entry is forgotten once every token it covers has expired (until), sent or not', async () => {
    const receiver = await startReceiver();
    await receiver.down();
    const ba = await startAuth({ url: receiver.url, plugin: { expiresIn: 2 } });
    try {
      const u = await userWithSessions(ba, 1);
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      const [row] = await rows(ba, u.id);
      assert.ok(row.until <= nowS() + 2);
      await waitFor(async () => (await rows(ba, u.id)).length === 0, 5000, 'the row to be purged');
      await receiver.up();
      await sleep(1500);
      assert.deepEqual(receiver.entriesFor(u.id), { sessions: [], users: [] });
    } finally {
      await ba.close();
      await receiver.close();
    }
  });

  it('with a secret ring, the token is signed with the current key and names it (kid)', async () => {
    const receiver = await startReceiver();
    const NEW = 'ring-new-secret-0123456789-abcdefghijklmnopq';
    const OLD = 'ring-old-secret-0123456789-abcdefghijklmnopq';
    const ba = await startAuth({
      url: receiver.url,
      secrets: [
        { version: 2, value: NEW },
        { version: 1, value: OLD },
      ],
    });
    try {
      const u = await userWithSessions(ba, 1);
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      assert.equal(receiver.requests.length, 1);
      checkRevocationToken(receiver.requests[0].authorization, NEW, { kid: '2' });
    } finally {
      await ba.close();
      await receiver.close();
    }
  });
});

describe('until: every token the entry could touch has expired', () => {
  it("a session entry: now + expiresIn, never past the session's expiry; the cookie cache's maxAge when longer", async () => {
    const receiver = await startReceiver();
    const configs = [
      { plugin: { expiresIn: 120 }, expect: (t) => t + 120 },
      { plugin: { expiresIn: 120 }, session: { cookieCache: { enabled: true, maxAge: 600 } }, expect: (t) => t + 600 },
      { plugin: { expiresIn: 900 }, session: { expiresIn: 60, updateAge: 60 }, expect: (_t, ends) => ends },
      {
        // Tokens can still be minted from the cookie cache for maxAge after the end, and live expiresIn.
        plugin: { expiresIn: 120, authoritativeSession: false },
        session: { cookieCache: { enabled: true, maxAge: 600 } },
        expect: (t) => t + 720,
      },
    ];
    try {
      for (const { plugin, session, expect } of configs) {
        const ba = await startAuth({ url: receiver.url, plugin, session });
        try {
          const u = await userWithSessions(ba, 1);
          const ends = Math.ceil(new Date(u.sessions[0].expiresAt).getTime() / 1000);
          const t = nowS();
          await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
          const [e] = receiver.entriesFor(u.id).sessions;
          assert.ok(
            Math.abs(e.until - expect(t, ends)) <= 1,
            `${JSON.stringify({ plugin, session })}: until ${e.until}, expected ${expect(t, ends)}`,
          );
        } finally {
          await ba.close();
        }
      }
    } finally {
      await receiver.close();
    }
  });

  it('a user entry also covers jwt() plugin tokens: its expirationTime when longer', async () => {
    const receiver = await startReceiver();
    const ba = await startAuth({
      url: receiver.url,
      plugin: { expiresIn: 300 },
      plugins: [jwt({ jwt: { expirationTime: '1h' } })],
    });
    try {
      const u = await userWithSessions(ba, 1);
      await post(ba, '/revoke-sessions', { cookies: u.logins[0].cookies });
      const [e] = receiver.entriesFor(u.id).users;
      assert.equal(e.until, e.before + 3600);
      assert.ok(receiver.entriesFor(u.id).sessions[0].until <= nowS() + 300);
    } finally {
      await ba.close();
      await receiver.close();
    }
  });
});

describe('revocation off', () => {
  /** Better Auth whose logger lines are kept. */
  const withLog = async (plugin) => {
    const lines = [];
    const ba = await startAuth({
      plugin,
      extra: { logger: { level: 'warn', log: (level, message) => lines.push({ level, message }) } },
    });
    return { ba, lines };
  };

  it('sends nothing and records nothing; warns once at start-up when expiresIn > 300', async () => {
    const receiver = await startReceiver();
    const { ba, lines } = await withLog({});
    try {
      const warnings = lines.filter((l) => l.message.startsWith('taskgate:'));
      assert.equal(warnings.length, 1, JSON.stringify(lines));
      assert.equal(warnings[0].level, 'warn');
      assert.match(warnings[0].message, /revocation is off.*TASKGATE_REVOCATION_URL.*900 s/);
      const u = await userWithSessions(ba, 2);
      await post(ba, '/sign-out', { cookies: u.logins[0].cookies });
      await post(ba, '/revoke-sessions', { cookies: u.logins[1].cookies });
      await sleep(300);
      assert.equal(receiver.requests.length, 0);
      assert.deepEqual(await rows(ba), []);
      assert.equal(lines.filter((l) => l.message.startsWith('taskgate:')).length, 1, 'no more warnings');
    } finally {
      await ba.close();
      await receiver.close();
    }
  });

  it('no warning with expiresIn <= 300, nor with revocation on', async () => {
    const receiver = await startReceiver();
    for (const plugin of [{ expiresIn: 300 }, { revocation: { url: receiver.url } }]) {
      const { ba, lines } = await withLog(plugin);
      await ba.close();
      assert.deepEqual(
        lines.filter((l) => l.message.startsWith('taskgate:')),
        [],
        JSON.stringify(plugin),
      );
    }
    await receiver.close();
  });

  it('TASKGATE_REVOCATION_URL turns it on; revocation: false turns it off whatever the environment says', async () => {
    const receiver = await startReceiver();
    process.env.TASKGATE_REVOCATION_URL = receiver.url;
    try {
      const on = await startAuth({});
      const off = await startAuth({ plugin: { revocation: false } });
      try {
        const a = await userWithSessions(on, 1);
        await post(on, '/sign-out', { cookies: a.logins[0].cookies });
        assert.equal(receiver.entriesFor(a.id).sessions.length, 1);
        const b = await userWithSessions(off, 1);
        await post(off, '/sign-out', { cookies: b.logins[0].cookies });
        assert.deepEqual(receiver.entriesFor(b.id).sessions, []);
        assert.deepEqual(await rows(off), []);
      } finally {
        await on.close();
        await off.close();
      }
    } finally {
      delete process.env.TASKGATE_REVOCATION_URL;
      await receiver.close();
    }
  });

  it('refuses a URL that would send the token in the clear, or is not one', () => {
    for (const url of [
      'http://tasks.example.com/revocations',
      'ftp://127.0.0.1/x',
      'not a url',
      'https://user:pw@tasks.example.com/revocations',
      42,
    ]) {
      assert.throws(
        () => taskgate({ revocation: { url } }),
        (e) => e instanceof BetterAuthError && /revocation\.url/.test(e.message),
        String(url),
      );
    }
    assert.throws(
      () => taskgate({ revocation: { url: 'https://x.example/revocations', timeout: 50 } }),
      BetterAuthError,
    );
    assert.throws(
      () => taskgate({ revocation: { url: 'https://x.example/revocations', retries: 3 } }),
      BetterAuthError,
    );
    assert.throws(() => taskgate({ revocation: 'https://x.example/revocations' }), BetterAuthError);
    for (const url of [
      'https://tasks.example.com/revocations',
      'http://localhost:8787/revocations',
      'http://127.0.0.1:8787/revocations',
      'http://[::1]:8787/revocations',
    ]) {
      taskgate({ revocation: { url } });
    }
  });
});
