// Reads the suites' JSON (bench/out/*.json), prints the tables, checks the goals, and (unless
// --smoke) writes bench/RESULTS.md: machine, versions, tables, a chart, and ANALYSIS.md.
//   node bench/report.mjs DIR [--smoke]
// About 500 lines: one table per suite, each a few lines; splitting would scatter one report.
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
const asym = { native: load('native-asymmetric'), node: load('node-asymmetric'), workerd: load('workerd-asymmetric') };

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
};
const pkgVersion = (p) => {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, p), 'utf8')).version;
  } catch {
    return '?';
  }
};
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [
  undefined,
  os.cpus()[0]?.model ?? '?',
])[1];
const machine = [
  [
    'CPU',
    `${cpu} (${os.cpus().length} cores; SHA extensions: ${/\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'yes' : 'no'})`,
  ],
  ['Memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
  ['OS', `${sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])}, Linux ${os.release()}`],
  ['Rust', sh('rustc', ['--version'])],
  ['Node (benchmarks, wrangler)', node.node ?? process.version],
  [
    'wrangler / workerd',
    `${pkgVersion('node_modules/wrangler/package.json')} / ${sh(path.join(ROOT, 'node_modules/.bin/workerd'), ['--version']).replace(/^workerd /, '')}`,
  ],
  ['wrk', sh('sh', ['-c', 'wrk -v 2>&1 | head -1'])],
  ['Date', `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`],
];

const fmt = (n, d = 0) =>
  n === undefined || n === null || Number.isNaN(n)
    ? '-'
    : Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const table = (head, rows) => {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
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
const nativeTable = table(
  ['library', 'version', 'median ns/verify', 'min', 'max', 'x taskgate', 'allocs', 'bytes'],
  native.rows.map((r) => [
    r.name,
    r.version,
    fmt(r.median_ns),
    fmt(r.min_ns),
    fmt(r.max_ns),
    fmt(r.median_ns / nTg.median_ns, 2),
    fmt(r.allocs),
    fmt(r.alloc_bytes),
  ]),
);
goal(
  'Native: at least 1.5x jsonwebtoken',
  nJwt.median_ns / nTg.median_ns >= 1.5,
  `${fmt(nJwt.median_ns / nTg.median_ns, 2)}x`,
);
goal(
  'Native: within 3x of the HMAC floor',
  nTg.median_ns / nFloor.median_ns <= 3,
  `${fmt(nTg.median_ns / nFloor.median_ns, 2)}x the floor`,
);
goal(
  'Native: at most 2 allocations per verify',
  nTg.allocs <= 2,
  `${nTg.allocs} allocation(s), ${nTg.alloc_bytes} bytes`,
);

// Node.
const jTg = node.rows.find((r) => r.name === 'taskgate-verify');
const jFast = find(node.rows, 'fast-jwt');
const jJose = find(node.rows, 'jose');
const jFloor = find(node.rows, 'floor: node:crypto');
const nodeTable = table(
  ['library', 'version', 'median ns/verify', 'min', 'max', 'verifies/s', 'x taskgate'],
  node.rows.map((r) => [
    r.name,
    r.version,
    fmt(r.median_ns),
    fmt(r.min_ns),
    fmt(r.max_ns),
    fmt(r.ops_per_s),
    fmt(r.median_ns / jTg.median_ns, 2),
  ]),
);
goal(
  'Node: at least 3x the verifications/s of fast-jwt',
  jFast.median_ns / jTg.median_ns >= 3,
  `${fmt(jFast.median_ns / jTg.median_ns, 2)}x`,
);
goal('Node: at least 20x jose', jJose.median_ns / jTg.median_ns >= 20, `${fmt(jJose.median_ns / jTg.median_ns, 1)}x`);
goal(
  'Node: within 1.5x of the node:crypto floor',
  jTg.median_ns / jFloor.median_ns <= 1.5,
  `${fmt(jTg.median_ns / jFloor.median_ns, 2)}x the floor`,
);

// workerd: requests/s, latency and CPU per request (see bench/workerd/cpu.mjs for what each process is).
const ms = (x) => fmt(x, 2);
const wRow = (name) => workerd.load.find((r) => r.name === name);
const baseOf = (r) =>
  r.name.startsWith('floor')
    ? undefined
    : wRow(
        `${r.name.startsWith('baseline, fixed') || r.name.includes('fixed store') ? 'baseline, fixed store' : 'baseline'} ${r.name.endsWith('POST /tasks') ? 'POST /tasks' : 'GET /tasks'}`,
      );
const loadTable = table(
  [
    'Worker, route',
    'requests/s',
    'min-max',
    'x baseline',
    'p50 ms',
    'p99 ms',
    'CPU ms/request: Worker runtime',
    'x baseline',
    "wrangler's proxy",
    'wrangler (Node)',
  ],
  workerd.load.map((r) => {
    const b = baseOf(r);
    const range = r.rps_min === undefined ? '-' : `${fmt(r.rps_min)}-${fmt(r.rps_max)}`;
    return [
      r.name,
      fmt(r.rps),
      range,
      r.rps_x_baseline !== undefined ? fmt(r.rps_x_baseline, 2) : '-',
      fmt(r.p50_ms, 1),
      fmt(r.p99_ms, 1),
      r.cpu_ms ? `${ms(r.cpu_ms.runtime)} (${ms(r.cpu_runtime_min)}-${ms(r.cpu_runtime_max)})` : '-',
      r.cpu_x_baseline !== undefined
        ? fmt(r.cpu_x_baseline, 2)
        : r.cpu_ms && b?.cpu_ms
          ? fmt(r.cpu_ms.runtime / b.cpu_ms.runtime, 2)
          : '-',
      r.cpu_ms ? ms(r.cpu_ms.proxy) : '-',
      r.cpu_ms ? ms(r.cpu_ms.wrangler) : '-',
    ];
  }),
);
// Where the runtime's CPU goes: the fixed-store builds are each Worker's own code; the database is the
// difference to the same Worker on D1; static assets the difference between as shipped and API only.
const splitRows = [];
for (const route of ['GET /tasks', 'POST /tasks']) {
  const cpu = (name) => wRow(`${name} ${route}`)?.cpu_ms?.runtime;
  const [tg, api, tgFixed, bl, blFixed, floor] = [
    'TaskGate',
    'TaskGate API only',
    'TaskGate API only, fixed store',
    'baseline',
    'baseline, fixed store',
    'floor (fixed answer and log line only)',
  ].map(cpu);
  if ([tg, api, tgFixed, bl, blFixed].some((x) => x === undefined)) continue;
  const part = (what, t, b) => splitRows.push([route, what, ms(t), ms(b), b > 0 ? fmt(t / b, 2) : '-']);
  if (floor !== undefined) {
    part('floor: workerd, its request path and the log line (any Worker)', floor, floor);
    part('Worker code above the floor (fixed store minus floor)', tgFixed - floor, blFixed - floor);
  }
  part('Worker code (fixed store, no D1)', tgFixed, blFixed);
  part('database (D1 binding and local D1 simulator)', api - tgFixed, bl - blFixed);
  part('static assets router (as shipped minus API only)', tg - api, 0);
  part('total as shipped', tg, bl);
  part('total, API only', api, bl);
}
const splitTable = splitRows.length
  ? table(
      ['route', "part of the Worker runtime's CPU", 'TaskGate ms/request', 'baseline ms/request', 'x baseline'],
      splitRows,
    )
  : '';
for (const route of ['GET /tasks', 'POST /tasks']) {
  const t = workerd.load.find((r) => r.name === `TaskGate ${route}`);
  const b = find(workerd.load, `baseline ${route}`);
  const xr = (r) => r.rps_x_baseline ?? r.rps / b.rps;
  const xc = (r) => r.cpu_x_baseline ?? r.cpu_ms.runtime / b.cpu_ms.runtime;
  goal(
    `workerd ${route}: requests/s at least 1.2x the baseline's`,
    xr(t) >= 1.2,
    `${fmt(xr(t), 2)}x (${fmt(t.rps)} vs ${fmt(b.rps)})`,
  );
  goal(
    `workerd ${route}: p99 no worse than the baseline's`,
    t.p99_ms <= b.p99_ms,
    `${fmt(t.p99_ms, 1)} ms vs ${fmt(b.p99_ms, 1)} ms`,
  );
  if (t.cpu_ms)
    goal(
      `workerd ${route}: CPU per request at most 0.8x the baseline's (Worker runtime process)`,
      xc(t) <= 0.8,
      `${fmt(xc(t), 2)}x (${ms(t.cpu_ms.runtime)} vs ${ms(b.cpu_ms.runtime)} ms)`,
    );
  const a = find(workerd.load, `TaskGate API only ${route}`);
  if (a) {
    goal(
      `workerd ${route}, API only (no static assets): requests/s at least 1.2x the baseline's`,
      xr(a) >= 1.2,
      `${fmt(xr(a), 2)}x (${fmt(a.rps)} vs ${fmt(b.rps)})`,
    );
    if (a.cpu_ms)
      goal(
        `workerd ${route}, API only: CPU per request at most 0.8x the baseline's`,
        xc(a) <= 0.8,
        `${fmt(xc(a), 2)}x (${ms(a.cpu_ms.runtime)} vs ${ms(b.cpu_ms.runtime)} ms)`,
      );
  }
}
const wTg = workerd.verify[0];
const verifyTable =
  workerd.verify.length === 0
    ? ''
    : table(
        ['inside workerd', 'ns per verify', 'x taskgate'],
        workerd.verify.map((r) => [r.name, fmt(r.median_ns), fmt(r.median_ns / wTg.median_ns, 2)]),
      );

// Asymmetric tokens (Better Auth's jwt() plugin): each suite's rows per algorithm, as ratios to taskgate.
const ALGS = ['EdDSA', 'ES256', 'RS256'];
const asymTable = (rows, ours, extra = () => []) =>
  table(
    ['alg', 'implementation', 'median ns/verify', `x ${ours}`, ...extra(null)],
    ALGS.flatMap((alg) => {
      const mine = rows.find((r) => r.alg === alg && (r.name ?? r.impl).startsWith(ours));
      return rows
        .filter((r) => r.alg === alg)
        .map((r) => [
          alg,
          r.name ?? r.impl,
          fmt(r.median_ns),
          mine ? fmt(r.median_ns / mine.median_ns, 2) : '-',
          ...extra(r),
        ]);
    }),
  );
const asymNativeTable = asymTable(asym.native.rows, 'taskgate-verify', (r) => (r ? [fmt(r.allocs)] : ['allocs']));
const asymNodeTable = asymTable(asym.node.rows, 'taskgate-verify');
const asymWorkerdTable = asymTable(asym.workerd.rows, 'taskgate-verify');
// The Worker with an EdDSA token (JWK Set given inline) against the same Worker with HS256, round by round.
const perRound = (a, b, f) => {
  const xs = a.runs.map((x, i) => f(x) / f(b.runs[i])).sort((p, q) => p - q);
  return xs[Math.floor(xs.length / 2)];
};
const eddsaRows = ['GET /tasks', 'POST /tasks'].flatMap((route) => {
  const [hs, ed] = [wRow(`TaskGate API only ${route}`), wRow(`TaskGate API only (EdDSA token) ${route}`)];
  if (!hs || !ed) return [];
  return [
    [
      route,
      fmt(hs.rps),
      fmt(ed.rps),
      fmt(
        perRound(ed, hs, (x) => x.rps),
        2,
      ),
      ms(hs.cpu_ms.runtime),
      ms(ed.cpu_ms.runtime),
      fmt(
        perRound(ed, hs, (x) => x.cpu_ms.runtime),
        2,
      ),
    ],
  ];
});
const eddsaLoadTable = eddsaRows.length
  ? table(
      [
        'TaskGate Worker, API only',
        'requests/s HS256',
        'requests/s EdDSA',
        'x HS256',
        'CPU ms/request HS256',
        'CPU ms/request EdDSA',
        'x HS256',
      ],
      eddsaRows,
    )
  : '';
{
  const w = (impl) => asym.workerd.rows.find((r) => r.impl === impl);
  const [tg, wasm, jose] = [w('webcrypto-eddsa'), w('wasm-eddsa'), w('jose-eddsa')];
  goal(
    'workerd: EdDSA verify (verifyAsync: the rules in the Wasm, the signature by WebCrypto) faster than jose',
    tg.median_ns < jose.median_ns,
    `${fmt(jose.median_ns / tg.median_ns, 2)}x jose's speed (${fmt(tg.median_ns)} vs ${fmt(jose.median_ns)} ns; the signature in the Wasm: ${fmt(wasm.median_ns)} ns)`,
  );
}

// Sizes.
const sizeTable = table(
  ['artifact', 'bytes', 'gzip -9'],
  sizes.rows.map((r) => [r.name, fmt(r.bytes), r.name.includes('tarball') ? '(already gzip)' : fmt(r.gzip)]),
);
const uploadTable = sizes.upload
  ? table(
      ['TaskGate Worker upload: part', 'bytes', 'gzip -9'],
      sizes.upload.files.map((r) => [r.name, fmt(r.bytes), fmt(r.gzip)]),
    )
  : '';
const wasmTotal = sizes.upload ? sizes.upload.wasm.reduce((a, p) => a + p.bytes, 0) : 0;
const wasmTable = sizes.upload?.wasm.length
  ? table(
      ["the Worker's Wasm, by part (code by crate, as linked)", 'bytes', 'share'],
      sizes.upload.wasm.map((p) => [p.name, fmt(p.bytes), `${fmt((100 * p.bytes) / wasmTotal, 1)} %`]),
    )
  : '';
// Ending sessions: the sign-out to the API's first refusal.
const revocation = existsSync(path.join(dir, 'revocation.json')) ? load('revocation') : undefined;
if (revocation) {
  goal(
    'Revocation: a signed-out session refused by the API within 1 s (maximum)',
    revocation.latency_ms.max < 1000,
    `median ${fmt(revocation.latency_ms.median, 1)} ms, maximum ${fmt(revocation.latency_ms.max, 1)} ms over ${revocation.trials} sign-outs (${revocation.first_try} refused at the first try)`,
  );
}
const revocationTable = revocation
  ? table(
      [
        'sign-outs',
        'latency median (ms)',
        'p99 (ms)',
        'maximum (ms)',
        'refused at the first try',
        'sign-out answer median (ms)',
      ],
      [
        [
          fmt(revocation.trials),
          fmt(revocation.latency_ms.median, 1),
          fmt(revocation.latency_ms.p99, 1),
          fmt(revocation.latency_ms.max, 1),
          `${revocation.first_try} of ${revocation.trials}`,
          fmt(revocation.signout_ms.median, 1),
        ],
      ],
    )
  : '';
// Better Auth's session cookie cache, per strategy: natively (the crate, against an HS256 token of the
// cookie's length), in Node (against Better Auth's own getCookieCache) and in workerd (against a bearer token).
const sessionCache = Object.fromEntries(
  ['native', 'node', 'workerd']
    .filter((k) => existsSync(path.join(dir, `${k}-session-cache.json`)))
    .map((k) => [k, load(`${k}-session-cache`)]),
);
const sessionNativeTable = sessionCache.native
  ? table(
      ['strategy', 'verified', 'bytes', 'median ns/verify', 'allocs', 'x the HS256 token'],
      sessionCache.native.rows.map((r) => {
        const token = sessionCache.native.rows.findLast((x) => x.strategy === r.strategy);
        return [
          r.strategy,
          r.name.replace(/^taskgate-verify: /, ''),
          fmt(r.token_bytes),
          fmt(r.median_ns),
          fmt(r.allocs),
          fmt(r.median_ns / token.median_ns, 2),
        ];
      }),
    )
  : '';
const sessionNodeTable = sessionCache.node
  ? (() => {
      const rows = sessionCache.node.rows;
      const bearer = rows.find((r) => r.impl === 'taskgate-bearer');
      return table(
        [
          'strategy',
          'bytes',
          'TaskGate authorize ops/s',
          'Better Auth getCookieCache ops/s',
          'TaskGate / Better Auth',
          'TaskGate: x the bearer token',
        ],
        rows
          .filter((r) => r.impl === 'taskgate')
          .map((r) => {
            const ba = rows.find((x) => x.strategy === r.strategy && x.impl === 'better-auth');
            return [
              r.strategy,
              fmt(r.token_bytes),
              fmt(r.ops_per_s),
              fmt(ba.ops_per_s),
              `${fmt(r.x_better_auth, 1)}x`,
              fmt(r.median_ns / bearer.median_ns, 2),
            ];
          })
          .concat([['bearer (reference)', fmt(bearer.token_bytes), fmt(bearer.ops_per_s), '-', '-', '1.00']]),
      );
    })()
  : '';
const sessionWorkerdTable = sessionCache.workerd
  ? table(
      [
        'strategy',
        'cookie bytes',
        'requests/s cookie',
        'requests/s bearer',
        'x bearer',
        'CPU ms/request cookie',
        'CPU ms/request bearer',
        'x bearer',
      ],
      sessionCache.workerd.rows.map((r) => [
        r.strategy,
        fmt(r.cookie_bytes),
        fmt(r.cookie.rps),
        fmt(r.bearer.rps),
        fmt(r.rps_x_bearer, 2),
        ms(r.cookie.cpu_ms),
        ms(r.bearer.cpu_ms),
        fmt(r.cpu_x_bearer, 2),
      ]),
    )
  : '';
const sessionSection = [
  sessionNativeTable &&
    `Native Rust (${sessionCache.native.rounds} rounds x ${fmt(sessionCache.native.iterations)} verifications): \`Verifier::verify_session_cache\` on the cookies a real Better Auth wrote (\`crate-verify/tests/vectors/better-auth-session-cache.json\`, verified at the moment they were made), next to the same verifier's \`verify\` of an HS256 token padded to the cookie's length:\n\n${sessionNativeTable}`,
  sessionNodeTable &&
    `Node.js (${sessionCache.node.rounds} rounds, ${sessionCache.node.node}, Better Auth ${sessionCache.node.better_auth}): the package's default entry (\`createVerifier(secret, { sessionCache })\`, \`authorize({ cookie })\`) against Better Auth's own reader (\`getCookieCache\` from \`better-auth/cookies\`, awaited) on the same fresh cookies; "TaskGate / Better Auth" is the median of per-round ratios of their times (how many times faster TaskGate reads it); the reference row is the same \`authorize\` given an HS256 bearer token (${fmt(sessionCache.node.rows.find((r) => r.impl === 'taskgate-bearer')?.token_bytes)} bytes):\n\n${sessionNodeTable}`,
  sessionWorkerdTable &&
    `workerd under wrangler dev (wrk, ${sessionCache.workerd.connections} connections, ${sessionCache.workerd.seconds} s per run, median of ${sessionCache.workerd.rounds} interleaved rounds): one Worker per strategy (\`BETTER_AUTH_SESSION_CACHE\`), API only with the fixed store (no D1), answering \`GET /api/{id}/tasks\` with the user's cookie and, on the same Worker, with an HS256 bearer token for the same user; "x bearer" is the median of per-round ratios, CPU is the Worker runtime process's:\n\n${sessionWorkerdTable}`,
]
  .filter(Boolean)
  .join('\n\n');

// Rows read and written per request (bench/rows.mjs): what D1 and Durable Object SQLite bill.
const rowsRun = existsSync(path.join(dir, 'rows.json')) ? load('rows') : undefined;
const rowsTable = rowsRun
  ? table(
      [
        'route',
        ...rowsRun.cases.flatMap((c) => [
          `rows read, ${fmt(c.user_tasks)} tasks`,
          `rows written, ${fmt(c.user_tasks)} tasks`,
        ]),
      ],
      Object.entries(rowsRun.routes).map(([key, request]) => [
        request,
        ...rowsRun.cases.flatMap((c) => [fmt(c.routes[key].rows_read), fmt(c.routes[key].rows_written)]),
      ]),
    )
  : '';
const rowsSeed = rowsRun?.cases[0];
const rowsStorage = rowsSeed
  ? `Other users: ${fmt(rowsSeed.other_tasks)} tasks of ${fmt(rowsSeed.other_users)} users, ${fmt(rowsSeed.revoked_sessions)} ended sessions, ${fmt(rowsSeed.revoked_users)} users signed out everywhere. Stored: ${rowsRun.cases.map((c) => `${fmt(c.storage.bytes_per_task)} bytes per task over ${fmt(c.storage.tasks_seeded)} tasks`).join(', ')}, indexes included (the database's growth; the columns' text is ${fmt(rowsSeed.storage.text_bytes_per_task)} bytes of it).`
  : '';

// The two task stores under load (bench/workerd/stores.mjs): D1 against one Durable Object per user.
const stores = existsSync(path.join(dir, 'workerd-stores.json')) ? load('workerd-stores') : undefined;
const xD1 = (r, key) => (r.x_d1 ? fmt(r.x_d1[key], 2) : '1.00');
/** A load's rows per store: requests/s, p50, p99 and CPU per request, each with its ratio to D1. */
const storeLoadTable = (rows) =>
  table(
    ['store', 'requests/s', 'x D1', 'p50 ms', 'p99 ms', 'x D1', 'CPU ms/request: Worker runtime', 'x D1'],
    rows.map((r) => [
      r.store,
      fmt(r.rps),
      xD1(r, 'rps'),
      fmt(r.p50_ms, 1),
      fmt(r.p99_ms, 1),
      xD1(r, 'p99_ms'),
      ms(r.cpu_ms.runtime),
      xD1(r, 'cpu_ms'),
    ]),
  );
const storesTables = stores
  ? {
      list: table(
        [
          'route',
          'store',
          'users x tasks',
          'requests/s',
          'x D1',
          'p50 ms',
          'p99 ms',
          'x D1',
          'CPU ms/request: Worker runtime',
          'x D1',
          "wrangler's proxy",
          'wrangler (Node)',
        ],
        stores.list.map((r) => [
          r.route,
          r.store,
          r.tasks_per_user ? `${fmt(r.users)} x ${fmt(r.tasks_per_user)}` : `${fmt(r.users)} writing`,
          fmt(r.rps),
          xD1(r, 'rps'),
          fmt(r.p50_ms, 1),
          fmt(r.p99_ms, 1),
          xD1(r, 'p99_ms'),
          ms(r.cpu_ms.runtime),
          xD1(r, 'cpu_ms'),
          ms(r.cpu_ms.proxy),
          ms(r.cpu_ms.wrangler),
        ]),
      ),
      scale: table(
        [
          'users asked',
          'Worker',
          'requests/s',
          'x D1',
          'p99 ms',
          'x D1',
          `x ${fmt(stores.scale[0].users)} users`,
          'CPU ms/request: Worker runtime',
          'x D1',
          `x ${fmt(stores.scale[0].users)} users`,
        ],
        stores.scale.map((r) => [
          fmt(r.users),
          r.idle_tasks ? `D1 + ${fmt(r.idle_tasks)} tasks of idle users` : r.store,
          fmt(r.rps),
          xD1(r, 'rps'),
          fmt(r.p99_ms, 1),
          xD1(r, 'p99_ms'),
          fmt(r.x_fewest.p99_ms, 2),
          ms(r.cpu_ms.runtime),
          xD1(r, 'cpu_ms'),
          fmt(r.x_fewest.cpu_ms, 2),
        ]),
      ),
      writers: storeLoadTable(stores.writers),
      hot: stores.hot ? storeLoadTable(stores.hot) : '(not measured in this run)',
      seeding: (() => {
        const s = stores.seeding;
        const o = s.object;
        const hours = (x) => (x >= 3600 ? `${fmt(x / 3600, 1)} h` : `${fmt(x / 60, 0)} min`);
        return table(
          ['seeding', 'tasks', 'seconds', 'per second'],
          [
            [
              'D1: `wrangler d1 execute --local`, INSERT ... SELECT',
              fmt(s.d1.tasks),
              fmt(s.d1.seconds, 1),
              fmt(s.d1.tasks / s.d1.seconds),
            ],
            [
              `D1 with ${fmt(s.idle.users)} idle users x ${fmt(s.idle.tasks)} tasks (the third Worker)`,
              fmt(s.d1_idle.tasks),
              fmt(s.d1_idle.seconds, 1),
              fmt(s.d1_idle.tasks / s.d1_idle.seconds),
            ],
            [
              "objects, through the API: each user's first task (creates the user's object)",
              fmt(o.creations),
              fmt(o.creation_seconds, 1),
              fmt(o.creations_per_s),
            ],
            ['objects, through the API: further tasks', fmt(o.adds), fmt(o.add_seconds, 1), fmt(o.adds_per_s)],
            [
              'objects, through the API, at these rates: 10,000 users x 100 tasks (projected)',
              '1,000,000',
              hours(s.projected_seconds['10000x100']),
              '-',
            ],
            [
              'objects, through the API, at these rates: 10,000 users x 10 tasks (projected)',
              '100,000',
              hours(s.projected_seconds['10000x10']),
              '-',
            ],
          ],
        );
      })(),
    }
  : undefined;
const storesSection = stores
  ? `One TaskGate Worker per store (\`TASK_STORE\`), API only (no static assets), under \`wrangler dev\`, all started once and
kept alive for the whole run: D1 (one database) and the object store (one Durable Object per user, SQLite
storage). wrk, ${stores.connections} connections (part 3: one per user), ${stores.seconds} s per run, median of ${stores.rounds} interleaved rounds
(the order alternating), a warm-up first; "x D1" is the median of per-round ratios to D1 measured in the same rounds.
CPU per request is as in section 3, with one difference in what "Worker runtime" covers: with the object store the
objects run inside the Worker's own workerd process, so it is Worker + the user's object + its SQLite; with D1 it is
Worker + the local D1 simulator (a Durable Object in the same process). Deployed, the objects and D1 run elsewhere
and are billed apart, so these figures compare the work done, not a bill. A p99 of one run rests on its few
slowest requests and moves a lot between rounds: read it beside the medians and CPU.

**1. The list and a write, many users.** \`GET /api/{user}/tasks\` (the default list) for users holding
${fmt(stores.list[0].tasks_per_user)} tasks each, and \`POST /api/{user}/tasks\` (\`{"title": ...}\`), each request for the next user
(a wrk script rotating their tokens); every user already held a task, so no request created an object:

${storesTables.list}

**2. How the cost grows with users.** The same \`GET\` load spread over the first 10, 1,000 and 10,000 of
${fmt(stores.seeding.scale.users)} users (each request for the next user, each round from another one), every user holding
${fmt(stores.seeding.scale.tasks)} ${stores.seeding.scale.tasks === 1 ? 'task' : 'tasks'} in both stores. "x ${fmt(stores.scale[0].users)} users" is the median per-round ratio to the same Worker
with the load on ${fmt(stores.scale[0].users)} users. The third Worker is on D1 too, its database also holding the tasks of
${fmt(stores.seeding.idle.users)} idle users (${fmt(stores.seeding.idle.tasks)} each, ${fmt(stores.seeding.idle.users * stores.seeding.idle.tasks)} in all) that no request asks for: D1 with a large table (an idle
user's object is a file no request opens, so the object store has nothing to add there).

${storesTables.scale}

Why ${fmt(stores.seeding.scale.tasks)} ${stores.seeding.scale.tasks === 1 ? 'task' : 'tasks'} per user and not 100: a task reaches an object only through its Worker, and on this machine
that goes at the rates below (creating a user's object costs most), so 10,000 users x 100 tasks (or even x 10)
would take far longer than a benchmark run; D1's INSERTs take seconds.

${storesTables.seeding}

**3. ${fmt(stores.writers[0].users)} users writing at once.** \`POST /api/{user}/tasks\`, ${fmt(stores.writers[0].connections)} connections, each a different user
(one wrk thread each):

${storesTables.writers}

**4. One hot user.** \`GET /api/{user}/tasks\` of one user on every connection (in the object store one object
serves them all, one request at a time):

${storesTables.hot}`
  : '';

const wasm = find(sizes.rows, 'taskgate-verify: Wasm');
goal(
  'Size: the package Wasm at most 48 KB gzip (issue 20)',
  wasm.gzip <= 48_000,
  `${fmt(wasm.gzip)} bytes gzip (${fmt(wasm.bytes)} raw)`,
);

const goalTable = table(
  ['goal', 'result', 'measured'],
  goals.map((g) => [g.text, g.ok ? 'met' : '**missed**', g.detail]),
);
const nodeMax = Math.max(...node.rows.map((r) => r.ops_per_s));
const chart = [
  'Node: verifications per second (longer is better)',
  ...node.rows.map((r) => `${r.name.padEnd(42)} ${bar(r.ops_per_s, nodeMax)} ${fmt(r.ops_per_s)}`),
  '',
  'Native: ns per verify (shorter is better)',
  ...native.rows.map(
    (r) =>
      `${r.name.padEnd(42)} ${bar(r.median_ns, Math.max(...native.rows.map((x) => x.median_ns)))} ${fmt(r.median_ns)}`,
  ),
  '',
  'workerd: requests per second (longer is better)',
  ...workerd.load.map(
    (r) => `${r.name.padEnd(42)} ${bar(r.rps, Math.max(...workerd.load.map((x) => x.rps)))} ${fmt(r.rps)}`,
  ),
  '',
  'workerd: CPU ms per request of the Worker runtime process (shorter is better)',
  ...workerd.load
    .filter((r) => r.cpu_ms)
    .map(
      (r) =>
        `${r.name.padEnd(42)} ${bar(r.cpu_ms.runtime, Math.max(...workerd.load.map((x) => x.cpu_ms?.runtime ?? 0)))} ${ms(r.cpu_ms.runtime)}`,
    ),
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

## 3. workerd under wrangler dev (wrk, ${workerd.connections} connections, ${workerd.seconds} s per run, median of ${workerd.rounds} interleaved rounds)

The TaskGate Worker (Rust, this repository) against a JavaScript baseline kept in \`bench/workerd/baseline.js\`
(Hono + hono/jwt + D1, the same schema, routes and log line). \`GET\` lists a user's 20 tasks; \`POST\` creates one.
"API only" is the same TaskGate Worker without its static assets (the token inspector), which under
\`wrangler dev\` add a router Worker in front of every request. "fixed store" rows answer the same requests
from a fixed result (the 20 tasks of \`bench/workerd/fixed-tasks.json\`) without D1: the TaskGate Worker built
with \`--features bench-fixed-store\`, and \`baseline-fixed.js\` (the baseline with a fixed D1 stand-in).

CPU per request is the CPU time (user + system, from \`/proc/<pid>/stat\`) a process spent during a run,
divided by the requests served in it. "Worker runtime" is the workerd process that runs the Worker, the
local D1 simulator (a Durable Object in the same process) and the static-assets router; "wrangler's proxy"
is the second workerd of \`wrangler dev\` (its proxy Worker, in front of every request); "wrangler (Node)"
is wrangler itself, which receives every log line. Requests/s is the throughput of the whole machine
(2 cores shared by wrk, both workerd processes and wrangler), so it moves with all three.

${loadTable}

${splitTable}

${verifyTable}

## 4. Asymmetric tokens (Better Auth's \`jwt()\` plugin: EdDSA, ES256, RS256 2048-bit)

Tokens shaped like the plugin's (\`bench/asym-tokens.mjs\`, fixed test keys), verified against its JWK Set with
\`iss\` and \`aud\` checked. TaskGate's rules run in Rust everywhere; the signature itself is RustCrypto natively
and, in the package, node:crypto in Node and WebCrypto in workerd's asynchronous checks (\`verifyAsync\`), with the
RustCrypto-in-Wasm rows for comparison (\`platformCrypto: false\`, or the synchronous \`verify\` in workerd).
\`jose\` and the floors use the platform's native crypto (WebCrypto / OpenSSL / BoringSSL).

Native Rust (${asym.native.rounds} rounds x ${fmt(asym.native.iterations)} verifications; the floor is the RustCrypto signature check alone):

${asymNativeTable}

Node.js (${asym.node.rounds} rounds, ${asym.node.node}):

${asymNodeTable}

Inside workerd (${asym.workerd.n} verifications per request, the empty request's cost subtracted, median of ${asym.workerd.rounds} rounds):

${asymWorkerdTable}

The Worker under load (section 3's runs) with Better Auth \`jwt()\` EdDSA tokens, its JWK Set given inline (\`JWKS\`,
so no key fetch), against HS256 tokens; ratios are medians of per-round ratios:

${eddsaLoadTable}

## 5. Sizes

${sizeTable}

${uploadTable}

${wasmTable}

## 6. Ending sessions

From the sign-out's response to the API's first 401 \`session_revoked\` for that session's token (a real Better
Auth with the plugin's \`revocation\` option, the Worker under wrangler dev; bench/revocation.mjs):

${revocationTable}

## 7. Session cookie cache strategies

Better Auth's session cookie cache (\`session.cookieCache.strategy\`) in each strategy: \`compact\` (its default:
base64url JSON with an HMAC-SHA256 signature), \`jwt\` (an HS256 JWS) and \`jwe\` (a compact JWE, \`dir\` +
A256CBC-HS512 under a key derived by HKDF), read by TaskGate without calling Better Auth.

${sessionSection || '(not measured in this run)'}

## 8. Rows read and written per request (what D1 and Durable Object SQLite bill)

Each task route's statement as the Worker runs it (\`worker/src/store/sql.rs\`: the same statement on D1 and in a
user's Durable Object), once on its success path, on a local D1 where the user's tasks sit among other users'
tasks and revocations, counted by the database itself: \`meta.rows_read\` and \`meta.rows_written\` (workerd's
SQLite counts a row read for each seek and step in a table, an index or a temporary table, and a row written for
each table row or index entry written and each table row deleted). Bytes per task: the database's size before and
after the tasks were added (bench/rows.mjs).

${rowsTable ? `${rowsTable}\n\n${rowsStorage}` : '(not measured in this run)'}

## 9. Task stores: D1 vs one Durable Object per user

${storesSection || '(not measured in this run)'}

## Chart

\`\`\`
${chart}
\`\`\`

${existsSync(path.join(ROOT, 'bench/ANALYSIS.md')) ? readFileSync(path.join(ROOT, 'bench/ANALYSIS.md'), 'utf8') : ''}`;

console.log(goalTable);
console.log();
if (revocationTable) console.log(`${revocationTable}\n`);
for (const t of [sessionNativeTable, sessionNodeTable, sessionWorkerdTable]) if (t) console.log(`${t}\n`);
if (rowsTable) console.log(`${rowsTable}\n\n${rowsStorage}\n`);
if (storesTables) for (const t of Object.values(storesTables)) console.log(`${t}\n`);
console.log(loadTable);
console.log();
if (splitTable) console.log(`${splitTable}\n`);
console.log(chart);
if (!smoke) {
  writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), text);
  console.log('\nwrote bench/RESULTS.md');
}
