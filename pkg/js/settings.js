// The arguments of the package's functions, checked and turned into what the Wasm reads: one
// settings object per verifier (pkg/src/settings.rs reads it once, when the verifier is built),
// one request object per `authorize`.
import { LIMITS, SESSION_CACHE_STRATEGIES } from './contract.js';
import { invalidConfig } from './errors.js';

/** @typedef {import('./glue.js').WasmSettings} WasmSettings */
/** @typedef {import('./glue.js').WasmRequest} WasmRequest */
/** @typedef {number | Date | (() => number | Date)} Clock */

/** The realm of the task API's `WWW-Authenticate` challenges (the TaskGate Worker's). */
export const DEFAULT_REALM = 'tasks';

/**
 * What the Wasm reads of keys: a secret string (always one secret: its UTF-8 bytes, whatever
 * it contains), a Uint8Array, or an object: `{ secret }`, `{ secrets }` (a `BETTER_AUTH_SECRETS`
 * ring, `2:new,1:old`), or an environment (`{ BETTER_AUTH_SECRET, BETTER_AUTH_SECRETS }` and,
 * with the full build, `JWKS`, `JWKS_URL`, `BETTER_AUTH_URL`, read by the crate's settings
 * rules); with the full build, `jwks` (a JWK Set given) or `jwksUrl` (one fetched) besides or alone.
 * @param {unknown} keys
 * @returns {{ secret?: Uint8Array, secrets?: string, env?: object, jwks?: unknown, jwksUrl?: unknown }}
 */
export function keySettings(keys) {
  const text = (/** @type {string} */ s) => new TextEncoder().encode(s);
  if (keys instanceof Uint8Array) return { secret: keys };
  if (typeof keys === 'string') return { secret: text(keys) };
  if (keys && typeof keys === 'object') {
    const k = /** @type {Record<string, unknown>} */ (keys);
    const { jwks, jwksUrl } = k;
    if (typeof k.secrets === 'string') return { secrets: k.secrets, jwks, jwksUrl };
    if (k.secret instanceof Uint8Array) return { secret: k.secret, jwks, jwksUrl };
    if (typeof k.secret === 'string') return { secret: text(k.secret), jwks, jwksUrl };
    // A JWK Set alone: asymmetric tokens only (HS256 tokens never verify).
    if (jwks !== undefined || jwksUrl !== undefined) return { jwks, jwksUrl };
    return { env: keys };
  }
  throw invalidConfig(
    'keys must be a secret string, a Uint8Array, { secret }, { secrets } (a BETTER_AUTH_SECRETS ring) or an environment object',
  );
}

/**
 * A verifier's settings for the Wasm, from `createVerifier`'s arguments, with what stays in
 * JavaScript: the clock, the realm, the fetch, whether the platform's crypto is used.
 * @param {unknown} keys
 * @param {Record<string, any>} options
 * @param {boolean} full whether this is the full build
 */
export function verifierSettings(keys, options, full) {
  const { jwks, jwksUrl, ...settings } = keySettings(keys);
  if (!full && (jwks !== undefined || jwksUrl !== undefined)) {
    throw invalidConfig(
      "JWK Sets (Better Auth's jwt() plugin: EdDSA, ES256, ES512, RS256, PS256) need the full build: import { createVerifier } from 'taskgate-verify/full'",
    );
  }
  /** @type {WasmSettings} */
  const wasm = {
    ...settings,
    leeway: integer(options.leeway, 'leeway', 0, LIMITS.max_leeway_seconds, 0),
    maxTokenLength: integer(options.maxTokenLength, 'maxTokenLength', 1, 2 ** 31 - 1, LIMITS.max_token_bytes),
    maxAge: options.maxAge === undefined ? undefined : integer(options.maxAge, 'maxAge', 0, Number.MAX_SAFE_INTEGER, 0),
    requireExp: Boolean(options.requireExp ?? true),
    issuer: optionalString(options.issuer, 'issuer'),
    audience: optionalString(options.audience, 'audience'),
    sessionCache: sessionCacheStrategy(options.sessionCache),
    sessionCacheVersion: optionalString(options.sessionCacheVersion, 'sessionCacheVersion'),
    cookiePrefix: optionalString(options.cookiePrefix, 'cookiePrefix'),
    tokenCookie: optionalString(options.tokenCookie, 'tokenCookie'),
  };
  const origins = options.allowedOrigins;
  wasm.allowedOrigins = Array.isArray(origins) ? origins.join(',') : optionalString(origins, 'allowedOrigins');
  if (full) {
    if (jwks !== undefined) wasm.jwks = typeof jwks === 'string' ? jwks : JSON.stringify(jwks);
    else if (jwksUrl !== undefined) wasm.jwksUrl = String(jwksUrl);
    if (jwks !== undefined || jwksUrl !== undefined) {
      wasm.jwksIssuer = optionalString(options.jwksIssuer, 'jwksIssuer');
      wasm.jwksAudience = optionalString(options.jwksAudience, 'jwksAudience');
    }
  }
  return {
    wasm,
    clock: clockOf(options.now),
    realm: optionalString(options.realm, 'realm') ?? DEFAULT_REALM,
    /** @type {typeof fetch} */
    fetch: options.fetch ?? globalThis.fetch,
    platformCrypto: full && options.platformCrypto !== false,
  };
}

