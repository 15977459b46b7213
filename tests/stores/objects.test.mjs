// The object store (TASK_STORE=durable-object) under a real wrangler dev, read back from the
// storage files themselves: a request refused for its token (401) or its user (403) reaches no
// object; each user's tasks are in that user's object alone (one object per user, none holding
// another user's task); D1 holds no task; the id allocator gave one block per user.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { call } from '../lib/http.mjs';
import { SECRET, token } from '../lib/tokens.mjs';
import { WorkerServer } from '../lib/worker.mjs';

let server;
before(async () => {
  server = await WorkerServer.start({
    secrets: { BETTER_AUTH_SECRET: SECRET },
    vars: { TASK_STORE: 'durable-object' },
  });
});
after(() => server?.stop());

/** Every SQLite file under `dir` of local state (not miniflare's own metadata), by name. */
const files = (dir) =>
  readdirSync(path.join(server.state, 'v3', dir))
    .filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
    .map((f) => path.join(server.state, 'v3', dir, f));
const objects = () => files('do/taskgate-UserTasks');

/** Runs `query` on each file (wrangler stopped: the files are whole). */
function read(file, query) {
  const db = new DatabaseSync(file);
  try {
    return db.prepare(query).all();
  } finally {
    db.close();
  }
}

const USERS = ['ann', 'bo', 'cy', 'di', 'ed'];

describe('one Durable Object per user', () => {
  it('a refused request reaches no object', async () => {
    const before = objects().length;
    for (const [method, p, tok] of [
      ['GET', '/api/ghost/tasks', undefined],
      ['GET', '/api/ghost/tasks', 'not.a.token'],
      ['GET', '/api/ghost/tasks', token('ghost', { secret: 'another-secret-0123456789-abcdefghijklmn' })],
      ['POST', '/api/ghost/tasks', token('someone-else')],
      ['DELETE', '/api/ghost/tasks/1', token('someone-else')],
    ]) {
      const r = await call(server.url, method, p, { token: tok, body: method === 'POST' ? { title: 'x' } : undefined });
      assert.ok([401, 403].includes(r.status), `${method} ${p}: ${r.status}`);
    }
    assert.equal(objects().length, before, 'no object was created for a refused request');
  });

  it("each user's tasks are in that user's object alone; D1 holds none", async () => {
    await Promise.all(
      USERS.flatMap((u) =>
        [1, 2, 3].map(async (i) => {
          const r = await call(server.url, 'POST', `/api/${u}/tasks`, {
            token: token(u),
            body: { title: `${u} ${i}` },
          });
          assert.equal(r.status, 201, r.text);
        }),
      ),
    );
    await server.kill();
    const owners = new Map();
    let blocks = null;
    for (const file of objects()) {
      const meta = Object.fromEntries(
        read(file, 'SELECT key, value FROM taskgate_object').map((r) => [r.key, r.value]),
      );
      if (meta.next_block) blocks = meta.next_block;
      const tasks = read(file, 'SELECT user_id, title FROM tasks');
      if (!meta.owner) {
        assert.deepEqual(tasks, [], 'an object that holds no user holds no task');
        continue;
      }
      assert.ok(!owners.has(meta.owner), `two objects for ${meta.owner}`);
      owners.set(meta.owner, tasks);
    }
    assert.deepEqual([...owners.keys()].sort(), USERS, 'one object per user who was served, and none for ghost');
    for (const [owner, tasks] of owners) {
      assert.deepEqual(
        tasks.map((t) => t.user_id),
        [owner, owner, owner],
        owner,
      );
      assert.deepEqual(
        tasks.map((t) => t.title).sort(),
        [1, 2, 3].map((i) => `${owner} ${i}`),
      );
    }
    assert.equal(Number(blocks), 2 ** 12 + USERS.length, 'the allocator gave one block per user');
    const [d1] = files('d1/miniflare-D1DatabaseObject');
    assert.equal(read(d1, 'SELECT count(*) AS n FROM tasks')[0].n, 0, 'D1 holds no task');
    await server.launch();
  });
});
