// The rules through the package's API in Node: every case of the shared rules.json (the same
// cases the Rust crate runs natively and in wasm32), then what is particular to JavaScript:
// the forms keys and options take, results, errors, and the generated contract tables.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createVerifier, verify, inspect, TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS } from '../dist/node.js';
import * as full from '../dist/full/node.js';
import { SECRET, NOW, raw, claims, VALID } from './helpers.mjs';
import { load, buildToken, verifierArgs, expected } from './cases.mjs';

const v = createVerifier(SECRET, { now: NOW });
const outcome = (token, verifier = v) => {
  try {
    return verifier.verify(token).userId;
  } catch (e) {
    assert.ok(e instanceof TokenError, String(e));
    return e.claim ? `${e.code}:${e.claim}` : e.code;
  }
};

describe('rules.json: every rule case', () => {
  const { defaults, cases } = load('rules.json');
  for (const c of cases) {
    it(`${c.rule}: ${c.name}`, () => {
      const [keys, options] = verifierArgs(c, defaults);
      const got = outcome(buildToken(c, defaults), createVerifier(keys, options));
      const want = expected(c);
      assert.equal(want.startsWith('ok:') ? `ok:${got}` : got, want);
    });
  }
});

describe('the two builds', () => {
  it('the core build refuses a JWK Set, naming the import that has them', () => {
    for (const keys of [{ jwks: { keys: [] } }, { secret: SECRET, jwksUrl: 'https://auth.example/api/auth/jwks' }]) {
      assert.throws(
        () => createVerifier(keys),
        (e) =>
          e.code === 'invalid_config' && /import \{ createVerifier \} from 'taskgate-verify\/full'/.test(e.message),
      );
    }
  });
  it('both builds share one TokenError, and answer the same for the same token', () => {
    assert.equal(full.TokenError, TokenError);
    const t = claims('{"sub":"a","exp":1}');
    for (const build of [{ createVerifier }, full]) {
      assert.throws(
        () => build.createVerifier(SECRET, { now: NOW }).verify(t),
        (e) => e instanceof TokenError && e.code === 'token_expired',
      );
    }
  });
  it("inspect redacts a session's live key in both builds, and names the shape", () => {
    const payload = '{"session":{"token":"LIVE-key","userId":"u"},"user":{"id":"u"},"exp":1700000100}';
    for (const i of [inspect(raw('{"alg":"HS256"}', payload)), full.inspect(raw('{"alg":"HS256"}', payload))]) {
      assert.equal(i.sessionCache, true);
      assert.ok(!i.payloadText.includes('LIVE-key'));
      assert.equal(i.payload.session.token, '[redacted]');
    }
    assert.equal(inspect(claims(VALID)).sessionCache, false);
  });
});

