// The package's API over the wasm-bindgen glue of one of its two Wasm builds: `bind(glue)`
// returns the functions; the platform entries (node.js, workerd.js, edge.js, browser.js, and
// the same under full/) initialize their Wasm, bind it, and re-export. The core build verifies,
// inspects and signs; the full build adds `authorize` (the crate's HTTP rules). Codes,
// sentences, claim names and limits come from contract.js, generated from the Rust crate.
import { ERROR_CODES, ERRORS, REFUSAL_CODES, CLAIMS, LIMITS, SETTINGS, ALGORITHMS } from './contract.js';

export { ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS };

/** A failed verification (or a key that cannot be used): a stable `code`, maybe a `claim`. */
export class TokenError extends Error {
  constructor(code, claim, message) {
    super(message ?? ERRORS[code]?.description ?? code);
    this.name = 'TokenError';
    this.code = code;
    if (claim) this.claim = claim;
  }
}

/** An error number from the Wasm: the code (1-based, ERROR_CODES then REFUSAL_CODES) in the
 * low byte, the claim (1-based index in CLAIMS) in the next. */
function tokenError(n, why) {
  if (typeof n !== 'number') throw n;
  const code = ERROR_CODES[(n & 0xff) - 1] ?? REFUSAL_CODES[(n & 0xff) - 1 - ERROR_CODES.length] ?? 'invalid_config';
  const claim = CLAIMS[(n >> 8) - 1];
  const sentence = ERRORS[code]?.description ?? code;
  return new TokenError(code, claim, claim ? `${sentence} (claim "${claim}")` : why ? `${sentence}: ${why}` : sentence);
}

/** The number of a TokenError, for the Wasm. */
function errorNumber(error) {
  const code = ERROR_CODES.indexOf(error.code) + 1 || ERROR_CODES.length + REFUSAL_CODES.indexOf(error.code) + 1;
  return code | ((CLAIMS.indexOf(error.claim) + 1) << 8);
}

/**
 * Keys: a secret string (always one secret: its UTF-8 bytes, whatever it contains), a
 * Uint8Array, or an object: `{ secret }`, `{ secrets }` (a `BETTER_AUTH_SECRETS` ring,
 * `2:new,1:old`), or an environment (`{ BETTER_AUTH_SECRET, BETTER_AUTH_SECRETS }`, read by the
 * crate's settings rules: the ring wins, blank is unset).
 */
function resolveKeys(keys) {
  const text = (s) => new TextEncoder().encode(s);
  if (keys instanceof Uint8Array) return { secret: keys };
  if (typeof keys === 'string') return { secret: text(keys) };
  if (keys && typeof keys === 'object') {
    if (typeof keys.secrets === 'string') return { ring: keys.secrets };
    if (keys.secret instanceof Uint8Array) return { secret: keys.secret };
    if (typeof keys.secret === 'string') return { secret: text(keys.secret) };
    // A JWK Set alone: asymmetric tokens only (HS256 tokens never verify).
    if (keys.jwks !== undefined || keys.jwksUrl !== undefined) return {};
    const value = (name) => (typeof keys[name] === 'string' ? keys[name] : undefined);
    return { env: [value(SETTINGS.secret), value(SETTINGS.secrets)], jwksEnv: [value(SETTINGS.jwks), value(SETTINGS.jwksUrl), value(SETTINGS.betterAuthUrl)] };
  }
  throw new TokenError('invalid_config', undefined, 'keys must be a secret string, a Uint8Array, { secret }, { secrets } (a BETTER_AUTH_SECRETS ring) or an environment object');
}

function clockOf(now) {
  if (now === undefined) return () => Math.floor(Date.now() / 1000);
  if (typeof now === 'function') return () => toSeconds(now());
  const fixed = toSeconds(now);
  return () => fixed;
}

function toSeconds(t) {
  if (t instanceof Date) return Math.floor(t.getTime() / 1000);
  if (typeof t === 'number' && Number.isFinite(t)) return Math.floor(t);
  throw new TokenError('invalid_config', undefined, 'options.now must be seconds since the epoch, a Date, or a function returning one');
}

