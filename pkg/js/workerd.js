// Cloudflare Workers / workerd (wrangler bundles `.wasm` imports as WebAssembly.Module):
// compiling Wasm from bytes is forbidden there, so the module is imported, then instantiated.
import wasmModule from './wasm/taskgate_bg.wasm';
import { initSync } from './wasm/taskgate.js';

initSync({ module: wasmModule });

export * from './api.js';
