// Ending sessions end to end (docs/contract.md section 4): a real Better Auth 1.7.25 (node:sqlite) with
// the package's plugin sending to a real Worker (wrangler dev, local D1). For each way Better Auth ends
// a session: before, the session's TaskGate token reads tasks; after the ending response, it gets
// 401 session_revoked at once; the user's other sessions (where they survive) and other users carry on.
// Also: the Worker unreachable during a sign-out, started again: the token is refused within 5 s of the
// Worker answering /health (a Better Auth restart in between: tests/better-auth/revocation-plugin.test.mjs).
//
// Needs pkg/dist (bash scripts/build-pkg.sh) and worker/build (bash scripts/build-worker.sh).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { admin } from 'better-auth/plugins';
import { taskgate } from '../../pkg/dist/better-auth.js';
import { startBetterAuth } from '../lib/better-auth.mjs';
import { WorkerServer } from '../lib/worker.mjs';

const SECRET = 'revocation-e2e-test-secret-0123456789abcdefgh';
const PASSWORD = 'correct-horse-battery';
for (const name of ['BETTER_AUTH_SECRET', 'BETTER_AUTH_SECRETS', 'BETTER_AUTH_URL', 'TASKGATE_REVOCATION_URL']) {
  delete process.env[name];
}

let n = 0;
const newUser = () => ({ email: `e2e-${process.pid}-${++n}@example.com`, password: PASSWORD, name: `User ${n}` });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let worker;
let ba;
const mail = new Map();
before(async () => {
  worker = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET } });
  ba = await startBetterAuth({
    secret: SECRET,
    plugins: [taskgate({ revocation: { url: `${worker.url}/revocations` } }), admin()],
    extra: {
      emailAndPassword: {
        enabled: true,
        revokeSessionsOnPasswordReset: true,
        sendResetPassword: async ({ user, token }) => {
          mail.set(user.email, token);
        },
      },
      user: { deleteUser: { enabled: true } },
    },
  });
});
after(async () => {
  await ba?.close();
  await worker?.stop();
});

