// Every task route of the contract: CRUD round trips, each validation limit at its edges,
// filters, sorts, search and pagination.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerServer } from '../lib/worker.mjs';
import { token, SECRET } from '../lib/tokens.mjs';
import { client } from '../lib/http.mjs';

let server;
let api;
const USER = 'tasks-user';
const BASE = `/api/${USER}/tasks`;
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

before(async () => {
  server = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET } });
  api = client(server.url, token(USER));
});
after(() => server?.stop());

/** A client for a user of its own, so tests that count tasks do not see each other's. */
const fresh = (name) => {
  const user = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  return { user, base: `/api/${user}/tasks`, api: client(server.url, token(user)) };
};

describe('create and read', () => {
  it('POST creates a task with defaults, 201 and Location', async () => {
    const r = await api.post(BASE, { title: '  Buy milk  ' });
    assert.equal(r.status, 201, r.text);
    const t = r.json;
    assert.equal(r.headers.get('location'), `${BASE}/${t.id}`);
    assert.equal(t.title, 'Buy milk');
    assert.equal(t.user_id, USER);
    assert.deepEqual(
      { description: t.description, completed: t.completed, priority: t.priority, due_date: t.due_date, tags: t.tags },
      { description: null, completed: false, priority: 'medium', due_date: null, tags: [] },
    );
    assert.ok(Number.isInteger(t.id) && t.id > 0);
    assert.match(t.created_at, RFC3339_MS);
    assert.equal(t.created_at, t.updated_at);
    assert.deepEqual(Object.keys(t).sort(), [
      'completed',
      'created_at',
      'description',
      'due_date',
      'id',
      'priority',
      'tags',
      'title',
      'updated_at',
      'user_id',
    ]);
  });
  it('POST accepts every optional field', async () => {
    const body = {
      title: 'Full',
      description: 'All fields',
      completed: true,
      priority: 'high',
      due_date: '2027-02-28',
      tags: ['work', 'urgent'],
    };
    const r = await api.post(BASE, body);
    assert.equal(r.status, 201, r.text);
    for (const [k, v] of Object.entries(body)) assert.deepEqual(r.json[k], v, k);
  });
  it('GET by id returns the same task', async () => {
    const created = (await api.post(BASE, { title: 'Read me', tags: ['x'] })).json;
    const r = await api.get(`${BASE}/${created.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, created);
  });
  it('user_id in the body is ignored: the token decides', async () => {
    const r = await api.post(BASE, { title: 'Mine', user_id: 'someone-else' });
    assert.equal(r.status, 201);
    assert.equal(r.json.user_id, USER);
  });
  it('GET of a task that does not exist is 404 not_found', async () => {
    const r = await api.get(`${BASE}/999999`);
    assert.equal(r.status, 404);
    assert.equal(r.json.code, 'not_found');
  });
  it('a malformed id is 422 invalid_id', async () => {
    for (const id of ['abc', '0', '-1', '1.5', '01', '1e3']) {
      const r = await api.get(`${BASE}/${id}`);
      assert.equal(r.status, 422, id);
      assert.equal(r.json.code, 'invalid_id');
    }
  });
  it('an id too large to exist is 404', async () => {
    assert.equal((await api.get(`${BASE}/99999999999999999999`)).status, 404);
  });
});

describe('update, complete, delete', () => {
  it('PUT changes only the given fields and advances updated_at', async () => {
    const t = (await api.post(BASE, { title: 'Before', description: 'keep me', tags: ['a'] })).json;
    const r = await api.put(`${BASE}/${t.id}`, { title: 'After', priority: 'low' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.title, 'After');
    assert.equal(r.json.priority, 'low');
    assert.equal(r.json.description, 'keep me');
    assert.deepEqual(r.json.tags, ['a']);
    assert.equal(r.json.created_at, t.created_at);
    assert.ok(r.json.updated_at > t.updated_at, `${r.json.updated_at} > ${t.updated_at}`);
  });
  it('updated_at advances on every change, even within one millisecond', async () => {
    const t = (await api.post(BASE, { title: 'Fast' })).json;
    let last = t.updated_at;
    for (let i = 0; i < 5; i++) {
      const r = await api.put(`${BASE}/${t.id}`, { title: `Fast ${i}` });
      assert.ok(r.json.updated_at > last, `${r.json.updated_at} > ${last}`);
      last = r.json.updated_at;
    }
  });
  it('PUT can clear description and due_date with null', async () => {
    const t = (await api.post(BASE, { title: 'Clear', description: 'd', due_date: '2030-01-01' })).json;
    const r = await api.put(`${BASE}/${t.id}`, { description: null, due_date: null });
    assert.equal(r.json.description, null);
    assert.equal(r.json.due_date, null);
  });
  it('PUT with an empty body object is 422', async () => {
    const t = (await api.post(BASE, { title: 'Empty put' })).json;
    const r = await api.put(`${BASE}/${t.id}`, {});
    assert.equal(r.status, 422);
    assert.equal(r.json.code, 'validation_failed');
  });
  it('PUT of a missing task is 404 even with a bad body (404 before body validation)', async () => {
    assert.equal((await api.put(`${BASE}/999999`, { title: '' })).status, 404);
    assert.equal(
      (await api.put(`${BASE}/999999`, '{not json', { headers: { 'Content-Type': 'application/json' } })).status,
      404,
    );
    assert.equal((await api.put(`${BASE}/999999`, { title: 'ok' })).status, 404);
  });
  it('PATCH complete without a body toggles', async () => {
    const t = (await api.post(BASE, { title: 'Toggle' })).json;
    const a = await api.patch(`${BASE}/${t.id}/complete`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.completed, true);
    const b = await api.patch(`${BASE}/${t.id}/complete`);
    assert.equal(b.json.completed, false);
    assert.ok(b.json.updated_at > a.json.updated_at);
  });
  it('PATCH complete with {"completed": bool} sets it', async () => {
    const t = (await api.post(BASE, { title: 'Set' })).json;
    for (const want of [true, true, false]) {
      const r = await api.patch(`${BASE}/${t.id}/complete`, { completed: want });
      assert.equal(r.json.completed, want);
    }
  });
  it('PATCH complete with a bad body is 422, and 404 for a missing task', async () => {
    const t = (await api.post(BASE, { title: 'Bad patch' })).json;
    const r = await api.patch(`${BASE}/${t.id}/complete`, { completed: 'yes' });
    assert.equal(r.status, 422);
    assert.deepEqual(Object.keys(r.json.fields), ['completed']);
    assert.equal((await api.patch(`${BASE}/999999/complete`, { completed: 'yes' })).status, 404);
    assert.equal((await api.patch(`${BASE}/999999/complete`)).status, 404);
  });
  it('DELETE answers 204 with an empty body, then the task is gone', async () => {
    const t = (await api.post(BASE, { title: 'Delete me' })).json;
    const r = await api.del(`${BASE}/${t.id}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal((await api.get(`${BASE}/${t.id}`)).status, 404);
    assert.equal((await api.del(`${BASE}/${t.id}`)).status, 404);
  });
});

describe('validation limits', () => {
  const fieldsOf = async (body) => {
    const r = await api.post(BASE, body);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.code, 'validation_failed');
    return Object.keys(r.json.fields);
  };
  it('title: 200 characters pass, 201 fail', async () => {
    assert.equal((await api.post(BASE, { title: 'a'.repeat(200) })).status, 201);
    assert.equal((await api.post(BASE, { title: 'é'.repeat(200) })).status, 201);
    assert.deepEqual(await fieldsOf({ title: 'a'.repeat(201) }), ['title']);
  });
  it('title: trimmed before counting; whitespace-only and missing are invalid', async () => {
    assert.equal((await api.post(BASE, { title: `  ${'a'.repeat(200)}  ` })).status, 201);
    assert.deepEqual(await fieldsOf({ title: '   ' }), ['title']);
    assert.deepEqual(await fieldsOf({ description: 'no title' }), ['title']);
    assert.deepEqual(await fieldsOf({ title: 7 }), ['title']);
  });
  it('description: 1000 characters pass, 1001 fail', async () => {
    assert.equal((await api.post(BASE, { title: 'd', description: 'x'.repeat(1000) })).status, 201);
    assert.deepEqual(await fieldsOf({ title: 'd', description: 'x'.repeat(1001) }), ['description']);
  });
  it('tags: 10 pass, 11 fail; 30 characters pass, 31 fail; no duplicates; no empty tag', async () => {
    const tags = (n) => Array.from({ length: n }, (_, i) => `t${i}`);
    assert.equal((await api.post(BASE, { title: 't', tags: tags(10) })).status, 201);
    assert.deepEqual(await fieldsOf({ title: 't', tags: tags(11) }), ['tags']);
    assert.equal((await api.post(BASE, { title: 't', tags: ['x'.repeat(30)] })).status, 201);
    assert.deepEqual(await fieldsOf({ title: 't', tags: ['x'.repeat(31)] }), ['tags']);
    assert.deepEqual(await fieldsOf({ title: 't', tags: ['a', 'a'] }), ['tags']);
    assert.deepEqual(await fieldsOf({ title: 't', tags: [''] }), ['tags']);
    assert.deepEqual(await fieldsOf({ title: 't', tags: 'a' }), ['tags']);
  });
  it('priority is low, medium or high', async () => {
    for (const p of ['low', 'medium', 'high'])
      assert.equal((await api.post(BASE, { title: 'p', priority: p })).status, 201);
    assert.deepEqual(await fieldsOf({ title: 'p', priority: 'urgent' }), ['priority']);
  });
  it('due_date is a real calendar date or null', async () => {
    assert.equal((await api.post(BASE, { title: 'd', due_date: '2028-02-29' })).status, 201);
    assert.equal((await api.post(BASE, { title: 'd', due_date: null })).status, 201);
    for (const d of ['2027-02-29', '2027-13-01', '2027-1-1', '2027-01-01T00:00:00Z', 20270101]) {
      assert.deepEqual(await fieldsOf({ title: 'd', due_date: d }), ['due_date'], String(d));
    }
  });
  it('completed is a boolean', async () => {
    assert.deepEqual(await fieldsOf({ title: 'c', completed: 'true' }), ['completed']);
  });
  it('unknown fields are 422, and every bad field is named at once', async () => {
    assert.deepEqual(await fieldsOf({ title: 'u', owner: 'me' }), ['owner']);
    assert.deepEqual(await fieldsOf({ title: '', priority: 'x', extra: 1 }), ['extra', 'priority', 'title']);
  });
  it('a body that is not JSON is 422 invalid_json', async () => {
    const r = await api.post(BASE, '{"title": "x"', { headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 422);
    assert.equal(r.json.code, 'invalid_json');
  });
  it('a JSON body that is not an object is 422 validation_failed', async () => {
    const r = await api.post(BASE, '["title"]', { headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 422);
    assert.equal(r.json.code, 'validation_failed');
  });
});

describe('listing', () => {
  let u;
  before(async () => {
    u = fresh('list');
    const specs = [
      { title: 'Alpha report', priority: 'high', due_date: '2027-03-01', tags: ['work'] },
      { title: 'beta groceries', description: 'Milk and CAFÉ beans', priority: 'low', tags: ['home', 'shop'] },
      { title: 'Gamma taxes', priority: 'medium', due_date: '2027-01-15', tags: ['home'], completed: true },
      { title: 'delta call', priority: 'high', completed: true },
      { title: 'Epsilon café visit', priority: 'low', due_date: '2027-02-01' },
    ];
    for (const s of specs) assert.equal((await u.api.post(u.base, s)).status, 201);
  });
  const titles = async (query) => {
    const r = await u.api.get(`${u.base}${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json.map((t) => t.title.split(' ')[0]);
  };
  it('default: newest first, with X-Total-Count', async () => {
    const r = await u.api.get(u.base);
    assert.equal(r.headers.get('x-total-count'), '5');
    assert.equal(r.headers.get('link'), null);
    assert.deepEqual(
      r.json.map((t) => t.title.split(' ')[0]),
      ['Epsilon', 'delta', 'Gamma', 'beta', 'Alpha'],
    );
  });
  it('status=pending|completed|all', async () => {
    assert.deepEqual(await titles('?status=pending'), ['Epsilon', 'beta', 'Alpha']);
    assert.deepEqual(await titles('?status=completed'), ['delta', 'Gamma']);
    assert.equal((await titles('?status=all')).length, 5);
  });
  it('sort=title is case-insensitive, both orders', async () => {
    assert.deepEqual(await titles('?sort=title&order=asc'), ['Alpha', 'beta', 'delta', 'Epsilon', 'Gamma']);
    assert.deepEqual(await titles('?sort=title&order=desc'), ['Gamma', 'Epsilon', 'delta', 'beta', 'Alpha']);
  });
  it('sort=created&order=asc is oldest first', async () => {
    assert.deepEqual(await titles('?sort=created&order=asc'), ['Alpha', 'beta', 'Gamma', 'delta', 'Epsilon']);
  });
  it('sort=due_date puts tasks without a date last in both orders (ties by id, same order)', async () => {
    assert.deepEqual(await titles('?sort=due_date&order=asc'), ['Gamma', 'Epsilon', 'Alpha', 'beta', 'delta']);
    assert.deepEqual(await titles('?sort=due_date&order=desc'), ['Alpha', 'Epsilon', 'Gamma', 'delta', 'beta']);
  });
  it('sort=priority orders high > medium > low, ties by id', async () => {
    assert.deepEqual(await titles('?sort=priority&order=desc'), ['delta', 'Alpha', 'Gamma', 'Epsilon', 'beta']);
    assert.deepEqual(await titles('?sort=priority&order=asc'), ['beta', 'Epsilon', 'Gamma', 'Alpha', 'delta']);
  });
  it('sort=updated follows the last change', async () => {
    const all = (await u.api.get(`${u.base}?sort=title&order=asc`)).json;
    await u.api.put(`${u.base}/${all[0].id}`, { description: 'touched' });
    assert.equal((await titles('?sort=updated'))[0], 'Alpha');
  });
  it('q searches title and description, case-insensitively (Unicode too)', async () => {
    assert.deepEqual(await titles('?q=ALPHA'), ['Alpha']);
    assert.deepEqual(await titles('?q=milk'), ['beta']);
    assert.deepEqual(await titles('?q=caf%C3%89&sort=title&order=asc'), ['beta', 'Epsilon']);
    assert.deepEqual(await titles('?q=nothing-matches'), []);
    assert.deepEqual(await titles('?q=%25'), []);
  });
  it('priority and tag filters combine', async () => {
    assert.deepEqual(await titles('?priority=high&sort=title&order=asc'), ['Alpha', 'delta']);
    assert.deepEqual(await titles('?tag=home&sort=title&order=asc'), ['beta', 'Gamma']);
    assert.deepEqual(await titles('?tag=home&status=pending'), ['beta']);
    assert.deepEqual(await titles('?tag=hom'), []);
  });
  it('limit and offset page through, with X-Total-Count and Link rel=next', async () => {
    const p1 = await u.api.get(`${u.base}?sort=title&order=asc&limit=2`);
    assert.deepEqual(
      p1.json.map((t) => t.title.split(' ')[0]),
      ['Alpha', 'beta'],
    );
    assert.equal(p1.headers.get('x-total-count'), '5');
    const link = p1.headers.get('link');
    assert.match(
      link,
      /^<http:\/\/127\.0\.0\.1:\d+\/api\/list-[a-z0-9]+\/tasks\?sort=title&order=asc&limit=2&offset=2>; rel="next"$/,
    );
    const next = link.slice(1, link.indexOf('>'));
    const p2 = await u.api.get(next.slice(server.url.length));
    assert.deepEqual(
      p2.json.map((t) => t.title.split(' ')[0]),
      ['delta', 'Epsilon'],
    );
    const p3 = await u.api.get(`${u.base}?sort=title&order=asc&limit=2&offset=4`);
    assert.deepEqual(
      p3.json.map((t) => t.title.split(' ')[0]),
      ['Gamma'],
    );
    assert.equal(p3.headers.get('link'), null);
    const beyond = await u.api.get(`${u.base}?offset=50`);
    assert.deepEqual(beyond.json, []);
    assert.equal(beyond.headers.get('x-total-count'), '5');
  });
  it('X-Total-Count counts the filtered set', async () => {
    const r = await u.api.get(`${u.base}?status=completed&limit=1`);
    assert.equal(r.json.length, 1);
    assert.equal(r.headers.get('x-total-count'), '2');
    assert.ok(r.headers.get('link').includes('status=completed'));
  });
  it('limit is 1..200 (default 50)', async () => {
    const v = fresh('limit');
    for (let i = 0; i < 55; i++) await v.api.post(v.base, { title: `t${i}` });
    assert.equal((await v.api.get(v.base)).json.length, 50);
    assert.equal((await v.api.get(`${v.base}?limit=200`)).json.length, 55);
    assert.equal((await v.api.get(`${v.base}?limit=1`)).json.length, 1);
    for (const bad of ['0', '201', '-1', 'ten', '2.5']) {
      const r = await v.api.get(`${v.base}?limit=${bad}`);
      assert.equal(r.status, 422, bad);
      assert.equal(r.json.code, 'invalid_query');
      assert.deepEqual(Object.keys(r.json.fields), ['limit']);
    }
  });
  it('bad query values are 422 invalid_query naming each one', async () => {
    const r = await u.api.get(`${u.base}?status=done&sort=name&order=up&priority=x&offset=-3&tag=`);
    assert.equal(r.status, 422);
    assert.equal(r.json.code, 'invalid_query');
    assert.deepEqual(Object.keys(r.json.fields), ['offset', 'order', 'priority', 'sort', 'status', 'tag']);
  });
});