/**
 * The strategy of Better Auth's session cookie cache the option names: `true` is `jwt` (what it
 * has always meant), `false` or absent not read, else one of SESSION_CACHE_STRATEGIES (the app's
 * `session.cookieCache.strategy`; Better Auth's default is `compact`). Configured, never guessed.
 * @param {unknown} value
 * @returns {import('./contract.js').SessionCacheStrategy | undefined}
 */
export function sessionCacheStrategy(value) {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return 'jwt';
  const strategy = /** @type {import('./contract.js').SessionCacheStrategy} */ (value);
  if (SESSION_CACHE_STRATEGIES.includes(strategy)) return strategy;
  throw invalidConfig(`options.sessionCache must be true, false or one of ${SESSION_CACHE_STRATEGIES.join(', ')}`);
}

/**
 * The options `inspect` reads, leniently (it never throws): leeway, issuer, audience, session cache.
 * @param {Record<string, any>} options
 * @returns {WasmSettings}
 */
export function inspectSettings(options) {
  const leeway = options.leeway;
  return {
    leeway: Number.isInteger(leeway) && leeway >= 0 ? Math.min(leeway, LIMITS.max_leeway_seconds) : 0,
    issuer: str(options.issuer),
    audience: str(options.audience),
    sessionCache:
      SESSION_CACHE_STRATEGIES.find((s) => s === options.sessionCache) ?? (options.sessionCache ? 'jwt' : undefined),
    sessionCacheVersion: str(options.sessionCacheVersion),
  };
}

/**
 * A request for `authorize`: its strings (anything else is absent).
 * @param {Record<string, unknown>} r
 * @returns {WasmRequest}
 */
export const requestOf = (r) => ({
  authorization: str(r.authorization),
  cookie: str(r.cookie),
  method: str(r.method),
  origin: str(r.origin),
  ownOrigin: str(r.ownOrigin),
  pathUser: str(r.pathUser),
});

/**
 * A clock: seconds since the epoch now (the system's), or at a fixed time, or by a function.
 * @param {Clock | undefined} now
 * @returns {() => number}
 */
export function clockOf(now) {
  if (now === undefined) return () => Math.floor(Date.now() / 1000);
  if (typeof now === 'function') return () => toSeconds(now());
  const fixed = toSeconds(now);
  return () => fixed;
}

/** @param {unknown} t */
function toSeconds(t) {
  if (t instanceof Date) return Math.floor(t.getTime() / 1000);
  if (typeof t === 'number' && Number.isFinite(t)) return Math.floor(t);
  throw invalidConfig('options.now must be seconds since the epoch, a Date, or a function returning one');
}

/**
 * An integer option from `min` to `max`, or `fallback` when absent.
 * @param {unknown} value
 * @param {string} name
 * @param {number} min
 * @param {number} max
 * @param {number} fallback
 * @returns {number}
 */
export function integer(value, name, min, max, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidConfig(`options.${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * A string option (absent when undefined, null or empty).
 * @param {unknown} value
 * @param {string} name
 * @returns {string | undefined}
 */
function optionalString(value, name) {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidConfig(`options.${name} must be a string`);
  return value;
}

/** @param {unknown} v */
const str = (v) => (typeof v === 'string' ? v : undefined);
