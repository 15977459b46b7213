// The rule cases of crate-verify/tests/vectors/rules.json, built in JavaScript with node:crypto
// (independently of the package), exactly as crate-verify/tests/common/rule_cases.rs builds
// them. The format is in crate-verify/tests/vectors/README.md.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const VECTORS = new URL('../../crate-verify/tests/vectors/', import.meta.url);
export const load = (name) => JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8'));

const b64 = (bytes) => Buffer.from(bytes).toString('base64url');

/** `${text*n}` -> text repeated n times. */
export const expand = (s) => s.replace(/\$\{(.+?)\*(\d+)\}/gs, (_, text, n) => text.repeat(Number(n)));

function segmentBytes(c, defaults, name) {
  const hex = c[`${name}_hex`];
  if (hex !== undefined) return Buffer.from(hex, 'hex');
  return Buffer.from(expand(c[name] ?? defaults[name] ?? ''), 'utf8');
}

/** The token a case describes. */
export function buildToken(c, defaults) {
  if (c.token !== undefined) return expand(c.token);
  const secret = c.sign_with ?? defaults.secret;
  const input = `${b64(segmentBytes(c, defaults, 'header'))}.${b64(segmentBytes(c, defaults, 'payload'))}`;
  let tag = createHmac('sha256', secret).update(input).digest();
  let tagB64;
  const mode = c.tag;
  if (mode === 'flip_bit') tag[0] ^= 1;
  else if (mode === 'empty') tag = Buffer.alloc(0);
  else if (mode === 'extend') tag = Buffer.concat([tag, Buffer.from([0])]);
  else if (mode?.startsWith('truncate:')) tag = tag.subarray(0, Number(mode.slice(9)));
  else if (mode?.startsWith('first_char:')) tagB64 = mode.slice(11) + b64(tag).slice(1);
  else if (mode === 'trailing_bit') {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const s = b64(tag);
    tagB64 = s.slice(0, 42) + alphabet[alphabet.indexOf(s[42]) ^ 1];
  } else if (mode !== undefined) throw new Error(`unknown tag mode ${mode}`);
  let token = `${input}.${tagB64 ?? b64(tag)}`;
  for (const [op, a, b] of c.edit ?? []) {
    const segments = token.split('.');
    if (op === 'append') token += a;
    else if (op === 'prepend') token = a + token;
    else if (op === 'append_repeat') token += a.repeat(b);
    else if (op === 'truncate') token = token.slice(0, a);
    else if (op === 'drop_last_segment') token = token.slice(0, token.lastIndexOf('.'));
    else if (op === 'replace_first') token = token.replace(a, b);
    else if (op === 'segment_append') {
      segments[a] += b;
      token = segments.join('.');
    } else if (op === 'segment_prepend') {
      segments[a] = b + segments[a];
      token = segments.join('.');
    } else if (op === 'set_segment') {
      segments[a] = b64(b);
      token = segments.join('.');
    } else throw new Error(`unknown edit ${op}`);
  }
  return token;
}

/** The package's keys and options for a case (the clock pinned to its `now`). */
export function verifierArgs(c, defaults) {
  const keys = c.keys?.secrets !== undefined ? { secrets: c.keys.secrets } : (c.keys?.secret ?? defaults.secret);
  const o = c.options ?? {};
  const options = { now: c.now ?? defaults.now };
  if (o.leeway !== undefined) options.leeway = o.leeway;
  if (o.issuer !== undefined) options.issuer = o.issuer;
  if (o.audience !== undefined) options.audience = o.audience;
  if (o.max_age !== undefined) options.maxAge = o.max_age;
  if (o.max_token_len !== undefined) options.maxTokenLength = o.max_token_len;
  if (o.require_exp !== undefined) options.requireExp = o.require_exp;
  if (o.session_cache !== undefined) options.sessionCache = o.session_cache;
  return [keys, options];
}

/** What a case expects: `ok:<sub>`, `<code>` or `<code>:<claim>`. */
export const expected = (c) =>
  c.expect === 'ok' ? `ok:${expand(c.sub)}` : c.claim ? `${c.expect}:${c.claim}` : c.expect;

/** A Wycheproof group's key as a JWK (the last ECDSA groups only give affine coordinates). */
function jwkOf(group, crv, size) {
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  if (jwk) return jwk;
  const coordinate = (hex) => {
    let b = Buffer.from(hex, 'hex');
    while (b.length > size && b[0] === 0) b = b.subarray(1);
    return Buffer.concat([Buffer.alloc(Math.max(0, size - b.length)), b]).toString('base64url');
  };
  return { kty: 'EC', crv, x: coordinate(group.publicKey.wx), y: coordinate(group.publicKey.wy) };
}

/**
 * The Wycheproof signature suites of the asymmetric algorithms, flattened: `{ alg, total,
 * vectors: [{ tcId, comment, result, jwk, msg, sig }] }` (hex `msg` and `sig`; RSA keys carry
 * the suite's `alg`, as a key must say which of RS256 / PS256 it is for).
 */
export function wycheproofSignatureSuites() {
  const suites = [
    ['wycheproof-ed25519_test.json', 'EdDSA', null, 0, 151],
    ['wycheproof-ecdsa_secp256r1_sha256_p1363_test.json', 'ES256', 'P-256', 32, 262],
    ['wycheproof-ecdsa_secp521r1_sha512_p1363_test.json', 'ES512', 'P-521', 66, 318],
    ['wycheproof-rsa_signature_2048_sha256_test.json', 'RS256', null, 0, 259],
    ['wycheproof-rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256', null, 0, 108],
  ];
  return suites.map(([file, alg, crv, size, total]) => ({
    alg,
    total,
    vectors: load(file).testGroups.flatMap((group) => {
      const jwk = { ...jwkOf(group, crv, size), kid: 'k' };
      if (alg === 'RS256' || alg === 'PS256') jwk.alg = alg;
      return group.tests.map((t) => ({
        tcId: t.tcId,
        comment: t.comment,
        result: t.result,
        jwk,
        msg: t.msg,
        sig: t.sig,
      }));
    }),
  }));
}

/**
 * The failures of a platform's WebCrypto verdicts (`webcrypto[i]` for `vectors[i]`) against
 * the vectors' labels ("acceptable": either) and against the Wasm's verdicts (`wasm[i]`).
 */
export function verdictFailures(alg, vectors, webcrypto, wasm) {
  return vectors.flatMap((t, i) => {
    const valid = webcrypto[i] === true;
    const wrong = (t.result === 'valid' && !valid) || (t.result === 'invalid' && valid);
    return wrong || webcrypto[i] !== wasm[i]
      ? [`${alg} tcId ${t.tcId} (${t.result}, ${t.comment}): WebCrypto ${webcrypto[i]}, Wasm ${wasm[i]}`]
      : [];
  });
}
