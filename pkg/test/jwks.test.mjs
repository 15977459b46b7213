// Asymmetric tokens through the package's full build: every case of the shared rules-jwks.json,
// the Wycheproof signature suites through the signature layer and the JWS file's asymmetric
// groups (the outcomes the Rust tests expect, from the same expected-outcomes.json), and a JWK Set
// fetched from a URL: one fetch for many waiting checks, the crate's refetch rules on a fake clock,
// and keys_unavailable when none can be had.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as full from '../dist/full/node.js';
import { TokenError, createVerifier as coreVerifier } from '../dist/node.js';
import { load, wycheproofSignatureSuites } from './cases.mjs';

const RULES = load('rules-jwks.json');
const EXPECTED = load('expected-outcomes.json');

const outcome = (fn) => {
  try {
    return `ok:${fn().userId}`;
  } catch (e) {
    assert.ok(e instanceof TokenError, String(e));
    return e.claim ? `${e.code}:${e.claim}` : e.code;
  }
};

/** `v` (holding the rule cases' JWK Set and no secret) verifies an EdDSA token and no HS256 one. */
const assertAsymmetricOnly = (v) => {
  const ed = RULES.cases.find((c) => c.name.startsWith('EdDSA signed'));
  const hs = RULES.cases.find((c) => c.name.startsWith('HS256 with the configured secret'));
  assert.equal(
    outcome(() => v.verify(ed.token)),
    'ok:user_1',
  );
  assert.equal(
    outcome(() => v.verify(hs.token)),
    'invalid_signature',
  );
};

describe('rules-jwks.json: every asymmetric rule case', () => {
  const { defaults, jwks } = RULES;
  for (const c of RULES.cases) {
    it(c.name, () => {
      const opt = (name) => (name in (c.options ?? {}) ? (c.options[name] ?? undefined) : defaults.options[name]);
      const options = {
        now: defaults.now,
        jwksIssuer: opt('jwks_issuer'),
        jwksAudience: opt('jwks_audience'),
        issuer: c.options?.issuer,
        sessionCache: c.options?.session_cache,
      };
      const keys = c.set === false ? defaults.secret : { secret: defaults.secret, jwks };
      const want = c.expect === 'ok' ? `ok:${c.sub}` : c.claim ? `${c.expect}:${c.claim}` : c.expect;
      // node:crypto checks the signature (the Node default), then the Wasm does.
      assert.equal(
        outcome(() => full.createVerifier(keys, options).verify(c.token)),
        want,
      );
      assert.equal(
        outcome(() => full.createVerifier(keys, { ...options, platformCrypto: false }).verify(c.token)),
        want,
      );
    });
  }
  it('the core build refuses a JWK Set, naming the full build', () => {
    assert.throws(
      () => coreVerifier({ jwks }),
      (e) => e.code === 'invalid_config' && /taskgate-verify\/full/.test(e.message),
    );
  });
  it('a JWK Set alone verifies asymmetric tokens and no HS256 token', () => {
    const v = full.createVerifier(
      { jwks },
      { now: defaults.now, jwksIssuer: defaults.options.jwks_issuer, jwksAudience: defaults.options.jwks_audience },
    );
    assertAsymmetricOnly(v);
    assert.throws(
      () => full.sign({ sub: 'x' }, { jwks }),
      (e) => e.code === 'invalid_config',
      'nothing to sign with',
    );
  });
  it('an environment with a key source and no secret verifies asymmetric tokens and no HS256 token (contract 3.2)', () => {
    // Before, the full build refused this environment (invalid_config): it wanted a secret.
    const v = full.createVerifier(
      { JWKS: JSON.stringify(jwks), BETTER_AUTH_URL: 'https://app.example/' },
      { now: defaults.now },
    );
    assertAsymmetricOnly(v);
    assert.ok(full.createVerifier({ JWKS_URL: 'https://keys.example/jwks' }));
    assert.ok(full.createVerifier({ BETTER_AUTH_URL: 'https://app.example' }));
    // A secret that is set must still be a good one; without a key source, one is needed.
    for (const [env, code, setting] of [
      [{ JWKS_URL: 'https://keys.example/jwks', BETTER_AUTH_SECRET: 'short' }, 'weak_key', /^BETTER_AUTH_SECRET holds/],
      [{ JWT_ISSUER: 'https://app.example' }, 'invalid_config', /^BETTER_AUTH_SECRET is not set$/],
    ]) {
      assert.throws(
        () => full.createVerifier(env),
        (e) => e instanceof TokenError && e.code === code && setting.test(e.setting),
      );
    }
  });
  it("an environment's bad key source is the crate's sentence, naming the variable", () => {
    for (const [env, setting] of [
      [{ JWKS: '[]' }, 'JWKS is not a JWK Set (a JSON object with a "keys" array)'],
      [
        { JWKS_URL: 'http://keys.example/jwks' },
        'JWKS_URL must be an https: URL (plain http: only for a loopback host)',
      ],
      [{ BETTER_AUTH_URL: 'app.example' }, 'BETTER_AUTH_URL is not an http: or https: URL'],
    ]) {
      assert.throws(
        () => full.createVerifier({ ...env, BETTER_AUTH_SECRET: defaults.secret }),
        (e) => e.code === 'invalid_config' && e.setting === setting && e.message.endsWith(`: ${setting}`),
      );
    }
  });
});

