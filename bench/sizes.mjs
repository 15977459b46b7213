// Sizes: the npm package's Wasm and tarball, the TaskGate Worker's upload, and the same for
// what users would pick instead (jose's and hono/jwt's HS256 verify bundles, the Hono
// baseline Worker). Prints a JSON document on stdout.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  symlinkSync,
  mkdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { wasmParts } from './wasm-parts.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'node_modules/.bin');
const env = {
  ...process.env,
  PATH: `${BIN}:${process.env.PATH}`,
  WRANGLER_SEND_METRICS: 'false',
  CI: 'true',
  NO_COLOR: '1',
};
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const file = (p) => {
  const b = readFileSync(p);
  return { bytes: b.length, gzip: gz(b) };
};
const sum = (xs) => xs.reduce((a, x) => ({ bytes: a.bytes + x.bytes, gzip: a.gzip + x.gzip }), { bytes: 0, gzip: 0 });

/** Every file wrangler would upload for `config`, measured. */
function workerUpload(config, cwd) {
  const out = mkdtempSync(path.join(tmpdir(), 'tg-upload-'));
  execFileSync(path.join(BIN, 'wrangler'), ['deploy', '--dry-run', '--outdir', out, '--config', config], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = readdirSync(out).filter(
    (f) => statSync(path.join(out, f)).isFile() && !f.endsWith('.map') && f !== 'README.md',
  );
  const each = files.map((f) => ({ name: f, ...file(path.join(out, f)) }));
  rmSync(out, { recursive: true, force: true });
  return { ...sum(each), files: each };
}

/** esbuild bundle of `source` (minified ESM for the browser/worker), measured. */
function bundle(source, nodePaths) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tg-bundle-'));
  writeFileSync(path.join(dir, 'entry.js'), source);
  const out = path.join(dir, 'out.js');
  execFileSync(
    path.join(BIN, 'esbuild'),
    ['entry.js', '--bundle', '--minify', '--format=esm', '--platform=browser', `--outfile=${out}`],
    { cwd: dir, env: { ...env, NODE_PATH: nodePaths.join(':') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const r = file(out);
  rmSync(dir, { recursive: true, force: true });
  return r;
}

const rows = [];
const pkgWasm = file(path.join(ROOT, 'pkg/dist/wasm/taskgate_bg.wasm'));
rows.push({ name: 'taskgate-verify: Wasm', ...pkgWasm });
rows.push({
  name: 'taskgate-verify/full: Wasm (+ JWK Set, EdDSA/ES256/ES512/RS256/PS256, session cookie cache)',
  ...file(path.join(ROOT, 'pkg/dist/wasm/taskgate_full_bg.wasm')),
});
const glue = sum(['api.js', 'node.js', 'wasm/taskgate.js'].map((f) => file(path.join(ROOT, 'pkg/dist', f))));
rows.push({ name: 'taskgate-verify: JS glue (api + entry + wasm-bindgen)', ...glue });
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: path.join(ROOT, 'pkg'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  }),
)[0];
rows.push({
  name: 'taskgate-verify: npm tarball',
  bytes: packed.size,
  gzip: packed.size,
  note: `unpacked ${packed.unpackedSize} B`,
});

const NM = path.join(ROOT, 'bench/node/node_modules');
rows.push({ name: 'jose: jwtVerify bundle (esbuild, minified)', ...bundle("export { jwtVerify } from 'jose';", [NM]) });
rows.push({
  name: 'jose: jwtVerify + createLocalJWKSet bundle (esbuild, minified)',
  ...bundle("export { jwtVerify, createLocalJWKSet } from 'jose';", [NM]),
});
rows.push({
  name: 'hono/jwt: verify bundle (esbuild, minified)',
  ...bundle("export { verify } from 'hono/jwt';", [NM]),
});

const upload = workerUpload(path.join(ROOT, 'wrangler.toml'), ROOT);
rows.push({ name: 'TaskGate Worker upload (wrangler deploy --dry-run)', bytes: upload.bytes, gzip: upload.gzip });
// What the upload is made of: its files (the Wasm, and the JavaScript wrangler bundles from the
// wasm-bindgen glue and worker-build's shim), and the Wasm's code by crate (from the same build with
// its name section kept: bench/out/worker-profile, built by bench/run.sh).
const uploadParts = upload.files.map((f) => ({
  name: f.name.endsWith('.wasm')
    ? `Wasm (${f.name})`
    : `JavaScript: wasm-bindgen glue and worker-build shim (${f.name})`,
  bytes: f.bytes,
  gzip: f.gzip,
}));
const named = path.join(ROOT, 'bench/out/worker-profile/index_bg.wasm');
const wasm = existsSync(named) ? wasmParts(named) : { parts: [] };

// The Hono baseline Worker, in a temp dir with its dependency linked.
const dir = mkdtempSync(path.join(tmpdir(), 'tg-baseline-'));
writeFileSync(path.join(dir, 'worker.js'), readFileSync(path.join(ROOT, 'bench/workerd/baseline.js')));
writeFileSync(
  path.join(dir, 'wrangler.toml'),
  'name = "baseline"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n',
);
mkdirSync(path.join(dir, 'node_modules'));
symlinkSync(path.join(NM, 'hono'), path.join(dir, 'node_modules/hono'));
const baselineUpload = workerUpload(path.join(dir, 'wrangler.toml'), dir);
rows.push({ name: 'Baseline Worker upload (Hono + hono/jwt)', bytes: baselineUpload.bytes, gzip: baselineUpload.gzip });
rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    suite: 'sizes',
    rows,
    upload: { files: uploadParts, wasm: wasm.parts.filter((p) => !p.name.startsWith('custom section')) },
  }),
);