describe('keys and options (JavaScript forms)', () => {
  it('a Uint8Array key works like its string', () => {
    const bytes = new TextEncoder().encode(SECRET);
    assert.equal(outcome(claims(VALID), createVerifier(bytes, { now: NOW })), 'user_1');
  });
  it('a ring verifies old and new keys; kid selects one', () => {
    const ring = `2:${SECRET}-new,1:${SECRET}-old`;
    const r = createVerifier({ secrets: ring }, { now: NOW });
    assert.equal(outcome(raw('{"alg":"HS256","kid":"2"}', VALID, `${SECRET}-new`), r), 'user_1');
    assert.equal(outcome(raw('{"alg":"HS256","kid":"1"}', VALID, `${SECRET}-old`), r), 'user_1');
    assert.equal(outcome(raw('{"alg":"HS256"}', VALID, `${SECRET}-old`), r), 'user_1');
    assert.equal(outcome(raw('{"alg":"HS256","kid":"2"}', VALID, `${SECRET}-old`), r), 'invalid_signature');
    assert.equal(outcome(raw('{"alg":"HS256","kid":"9"}', VALID, `${SECRET}-new`), r), 'invalid_signature');
  });
  it('{ secrets } and an environment object pick the ring over the secret', () => {
    const env = { BETTER_AUTH_SECRET: 'x', BETTER_AUTH_SECRETS: `7:${SECRET}` };
    assert.equal(outcome(raw('{"alg":"HS256","kid":"7"}', VALID), createVerifier(env, { now: NOW })), 'user_1');
    assert.equal(outcome(claims(VALID), createVerifier({ secrets: `7:${SECRET}` }, { now: NOW })), 'user_1');
    assert.equal(outcome(claims(VALID), createVerifier({ secret: SECRET }, { now: NOW })), 'user_1');
  });
  it("an environment object follows the crate's settings rules: blank is unset, names are not values", () => {
    const env = { BETTER_AUTH_SECRET: SECRET, BETTER_AUTH_SECRETS: '  ' };
    assert.equal(outcome(claims(VALID), createVerifier(env, { now: NOW })), 'user_1');
    // The error names the variable at fault in the crate's words (never the value).
    assert.throws(
      () => createVerifier({ BETTER_AUTH_SECRET: ' ' }),
      (e) => e.code === 'invalid_config' && e.setting === 'BETTER_AUTH_SECRET is not set',
    );
    assert.throws(
      () => createVerifier({ BETTER_AUTH_SECRET: 'tiny-value-x' }),
      (e) =>
        e.code === 'weak_key' &&
        e.setting === 'BETTER_AUTH_SECRET holds a key shorter than 32 bytes' &&
        !e.message.includes('tiny-value-x'),
    );
    assert.throws(
      () => createVerifier({ BETTER_AUTH_SECRETS: `7:${SECRET},6` }),
      (e) => e.code === 'invalid_config' && /^BETTER_AUTH_SECRETS cannot be parsed/.test(e.setting),
    );
    // Keys given as values name no variable.
    assert.throws(
      () => createVerifier({ secret: 'short' }),
      (e) => e.code === 'weak_key' && e.setting === undefined,
    );
  });
  it('a secret string is always one secret, even with ":" and ","', () => {
    const odd = 'base64:abc,2:def-0123456789-0123456789-xyz';
    assert.equal(outcome(claims(VALID, odd), createVerifier(odd, { now: NOW })), 'user_1');
    assert.equal(outcome(claims(VALID, odd), createVerifier({ secret: odd }, { now: NOW })), 'user_1');
  });
  it('a key under 32 bytes throws weak_key', () => {
    assert.throws(
      () => createVerifier('x'.repeat(31)),
      (e) => e instanceof TokenError && e.code === 'weak_key',
    );
    assert.throws(
      () => createVerifier({ secrets: `1:${'x'.repeat(31)}` }),
      (e) => e.code === 'weak_key',
    );
  });
  it('bad rings and options throw invalid_config', () => {
    assert.throws(
      () => createVerifier({ secrets: `1:${SECRET},1:${SECRET}` }),
      (e) => e.code === 'invalid_config',
    );
    assert.throws(
      () => createVerifier(SECRET, { leeway: 301 }),
      (e) => e.code === 'invalid_config',
    );
    assert.throws(
      () => createVerifier(SECRET, { leeway: 1.5 }),
      (e) => e.code === 'invalid_config',
    );
    assert.throws(
      () => createVerifier(42),
      (e) => e.code === 'invalid_config',
    );
  });
});

describe('results and errors', () => {
  it('returns userId, claims (unknown ones kept) and header', () => {
    const r = v.verify(
      raw('{"alg":"HS256","typ":"JWT","kid":"k"}', '{"sub":"u\\u00e9","exp":1700000100,"role":"admin","n":{"x":[1]}}'),
    );
    assert.equal(r.userId, 'ué');
    assert.deepEqual(r.claims, { sub: 'ué', exp: 1700000100, role: 'admin', n: { x: [1] } });
    assert.deepEqual(r.header, { alg: 'HS256', typ: 'JWT', kid: 'k' });
    assert.deepEqual(JSON.parse(JSON.stringify(r)), { userId: 'ué', claims: r.claims, header: r.header });
  });
  it('a TokenError has code, claim and a sentence, never the token', () => {
    const t = claims('{"sub":"secret-user","exp":1}');
    try {
      v.verify(t);
      assert.fail('should throw');
    } catch (e) {
      assert.equal(e.name, 'TokenError');
      assert.equal(e.message, 'the token has expired (claim "exp")');
      assert.ok(!e.message.includes('secret-user') && !e.stack.includes(t));
    }
  });
  it('the one-shot verify agrees', () => {
    assert.equal(verify(claims(VALID), SECRET, { now: NOW }).userId, 'user_1');
    assert.throws(
      () => verify(claims(VALID), SECRET, { now: NOW + 1000 }),
      (e) => e.code === 'token_expired',
    );
  });
  it('now may be a Date or a function', () => {
    assert.equal(createVerifier(SECRET, { now: new Date(NOW * 1000) }).verify(claims(VALID)).userId, 'user_1');
    assert.equal(createVerifier(SECRET, { now: () => NOW }).verify(claims(VALID)).userId, 'user_1');
  });
});

