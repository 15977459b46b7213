// The cached TaskGate token follows the session (issue 19, finding 8): it is dropped whenever the
// client sees another session id or user id than the token's own `sid`/`sub`, or none, whatever
// the path that changed it. Against a real Better Auth (tests/lib/better-auth.mjs, with the admin
// plugin for impersonation), and unit tests of the rule with a stand-in $fetch and $store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthClient } from 'better-auth/client';
import { admin } from 'better-auth/plugins';
import { taskgate } from 'taskgate-verify/better-auth';
import { taskgateClient, TaskgateTokenError } from 'taskgate-verify/better-auth/client';
import { createVerifier } from '../dist/node.js';
import { startBetterAuth, CookieJar } from '../../tests/lib/better-auth.mjs';

const SECRET = 'client-session-test-secret-0123456789-abcdefgh';
const PASSWORD = 'correct-horse-battery';
const TOKEN_PATH = '/api/auth/taskgate/token';
const verifier = createVerifier(SECRET);

let n = 0;
const newUser = () => ({ email: `session-${process.pid}-${++n}@example.com`, password: PASSWORD, name: `S ${n}` });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An auth client in a browser stand-in: its cookie jar (shared when given), sent with each request. */
function client(ba, jar = new CookieJar()) {
  const fetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (jar.header()) headers.set('cookie', jar.header());
    headers.set('origin', ba.url);
    const res = await globalThis.fetch(input, { ...init, headers });
    jar.update(res);
    return res;
  };
  const authClient = createAuthClient({
    baseURL: ba.url,
    plugins: [taskgateClient()],
    fetchOptions: { customFetchImpl: fetch },
  });
  return { authClient, jar };
}

const tokenRequests = (ba) => ba.requests.filter((r) => r.path.split('?')[0] === TOKEN_PATH).length;
const claims = (token) => verifier.verify(token).claims;

describe('the cached token follows the session (a real Better Auth)', () => {
  let ba;
  before(async () => {
    ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate(), admin()] });
  });
  after(() => ba.close());

  it('a sign-in as another user in the same client: the next token is the new user’s', async () => {
    const a = newUser();
    const b = newUser();
    await ba.signUp(b);
    const { authClient } = client(ba);
    const { data } = await authClient.signUp.email(a);
    const t1 = await authClient.taskgate.token();
    assert.equal(claims(t1).sub, data.user.id);
    const { data: signedIn, error } = await authClient.signIn.email({ email: b.email, password: PASSWORD });
    assert.equal(error, null);
    const t2 = await authClient.taskgate.token(); // at once: not after Better Auth's delayed signal
    assert.equal(claims(t2).sub, signedIn.user.id);
    assert.notEqual(claims(t2).sid, claims(t1).sid);
  });

  it('a password change that makes a new session: the next token carries the new sid', async () => {
    const { authClient } = client(ba);
    await authClient.signUp.email(newUser());
    const t1 = await authClient.taskgate.token();
    const before = tokenRequests(ba);
    const { error } = await authClient.changePassword({
      currentPassword: PASSWORD,
      newPassword: `${PASSWORD}-2`,
      revokeOtherSessions: true,
    });
    assert.equal(error, null);
    const t2 = await authClient.taskgate.token();
    assert.equal(tokenRequests(ba) - before, 1);
    assert.equal(claims(t2).sub, claims(t1).sub);
    assert.notEqual(claims(t2).sid, claims(t1).sid);
    const { data } = await authClient.getSession();
    assert.equal(claims(t2).sid, data.session.id);
  });

  it('a sign-out: the next token() asks the server, which answers 401', async () => {
    const { authClient } = client(ba);
    await authClient.signUp.email(newUser());
    await authClient.taskgate.token();
    await authClient.signOut();
    await assert.rejects(authClient.taskgate.token(), (e) => e instanceof TaskgateTokenError && e.status === 401);
  });

  it('impersonation start and stop (admin plugin, no admin client plugin): the token follows', async () => {
    const target = newUser();
    const { user: targetUser } = await ba.signUp(target);
    const { authClient } = client(ba);
    const { data } = await authClient.signUp.email(newUser());
    await (await ba.auth.$context).internalAdapter.updateUser(data.user.id, { role: 'admin' });
    const t1 = await authClient.taskgate.token();
    assert.equal(claims(t1).sub, data.user.id);
    const { error } = await authClient.admin.impersonateUser({ userId: targetUser.id });
    assert.equal(error, null);
    const t2 = await authClient.taskgate.token();
    assert.equal(claims(t2).sub, targetUser.id);
    const { error: stopError } = await authClient.admin.stopImpersonating({ fetchOptions: { method: 'POST' } });
    assert.equal(stopError, null);
    const t3 = await authClient.taskgate.token();
    assert.equal(claims(t3).sub, data.user.id);
    assert.notEqual(claims(t3).sid, claims(t2).sid);
  });

  it('another tab signs in as someone else; this tab’s session atom learns it: the token is dropped', async () => {
    const tab1 = client(ba);
    const { data } = await tab1.authClient.signUp.email(newUser());
    const tab2 = client(ba, tab1.jar); // the same browser: one cookie jar
    const session = tab1.authClient.$store.atoms.session;
    await session.value.refetch(); // what useSession does on mount
    assert.equal(session.value.data.user.id, data.user.id);
    const t1 = await tab1.authClient.taskgate.token();
    const { data: other } = await tab2.authClient.signUp.email(newUser());
    // Tab 1 hears of it as useSession does (a broadcast, a focus): a refetch of the atom.
    await session.value.refetch();
    assert.equal(session.value.data.user.id, other.user.id);
    const t2 = await tab1.authClient.taskgate.token();
    assert.notEqual(t2, t1);
    assert.equal(claims(t2).sub, other.user.id);
  });

  it('a session answer naming the same session keeps the cache (no extra request)', async () => {
    const { authClient } = client(ba);
    await authClient.signUp.email(newUser());
    await sleep(30); // Better Auth's $sessionSignal after the sign-up
    const t1 = await authClient.taskgate.token();
    const before = tokenRequests(ba);
    await authClient.getSession();
    await sleep(30);
    assert.equal(await authClient.taskgate.token(), t1);
    assert.equal(tokenRequests(ba) - before, 0);
  });
});

