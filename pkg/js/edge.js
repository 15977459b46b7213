// Next.js Edge runtime (middleware.ts): Wasm must be imported as a module (`?module`).
import wasmModule from './wasm/taskgate_bg.wasm?module';
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';
import { inThisRealm } from './edge-module.js';

glue.initSync({ module: inThisRealm(wasmModule) });

export const { createVerifier, verify, inspect, sign } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from './api.js';
