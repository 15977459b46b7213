// The server plugin `taskgate-verify/better-auth` in a real Better Auth (npm better-auth, SQLite
// through node:sqlite, served over HTTP): the tokens it mints verify with the package and with
// the native CLI, carry the session's user and id, end with the session, and follow Better Auth's
// secret (rotation included); weak secrets fail at start-up.
//
// Needs pkg/dist (bash scripts/build-pkg.sh); builds the CLI (cargo build -p taskgate-cli).
// Over 400 lines: a case per rule of the plugin, against one real Better Auth.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BetterAuthError } from 'better-auth';
import { taskgate } from '../../pkg/dist/better-auth.js';
import { createVerifier, inspect, TokenError } from '../../pkg/dist/node.js';
import { startBetterAuth, CookieJar, sessionTokenOf } from '../lib/better-auth.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = path.join(ROOT, 'target/debug/taskgate');
const SECRET = 'better-auth-plugin-test-secret-0123456789abcdef';
const OLD = 'rotation-old-secret-0123456789-abcdefghijklmnop';
const NEW = 'rotation-new-secret-0123456789-abcdefghijklmnop';
const PASSWORD = 'correct-horse-battery';
const TOKEN_PATH = '/api/auth/taskgate/token';

// Only what each test passes may configure Better Auth or the CLI.
for (const name of ['BETTER_AUTH_SECRET', 'BETTER_AUTH_SECRETS', 'AUTH_SECRET', 'BETTER_AUTH_URL'])
  delete process.env[name];

let n = 0;
const newUser = () => ({ email: `user-${process.pid}-${++n}@example.com`, password: PASSWORD, name: `User ${n}` });
const nowS = () => Math.floor(Date.now() / 1000);
const headersOf = (cookies) => new Headers({ cookie: cookies });

