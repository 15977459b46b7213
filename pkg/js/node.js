// Node.js (>= 20, ESM) and Next.js proxy.ts (Node runtime): the Wasm is read and compiled
// synchronously at import, so no init call is needed.
import { readFileSync } from 'node:fs';
import { initSync } from './wasm/taskgate.js';

initSync({ module: readFileSync(new URL('./wasm/taskgate_bg.wasm', import.meta.url)) });

export * from './api.js';
