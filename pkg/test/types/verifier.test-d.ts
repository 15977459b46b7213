// A type test, compiled by tsc in `make lint` (tsconfig.check.json) and never run: each of
// createVerifier's and verify's overloads has one return type, chosen by the keys' type
// (full.d.ts). Each `@ts-expect-error` marks a wrong use that must stay a type error.
import * as core from '../../js/index.js';
import {
  type AsyncVerifier,
  type AuthorizeResult,
  type FullVerifier,
  checkSignature,
  createVerifier,
  refusalOf,
  TokenError,
  type Verified,
  verify,
} from '../../js/full.js';

/** `true` when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when T is `true`. */
type Assert<T extends true> = T;

const secret = 'type-test-secret-0123456789-abcdefghijklmnop';
const jwks = { keys: [] };

// Keys at hand: synchronous checks.
const given = createVerifier({ secret, jwks }, { jwksIssuer: 'https://app.example', realm: 'tasks' });
export const givenType: Assert<Equal<typeof given, FullVerifier>> = true;
export const verified: Assert<Equal<ReturnType<FullVerifier['verify']>, Verified>> = true;
export const authorized: Assert<Equal<ReturnType<FullVerifier['authorize']>, AuthorizeResult>> = true;
export const fromBytes: FullVerifier = createVerifier(new Uint8Array(32));
export const fromRing: FullVerifier = createVerifier({ secrets: `1:${secret}` });
// A union of key forms: either verifier.
declare const someKeys: string | { jwksUrl: string };
export const fromUnion: FullVerifier | AsyncVerifier = createVerifier(someKeys);

// A set fetched from a URL: every check is a Promise.
const fetched = createVerifier({ jwksUrl: 'https://app.example/api/auth/jwks' });
export const fetchedType: Assert<Equal<typeof fetched, AsyncVerifier>> = true;
export const fetchedVerify: Assert<Equal<ReturnType<AsyncVerifier['verify']>, Promise<Verified>>> = true;
export const oneShotFetched: Promise<Verified> = verify('t', { jwksUrl: 'https://app.example/jwks' });
export const oneShotGiven: Verified = verify('t', secret);

// An environment: which one depends on its key source, and `fetchesKeys` tells.
const env: Record<string, string | undefined> = {};
const either = createVerifier(env);
export const eitherType: Assert<Equal<typeof either, FullVerifier | AsyncVerifier>> = true;
export async function userOf(token: string): Promise<string> {
  if (!either.fetchesKeys) return either.verify(token).userId;
  const sure: Assert<Equal<typeof either, AsyncVerifier>> = true;
  // @ts-expect-error an AsyncVerifier's verify is a Promise
  const wrong: string = either.verify(token).userId;
  return (await either.verifyAsync(token)).userId + String(sure) + wrong;
}

// The core build: one verifier type, synchronous.
export const coreType: Assert<Equal<ReturnType<typeof core.createVerifier>['verify'], (token: string) => Verified>> =
  true;
// @ts-expect-error the core build takes no JWK Set URL
core.createVerifier({ jwksUrl: 'https://app.example/jwks' });

// The rest of the full build's functions.
export const challenge: string | undefined = refusalOf(new TokenError('missing_token'), { realm: 'tasks' }).challenge;
export const byWasm: boolean | null = checkSignature('EdDSA', {}, new Uint8Array(), new Uint8Array());
export const byWebCrypto: Promise<boolean | null> = checkSignature(
  'EdDSA',
  {},
  new Uint8Array(),
  new Uint8Array(),
  'webcrypto',
);
