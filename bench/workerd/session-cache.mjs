// Better Auth's session cookie cache through the TaskGate Worker under `wrangler dev`, per strategy:
// one Worker per strategy (`BETTER_AUTH_SESSION_CACHE=compact|jwt|jwe`), API only, its store the
// fixed one (bench/out/worker-fixed: no D1, so the request's own cost shows), answers
// GET /api/{id}/tasks for a user of a real Better Auth (bench/session-cookies.mjs), once with the
// user's session cookie (no Authorization header: the Worker reads the cookie) and once with an HS256
// bearer token for the same user (bench/token.mjs's claims). With wrk, as load.mjs: requests/s and
// the CPU per request of the Worker's runtime process (cpu.mjs), in interleaved rounds (order
// alternating), a warm-up first; ratios are medians of per-round ratios (cookie / bearer).
//   node bench/workerd/session-cache.mjs [--smoke] [--rounds R] [--seconds S]
// A table on stderr, one JSON document on stdout.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, WorkerServer } from '../../tests/lib/worker.mjs';
import { sessionCookies, STRATEGIES } from '../session-cookies.mjs';
import { benchToken, SECRET } from '../token.mjs';
import { perRequest, processes, snapshot } from './cpu.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ROUNDS = smoke ? 1 : opt('--rounds', 5);
const SECONDS = smoke ? 1 : opt('--seconds', 5);
const WARMUP_SECONDS = smoke ? 0 : 2;
const CONNECTIONS = 16;
const FIXED_BUILD = path.join(ROOT, 'bench/out/worker-fixed');
const log = (...m) => console.error('[workerd-session-cache]', ...m);
if (!existsSync(path.join(FIXED_BUILD, 'index.js')))
  throw new Error(
    'no bench/out/worker-fixed: bash scripts/build-worker.sh --features bench-fixed-store --out bench/out/worker-fixed',
  );

/** One wrk run of GET `url` with `header`: requests/s, requests, latency. */
function wrk(url, header, seconds = SECONDS) {
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-H', header, url], {
    encoding: 'utf8',
  });
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses from ${url}`);
  const p50 = /^\s+50%\s+([\d.]+)(us|ms|s)$/m.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    requests: Number(/(\d+) requests in/.exec(out)[1]),
    p50_ms: p50 ? Number(p50[1]) * { us: 0.001, ms: 1, s: 1000 }[p50[2]] : undefined,
  };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Fresh cookies, valid for an hour: the Worker reads them with the real clock.
const { betterAuth, cookies } = await sessionCookies({ secret: SECRET });
const servers = [];
let rows;
try {
  // One Worker per strategy, started together: the tests' config for it, without [assets], its
  // Worker the fixed-store build.
  const secrets = { BETTER_AUTH_SECRET: SECRET };
  const tomls = [];
  for (const strategy of STRATEGIES) {
    const probe = new WorkerServer({ secrets, vars: { BETTER_AUTH_SESSION_CACHE: strategy } });
    tomls.push(
      readFileSync(probe.config, 'utf8')
        .replace(/^\[assets\]\n(?:(?!\[)[^\n]*\n)*/m, '')
        .replace(/^main = .*$/m, `main = ${JSON.stringify(path.join(FIXED_BUILD, 'index.js'))}`),
    );
    await probe.stop();
  }
  log(`starting ${STRATEGIES.length} Workers (BETTER_AUTH_SESSION_CACHE=${STRATEGIES.join(', ')})`);
  const started = await Promise.allSettled(tomls.map((toml) => WorkerServer.start({ secrets, toml, migrate: true })));
  for (const [i, r] of started.entries())
    if (r.status === 'fulfilled') servers.push({ strategy: STRATEGIES[i], server: r.value });
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const s of servers) {
    const { strategy, server } = s;
    const { value, userId } = cookies[strategy];
    const ways = {
      cookie: `Cookie: better-auth.session_data=${value}`,
      bearer: `Authorization: Bearer ${benchToken(undefined, userId)}`,
    };
    const url = `${server.url}/api/${encodeURIComponent(userId)}/tasks`;
    Object.assign(s, { url, ways, bytes: { cookie: value.length } });
    // Each way must be answered 200 before timing, and a tampered cookie refused.
    for (const [way, header] of Object.entries(ways)) {
      const [name, ...rest] = header.split(': ');
      const r = await fetch(url, { headers: { [name]: rest.join(': ') } });
      if (r.status !== 200) throw new Error(`${strategy} ${way}: ${r.status} ${await r.text()}`);
    }
    const at = value.length >> 1;
    const bad = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    const refused = await fetch(url, { headers: { cookie: `better-auth.session_data=${bad}` } });
    if (refused.status !== 401) throw new Error(`${strategy}: a tampered cookie answered ${refused.status}`);
  }
  for (const s of servers) {
    s.roles = processes(s.server.proc.pid);
    s.runs = { cookie: [], bearer: [] };
    if (WARMUP_SECONDS) for (const header of Object.values(s.ways)) wrk(s.url, header, WARMUP_SECONDS);
  }
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...servers].reverse() : servers;
    for (const s of order) {
      const ways = r % 2 ? ['bearer', 'cookie'] : ['cookie', 'bearer'];
      for (const way of ways) {
        const before = snapshot(s.roles);
        const run = wrk(s.url, s.ways[way]);
        run.cpu_ms = perRequest(before, snapshot(s.roles), run.requests);
        s.runs[way].push(run);
      }
    }
    log(`round ${r + 1} of ${ROUNDS} done`);
  }
  rows = servers.map(({ strategy, runs, bytes }) => {
    const of = (way) => ({
      rps: median(runs[way].map((x) => x.rps)),
      p50_ms: median(runs[way].map((x) => x.p50_ms)),
      cpu_ms: median(runs[way].map((x) => x.cpu_ms.runtime)),
      runs: runs[way].map((x) => ({ rps: x.rps, cpu_ms: x.cpu_ms.runtime })),
    });
    const ratio = (f) => median(runs.cookie.map((x, i) => f(x) / f(runs.bearer[i])));
    return {
      strategy,
      cookie_bytes: bytes.cookie,
      cookie: of('cookie'),
      bearer: of('bearer'),
      rps_x_bearer: ratio((x) => x.rps),
      cpu_x_bearer: ratio((x) => x.cpu_ms.runtime),
    };
  });
} finally {
  for (const s of servers) await s.server.stop();
}

const f = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
console.error(
  `workerd (wrangler dev, fixed store, API only): GET /api/{id}/tasks with the session cookie vs a bearer token, wrk ${CONNECTIONS} connections, ${SECONDS} s, median of ${ROUNDS} round(s)${smoke ? ' (smoke: the figures mean nothing)' : ''}`,
);
console.error('strategy  req/s cookie  req/s bearer  x bearer  CPU ms cookie  CPU ms bearer  x bearer');
for (const r of rows)
  console.error(
    `${r.strategy.padEnd(8)}  ${f(r.cookie.rps).padStart(12)}  ${f(r.bearer.rps).padStart(12)}  ${f(r.rps_x_bearer, 2).padStart(8)}  ${f(r.cookie.cpu_ms, 3).padStart(13)}  ${f(r.bearer.cpu_ms, 3).padStart(13)}  ${f(r.cpu_x_bearer, 2).padStart(8)}`,
  );
console.log(
  JSON.stringify({
    suite: 'workerd-session-cache',
    better_auth: betterAuth,
    connections: CONNECTIONS,
    seconds: SECONDS,
    rounds: ROUNDS,
    rows,
  }),
);
