// A CPU profile of a Worker's isolate under load, through the V8 inspector that `wrangler dev`
// exposes (--inspector-port): Profiler.start, wrk for a few seconds, Profiler.stop, then self
// time per function and per part (Wasm by crate, the wasm-bindgen glue, workerd's D1 binding,
// Hono, GC, ...). For Wasm function names, profile a build that keeps its name section:
//   bash scripts/build-worker.sh --keep-names --out bench/out/worker-profile
//   node bench/workerd/profile.mjs [--worker DIR | --baseline [--fixed]] [--route get|post]
//                                  [--seconds S] [--top N] [--json FILE]
// The D1 simulator runs in another isolate (not in this profile); its cost is in load.mjs's
// CPU-per-request table (the "fixed store" rows).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkerServer, ROOT } from '../../tests/lib/worker.mjs';
import { SECRET, USER, benchToken } from '../token.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SECONDS = Number(opt('--seconds', 5));
const TOP = Number(opt('--top', 40));
const ROUTE = opt('--route', 'get');
const NODE_MODULES = path.join(ROOT, 'bench/node/node_modules');
const log = (...m) => console.error('[profile]', ...m);

async function start() {
  const here = (f) => readFileSync(path.join(import.meta.dirname, f), 'utf8');
  const toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const d1 = toml
    .match(/\[\[d1_databases\]\][\s\S]*?migrations_dir = "migrations"/)[0]
    .replace('migrations_dir = "migrations"', `migrations_dir = ${JSON.stringify(path.join(ROOT, 'migrations'))}`);
  if (args.includes('--baseline')) {
    const main = args.includes('--fixed') ? 'baseline-fixed.js' : 'baseline.js';
    return WorkerServer.start({
      toml: `name = "taskgate-baseline"\nmain = "${main}"\ncompatibility_date = "2026-11-01"\n\n${d1}\n`,
      files: {
        'baseline.js': here('baseline.js'),
        'baseline-fixed.js': here('baseline-fixed.js'),
        'fixed-tasks.json': here('fixed-tasks.json'),
        '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n`,
      },
      links: { 'node_modules/hono': path.join(NODE_MODULES, 'hono') },
      migrate: true,
    });
  }
  const dir = path.resolve(opt('--worker', path.join(ROOT, 'bench/out/worker-profile')));
  const probe = new WorkerServer({ secrets: { BETTER_AUTH_SECRET: SECRET } });
  let cfg = readFileSync(probe.config, 'utf8').replace(/^\[assets\]\n(?:(?!\[)[^\n]*\n)*/m, '');
  await probe.stop();
  cfg = cfg.replace(/^main = .*$/m, `main = ${JSON.stringify(path.join(dir, 'index.js'))}`);
  return WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET }, toml: cfg, migrate: true });
}

/** The inspector port wrangler was started with (from its command line). */
function inspectorPort(pid) {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return Number(argv[argv.indexOf('--inspector-port') + 1]);
}

/** A minimal CDP client over the inspector's WebSocket. */
async function connect(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
  // wrangler's inspector proxy wants an Origin it knows (Node's WebSocket sends none by itself).
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'http://localhost' } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      pending.set(++id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close(), target };
}

/** The part of the code a profile node belongs to. */
function partOf(frame) {
  const { functionName: fn, url } = frame;
  if (!url && fn.startsWith('(')) return fn; // (garbage collector), (program), (idle), (root)
  if (url.startsWith('wasm://')) {
    const name = fn.replace(/^<?/, '');
    if (/^\$?(__wbg|wasm_bindgen|__wbindgen|__externref)/.test(name) || name.includes('wasm_bindgen'))
      return 'wasm: wasm-bindgen (Rust side)';
    if (/dlmalloc|__rust_(alloc|dealloc|realloc)|alloc::raw_vec|alloc::alloc|<alloc::vec/.test(name))
      return 'wasm: allocator and vectors';
    if (/taskgate_verify|sha2|hmac|base64/.test(name))
      return 'wasm: verification (taskgate_verify, sha2, hmac, base64)';
    if (/serde_json|serde::/.test(name)) return 'wasm: serde_json';
    if (/^(taskgate_worker)/.test(name)) return 'wasm: taskgate_worker';
    if (/^(worker|worker_sys|js_sys|web_sys|wasm_bindgen_futures)::/.test(name) || /<worker::/.test(name))
      return 'wasm: workers-rs, js-sys, web-sys';
    if (/^(core|alloc|std)::|memcpy|memset|memmove|memcmp/.test(name)) return 'wasm: core/alloc (fmt, strings, memcpy)';
    return 'wasm: other';
  }
  if (url.includes('/node_modules/hono/') || url.includes('hono')) return 'js: hono';
  if (url.includes('d1') || url.includes('cloudflare-internal'))
    return `js: workerd internal (${url.split('/').pop()})`;
  if (/index\.js|shim/.test(url)) return 'js: wasm-bindgen glue and worker-build shim';
  if (url.includes('baseline')) return 'js: baseline.js';
  if (!url) return `js: built-in (${fn || 'anonymous'})`;
  return `js: ${url.split('/').slice(-2).join('/')}`;
}

const server = await start();
const token = benchToken();
const writer = USER.replace('user_', 'writer_');
try {
  for (let i = 0; i < 20; i++) {
    await fetch(`${server.url}/api/${USER}/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `Seeded task ${i}` }),
    });
  }
  const post = path.join(server.dir, 'post.lua');
  writeFileSync(
    post,
    `wrk.method = "POST"\nwrk.body = '{"title":"Load test task"}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const wrk = (seconds) => {
    const [p, t] =
      ROUTE === 'post' ? [`/api/${writer}/tasks`, benchToken(undefined, writer)] : [`/api/${USER}/tasks`, token];
    const a = ['-t1', '-c16', `-d${seconds}s`, '-H', `Authorization: Bearer ${t}`];
    if (ROUTE === 'post') a.push('-s', post);
    return execFileSync('wrk', [...a, `${server.url}${p}`], { encoding: 'utf8' });
  };
  wrk(2); // warm-up
  const cdp = await connect(inspectorPort(server.proc.pid));
  log(`inspector target: ${cdp.target.title ?? cdp.target.id}`);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const out = wrk(SECONDS);
  const { profile } = await cdp.send('Profiler.stop');
  cdp.close();
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  if (opt('--json')) writeFileSync(opt('--json'), JSON.stringify(profile));

  // Self time per node from the samples.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const fns = new Map();
  const parts = new Map();
  let total = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    total += us;
    if (f.functionName === '(idle)') continue;
    busy += us;
    const key = `${f.functionName || '(anonymous)'}  ${f.url ? f.url.split('/').pop() : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const part = partOf(f);
    parts.set(part, (parts.get(part) ?? 0) + us);
  }
  const rows = (m) => [...m].sort((a, b) => b[1] - a[1]);
  const perReq = (us) => (us / requests).toFixed(1).padStart(7);
  console.log(
    `${requests} requests in ${SECONDS} s; isolate busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled; ${(busy / requests).toFixed(1)} us per request (self time, sampled every 50 us)\n`,
  );
  console.log('us/request  share  part');
  for (const [k, us] of rows(parts)) console.log(`${perReq(us)}  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`\nus/request  share  function (top ${TOP})`);
  for (const [k, us] of rows(fns).slice(0, TOP))
    console.log(`${perReq(us)}  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
} finally {
  await server.stop();
}
