// Next.js Edge runtime (middleware.ts): Wasm must be imported as a module (`?module`).
import wasmModule from './wasm/taskgate_bg.wasm?module';
import { initSync } from './wasm/taskgate.js';

initSync({ module: wasmModule });

export * from './api.js';
