// Rows read and written per request, as D1 and Durable Object SQLite bill them (both by rows read and
// rows written, at the same rates): each task route's statement, exactly as the Worker runs it
// (worker/src/store/sql.rs, printed by `store::sql::tests::statements_for_bench`), with its parameters
// bound the way the Worker binds them, on a fresh local D1 (the repository's migrations) holding the
// measured user's tasks among other users' tasks and revocations. And the storage a task takes.
//   node bench/rows.mjs [--smoke]      (cases: the user with 100 and with 1,000 tasks; --smoke: 100 only)
// Prints one JSON object: { suite: "rows", source, routes: { name: request }, bytes_per_task, cases:
// [{ user_tasks, other_tasks, ..., routes: { list: { rows_read, rows_written }, get, create,
// update_title, toggle, delete }, storage: { bytes_per_task, ... } }] }.
//
// The counts are `meta.rows_read` / `meta.rows_written` of the D1 binding's result. `wrangler d1 execute
// --local --json` keeps only `meta.duration`, so this script opens the same local database through
// miniflare (what that command does) and keeps the whole `meta`. Locally D1 is a Durable Object on
// workerd's SQLite storage: the counts are its SQL cursor's `rowsRead` / `rowsWritten`, and `size_after`
// is the database's size in bytes (page count x page size), used for the bytes per stored task.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WorkerServer } from '../tests/lib/worker.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const smoke = process.argv.includes('--smoke');
const CASES = smoke ? [100] : [100, 1000];
const OTHER_TASKS = 1000; // other users' tasks, interleaved with the measured user's (by id and time)
const OTHER_USERS = 100;
const REVOKED_SESSIONS = 200; // other users' ended sessions
const REVOKED_USERS = 20; // other users who signed out everywhere
const LIST_LIMIT = 50; // the default page (worker/src/query.rs LIMIT_DEFAULT)
/** Each measured statement's request (worker/src/route.rs). */
const ROUTES = {
  list: 'GET /api/{user_id}/tasks (the first page of 50, with the total)',
  get: 'GET /api/{user_id}/tasks/{id}',
  create: 'POST /api/{user_id}/tasks',
  update_title: 'PUT /api/{user_id}/tasks/{id} (the title)',
  toggle: 'PATCH /api/{user_id}/tasks/{id}/complete (toggle)',
  delete: 'DELETE /api/{user_id}/tasks/{id}',
};

// The miniflare wrangler itself runs (wrangler d1 execute --local).
const requireFromWrangler = createRequire(
  createRequire(path.join(ROOT, 'package.json')).resolve('wrangler/package.json'),
);
const { Miniflare, convertV4MiniflareOptions } = requireFromWrangler('miniflare');
const wranglerVersion = requireFromWrangler('./package.json').version;

/** The SQL of each task route, from the Worker's own code. */
function statements() {
  const out = execFileSync(
    'cargo',
    [
      'test',
      '-q',
      '-p',
      'taskgate-worker',
      '--lib',
      '--',
      '--ignored',
      '--exact',
      'store::sql::tests::statements_for_bench',
      '--nocapture',
    ],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = out.split('\n').find((l) => l.startsWith('STATEMENTS '));
  if (!line) throw new Error(`no STATEMENTS line in:\n${out}`);
  return JSON.parse(line.slice('STATEMENTS '.length));
}

/** Every `?N` of `sql` must have a value in `params` (`?1` = params[0]), and every value a `?N`. */
function checkParams(route, sql, params) {
  const used = new Set([...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])));
  const want = new Set(params.map((_, i) => i + 1));
  if (used.size !== want.size || [...used].some((n) => !want.has(n))) {
    throw new Error(
      `${route}: the statement uses ?${[...used].sort((a, b) => a - b).join(', ?')}, given ${params.length}`,
    );
  }
}

