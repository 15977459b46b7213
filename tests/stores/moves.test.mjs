// Moving a user's tasks between the stores (POST /admin/moves, docs/scale.md), against a real
// wrangler dev (local D1 and local Durable Objects on one state directory): 3,000 tasks of
// varied contents seeded into D1 move to the user's object and back, and after each move the API,
// served by the store the tasks now live in, answers exactly what it answered before (counts,
// ids, every field), the user's revocations moved with them, another user's tasks did not move,
// and the store they left holds none. The route takes only an admin token.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { call } from '../lib/http.mjs';
import { now, SECRET, signRaw, token } from '../lib/tokens.mjs';
import { ROOT, WorkerServer } from '../lib/worker.mjs';

const USER = 'mover';
const OTHER = 'bystander';
const TASKS = 3000;

/** A service token (typ, aud, a minute's exp), as the crate's sign_service issues them. */
const serviceToken = (typ, aud) =>
  signRaw(JSON.stringify({ alg: 'HS256', typ }), JSON.stringify({ aud, iat: now(), exp: now() + 60 }));
const adminToken = () => serviceToken('taskgate-admin+jwt', 'taskgate:admin');
const revocationToken = () => serviceToken('taskgate-revocation+jwt', 'taskgate:revocations');

/** SQL text literal. */
const lit = (v) => (v === null ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`);

/** Task `i` of `user` as a row of migrations/0001_tasks.sql: varied titles, text, tags, dates. */
function row(user, i) {
  const title = [`Task ${i}`, `Café ${i} — naïve`, `"quoted" ${i} 'single'`, `emoji ${i} 🚀`][i % 4];
  const description = i % 3 === 0 ? null : `line one\nline two of ${i}, <b>not html</b> \\ back`;
  const tags = JSON.stringify(i % 5 === 0 ? [] : [`t${i % 7}`, `ü${i % 3}`]);
  const due =
    i % 4 === 0 ? null : `2027-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  const created = new Date(Date.UTC(2026, 0, 1) + i * 61_000).toISOString();
  const updated = new Date(Date.UTC(2026, 0, 1) + i * 61_000 + (i % 9) * 1000).toISOString();
  const values = [
    user,
    title,
    description,
    i % 2,
    ['low', 'medium', 'high'][i % 3],
    due,
    tags,
    title.toLowerCase(),
    (description ?? '').toLowerCase(),
    created,
    updated,
  ];
  return `(${values.map((v) => (typeof v === 'number' ? v : lit(v))).join(', ')})`;
}

function seedSql() {
  const insert =
    'INSERT INTO tasks (user_id, title, description, completed, priority, due_date, tags, title_folded, description_folded, created_at, updated_at) VALUES ';
  const lines = [];
  for (let start = 0; start < TASKS; start += 250) {
    const rows = [];
    for (let i = start; i < Math.min(TASKS, start + 250); i++) {
      rows.push(row(USER, i));
      // Another user's tasks interleaved (their ids between the mover's): they must not move.
      if (i % 60 === 0) rows.push(row(OTHER, i));
    }
    lines.push(`${insert}${rows.join(',\n')};`);
  }
  return lines.join('\n');
}

let server;
const api = (method, p, opts) => call(server.url, method, p, opts);

/** Every task of `user` through the API (pages of 200, in id order), and the total it reports. */
async function allTasks(user) {
  const tasks = [];
  let total = null;
  for (let offset = 0; ; offset += 200) {
    const r = await api('GET', `/api/${user}/tasks?sort=created&order=asc&limit=200&offset=${offset}`, {
      token: token(user),
    });
    assert.equal(r.status, 200, r.text);
    total = Number(r.headers.get('x-total-count'));
    tasks.push(...r.json);
    if (r.json.length < 200) break;
  }
  return { tasks: tasks.sort((a, b) => a.id - b.id), total };
}

/** Serves from `store` from now on: the same state directory, TASK_STORE changed, restarted. */
async function serveFrom(store) {
  const toml = readFileSync(server.config, 'utf8').replace(/^TASK_STORE = .*$/m, '');
  writeFileSync(server.config, toml.replace(/^\[vars\]$/m, `[vars]\nTASK_STORE = ${JSON.stringify(store)}`));
  await server.restart();
}

/** `POST /admin/moves` of USER to `to`, with an admin token (or `tok`; `null`: none). */
const move = (to, tok = adminToken()) =>
  api('POST', '/admin/moves', { token: tok ?? undefined, body: { user: USER, to } });

