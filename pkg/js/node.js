// Node.js (>= 20, ESM) and Next.js proxy.ts (Node runtime): the Wasm is read and compiled
// synchronously at import, so no init call is needed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';
import { prepareNodeKey } from './node-crypto.js';

// In Node this is the file beside this module, and so it is where bundlers emit it as a server
// file (Next.js route handlers, proxy.ts). Next.js (Turbopack) bundles pages and server
// components as if for a browser: there this URL is a path the browser could fetch
// (`/_next/static/media/...`), not a file, so read the one beside this module instead.
const asset = new URL('./wasm/taskgate_bg.wasm', import.meta.url);
const file = asset.protocol === 'file:' ? asset : path.join(fileURLToPath(import.meta.url), '..', './wasm/taskgate_bg.wasm');
glue.initSync({ module: readFileSync(file) });

export const { createVerifier, verify, inspect, sign } = bind(glue, { prepareKey: prepareNodeKey });
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS } from './api.js';
