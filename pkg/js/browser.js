// Browsers (ESM, no bundler needed) and bundlers with top-level await: the Wasm file next to
// this module is fetched and compiled once, at import.
import init from './wasm/taskgate.js';

await init({ module_or_path: new URL('./wasm/taskgate_bg.wasm', import.meta.url) });

export * from './api.js';
