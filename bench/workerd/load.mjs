// workerd under load: the TaskGate Worker (as shipped, without its static assets, and with a
// fixed store instead of D1) vs the JavaScript baseline (Hono + hono/jwt + D1, and the same with a
// fixed store), all under `wrangler dev` on this machine, measured in interleaved rounds with wrk
// at a fixed concurrency. Each run also reads the CPU time the processes of that `wrangler dev`
// spent (from /proc, see cpu.mjs) and divides it by the requests served. Then the verification
// cost inside workerd (Wasm vs crypto.subtle vs jose).
// Prints a JSON document on stdout:
//   node bench/workerd/load.mjs [--smoke] [--rounds R] [--seconds S] [--only NAME,NAME]
//                               [--variant NAME=DIR ...] [--no-verify]
// --variant adds a TaskGate Worker built into DIR (scripts/build-worker.sh --out DIR), without static
// assets, for side-by-side comparisons of builds.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { WorkerServer, ROOT } from '../../tests/lib/worker.mjs';
import { SECRET, USER, ISSUER, benchToken } from '../token.mjs';
import { asymTokens } from '../asym-tokens.mjs';
import { processes, snapshot, perRequest } from './cpu.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const opts = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const ROUNDS = smoke ? 1 : opt('--rounds', 5);
const SECONDS = smoke ? 1 : opt('--seconds', 5);
const WARMUP_SECONDS = smoke ? 0 : 2;
const CONNECTIONS = 16;
const ONLY = opts('--only').flatMap((o) => o.split(','));
const NODE_MODULES = path.join(ROOT, 'bench/node/node_modules');
const FIXED_BUILD = path.join(ROOT, 'bench/out/worker-fixed');
const log = (...m) => console.error('[workerd]', ...m);

function wrk(url, token, script, seconds = SECONDS) {
  const cmd = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-H', `Authorization: Bearer ${token}`];
  if (script) cmd.push('-s', script);
  const out = execFileSync('wrk', [...cmd, url], { encoding: 'utf8' });
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(out);
    if (!m) throw new Error(`wrk output without ${label}%:\n${out}`);
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses from ${url}`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    requests: Number(/(\d+) requests in/.exec(out)[1]),
    p50_ms: ms('50'),
    p99_ms: ms('99'),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function seed(base, token, n) {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/api/${USER}/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `Seeded task ${i}` }),
    });
    if (r.status !== 201) throw new Error(`seed: ${r.status} ${await r.text()}`);
  }
}

const secrets = { BETTER_AUTH_SECRET: SECRET };
const tomlOf = () => readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
/** The TaskGate config of the tests without [assets], its Worker taken from `build`. */
const apiOnlyToml = (probe, build) => {
  let toml = probe.replace(/^\[assets\]\n(?:(?!\[)[^\n]*\n)*/m, '');
  if (build) toml = toml.replace(/^main = .*$/m, `main = ${JSON.stringify(path.join(build, 'index.js'))}`);
  return toml;
};
const baselineServer = (main, files = {}) => {
  const d1 = tomlOf()
    .match(/\[\[d1_databases\]\][\s\S]*?migrations_dir = "migrations"/)[0]
    .replace('migrations_dir = "migrations"', `migrations_dir = ${JSON.stringify(path.join(ROOT, 'migrations'))}`);
  const here = (f) => readFileSync(path.join(import.meta.dirname, f), 'utf8');
  return WorkerServer.start({
    toml: `name = "taskgate-baseline"\nmain = "${main}"\ncompatibility_date = "2026-11-01"\n\n${d1}\n`,
    files: {
      'baseline.js': here('baseline.js'),
      ...Object.fromEntries(Object.entries(files).map(([k, f]) => [k, here(f)])),
      '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n`,
    },
    links: { 'node_modules/hono': path.join(NODE_MODULES, 'hono') },
    migrate: true,
  });
};

/** The tokens a Worker's callers hold: for GET (the seeded user) and for POST (the writer). */
const WRITER = USER.replace('user_', 'writer_');
const hsTokens = () => ({ get: benchToken(), post: benchToken(undefined, WRITER) });
const eddsaTokens = () => ({
  get: asymTokens(undefined, USER).tokens.EdDSA,
  post: asymTokens(undefined, WRITER).tokens.EdDSA,
});

/** Every Worker measured: name -> how to start it, and the tokens its callers hold (HS256 unless said). */
function variants(probe) {
  const list = [
    ['TaskGate', () => WorkerServer.start({ secrets })],
    // The same Worker without the inspector's static assets: the API alone, as a JS Worker has it.
    ['TaskGate API only', () => WorkerServer.start({ secrets, toml: apiOnlyToml(probe), migrate: true })],
    // The same again, its store answering from a fixed result (no D1): the Worker's own cost.
    [
      'TaskGate API only, fixed store',
      () => WorkerServer.start({ secrets, toml: apiOnlyToml(probe, FIXED_BUILD), migrate: true }),
    ],
    // The same API-only Worker, its callers holding Better Auth jwt()-plugin tokens (EdDSA) checked
    // against a JWK Set given inline (JWKS), so no key fetch: the asymmetric path against HS256.
    [
      'TaskGate API only (EdDSA token)',
      () =>
        WorkerServer.start({
          secrets: { ...secrets, JWKS: `'${JSON.stringify(asymTokens().jwks)}'`, BETTER_AUTH_URL: ISSUER },
          toml: apiOnlyToml(probe),
          migrate: true,
        }),
      eddsaTokens,
    ],
    ['baseline', () => baselineServer('baseline.js')],
    [
      'baseline, fixed store',
      () =>
        baselineServer('baseline-fixed.js', {
          'baseline-fixed.js': 'baseline-fixed.js',
          'fixed-tasks.json': 'fixed-tasks.json',
        }),
    ],
    // The least a Worker can do for these requests (fixed answer and the log line only).
    [
      'floor (fixed answer and log line only)',
      () => baselineServer('floor.js', { 'floor.js': 'floor.js', 'fixed-tasks.json': 'fixed-tasks.json' }),
    ],
  ];
  for (const v of opts('--variant')) {
    const [name, dir] = v.split('=');
    if (!existsSync(path.join(dir, 'index.js'))) throw new Error(`--variant ${v}: no ${dir}/index.js`);
    list.push([
      name,
      () => WorkerServer.start({ secrets, toml: apiOnlyToml(probe, path.resolve(dir)), migrate: true }),
    ]);
  }
  return list.filter(([name]) => ONLY.length === 0 || ONLY.includes(name));
}

