// How the Node entries (node.js, full/node.js) find their Wasm file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bytes of an entry's Wasm: the file at `asset` (the entry's own
 * `new URL('./wasm/NAME_bg.wasm', import.meta.url)`, written there so that bundlers emit it), or,
 * when that is no file (a bundle made as if for a browser), the file `relative` to the entry
 * module `entryUrl` itself.
 * @param {URL} asset
 * @param {string} entryUrl
 * @param {string} relative
 */
export function readWasm(asset, entryUrl, relative) {
  const file = asset.protocol === 'file:' ? asset : path.join(fileURLToPath(entryUrl), '..', relative);
  return readFileSync(file);
}
