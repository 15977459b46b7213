// Bad input never gives a 5xx, a hang or lost data; routes, methods, CORS, health and the
// OpenAPI document answer as the contract says.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { WorkerServer } from '../lib/worker.mjs';
import { token, SECRET } from '../lib/tokens.mjs';
import { call, client } from '../lib/http.mjs';

let server;
let api;
const USER = 'robust-user';
const BASE = `/api/${USER}/tasks`;
before(async () => {
  server = await WorkerServer.start({
    secrets: { BETTER_AUTH_SECRET: SECRET },
    vars: { CORS_ORIGINS: 'http://localhost:3000, https://app.example' },
  });
  api = client(server.url, token(USER));
});
after(() => server?.stop());

describe('bodies', () => {
  it('a body over 64 KiB is 413', async () => {
    const r = await api.post(BASE, { title: 'big', description: 'x'.repeat(70 * 1024) });
    assert.equal(r.status, 413);
    assert.equal(r.json.code, 'payload_too_large');
  });
  it('a body of exactly 64 KiB is read (and then validated)', async () => {
    const body = JSON.stringify({ title: 'edge', description: 'x' });
    const padded = `${body.slice(0, -1)}${' '.repeat(64 * 1024 - body.length)}}`;
    assert.equal(Buffer.byteLength(padded), 64 * 1024);
    const r = await api.post(BASE, padded, { headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 201, r.text);
  });
  it('a chunked body over 64 KiB without Content-Length is 413', async () => {
    // The Worker answers as soon as the limit is passed, without reading the rest: the upload may
    // then be cut off (EPIPE), which fetch reports as a failure. node:http lets the answer be read
    // whatever happens to the rest of the upload.
    const status = await new Promise((resolve, reject) => {
      const req = httpRequest(
        server.url + BASE,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token(USER)}`,
            'Content-Type': 'application/json',
            'Transfer-Encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', (e) => setTimeout(() => reject(e), 2000)); // an error after the answer is expected
      (async () => {
        for (let i = 0; i < 80 && !req.destroyed; i++) {
          if (!req.write('x'.repeat(1024))) await new Promise((r) => req.once('drain', r).once('close', r));
        }
        req.end();
      })();
    });
    assert.equal(status, 413);
  });
  it('a non-JSON Content-Type is 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await api.post(BASE, '{"title":"x"}', { headers: { 'Content-Type': type } });
      assert.equal(r.status, 415, type);
      assert.equal(r.json.code, 'unsupported_media_type');
    }
  });
  it('JSON without a Content-Type is accepted; application/json with charset too', async () => {
    // A Buffer body makes fetch send no Content-Type at all (a string would be text/plain).
    assert.equal((await api.post(BASE, Buffer.from('{"title":"no type"}'))).status, 201);
    assert.equal(
      (await api.post(BASE, '{"title":"charset"}', { headers: { 'Content-Type': 'application/json; charset=utf-8' } }))
        .status,
      201,
    );
  });
  it('deeply nested JSON is 422 invalid_json', async () => {
    const r = await api.post(BASE, `{"title":"x","description":${'['.repeat(5000)}${']'.repeat(5000)}}`, {
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.code, 'invalid_json');
  });
  it('huge JSON arrays are refused by size or rule, never 5xx', async () => {
    const r = await api.post(BASE, { title: 'x', tags: Array.from({ length: 5000 }, (_, i) => `t${i}`) });
    assert.ok([413, 422].includes(r.status), String(r.status));
  });
  it('invalid UTF-8 is 422 invalid_json', async () => {
    const r = await api.post(
      BASE,
      Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      { headers: { 'Content-Type': 'application/json' } },
    );
    assert.equal(r.status, 422);
  });
  it('a repeated name in a body is 422 naming the field, also when spelled with escapes', async () => {
    const json = { headers: { 'Content-Type': 'application/json' } };
    for (const body of ['{"title":"a","title":"b"}', '{"title":"a","t\\u0069tle":"b"}']) {
      const r = await api.post(BASE, body, json);
      assert.equal(r.status, 422, body);
      assert.equal(r.json.code, 'validation_failed');
      assert.deepEqual(Object.keys(r.json.fields), ['title']);
    }
    const created = await api.post(BASE, { title: 'once' });
    const id = created.json.id;
    const put = await api.put(`${BASE}/${id}`, '{"priority":"low","priority":"high"}', json);
    assert.deepEqual([put.status, Object.keys(put.json.fields ?? {})], [422, ['priority']]);
    const patch = await api.patch(`${BASE}/${id}/complete`, '{"completed":true,"completed":false}', json);
    assert.deepEqual([patch.status, Object.keys(patch.json.fields ?? {})], [422, ['completed']]);
    assert.equal((await api.get(`${BASE}/${id}`)).json.priority, 'medium', 'nothing was changed');
  });
  it('unicode and SQL-looking strings are stored and returned verbatim', async () => {
    const samples = [
      "Robert'); DROP TABLE tasks;--",
      '" OR 1=1 --',
      '🙂 emoji, 漢字, عربى, \u202e RTL',
      'tab\tnew\nline \\ backslash %_ wildcard',
      'ｆｕｌｌ　ｗｉｄｔｈ',
    ];
    for (const s of samples) {
      const r = await api.post(BASE, { title: s.slice(0, 200), description: s, tags: [s.slice(0, 30)] });
      assert.equal(r.status, 201, r.text);
      const back = await api.get(`${BASE}/${r.json.id}`);
      assert.equal(back.json.description, s);
      assert.equal(back.json.title, s.slice(0, 200).trim());
      assert.deepEqual(back.json.tags, [s.slice(0, 30)]);
    }
    const still = await api.get(`${BASE}?q=${encodeURIComponent("'); DROP")}`);
    assert.equal(still.status, 200);
    assert.equal(still.json.length, 1);
  });
  it('a search for LIKE wildcards is literal', async () => {
    const r = await api.get(`${BASE}?q=${encodeURIComponent('%_')}`);
    assert.equal(r.status, 200);
    assert.ok(r.json.length >= 1 && r.json.every((t) => (t.title + t.description).includes('%_')));
  });
});

describe('tokens and headers', () => {
  it('a huge token is 401 token_too_large', async () => {
    const r = await call(server.url, 'GET', BASE, { token: 'a'.repeat(60_000) });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'token_too_large');
  });
  it('a huge unrelated header does not break the API', async () => {
    const r = await call(server.url, 'GET', BASE, { token: token(USER), headers: { 'X-Junk': 'j'.repeat(30_000) } });
    assert.ok(r.status < 500, String(r.status));
  });
  it('binary garbage as a token is 401 malformed_token', async () => {
    const r = await call(server.url, 'GET', BASE, { headers: { Authorization: 'Bearer \u00ff\u00fe.\u00e9.x' } });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'malformed_token');
  });
});

describe('routes and methods', () => {
  it('unknown routes are 404 not_found (JSON)', async () => {
    for (const p of ['/api', '/api/u/task', '/api/u/tasks/1/x', '/nope', `${BASE}/`]) {
      const r = await call(server.url, 'GET', p);
      assert.equal(r.status, 404, p);
      assert.equal(r.json.code, 'not_found');
    }
  });
  it('/ serves the token inspector page (static assets), not the API', async () => {
    const r = await call(server.url, 'GET', '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.text, /TaskGate token inspector/);
  });
  it('a known route with another method is 405 with Allow', async () => {
    for (const [m, p, allow] of [
      ['DELETE', BASE, 'GET, POST, OPTIONS'],
      ['POST', `${BASE}/1`, 'GET, PUT, DELETE, OPTIONS'],
      ['GET', `${BASE}/1/complete`, 'PATCH, OPTIONS'],
      ['POST', '/health', 'GET, OPTIONS'],
    ]) {
      const r = await call(server.url, m, p, { token: token(USER) });
      assert.equal(r.status, 405, `${m} ${p}`);
      assert.equal(r.headers.get('allow'), allow);
      assert.equal(r.json.code, 'method_not_allowed');
    }
  });
  it('an unknown method is never served as GET', async () => {
    // workerd answers 501 itself; the Worker also matches the raw method, not a GET default.
    const r = await call(server.url, 'FOO', BASE, { token: token(USER) });
    assert.notEqual(r.status, 200);
    assert.ok(!r.text.startsWith('['));
  });
  it('GET /health is 200 {"status":"ok"} without auth', async () => {
    const r = await call(server.url, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
  });
  it('GET /openapi.json is an OpenAPI 3.1 document describing every route', async () => {
    const r = await call(server.url, 'GET', '/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /application\/json/);
    const doc = r.json;
    assert.match(doc.openapi, /^3\.1\./);
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/admin/moves',
      '/api/{user_id}/tasks',
      '/api/{user_id}/tasks/{id}',
      '/api/{user_id}/tasks/{id}/complete',
      '/health',
      '/openapi.json',
      '/revocations',
    ]);
    assert.deepEqual(
      Object.keys(doc.paths['/api/{user_id}/tasks'])
        .filter((k) => k !== 'parameters')
        .sort(),
      ['get', 'post'],
    );
    assert.deepEqual(
      Object.keys(doc.paths['/api/{user_id}/tasks/{id}'])
        .filter((k) => k !== 'parameters')
        .sort(),
      ['delete', 'get', 'put'],
    );
    assert.ok(doc.components.securitySchemes.bearerAuth);
    const text = JSON.stringify(doc);
    for (const code of [
      'missing_token',
      'token_expired',
      'forbidden',
      'not_found',
      'validation_failed',
      'invalid_json',
      'payload_too_large',
      'invalid_query',
      'invalid_id',
    ]) {
      assert.ok(text.includes(code), code);
    }
  });
  it('every response carries nosniff and no-store', async () => {
    const r = await call(server.url, 'GET', '/health');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });
});

describe('CORS', () => {
  it('a listed origin gets Access-Control-Allow-Origin and exposed headers', async () => {
    const r = await call(server.url, 'GET', BASE, { token: token(USER), headers: { Origin: 'https://app.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(r.headers.get('access-control-expose-headers'), /X-Total-Count/);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
    assert.match(r.headers.get('vary'), /Origin/);
  });
  it('an unlisted origin gets no CORS headers', async () => {
    const r = await call(server.url, 'GET', BASE, { token: token(USER), headers: { Origin: 'https://evil.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });
  it('errors carry CORS headers too, so browsers can read them', async () => {
    const r = await call(server.url, 'GET', BASE, { headers: { Origin: 'http://localhost:3000' } });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  });
  it('preflight answers 204 with methods and Authorization, Content-Type', async () => {
    const r = await call(server.url, 'OPTIONS', `${BASE}/1`, {
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(r.headers.get('access-control-allow-methods'), 'GET, PUT, DELETE, OPTIONS');
    assert.equal(r.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
  });
  it('preflight from an unlisted origin gets no grant', async () => {
    const r = await call(server.url, 'OPTIONS', BASE, {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('access-control-allow-methods'), null);
  });
});

describe('no 5xx for anything above', () => {
  it('the request log shows no 5xx', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const fives = server.requestLogs().filter((l) => l.status >= 500);
    assert.deepEqual(fives, []);
  });
});
