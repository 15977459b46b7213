// Two builds of the package's core Wasm against each other in Node (A against B, one run): each
// build's wasm-bindgen glue (`--target web --out-name taskgate`, then wasm-opt) loaded with
// `initSync({ module })`, a Wasm `Verifier` made from the same settings object as pkg/js/settings.js
// makes, and HS256 verification of the benchmark token (bench/token.mjs) timed: `verify(token, now)`
// in interleaved rounds (order alternating), the median of per-round ratios B / A reported.
// Used for bench/ANALYSIS.md ("Size of the default Wasm"): what RustCrypto's compact software
// SHA-2 costs HS256 verification.
//
//   node bench/node/wasm-ab.mjs DIR_A DIR_B [--names A,B] [--rounds R] [--smoke]
//
// A table on stderr, one JSON document on stdout.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchToken, SECRET } from '../token.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const smoke = args.includes('--smoke');
const names = (flag('--names') ?? 'A,B').split(',');
const ROUNDS = smoke ? 1 : Number(flag('--rounds') ?? 21);
const dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length !== 2 || names.length !== 2 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error('usage: node bench/node/wasm-ab.mjs DIR_A DIR_B [--names A,B] [--rounds R] [--smoke]');
  process.exit(2);
}

const token = benchToken();
const now = Math.floor(Date.now() / 1000);
const settings = { secret: new TextEncoder().encode(SECRET), leeway: 0, maxTokenLength: 8192, requireExp: true };
const builds = [];
for (const [i, dir] of dirs.entries()) {
  const glue = await import(pathToFileURL(path.resolve(dir, 'taskgate.js')).href);
  const bytes = readFileSync(path.resolve(dir, 'taskgate_bg.wasm'));
  glue.initSync({ module: new WebAssembly.Module(bytes) });
  const v = new glue.Verifier(settings);
  if (v.verify(token, now) !== 0) throw new Error(`${dir}: the token was refused`);
  if (v.verify(`${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`, now) === 0)
    throw new Error(`${dir}: a forged signature was accepted`);
  builds.push({ name: names[i], dir, wasm_bytes: bytes.length, v, samples: [] });
}

const loop = (v, n) => {
  let bad = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) bad += v.verify(token, now);
  const ns = Number(process.hrtime.bigint() - t0);
  if (bad !== 0) throw new Error('a verification failed');
  return ns;
};
// Warm-up (tier-up), then N for ~40 ms per build per round.
let n = smoke ? 20 : 1000;
for (const b of builds) for (let spent = 0; spent < (smoke ? 0 : 300e6); ) spent += loop(b.v, n);
if (!smoke) n = Math.max(100, Math.round((40e6 * n) / loop(builds[0].v, n)));
for (let r = 0; r < ROUNDS; r++) {
  for (const b of r % 2 ? [...builds].reverse() : builds) b.samples.push(loop(b.v, n) / n);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [a, b] = builds;
const ratio = median(b.samples.map((x, i) => x / a.samples[i]));
const rows = builds.map((x) => ({
  name: x.name,
  dir: x.dir,
  wasm_bytes: x.wasm_bytes,
  median_ns: Math.round(median(x.samples) * 10) / 10,
  min_ns: Math.round(Math.min(...x.samples) * 10) / 10,
  max_ns: Math.round(Math.max(...x.samples) * 10) / 10,
}));
console.error(
  `node ${process.version}, HS256 verify of a ${token.length}-byte token, ${ROUNDS} rounds x ${n}${smoke ? ' (smoke)' : ''}`,
);
for (const r of rows)
  console.error(
    `${r.name.padEnd(24)} ${r.median_ns.toFixed(0).padStart(8)} ns (${r.min_ns.toFixed(0)}-${r.max_ns.toFixed(0)})`,
  );
console.error(`${b.name} / ${a.name}: ${ratio.toFixed(3)} (median of per-round ratios)`);
console.log(
  JSON.stringify({
    suite: 'node-wasm-ab',
    node: process.version,
    token_bytes: token.length,
    rounds: ROUNDS,
    iterations: n,
    rows,
    ratio_b_over_a: Math.round(ratio * 1000) / 1000,
  }),
);
