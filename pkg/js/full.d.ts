// `taskgate-verify/full`: everything `taskgate-verify` has, over the full Wasm build, whose
// verifiers also `authorize` requests by the TaskGate Worker's own HTTP rules.
import type { Keys, VerifyOptions, Verified, TokenError, Inspection, SignOptions } from './index.js';

export * from './index.js';

/** Options of the full build: which cookies may authenticate, and from which origins. */
export interface FullVerifyOptions extends VerifyOptions {
  /** Better Auth's `advanced.cookiePrefix` (default `better-auth`), with `sessionCache`. */
  cookiePrefix?: string;
  /** A cookie holding a TaskGate token, read when there is no `Authorization` header. */
  tokenCookie?: string;
  /** Origins besides the request's own that may send a change a cookie authenticates. */
  allowedOrigins?: string | string[];
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
}

export interface FullVerifier {
  verify(token: string): Verified;
  /** Steps 1 and 2 of a request (401, then 403), by the same rules as the Worker. */
  authorize(input: AuthorizeInput): { ok: true; verified: Verified } | Refused;
  free(): void;
}

export function createVerifier(keys: Keys, options?: FullVerifyOptions): FullVerifier;
export function verify(token: string, keys: Keys, options?: FullVerifyOptions): Verified;
export function inspect(token: string, options?: Pick<VerifyOptions, 'leeway' | 'issuer' | 'audience' | 'now' | 'sessionCache'>): Inspection;
export function sign(claims: Record<string, unknown>, keys: Keys, options?: SignOptions): string;
/** The HTTP answer for a TokenError, as the TaskGate Worker gives it (`weak_key`/`invalid_config`: 500). */
export function refusalOf(error: TokenError): Omit<Refused, 'ok' | 'error'>;