const unhex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('Wycheproof signature suites through the package', () => {
  // The Wasm (RustCrypto), node:crypto (what the Node entries use) and Node's WebCrypto (what
  // the other platforms' asynchronous checks use) each give every vector its label, and all
  // three give the same verdict on every vector ("acceptable" ones included).
  for (const { alg, total, vectors } of wycheproofSignatureSuites()) {
    it(`${alg}: every vector as labelled, the same via the Wasm, node:crypto and WebCrypto`, async () => {
      const failures = [];
      for (const t of vectors) {
        const verdicts = {};
        for (const via of ['wasm', 'platform', 'webcrypto']) {
          verdicts[via] = await full.checkSignature(alg, t.jwk, unhex(t.msg), unhex(t.sig), via);
          const valid = verdicts[via] === true;
          if ((t.result === 'valid' && !valid) || (t.result === 'invalid' && valid))
            failures.push(`tcId ${t.tcId} (${t.comment}) via ${via}: ${verdicts[via]}`);
        }
        if (new Set(Object.values(verdicts)).size !== 1)
          failures.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): ${JSON.stringify(verdicts)}`);
      }
      assert.deepEqual(failures, []);
      assert.equal(vectors.length, total);
    });
  }
});

describe("the Wycheproof JWS file's asymmetric groups through the package", () => {
  const file = load('wycheproof-json_web_signature_test.json');
  const tagChanged = (t) => {
    const i = t.lastIndexOf('.');
    if (i < 0) return t;
    const tag = t.slice(i + 1);
    return `${t.slice(0, i + 1)}${tag.startsWith('A') ? 'B' : 'A'}${tag.slice(1)}`;
  };
  for (const gi of EXPECTED.asymmetric_groups) {
    const group = file.testGroups[gi];
    it(`group ${gi} (${group.comment})`, () => {
      const v = full.createVerifier(
        { secret: new Uint8Array(32), jwks: { keys: [group.public] } },
        { now: EXPECTED.now, jwksIssuer: 'any', jwksAudience: 'any' },
      );
      const wasm = full.createVerifier(
        { secret: new Uint8Array(32), jwks: { keys: [group.public] } },
        { now: EXPECTED.now, jwksIssuer: 'any', jwksAudience: 'any', platformCrypto: false },
      );
      for (const verifier of [v, wasm]) {
        const code = (t) => {
          try {
            verifier.verify(t);
            return 'ok';
          } catch (e) {
            return e.claim ? `${e.code}:${e.claim}` : e.code;
          }
        };
        for (const t of group.tests) {
          const token = typeof t.jws === 'string' ? t.jws : JSON.stringify(t.jws);
          let got = code(token);
          if (got !== 'invalid_signature' && code(tagChanged(token)) === 'invalid_signature') got = 'sig-ok';
          assert.equal(
            got,
            EXPECTED.expected_asymmetric[t.tcId],
            `tcId ${t.tcId}${verifier === wasm ? ' (Wasm)' : ' (node:crypto)'}`,
          );
        }
      }
    });
  }
});

describe('a JWK Set fetched from jwksUrl', () => {
  const servers = [];
  after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
  async function serveSet(body = () => JSON.stringify(RULES.jwks)) {
    const server = createServer((_req, res) => {
      server.fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body());
    });
    server.fetches = 0;
    servers.push(server);
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${server.address().port}/jwks` };
  }
  const ed = RULES.cases.find((c) => c.name.startsWith('EdDSA signed')).token;
  const es = RULES.cases.find((c) => c.name === 'ES256 verifies').token;
  const options = (clock) => ({
    now: () => clock.t,
    jwksIssuer: RULES.defaults.options.jwks_issuer,
    jwksAudience: RULES.defaults.options.jwks_audience,
  });

  it("many checks waiting at once make one fetch; the crate's rules decide the next", async () => {
    const { server, url } = await serveSet();
    const clock = { t: RULES.defaults.now };
    const v = full.createVerifier({ jwksUrl: url }, options(clock));
    const users = await Promise.all(Array.from({ length: 50 }, () => v.verify(ed)));
    assert.deepEqual([...new Set(users.map((u) => u.userId))], ['user_1']);
    assert.equal(server.fetches, 1);
    await v.verify(es);
    assert.equal(server.fetches, 1, 'a known kid: no fetch');
    clock.t += 599;
    await v.verify(ed);
    assert.equal(server.fetches, 1, 'fresh for 10 minutes');
    clock.t += 1;
    await v.verify(ed);
    assert.equal(server.fetches, 2, 'fetched again after 10 minutes');
  });

  it('an unknown kid is fetched again at most every 30 s', async () => {
    let set = { keys: RULES.jwks.keys.filter((k) => k.kid !== 'k-es256') };
    const { server, url } = await serveSet(() => JSON.stringify(set));
    const clock = { t: RULES.defaults.now };
    const v = full.createVerifier({ jwksUrl: url }, options(clock));
    await v.verify(ed);
    set = RULES.jwks; // the new key appears
    await assert.rejects(v.verify(es), (e) => e.code === 'unknown_key');
    assert.equal(server.fetches, 1, 'not within 30 s');
    clock.t += 30;
    assert.equal((await v.verify(es)).userId, 'user_1');
    assert.equal(server.fetches, 2);
  });

  it('no set to be had: keys_unavailable (503 with retryAfter from authorize); HS256 keeps working', async () => {
    const server = createServer();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/jwks`;
    await new Promise((r) => server.close(r));
    const secret = RULES.defaults.secret;
    const clock = { t: RULES.defaults.now };
    const v = full.createVerifier({ secret, jwksUrl: url }, options(clock));
    await assert.rejects(v.verify(ed), (e) => e.code === 'keys_unavailable');
    const r = await v.authorize({ authorization: `Bearer ${ed}` });
    assert.deepEqual([r.status, r.error.code, JSON.parse(r.body).code], [503, 'keys_unavailable', 'keys_unavailable']);
    assert.ok(r.retryAfter >= 1 && r.retryAfter <= 30, String(r.retryAfter));
    const hs = RULES.cases.find((c) => c.name.startsWith('HS256 with the configured secret')).token;
    assert.equal((await v.verify(hs)).userId, 'user_1');
  });

  it("an environment object reads BETTER_AUTH_URL, JWKS_URL and JWKS by the crate's rules", async () => {
    const { server, url } = await serveSet();
    const clock = { t: RULES.defaults.now };
    const env = {
      BETTER_AUTH_SECRET: RULES.defaults.secret,
      JWKS_URL: url,
      BETTER_AUTH_URL: RULES.defaults.options.jwks_issuer,
    };
    const v = full.createVerifier(env, { now: () => clock.t });
    assert.equal((await v.verify(ed)).userId, 'user_1');
    assert.equal(server.fetches, 1);
    const inline = full.createVerifier({ ...env, JWKS: JSON.stringify(RULES.jwks) }, { now: () => clock.t });
    assert.equal(inline.verify(ed).userId, 'user_1', 'an inline set: synchronous');
  });
});
