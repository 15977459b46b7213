// `taskgate-verify/full`: everything `taskgate-verify` has, over the full Wasm build, whose
// verifiers also check asymmetric tokens (EdDSA, ES256, ES512, RS256, PS256) from a JWK Set.
import type {
  Keys,
  JwkSet,
  VerifyOptions,
  Verified,
  TokenError,
  Inspection,
  SignOptions,
  AuthorizeInput,
  AuthorizeResult,
  Refused,
} from './index.js';

export * from './index.js';

/** Keys a verifier holds from the start: the HMAC secret forms, and/or a JWK Set given (`{ jwks }`). */
export type GivenKeys =
  | string
  | Uint8Array
  | { secret: string | Uint8Array; jwks?: JwkSet }
  | { secrets: string; jwks?: JwkSet }
  | { jwks: JwkSet };

/** A JWK Set fetched from `jwksUrl` when needed, alone or with `secret` / `secrets`. */
export type FetchedKeys = { jwksUrl: string } & Partial<{ secret: string | Uint8Array; secrets: string }>;

/**
 * An environment (`process.env`, a Worker's `env`), read by the crate's settings rules:
 * `BETTER_AUTH_SECRETS` or `BETTER_AUTH_SECRET`, and where asymmetric tokens' keys come from:
 * `JWKS` (a set given), else `JWKS_URL` or `BETTER_AUTH_URL` (a set fetched: then the verifier is
 * an {@link AsyncVerifier}; `iss` and `aud` must be `BETTER_AUTH_URL`'s origin).
 */
export type Environment = {
  BETTER_AUTH_SECRET?: string;
  BETTER_AUTH_SECRETS?: string;
  JWKS?: string;
  JWKS_URL?: string;
  BETTER_AUTH_URL?: string;
  [variable: string]: string | undefined;
};

/**
 * Keys of the full build: besides the HMAC secret forms, a JWK Set for asymmetric tokens
 * (EdDSA, ES256, ES512, RS256, PS256): given (`{ jwks }`: the verifier's checks are synchronous)
 * or fetched from `jwksUrl` when needed (an {@link AsyncVerifier}: its checks return promises),
 * alone or with `secret` / `secrets`; or an environment.
 */
export type FullKeys = GivenKeys | FetchedKeys | Environment;

/** Options of the full build: how a JWK Set is fetched, and where signatures are checked. */
export interface FullVerifyOptions extends VerifyOptions {
  /** The fetch used for `jwksUrl` (default: the global one). */
  fetch?: typeof fetch;
  /**
   * Whether asymmetric signatures are checked by the platform's own crypto where it has the
   * algorithm (default `true`): node:crypto in Node (every check), WebCrypto elsewhere (the
   * asynchronous checks: `verifyAsync`, `authorizeAsync`, every check with `jwksUrl`). The
   * rules, and the choice of key, are always the Wasm's; `false`: the Wasm checks signatures too.
   */
  platformCrypto?: boolean;
}

/** A verifier of the full build whose keys are all at hand: `verify` and `authorize` are synchronous. */
export interface FullVerifier {
  /** Verifies a token (asymmetric signatures: node:crypto in Node, else the Wasm). */
  verify(token: string): Verified;
  /** `verify`, as a Promise, with asymmetric signatures checked by the platform (see `platformCrypto`). */
  verifyAsync(token: string): Promise<Verified>;
  /** Steps 1 and 2 of a request (401, then 403), by the same rules as the Worker. */
  authorize(input: AuthorizeInput): AuthorizeResult;
  /** `authorize`, as a Promise, with asymmetric signatures checked as `verifyAsync` does. */
  authorizeAsync(input: AuthorizeInput): Promise<AuthorizeResult>;
  free(): void;
  /** `false`: the checks are synchronous. */
  readonly fetchesKeys: false;
}

/**
 * A verifier whose JWK Set is fetched from a URL (`jwksUrl`, or an environment's `JWKS_URL` /
 * `BETTER_AUTH_URL`): every check may wait for the keys, so `verify` and `authorize` return
 * promises (the same as `verifyAsync` and `authorizeAsync`).
 */
