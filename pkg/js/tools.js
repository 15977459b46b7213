// What needs no verifier: `inspect` (decoding without a key), `sign`, `refusalOf` (the HTTP
// answer to a TokenError), and with the full build `checkSignature` (the signature layer alone,
// for published test vectors).
import { LIMITS } from './contract.js';
import { errorNumber, tokenError } from './errors.js';
import { keyOf, prepareWebCryptoKey } from './platform-keys.js';
import { clockOf, DEFAULT_REALM, inspectSettings, integer, keySettings } from './settings.js';
import { refusalText } from './verifier.js';

/** @typedef {import('./glue.js').WasmBuild} WasmBuild */
/** @typedef {import('./glue.js').WasmFullBuild} WasmFullBuild */
/** @typedef {import('./glue.js').Platform} Platform */
/** @typedef {import('./index.js').Inspection} Inspection */

const TIME_CLAIMS = /** @type {const} */ (['exp', 'nbf', 'iat']);

/** @param {string | null | undefined} text */
function parseJson(text) {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Decodes a token without a key. Never throws: `{ header, payload, headerText, payloadText,
 * segments, segmentCount, times, problems, sessionCache, signatureChecked: false }`; `problems`
 * lists what verification would refuse, short of the signature, as `{ code, claim, message }`;
 * `sessionCache` says the payload has the shape of Better Auth's session cookie cache (whose live
 * `session.token` is always redacted).
 * @param {WasmBuild} wasm
 * @param {unknown} token
 * @param {Record<string, any>} options
 * @returns {Inspection}
 */
export function inspectWith(wasm, token, options) {
  const text = typeof token === 'string' ? token : '';
  const parts = text.split('.');
  /** @type {Inspection} */
  const result = {
    header: null,
    payload: null,
    headerText: null,
    payloadText: null,
    segments: { header: parts[0] ?? '', payload: parts[1] ?? '', signature: parts.slice(2).join('.') },
    segmentCount: text ? parts.length : 0,
    times: { exp: null, nbf: null, iat: null },
    problems: [],
    sessionCache: false,
    signatureChecked: false,
  };
  try {
    let now;
    try {
      now = clockOf(options.now)();
    } catch {
      now = Math.floor(Date.now() / 1000);
    }
    const raw = wasm.inspect(text, now, inspectSettings(options));
    result.headerText = /** @type {string | null} */ (raw[0]);
    result.payloadText = /** @type {string | null} */ (raw[1]);
    result.header = parseJson(result.headerText);
    result.payload = parseJson(result.payloadText);
    result.sessionCache = Boolean(raw[3]);
    result.problems = raw.slice(4).map((n) => {
      const { code, claim, message } = tokenError(n);
      return /** @type {Inspection['problems'][number]} */ ({ code, claim, message });
    });
    const payload = result.payload;
    if (payload && typeof payload === 'object') {
      for (const c of TIME_CLAIMS) {
        const t = payload[c];
        if (typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= LIMITS.max_numeric_date) {
          result.times[c] = new Date(t * 1000);
        }
      }
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : e;
    result.problems = [
      { code: 'malformed_token', claim: undefined, message: `the token could not be inspected (${why})` },
    ];
  }
  return result;
}

/**
 * Issues an HS256 token with the ring's current key (`kid` = its version). Server-side only:
 * whoever holds the secret can mint any user's token. `iat` defaults to now and `exp` to
 * now + `expiresIn` seconds (default 86400), unless `claims` sets them.
 * @param {WasmBuild} wasm
 * @param {unknown} claims
 * @param {unknown} keys
 * @param {Record<string, any>} options
 * @returns {string}
 */
export function signWith(wasm, claims, keys, options) {
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new TypeError('claims must be an object');
  }
  const now = clockOf(options.now)();
  const expiresIn = integer(
    options.expiresIn,
    'expiresIn',
    1,
    LIMITS.max_numeric_date,
    LIMITS.default_lifetime_seconds,
  );
  /** @type {Record<string, unknown>} */
  const payload = { ...claims };
  payload.iat ??= now;
  payload.exp ??= now + expiresIn;
  const { jwks, jwksUrl, ...settings } = keySettings(keys);
  try {
    return wasm.sign(JSON.stringify(payload), settings);
  } catch (n) {
    throw tokenError(n);
  }
}

/**
 * Issues a revocation token (the bearer of the TaskGate Worker's `POST /revocations`: typ
 * `taskgate-revocation+jwt`, aud `taskgate:revocations`, exp a minute ahead) with the ring's
 * current key. Server-side only: the Better Auth plugin sends it when sessions end.
 * @param {WasmFullBuild} wasm
 * @param {unknown} keys
 * @param {number} [now] seconds since the epoch (default: the clock)
 * @returns {string}
 */
export function signRevocationWith(wasm, keys, now) {
  const at = clockOf(now)();
  const { jwks, jwksUrl, ...settings } = keySettings(keys);
  try {
    return wasm.signRevocation(at, settings);
  } catch (n) {
    throw tokenError(n);
  }
}

/**
 * The HTTP answer for a TokenError, exactly as the TaskGate Worker gives it: `{ status,
 * challenge, body }` (`weak_key` and `invalid_config` are 500 `server_misconfigured`); `realm`
 * is the challenge's (default the task API's, `tasks`).
 * @param {WasmBuild} wasm
 * @param {{ code: string, claim?: string }} error
 * @param {{ realm?: string }} options
 */
export const refusalWith = (wasm, error, { realm = DEFAULT_REALM } = {}) =>
  refusalText(wasm.refusal(errorNumber(error), realm));

/**
 * The signature layer alone (full build), for published test vectors: whether `signature` is a
 * valid `alg` signature of `message` by the key `jwk`: `true`, `false`, or `null` when the key
 * cannot be used (or `via` cannot check it). `via`: `'wasm'` (RustCrypto, the default),
 * `'platform'` (node:crypto in Node), `'webcrypto'` (a Promise).
 * @param {WasmFullBuild} wasm
 * @param {Platform} platform
 * @param {[alg: string, jwk: object, message: Uint8Array, signature: Uint8Array, via?: string]} args
 * @returns {boolean | null | Promise<boolean | null>}
 */
export function checkSignatureWith(wasm, platform, [alg, jwk, message, signature, via = 'wasm']) {
  const set = JSON.stringify({ keys: [jwk] });
  if (via === 'wasm') {
    const r = wasm.checkSignature(alg, set, message, signature);
    return r < 0 ? null : r === 1;
  }
  const job = wasm.signatureJob(alg, set, message, signature);
  if (!job) return via === 'webcrypto' ? Promise.resolve(null) : null;
  const key = keyOf(job);
  job.free();
  if (via === 'webcrypto')
    return prepareWebCryptoKey(...key).then((check) => (check ? check(message, signature) : null));
  const check = platform.prepareKey?.(...key);
  return check ? check(message, signature) : null;
}
