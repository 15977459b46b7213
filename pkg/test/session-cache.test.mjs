// Better Auth's session cookie cache in each strategy (`compact`, Better Auth's default; `jwt`;
// `jwe`) through the package's default entry and the full one, on cookies a real Better Auth wrote
// (crate-verify/tests/vectors/better-auth-session-cache.json): `authorize` reads the cookie
// (whole, or in chunks, or under the `__Secure-` prefix), applies the Origin rule of contract 3.3,
// and never hands out the live session key; another secret, another strategy, another version and
// every tampered character are refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createVerifier, SESSION_CACHE_STRATEGIES } from '../dist/node.js';
import * as full from '../dist/full/node.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../crate-verify/tests/vectors/better-auth-session-cache.json', import.meta.url), 'utf8'),
);
const keysOf = (ring) => (ring.includes(':') ? { secrets: ring } : ring);
const builds = [
  ['taskgate-verify', createVerifier],
  ['taskgate-verify/full', full.createVerifier],
];

describe('the session cookie cache, from the default entry and the full one', () => {
  it("names Better Auth's strategies, its default first", () => {
    assert.deepEqual([...SESSION_CACHE_STRATEGIES], ['compact', 'jwt', 'jwe']);
  });

  for (const [entry, create] of builds) {
    for (const c of vectors.cases) {
      it(`${entry}: ${c.name} (${c.strategy}${c.chunks ? `, ${c.chunks} chunks` : ''})`, () => {
        const options = { sessionCache: c.strategy, sessionCacheVersion: c.version ?? undefined, now: c.madeAt };
        const v = create(keysOf(c.ring), options);
        const got = v.authorize({ cookie: c.cookieHeader });
        assert.equal(got.ok, true, got.body);
        assert.equal(got.verified.userId, c.userId);
        assert.equal(got.verified.claims.session.id, c.sessionId);
        assert.equal(got.verified.claims.session.token, '[redacted]');
        assert.ok(!JSON.stringify(got.verified).includes(c.sessionToken), 'the live key came out');
        // The same cookie under the `__Secure-` prefix (Better Auth over https).
        const secure = c.cookieHeader.replaceAll('better-auth.session_data', '__Secure-better-auth.session_data');
        assert.equal(v.authorize({ cookie: secure }).ok, true);
        // A rotated ring reads a cookie of its older secret.
        assert.equal(create({ secrets: vectors.secrets.ring }, options).authorize({ cookie: c.cookieHeader }).ok, true);
        // Another secret, another strategy, another version.
        if (!c.ring.includes(':')) {
          const other = create(vectors.secrets.new, options).authorize({ cookie: c.cookieHeader });
          assert.equal(other.ok || other.error.code, 'invalid_signature');
        }
        for (const strategy of SESSION_CACHE_STRATEGIES.filter((s) => s !== c.strategy)) {
          const wrong = create(keysOf(c.ring), { ...options, sessionCache: strategy }).authorize({
            cookie: c.cookieHeader,
          });
          assert.equal(wrong.ok, false, `read as ${strategy}`);
          assert.equal(wrong.status, 401);
        }
        const version = create(keysOf(c.ring), { ...options, sessionCacheVersion: 'v9' }).authorize({
          cookie: c.cookieHeader,
        });
        assert.deepEqual([version.ok, version.error?.code, version.error?.claim], [false, 'invalid_claim', 'version']);
        // Expired with the cookie (maxAge 300).
        const late = create(keysOf(c.ring), { ...options, now: c.madeAt + 302 }).authorize({ cookie: c.cookieHeader });
        assert.deepEqual([late.ok, late.error?.code], [false, 'token_expired']);
      });
    }
  }

  it('the Origin rule: a change a cookie authenticates needs its own or a listed origin', () => {
    const c = vectors.cases.find((x) => x.strategy === 'compact' && !x.chunks);
    const v = createVerifier(c.ring, {
      sessionCache: 'compact',
      now: c.madeAt,
      allowedOrigins: ['https://app.example'],
    });
    const post = (origin) =>
      v.authorize({
        cookie: c.cookieHeader,
        method: 'POST',
        origin,
        ownOrigin: 'https://api.example',
        pathUser: c.userId,
      });
    assert.equal(post('https://app.example').ok, true);
    assert.equal(post('https://api.example').ok, true);
    for (const origin of [undefined, 'https://evil.example', 'null']) {
      const r = post(origin);
      assert.deepEqual([r.ok, r.status, r.error?.code], [false, 403, 'origin_not_allowed'], String(origin));
    }
    const other = v.authorize({ cookie: c.cookieHeader, pathUser: 'someone-else' });
    assert.deepEqual([other.status, other.error.code], [403, 'forbidden']);
    // A bearer header wins: the cookie is then not read at all.
    assert.equal(v.authorize({ cookie: c.cookieHeader, authorization: 'Bearer x' }).error.code, 'malformed_token');
  });

  it('every tampered character of a cookie is refused, in each strategy', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of vectors.cases.filter((x) => x.name.endsWith('-old'))) {
      const v = createVerifier(c.ring, { sessionCache: c.strategy, now: c.madeAt });
      for (let i = 0; i < c.value.length; i++) {
        const next = alphabet[(alphabet.indexOf(c.value[i]) + 1) % alphabet.length];
        const tampered = c.value.slice(0, i) + next + c.value.slice(i + 1);
        const r = v.authorize({ cookie: `better-auth.session_data=${tampered}` });
        assert.equal(r.ok, false, `${c.name}: character ${i} changed, still accepted`);
      }
    }
  });

  it('sessionCache takes true (jwt), false, or a strategy; anything else is invalid_config', () => {
    const c = vectors.cases.find((x) => x.name === 'jwt-old');
    assert.equal(
      createVerifier(c.ring, { sessionCache: true, now: c.madeAt }).authorize({ cookie: c.cookieHeader }).ok,
      true,
    );
    const off = createVerifier(c.ring, { sessionCache: false, now: c.madeAt }).authorize({ cookie: c.cookieHeader });
    assert.equal(off.error.code, 'missing_token');
    assert.throws(
      () => createVerifier(c.ring, { sessionCache: 'cookie' }),
      (e) => e.code === 'invalid_config' && /compact, jwt, jwe/.test(e.message),
    );
  });
});
