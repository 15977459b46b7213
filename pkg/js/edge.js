// Next.js Edge runtime (middleware.ts): Wasm must be imported as a module (`?module`).
import wasmModule from './wasm/taskgate_bg.wasm?module';
import * as glue from './wasm/taskgate.js';
import { bind } from './api.js';

// `next start` runs Edge code in a separate V8 realm: the imported module is a real
// WebAssembly.Module of the outer realm, so the glue's `instanceof WebAssembly.Module` test
// fails and it would try to compile the module object as bytes. Give it this realm's
// prototype (a no-op where the realms are the same, as on Vercel's and Cloudflare's edge).
if (!(wasmModule instanceof WebAssembly.Module) && Object.prototype.toString.call(wasmModule) === '[object WebAssembly.Module]') {
  Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype);
}
glue.initSync({ module: wasmModule });

export const { createVerifier, verify, inspect, sign } = bind(glue);
export { TokenError, ERROR_CODES, ERRORS, CLAIMS, LIMITS, ALGORITHMS } from './api.js';
