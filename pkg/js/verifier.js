// `createVerifier` over one Wasm build: a verifier whose checks are synchronous, or (the full
// build with a JWK Set fetched from a URL) one whose checks all return promises, since they may
// wait for the keys. Every check of the full build defers an asymmetric signature to the
// platform (platform-keys.js) and settles it in the Wasm.
import { PENDING } from './contract.js';
import { TokenError, tokenError } from './errors.js';
import { createJwksFetcher } from './jwks-fetcher.js';
import { createPlatformKeys } from './platform-keys.js';
import { requestOf, verifierSettings } from './settings.js';

/** @typedef {import('./glue.js').WasmBuild} WasmBuild */
/** @typedef {import('./glue.js').WasmFullBuild} WasmFullBuild */
/** @typedef {import('./glue.js').WasmVerifier} WasmVerifier */
/** @typedef {import('./glue.js').WasmFullVerifier} WasmFullVerifier */
/** @typedef {import('./glue.js').Platform} Platform */
/** @typedef {import('./index.js').Refused} Refused */
/** @typedef {{ ok: true, verified: Verified } | Refused} Answer */

/** The result of a successful verification. `claims` and `header` are parsed on first use. */
export class Verified {
  #decoded;
  #headerLength;
  /** @type {Record<string, any> | undefined} */
  #claims;
  /** @type {Record<string, any> | undefined} */
  #header;
  /**
   * @param {string} userId
   * @param {string} decoded the header JSON, then the payload JSON
   * @param {number} headerLength
   */
  constructor(userId, decoded, headerLength) {
    this.userId = userId;
    this.#decoded = decoded;
    this.#headerLength = headerLength;
  }
  get claims() {
    this.#claims ??= JSON.parse(this.#decoded.slice(this.#headerLength));
    return /** @type {Record<string, any>} */ (this.#claims);
  }
  get header() {
    this.#header ??= JSON.parse(this.#decoded.slice(0, this.#headerLength));
    return /** @type {Record<string, any>} */ (this.#header);
  }
  toJSON() {
    return { userId: this.userId, claims: this.claims, header: this.header };
  }
}

/**
 * A verifier for `keys` with `options`, over the Wasm build `wasm`. Key schedules are computed
 * once, here.
 * @param {WasmBuild} wasm
 * @param {Platform} platform
 * @param {unknown} keys
 * @param {Record<string, any>} options
 */
export function createVerifierOver(wasm, platform, keys, options) {
  const full = 'takeJob' in wasm.Verifier.prototype;
  const { wasm: settings, clock, realm, fetch, platformCrypto } = verifierSettings(keys, options, full);
  /** @type {WasmVerifier} */
  let v;
  try {
    v = new wasm.Verifier(settings);
  } catch (e) {
    throw tokenError(e);
  }
  /** @param {number} n what a check answered, settled */
  const verified = (n) => {
    if (n !== 0) throw tokenError(n);
    return new Verified(v.sub(), v.decoded(), v.headerLength());
  };
  /** @param {unknown} token */
  const tokenOf = (token) => {
    if (typeof token !== 'string') throw new TokenError('missing_token');
    return token;
  };
  const free = () => v.free();
  if (!full) {
    const answer = answerOf(wasm, v, clock, realm, verified);
    /** @param {unknown} token */
    const verify = (token) => verified(v.verify(tokenOf(token), clock()));
    /** @param {unknown} token */
    const verifyAsync = (token) => later(() => verify(token));
    /** @param {Record<string, unknown>} [request] */
    const authorize = (request = {}) => answer(v.authorize(requestOf(request), clock()));
    /** @param {Record<string, unknown>} [request] */
    const authorizeAsync = (request = {}) => later(() => authorize(request));
    return { verify, verifyAsync, authorize, authorizeAsync, free, fetchesKeys: false };
  }
  return fullVerifier(
    /** @type {WasmFullBuild} */ (wasm),
    /** @type {WasmFullVerifier} */ (v),
    createPlatformKeys({ prepareKey: platform.prepareKey, enabled: platformCrypto }),
    { clock, realm, fetch, verified, tokenOf, free },
  );
}

/**
 * The full build's verifier: `verify` and `authorize`, synchronous or (a fetched set) not.
 * @param {WasmFullBuild} wasm
 * @param {WasmFullVerifier} v
 * @param {ReturnType<typeof createPlatformKeys>} keys
 * @param {{ clock: () => number, realm: string, fetch: typeof fetch, verified: (n: number) => Verified,
 *   tokenOf: (token: unknown) => string, free: () => void }} parts
 */
function fullVerifier(wasm, v, keys, { clock, realm, fetch, verified, tokenOf, free }) {
  /**
   * What a check answered, its signature settled now: PENDING becomes the outcome with the
   * platform's synchronous verdict (or the Wasm's), then `done` reads it, in the same turn.
   * @template T
   * @param {number} n
   * @param {(n: number) => T} done
   * @returns {T}
   */
  const settled = (n, done) => {
    if (n !== PENDING) return done(n);
    const job = /** @type {import('./glue.js').WasmJob} */ (v.takeJob());
    return done(v.settle(job, keys.verdict(job)));
  };
  /**
   * `settled`, as a Promise: with WebCrypto, after its verdict. The outcome is settled and read
   * in one turn, so concurrent checks never read each other's results.
   * @template T
   * @param {number} n
   * @param {(n: number) => T} done
   * @returns {Promise<T>}
   */
  const settledAsync = (n, done) => {
    if (n !== PENDING || !keys.webCrypto) return later(() => settled(n, done));
    const job = /** @type {import('./glue.js').WasmJob} */ (v.takeJob());
    return keys.verdictAsync(job).then((valid) => done(v.settle(job, valid)));
  };
  const answer = answerOf(wasm, v, clock, realm, verified);
  /** @param {unknown} token */
  const verify = (token) => settled(v.verify(tokenOf(token), clock()), verified);
  /** @param {Record<string, unknown>} [request] */
  const authorize = (request = {}) => settled(v.authorize(requestOf(request), clock()), answer);

  const url = v.jwksUrl;
  const fetcher =
    url === undefined
      ? undefined
      : createJwksFetcher(url, {
          fetch,
          received: (jwks) => {
            if (v.keysFetched(jwks, clock())) keys.forget();
          },
        });
  /**
   * A check as a Promise: with a fetched set, once the keys it needs are here (the Wasm's plan
   * says which, by the token or the request); then `settledAsync`, with no await on the way.
   * @template T
   * @param {() => boolean} needsKeys
   * @param {() => Promise<T>} check
   * @returns {Promise<T>}
   */
  const checkAsync = (needsKeys, check) => (fetcher ? fetcher.ready(needsKeys).then(check) : check());
  /** @param {unknown} token */
  const verifyAsync = (token) =>
    rejecting(() => {
      const t = tokenOf(token);
      return checkAsync(
        () => v.needsKeys(t, clock()),
        () => settledAsync(v.verify(t, clock()), verified),
      );
    });
  /** @param {Record<string, unknown>} [request] */
  const authorizeAsync = (request = {}) =>
    rejecting(() => {
      const r = requestOf(request);
      return checkAsync(
        () => v.needsKeysFor(r, clock()),
        () => settledAsync(v.authorize(r, clock()), answer),
      );
    });
  if (fetcher)
    return { verify: verifyAsync, verifyAsync, authorize: authorizeAsync, authorizeAsync, free, fetchesKeys: true };
  return { verify, verifyAsync, authorize, authorizeAsync, free, fetchesKeys: false };
}

/**
 * What `authorize` answers for the number `n` a check came to (settled): the verified user, or
 * the refusal with its HTTP status, challenge and body (and, for a 503, when to retry).
 * @param {WasmBuild} wasm
 * @param {WasmVerifier} v
 * @param {() => number} clock
 * @param {string} realm
 * @param {(n: number) => Verified} verified
 * @returns {(n: number) => Answer}
 */
const answerOf = (wasm, v, clock, realm, verified) => (n) => {
  if (n === 0) return { ok: true, verified: verified(0) };
  /** @type {Refused} */
  const refused = { ok: false, error: tokenError(n), ...refusalText(wasm.refusal(n, realm)) };
  if (refused.status === 503 && 'retryAfter' in v)
    refused.retryAfter = /** @type {WasmFullVerifier} */ (v).retryAfter(clock());
  return refused;
};

/**
 * The Wasm's answer to a refusal (`status challenge\nbody`) as `{ status, challenge, body }`.
 * @param {string} text
 */
export function refusalText(text) {
  const newline = text.indexOf('\n');
  const challenge = text.slice(4, newline);
  return {
    status: /** @type {401 | 403 | 500 | 503} */ (Number(text.slice(0, 3))),
    challenge: challenge || undefined,
    body: text.slice(newline + 1),
  };
}

/**
 * `f()` as a Promise: its value, or its exception as the rejection.
 * @template T
 * @param {() => T | PromiseLike<T>} f
 * @returns {Promise<T>}
 */
const later = (f) => new Promise((resolve) => resolve(f()));

/**
 * `f()`, or its exception as a rejected Promise.
 * @template T
 * @param {() => Promise<T>} f
 * @returns {Promise<T>}
 */
const rejecting = (f) => {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
};
