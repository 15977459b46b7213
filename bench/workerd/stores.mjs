// The two task stores side by side under `wrangler dev`: TASK_STORE = "d1" (one D1 database) against
// TASK_STORE = "durable-object" (one Durable Object per user, SQLite storage). One TaskGate Worker per
// store (the tests' config, API only: without the inspector's static assets), all started once and
// kept alive; every figure is measured with wrk in interleaved rounds (the order alternating), after
// a warm-up, and reported as medians with the median per-round ratios object / D1. Three parts:
//   1. GET /api/{user}/tasks (the default list, LIST_TASKS tasks per user) and POST (a small JSON
//      body), each request for the next of many users (a wrk Lua script rotating their tokens):
//      requests/s, latency p50/p99, and CPU per request of each process of that `wrangler dev`
//      (cpu.mjs). With the object store the objects run inside the Worker's workerd process, so its
//      "runtime" figure covers Worker + objects + their SQLite; with D1 it covers Worker + local D1.
//   2. How the cost grows with users: the same GET load spread over 10, 1,000 and 10,000 users
//      (--users), each holding --tasks tasks in both stores, all seeded before: D1 by INSERTs through
//      `wrangler d1 execute --local` on the running Worker's state, the objects through the API (a
//      task reaches an object only through its Worker; the rates are measured and reported, they set
//      how many tasks per user fit in a run). A third Worker, on D1 only, also holds the tasks of
//      IDLE users no request asks for (10,000 x 100 = 1M): D1's cost with a large table.
//   3. 50 users writing at once: wrk with 50 connections, each a different user (one wrk thread
//      each), POST: requests/s, p99, CPU per request.
//   4. One hot user: every connection reads the same user's list (one object serves them all).
//   node bench/workerd/stores.mjs [--smoke] [--rounds R] [--seconds S] [--users 10,1000,10000] [--tasks T]
// A summary on stderr, one JSON document on stdout.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SECRET, token } from '../../tests/lib/tokens.mjs';
import { ROOT, WorkerServer } from '../../tests/lib/worker.mjs';
import { perRequest, processes, snapshot } from './cpu.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROUNDS = smoke ? 1 : Number(opt('--rounds', 3));
const SECONDS = smoke ? 1 : Number(opt('--seconds', 3));
const WARMUP_SECONDS = smoke ? 0 : 1;
const CONNECTIONS = 16;
/** Part 1: users whose list is read (LIST_TASKS tasks each), and users who write. */
const LIST_USERS = smoke ? 5 : 50;
const LIST_TASKS = 20;
const WRITERS = smoke ? 5 : 50;
/** Part 2: the user counts, and the tasks each of those users holds in both stores. */
const SCALE_USERS = smoke
  ? [10, 50, 200]
  : String(opt('--users', '10,1000,10000'))
      .split(',')
      .map(Number)
      .sort((a, b) => a - b);
const SCALE_TASKS = Number(opt('--tasks', 1));
/** Part 3: users writing at once, one connection each. */
const CROWD = 50;
/** Concurrent requests while seeding the objects. */
const SEED_CONCURRENCY = 16;
/**
 * The Workers: one per store, and (part 2 only) a third on D1 whose database also holds the tasks of
 * IDLE users that no request asks for: D1's cost with a large table (the objects of idle users are
 * files no request opens, so the object store has no counterpart to measure).
 */
const IDLE = smoke ? { users: 200, tasks: 5 } : { users: 10_000, tasks: 100 };
const STORES = [
  { key: 'd1', name: 'D1', store: 'd1' },
  { key: 'object', name: 'Durable Object', store: 'durable-object' },
  {
    key: 'd1-idle',
    name: `D1 + ${(IDLE.users * IDLE.tasks).toLocaleString('en-US')} tasks of idle users`,
    store: 'd1',
    idle: IDLE,
  },
];
const BIN = path.join(ROOT, 'node_modules/.bin');
const log = (...m) => console.error('[workerd-stores]', ...m);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const users = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const listUsers = users('list_u', LIST_USERS);
const writers = users('writer_u', WRITERS);
const scaleUsers = users('scale_u', SCALE_USERS.at(-1));
const crowd = users('crowd_u', CROWD);
const tokens = new Map([...listUsers, ...writers, ...scaleUsers, ...crowd].map((u) => [u, token(u)]));

// ---- wrk --------------------------------------------------------------------------------------

