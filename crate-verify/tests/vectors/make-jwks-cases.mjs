// Writes rules-jwks.json: the asymmetric rule cases (docs/contract.md section 3.2) as data, with
// every token signed here by node:crypto (independently of the crate) with the fixed test keys
// of jwks-test-keys.json (created on the first run; test keys, never used elsewhere).
//   node crate-verify/tests/vectors/make-jwks-cases.mjs
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, createHmac, constants } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const here = (name) => new URL(name, import.meta.url);
const NOW = 1_700_000_000;
const ISS = 'https://app.example';
const SECRET = 'test-secret-0123456789-abcdefghijklmn';

// The private keys, as JWKs.
if (!existsSync(here('jwks-test-keys.json'))) {
  const jwk = (pair) => pair.privateKey.export({ format: 'jwk' });
  const keys = {
    ed: jwk(generateKeyPairSync('ed25519')),
    es256: jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' })),
    es512: jwk(generateKeyPairSync('ec', { namedCurve: 'P-521' })),
    rsa: jwk(generateKeyPairSync('rsa', { modulusLength: 2048 })),
    rsa1024: jwk(generateKeyPairSync('rsa', { modulusLength: 1024 })),
    es384: jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' })),
  };
  writeFileSync(
    here('jwks-test-keys.json'),
    `${JSON.stringify({ about: 'Test keys for make-jwks-cases.mjs: private JWKs, made for these tests only.', keys }, null, 1)}\n`,
  );
}
const { keys } = JSON.parse(readFileSync(here('jwks-test-keys.json'), 'utf8'));
const priv = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, createPrivateKey({ key: v, format: 'jwk' })]));
const pub = (name) => createPublicKey(priv[name]).export({ format: 'jwk' });

// The JWK Set the verifier is given.
const set = {
  keys: [
    { ...pub('ed'), kid: 'k-ed', alg: 'EdDSA', use: 'sig' },
    { ...pub('es256'), kid: 'k-es256', alg: 'ES256' },
    { ...pub('es512'), kid: 'k-es512', alg: 'ES512' },
    { ...pub('rsa'), kid: 'k-rs256', alg: 'RS256' },
    { ...pub('rsa'), kid: 'k-ps256', alg: 'PS256' },
    { ...pub('es256'), kid: 'k-es256-noalg' },
  ],
};