// ---- Unit tests of the rule: a stand-in $fetch minting unsigned tokens, a stand-in $store. ----

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const mint = (sid, sub, extra = {}) => `${b64url({ alg: 'HS256' })}.${b64url({ sid, sub, ...extra })}.sig`;

/** A nanostores-like atom: `value`, `set`, `listen`. */
function fakeAtom(value) {
  const listeners = new Set();
  return {
    value,
    set(v) {
      this.value = v;
      for (const l of listeners) l(v);
    },
    get() {
      return this.value;
    },
    listen(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/** The plugin wired by hand: `answer(path, data, method)` plays a Better Auth answer through its hook. */
function harness({ token = () => mint('s1', 'u1') } = {}) {
  const plugin = taskgateClient();
  let requests = 0;
  const $fetch = async () => {
    requests += 1;
    return { data: { token: token(), expiresAt: Math.floor(Date.now() / 1000) + 900 }, error: null };
  };
  const session = fakeAtom({ data: null, isPending: true });
  const $sessionSignal = fakeAtom(false);
  const $store = { atoms: { session, $sessionSignal }, notify() {}, listen() {} };
  const actions = plugin.getActions($fetch, $store).taskgate;
  const [fetchPlugin] = plugin.fetchPlugins;
  const answer = (path, data, method = 'GET') =>
    fetchPlugin.hooks.onSuccess({ data, request: { url: `https://app.example/api/auth${path}`, method } });
  return { actions, answer, session, $sessionSignal, requests: () => requests };
}

describe('the rule (unit)', () => {
  const same = { session: { id: 's1', userId: 'u1' }, user: { id: 'u1' } };

  it('keeps the token for answers that name its own session, or nothing, on GET', async () => {
    const h = harness();
    const t = await h.actions.token();
    h.answer('/get-session', same);
    h.answer('/get-session', same, 'POST'); // Better Auth's session refresh
    h.answer('/update-session', { session: { id: 's1', userId: 'u1' } }, 'POST');
    h.answer('/list-sessions', [{ id: 's2', userId: 'u1' }]);
    h.answer('/some-plugin/read', { status: true });
    h.answer('/change-password', { token: null, user: { id: 'u1' } }, 'POST'); // no new session
    assert.equal(await h.actions.token(), t);
    assert.equal(h.requests(), 1);
  });

  for (const [what, path, data, method] of [
    ['another session id', '/get-session', { session: { id: 's2', userId: 'u1' }, user: { id: 'u1' } }, 'GET'],
    ['another user id', '/get-session', { session: { id: 's1', userId: 'u2' }, user: { id: 'u2' } }, 'GET'],
    ['no session (get-session null)', '/get-session', null, 'GET'],
    ['impersonation', '/admin/impersonate-user', { session: { id: 's9', userId: 'u9' }, user: { id: 'u9' } }, 'POST'],
    [
      'stop impersonating',
      '/admin/stop-impersonating',
      { session: { id: 's0', userId: 'u0' }, user: { id: 'u0' } },
      'POST',
    ],
    ['a passkey sign-in', '/passkey/verify-authentication', { session: { id: 's3', userId: 'u1' } }, 'POST'],
    ['a one-tap sign-in (same user, new session)', '/one-tap/callback', { token: 'st', user: { id: 'u1' } }, 'POST'],
    ['a SIWE sign-in', '/siwe/verify', { token: 'st', success: true, user: { id: 'u5' } }, 'POST'],
    ['an email-OTP sign-in', '/sign-in/email-otp', { token: 'st', user: { id: 'u1' } }, 'POST'],
    ['a phone-number sign-in', '/phone-number/verify', { status: true, token: 'st', user: { id: 'u1' } }, 'POST'],
    ['a two-factor sign-in', '/two-factor/verify-totp', { token: 'st', user: { id: 'u1' } }, 'POST'],
    ['a password change with a new session', '/change-password', { token: 'st', user: { id: 'u1' } }, 'POST'],
    ['a password reset (no session named)', '/reset-password', { status: true }, 'POST'],
    ['a sign-out', '/sign-out', { success: true }, 'POST'],
    ['an unknown plugin path naming another user', '/x/y/z', { user: { id: 'u7' } }, 'GET'],
  ]) {
    it(`drops the token on ${what}`, async () => {
      const h = harness({
        token: (
          (i) => () =>
            mint(`s${++i}`, 'u1')
        )(0),
      });
      const t1 = await h.actions.token();
      h.answer(path, data, method);
      const t2 = await h.actions.token();
      assert.notEqual(t2, t1);
      assert.equal(h.requests(), 2);
    });
  }

  it('ignores its own token endpoint’s answer', async () => {
    const h = harness();
    const t = await h.actions.token();
    h.answer('/taskgate/token', { token: mint('s2', 'u2'), expiresAt: 1 });
    assert.equal(await h.actions.token(), t);
  });

  it('a token whose claims cannot be read is dropped on any answer naming a session', async () => {
    const h = harness({ token: () => 'not-a-jwt' });
    await h.actions.token();
    h.answer('/get-session', same);
    await h.actions.token();
    assert.equal(h.requests(), 2);
  });

  it('the session atom: a change naming another session, another user or none drops the token', async () => {
    for (const data of [
      { session: { id: 's2', userId: 'u1' }, user: { id: 'u1' } },
      { session: { id: 's1', userId: 'u2' } },
      null,
    ]) {
      const h = harness();
      h.session.set({ data: same, isPending: false });
      await h.actions.token();
      h.session.set({ data, isPending: false });
      await h.actions.token();
      assert.equal(h.requests(), 2, JSON.stringify(data));
    }
  });

  it('the session atom: a change that names the same session keeps it; an atom never loaded says nothing', async () => {
    const h = harness();
    await h.actions.token(); // the atom is still empty (never mounted)
    await h.actions.token();
    h.session.set({ data: { session: { id: 's1', userId: 'u1', updatedAt: 'later' }, user: { id: 'u1' } } });
    await h.actions.token();
    assert.equal(h.requests(), 1);
  });

  it('$sessionSignal drops a token asked for before the last answer, keeps one asked for since', async () => {
    const h = harness();
    await h.actions.token();
    h.answer('/verify-email', { status: true }); // a GET that changed the session, as Better Auth knows
    h.$sessionSignal.set(true);
    await h.actions.token();
    assert.equal(h.requests(), 2);
    h.$sessionSignal.set(false); // a late signal for the same answer: the new token was asked for since
    await h.actions.token();
    assert.equal(h.requests(), 2);
  });

  it('a request in flight when the session changes is not cached', async () => {
    let release;
    const plugin = taskgateClient();
    let requests = 0;
    const $fetch = async () => {
      requests += 1;
      if (requests === 1) await new Promise((r) => (release = r));
      return {
        data: { token: mint(`s${requests}`, 'u1'), expiresAt: Math.floor(Date.now() / 1000) + 900 },
        error: null,
      };
    };
    const actions = plugin.getActions($fetch, undefined).taskgate;
    const hook = plugin.fetchPlugins[0].hooks.onSuccess;
    const pending = actions.token();
    await sleep(0);
    hook({
      data: { token: 'st', user: { id: 'u2' } },
      request: { url: 'https://a/api/auth/sign-in/email', method: 'POST' },
    });
    release();
    await pending;
    await actions.token();
    assert.equal(requests, 2);
  });
});