function integer(value, name, min, max, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TokenError('invalid_config', undefined, `options.${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function optionalString(value, name) {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new TokenError('invalid_config', undefined, `options.${name} must be a string`);
  return value;
}

const str = (v) => (typeof v === 'string' ? v : undefined);

/** The result of a successful verification. `claims` and `header` are parsed on first use. */
class Verified {
  #decoded;
  #headerLength;
  #claims;
  #header;
  constructor(userId, decoded, headerLength) {
    this.userId = userId;
    this.#decoded = decoded;
    this.#headerLength = headerLength;
  }
  get claims() {
    return (this.#claims ??= JSON.parse(this.#decoded.slice(this.#headerLength)));
  }
  get header() {
    return (this.#header ??= JSON.parse(this.#decoded.slice(0, this.#headerLength)));
  }
  toJSON() {
    return { userId: this.userId, claims: this.claims, header: this.header };
  }
}

const TIME_CLAIMS = ['exp', 'nbf', 'iat'];

function parseJson(text) {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Asymmetric signatures checked by the platform's crypto (full build): the Wasm applies every
// rule with the signature deferred and hands over the job (key, input, signature) holding the
// outcome; the platform checks the signature (in Node, node:crypto, synchronously:
// `platform.check` from the Node entry; elsewhere WebCrypto, in the asynchronous checks); the
// Wasm settles the outcome with that verdict (invalid_signature unless valid). Where the platform lacks the algorithm, the Wasm's
// RustCrypto checks it. Why: the README, "Where the signature math runs". PENDING is
// pkg/src/lib.rs's.
const PENDING = 0xffffffff;
/**
 * A key ready for WebCrypto: `async (message, signature) => boolean`, or null when the platform
 * cannot import it (no WebCrypto, or not this algorithm).
 */
async function prepareWebCryptoKey(importParams, verifyParams, jwk) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  let key;
  try {
    key = await subtle.importKey('jwk', JSON.parse(jwk), importParams, false, ['verify']);
  } catch {
    return null;
  }
  const no = () => false;
  return (message, signature) => {
    try {
      return subtle.verify(verifyParams, key, signature, message).catch(no);
    } catch {
      return Promise.resolve(false);
    }
  };
}

/** The parameters and key of a job, for a `prepare` function. */
const keyOf = (job) => [JSON.parse(job.importParams()), JSON.parse(job.verifyParams()), job.key()];

/**
 * The package's functions over one Wasm build's glue (`./wasm/taskgate.js` or
 * `taskgate_full.js`); `platform.prepareKey(importParams, verifyParams, jwk)`, when the platform
 * has one, readies a key for synchronous signature checks (see node-crypto.js).
 */
export function bind(wasm, platform = {}) {
  const full = typeof wasm.refusal === 'function';

  /**
   * The HTTP answer for a TokenError, exactly as the TaskGate Worker gives it: `{ status,
   * challenge, body }` (`weak_key` and `invalid_config` are 500 `server_misconfigured`). Full build.
   */
  function refusalOf(error) {
    const text = wasm.refusal(errorNumber(error));
    const newline = text.indexOf('\n');
    const challenge = text.slice(4, newline);
    return { status: Number(text.slice(0, 3)), challenge: challenge || undefined, body: text.slice(newline + 1) };
  }

  /**
   * A verifier for `keys` with `options` (`leeway`, `issuer`, `audience`, `maxAge`,
   * `maxTokenLength`, `requireExp`, `sessionCache`, `now`; with the full build also
   * `cookiePrefix`, `tokenCookie`, `allowedOrigins`). Key schedules are computed once, here.
   */
  function createVerifier(keys, options = {}) {
    const { secret, ring, env, jwksEnv } = resolveKeys(keys);
    if (!full && keys && (keys.jwks !== undefined || keys.jwksUrl !== undefined)) {
      throw new TokenError('invalid_config', undefined, 'JWK Sets need taskgate-verify/full');
    }
    const leeway = integer(options.leeway, 'leeway', 0, LIMITS.max_leeway_seconds, 0);
    const maxTokenLength = integer(options.maxTokenLength, 'maxTokenLength', 1, 2 ** 31 - 1, LIMITS.max_token_bytes);
    const maxAge = options.maxAge === undefined ? undefined : integer(options.maxAge, 'maxAge', 0, Number.MAX_SAFE_INTEGER);
    const requireExp = options.requireExp ?? true;
    const origins = options.allowedOrigins;
    const allowedOrigins = Array.isArray(origins) ? origins.join(',') : optionalString(origins, 'allowedOrigins');
    const clock = clockOf(options.now);
    let v;
    try {
      v = new wasm.Verifier(secret, ring, Boolean(env), env?.[0], env?.[1], leeway,
        optionalString(options.issuer, 'issuer'), optionalString(options.audience, 'audience'), maxAge, maxTokenLength,
        Boolean(requireExp), Boolean(options.sessionCache));
    } catch (n) {
      throw tokenError(n, options.sessionCache && !full ? 'the session cookie cache needs taskgate-verify/full' : undefined);
    }
    if (full) v.setCookiePolicy(optionalString(options.cookiePrefix, 'cookiePrefix'), optionalString(options.tokenCookie, 'tokenCookie'), allowedOrigins);
    // Asymmetric tokens: a JWK Set given (sync), or fetched from a URL (async verify); from an
    // environment, JWKS / JWKS_URL / BETTER_AUTH_URL by the crate's settings rules.
    let { jwks, jwksUrl } = keys && typeof keys === 'object' && !(keys instanceof Uint8Array) ? keys : {};
    if (full && jwksEnv?.some((v) => v !== undefined)) {
      try {
        jwksUrl = v.setKeySourceFromEnv(...jwksEnv) ?? undefined;
      } catch (n) {
        throw tokenError(n, 'JWKS is not a JWK Set');
      }
    } else if (jwks !== undefined || jwksUrl !== undefined) {
      const json = jwks === undefined ? undefined : typeof jwks === 'string' ? jwks : JSON.stringify(jwks);
      try {
        v.setKeySource(json, jwks === undefined, optionalString(options.jwksIssuer, 'jwksIssuer'), optionalString(options.jwksAudience, 'jwksAudience'));
      } catch (n) {
        throw tokenError(n, 'keys.jwks is not a JWK Set');
      }
    }
    const verified = (n) => {
      if (n !== 0) throw tokenError(n);
      return new Verified(v.sub(), v.decoded(), v.headerLength());
    };
    // For a fetched set: the crate decides when to fetch (first need, 10 minutes, a new kid at
    // most every 30 s); one fetch at a time, bounded by the fetch timeout.
    let inflight;
    const fetcher = options.fetch ?? globalThis.fetch;
    const refresh = async (needsKeys) => {
      if (inflight) await inflight;
      if (!needsKeys()) return;
      inflight = (async () => {
        try {
          const r = await fetcher(jwksUrl, { signal: AbortSignal.timeout(LIMITS.jwks_fetch_timeout_seconds * 1000), headers: { accept: 'application/json' } });
          if (r.ok && v.keysFetched(await r.text(), clock())) [prepared, webKeys] = [[], []];
        } catch { /* no set: keys_unavailable, and retried after the refetch interval */ } finally {
          inflight = undefined;
        }
      })();
      await inflight;
    };
    // `run(deferred)` is one check (deferred: an asymmetric signature is left to the platform,
    // and the answer is PENDING); `done(n)` reads its results, synchronously after it. Keys are
    // prepared once per key of the current set (by its index; forgotten when the set changes).
    const platformCrypto = full && options.platformCrypto !== false;
    const prepareSync = platformCrypto ? platform.prepareKey : undefined;
    let prepared = [];
    const preparedFor = (job, prepare) => {
      const i = job.keyIndex();
      if (prepared[i] === undefined) prepared[i] = prepare(...keyOf(job));
      return prepared[i];
    };
    // WebCrypto keys: the import's promise until it settles, then the checker itself (no await
    // on the path of every later check).
    let webKeys = [];
    const webKeyFor = (job) => {
      const i = job.keyIndex();
      const known = webKeys[i];
      if (known !== undefined) return known;
      const keys = webKeys;
      const pending = prepareWebCryptoKey(...keyOf(job)).then((check) => {
        if (keys === webKeys) keys[i] = check;
        return check;
      });
      webKeys[i] = pending;
      return pending;
    };
    const settle = (run, done, job, valid) => {
      if (valid === undefined) {
        job.free();
        return done(run(false));
      }
      return done(v.settle(job, valid));
    };
    const checked = (run, done) => {
      if (!prepareSync) return done(run(false));
      const n = run(true);
      if (n !== PENDING) return done(n);
      const job = v.takeJob();
      const check = preparedFor(job, prepareSync);
      return settle(run, done, job, check ? check(job.message(), job.signature()) : undefined);
    };
    // A Promise of done(...): the job's signature by WebCrypto, then the outcome settled.
    const checkedAsync = (run, done) => {
      if (prepareSync || !platformCrypto) return Promise.resolve().then(() => checked(run, done));
      const n = run(true);
      if (n !== PENDING) return Promise.resolve().then(() => done(n));
      const job = v.takeJob();
      const withKey = (check) => (check
        ? check(job.message(), job.signature()).then((valid) => settle(run, done, job, valid))
        : settle(run, done, job, undefined));
      const key = webKeyFor(job);
      return typeof key === 'function' ? withKey(key) : Promise.resolve(key).then(withKey);
    };
    const verifySync = (token) => {
      if (typeof token !== 'string') throw new TokenError('missing_token');
      const now = clock();
      return checked((deferred) => (deferred ? v.verifyDeferred(token, now) : v.verify(token, now)), verified);
    };
    const verifyNow = (token) => {
      const now = clock();
      return checkedAsync((deferred) => (deferred ? v.verifyDeferred(token, now) : v.verify(token, now)), verified);
    };
    const verifyAsync = (token) => {
      try {
        if (typeof token !== 'string') throw new TokenError('missing_token');
        if (jwksUrl !== undefined) return refresh(() => v.needsKeys(token, clock())).then(() => verifyNow(token));
        return verifyNow(token);
      } catch (e) {
        return Promise.reject(e);
      }
    };
    const verifier = {
      /**
       * Verifies `token`: `{ userId, claims, header }`, or throws a TokenError. With `jwksUrl`,
       * a Promise (as `verifyAsync`). Synchronous checks have asymmetric signatures checked by
       * node:crypto in Node, else in the Wasm.
       */
      verify: jwksUrl === undefined ? verifySync : verifyAsync,
      /**
       * Verifies `token`, always as a Promise; asymmetric signatures are checked by the
       * platform's crypto where it has the algorithm (unless `platformCrypto: false`):
       * node:crypto in Node, WebCrypto elsewhere.
       */
      verifyAsync,
      /** Releases the Wasm memory now (it is also released when garbage-collected). */
      free() {
        v.free();
      },
    };
    if (full) {
      /**
       * Steps 1 and 2 of a request, by the crate's HTTP rules (as the TaskGate Worker applies
       * them): the bearer token of `authorization`, else a token from the `cookie` header (the
       * `tokenCookie`, or Better Auth's session cookie cache with `sessionCache`), the Origin
       * rule for a change a cookie authenticates, and the user `pathUser` when given.
       * `{ ok: true, verified }` or `{ ok: false, error, status, challenge, body }`.
       */
      const answer = (n) => {
        if (n === 0) return { ok: true, verified: verified(0) };
        const error = tokenError(n);
        const refused = { ok: false, error, ...refusalOf(error) };
        if (refused.status === 503) refused.retryAfter = v.retryAfter(clock());
        return refused;
      };
      const args = (r) => [str(r.authorization), str(r.cookie), str(r.method), str(r.origin), str(r.ownOrigin), str(r.pathUser)];
      const authorize = (request = {}) => {
        const a = args(request);
        const now = clock();
        return checked((deferred) => v.authorize(...a, now, deferred), answer);
      };
      const authorizeAsync = async (request = {}) => {
        // Keys first, when the token the request offers needs them (the crate finds it).
        if (jwksUrl !== undefined) await refresh(() => v.needsKeysFor(str(request.authorization), str(request.cookie), clock()));
        const a = args(request);
        const now = clock();
        return checkedAsync((deferred) => v.authorize(...a, now, deferred), answer);
      };
      /** `authorize` (a Promise with `jwksUrl`, as `authorizeAsync`). */
      verifier.authorize = jwksUrl === undefined ? authorize : authorizeAsync;
      /** `authorize`, always as a Promise, with signatures checked as `verifyAsync` does. */
      verifier.authorizeAsync = authorizeAsync;
    }
    return verifier;
  }

  /** One-shot verification; prefer `createVerifier` to reuse the key schedule. */
  function verify(token, keys, options = {}) {
    const v = createVerifier(keys, options);
    try {
      return v.verify(token);
    } finally {
      v.free();
    }
  }

  /**
   * Decodes a token without a key. Never throws: `{ header, payload, headerText, payloadText,
   * segments, segmentCount, times, problems, sessionCache, signatureChecked: false }`;
   * `problems` lists what verification would refuse, short of the signature, as `{ code, claim,
   * message }`; `sessionCache` says the payload has the shape of Better Auth's session cookie
   * cache (whose live `session.token` is always redacted).
   */
  function inspect(token, options = {}) {
    const text = typeof token === 'string' ? token : '';
    const parts = text.split('.');
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
      const leeway = Number.isInteger(options.leeway) && options.leeway >= 0 ? Math.min(options.leeway, LIMITS.max_leeway_seconds) : 0;
      const raw = wasm.inspect(text, now, leeway, str(options.issuer), str(options.audience), Boolean(options.sessionCache));
      result.headerText = raw[0];
      result.payloadText = raw[1];
      result.header = parseJson(raw[0]);
      result.payload = parseJson(raw[1]);
      result.sessionCache = raw[3];
      result.problems = raw.slice(4).map((n) => {
        const { code, claim, message } = tokenError(n);
        return { code, claim, message };
      });
      if (result.payload && typeof result.payload === 'object') {
        for (const c of TIME_CLAIMS) {
          const t = result.payload[c];
          if (typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= LIMITS.max_numeric_date) result.times[c] = new Date(t * 1000);
        }
      }
    } catch (e) {
      result.problems = [{ code: 'malformed_token', claim: undefined, message: `the token could not be inspected (${e?.message ?? e})` }];
    }
    return result;
  }

  /**
   * Issues an HS256 token with the ring's current key (`kid` = its version). Server-side only:
   * whoever holds the secret can mint any user's token. `iat` defaults to now and `exp` to
   * now + `expiresIn` seconds (default 86400), unless `claims` sets them.
   */
  function sign(claims, keys, options = {}) {
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
      throw new TypeError('claims must be an object');
    }
    const now = clockOf(options.now)();
    const expiresIn = integer(options.expiresIn, 'expiresIn', 1, LIMITS.max_numeric_date, LIMITS.default_lifetime_seconds);
    const payload = { ...claims };
    payload.iat ??= now;
    payload.exp ??= now + expiresIn;
    const { secret, ring, env } = resolveKeys(keys);
    try {
      return wasm.sign(JSON.stringify(payload), secret, ring, Boolean(env), env?.[0], env?.[1]);
    } catch (n) {
      throw tokenError(n);
    }
  }

  /**
   * The signature layer alone (full build), for published test vectors: whether `signature`
   * is a valid `alg` signature of `message` by the key `jwk`: `true`, `false`, or `null` when
   * the key cannot be used (or `via` cannot check it). `via`: `'wasm'` (RustCrypto, the
   * default), `'platform'` (node:crypto in Node), `'webcrypto'` (a Promise).
   */
  function checkSignature(alg, jwk, message, signature, via = 'wasm') {
    const set = JSON.stringify({ keys: [jwk] });
    if (via === 'wasm') {
      const r = wasm.checkSignature(alg, set, message, signature);
      return r < 0 ? null : r === 1;
    }
    const job = wasm.signatureJob(alg, set, message, signature);
    if (!job) return via === 'webcrypto' ? Promise.resolve(null) : null;
    const key = keyOf(job);
    job.free();
    if (via === 'webcrypto') return prepareWebCryptoKey(...key).then((check) => (check ? check(message, signature) : null));
    const check = platform.prepareKey?.(...key);
    return check ? check(message, signature) : null;
  }

  const api = { createVerifier, verify, inspect, sign };
  if (full) Object.assign(api, { refusalOf, checkSignature });
  return api;
}