const b64 = (s) => Buffer.from(s).toString('base64url');
const signers = {
  EdDSA: (data, key) => sign(null, data, priv[key]),
  ES256: (data, key) => sign('sha256', data, { key: priv[key], dsaEncoding: 'ieee-p1363' }),
  ES512: (data, key) => sign('sha512', data, { key: priv[key], dsaEncoding: 'ieee-p1363' }),
  RS256: (data, key) => sign('sha256', data, priv[key]),
  PS256: (data, key) =>
    sign('sha256', data, { key: priv[key], padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
};
/** A token: header and payload objects, signed with `signer` ([alg, key name]) or an HMAC secret. */
function token(header, payload, { signer, hmac, tamper } = {}) {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  let sig = hmac
    ? createHmac('sha256', hmac).update(input).digest()
    : signers[signer[0]](Buffer.from(input), signer[1]);
  if (tamper === 'flip') {
    sig = Buffer.from(sig);
    sig[0] ^= 1;
  }
  return `${input}.${b64(sig)}`;
}
const claims = (extra = {}) => ({ sub: 'user_1', iat: NOW - 10, exp: NOW + 900, iss: ISS, aud: ISS, ...extra });
/** Better Auth's session cookie cache members (no `sub`): the shape that takes the cookie-cache rules. */
const SESSION_SHAPE = {
  session: { token: 'LIVE-key', id: 's_1', userId: 'user_1', expiresAt: '2023-11-15T00:00:00.000Z' },
  user: { id: 'user_1' },
};
const ok = (alg, key) =>
  token({ alg, kid: key === 'rsa' ? `k-${alg.toLowerCase()}` : `k-${key}` }, claims(), { signer: [alg, key] });

const S = '3.2 JWKS';
const cases = [
  { name: 'EdDSA signed with a key of the set verifies', token: ok('EdDSA', 'ed'), expect: 'ok', sub: 'user_1' },
  { name: 'ES256 verifies', token: ok('ES256', 'es256'), expect: 'ok', sub: 'user_1' },
  { name: 'ES512 (P-521, SHA-512) verifies', token: ok('ES512', 'es512'), expect: 'ok', sub: 'user_1' },
  { name: 'RS256 verifies', token: ok('RS256', 'rsa'), expect: 'ok', sub: 'user_1' },
  { name: 'PS256 (salt 32) verifies', token: ok('PS256', 'rsa'), expect: 'ok', sub: 'user_1' },
  {
    name: "an EC key without alg is bound to its curve's algorithm",
    token: token({ alg: 'ES256', kid: 'k-es256-noalg' }, claims(), { signer: ['ES256', 'es256'] }),
    expect: 'ok',
    sub: 'user_1',
  },
  {
    name: 'typ JWT is accepted',
    token: token({ alg: 'EdDSA', kid: 'k-ed', typ: 'JWT' }, claims(), { signer: ['EdDSA', 'ed'] }),
    expect: 'ok',
    sub: 'user_1',
  },
  {
    name: 'without a JWK Set, asymmetric tokens are unsupported_algorithm',
    token: ok('EdDSA', 'ed'),
    set: false,
    expect: 'unsupported_algorithm',
  },
  {
    name: 'alg none is unsupported_algorithm',
    token: `${b64('{"alg":"none","kid":"k-ed"}')}.${b64(JSON.stringify(claims()))}.`,
    expect: 'unsupported_algorithm',
  },
  {
    name: 'alg ES384 is unsupported_algorithm',
    token: token({ alg: 'ES384', kid: 'k-es256' }, claims(), { signer: ['ES256', 'es256'] }),
    expect: 'unsupported_algorithm',
  },
  {
    name: 'alg written in lower case is unsupported_algorithm',
    token: token({ alg: 'eddsa', kid: 'k-ed' }, claims(), { signer: ['EdDSA', 'ed'] }),
    expect: 'unsupported_algorithm',
  },
  {
    name: 'a missing kid is unknown_key',
    token: token({ alg: 'EdDSA' }, claims(), { signer: ['EdDSA', 'ed'] }),
    expect: 'unknown_key',
  },
  {
    name: 'a kid naming no key is unknown_key',
    token: token({ alg: 'EdDSA', kid: 'k-other' }, claims(), { signer: ['EdDSA', 'ed'] }),
    expect: 'unknown_key',
  },
  {
    name: 'a kid that is not a string is unknown_key',
    token: token({ alg: 'EdDSA', kid: 7 }, claims(), { signer: ['EdDSA', 'ed'] }),
    expect: 'unknown_key',
  },
  {
    name: 'alg changed from EdDSA to ES256 with the same kid is invalid_signature',
    token: token({ alg: 'ES256', kid: 'k-ed' }, claims(), { signer: ['ES256', 'es256'] }),
    expect: 'invalid_signature',
  },
  {
    name: 'alg changed from ES256 to RS256 with the same kid is invalid_signature',
    token: token({ alg: 'RS256', kid: 'k-es256' }, claims(), { signer: ['RS256', 'rsa'] }),
    expect: 'invalid_signature',
  },
  {
    name: 'an RS256 signature under the PS256 key is invalid_signature (a key has one algorithm)',
    token: token({ alg: 'RS256', kid: 'k-ps256' }, claims(), { signer: ['RS256', 'rsa'] }),
    expect: 'invalid_signature',
  },
  {
    name: 'HS256 with the public key (as JSON) as the secret is invalid_signature',
    token: token({ alg: 'HS256', kid: 'k-ed' }, claims(), { hmac: JSON.stringify(set.keys[0]) }),
    expect: 'invalid_signature',
  },
  {
    name: 'HS256 with the public key (raw x) as the secret is invalid_signature',
    token: token({ alg: 'HS256', kid: 'k-ed' }, claims(), { hmac: Buffer.from(pub('ed').x, 'base64url') }),
    expect: 'invalid_signature',
  },
  {
    name: 'HS256 with the configured secret still verifies beside a JWK Set',
    token: token({ alg: 'HS256', typ: 'JWT' }, { sub: 'user_1', exp: NOW + 900 }, { hmac: SECRET }),
    expect: 'ok',
    sub: 'user_1',
  },
  {
    name: 'a flipped signature bit is invalid_signature',
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims(), { signer: ['EdDSA', 'ed'], tamper: 'flip' }),
    expect: 'invalid_signature',
  },
  {
    name: 'a tampered payload is invalid_signature',
    token: (() => {
      const [h, , s] = ok('ES256', 'es256').split('.');
      return `${h}.${b64(JSON.stringify(claims({ sub: 'admin' })))}.${s}`;
    })(),
    expect: 'invalid_signature',
  },
  {
    name: 'an ES256 signature in DER form is invalid_signature',
    token: (() => {
      const input = `${b64('{"alg":"ES256","kid":"k-es256"}')}.${b64(JSON.stringify(claims()))}`;
      return `${input}.${b64(sign('sha256', Buffer.from(input), priv.es256))}`;
    })(),
    expect: 'invalid_signature',
  },
  {
    name: 'an asymmetric token needs iss',
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims({ iss: undefined }), { signer: ['EdDSA', 'ed'] }),
    expect: 'invalid_issuer',
    claim: 'iss',
  },
  {
    name: 'another iss is invalid_issuer',
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims({ iss: 'https://evil.example' }), { signer: ['EdDSA', 'ed'] }),
    expect: 'invalid_issuer',
    claim: 'iss',
  },
  {
    name: 'an asymmetric token needs aud',
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims({ aud: undefined }), { signer: ['EdDSA', 'ed'] }),
    expect: 'invalid_audience',
    claim: 'aud',
  },
  {
    name: 'aud may be an array holding the expected audience',
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims({ aud: ['x', ISS] }), { signer: ['EdDSA', 'ed'] }),
    expect: 'ok',
    sub: 'user_1',
  },
  {
    name: 'with nothing to check iss against, an asymmetric token is refused',
    token: ok('EdDSA', 'ed'),
    options: { jwks_issuer: null },
    expect: 'invalid_issuer',
    claim: 'iss',
  },
  {
    name: 'JWT_ISSUER wins over BETTER_AUTH_URL for asymmetric tokens',
    token: ok('EdDSA', 'ed'),
    options: { issuer: 'https://other.example' },
    expect: 'invalid_issuer',
    claim: 'iss',
  },
  {
    name: 'an expired asymmetric token is token_expired',
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims({ exp: NOW }), { signer: ['EdDSA', 'ed'] }),
    expect: 'token_expired',
    claim: 'exp',
  },
  {
    name: 'the JWKS-signed session cookie cache verifies where the cache is accepted',
    token: token(
      { alg: 'EdDSA', kid: 'k-ed', typ: 'better-auth.session-cache+jwt' },
      claims({
        aud: 'better-auth:session-cache',
        sid: 'LIVE-key',
        session: { token: 'LIVE-key', id: 's_1', userId: 'user_1' },
      }),
      { signer: ['EdDSA', 'ed'] },
    ),
    options: { session_cache: true },
    expect: 'ok',
    sub: 'user_1',
  },
  {
    name: 'the JWKS-signed session cookie cache is unsupported_header where it is not',
    token: token(
      { alg: 'EdDSA', kid: 'k-ed', typ: 'better-auth.session-cache+jwt' },
      claims({ aud: 'better-auth:session-cache' }),
      { signer: ['EdDSA', 'ed'] },
    ),
    expect: 'unsupported_header',
  },
  {
    name: 'the JWKS-signed session cookie cache needs its own audience',
    token: token({ alg: 'EdDSA', kid: 'k-ed', typ: 'better-auth.session-cache+jwt' }, claims(), {
      signer: ['EdDSA', 'ed'],
    }),
    options: { session_cache: true },
    expect: 'invalid_audience',
    claim: 'aud',
  },
  {
    name: "an asymmetric token shaped like the session cookie cache (no sub) has its iss checked: another service's",
    token: token(
      { alg: 'EdDSA', kid: 'k-ed' },
      claims({ sub: undefined, ...SESSION_SHAPE, iss: 'https://other.example' }),
      { signer: ['EdDSA', 'ed'] },
    ),
    options: { session_cache: true },
    expect: 'invalid_issuer',
    claim: 'iss',
  },
  {
    name: 'an asymmetric token shaped like the session cookie cache (no sub) has its iss checked: none',
    token: token(
      { alg: 'EdDSA', kid: 'k-ed' },
      claims({ sub: undefined, ...SESSION_SHAPE, iss: undefined, aud: undefined }),
      { signer: ['EdDSA', 'ed'] },
    ),
    options: { session_cache: true },
    expect: 'invalid_issuer',
    claim: 'iss',
  },
  {
    name: 'an asymmetric token shaped like the session cookie cache (no sub) has its aud checked',
    token: token(
      { alg: 'EdDSA', kid: 'k-ed' },
      claims({ sub: undefined, ...SESSION_SHAPE, aud: 'https://other.example' }),
      { signer: ['EdDSA', 'ed'] },
    ),
    options: { session_cache: true },
    expect: 'invalid_audience',
    claim: 'aud',
  },
  {
    name: "an asymmetric token shaped like the session cookie cache (no sub) with the app's iss and aud verifies",
    token: token({ alg: 'EdDSA', kid: 'k-ed' }, claims({ sub: undefined, ...SESSION_SHAPE }), {
      signer: ['EdDSA', 'ed'],
    }),
    options: { session_cache: true },
    expect: 'ok',
    sub: 'user_1',
  },
  {
    name: 'the session cookie cache typ is not accepted on HS256',
    token: token(
      { alg: 'HS256', typ: 'better-auth.session-cache+jwt' },
      { sub: 'user_1', exp: NOW + 900 },
      { hmac: SECRET },
    ),
    options: { session_cache: true },
    expect: 'unsupported_header',
  },
];

const doc = {
  about:
    'The asymmetric rule cases of docs/contract.md section 3.2: a JWK Set, the verifier settings, and tokens signed by node:crypto (make-jwks-cases.mjs), with the outcome. Read by crate-verify/tests/jwks.rs and pkg/test/jwks.test.mjs.',
  defaults: { now: NOW, secret: SECRET, options: { jwks_issuer: ISS, jwks_audience: ISS } },
  jwks: set,
  cases: cases.map((c) => ({ rule: S, ...c })),
};
const lines = [
  '{',
  ` "about": ${JSON.stringify(doc.about)},`,
  ` "defaults": ${JSON.stringify(doc.defaults)},`,
  ` "jwks": ${JSON.stringify(doc.jwks)},`,
  ' "cases": [',
  doc.cases.map((c) => `  ${JSON.stringify(c)}`).join(',\n'),
  ' ]',
  '}',
];
writeFileSync(here('rules-jwks.json'), `${lines.join('\n')}\n`);
console.log(`${doc.cases.length} cases`);
