// The Next.js Edge entries (edge.js, full/edge.js): the Wasm module they import, usable here.

/**
 * `next start` runs Edge code in a separate V8 realm: the imported module is a real
 * WebAssembly.Module of the outer realm, so the glue's `instanceof WebAssembly.Module` test fails
 * and it would try to compile the module object as bytes. This gives it this realm's prototype
 * (a no-op where the realms are the same, as on Vercel's and Cloudflare's edge).
 * @param {WebAssembly.Module} wasmModule
 */
export function inThisRealm(wasmModule) {
  const foreign =
    !(wasmModule instanceof WebAssembly.Module) &&
    Object.prototype.toString.call(wasmModule) === '[object WebAssembly.Module]';
  if (foreign) Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype);
  return wasmModule;
}