export interface AsyncVerifier {
  verify(token: string): Promise<Verified>;
  verifyAsync(token: string): Promise<Verified>;
  authorize(input: AuthorizeInput): Promise<AuthorizeResult>;
  authorizeAsync(input: AuthorizeInput): Promise<AuthorizeResult>;
  free(): void;
  /** `true`: the checks return promises. */
  readonly fetchesKeys: true;
}

/** @deprecated The former name of {@link AsyncVerifier}. */
export type FetchingVerifier = AsyncVerifier;

/** A JWK Set fetched from `jwksUrl`: an {@link AsyncVerifier}. Throws `weak_key` / `invalid_config`. */
export function createVerifier(keys: FetchedKeys, options?: FullVerifyOptions): AsyncVerifier;
/** Keys at hand: a {@link FullVerifier}. */
export function createVerifier(keys: GivenKeys, options?: FullVerifyOptions): FullVerifier;
/**
 * An environment: an {@link AsyncVerifier} when its key source is a URL (`JWKS_URL`, or
 * `BETTER_AUTH_URL` without `JWKS`), else a {@link FullVerifier}; `fetchesKeys` tells which.
 * `verifyAsync` and `authorizeAsync` return promises with either.
 */
export function createVerifier(keys: Environment, options?: FullVerifyOptions): FullVerifier | AsyncVerifier;
/** Keys of any of these forms (a union): either verifier, as `fetchesKeys` tells. */
export function createVerifier(keys: FullKeys, options?: FullVerifyOptions): FullVerifier | AsyncVerifier;
/** One-shot verification, for a set fetched from `jwksUrl`. */
export function verify(token: string, keys: FetchedKeys, options?: FullVerifyOptions): Promise<Verified>;
/** One-shot verification. Prefer {@link createVerifier} on hot paths. */
export function verify(token: string, keys: GivenKeys, options?: FullVerifyOptions): Verified;
/** One-shot verification with an environment: a Promise when its key source is a URL. */
export function verify(token: string, keys: Environment, options?: FullVerifyOptions): Verified | Promise<Verified>;
export function verify(token: string, keys: FullKeys, options?: FullVerifyOptions): Verified | Promise<Verified>;
export function inspect(
  token: string,
  options?: Pick<VerifyOptions, 'leeway' | 'issuer' | 'audience' | 'now' | 'sessionCache'>,
): Inspection;
export function sign(claims: Record<string, unknown>, keys: Keys, options?: SignOptions): string;
/**
 * Issues a revocation token, the bearer of the TaskGate Worker's `POST /revocations` (typ
 * `taskgate-revocation+jwt`, aud `taskgate:revocations`, `exp` a minute ahead), with the ring's
 * current key; `now` in seconds since the epoch (default: the clock). Server-side only.
 */
export function signRevocation(keys: Keys, now?: number): string;
/**
 * The HTTP answer for a TokenError, as the TaskGate Worker gives it (`weak_key`/`invalid_config`:
 * 500), with `realm` in the challenge (default `'tasks'`).
 */
export function refusalOf(error: TokenError, options?: { realm?: string }): Omit<Refused, 'ok' | 'error'>;
/**
 * The signature layer alone, for published test vectors: `true`/`false`, or `null` when the key
 * cannot be used; by the Wasm (`'wasm'`, the default) or node:crypto (`'platform'`, in Node).
 */
export function checkSignature(
  alg: string,
  jwk: Record<string, unknown>,
  message: Uint8Array,
  signature: Uint8Array,
  via?: 'wasm' | 'platform',
): boolean | null;
/** The signature layer alone, by the platform's WebCrypto. */
export function checkSignature(
  alg: string,
  jwk: Record<string, unknown>,
  message: Uint8Array,
  signature: Uint8Array,
  via: 'webcrypto',
): Promise<boolean | null>;
