// The package's API over the wasm-bindgen glue of one of its two Wasm builds: `bind(glue)`
// returns the functions; the platform entries (node.js, workerd.js, edge.js, browser.js, and the
// same under full/) initialize their Wasm, bind it, and re-export. The core build verifies every
// symmetric Better Auth token (HS256, the session cookie cache in each strategy), authorizes
// requests by the crate's HTTP rules, inspects and signs; the full build adds asymmetric tokens. Codes, sentences, claim names and limits come from contract.js, generated from the
// Rust crate. The parts: settings.js (arguments to settings), verifier.js (`createVerifier`),
// platform-keys.js and jwks-fetcher.js (the full build's platform crypto and fetched JWK Set),
// tools.js (`inspect`, `sign`, `refusalOf`, `checkSignature`), errors.js.
import { checkSignatureWith, inspectWith, refusalWith, signRevocationWith, signWith } from './tools.js';
import { createVerifierOver } from './verifier.js';

export { ALGORITHMS, CLAIMS, ERROR_CODES, ERRORS, LIMITS, SESSION_CACHE_STRATEGIES } from './contract.js';
export { TokenError } from './errors.js';

/** @typedef {import('./glue.js').WasmBuild} WasmBuild */
/** @typedef {import('./glue.js').WasmFullBuild} WasmFullBuild */
/** @typedef {import('./glue.js').Platform} Platform */

/**
 * The package's functions over one Wasm build's glue (`./wasm/taskgate.js` or
 * `taskgate_full.js`). `platform.prepareKey(importParams, verifyParams, jwk)`, where the platform
 * has one, readies a key for synchronous signature checks (node-crypto.js).
 * @param {WasmBuild} wasm
 * @param {Platform} [platform]
 */
export function bind(wasm, platform = {}) {
  const full = /** @type {WasmFullBuild} */ (wasm);
  return {
    /**
     * A verifier for `keys` with `options` (index.d.ts, full.d.ts). Key schedules are computed once, here.
     * @param {unknown} keys
     * @param {Record<string, any>} [options]
     */
    createVerifier: (keys, options = {}) => createVerifierOver(wasm, platform, keys, options),
    /**
     * One-shot verification; prefer `createVerifier` to reuse the key schedule. With a JWK Set
     * fetched from a URL, a Promise (the verifier is freed once it settles).
     * @param {unknown} token
     * @param {unknown} keys
     * @param {Record<string, any>} [options]
     */
    verify(token, keys, options = {}) {
      const v = createVerifierOver(wasm, platform, keys, options);
      if (v.fetchesKeys) return v.verifyAsync(token).finally(v.free);
      try {
        return v.verify(token);
      } finally {
        v.free();
      }
    },
    /**
     * Decodes a token without a key; never throws (tools.js).
     * @param {unknown} token
     * @param {Record<string, any>} [options]
     */
    inspect: (token, options = {}) => inspectWith(wasm, token, options),
    /**
     * Issues an HS256 token (tools.js). Server-side only.
     * @param {unknown} claims
     * @param {unknown} keys
     * @param {Record<string, any>} [options]
     */
    sign: (claims, keys, options = {}) => signWith(wasm, claims, keys, options),
    /**
     * Issues a revocation token for the Worker's `POST /revocations` (tools.js; full build).
     * Server-side only.
     * @param {unknown} keys
     * @param {number} [now] seconds since the epoch
     */
    signRevocation: (keys, now) => signRevocationWith(full, keys, now),
    /**
     * The HTTP answer for a TokenError, as the TaskGate Worker gives it.
     * @param {{ code: string, claim?: string }} error
     * @param {{ realm?: string }} [options]
     */
    refusalOf: (error, options) => refusalWith(wasm, error, options ?? {}),
    /**
     * The signature layer alone, for published test vectors (full build).
     * @param {[alg: string, jwk: object, message: Uint8Array, signature: Uint8Array, via?: string]} args
     */
    checkSignature: (...args) => checkSignatureWith(full, platform, args),
  };
}
