import type { ErrorCode, ClaimName, RefusalCode, SessionCacheStrategy } from './contract.js';

export type { ErrorCode, ClaimName, RefusalCode, SessionCacheStrategy };
/** Tables generated from the Rust crate: codes, their sentences and hints, claims, limits, strategies. */
export { ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from './contract.js';

/** A failed verification, or keys/options that cannot be used (`weak_key`, `invalid_config`). */
export class TokenError extends Error {
  constructor(code: ErrorCode | RefusalCode, claim?: ClaimName, message?: string);
  readonly name: 'TokenError';
  /** The stable code (`forbidden` only from `authorize`). */
  readonly code: ErrorCode | RefusalCode;
  /** The claim the error concerns, when it concerns one. */
  readonly claim?: ClaimName;
  /**
   * For keys read from an environment that cannot be used (`weak_key`, `invalid_config`): the
   * sentence naming the variable at fault, never its value, e.g. `BETTER_AUTH_SECRETS holds a
   * key shorter than 32 bytes`.
   */
  readonly setting?: string;
}

/**
 * Keys: a secret string (always one secret: its UTF-8 bytes are the HMAC key), a Uint8Array,
 * `{ secret }`, `{ secrets }` (a `BETTER_AUTH_SECRETS` ring, `"2:new...,1:old..."`), or an
 * environment `{ BETTER_AUTH_SECRET, BETTER_AUTH_SECRETS }` (the ring wins).
 * Keys under 32 bytes are refused (`weak_key`).
 */
export type Keys =
  | string
  | Uint8Array
  | { secret: string | Uint8Array }
  | { secrets: string }
  | { BETTER_AUTH_SECRET?: string; BETTER_AUTH_SECRETS?: string };

/** A JWK Set (RFC 7517): `{ keys: [...] }`, as an object or JSON text. */
export type JwkSet = { keys: Record<string, unknown>[] } | string;

/** Seconds since the epoch, a Date, or a function returning either. */
export type Clock = number | Date | (() => number | Date);

export interface VerifyOptions {
  /** Seconds of clock skew tolerated (0-300, default 0). */
  leeway?: number;
  /** When set, `iss` must equal it. */
  issuer?: string;
  /** When set, `aud` (string or array) must contain it. */
  audience?: string;
  /** When set, tokens whose `iat` is older than this many seconds are expired. */
  maxAge?: number;
  /** The longest token accepted, in bytes (default 8192). */
  maxTokenLength?: number;
  /** Whether `exp` is required (default true). */
  requireExp?: boolean;
  /** With a JWK Set: what an asymmetric token's `iss` must be unless `issuer` is set (your Better Auth base URL). */
  jwksIssuer?: string;
  /** With a JWK Set: what an asymmetric token's `aud` must contain unless `audience` is set (your Better Auth base URL). */
  jwksAudience?: string;
  /**
   * Accept Better Auth's session cookie cache (no `sub`; the user is `session.userId`), read by
   * `authorize` from its `session_data` cookie, in the app's `session.cookieCache.strategy`:
   * `'compact'` (Better Auth's default), `'jwt'` or `'jwe'`; `true` means `'jwt'`. Default false.
   */
  sessionCache?: boolean | SessionCacheStrategy;
  /** The app's `session.cookieCache.version`, when it sets one: a cookie of another version is refused. */
  sessionCacheVersion?: string;
  /** Better Auth's `advanced.cookiePrefix` (default `better-auth`), with `sessionCache`. */
  cookiePrefix?: string;
  /** A cookie holding a TaskGate token, read when there is no `Authorization` header. */
  tokenCookie?: string;
  /** Origins besides the request's own that may send a change a cookie authenticates. */
  allowedOrigins?: string | string[];
  /** The realm of `authorize`'s `WWW-Authenticate` challenges (default `'tasks'`, the task API's realm). */
  realm?: string;
  /** The clock (for tests). */
  now?: Clock;
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
  /** For 503 `keys_unavailable` (`taskgate-verify/full`): seconds until the JWK Set is fetched again (`Retry-After`). */
  retryAfter?: number;
}

/** What `authorize` answers. */
export type AuthorizeResult = { ok: true; verified: Verified } | Refused;

/** The registered claims, plus any others the token carries. */
export interface Claims {
  sub: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  iss?: string;
  aud?: string | string[];
  jti?: string;
  email?: string;
  user_email?: string;
  user_id?: string;
  [claim: string]: unknown;
}

/** A verified token. `claims` and `header` are parsed on first access. */
export interface Verified {
  /** The user id (`sub`). */
  readonly userId: string;
  readonly claims: Claims;
  readonly header: { alg: 'HS256'; typ?: string; kid?: unknown; [member: string]: unknown };
  toJSON(): { userId: string; claims: Claims; header: Record<string, unknown> };
}

export interface Verifier {
  /** Verifies a token; throws a {@link TokenError} with the first failing check's code. */
  verify(token: string): Verified;

  /** `verify`, as a Promise (with `taskgate-verify/full`, asymmetric signatures are then checked by the platform's WebCrypto). */
  verifyAsync(token: string): Promise<Verified>;

  /**
   * Steps 1 and 2 of a request (401, then 403), by the same rules as the Worker: the bearer
   * token, else a cookie (Better Auth's session cookie cache with `sessionCache`), the Origin
   * rule for a change a cookie authenticates, the path's user.
   */
  authorize(input: AuthorizeInput): AuthorizeResult;

  /** `authorize`, as a Promise. */
  authorizeAsync(input: AuthorizeInput): Promise<AuthorizeResult>;

  /** Releases the Wasm memory now (otherwise released when garbage-collected). */
  free(): void;

  /** `false`: `verify` is synchronous (only `taskgate-verify/full` fetches keys, in its `AsyncVerifier`). */
  readonly fetchesKeys: false;
}

/** A reusable verifier: key schedules are computed once. Throws `weak_key` / `invalid_config`. */
export function createVerifier(keys: Keys, options?: VerifyOptions): Verifier;

/** One-shot verification. Prefer {@link createVerifier} on hot paths. */
export function verify(token: string, keys: Keys, options?: VerifyOptions): Verified;

export interface Problem {
  code: ErrorCode;
  claim?: ClaimName;
  message: string;
}

export interface Inspection {
  /** The decoded header, when it is JSON. */
  header: Record<string, unknown> | null;
  /** The decoded payload, when it is JSON. */
  payload: Record<string, unknown> | null;
  headerText: string | null;
  payloadText: string | null;
  /** The raw base64url segments. */
  segments: { header: string; payload: string; signature: string };
  segmentCount: number;
  /** The time claims as dates, when they are valid NumericDates. */
  times: { exp: Date | null; nbf: Date | null; iat: Date | null };
  /** What verification would refuse, short of the signature, in check order. */
  problems: Problem[];
  /** Whether the payload has the shape of Better Auth's session cookie cache (`session.token` is redacted). */
  sessionCache: boolean;
  /** Always false: inspection never checks the MAC. */
  signatureChecked: false;
}

/** Decodes any string without a key. Never throws. */
export function inspect(
  token: string,
  options?: Pick<VerifyOptions, 'leeway' | 'issuer' | 'audience' | 'now' | 'sessionCache'>,
): Inspection;

export interface SignOptions {
  /** Lifetime in seconds when `claims` has no `exp` (default 86400). */
  expiresIn?: number;
  now?: Clock;
}

/**
 * Issues an HS256 token with the ring's current key (`kid` = its version).
 * **Server-side only**: whoever holds the secret can mint any user's token.
 */
export function sign(claims: Record<string, unknown>, keys: Keys, options?: SignOptions): string;