async function getToken(ba, cookies) {
  const res = await ba.fetch(TOKEN_PATH, cookies === undefined ? {} : { headers: { cookie: cookies } });
  const text = await res.text();
  return { res, text, json: text ? JSON.parse(text) : undefined };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'taskgate-plugin-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `taskgate verify TOKEN --env-file FILE`, with nothing from this process's environment. */
function cliVerify(token, vars) {
  const file = path.join(tmp, `env-${++n}`);
  writeFileSync(
    file,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const r = spawnSync(CLI, ['verify', token, '--env-file', file], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  return { status: r.status, out: JSON.parse(r.stdout) };
}

before(() => {
  execFileSync('cargo', ['build', '-q', '-p', 'taskgate-cli'], { cwd: ROOT, stdio: 'inherit' });
});

describe('GET /api/auth/taskgate/token with a session', () => {
  let ba;
  before(async () => {
    ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate()] });
  });
  after(() => ba.close());

  it('answers 200 { token, expiresAt } with a TaskGate token for the session (package and CLI agree)', async () => {
    const u = newUser();
    const { cookies, user } = await ba.signUp(u);
    const session = await ba.auth.api.getSession({ headers: headersOf(cookies) });
    assert.equal(session.user.id, user.id);

    const t0 = nowS();
    const { res, json } = await getToken(ba, cookies);
    const t1 = nowS();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control'), /no-store/);
    assert.deepEqual(Object.keys(json).sort(), ['expiresAt', 'token']);

    const verified = createVerifier(SECRET).verify(json.token);
    assert.equal(verified.userId, user.id);
    assert.deepEqual(verified.header, { alg: 'HS256', typ: 'JWT' }); // one secret: no kid
    const c = verified.claims;
    assert.deepEqual(Object.keys(c).sort(), ['email', 'exp', 'iat', 'sid', 'sub']);
    assert.equal(c.sub, user.id);
    assert.equal(c.sid, session.session.id);
    assert.notEqual(c.sid, session.session.token);
    assert.equal(c.email, u.email);
    assert.ok(c.iat >= t0 && c.iat <= t1, `iat ${c.iat} not in [${t0}, ${t1}]`);
    assert.equal(c.exp - c.iat, 900);
    assert.equal(json.expiresAt, c.exp);

    const cli = cliVerify(json.token, { BETTER_AUTH_SECRET: SECRET });
    assert.equal(cli.status, 0, JSON.stringify(cli.out));
    assert.equal(cli.out.valid, true);
    assert.equal(cli.out.user_id, user.id);
    assert.deepEqual(cli.out.claims, c);
    // ... and both refuse it under another secret.
    assert.throws(
      () => createVerifier(OLD).verify(json.token),
      (e) => e instanceof TokenError && e.code === 'invalid_signature',
    );
    const wrong = cliVerify(json.token, { BETTER_AUTH_SECRET: OLD });
    assert.equal(wrong.status, 1);
    assert.equal(wrong.out.code, 'invalid_signature');
  });

  it("never puts Better Auth's session token in the response body or headers other than Set-Cookie", async () => {
    const { cookies, setCookies } = await ba.signUp(newUser());
    const sessionToken = (await ba.auth.api.getSession({ headers: headersOf(cookies) })).session.token;
    assert.equal(sessionTokenOf(setCookies), sessionToken); // the cookie holds it: the probe is right
    assert.ok(sessionToken.length >= 16);
    const { res, text, json } = await getToken(ba, cookies);
    assert.equal(res.status, 200);
    assert.ok(!text.includes(sessionToken), 'the body carries the session token');
    const payload = JSON.stringify(inspect(json.token).payload) + JSON.stringify(inspect(json.token).header);
    assert.ok(!payload.includes(sessionToken), 'the JWT carries the session token');
    for (const [name, value] of res.headers) {
      if (name !== 'set-cookie') assert.ok(!value.includes(sessionToken), `header ${name} carries the session token`);
    }
  });

  it('answers 401 without a session cookie, or with a forged one', async () => {
    const none = await getToken(ba);
    assert.equal(none.res.status, 401);
    assert.equal(none.json.code, 'UNAUTHORIZED');
    assert.ok(!('token' in none.json));

    const { setCookies } = await ba.signUp(newUser());
    const jar = new CookieJar(setCookies);
    const [value, mac] = decodeURIComponent(jar.get('better-auth.session_token')).split('.');
    const forged = `better-auth.session_token=${encodeURIComponent(`${value.slice(0, -1)}${value.at(-1) === 'A' ? 'B' : 'A'}.${mac}`)}`;
    assert.equal((await getToken(ba, forged)).res.status, 401);
    assert.equal((await getToken(ba, jar.header())).res.status, 200); // the genuine one still works
  });

  it('works server-side: auth.api.getTaskgateToken({ headers })', async () => {
    const { cookies, user } = await ba.signUp(newUser());
    const r = await ba.auth.api.getTaskgateToken({ headers: headersOf(cookies) });
    assert.equal(typeof r.token, 'string');
    const v = createVerifier(SECRET).verify(r.token);
    assert.equal(v.userId, user.id);
    assert.equal(r.expiresAt, v.claims.exp);
    await assert.rejects(ba.auth.api.getTaskgateToken({ headers: new Headers() }), (e) => e.statusCode === 401);
  });
});

