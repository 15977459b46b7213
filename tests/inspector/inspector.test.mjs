// The token inspector, served by the real Worker (static assets) under wrangler dev, driven in
// Debian's headless Chromium. Every request the page makes is recorded: none may carry the
// token or the secret. Screenshots of the main states go to tests/artifacts/ (not committed).
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startBetterAuth, CookieJar, sessionTokenOf } from '../lib/better-auth.mjs';
import { WorkerServer, ROOT } from '../lib/worker.mjs';
import { launch } from '../lib/browser.mjs';
import { token, now, b64url, NEW_SECRET, OLD_SECRET, SECRET } from '../lib/tokens.mjs';
import { call } from '../lib/http.mjs';
import { ERRORS } from '../../pkg/dist/contract.js';

const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
let server, browser, page;
const requests = [];
const pageErrors = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET } });
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  page.on('request', (r) =>
    requests.push({ url: r.url(), method: r.method(), body: r.postData() ?? '', headers: r.headers() }),
  );
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function paste(t) {
  await page.fill('#token', t);
}
async function verifyWith(secret, { issuer = '', audience = '', leeway = '0', ring = false } = {}) {
  await page.fill('#secret', secret);
  await page.setChecked('#secret-is-ring', ring);
  await page.fill('#issuer', issuer);
  await page.fill('#audience', audience);
  await page.fill('#leeway', leeway);
  await page.click('#verify');
  await page.waitForSelector('#verdict-box');
  return page.evaluate(() => ({
    user: document.querySelector('#verified-user')?.textContent ?? null,
    code: document.querySelector('#verdict-code')?.textContent ?? null,
    text: document.querySelector('#verdict-box').textContent,
  }));
}
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `inspector-${name}.png`), fullPage: true });