const luaList = (name, list) => `local ${name} = {\n${list.map((x) => `"${x}"`).join(',\n')}\n}\n`;
/**
 * A wrk script: each request for the next of the first `n` users of `list` (from `start`: the
 * script's arguments), GET their list or POST a task.
 */
const rotatingLua = (list, method) => `${luaList('users', list)}${luaList(
  'tokens',
  list.map((u) => tokens.get(u)),
)}local n, i = #users, 0
local body = ${method === 'POST' ? `'{"title":"Load test task"}'` : 'nil'}
function init(args)
  n = tonumber(args[1]) or #users
  i = tonumber(args[2]) or 0
end
function request()
  i = i % n + 1
  local headers = { ["Authorization"] = "Bearer " .. tokens[i] }
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format("${method}", "/api/" .. users[i] .. "/tasks", headers, body)
end
`;
/** A wrk script for one connection per thread: thread k writes as user k of `list`. */
const perThreadLua = (list) => `${luaList('users', list)}${luaList(
  'tokens',
  list.map((u) => tokens.get(u)),
)}local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("user", threads)
end
function init(args)
  req = wrk.format("POST", "/api/" .. users[user] .. "/tasks",
    { ["Authorization"] = "Bearer " .. tokens[user], ["Content-Type"] = "application/json" },
    '{"title":"Written at once"}')
end
function request()
  return req
end
`;

/** One wrk run: requests/s, requests, latency p50/p99 (ms), socket errors. */
function wrk(url, script, { threads = 1, connections = CONNECTIONS, seconds = SECONDS, scriptArgs = [] } = {}) {
  const out = execFileSync(
    'wrk',
    [
      `-t${threads}`,
      `-c${connections}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '--latency',
      '-s',
      script,
      url,
      ...scriptArgs.map(String),
    ],
    { encoding: 'utf8' },
  );
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)[ \\t]*$`, 'm').exec(out);
    if (!m) throw new Error(`wrk output without ${label}%:\n${out}`);
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses from ${url}:\n${out}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    requests: Number(/(\d+) requests in/.exec(out)[1]),
    p50_ms: ms('50'),
    p99_ms: ms('99'),
    errors: errors ? errors.slice(1).reduce((a, x) => a + Number(x), 0) : 0,
  };
}

/** A wrk run against the Worker of `s`, with the CPU per request of each process of its `wrangler dev`. */
function measure(s, script, opts) {
  const before = snapshot(s.roles);
  const run = wrk(s.server.url, script, opts);
  run.cpu_ms = perRequest(before, snapshot(s.roles), run.requests);
  return run;
}

// ---- seeding ----------------------------------------------------------------------------------