const pad = (s, n) => s.padEnd(n, '0').slice(0, n);
const USER = pad('bench-rows-measured-user-', 32); // Better Auth ids are 32 characters
const SID = pad('bench-rows-session-', 32);
const NOW = 1_780_000_000; // seconds; every revocation below is older than the caller's token
const IAT = NOW - 60;

/**
 * `total` tasks in one statement: every `step`-th is the measured user's, the others spread over
 * OTHER_USERS users; created one second apart, so ids and times interleave. Realistic sizes: a
 * title of about 30 characters, a description of about 100, two tags, some due dates.
 */
function seedTasks(total, step) {
  return `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${total}),
  t AS (SELECT i,
    CASE WHEN i % ${step} = 0 THEN '${USER}' ELSE substr('bench-rows-other-user-' || (i % ${OTHER_USERS}) || '-0000000000000000', 1, 32) END AS user_id,
    printf('Review the quarterly report %04d', i) AS title,
    printf('Go through the numbers with the team, check the open items and send a short summary to all. #%05d', i) AS description
    FROM n)
  INSERT INTO tasks (user_id, title, description, completed, priority, due_date, tags, title_folded, description_folded, created_at, updated_at)
  SELECT user_id, title, description, i % 3 = 0,
    CASE i % 3 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' ELSE 'high' END,
    CASE WHEN i % 2 = 0 THEN date('2026-06-01', '+' || (i % 90) || ' days') END,
    '["work","q' || (1 + i % 4) || '"]', lower(title), lower(description),
    strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
    strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds')
  FROM t ORDER BY i`;
}

const SEED_REVOCATIONS = [
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${REVOKED_SESSIONS})
   INSERT INTO revoked_sessions (sub, sid, keep_until)
   SELECT substr('bench-rows-other-user-' || (i % ${OTHER_USERS}) || '-0000000000000000', 1, 32),
     printf('ended-session-%018d', i), ${NOW + 86_400} FROM n`,
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${REVOKED_USERS})
   INSERT INTO revoked_users (sub, ended_at, keep_until)
   SELECT substr('bench-rows-other-user-' || (i * 3 % ${OTHER_USERS}) || '-0000000000000000', 1, 32),
     ${NOW - 3600}, ${NOW + 86_400} FROM n`,
];

