// Users never see, change, delete or learn the ids of each other's tasks; many clients at once
// lose nothing; data survives a restart of wrangler dev.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerServer } from '../lib/worker.mjs';
import { token, SECRET } from '../lib/tokens.mjs';
import { client } from '../lib/http.mjs';

let server;
before(async () => {
  server = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET } });
});
after(() => server?.stop());

describe('isolation between users', () => {
  let a, b, taskB;
  before(async () => {
    a = client(server.url, token('alice'));
    b = client(server.url, token('bob'));
    taskB = (await b.post('/api/bob/tasks', { title: 'Bob private', tags: ['secret'] })).json;
    await a.post('/api/alice/tasks', { title: 'Alice own' });
  });

  it("A's list never contains B's tasks, whatever the filters", async () => {
    for (const q of ['', '?status=all', '?q=Bob', '?tag=secret', '?limit=200']) {
      const r = await a.get(`/api/alice/tasks${q}`);
      assert.equal(r.status, 200);
      assert.ok(
        r.json.every((t) => t.user_id === 'alice'),
        q,
      );
      assert.ok(!r.text.includes('Bob private'), q);
    }
  });
  it("A cannot read B's list: 403 before anything", async () => {
    const r = await a.get('/api/bob/tasks');
    assert.equal(r.status, 403);
    assert.ok(!r.text.includes('Bob private'));
  });
  it("A addressing B's task under A's own path gets 404, exactly as for an id that does not exist", async () => {
    const theirs = await a.get(`/api/alice/tasks/${taskB.id}`);
    const none = await a.get('/api/alice/tasks/987654321');
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.json, none.json);
    for (const [call, none2] of [
      [
        () => a.put(`/api/alice/tasks/${taskB.id}`, { title: 'hijack' }),
        () => a.put('/api/alice/tasks/987654321', { title: 'hijack' }),
      ],
      [
        () => a.put(`/api/alice/tasks/${taskB.id}`, { title: '' }),
        () => a.put('/api/alice/tasks/987654321', { title: '' }),
      ],
      [() => a.patch(`/api/alice/tasks/${taskB.id}/complete`), () => a.patch('/api/alice/tasks/987654321/complete')],
      [() => a.del(`/api/alice/tasks/${taskB.id}`), () => a.del('/api/alice/tasks/987654321')],
    ]) {
      const x = await call();
      const y = await none2();
      assert.equal(x.status, 404);
      assert.deepEqual([x.status, x.json], [y.status, y.json]);
    }
  });
  it("A addressing B's task under B's path gets 403 (not 404): ids are not revealed", async () => {
    for (const r of [
      await a.get(`/api/bob/tasks/${taskB.id}`),
      await a.get('/api/bob/tasks/987654321'),
      await a.del(`/api/bob/tasks/${taskB.id}`),
    ])
      assert.equal(r.status, 403);
  });
  it("B's task is untouched after all of A's attempts", async () => {
    const r = await b.get(`/api/bob/tasks/${taskB.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, taskB);
  });
});

describe('concurrency', () => {
  it('many clients creating and toggling at once lose nothing and leak nothing', async () => {
    const users = Array.from({ length: 6 }, (_, i) => `conc-${i}-${Date.now()}`);
    const clients = users.map((u) => client(server.url, token(u)));
    const PER_USER = 25;
    // Each user creates PER_USER tasks, all users at once.
    const created = await Promise.all(
      clients.map((c, i) =>
        Promise.all(
          Array.from({ length: PER_USER }, (_, n) => c.post(`/api/${users[i]}/tasks`, { title: `${users[i]} #${n}` })),
        ),
      ),
    );
    for (const rs of created) for (const r of rs) assert.equal(r.status, 201, r.text);
    // Every task is toggled 3 times concurrently (odd: ends completed), all users at once.
    await Promise.all(
      created.flatMap((rs, i) =>
        rs.flatMap((r) =>
          Array.from({ length: 3 }, () =>
            clients[i]
              .patch(`/api/${users[i]}/tasks/${r.json.id}/complete`)
              .then((x) => assert.equal(x.status, 200, x.text)),
          ),
        ),
      ),
    );
    for (const [i, c] of clients.entries()) {
      const all = await c.get(`/api/${users[i]}/tasks?limit=200`);
      assert.equal(all.headers.get('x-total-count'), String(PER_USER));
      assert.equal(all.json.length, PER_USER);
      assert.ok(all.json.every((t) => t.user_id === users[i] && t.title.startsWith(users[i])));
      assert.ok(
        all.json.every((t) => t.completed === true),
        'three toggles leave every task completed',
      );
      const ids = new Set(all.json.map((t) => t.id));
      assert.equal(ids.size, PER_USER);
    }
  });
});

describe('persistence', () => {
  it('data survives a restart of wrangler dev', async () => {
    const c = client(server.url, token('persist-user'));
    const t = (await c.post('/api/persist-user/tasks', { title: 'Survive', tags: ['restart'] })).json;
    await server.restart();
    const again = client(server.url, token('persist-user'));
    const r = await again.get(`/api/persist-user/tasks/${t.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, t);
  });
});
