// taskgate-verify/full for Cloudflare Workers / workerd: the full Wasm imported as a module (as
// ../workerd.js does); asymmetric signatures checked by workerd's WebCrypto in the async checks.
import wasmModule from '../wasm/taskgate_full_bg.wasm';
import * as glue from '../wasm/taskgate_full.js';
import { bind } from '../api.js';

glue.initSync({ module: wasmModule });

export const { createVerifier, verify, inspect, sign, signRevocation, refusalOf, checkSignature } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from '../api.js';