/** One case: a fresh local D1, the user with `userTasks` tasks among OTHER_TASKS others'. */
async function measure(sql, userTasks) {
  const server = new WorkerServer(); // its config and state in a temporary directory; never launched
  let mf;
  try {
    await server.migrate();
    // The config's D1 database id: wrangler's local database of that name.
    const id = /^database_id = "([^"]+)"/m.exec(readFileSync(server.config, 'utf8'))?.[1];
    if (!id) throw new Error(`no database_id in ${server.config}`);
    mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        script: '',
        resourcePersistencePath: path.join(server.state, 'v3'),
        d1Databases: { DATABASE: id },
      }),
    );
    const db = await mf.getD1Database('DATABASE');
    const run = async (text) => (await db.prepare(text).all()).meta;
    const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).results;
    if (!tables.some((t) => t.name === 'tasks')) throw new Error('the migrations did not reach the database');

    for (const s of SEED_REVOCATIONS) await run(s);
    const before = (await run('SELECT 1')).size_after;
    const total = userTasks + OTHER_TASKS;
    const step = total / userTasks;
    if (!Number.isInteger(step)) throw new Error(`${total} tasks do not interleave evenly`);
    await run(seedTasks(total, step));
    const after = (await run('SELECT 1')).size_after;
    const counts = await db
      .prepare(
        `SELECT count(*) AS all_tasks, sum(user_id = ?1) AS user_tasks,
           avg(length(CAST(user_id AS BLOB)) + length(CAST(title AS BLOB)) + length(CAST(coalesce(description, '') AS BLOB))
             + length(CAST(priority AS BLOB)) + length(CAST(coalesce(due_date, '') AS BLOB)) + length(CAST(tags AS BLOB))
             + length(CAST(title_folded AS BLOB)) + length(CAST(description_folded AS BLOB))
             + length(CAST(created_at AS BLOB)) + length(CAST(updated_at AS BLOB))) AS text_bytes
           FROM tasks`,
      )
      .bind(USER)
      .first();
    if (counts.all_tasks !== total || counts.user_tasks !== userTasks)
      throw new Error(`seeded ${JSON.stringify(counts)}`);
    const ids = (await db.prepare('SELECT id FROM tasks WHERE user_id = ?1 ORDER BY id').bind(USER).all()).results.map(
      (r) => r.id,
    );
    const middle = ids[Math.floor(ids.length / 2)];

    // Each route once, on the success path: reads first, then the writes, each on a task that exists.
    const title = 'Review the quarterly report (v2)';
    const routes = [
      [
        'list',
        [USER, LIST_LIMIT, 0, SID, IAT],
        (r) => r[0].n === userTasks && JSON.parse(r[0].tasks).length === Math.min(LIST_LIMIT, userTasks),
      ],
      ['get', [middle, USER, SID, IAT], (r) => JSON.parse(r[0].task).id === middle],
      [
        'create',
        [
          USER,
          'Call the venue about the booking',
          'Confirm the date, the number of guests and the catering; ask for the invoice to be sent by email today.',
          0,
          'medium',
          '2026-07-01',
          '["events","calls"]',
          'call the venue about the booking',
          'confirm the date, the number of guests and the catering; ask for the invoice to be sent by email today.',
          SID,
          IAT,
        ],
        (r) => r.length === 1,
      ],
      [
        'update_title',
        [middle, USER, title, title.toLowerCase(), SID, IAT],
        (r) => JSON.parse(r[0].task).title === title,
      ],
      ['toggle', [middle, USER, SID, IAT], (r) => r.length === 1],
      ['delete', [ids[1], USER, SID, IAT], (r) => r.length === 1 && r[0].id === ids[1]],
    ];
    const measured = {};
    for (const [route, params, ok] of routes) {
      checkParams(route, sql[route], params);
      const { results, meta } = await db
        .prepare(sql[route])
        .bind(...params)
        .all();
      if (!ok(results)) throw new Error(`${route}: unexpected result ${JSON.stringify(results).slice(0, 300)}`);
      measured[route] = { rows_read: meta.rows_read, rows_written: meta.rows_written };
    }
    return {
      user_tasks: userTasks,
      other_tasks: OTHER_TASKS,
      other_users: OTHER_USERS,
      revoked_sessions: REVOKED_SESSIONS,
      revoked_users: REVOKED_USERS,
      list_limit: LIST_LIMIT,
      routes: measured,
      storage: {
        tasks_seeded: total,
        bytes_before: before,
        bytes_after: after,
        bytes_per_task: (after - before) / total,
        text_bytes_per_task: counts.text_bytes,
      },
    };
  } finally {
    await mf?.dispose();
    rmSync(server.dir, { recursive: true, force: true });
  }
}

const sql = statements();
if (Object.keys(sql).sort().join() !== Object.keys(ROUTES).sort().join()) {
  throw new Error(`statements ${Object.keys(sql)}, measured ${Object.keys(ROUTES)}: update bench/rows.mjs`);
}
const cases = [];
for (const n of CASES) {
  console.error(`[rows] the user with ${n} tasks among ${OTHER_TASKS} other users' tasks`);
  cases.push(await measure(sql, n));
}
const last = cases.at(-1).storage;
console.log(
  JSON.stringify(
    {
      suite: 'rows',
      source: `local D1 (wrangler ${wranglerVersion}'s miniflare: a Durable Object on workerd's SQLite storage), meta.rows_read / meta.rows_written`,
      routes: ROUTES,
      bytes_per_task: last.bytes_per_task,
      cases,
    },
    null,
    2,
  ),
);