/** POST a Better Auth route as the holder of `cookies`. */
async function post(route, cookies, body = {}) {
  const r = await ba.fetch(`/api/auth${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookies ? { cookie: cookies } : {}) },
    body: JSON.stringify(body),
  });
  assert.ok(r.status < 400, `${route}: ${r.status} ${await r.clone().text()}`);
  return r;
}

/** The session's TaskGate token. */
async function tokenOf(cookies) {
  const r = await ba.fetch('/api/auth/taskgate/token', { headers: { cookie: cookies } });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).token;
}

/** The Worker's answer to the token's user listing their tasks: 200, or the error code. */
async function api(user, token) {
  const r = await fetch(`${worker.url}/api/${encodeURIComponent(user.id)}/tasks`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await r.json();
  return r.status === 200 ? 200 : body.code;
}

/** A signed-up user with `count` sessions: { ...credentials, id, cookies: [..], tokens: [..] }. */
async function userWithSessions(count = 2) {
  const u = newUser();
  const first = await ba.signUp(u);
  const cookies = [first.cookies];
  for (let i = 1; i < count; i += 1) cookies.push((await ba.signIn(u)).cookies);
  const tokens = [];
  for (const c of cookies) tokens.push(await tokenOf(c));
  const user = { ...u, id: first.user.id, cookies, tokens };
  for (const t of tokens) assert.equal(await api(user, t), 200, 'works before');
  return user;
}

async function anAdmin() {
  const a = await userWithSessions(1);
  await (await ba.auth.$context).internalAdapter.updateUser(a.id, { role: 'admin' });
  return a;
}

describe('every way Better Auth ends a session refuses its tokens at once', () => {
  let bystander;
  before(async () => {
    bystander = await userWithSessions(1);
  });
  after(async () => {
    assert.equal(await api(bystander, bystander.tokens[0]), 200, 'another user carries on');
  });

  it('sign-out: that session only', async () => {
    const u = await userWithSessions(2);
    await post('/sign-out', u.cookies[0]);
    assert.equal(await api(u, u.tokens[0]), 'session_revoked');
    assert.equal(await api(u, u.tokens[1]), 200, 'the other session');
  });

  it('revoke-session: that session only', async () => {
    const u = await userWithSessions(2);
    const sessions = await (await ba.auth.$context).internalAdapter.listSessions(u.id);
    const target = sessions.find(
      (s) => s.token === decodeURIComponent(u.cookies[1].match(/session_token=([^.;]+)/)[1]),
    );
    await post('/revoke-session', u.cookies[0], { token: target.token });
    assert.equal(await api(u, u.tokens[1]), 'session_revoked');
    assert.equal(await api(u, u.tokens[0]), 200, "the caller's own session");
  });

  it('revoke-sessions: every session of the user', async () => {
    const u = await userWithSessions(2);
    await post('/revoke-sessions', u.cookies[0]);
    for (const t of u.tokens) assert.equal(await api(u, t), 'session_revoked');
  });

  it("revoke-other-sessions: the others, not the caller's", async () => {
    const u = await userWithSessions(3);
    await post('/revoke-other-sessions', u.cookies[0]);
    assert.equal(await api(u, u.tokens[0]), 200, "the caller's session");
    assert.equal(await api(u, u.tokens[1]), 'session_revoked');
    assert.equal(await api(u, u.tokens[2]), 'session_revoked');
  });

  it('change-password with revokeOtherSessions: every old session; the new one works', async () => {
    const u = await userWithSessions(2);
    const r = await post('/change-password', u.cookies[0], {
      currentPassword: PASSWORD,
      newPassword: 'a-new-horse-battery',
      revokeOtherSessions: true,
    });
    for (const t of u.tokens) assert.equal(await api(u, t), 'session_revoked');
    const fresh = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    assert.equal(await api(u, await tokenOf(fresh)), 200, 'the new session');
  });

  it('reset-password (revokeSessionsOnPasswordReset): every session', async () => {
    const u = await userWithSessions(2);
    await post('/request-password-reset', undefined, { email: u.email, redirectTo: '/reset' });
    await post('/reset-password', undefined, { newPassword: 'reset-horse-battery', token: mail.get(u.email) });
    for (const t of u.tokens) assert.equal(await api(u, t), 'session_revoked');
  });

  it('delete-user: every session', async () => {
    const u = await userWithSessions(2);
    await post('/delete-user', u.cookies[0], { password: PASSWORD });
    for (const t of u.tokens) assert.equal(await api(u, t), 'session_revoked');
  });

  it('admin revoke-user-session, revoke-user-sessions, ban-user, remove-user', async () => {
    const boss = await anAdmin();
    const one = await userWithSessions(2);
    const sessions = await (await ba.auth.$context).internalAdapter.listSessions(one.id);
    const token1 = decodeURIComponent(one.cookies[1].match(/session_token=([^.;]+)/)[1]);
    await post('/admin/revoke-user-session', boss.cookies[0], {
      sessionToken: sessions.find((s) => s.token === token1).token,
    });
    assert.equal(await api(one, one.tokens[1]), 'session_revoked', 'revoke-user-session');
    assert.equal(await api(one, one.tokens[0]), 200, 'the other session stays');

    const all = await userWithSessions(2);
    await post('/admin/revoke-user-sessions', boss.cookies[0], { userId: all.id });
    for (const t of all.tokens) assert.equal(await api(all, t), 'session_revoked', 'revoke-user-sessions');

    const banned = await userWithSessions(1);
    await post('/admin/ban-user', boss.cookies[0], { userId: banned.id });
    assert.equal(await api(banned, banned.tokens[0]), 'session_revoked', 'ban-user');

    const removed = await userWithSessions(1);
    await post('/admin/remove-user', boss.cookies[0], { userId: removed.id });
    assert.equal(await api(removed, removed.tokens[0]), 'session_revoked', 'remove-user');
    assert.equal(await api(boss, boss.tokens[0]), 200, 'the admin carries on');
  });
});

describe('delivery', () => {
  it('a Worker down during a sign-out gets it within 5 s of answering again', async () => {
    const u = await userWithSessions(1);
    await worker.kill();
    const started = Date.now();
    await post('/sign-out', u.cookies[0]);
    assert.ok(Date.now() - started < 5000, 'the sign-out is not held up by an unreachable Worker');
    await sleep(200);
    await worker.launch({ samePort: true }); // the plugin's URL names the port
    const up = Date.now();
    let answer;
    while (Date.now() - up < 5000) {
      answer = await api(u, u.tokens[0]);
      if (answer === 'session_revoked') break;
      await sleep(100);
    }
    assert.equal(answer, 'session_revoked', 'refused within 5 s of /health answering');
  });
});
