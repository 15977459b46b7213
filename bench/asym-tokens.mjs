// The asymmetric benchmark input: one Better Auth jwt()-plugin-shaped token per algorithm (EdDSA,
// ES256, RS256 with a 2048-bit key), signed here by node:crypto (never by the code under test) with
// the fixed test keys of crate-verify/tests/vectors/jwks-test-keys.json, and the public JWK Set.
//   node bench/asym-tokens.mjs [--now SECONDS] > asym-tokens.json
// Output: { now, iss, aud, sub, jwks: { keys: [public JWKs with kid and alg] }, tokens: { EdDSA, ES256, RS256 } }.
// Tokens expire one hour after `now`; bench/rust, bench/node and bench/workerd/verify-cost-asym.mjs read it.
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ISSUER, USER } from './token.mjs';

const KEYS = new URL('../crate-verify/tests/vectors/jwks-test-keys.json', import.meta.url);
/** The algorithms measured: the test key each is signed with, and the `kid` it is published under. */
export const ALGORITHMS = {
  EdDSA: { key: 'ed', kid: 'bNq3kWc8Yd2hJ5rT0vXz7LpA4sEf6GuM' },
  ES256: { key: 'es256', kid: 'Q2mV9xR4tK7wZ1cH8nB3fL6yD0sJ5gPa' },
  RS256: { key: 'rsa', kid: 'Tz5hN1qW8eK3vC6xM0bR9jF2uL7aY4dS' },
};
const SIGNERS = {
  EdDSA: (data, key) => sign(null, data, key),
  ES256: (data, key) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
  RS256: (data, key) => sign('sha256', data, key),
};

/** The benchmark document for tokens issued at `now` (seconds since the epoch) to user `sub`. */
export function asymTokens(now = Math.floor(Date.now() / 1000), sub = USER) {
  const { keys } = JSON.parse(readFileSync(KEYS, 'utf8'));
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwks = { keys: [] };
  const tokens = {};
  for (const [alg, { key, kid }] of Object.entries(ALGORITHMS)) {
    const priv = createPrivateKey({ key: keys[key], format: 'jwk' });
    // What Better Auth's /api/auth/jwks serves: the public members, kid and alg.
    jwks.keys.push({ ...createPublicKey(priv).export({ format: 'jwk' }), kid, alg });
    // Better Auth's jwt() plugin: the session's user as the payload, then (jose's SignJWT)
    // iat, iss and aud (the base URL), exp, sub.
    const claims = {
      name: 'Someone Example',
      email: 'someone@example.com',
      emailVerified: true,
      image: null,
      createdAt: '2026-01-05T09:30:00.000Z',
      updatedAt: '2026-11-20T16:12:45.000Z',
      id: sub,
      iat: now,
      iss: ISSUER,
      aud: ISSUER,
      exp: now + 3600,
      sub,
    };
    const input = `${b64({ alg, kid })}.${b64(claims)}`;
    tokens[alg] = `${input}.${SIGNERS[alg](Buffer.from(input), priv).toString('base64url')}`;
  }
  return { now, iss: ISSUER, aud: ISSUER, sub, jwks, tokens };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--now');
  const now = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  if (now !== undefined && !Number.isSafeInteger(now)) {
    console.error('asym-tokens: --now needs seconds since the epoch');
    process.exit(1);
  }
  console.log(JSON.stringify(asymTokens(now), null, 1));
}
