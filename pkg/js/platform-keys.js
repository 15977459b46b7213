// The platform's crypto for asymmetric signatures (full build): the Wasm applies every rule
// with the signature deferred and hands over a job (key, signing input, signature) holding the
// outcome; the platform gives its verdict (node:crypto synchronously in Node, via the entry's
// `prepareKey`; WebCrypto asynchronously elsewhere), or none where it cannot use the key, and the
// Wasm settles the outcome (checking the signature itself when there is no verdict). Why: the
// README, "Where the signature math runs".

/** @typedef {import('./glue.js').WasmJob} WasmJob */
/** @typedef {import('./glue.js').PrepareKey} PrepareKey */
/** @typedef {(message: Uint8Array, signature: Uint8Array) => boolean} SyncCheck */
/** @typedef {(message: Uint8Array, signature: Uint8Array) => Promise<boolean>} AsyncCheck */

/**
 * The `importKey` and `verify` parameters and the public JWK of a job's key.
 * @param {WasmJob} job
 * @returns {[{ name: string, hash?: string }, { name: string, hash?: string, saltLength?: number }, string]}
 */
export const keyOf = (job) => [JSON.parse(job.importParams()), JSON.parse(job.verifyParams()), job.key()];

/**
 * A key ready for WebCrypto, or null when the platform cannot import it (no WebCrypto, or not
 * this algorithm).
 * @param {{ name: string }} importParams
 * @param {{ name: string }} verifyParams
 * @param {string} jwk
 * @returns {Promise<AsyncCheck | null>}
 */
export async function prepareWebCryptoKey(importParams, verifyParams, jwk) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  /** @type {CryptoKey} */
  let key;
  try {
    key = await subtle.importKey('jwk', JSON.parse(jwk), importParams, false, ['verify']);
  } catch {
    return null;
  }
  const no = () => false;
  return (message, signature) => {
    try {
      const [data, sig] = /** @type {BufferSource[]} */ ([message, signature]);
      return subtle.verify(verifyParams, key, sig, data).catch(no);
    } catch {
      return Promise.resolve(false);
    }
  };
}

/**
 * The platform's checkers for the keys of one verifier's set, prepared once per key (by its
 * index in the set: `job.keyIndex()`) and forgotten when the set changes (`forget`).
 * - `verdict(job)`: synchronous: node:crypto's (`prepareKey`), else none (`undefined`: the Wasm
 *   checks the signature).
 * - `verdictAsync(job)`: WebCrypto's where there is no `prepareKey`. A WebCrypto key is held as
 *   the import's promise until it settles, then as the checker itself: no await on the path of
 *   later checks.
 * With `enabled` false (`platformCrypto: false`), there is never a verdict.
 * @param {{ prepareKey?: PrepareKey, enabled: boolean }} options
 */
export function createPlatformKeys({ prepareKey, enabled }) {
  const sync = enabled ? prepareKey : undefined;
  /** @type {(SyncCheck | null)[]} */
  let prepared = [];
  /** @type {(AsyncCheck | null | Promise<AsyncCheck | null>)[]} */
  let webKeys = [];

  /** @param {WasmJob} job */
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

  return {
    /** Whether `verdictAsync` asks WebCrypto (else it is `verdict`'s answer). */
    webCrypto: enabled && !prepareKey,
    /**
     * The platform's verdict on a job's signature, synchronously; `undefined` when it has none.
     * @param {WasmJob} job
     * @returns {boolean | undefined}
     */
    verdict(job) {
      if (!sync) return undefined;
      const i = job.keyIndex();
      if (prepared[i] === undefined) prepared[i] = sync(...keyOf(job));
      const check = prepared[i];
      return check ? check(job.message(), job.signature()) : undefined;
    },
    /**
     * WebCrypto's verdict on a job's signature; `undefined` when it cannot use the key.
     * @param {WasmJob} job
     * @returns {Promise<boolean | undefined>}
     */
    verdictAsync(job) {
      const [message, signature] = [job.message(), job.signature()];
      /** @param {AsyncCheck | null} check */
      const withKey = (check) => (check ? check(message, signature) : undefined);
      const key = webKeyFor(job);
      return typeof key === 'function' ? key(message, signature) : Promise.resolve(key).then(withKey);
    },
    /** Forgets every prepared key: the set changed. */
    forget() {
      prepared = [];
      webKeys = [];
    },
  };
}
