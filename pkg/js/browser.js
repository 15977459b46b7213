// Browsers (ESM, no bundler needed) and bundlers with top-level await: the Wasm file next to
// this module is fetched and compiled once, at import.
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';

await glue.default({ module_or_path: new URL('./wasm/taskgate_bg.wasm', import.meta.url) });

export const { createVerifier, verify, inspect, sign } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from './api.js';
