// Cloudflare Workers / workerd (wrangler bundles `.wasm` imports as WebAssembly.Module):
// compiling Wasm from bytes is forbidden there, so the module is imported, then instantiated.
import wasmModule from './wasm/taskgate_bg.wasm';
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';

glue.initSync({ module: wasmModule });

export const { createVerifier, verify, inspect, sign } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from './api.js';