async function loadTest() {
  // A config as the tests write it (absolute paths), to derive the API-only ones from.
  const probeServer = new WorkerServer({ secrets });
  const probe = readFileSync(probeServer.config, 'utf8');
  await probeServer.stop();
  const chosen = variants(probe);
  const servers = [];
  try {
    for (const [name, start, tokens] of chosen) {
      log(`starting ${name}`);
      const s = await start();
      s.tokens = (tokens ?? hsTokens)();
      servers.push([name, s]);
    }
    const post = path.join(servers[0][1].dir, 'post.lua');
    execFileSync('sh', ['-c', `cat > ${post}`], {
      input: `wrk.method = "POST"\nwrk.body = '{"title":"Load test task"}'\nwrk.headers["Content-Type"] = "application/json"\n`,
    });
    const routes = [
      ['GET /tasks', `/api/${USER}/tasks`, 'get', undefined],
      ['POST /tasks', `/api/${WRITER}/tasks`, 'post', post],
    ];
    for (const [, s] of servers) {
      await seed(s.url, s.tokens.get, 20);
      s.roles = processes(s.proc.pid);
      for (const [, p, t, script] of routes)
        if (WARMUP_SECONDS) wrk(`${s.url}${p}`, s.tokens[t], script, WARMUP_SECONDS);
    }
    const runs = {};
    for (const [name] of servers) for (const [route] of routes) runs[`${name} ${route}`] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order too, so no Worker always runs right after the same neighbour.
      const order = r % 2 ? [...servers].reverse() : servers;
      for (const [name, s] of order) {
        for (const [route, p, t, script] of routes) {
          const before = snapshot(s.roles);
          const run = wrk(`${s.url}${p}`, s.tokens[t], script);
          run.cpu_ms = perRequest(before, snapshot(s.roles), run.requests);
          runs[`${name} ${route}`].push(run);
        }
      }
      log(`round ${r + 1} of ${ROUNDS} done`);
    }
    const rows = Object.entries(runs).map(([name, xs]) => {
      const cpu = Object.fromEntries(
        Object.keys(xs[0].cpu_ms).map((role) => [role, median(xs.map((x) => x.cpu_ms[role]))]),
      );
      const workerd = xs.map((x) => x.cpu_ms.runtime + x.cpu_ms.proxy);
      return {
        name,
        rps: median(xs.map((x) => x.rps)),
        p50_ms: median(xs.map((x) => x.p50_ms)),
        p99_ms: median(xs.map((x) => x.p99_ms)),
        rps_min: Math.min(...xs.map((x) => x.rps)),
        rps_max: Math.max(...xs.map((x) => x.rps)),
        cpu_ms: { ...cpu, workerd: median(workerd) },
        cpu_runtime_min: Math.min(...xs.map((x) => x.cpu_ms.runtime)),
        cpu_runtime_max: Math.max(...xs.map((x) => x.cpu_ms.runtime)),
        runs: xs,
      };
    });
    // Each row against its baseline (the fixed-store one for fixed-store rows), round by round: the
    // median of the per-round ratios, which a slow drift of the machine's speed cancels out of.
    for (const r of rows.filter((x) => !x.name.startsWith('floor'))) {
      const route = r.name.endsWith('POST /tasks') ? 'POST /tasks' : 'GET /tasks';
      const b = rows.find(
        (x) => x.name === `${r.name.includes('fixed store') ? 'baseline, fixed store' : 'baseline'} ${route}`,
      );
      if (!b) continue;
      r.cpu_x_baseline = median(r.runs.map((x, i) => x.cpu_ms.runtime / b.runs[i].cpu_ms.runtime));
      r.rps_x_baseline = median(r.runs.map((x, i) => x.rps / b.runs[i].rps));
    }
    return rows;
  } finally {
    for (const [, s] of servers) await s.stop();
  }
}

async function verifyCost() {
  const server = await WorkerServer.start({
    toml: 'name = "taskgate-verify-cost"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n',
    files: {
      'worker.js': readFileSync(path.join(import.meta.dirname, 'verify-cost.js'), 'utf8'),
      '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n`,
    },
    links: {
      'node_modules/taskgate-verify': path.join(ROOT, 'pkg'),
      'node_modules/jose': path.join(NODE_MODULES, 'jose'),
    },
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
        per[i].push(((await time(i, N)) - empty) / N);
      }
    }
    const names = { wasm: 'taskgate-verify (Wasm)', subtle: 'crypto.subtle HMAC + JSON.parse', jose: 'jose jwtVerify' };
    return impls.map((i) => ({ name: names[i], median_ns: median(per[i]), runs_ns: per[i] }));
  } finally {
    await server.stop();
  }
}

const load = await loadTest();
const cost = args.includes('--no-verify') ? [] : await verifyCost();
console.log(
  JSON.stringify({ suite: 'workerd', connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, load, verify: cost }),
);
