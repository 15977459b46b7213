// Reads the suites' JSON (bench/out/*.json), prints the tables, checks the goals, and (unless
// --smoke) writes bench/RESULTS.md: machine, versions, tables, a chart, and ANALYSIS.md.
//   node bench/report.mjs DIR [--smoke]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const [dir, ...flags] = process.argv.slice(2);
const smoke = flags.includes('--smoke');
const load = (name) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
const native = load('native');
const node = load('node');
const workerd = load('workerd');
const sizes = load('sizes');

const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
const pkgVersion = (p) => { try { return JSON.parse(readFileSync(path.join(ROOT, p), 'utf8')).version; } catch { return '?'; } };
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [, os.cpus()[0]?.model ?? '?'])[1];
const machine = [
  ['CPU', `${cpu} (${os.cpus().length} cores; SHA extensions: ${/\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'yes' : 'no'})`],
  ['Memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
  ['OS', `${sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])}, Linux ${os.release()}`],
  ['Rust', sh('rustc', ['--version'])],
  ['Node (benchmarks, wrangler)', node.node ?? process.version],
  ['wrangler / workerd', `${pkgVersion('node_modules/wrangler/package.json')} / ${sh(path.join(ROOT, 'node_modules/.bin/workerd'), ['--version']).replace(/^workerd /, '')}`],
  ['wrk', sh('sh', ['-c', 'wrk -v 2>&1 | head -1'])],
  ['Date', new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC'],
];

const fmt = (n, d = 0) => (n === undefined || n === null || Number.isNaN(n) ? '-' : Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const table = (head, rows) => {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
};
const bar = (value, max, width = 40) => '#'.repeat(Math.max(1, Math.round((value / max) * width)));
const find = (rows, prefix) => rows.find((r) => r.name.startsWith(prefix));
const goals = [];
const goal = (text, ok, detail) => goals.push({ text, ok, detail });

// Native.
const nTg = find(native.rows, 'taskgate-verify');
const nJwt = find(native.rows, 'jsonwebtoken');
const nFloor = find(native.rows, 'floor');
const nativeTable = table(['library', 'version', 'median ns/verify', 'min', 'max', 'x taskgate', 'allocs', 'bytes'],
  native.rows.map((r) => [r.name, r.version, fmt(r.median_ns), fmt(r.min_ns), fmt(r.max_ns), fmt(r.median_ns / nTg.median_ns, 2), fmt(r.allocs), fmt(r.alloc_bytes)]));
goal('Native: at least 1.5x jsonwebtoken', nJwt.median_ns / nTg.median_ns >= 1.5, `${fmt(nJwt.median_ns / nTg.median_ns, 2)}x`);
goal('Native: within 3x of the HMAC floor', nTg.median_ns / nFloor.median_ns <= 3, `${fmt(nTg.median_ns / nFloor.median_ns, 2)}x the floor`);
goal('Native: at most 2 allocations per verify', nTg.allocs <= 2, `${nTg.allocs} allocation(s), ${nTg.alloc_bytes} bytes`);

// Node.
const jTg = node.rows.find((r) => r.name === 'taskgate-verify');
const jFast = find(node.rows, 'fast-jwt');
const jJose = find(node.rows, 'jose');
const jFloor = find(node.rows, 'floor: node:crypto');
const nodeTable = table(['library', 'version', 'median ns/verify', 'min', 'max', 'verifies/s', 'x taskgate'],
  node.rows.map((r) => [r.name, r.version, fmt(r.median_ns), fmt(r.min_ns), fmt(r.max_ns), fmt(r.ops_per_s), fmt(r.median_ns / jTg.median_ns, 2)]));
goal('Node: at least 3x the verifications/s of fast-jwt', jFast.median_ns / jTg.median_ns >= 3, `${fmt(jFast.median_ns / jTg.median_ns, 2)}x`);
goal('Node: at least 20x jose', jJose.median_ns / jTg.median_ns >= 20, `${fmt(jJose.median_ns / jTg.median_ns, 1)}x`);
goal('Node: within 1.5x of the node:crypto floor', jTg.median_ns / jFloor.median_ns <= 1.5, `${fmt(jTg.median_ns / jFloor.median_ns, 2)}x the floor`);

// workerd.
const loadTable = table(['Worker, route', 'requests/s', 'p50 ms', 'p99 ms'],
  workerd.load.map((r) => [r.name, fmt(r.rps), fmt(r.p50_ms, 1), fmt(r.p99_ms, 1)]));
for (const route of ['GET /tasks', 'POST /tasks']) {
  const t = workerd.load.find((r) => r.name === `TaskGate ${route}`);
  const b = find(workerd.load, `baseline ${route}`);
  goal(`workerd ${route}: requests/s at least the baseline's`, t.rps >= b.rps, `${fmt(t.rps / b.rps, 2)}x (${fmt(t.rps)} vs ${fmt(b.rps)})`);
  goal(`workerd ${route}: p99 no worse than the baseline's`, t.p99_ms <= b.p99_ms, `${fmt(t.p99_ms, 1)} ms vs ${fmt(b.p99_ms, 1)} ms`);
  const a = find(workerd.load, `TaskGate API only ${route}`);
  if (a) goal(`workerd ${route}, API only (no static assets): requests/s at least the baseline's`, a.rps >= b.rps, `${fmt(a.rps / b.rps, 2)}x (${fmt(a.rps)} vs ${fmt(b.rps)})`);
}
const wTg = workerd.verify[0];
const verifyTable = table(['inside workerd', 'ns per verify', 'x taskgate'], workerd.verify.map((r) => [r.name, fmt(r.median_ns), fmt(r.median_ns / wTg.median_ns, 2)]));

// Sizes.
const sizeTable = table(['artifact', 'bytes', 'gzip -9'], sizes.rows.map((r) => [r.name, fmt(r.bytes), r.name.includes('tarball') ? '(already gzip)' : fmt(r.gzip)]));
const wasm = find(sizes.rows, 'taskgate-verify: Wasm');
goal('Size: the package Wasm at most 40 KB gzip', wasm.gzip <= 40_000, `${fmt(wasm.gzip)} bytes gzip (${fmt(wasm.bytes)} raw)`);

const goalTable = table(['goal', 'result', 'measured'], goals.map((g) => [g.text, g.ok ? 'met' : '**missed**', g.detail]));
const nodeMax = Math.max(...node.rows.map((r) => r.ops_per_s));
const chart = [
  'Node: verifications per second (longer is better)',
  ...node.rows.map((r) => `${r.name.padEnd(42)} ${bar(r.ops_per_s, nodeMax)} ${fmt(r.ops_per_s)}`),
  '',
  'Native: ns per verify (shorter is better)',
  ...native.rows.map((r) => `${r.name.padEnd(42)} ${bar(r.median_ns, Math.max(...native.rows.map((x) => x.median_ns)))} ${fmt(r.median_ns)}`),
  '',
  'workerd: requests per second (longer is better)',
  ...workerd.load.map((r) => `${r.name.padEnd(42)} ${bar(r.rps, Math.max(...workerd.load.map((x) => x.rps)))} ${fmt(r.rps)}`),
].join('\n');

const text = `# Benchmark results

Generated by \`make bench\` (\`bench/run.sh\`) on this machine; every comparison was measured in the same run,
interleaved, and is reported as a ratio. Figures are medians over rounds. The token is the same everywhere:
${native.token_bytes} bytes, HS256, claims \`iss sub aud exp iat jti user_id user_email\`, a 44-character secret.
Never compare these figures with another machine's.

## Machine

${table(['', ''], machine)}

## Goals

${goalTable}

## 1. Native Rust (${native.rounds} rounds x ${fmt(native.iterations)} verifications)

${nativeTable}

## 2. Node.js (${node.rounds} rounds, ${node.node})

${nodeTable}

## 3. workerd under wrangler dev (wrk, ${workerd.connections} connections, ${workerd.seconds} s per run, median of ${workerd.rounds} alternating rounds)

The TaskGate Worker (Rust, this repository) against a JavaScript baseline kept in \`bench/workerd/baseline.js\`
(Hono + hono/jwt + D1, the same schema, routes and log line). \`GET\` lists a user's 20 tasks; \`POST\` creates one.
"API only" is the same TaskGate Worker without its static assets (the token inspector), which under
\`wrangler dev\` add a router Worker in front of every request.

${loadTable}

${verifyTable}

## 4. Sizes

${sizeTable}

## Chart

\`\`\`
${chart}
\`\`\`

${existsSync(path.join(ROOT, 'bench/ANALYSIS.md')) ? readFileSync(path.join(ROOT, 'bench/ANALYSIS.md'), 'utf8') : ''}`;

console.log(goalTable);
console.log();
console.log(chart);
if (!smoke) {
  writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), text);
  console.log('\nwrote bench/RESULTS.md');
}
