// Node.js (>= 20, ESM) and Next.js proxy.ts (Node runtime): the Wasm is read and compiled
// synchronously at import, so no init call is needed.
import { readFileSync } from 'node:fs';
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';

glue.initSync({ module: readFileSync(new URL('./wasm/taskgate_bg.wasm', import.meta.url)) });

export const { createVerifier, verify, inspect, sign } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS } from './api.js';
