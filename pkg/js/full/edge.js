// taskgate-verify/full for the Next.js Edge runtime (middleware.ts): the full Wasm imported as a
// module (`?module`), as ../edge.js does.
import wasmModule from '../wasm/taskgate_full_bg.wasm?module';
import * as glue from '../wasm/taskgate_full.js';
import { bind } from '../api.js';
import { inThisRealm } from '../edge-module.js';

glue.initSync({ module: inThisRealm(wasmModule) });

export const { createVerifier, verify, inspect, sign, signRevocation, refusalOf, checkSignature } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from '../api.js';