describe('the generated contract tables agree with the crate', () => {
  // The native crate's own catalogue, through the CLI (built by the pkg suite).
  const contract = JSON.parse(
    execFileSync(new URL('../../target/debug/taskgate', import.meta.url).pathname, ['contract', '--format', 'json'], {
      encoding: 'utf8',
    }),
  );
  it('ERROR_CODES, ERRORS, CLAIMS and LIMITS', () => {
    assert.deepEqual(
      [...ERROR_CODES],
      contract.error_codes.map((e) => e.code),
    );
    for (const e of contract.error_codes)
      assert.deepEqual({ ...ERRORS[e.code] }, { description: e.description, hint: e.hint });
    assert.deepEqual([...CLAIMS], contract.claims);
    assert.deepEqual({ ...LIMITS }, contract.limits);
  });
  it("the .d.ts unions list exactly the crate's codes and claims", () => {
    const dts = readFileSync(new URL('../dist/contract.d.ts', import.meta.url), 'utf8');
    const union = (name) =>
      [...new RegExp(`export type ${name} = ([^;]+);`).exec(dts)[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    assert.deepEqual(
      union('ErrorCode'),
      contract.error_codes.map((e) => e.code),
    );
    assert.deepEqual(
      union('RefusalCode'),
      contract.refusals.map((e) => e.code),
    );
    assert.deepEqual(union('ClaimName'), contract.claims);
    const index = readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8');
    assert.match(index, /from '\.\/contract\.js'/);
    assert.doesNotMatch(index, /'missing_token'|'user_email'/, 'index.d.ts restates no code or claim');
  });
  it('every error code gets its sentence, and its HTTP answer from the crate', () => {
    for (const e of contract.error_codes) {
      const r = full.refusalOf(new TokenError(e.code));
      assert.equal(r.status, e.status, e.code);
      assert.equal(JSON.parse(r.body).code, e.answered_as, e.code);
    }
  });
});

describe('authorize (full build): steps 1 and 2 as the Worker answers them', () => {
  const v = full.createVerifier(SECRET, { now: NOW });
  const t = claims(VALID);
  it("a bearer token of the path's user passes", () => {
    const r = v.authorize({ authorization: `Bearer ${t}`, pathUser: 'user_1' });
    assert.equal(r.ok, true);
    assert.equal(r.verified.userId, 'user_1');
  });
  it('no token: 401 without an error in the challenge', () => {
    const r = v.authorize({ authorization: 'Basic abc' });
    assert.deepEqual(
      [r.ok, r.status, r.challenge, JSON.parse(r.body).code],
      [false, 401, 'Bearer realm="tasks"', 'missing_token'],
    );
  });
  it('a bad token: 401 naming the code and claim', () => {
    const r = v.authorize({ authorization: `bearer  ${claims('{"sub":"a","exp":1}')}` });
    assert.equal(r.challenge, 'Bearer realm="tasks", error="invalid_token", error_description="token_expired"');
    assert.deepEqual(JSON.parse(r.body), {
      detail: 'The token has expired (claim "exp").',
      code: 'token_expired',
      claim: 'exp',
    });
  });
  it("another user's path: 403 forbidden", () => {
    const r = v.authorize({ authorization: `Bearer ${t}`, pathUser: 'user_2' });
    assert.equal(r.status, 403);
    assert.equal(r.error.code, 'forbidden');
    assert.equal(r.challenge, 'Bearer realm="tasks", error="insufficient_scope", error_description="forbidden"');
  });
  it('a token cookie is read only without an Authorization header', () => {
    const c = full.createVerifier(SECRET, { now: NOW, tokenCookie: 'tg' });
    assert.equal(c.authorize({ cookie: `a=1; tg=${t}` }).ok, true);
    assert.equal(c.authorize({ authorization: 'Basic x', cookie: `tg=${t}` }).error.code, 'missing_token');
    assert.equal(v.authorize({ cookie: `tg=${t}` }).error.code, 'missing_token', 'no cookie configured');
  });
  it("Better Auth's session cookie cache, whole or in chunks, with the Origin rule for changes", () => {
    const payload =
      '{"session":{"token":"LIVE-key","userId":"u_1","expiresAt":"2023-11-15T00:00:00.000Z"},"user":{"id":"u_1"},"exp":1700000100}';
    const cache = raw('{"alg":"HS256"}', payload);
    const c = full.createVerifier(SECRET, { now: NOW, sessionCache: true, allowedOrigins: ['https://app.example'] });
    const ok = c.authorize({ cookie: `better-auth.session_data=${cache}` });
    assert.equal(ok.verified.userId, 'u_1');
    assert.ok(!JSON.stringify(ok.verified.claims).includes('LIVE-key'));
    const [a, b] = [cache.slice(0, 40), cache.slice(40)];
    assert.equal(c.authorize({ cookie: `better-auth.session_data.1=${b}; better-auth.session_data.0=${a}` }).ok, true);
    const change = {
      cookie: `__Secure-better-auth.session_data=${cache}`,
      method: 'POST',
      ownOrigin: 'https://api.example',
    };
    assert.equal(c.authorize({ ...change, origin: 'https://app.example' }).ok, true);
    assert.equal(c.authorize({ ...change, origin: 'https://api.example' }).ok, true);
    for (const origin of [undefined, 'https://evil.example']) {
      const r = c.authorize({ ...change, origin });
      assert.deepEqual([r.status, r.error.code, r.challenge], [403, 'origin_not_allowed', undefined], String(origin));
    }
    assert.equal(
      c.authorize({ ...change, method: 'GET', origin: 'https://evil.example' }).ok,
      true,
      'reads need no Origin',
    );
    const prefixed = full.createVerifier(SECRET, { now: NOW, sessionCache: true, cookiePrefix: 'tg' });
    assert.equal(prefixed.authorize({ cookie: `tg.session_data=${cache}` }).ok, true);
  });
});