/** POSTs one task for each entry of `owners` (user ids, repeats allowed), SEED_CONCURRENCY at a time. */
async function postTasks(base, owners) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SEED_CONCURRENCY });
  const post = (user, title) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ title });
      const req = http.request(
        `${base}/api/${user}/tasks`,
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: `Bearer ${tokens.get(user)}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 201
              ? resolve()
              : reject(new Error(`seed ${user}: ${res.statusCode} ${Buffer.concat(chunks)}`)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`seed ${user}: timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: SEED_CONCURRENCY }, async () => {
        while (next < owners.length) {
          const k = next++;
          await post(owners[k], `Seeded task ${k}`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** `tasks` tasks for each of `count` users named PREFIX0..: an INSERT of D1's schema (migrations/0001). */
const insertSql = (prefix, count, tasks) => {
  const at = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (${count * tasks} - i) || ' seconds')`;
  return `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count * tasks - 1})
INSERT INTO tasks (user_id, title, description, completed, priority, tags, title_folded, description_folded, created_at, updated_at)
SELECT '${prefix}' || (i % ${count}), 'Seeded task ' || i, NULL, 0, 'medium', '[]', 'seeded task ' || i, '', ${at}, ${at} FROM n;
`;
};

/** Seeds D1 with `wrangler d1 execute --local` on the running server's state. */
async function seedD1(server, sql, file) {
  writeFileSync(file, sql);
  await promisify(execFile)(
    path.join(BIN, 'wrangler'),
    ['d1', 'execute', 'taskgate', '--local', '--persist-to', server.state, '--config', server.config, '--file', file],
    {
      cwd: server.dir,
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      timeout: 600_000,
      maxBuffer: 64 << 20,
    },
  );
}

/** Checks that the number of tasks `user` holds in store `s` passes `ok`. */
async function expectTasks(s, user, ok) {
  const agent = new http.Agent({ keepAlive: false });
  const { status, total } = await new Promise((resolve, reject) => {
    http
      .get(
        `${s.server.url}/api/${user}/tasks`,
        { agent, headers: { Authorization: `Bearer ${tokens.get(user) ?? token(user)}` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, total: Number(res.headers['x-total-count']) }));
        },
      )
      .on('error', reject);
  });
  if (status !== 200 || !ok(total)) throw new Error(`${s.name}: ${user} holds ${total} tasks (status ${status})`);
}

// ---- the run ----------------------------------------------------------------------------------

/** The tests' config for a store, without [assets] (the API alone, as load.mjs's "API only"). */
async function apiOnlyToml(store) {
  const probe = new WorkerServer({ secrets: { BETTER_AUTH_SECRET: SECRET }, vars: { TASK_STORE: store } });
  const toml = readFileSync(probe.config, 'utf8').replace(/^\[assets\]\n(?:(?!\[)[^\n]*\n)*/m, '');
  await probe.stop();
  if (!toml.includes(`TASK_STORE = "${store}"`)) throw new Error(`config without TASK_STORE = "${store}"`);
  return toml;
}

/** Medians of runs, and (given D1's runs of the same rounds) the median per-round ratios to them. */
function summarize(runs, d1Runs) {
  const med = (f) => median(runs.map(f));
  const row = {
    rps: med((x) => x.rps),
    p50_ms: med((x) => x.p50_ms),
    p99_ms: med((x) => x.p99_ms),
    cpu_ms: Object.fromEntries(Object.keys(runs[0].cpu_ms).map((role) => [role, med((x) => x.cpu_ms[role])])),
    errors: runs.reduce((a, x) => a + x.errors, 0),
    runs,
  };
  if (d1Runs) row.x_d1 = ratios(runs, d1Runs);
  return row;
}
/** Median per-round ratios a / b of requests/s, p99 and the runtime's CPU per request. */
const ratios = (a, b) => ({
  rps: median(a.map((x, i) => x.rps / b[i].rps)),
  p99_ms: median(a.map((x, i) => x.p99_ms / b[i].p99_ms)),
  cpu_ms: median(a.map((x, i) => x.cpu_ms.runtime / b[i].cpu_ms.runtime)),
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'taskgate-stores-'));
const stores = [];
let result;
try {
  const started = Date.now();
  const tomls = await Promise.all(STORES.map(({ store }) => apiOnlyToml(store)));
  log(`starting one Worker per store: ${STORES.map((s) => s.name).join(', ')}`);
  const servers = await Promise.allSettled(
    tomls.map((toml) => WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET }, toml, migrate: true })),
  );
  for (const [i, r] of servers.entries()) if (r.status === 'fulfilled') stores.push({ ...STORES[i], server: r.value });
  const failed = servers.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const by = Object.fromEntries(stores.map((s) => [s.key, s]));
  const pair = [by.d1, by.object]; // parts 1 and 3
  const all = stores; // part 2

  // Seeding: D1 by SQL on each running server's state; the objects through the API, first one task
  // per user (each creates that user's object), then the rest. Timed separately: the rates show what
  // a larger seeding would take.
  log(
    `seeding: ${LIST_USERS} users x ${LIST_TASKS} tasks (part 1), ${SCALE_USERS.at(-1)} users x ${SCALE_TASKS} task(s) (part 2), ${IDLE.users} idle users x ${IDLE.tasks} tasks (the third Worker)`,
  );
  // The writers of parts 1 and 3 hold a task each before, so that their objects exist (a user's
  // first request creates the object: timed here, not in the runs).
  const sql =
    insertSql('list_u', LIST_USERS, LIST_TASKS) +
    insertSql('scale_u', SCALE_USERS.at(-1), SCALE_TASKS) +
    insertSql('writer_u', WRITERS, 1) +
    insertSql('crowd_u', CROWD, 1);
  let t = Date.now();
  await seedD1(by.d1.server, sql, path.join(tmp, 'd1.sql'));
  const d1Seconds = (Date.now() - t) / 1000;
  t = Date.now();
  await seedD1(by['d1-idle'].server, sql + insertSql('idle_u', IDLE.users, IDLE.tasks), path.join(tmp, 'd1-idle.sql'));
  const d1IdleSeconds = (Date.now() - t) / 1000;
  const firsts = [...listUsers, ...scaleUsers, ...writers, ...crowd];
  t = Date.now();
  await postTasks(by.object.server.url, firsts);
  const createSeconds = (Date.now() - t) / 1000;
  const rest = [
    ...Array.from({ length: LIST_TASKS - 1 }, () => listUsers).flat(),
    ...Array.from({ length: SCALE_TASKS - 1 }, () => scaleUsers).flat(),
  ];
  t = Date.now();
  await postTasks(by.object.server.url, rest);
  const addSeconds = (Date.now() - t) / 1000;
  for (const s of stores) {
    for (const u of [listUsers[0], listUsers.at(-1)]) await expectTasks(s, u, (n) => n === LIST_TASKS);
    for (const u of [scaleUsers[0], scaleUsers.at(-1)]) await expectTasks(s, u, (n) => n === SCALE_TASKS);
    s.server.output = ''; // the log lines of the seeding: not needed, and large
  }
  await expectTasks(by['d1-idle'], `idle_u${IDLE.users - 1}`, (n) => n === IDLE.tasks);
  const seeded = firsts.length + rest.length;
  const creationsPerS = firsts.length / createSeconds;
  const addsPerS = rest.length / addSeconds;
  const seeding = {
    list: { users: LIST_USERS, tasks: LIST_TASKS },
    scale: { users: SCALE_USERS.at(-1), tasks: SCALE_TASKS },
    idle: IDLE,
    d1: { tasks: seeded, seconds: d1Seconds },
    d1_idle: { tasks: seeded + IDLE.users * IDLE.tasks, seconds: d1IdleSeconds },
    object: {
      creations: firsts.length,
      creation_seconds: createSeconds,
      creations_per_s: creationsPerS,
      adds: rest.length,
      add_seconds: addSeconds,
      adds_per_s: addsPerS,
    },
    // What seeding 10,000 users through the API would take at these rates (one creation each, then adds).
    projected_seconds: Object.fromEntries(
      [100, 10].map((per) => [`10000x${per}`, 10_000 / creationsPerS + (10_000 * (per - 1)) / addsPerS]),
    ),
  };
  log(
    `seeded: D1 ${seeding.d1.tasks} tasks in ${d1Seconds.toFixed(1)} s (with the idle users' ${seeding.d1_idle.tasks} in ${d1IdleSeconds.toFixed(1)} s); objects: ${firsts.length} created in ${createSeconds.toFixed(1)} s (${creationsPerS.toFixed(0)}/s), ${rest.length} more tasks in ${addSeconds.toFixed(1)} s (${addsPerS.toFixed(0)}/s)`,
  );

  const scripts = {
    get: rotatingLua(listUsers, 'GET'),
    post: rotatingLua(writers, 'POST'),
    scale: rotatingLua(scaleUsers, 'GET'),
    crowd: perThreadLua(crowd),
    hot: rotatingLua(listUsers.slice(0, 1), 'GET'),
  };
  for (const [name, text] of Object.entries(scripts)) {
    scripts[name] = path.join(tmp, `${name}.lua`);
    writeFileSync(scripts[name], text);
  }
  for (const s of stores) s.roles = processes(s.server.proc.pid);
  const order = (xs, r) => (r % 2 ? [...xs].reverse() : xs);
  const runs = (list, n) => Object.fromEntries(list.map((s) => [s.key, Array.from({ length: n }, () => [])]));

  // Part 1: the list and a write, each request for the next of many users.
  const routes = [
    ['GET /api/{user}/tasks', scripts.get],
    ['POST /api/{user}/tasks', scripts.post],
  ];
  const part1 = runs(pair, routes.length);
  if (WARMUP_SECONDS)
    for (const s of pair) for (const [, script] of routes) wrk(s.server.url, script, { seconds: WARMUP_SECONDS });
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of order(pair, r)) for (const i of order([0, 1], r)) part1[s.key][i].push(measure(s, routes[i][1]));
    log(`part 1 (list, write): round ${r + 1} of ${ROUNDS} done`);
  }

  // Part 2: the same GET load spread over more and more users (from another user in each round). The
  // warm-up is the route's (the third Worker has run nothing yet), on the fewest users: none can warm
  // 10,000 users' objects.
  const part2 = runs(all, SCALE_USERS.length);
  const spread = (n, r) => ({ scriptArgs: [n, (r * 7919) % n] });
  if (WARMUP_SECONDS)
    for (const s of all) wrk(s.server.url, scripts.scale, { seconds: WARMUP_SECONDS, ...spread(SCALE_USERS[0], 0) });
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, n] of order([...SCALE_USERS.entries()], r))
      for (const s of order(all, r + k)) part2[s.key][k].push(measure(s, scripts.scale, spread(n, r)));
    log(`part 2 (GET over ${SCALE_USERS.join(', ')} users): round ${r + 1} of ${ROUNDS} done`);
  }

  // Part 3: CROWD users writing at once, one connection (and one wrk thread) each.
  const crowdOpts = { threads: CROWD, connections: CROWD };
  const part3 = runs(pair, 1);
  if (WARMUP_SECONDS) for (const s of pair) wrk(s.server.url, scripts.crowd, { ...crowdOpts, seconds: WARMUP_SECONDS });
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of order(pair, r)) part3[s.key][0].push(measure(s, scripts.crowd, crowdOpts));
    log(`part 3 (${CROWD} users writing at once): round ${r + 1} of ${ROUNDS} done`);
  }
  // Part 4: one hot user: every connection reads the same user's list (in the object store, one
  // object serves them all, one request at a time).
  const part4 = runs(pair, 1);
  if (WARMUP_SECONDS) for (const s of pair) wrk(s.server.url, scripts.hot, { seconds: WARMUP_SECONDS });
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of order(pair, r)) part4[s.key][0].push(measure(s, scripts.hot));
    log(`part 4 (one hot user): round ${r + 1} of ${ROUNDS} done`);
  }

  // Each connection wrote as its own user: every one of them now holds tasks, in both stores.
  for (const s of pair) for (const u of crowd) await expectTasks(s, u, (n) => n > 0);

  const row = (s, part, i, extra) => ({
    store: s.name,
    ...extra,
    ...summarize(part[s.key][i], s.key === 'd1' ? undefined : part.d1[i]),
  });
  result = {
    suite: 'workerd-stores',
    smoke,
    connections: CONNECTIONS,
    seconds: SECONDS,
    rounds: ROUNDS,
    seeding,
    list: routes.flatMap(([route], i) =>
      pair.map((s) =>
        row(s, part1, i, {
          route,
          users: i === 0 ? LIST_USERS : WRITERS,
          tasks_per_user: i === 0 ? LIST_TASKS : undefined,
        }),
      ),
    ),
    // x_fewest: against the fewest users on the same Worker, round by round.
    scale: SCALE_USERS.flatMap((n, k) =>
      all.map((s) => ({
        ...row(s, part2, k, {
          idle_tasks: s.idle ? s.idle.users * s.idle.tasks : 0,
          users: n,
          tasks_per_user: SCALE_TASKS,
        }),
        x_fewest: ratios(part2[s.key][k], part2[s.key][0]),
      })),
    ),
    writers: pair.map((s) => row(s, part3, 0, { route: 'POST /api/{user}/tasks', users: CROWD, connections: CROWD })),
    hot: pair.map((s) =>
      row(s, part4, 0, {
        route: 'GET /api/{user}/tasks',
        users: 1,
        connections: CONNECTIONS,
        tasks_per_user: LIST_TASKS,
      }),
    ),
    total_seconds: (Date.now() - started) / 1000,
  };
} finally {
  for (const s of stores) await s.server.stop();
  rmSync(tmp, { recursive: true, force: true });
}

const f = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const line = (label, r) =>
  `${label.padEnd(52)} ${f(r.rps).padStart(6)} req/s  p99 ${f(r.p99_ms, 1).padStart(7)} ms  CPU ${f(r.cpu_ms.runtime, 2).padStart(6)} ms/req${r.x_d1 ? `  x D1: req/s ${f(r.x_d1.rps, 2)}, CPU ${f(r.x_d1.cpu_ms, 2)}` : ''}`;
console.error(
  `workerd-stores (wrangler dev, API only): ${ROUNDS} round(s) of ${SECONDS} s, all in ${f(result.total_seconds)} s${smoke ? ' (smoke: the figures mean nothing)' : ''}`,
);
for (const r of result.list) console.error(line(`${r.store} ${r.route}`, r));
for (const r of result.scale) console.error(line(`${r.store} GET, ${f(r.users)} users`, r));
for (const r of result.writers) console.error(line(`${r.store}, ${CROWD} users writing at once`, r));
for (const r of result.hot) console.error(line(`${r.store}, one user on every connection`, r));
console.log(JSON.stringify(result));
