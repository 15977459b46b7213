// Instructions per request of the Worker's runtime process (workerd running the Worker, the local
// D1 simulator and, as shipped, the static-assets router), counted by valgrind's callgrind: a
// figure that, unlike CPU time on a shared machine, does not move with what else runs. Requests
// are sent one at a time (no batching); the runtime is warmed up first, then each repetition
// counts the instructions of N requests (callgrind_control --dump before and after).
// About 2 minutes per Worker and route (workerd starts under valgrind in about 40 s); not part of
// `make bench`, for the analysis (bench/ANALYSIS.md):
//   node bench/workerd/instructions.mjs WORKER [--route get|post] [--requests N] [--reps R] [--annotate FILE]
// WORKER: a TaskGate build folder (scripts/build-worker.sh --out DIR; API only, no static assets),
// `shipped` (worker/build with its static assets), `baseline`, `baseline-fixed`, `floor`, or the
// path of another JavaScript Worker (beside it: bench/workerd's files, e.g. fixed-tasks.json).
// Prints a JSON line: { worker, route, requests, per_request: [instructions, ...] }.
// --annotate FILE keeps the last repetition's callgrind profile (callgrind_annotate FILE).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerServer, ROOT } from '../../tests/lib/worker.mjs';
import { SECRET, USER, benchToken } from '../token.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const worker = args[0];
const ROUTE = opt('--route', 'get');
const N = Number(opt('--requests', 100));
const REPS = Number(opt('--reps', 3));
const NODE_MODULES = path.join(ROOT, 'bench/node/node_modules');
const log = (...m) => console.error('[instructions]', ...m);

// miniflare starts workerd from MINIFLARE_WORKERD_PATH: a wrapper that runs only the Worker's
// runtime (the workerd with an inspector) under callgrind; wrangler's proxy runs as usual.
const work = mkdtempSync(path.join(tmpdir(), 'tg-instructions-'));
const wrapper = path.join(work, 'workerd');
writeFileSync(
  wrapper,
  `#!/bin/sh
REAL=${JSON.stringify(path.join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd'))}
case "$*" in
  *--inspector-addr*) exec valgrind --tool=callgrind --smc-check=all-non-file --dump-instr=no --callgrind-out-file=${work}/cg.%p.out "$REAL" "$@" ;;
  *) exec "$REAL" "$@" ;;
esac
`,
);
chmodSync(wrapper, 0o755);
process.env.MINIFLARE_WORKERD_PATH = wrapper;

async function start() {
  const here = (f) => readFileSync(path.join(import.meta.dirname, f), 'utf8');
  const d1 = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8')
    .match(/\[\[d1_databases\]\][\s\S]*?migrations_dir = "migrations"/)[0]
    .replace('migrations_dir = "migrations"', `migrations_dir = ${JSON.stringify(path.join(ROOT, 'migrations'))}`);
  const js = worker.endsWith('.js')
    ? 'other.js'
    : { baseline: 'baseline.js', 'baseline-fixed': 'baseline-fixed.js', floor: 'floor.js' }[worker];
  if (js) {
    const files = Object.fromEntries(
      ['baseline.js', 'baseline-fixed.js', 'floor.js', 'fixed-tasks.json'].map((f) => [f, here(f)]),
    );
    if (worker.endsWith('.js')) files['other.js'] = readFileSync(worker, 'utf8');
    return WorkerServer.start({
      toml: `name = "taskgate-baseline"\nmain = "${js}"\ncompatibility_date = "2026-11-01"\n\n${d1}\n`,
      files: { ...files, '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n` },
      links: { 'node_modules/hono': path.join(NODE_MODULES, 'hono') },
      migrate: true,
    });
  }
  const secrets = { BETTER_AUTH_SECRET: SECRET };
  if (worker === 'shipped') return WorkerServer.start({ secrets });
  const probe = new WorkerServer({ secrets });
  const toml = readFileSync(probe.config, 'utf8')
    .replace(/^\[assets\]\n(?:(?!\[)[^\n]*\n)*/m, '')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(path.resolve(worker, 'index.js'))}`);
  await probe.stop();
  return WorkerServer.start({ secrets, toml, migrate: true });
}

const server = await start();
try {
  const token = benchToken();
  const writer = USER.replace('user_', 'writer_');
  const writerToken = benchToken(undefined, writer);
  const one = async () => {
    const r =
      ROUTE === 'post'
        ? await fetch(`${server.url}/api/${writer}/tasks`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${writerToken}`, 'Content-Type': 'application/json' },
            body: '{"title":"Load test task"}',
          })
        : await fetch(`${server.url}/api/${USER}/tasks`, { headers: { Authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    if (r.status !== (ROUTE === 'post' ? 201 : 200)) throw new Error(`${ROUTE}: ${r.status}`);
  };
  for (let i = 0; i < 20; i++) {
    await fetch(`${server.url}/api/${USER}/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `Seeded task ${i}` }),
    });
  }
  const vg = execFileSync('pgrep', ['-g', String(server.proc.pid), '-f', 'callgrind'], { encoding: 'utf8' })
    .trim()
    .split('\n')[0];
  const dump = () => execFileSync('callgrind_control', ['-d', vg], { encoding: 'utf8' });
  const latest = () =>
    readdirSync(work)
      .filter((f) => f.startsWith(`cg.${vg}.out.`))
      .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
      .pop();
  const total = () => Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(path.join(work, latest()), 'utf8'))[1]);
  for (let i = 0; i < N; i++) await one(); // warm-up: JIT tiers, caches, prepared statements
  dump();
  const perRequest = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (let i = 0; i < N; i++) await one();
    dump();
    perRequest.push(Math.round(total() / N));
    log(`${worker} ${ROUTE}: ${perRequest.at(-1)} instructions per request`);
  }
  if (opt('--annotate')) copyFileSync(path.join(work, latest()), opt('--annotate'));
  console.log(JSON.stringify({ worker, route: ROUTE, requests: N, per_request: perRequest }));
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
