// `taskgate-verify/full`: everything `taskgate-verify` has, over the full Wasm build, whose
// verifiers also `authorize` requests by the TaskGate Worker's own HTTP rules.
import type { Keys, JwkSet, VerifyOptions, Verified, TokenError, Inspection, SignOptions } from './index.js';

export * from './index.js';

/**
 * Keys of the full build: besides the HMAC secret forms, a JWK Set for asymmetric tokens
 * (EdDSA, ES256, ES512, RS256, PS256): `{ jwks }` given (then `verify` is synchronous) or
 * `{ jwksUrl }` fetched when needed (then `verify` and `authorize` return promises), alone or
 * with `secret` / `secrets`.
 */
export type FullKeys = Keys | ({ jwks: JwkSet } & Partial<{ secret: string | Uint8Array; secrets: string }>) | ({ jwksUrl: string } & Partial<{ secret: string | Uint8Array; secrets: string }>);

/** Options of the full build: which cookies may authenticate, and from which origins. */
export interface FullVerifyOptions extends VerifyOptions {
  /** Better Auth's `advanced.cookiePrefix` (default `better-auth`), with `sessionCache`. */
  cookiePrefix?: string;
  /** A cookie holding a TaskGate token, read when there is no `Authorization` header. */
  tokenCookie?: string;
  /** Origins besides the request's own that may send a change a cookie authenticates. */
  allowedOrigins?: string | string[];
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

/** A request, as `authorize` reads it. */
export interface AuthorizeInput {
  /** The `Authorization` header. When present, cookies are not read. */
  authorization?: string | null;
  /** The `Cookie` header. */
  cookie?: string | null;
  /** The method (a POST, PUT, PATCH or DELETE a cookie authenticates needs an allowed `Origin`). */
  method?: string | null;
  origin?: string | null;
  /** The origin of the request's own URL. */
  ownOrigin?: string | null;
  /** When given, the token's `sub` must equal it (else 403 `forbidden`). */
  pathUser?: string | null;
}

/** A refusal, exactly as the TaskGate Worker answers it. */
export interface Refused {
  ok: false;
  error: TokenError;
  status: 401 | 403 | 500 | 503;
  /** The `WWW-Authenticate` value, for 401 and 403 `forbidden`. */
  challenge?: string;
  /** The JSON error body. */
  body: string;
  /** For 503 `keys_unavailable`: seconds until the JWK Set is fetched again (`Retry-After`). */
  retryAfter?: number;
}

export interface FullVerifier {
  /** Verifies a token (asymmetric signatures: node:crypto in Node, else the Wasm). */
  verify(token: string): Verified;
  /** `verify`, as a Promise, with asymmetric signatures checked by the platform (see `platformCrypto`). */
  verifyAsync(token: string): Promise<Verified>;
  /** Steps 1 and 2 of a request (401, then 403), by the same rules as the Worker. */
  authorize(input: AuthorizeInput): { ok: true; verified: Verified } | Refused;
  /** `authorize`, as a Promise, with asymmetric signatures checked as `verifyAsync` does. */
  authorizeAsync(input: AuthorizeInput): Promise<{ ok: true; verified: Verified } | Refused>;
  free(): void;
}

/** A verifier whose JWK Set is fetched from `jwksUrl`: its checks wait for the keys when they need them. */
export interface FetchingVerifier {
  verify(token: string): Promise<Verified>;
  verifyAsync(token: string): Promise<Verified>;
  authorize(input: AuthorizeInput): Promise<{ ok: true; verified: Verified } | Refused>;
  authorizeAsync(input: AuthorizeInput): Promise<{ ok: true; verified: Verified } | Refused>;
  free(): void;
}

export function createVerifier(keys: { jwksUrl: string } & Partial<{ secret: string | Uint8Array; secrets: string }>, options?: FullVerifyOptions): FetchingVerifier;
export function createVerifier(keys: FullKeys, options?: FullVerifyOptions): FullVerifier;
export function verify(token: string, keys: Keys, options?: FullVerifyOptions): Verified;
export function inspect(token: string, options?: Pick<VerifyOptions, 'leeway' | 'issuer' | 'audience' | 'now' | 'sessionCache'>): Inspection;
export function sign(claims: Record<string, unknown>, keys: Keys, options?: SignOptions): string;
/** The HTTP answer for a TokenError, as the TaskGate Worker gives it (`weak_key`/`invalid_config`: 500). */
export function refusalOf(error: TokenError): Omit<Refused, 'ok' | 'error'>;
/** The signature layer alone, for published test vectors: `true`/`false`, or `null` when the key cannot be used. */
export function checkSignature(alg: string, jwk: Record<string, unknown>, message: Uint8Array, signature: Uint8Array): boolean | null;