before(async () => {
  server = new WorkerServer({ secrets: { BETTER_AUTH_SECRET: SECRET }, vars: { TASK_STORE: 'd1' } });
  await server.migrate();
  const file = path.join(server.dir, 'seed.sql');
  writeFileSync(file, seedSql());
  await promisify(execFile)(
    path.join(ROOT, 'node_modules/.bin/wrangler'),
    ['d1', 'execute', 'taskgate', '--local', '--config', server.config, '--persist-to', server.state, '--file', file],
    {
      cwd: server.dir,
      timeout: 180_000,
      env: {
        ...process.env,
        PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}`,
        CI: 'true',
        WRANGLER_SEND_METRICS: 'false',
      },
    },
  );
  await server.launch();
});
after(() => server?.stop());

describe('POST /admin/moves', () => {
  it('takes only an admin token, and a body naming a user and a store', async () => {
    for (const [tok, what] of [
      [null, 'no token'],
      [token(USER), "the user's own token"],
      [revocationToken(), 'a revocation token'],
    ]) {
      const r = await move('durable-object', tok);
      assert.equal(r.status, 401, `${what}: ${r.text}`);
    }
    const bad = await api('POST', '/admin/moves', { token: adminToken(), body: { user: USER, to: 'kv' } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(Object.keys(bad.json.fields), ['to']);
    const missing = await api('POST', '/admin/moves', { token: adminToken(), body: { to: 'd1', extra: 1 } });
    assert.equal(missing.status, 422, missing.text);
    assert.deepEqual(Object.keys(missing.json.fields).sort(), ['extra', 'user']);
    assert.equal((await allTasks(USER)).total, TASKS, 'nothing moved');
  });

  it(`moves ${TASKS} tasks to the user's object and back: every task, id and field as before`, async () => {
    const before = await allTasks(USER);
    const other = await allTasks(OTHER);
    assert.equal(before.total, TASKS);
    assert.equal(before.tasks.length, TASKS);
    assert.ok(other.total > 0);
    // A session of the user that ended: the revocation moves with the tasks.
    const gone = token(USER, { claims: { sid: 'gone' } });
    const revoked = await api('POST', '/revocations', {
      token: revocationToken(),
      body: { sessions: [{ sid: 'gone', sub: USER, until: now() + 900 }], users: [] },
    });
    assert.equal(revoked.status, 204, revoked.text);

    const there = await move('durable-object');
    assert.equal(there.status, 200, there.text);
    assert.deepEqual(there.json, { user: USER, from: 'd1', to: 'durable-object', tasks: TASKS, left: 0 });
    // D1 holds none of the user's tasks any more; the other user's stayed.
    assert.deepEqual(await allTasks(USER), { tasks: [], total: 0 });
    assert.deepEqual(await allTasks(OTHER), other);

    await serveFrom('durable-object');
    assert.deepEqual(await allTasks(USER), before, 'the object serves exactly what D1 served');
    assert.deepEqual(await allTasks(OTHER), { tasks: [], total: 0 }, "the other user's tasks are not in objects");
    const refused = await api('GET', `/api/${USER}/tasks`, { token: gone });
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.json.code, 'session_revoked');
    // A task made in the object: an id no D1 task has (ids stay unique across the stores).
    const made = await api('POST', `/api/${USER}/tasks`, { token: token(USER), body: { title: 'made in the object' } });
    assert.equal(made.status, 201, made.text);
    assert.ok(made.json.id >= 2 ** 32 && !before.tasks.some((t) => t.id === made.json.id), String(made.json.id));
    const inObject = await allTasks(USER);

    const back = await move('d1');
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.json, { user: USER, from: 'durable-object', to: 'd1', tasks: TASKS + 1, left: 0 });
    assert.deepEqual(await allTasks(USER), { tasks: [], total: 0 }, 'the object holds none');

    await serveFrom('d1');
    assert.deepEqual(await allTasks(USER), inObject, 'D1 serves exactly what the object served');
    assert.deepEqual(await allTasks(OTHER), other);
    assert.equal((await api('GET', `/api/${USER}/tasks`, { token: gone })).json.code, 'session_revoked');
    // A move with nothing to move is a no-op.
    const again = await move('d1');
    assert.deepEqual(again.json, { user: USER, from: 'durable-object', to: 'd1', tasks: 0, left: 0 });
  });
});