describe('lifetime', () => {
  it('expiresIn sets exp - iat', async () => {
    const ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate({ expiresIn: 120 })] });
    try {
      const { cookies } = await ba.signUp(newUser());
      const { json } = await getToken(ba, cookies);
      const c = createVerifier(SECRET).verify(json.token).claims;
      assert.equal(c.exp - c.iat, 120);
    } finally {
      await ba.close();
    }
  });

  it("is capped by the session's expiry", async () => {
    const ba = await startBetterAuth({
      secret: SECRET,
      plugins: [taskgate({ expiresIn: 900 })],
      session: { expiresIn: 90, updateAge: 90 },
    });
    try {
      const { cookies } = await ba.signUp(newUser());
      const session = await ba.auth.api.getSession({ headers: headersOf(cookies) });
      const sessionEnds = Math.floor(new Date(session.session.expiresAt).getTime() / 1000);
      const { json } = await getToken(ba, cookies);
      const c = createVerifier(SECRET).verify(json.token).claims;
      assert.equal(c.exp, sessionEnds);
      assert.ok(c.exp - c.iat <= 90 && c.exp - c.iat >= 85, `lifetime ${c.exp - c.iat}`);
      assert.equal(json.expiresAt, sessionEnds);
    } finally {
      await ba.close();
    }
  });

  it('refuses options it cannot honour, when the plugin is created', () => {
    for (const expiresIn of [0, -1, 1.5, '900', Infinity]) {
      assert.throws(
        () => taskgate({ expiresIn }),
        (e) => e instanceof BetterAuthError && /expiresIn/.test(e.message),
        String(expiresIn),
      );
    }
    assert.throws(() => taskgate({ issuer: '' }), BetterAuthError);
    assert.throws(() => taskgate({ audience: [] }), BetterAuthError);
    assert.throws(() => taskgate({ authoritativeSession: 'no' }), BetterAuthError);
  });
});

describe('issuer and audience', () => {
  let ba;
  before(async () => {
    ba = await startBetterAuth({
      secret: SECRET,
      plugins: [taskgate({ issuer: 'https://app.example.com', audience: 'taskgate-api' })],
    });
  });
  after(() => ba.close());

  it('produce iss and aud that a verifier configured with them accepts, and one configured otherwise refuses', async () => {
    const { cookies, user } = await ba.signUp(newUser());
    const { json } = await getToken(ba, cookies);
    const v = createVerifier(SECRET, { issuer: 'https://app.example.com', audience: 'taskgate-api' }).verify(
      json.token,
    );
    assert.equal(v.userId, user.id);
    assert.equal(v.claims.iss, 'https://app.example.com');
    assert.equal(v.claims.aud, 'taskgate-api');
    assert.throws(
      () => createVerifier(SECRET, { audience: 'another-api' }).verify(json.token),
      (e) => e.code === 'invalid_audience',
    );
    assert.throws(
      () => createVerifier(SECRET, { issuer: 'https://evil.example' }).verify(json.token),
      (e) => e.code === 'invalid_issuer',
    );

    const ok = cliVerify(json.token, {
      BETTER_AUTH_SECRET: SECRET,
      JWT_ISSUER: 'https://app.example.com',
      JWT_AUDIENCE: 'taskgate-api',
    });
    assert.equal(ok.status, 0, JSON.stringify(ok.out));
    const bad = cliVerify(json.token, { BETTER_AUTH_SECRET: SECRET, JWT_AUDIENCE: 'another-api' });
    assert.equal(bad.out.code, 'invalid_audience');
  });

  it('without them, a verifier that requires an issuer refuses the token', async () => {
    const plain = await startBetterAuth({ secret: SECRET, plugins: [taskgate()] });
    try {
      const { cookies } = await plain.signUp(newUser());
      const { json } = await getToken(plain, cookies);
      assert.throws(
        () => createVerifier(SECRET, { issuer: 'https://app.example.com' }).verify(json.token),
        (e) => e.code === 'invalid_issuer',
      );
    } finally {
      await plain.close();
    }
  });
});

