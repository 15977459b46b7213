// taskgate-verify/full for Node.js (>= 20, ESM) and Next.js proxy.ts (Node runtime): the full
// Wasm, found as ../node.js finds the core one; asymmetric signatures checked by node:crypto.
import * as glue from '../wasm/taskgate_full.js';
import { bind } from '../api.js';
import { prepareNodeKey } from '../node-crypto.js';
import { readWasm } from '../node-wasm.js';

const asset = new URL('../wasm/taskgate_full_bg.wasm', import.meta.url);
glue.initSync({ module: readWasm(asset, import.meta.url, '../wasm/taskgate_full_bg.wasm') });

export const { createVerifier, verify, inspect, sign, signRevocation, refusalOf, checkSignature } = bind(glue, {
  prepareKey: prepareNodeKey,
});
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from '../api.js';
