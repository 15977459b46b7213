// Asymmetric signatures checked by Node's own crypto (OpenSSL), synchronously, for the Node
// entries: measured faster than both the Wasm and Node's WebCrypto, whose every call hops to
// the thread pool (bench/RESULTS.md; the package README, "Where the signature math runs"). The
// Wasm applies every rule and chooses the key; this only checks a job's signature (api.js).
import { createPublicKey, verify, constants } from 'node:crypto';

/** @type {Partial<Record<string, string>>} */
const HASHES = { 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

/**
 * A key ready for node:crypto, from WebCrypto-style parameters (the crate's) and a public JWK:
 * `(message, signature) => boolean`, or null when this Node cannot use it.
 * @param {{ name: string, hash?: string }} importParams WebCrypto's `importKey` algorithm
 * @param {{ name: string, hash?: string, saltLength?: number }} verifyParams WebCrypto's `verify` algorithm
 * @param {string} jwk the public key, as JWK JSON
 * @returns {((message: Uint8Array, signature: Uint8Array) => boolean) | null}
 */
export function prepareNodeKey(importParams, verifyParams, jwk) {
  let key;
  try {
    key = createPublicKey({ key: JSON.parse(jwk), format: 'jwk' });
  } catch {
    return null;
  }
  /** @type {string | null | undefined} */
  let hash;
  /** @type {import('node:crypto').KeyObject | import('node:crypto').VerifyKeyObjectInput} */
  let options;
  switch (importParams.name) {
    case 'Ed25519':
      [hash, options] = [null, key];
      break;
    case 'ECDSA':
      [hash, options] = [HASHES[verifyParams.hash ?? ''], { key, dsaEncoding: 'ieee-p1363' }];
      break;
    case 'RSASSA-PKCS1-v1_5':
      [hash, options] = [HASHES[importParams.hash ?? ''], { key, padding: constants.RSA_PKCS1_PADDING }];
      break;
    case 'RSA-PSS':
      [hash, options] = [
        HASHES[importParams.hash ?? ''],
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: verifyParams.saltLength },
      ];
      break;
    default:
      return null;
  }
  if (hash === undefined) return null;
  return (message, signature) => {
    try {
      return verify(hash, message, options, signature);
    } catch {
      return false;
    }
  };
}