describe("ended sessions cannot mint tokens, even with Better Auth's cookie cache on", () => {
  const cookieCache = { cookieCache: { enabled: true, maxAge: 300 } };
  let ba;
  before(async () => {
    ba = await startBetterAuth({ secret: SECRET, plugins: [taskgate()], session: cookieCache });
  });
  after(() => ba.close());

  it('after sign-out (the old cookies replayed): 401', async () => {
    const { cookies, setCookies } = await ba.signUp(newUser());
    assert.ok(new CookieJar(setCookies).get('better-auth.session_data'), 'the cookie cache is on');
    assert.equal((await getToken(ba, cookies)).res.status, 200);
    const out = await ba.fetch('/api/auth/sign-out', { method: 'POST', headers: { cookie: cookies } });
    assert.equal(out.status, 200);
    // The browser would drop the cookies; a replay of them must not mint a token...
    assert.equal((await getToken(ba, cookies)).res.status, 401);
    // ... although Better Auth's cookie cache still vouches for them.
    const cached = await ba.auth.api.getSession({ headers: headersOf(cookies) });
    assert.ok(cached?.user, 'the cookie cache still holds the signed-out session (else this test proves nothing)');
    // And the jar, applying sign-out's Set-Cookie, holds no session at all.
    const jar = new CookieJar(setCookies).update(out);
    assert.equal(jar.get('better-auth.session_token'), undefined);
    assert.equal((await getToken(ba, jar.header())).res.status, 401);
  });

  it("after auth.api.revokeSession: 401 for that session, the user's other session still works", async () => {
    const u = newUser();
    const a = await ba.signUp(u);
    const b = await ba.signIn(u);
    const sa = await ba.auth.api.getSession({ headers: headersOf(a.cookies) });
    const sb = await ba.auth.api.getSession({ headers: headersOf(b.cookies) });
    assert.notEqual(sa.session.id, sb.session.id);
    const ta = await getToken(ba, a.cookies);
    assert.equal(createVerifier(SECRET).verify(ta.json.token).claims.sid, sa.session.id);

    const r = await ba.auth.api.revokeSession({ headers: headersOf(b.cookies), body: { token: sa.session.token } });
    assert.equal(r.status, true);
    assert.equal((await getToken(ba, a.cookies)).res.status, 401);
    assert.ok(
      (await ba.auth.api.getSession({ headers: headersOf(a.cookies) }))?.user,
      'the cookie cache still holds the revoked session',
    );
    const tb = await getToken(ba, b.cookies);
    assert.equal(tb.res.status, 200);
    assert.equal(createVerifier(SECRET).verify(tb.json.token).claims.sid, sb.session.id);
  });

  it('control: with authoritativeSession: false the cookie cache lets a signed-out session mint a token', async () => {
    const lax = await startBetterAuth({
      secret: SECRET,
      plugins: [taskgate({ authoritativeSession: false })],
      session: cookieCache,
    });
    try {
      const { cookies } = await lax.signUp(newUser());
      assert.equal(
        (await lax.fetch('/api/auth/sign-out', { method: 'POST', headers: { cookie: cookies } })).status,
        200,
      );
      assert.equal((await getToken(lax, cookies)).res.status, 200);
    } finally {
      await lax.close();
    }
  });
});

describe('secrets at start-up', () => {
  const rejectsWith = async (config, pattern, secret) => {
    let started; // only if it wrongly starts: closed, so the failure does not hang the run
    await assert
      .rejects(
        async () => {
          started = await startBetterAuth({ ...config, plugins: [taskgate()] });
        },
        (e) => {
          assert.ok(e instanceof BetterAuthError, `${e?.name}: ${e?.message}`);
          assert.match(e.message, pattern);
          if (secret) assert.ok(!e.message.includes(secret), 'the message shows the secret');
          return true;
        },
      )
      .finally(() => started?.close());
  };

  it('a 31-byte secret fails with a clear error that names the fix, never the secret', async () => {
    const short = 'a'.repeat(31);
    await rejectsWith(
      { secret: short },
      /31 bytes.*at least 32 bytes.*BETTER_AUTH_SECRET|BETTER_AUTH_SECRET.*31 bytes.*at least 32/s,
      short,
    );
  });

  it('counts bytes, not characters: 16 two-byte characters (32 bytes) are accepted', async () => {
    const ba = await startBetterAuth({ secret: 'é'.repeat(16), plugins: [taskgate()] });
    try {
      const { cookies } = await ba.signUp(newUser());
      const { json } = await getToken(ba, cookies);
      createVerifier('é'.repeat(16)).verify(json.token);
    } finally {
      await ba.close();
    }
  });

  it("Better Auth's built-in default secret (no secret configured) fails", async () => {
    await rejectsWith({}, /default secret.*BETTER_AUTH_SECRET/s);
  });

  it('a short current version of a ring fails, naming the version', async () => {
    const short = 'b'.repeat(20);
    await rejectsWith(
      {
        secrets: [
          { version: 3, value: short },
          { version: 2, value: NEW },
        ],
      },
      /version 3.*20 bytes/s,
      short,
    );
  });

  it('a current secret the ring format cannot carry (a comma) fails', async () => {
    await rejectsWith({ secrets: [{ version: 2, value: `${NEW},x` }] }, /comma/);
  });
});

