// taskgate-verify/full for browsers (ESM, no bundler needed) and bundlers with top-level await:
// the full Wasm beside the core one, fetched and compiled once, at import.
import * as glue from '../wasm/taskgate_full.js';
import { bind } from '../api.js';

await glue.default({ module_or_path: new URL('../wasm/taskgate_full_bg.wasm', import.meta.url) });

export const { createVerifier, verify, inspect, sign, signRevocation, refusalOf, checkSignature } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from '../api.js';
