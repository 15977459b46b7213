// Node.js (>= 20, ESM) and Next.js proxy.ts (Node runtime): the Wasm is read and compiled
// synchronously at import, so no init call is needed.
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';
import { prepareNodeKey } from './node-crypto.js';
import { readWasm } from './node-wasm.js';

// In Node this is the file beside this module, and so it is where bundlers emit it as a server
// file (Next.js route handlers, proxy.ts). Next.js (Turbopack) bundles pages and server
// components as if for a browser: there this URL is a path the browser could fetch
// (`/_next/static/media/...`), not a file, so the one beside this module is read instead.
const asset = new URL('./wasm/taskgate_bg.wasm', import.meta.url);
glue.initSync({ module: readWasm(asset, import.meta.url, './wasm/taskgate_bg.wasm') });

export const { createVerifier, verify, inspect, sign } = bind(glue, { prepareKey: prepareNodeKey });
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS, SESSION_CACHE_STRATEGIES } from './api.js';
