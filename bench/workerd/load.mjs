// workerd under load: the TaskGate Worker (as shipped, and without its static assets) vs the
// JavaScript baseline (Hono + hono/jwt + D1),
// both under `wrangler dev` on this machine, measured alternately with wrk at a fixed
// concurrency; then the verification cost inside workerd (Wasm vs crypto.subtle vs jose).
// Prints a JSON document on stdout:  node bench/workerd/load.mjs [--smoke] [--rounds R] [--seconds S]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkerServer, ROOT } from '../../tests/lib/worker.mjs';
import { SECRET, USER, benchToken } from '../token.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const ROUNDS = smoke ? 1 : opt('--rounds', 3);
const SECONDS = smoke ? 1 : opt('--seconds', 5);
const CONNECTIONS = 16;
const NODE_MODULES = path.join(ROOT, 'bench/node/node_modules');
const log = (...m) => console.error('[workerd]', ...m);

function wrk(url, token, script) {
  const cmd = ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-H', `Authorization: Bearer ${token}`];
  if (script) cmd.push('-s', script);
  const out = execFileSync('wrk', [...cmd, url], { encoding: 'utf8' });
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(out);
    if (!m) throw new Error(`wrk output without ${label}%:\n${out}`);
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses from ${url}`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), p50_ms: ms('50'), p99_ms: ms('99') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function seed(base, token, n) {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/api/${USER}/tasks`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ title: `Seeded task ${i}` }) });
    if (r.status !== 201) throw new Error(`seed: ${r.status} ${await r.text()}`);
  }
}

async function loadTest() {
  const secrets = { BETTER_AUTH_SECRET: SECRET };
  const taskgate = await WorkerServer.start({ secrets });
  // The same Worker without the inspector's static assets: the API alone, as a JS Worker has it.
  const apiOnly = await WorkerServer.start({
    secrets, toml: readFileSync(taskgate.config, 'utf8').replace(/^\[assets\]\n(?:(?!\[)[^\n]*\n)*/m, ''), migrate: true,
  });
  const baselineToml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/\[\[d1_databases\]\][\s\S]*?migrations_dir = "migrations"/)[0]
    .replace('migrations_dir = "migrations"', `migrations_dir = ${JSON.stringify(path.join(ROOT, 'migrations'))}`);
  const baseline = await WorkerServer.start({
    toml: `name = "taskgate-baseline"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n\n${baselineToml}\n`,
    files: { 'worker.js': readFileSync(path.join(import.meta.dirname, 'baseline.js'), 'utf8'), '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n` },
    links: { 'node_modules/hono': path.join(NODE_MODULES, 'hono') },
    migrate: true,
  });
  const writer = USER.replace('user_', 'writer_');
  const token = benchToken();
  const writerToken = benchToken(undefined, writer);
  const post = path.join(baseline.dir, 'post.lua');
  execFileSync('sh', ['-c', `cat > ${post}`], { input: `wrk.method = "POST"\nwrk.body = '{"title":"Load test task"}'\nwrk.headers["Content-Type"] = "application/json"\n` });
  try {
    for (const s of [taskgate, apiOnly, baseline]) await seed(s.url, token, 20);
    const servers = [['TaskGate', taskgate], ['TaskGate API only', apiOnly], ['baseline', baseline]];
    const runs = {};
    for (const [name] of servers) for (const route of ['GET /tasks', 'POST /tasks']) runs[`${name} ${route}`] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, s] of servers) {
        runs[`${name} GET /tasks`].push(wrk(`${s.url}/api/${USER}/tasks`, token));
        runs[`${name} POST /tasks`].push(wrk(`${s.url}/api/${writer}/tasks`, writerToken, post));
        log(`round ${r + 1}: ${name} done`);
      }
    }
    return Object.entries(runs).map(([name, xs]) => ({
      name, rps: median(xs.map((x) => x.rps)), p50_ms: median(xs.map((x) => x.p50_ms)), p99_ms: median(xs.map((x) => x.p99_ms)), runs: xs,
    }));
  } finally {
    await taskgate.stop();
    await apiOnly.stop();
    await baseline.stop();
  }
}

async function verifyCost() {
  const server = await WorkerServer.start({
    toml: 'name = "taskgate-verify-cost"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n',
    files: { 'worker.js': readFileSync(path.join(import.meta.dirname, 'verify-cost.js'), 'utf8'), '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n` },
    links: { 'node_modules/taskgate-verify': path.join(ROOT, 'pkg'), 'node_modules/jose': path.join(NODE_MODULES, 'jose') },
  });
  const token = benchToken();
  const N = smoke ? 10 : 2000;
  const time = async (impl, n) => {
    const t0 = process.hrtime.bigint();
    const r = await fetch(`${server.url}/${impl}?n=${n}&token=${token}`);
    const body = await r.json();
    if (r.status !== 200 || (n > 0 && body.sub !== USER)) throw new Error(`${impl}: ${JSON.stringify(body)}`);
    return Number(process.hrtime.bigint() - t0);
  };
  try {
    const impls = ['wasm', 'subtle', 'jose'];
    const per = Object.fromEntries(impls.map((i) => [i, []]));
    for (const i of impls) await time(i, N); // warm-up
    for (let r = 0; r < (smoke ? 1 : 7); r++) {
      for (const i of impls) {
        const empty = median([await time(i, 0), await time(i, 0), await time(i, 0)]);
        per[i].push((await time(i, N) - empty) / N);
      }
    }
    const names = { wasm: 'taskgate-verify (Wasm)', subtle: 'crypto.subtle HMAC + JSON.parse', jose: 'jose jwtVerify' };
    return impls.map((i) => ({ name: names[i], median_ns: median(per[i]), runs_ns: per[i] }));
  } finally {
    await server.stop();
  }
}

const load = await loadTest();
const cost = await verifyCost();
console.log(JSON.stringify({ suite: 'workerd', connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, load, verify: cost }));