describe("rotation: Better Auth's secrets ring", () => {
  const RING = `2:${NEW},1:${OLD}`;

  it('signs with the current version (kid "2"); a token from the old secret (kid "1") still verifies with the ring', async () => {
    const oldBa = await startBetterAuth({ secrets: [{ version: 1, value: OLD }], plugins: [taskgate()] });
    const newBa = await startBetterAuth({
      secrets: [
        { version: 2, value: NEW },
        { version: 1, value: OLD },
      ],
      plugins: [taskgate()],
    });
    try {
      const a = await oldBa.signUp(newUser());
      const oldToken = (await getToken(oldBa, a.cookies)).json.token;
      const b = await newBa.signUp(newUser());
      const newToken = (await getToken(newBa, b.cookies)).json.token;

      assert.equal(inspect(newToken).header.kid, '2');
      assert.equal(inspect(oldToken).header.kid, '1');
      const ring = createVerifier({ secrets: RING });
      assert.equal(ring.verify(newToken).userId, b.user.id);
      assert.equal(ring.verify(oldToken).userId, a.user.id);
      // Signed with the current value only: neither verifies under the other secret alone.
      assert.throws(
        () => createVerifier(OLD).verify(newToken),
        (e) => e.code === 'invalid_signature',
      );
      assert.throws(
        () => createVerifier(NEW).verify(oldToken),
        (e) => e.code === 'invalid_signature',
      );
      createVerifier(NEW).verify(newToken);
      // After retiring version 1, its tokens are refused.
      assert.throws(
        () => createVerifier({ secrets: `2:${NEW}` }).verify(oldToken),
        (e) => e.code === 'invalid_signature',
      );

      for (const [token, user] of [
        [newToken, b.user],
        [oldToken, a.user],
      ]) {
        const cli = cliVerify(token, { BETTER_AUTH_SECRETS: RING });
        assert.equal(cli.status, 0, JSON.stringify(cli.out));
        assert.equal(cli.out.user_id, user.id);
      }
    } finally {
      await oldBa.close();
      await newBa.close();
    }
  });

  it('follows the ring Better Auth read from BETTER_AUTH_SECRETS, current = first entry', async () => {
    process.env.BETTER_AUTH_SECRETS = `1:${OLD},2:${NEW}`; // version 1 listed first: it is current
    let ba;
    try {
      ba = await startBetterAuth({ plugins: [taskgate()] });
    } finally {
      delete process.env.BETTER_AUTH_SECRETS;
    }
    try {
      const { cookies, user } = await ba.signUp(newUser());
      const { json } = await getToken(ba, cookies);
      assert.equal(inspect(json.token).header.kid, '1');
      assert.equal(createVerifier(OLD).verify(json.token).userId, user.id);
      assert.equal(createVerifier({ secrets: RING }).verify(json.token).userId, user.id);
    } finally {
      await ba.close();
    }
  });
});
