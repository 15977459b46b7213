// The npm package in a real headless Chromium: a plain HTML page imports dist/browser.js (no
// bundler) and verifies, inspects and signs; tokens cross between Node and the browser.
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, serve } from '../lib/browser.mjs';
import { ROOT } from '../lib/worker.mjs';
import { token, signRaw, now } from '../lib/tokens.mjs';
import { verdictFailures, wycheproofSignatureSuites } from '../../pkg/test/cases.mjs';
import { asymTokens } from '../../bench/asym-tokens.mjs';
import { sessionCacheChecks, sessionCacheFailures, sessionVectors } from '../lib/session-cache-checks.mjs';

const SECRET = 'browser-test-secret-0123456789-abcdefghij';
const PAGE = `<!doctype html><meta charset="utf-8"><title>pkg</title>
<script type="module">
  window.taskgate = await import('/pkg/dist/browser.js');
  window.full = await import('/pkg/dist/full/browser.js');
  window.ready = true;
</script>`;

let browser, page, site;
const requests = [];
before(async () => {
  site = await serve({ routes: { '/pkg/': path.join(ROOT, 'pkg') }, pages: { '/': PAGE } });
  browser = await launch();
  page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${site.url}/`);
  await page
    .waitForFunction(() => window.ready === true, null, { timeout: 20_000 })
    .catch((e) => {
      throw new Error(`page did not load the package: ${errors.join('; ')} ${e}`);
    });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

it('verifies a token signed in Node (node:crypto)', async () => {
  const t = token('browser-user', { secret: SECRET });
  const user = await page.evaluate(([t, s]) => window.taskgate.createVerifier(s).verify(t).userId, [t, SECRET]);
  assert.equal(user, 'browser-user');
});

it('refuses tampered, expired and garbage tokens with the contract codes', async () => {
  const good = token('u', { secret: SECRET });
  const [h, , s] = good.split('.');
  const cases = {
    invalid_signature: `${h}.${Buffer.from('{"sub":"admin","exp":9999999999}').toString('base64url')}.${s}`,
    token_expired: token('u', { secret: SECRET, claims: { exp: now() - 5 } }),
    malformed_token: 'garbage',
    unsupported_algorithm: signRaw('{"alg":"none"}', '{"sub":"u"}', SECRET),
  };
  for (const [want, t] of Object.entries(cases)) {
    const got = await page.evaluate(
      ([t, s]) => {
        try {
          window.taskgate.createVerifier(s).verify(t);
          return 'ok';
        } catch (e) {
          return e instanceof window.taskgate.TokenError ? e.code : String(e);
        }
      },
      [t, SECRET],
    );
    assert.equal(got, want);
  }
});

it('inspects without a key and never throws', async () => {
  const out = await page.evaluate(() => {
    const t = window.taskgate;
    return ['', 'a.b', '\u0000.\u0001.\u0002', 'eyJhbGciOiJub25lIn0.e30.'].map((x) =>
      t.inspect(x).problems.map((p) => p.code),
    );
  });
  assert.deepEqual(out, [
    ['missing_token'],
    ['malformed_token'],
    ['malformed_token'],
    ['unsupported_algorithm', 'invalid_signature', 'missing_claim'],
  ]);
});

it('signs in the browser; Node verifies it', async () => {
  const t = await page.evaluate((s) => window.taskgate.sign({ sub: 'from-browser' }, s, { expiresIn: 60 }), SECRET);
  const { createVerifier } = await import(path.join(ROOT, 'pkg/dist/node.js'));
  assert.equal(createVerifier(SECRET).verify(t).userId, 'from-browser');
});

it('loads only from its own origin (no CDN, no other host)', () => {
  assert.ok(requests.length >= 3);
  for (const u of requests) assert.ok(u.startsWith(site.url), u);
});

it("Wycheproof signature vectors: Chromium's WebCrypto gives each its label, and the Wasm's verdict", async () => {
  for (const { alg, vectors } of wycheproofSignatureSuites()) {
    const [webcrypto, wasm] = await page.evaluate(
      async ([alg, vectors]) => {
        const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
        const via = async (v) => {
          const out = [];
          for (const t of vectors)
            out.push(await window.full.checkSignature(alg, t.jwk, unhex(t.msg), unhex(t.sig), v));
          return out;
        };
        return [await via('webcrypto'), await via('wasm')];
      },
      [alg, vectors],
    );
    assert.deepEqual(verdictFailures(alg, vectors, webcrypto, wasm), []);
  }
});

it('asymmetric tokens: verify (Wasm) and verifyAsync (WebCrypto) agree in Chromium', async () => {
  const { jwks, iss, aud, sub, tokens } = asymTokens();
  const forged = (t) => `${t.slice(0, -2)}${t.at(-2) === 'A' ? 'B' : 'A'}${t.at(-1)}`;
  const list = Object.values(tokens).flatMap((t) => [t, forged(t)]);
  const got = await page.evaluate(
    async ([jwks, iss, aud, list]) => {
      const v = window.full.createVerifier({ jwks }, { jwksIssuer: iss, jwksAudience: aud });
      const outcome = async (f) => {
        try {
          return `ok:${(await f()).userId}`;
        } catch (e) {
          return e.code;
        }
      };
      const out = [];
      for (const t of list) out.push([await outcome(() => v.verify(t)), await outcome(() => v.verifyAsync(t))]);
      return out;
    },
    [jwks, iss, aud, list],
  );
  assert.deepEqual(
    got,
    Object.values(tokens).flatMap(() => [
      [`ok:${sub}`, `ok:${sub}`],
      ['invalid_signature', 'invalid_signature'],
    ]),
  );
});

it("Better Auth's session cookie cache in each strategy, from the default entry", async () => {
  const groups = sessionCacheChecks(sessionVectors);
  const [answers, seen] = await page.evaluate(
    (groups) => {
      const answers = [];
      const seen = [];
      for (const { keys, options, requests } of groups) {
        const v = window.taskgate.createVerifier(keys, options);
        answers.push(
          requests.map((input) => {
            const r = v.authorize(input);
            seen.push(JSON.stringify(r.ok ? r.verified : r));
            return r.ok
              ? { ok: true, userId: r.verified.userId, sessionToken: r.verified.claims.session?.token }
              : { ok: false, code: r.error.code, claim: r.error.claim ?? null, status: r.status };
          }),
        );
        v.free();
      }
      return [answers, seen];
    },
    groups.map(({ keys, options, checks }) => ({ keys, options, requests: checks.map(([, input]) => input) })),
  );
  for (const c of sessionVectors.cases)
    for (const t of seen) assert.ok(!t.includes(c.sessionToken), `${c.name}: the live session key came out`);
  assert.deepEqual(sessionCacheFailures(groups, answers), []);
  // Every case: 4 with its ring, the rotated ring, 2 other strategies, another version (+ another secret).
  assert.ok(groups.flatMap((g) => g.checks).length >= 8 * sessionVectors.cases.length);
});