describe('token inspector', () => {
  it('is served by the Worker at / with its package build, nothing from elsewhere', async () => {
    assert.equal(await page.title(), 'TaskGate token inspector');
    const urls = requests.map((r) => r.url);
    // The package's full build (it verifies Better Auth's session cookie cache too).
    assert.ok(
      urls.some((u) => u.endsWith('/pkg/wasm/taskgate_full_bg.wasm')),
      urls.join(' '),
    );
    for (const u of urls) assert.ok(u.startsWith(server.url), u);
    await shot('empty');
  });

  it('a real Better Auth session cookie cache: recognised, its session key hidden, verified as where it is enabled', async () => {
    const ba = await startBetterAuth({
      secret: SECRET,
      session: { cookieCache: { enabled: true, maxAge: 300, strategy: 'jwt' } },
    });
    try {
      const up = await ba.signUp({ email: `inspector-${Date.now()}@example.com`, password: 'a-long-password-123' });
      const jar = new CookieJar(up.setCookies);
      const sessionKey = sessionTokenOf(jar);
      await paste(jar.get('better-auth.session_data'));
      assert.match(await page.textContent('#warnings'), /Better Auth session cookie cache/);
      assert.match(await page.textContent('#status'), /Well-formed/, 'judged by the session cache rules');
      const shown = (await page.textContent('#payload')) + (await page.textContent('#claims'));
      assert.ok(!shown.includes(sessionKey), 'the session key is not shown');
      assert.match(shown, /\[redacted\]/);
      const v = await verifyWith(SECRET);
      assert.equal(v.user, up.user.id, v.text);
      await shot('session-cache');
      const v2 = await verifyWith('a-different-secret-0123456789-abcdefghij');
      assert.equal(v2.code, 'invalid_signature');
      assert.ok(!requests.some((r) => JSON.stringify(r).includes(sessionKey)), 'no request carries it');
    } finally {
      await ba.close();
    }
  });

  describe('cookie mode: Better Auth session cookies a real Better Auth wrote, in each strategy', () => {
    const vectors = JSON.parse(
      readFileSync(path.join(ROOT, 'crate-verify/tests/vectors/better-auth-session-cache.json'), 'utf8'),
    );
    const WRONG = 'a-different-secret-0123456789-abcdefghij';
    // One vector of each strategy: compact as a whole Cookie header in chunks, jwt under a
    // rotated ring, jwe as the bare value.
    const cases = [
      { name: 'default-large', paste: 'cookieHeader' },
      { name: 'jwt-ring', paste: 'value' },
      { name: 'jwe-old', paste: 'value' },
    ].map(({ name, paste: what }) => ({ ...vectors.cases.find((c) => c.name === name), what }));
    let cookiePage;
    const cookieRequests = [];
    before(async () => {
      cookiePage = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
      cookiePage.on('request', (r) =>
        cookieRequests.push({ url: r.url(), body: r.postData() ?? '', headers: r.headers() }),
      );
      cookiePage.on('pageerror', (e) => pageErrors.push(String(e)));
    });
    after(() => cookiePage?.close());

    /** Everything in the page: its text (hidden parts too), and every field's value but the pasted cookie's. */
    const shown = () =>
      cookiePage.evaluate(
        () =>
          document.body.textContent +
          [...document.querySelectorAll('input, textarea')]
            .filter((e) => e.id !== 'token')
            .map((e) => e.value)
            .join(' '),
      );
    async function verifyCookie(secret, ring) {
      await cookiePage.fill('#secret', secret);
      await cookiePage.setChecked('#secret-is-ring', ring);
      await cookiePage.click('#verify');
      await cookiePage.waitForSelector('#verdict-box');
      return cookiePage.evaluate(() => ({
        user: document.querySelector('#verified-user')?.textContent ?? null,
        code: document.querySelector('#verdict-code')?.textContent ?? null,
        text: document.querySelector('#verdict-box').textContent,
      }));
    }

    for (const c of cases) {
      it(`${c.strategy} (${c.name}): verified with its secret, the session key never shown; a wrong secret is invalid_signature`, async () => {
        // Its cookie lives 300 s: the page's clock is set a minute after it was made.
        await cookiePage.goto(`${server.url}/?now=${c.madeAt + 60}`);
        await cookiePage.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
        assert.match(await cookiePage.textContent('#clock-note'), new RegExp(`now=${c.madeAt + 60}`));
        await cookiePage.check('#mode-cookie');
        assert.equal(await cookiePage.inputValue('#strategy'), 'compact', "Better Auth's default first");
        await cookiePage.selectOption('#strategy', c.strategy);
        await cookiePage.fill('#token', c[c.what]);
        // Without the secret: a jwt one is decoded (its key redacted); compact and jwe say they need it.
        if (c.strategy === 'jwt') {
          assert.match(await cookiePage.textContent('#payload'), /\[redacted\]/);
          assert.match(await cookiePage.textContent('#payload'), new RegExp(c.userId));
        } else {
          assert.equal(await cookiePage.textContent('#payload'), '—');
          assert.match(await cookiePage.textContent('#status'), /enter the secret/);
          assert.match(await cookiePage.textContent('#strategy-note'), c.strategy === 'jwe' ? /encrypted/ : /secret/);
        }
        assert.ok(!(await shown()).includes(c.sessionToken), 'the session key is not shown before verifying');

        const ring = c.ring === vectors.secrets.ring;
        const v = await verifyCookie(c.ring, ring);
        assert.equal(v.user, c.userId, v.text);
        assert.match(await cookiePage.textContent('#status'), /Verified/);
        const payload = await cookiePage.textContent('#payload');
        assert.match(payload, /"token": "\[redacted\]"/);
        assert.match(payload, new RegExp(`"userId": "${c.userId}"`));
        assert.ok(!(await shown()).includes(c.sessionToken), 'the session key is never shown');
        await cookiePage.screenshot({
          path: path.join(ARTIFACTS, `inspector-cookie-${c.strategy}.png`),
          fullPage: true,
        });

        const bad = await verifyCookie(WRONG, false);
        assert.equal(bad.code, 'invalid_signature', bad.text);
        assert.ok(bad.text.includes(`How to fix: ${ERRORS.invalid_signature.hint}`), bad.text);
        assert.ok(!(await shown()).includes(c.sessionToken));
      });
    }

    it('a cookie of another strategy than the one picked is refused, with a hint of its shape', async () => {
      const c = cases[0];
      await cookiePage.selectOption('#strategy', 'jwe');
      await cookiePage.fill('#token', c.cookieHeader);
      assert.match(await cookiePage.textContent('#warnings'), /shape of the "compact" strategy, not "jwe"/);
      // Configured, never guessed: read as a JWE, a compact cookie is not one.
      assert.equal((await verifyCookie(c.ring, false)).code, 'malformed_token');
      await cookiePage.selectOption('#strategy', 'compact');
      assert.equal((await verifyCookie(c.ring, false)).user, c.userId);
      await cookiePage.fill('#token', 'theme=dark; other=1');
      assert.match(await cookiePage.textContent('#status'), /no better-auth.session_data cookie/);
      assert.equal((await verifyCookie(c.ring, false)).code, 'missing_token');
      // The cookie's fields fit a narrow screen too.
      await cookiePage.setViewportSize({ width: 380, height: 900 });
      const overflow = await cookiePage.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
      await cookiePage.screenshot({ path: path.join(ARTIFACTS, 'inspector-cookie-narrow.png'), fullPage: true });
    });

    it('no request of the cookie page carries a cookie, a session key or a secret', () => {
      assert.ok(cookieRequests.length >= 4);
      const secrets = [vectors.secrets.old, vectors.secrets.new, WRONG, 'eyJ', ...cases.map((c) => c.sessionToken)];
      for (const r of cookieRequests) {
        assert.ok(r.url.startsWith(server.url), r.url);
        const text = `${r.url} ${r.body} ${JSON.stringify(r.headers)}`;
        for (const s of secrets) assert.ok(!text.includes(s), `${r.url} carries ${s.slice(0, 6)}…`);
      }
      assert.deepEqual(pageErrors, []);
    });
  });

  it('an EdDSA token is verified against a pasted JWK Set, with the issuer and audience', async () => {
    const rules = JSON.parse(readFileSync(path.join(ROOT, 'crate-verify/tests/vectors/rules-jwks.json'), 'utf8'));
    const ed = rules.cases.find((c) => c.name.startsWith('EdDSA signed')).token;
    const iss = rules.defaults.options.jwks_issuer;
    await paste(ed);
    assert.match(await page.textContent('#warnings'), /verified with a key of a JWK Set/);
    await page.fill('#jwks', JSON.stringify(rules.jwks));
    // The case's token has expired on today's clock: the verdict names that, after the signature passed.
    const v = await verifyWith('', { issuer: iss, audience: iss });
    assert.equal(v.code, 'token_expired', v.text);
    await page.fill('#jwks', JSON.stringify({ keys: rules.jwks.keys.filter((k) => k.kid !== 'k-ed') }));
    assert.equal((await verifyWith('', { issuer: iss, audience: iss })).code, 'unknown_key');
    await shot('jwks');
    for (const id of ['#jwks', '#issuer', '#audience']) await page.fill(id, '');
  });

  it('every input has a label', async () => {
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea')].filter((e) => e.labels.length === 0).map((e) => e.id),
    );
    assert.deepEqual(unlabeled, []);
  });

  it('a valid token: decoded, claims listed, verified with the user id', async () => {
    await paste(token('inspector-user', { claims: { email: 'i@example.com' } }));
    const decoded = await page.textContent('#payload');
    assert.match(decoded, /"sub": "inspector-user"/);
    assert.match(await page.textContent('#status'), /Well-formed/);
    assert.match(await page.textContent('#claims'), /expires in 5\d min|expires in 1 h/);
    assert.equal(await page.locator('#segments span').count(), 5);
    const v = await verifyWith(SECRET);
    assert.equal(v.user, 'inspector-user');
    await shot('verified');
  });

  it('a tampered token is invalid_signature', async () => {
    const [h, , s] = token('inspector-user').split('.');
    await paste(`${h}.${b64url(JSON.stringify({ sub: 'admin', exp: now() + 600 }))}.${s}`);
    const v = await verifyWith(SECRET);
    assert.equal(v.code, 'invalid_signature');
    assert.match(v.text, /How to fix/);
    await shot('tampered');
  });

  it('an expired token is token_expired, with the relative time', async () => {
    await paste(token('inspector-user', { claims: { exp: now() - 300, iat: now() - 4000 } }));
    const v = await verifyWith(SECRET);
    assert.equal(v.code, 'token_expired');
    assert.match(v.text, /claim "exp"/);
    assert.match(await page.textContent('#claims'), /expired 5 min( \d+ s)? ago/);
    assert.match(await page.textContent('#status'), /token_expired/);
    await shot('expired');
  });

  it('garbage is malformed_token, and the page does not crash', async () => {
    for (const g of ['garbage', '...', '\u0000\u0001', 'a.b.c.d', '🙂'.repeat(50)]) {
      await paste(g);
      assert.match(await page.textContent('#status'), /malformed_token/, g);
    }
    const v = await verifyWith(SECRET);
    assert.equal(v.code, 'malformed_token');
    assert.deepEqual(pageErrors, []);
    await shot('garbage');
  });

  it('warns about a missing exp, a long lifetime and a wrong alg', async () => {
    const long = token('u', { claims: { exp: now() + 7 * 86400 } });
    await paste(long);
    assert.match(await page.textContent('#warnings'), /Long lifetime: 7 d/);
    await paste(token('u', { claims: { exp: undefined } }));
    assert.match(await page.textContent('#warnings'), /No "exp"/);
    await paste(token('u', { header: { alg: 'HS512' } }));
    // HS512 is not one of the algorithms TaskGate accepts (the warning lists them).
    assert.match(await page.textContent('#warnings'), /"alg" is "HS512": TaskGate accepts .*HS256/);
  });

  it('a rotated ring verifies tokens of the old and the new key', async () => {
    const ring = `2:${NEW_SECRET},1:${OLD_SECRET}`;
    await paste(token('rotated-new', { secret: NEW_SECRET, header: { kid: '2' } }));
    assert.equal((await verifyWith(ring, { ring: true })).user, 'rotated-new');
    await paste(token('rotated-old', { secret: OLD_SECRET, header: { kid: '1' } }));
    assert.equal((await verifyWith(ring, { ring: true })).user, 'rotated-old');
    await paste(token('rotated-old', { secret: OLD_SECRET, header: { kid: '2' } }));
    assert.equal((await verifyWith(ring, { ring: true })).code, 'invalid_signature');
    // Unticked, the same text is one secret: the tokens do not verify against it.
    assert.equal((await verifyWith(ring)).code, 'invalid_signature');
  });

  it('issuer, audience and leeway give the same verdict as the API would', async () => {
    await paste(token('u', { claims: { iss: 'https://evil.example' } }));
    assert.equal((await verifyWith(SECRET, { issuer: 'https://app.example' })).code, 'invalid_issuer');
    await paste(token('u', { claims: { exp: now() - 30 } }));
    assert.equal((await verifyWith(SECRET, { leeway: '120' })).user, 'u');
    // The page's verdict equals the live API's code for the same tokens.
    for (const t of [
      token('u', { claims: { nbf: now() + 999 } }),
      token('u', { claims: { sub: '' } }),
      token('u', { secret: OLD_SECRET }),
      'x.y.z',
    ]) {
      await paste(t);
      const pageCode = (await verifyWith(SECRET)).code;
      const api = await call(server.url, 'GET', '/api/u/tasks', { token: t });
      assert.equal(pageCode, api.json.code);
    }
  });

  it("the mint panel's token works against the live API", async () => {
    await page.fill('#mint-user', 'minted-user');
    await page.fill('#mint-email', 'm@example.com');
    await page.fill('#mint-lifetime', '15');
    await page.fill('#mint-secret', SECRET);
    await page.click('#mint');
    const minted = await page.inputValue('#minted-token');
    const curl = await page.inputValue('#minted-curl');
    assert.ok(curl.includes(`'${server.url}/api/minted-user/tasks'`), curl);
    assert.ok(curl.includes(minted));
    const r = await call(server.url, 'GET', '/api/minted-user/tasks', { token: minted });
    assert.equal(r.status, 200);
    await page.click('#use-minted');
    assert.match(await page.textContent('#payload'), /minted-user/);
    await shot('minted');
  });

  it('a weak secret in the mint panel is explained', async () => {
    await page.fill('#mint-secret', 'short');
    await page.click('#mint');
    assert.match(await page.textContent('#mint-error'), /weak_key/);
  });

  it('dark mode and a narrow screen render (screenshots)', async () => {
    await paste(token('inspector-user'));
    await verifyWith(SECRET);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('dark');
    await page.setViewportSize({ width: 380, height: 900 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
    await shot('narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 1400 });
  });

  it('no request the page made carries a token or a secret', () => {
    const secrets = [SECRET, NEW_SECRET, OLD_SECRET, 'eyJ'];
    assert.ok(requests.length >= 4);
    for (const r of requests) {
      assert.equal(r.method, 'GET', r.url);
      const text = `${r.url} ${r.body} ${JSON.stringify(r.headers)}`;
      for (const s of secrets) assert.ok(!text.includes(s), `${r.url} carries ${s.slice(0, 6)}…`);
    }
  });
});
