// Every token failure answers 401 with the verifier's code and an RFC 6750 challenge; a valid
// token for another user answers 403; key rotation accepts old and new keys.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerServer } from '../lib/worker.mjs';
import { token, signRaw, b64url, now, NEW_SECRET, OLD_SECRET, SECRET } from '../lib/tokens.mjs';
import { call } from '../lib/http.mjs';

let server;
before(async () => {
  server = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRETS: `2:${NEW_SECRET},1:${OLD_SECRET}` } });
});
after(() => server?.stop());

const USER = 'auth-user';
const PATH = `/api/${USER}/tasks`;
const good = (opts = {}) => token(USER, { secret: NEW_SECRET, header: { kid: '2' }, ...opts });

async function expect401(headers, code, claim) {
  const r = await call(server.url, 'GET', PATH, { headers });
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.code, code);
  assert.equal(typeof r.json.detail, 'string');
  assert.equal(r.json.claim, claim);
  const challenge = r.headers.get('www-authenticate');
  if (code === 'missing_token') assert.equal(challenge, 'Bearer realm="tasks"');
  else assert.equal(challenge, `Bearer realm="tasks", error="invalid_token", error_description="${code}"`);
  return r;
}
const bearer = (t) => ({ Authorization: `Bearer ${t}` });

describe('401: the token is missing or unusable', () => {
  it('no Authorization header is missing_token', () => expect401({}, 'missing_token'));
  it('another scheme is missing_token', () => expect401({ Authorization: `Basic ${b64url('a:b')}` }, 'missing_token'));
  it('Bearer without a token is missing_token', () => expect401({ Authorization: 'Bearer ' }, 'missing_token'));
  it('the scheme is case-insensitive', async () => {
    const r = await call(server.url, 'GET', PATH, { headers: { Authorization: `bEaReR ${good()}` } });
    assert.equal(r.status, 200);
  });
  it('garbage is malformed_token', () => expect401(bearer('not-a-jwt'), 'malformed_token'));
  it('two segments are malformed_token', () =>
    expect401(bearer(good().split('.').slice(0, 2).join('.')), 'malformed_token'));
  it('padding is malformed_token', () => expect401(bearer(`${good()}=`), 'malformed_token'));
  it('a token over 8192 bytes is token_too_large', async () => {
    const big = good({ claims: { pad: 'x'.repeat(9000) } });
    await expect401(bearer(big), 'token_too_large');
  });
  it('a wrong secret is invalid_signature', () =>
    expect401(bearer(token(USER, { secret: SECRET })), 'invalid_signature'));
  it('a tampered payload is invalid_signature', async () => {
    const [h, , s] = good().split('.');
    const forged = b64url(JSON.stringify({ sub: USER, exp: now() + 99999 }));
    await expect401(bearer(`${h}.${forged}.${s}`), 'invalid_signature');
  });
  it('an expired token is token_expired', () =>
    expect401(bearer(good({ claims: { exp: now() - 10 } })), 'token_expired', 'exp'));
  it('alg none is unsupported_algorithm', async () => {
    const unsigned = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ sub: USER, exp: now() + 60 }))}.`;
    await expect401(bearer(unsigned), 'unsupported_algorithm');
  });
  it('HS512 is unsupported_algorithm', () =>
    expect401(bearer(good({ header: { alg: 'HS512', kid: '2' } })), 'unsupported_algorithm'));
  it('crit is unsupported_header', () =>
    expect401(bearer(good({ header: { kid: '2', crit: ['exp'] } })), 'unsupported_header'));
  it('no sub is missing_claim', () => expect401(bearer(good({ claims: { sub: undefined } })), 'missing_claim', 'sub'));
  it('no exp is missing_claim', () => expect401(bearer(good({ claims: { exp: undefined } })), 'missing_claim', 'exp'));
  it('exp as a string is invalid_claim', () =>
    expect401(bearer(good({ claims: { exp: String(now() + 60) } })), 'invalid_claim', 'exp'));
  it('a future nbf is token_not_yet_valid', () =>
    expect401(bearer(good({ claims: { nbf: now() + 120 } })), 'token_not_yet_valid', 'nbf'));
  it('a future iat is token_not_yet_valid', () =>
    expect401(bearer(good({ claims: { iat: now() + 120 } })), 'token_not_yet_valid', 'iat'));
  it('user_id different from sub is invalid_claim', () =>
    expect401(bearer(good({ claims: { user_id: 'other' } })), 'invalid_claim', 'user_id'));
  it('duplicate claims are malformed_token', async () => {
    const payload = `{"sub":"${USER}","sub":"other","exp":${now() + 60}}`;
    await expect401(bearer(signRaw('{"alg":"HS256","kid":"2"}', payload, NEW_SECRET)), 'malformed_token');
  });
});

describe('key rotation (BETTER_AUTH_SECRETS=2:new,1:old)', () => {
  it('a token signed with the new key and kid 2 is accepted', async () => {
    assert.equal((await call(server.url, 'GET', PATH, { token: good() })).status, 200);
  });
  it('a token signed with the old key and kid 1 is accepted', async () => {
    const t = token(USER, { secret: OLD_SECRET, header: { kid: '1' } });
    assert.equal((await call(server.url, 'GET', PATH, { token: t })).status, 200);
  });
  it('tokens without kid are checked against each key', async () => {
    for (const secret of [NEW_SECRET, OLD_SECRET]) {
      assert.equal((await call(server.url, 'GET', PATH, { token: token(USER, { secret }) })).status, 200);
    }
  });
  it('kid selects one key: the old key under kid 2 is invalid_signature', () =>
    expect401(bearer(token(USER, { secret: OLD_SECRET, header: { kid: '2' } })), 'invalid_signature'));
  it('a kid naming no version is invalid_signature', () =>
    expect401(bearer(token(USER, { secret: NEW_SECRET, header: { kid: '3' } })), 'invalid_signature'));
});

describe('403: a valid token for another user', () => {
  it('is forbidden with insufficient_scope, on every task route', async () => {
    const t = token('intruder', { secret: NEW_SECRET });
    for (const [method, path] of [
      ['GET', PATH],
      ['POST', PATH],
      ['GET', `${PATH}/1`],
      ['PUT', `${PATH}/1`],
      ['DELETE', `${PATH}/1`],
      ['PATCH', `${PATH}/1/complete`],
    ]) {
      const r = await call(server.url, method, path, {
        token: t,
        body: method === 'POST' || method === 'PUT' ? { title: 'x' } : undefined,
      });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json.code, 'forbidden');
      assert.equal(
        r.headers.get('www-authenticate'),
        'Bearer realm="tasks", error="insufficient_scope", error_description="forbidden"',
      );
    }
  });
  it('comes before id validation and body validation', async () => {
    const t = token('intruder', { secret: NEW_SECRET });
    assert.equal((await call(server.url, 'GET', `${PATH}/not-an-id`, { token: t })).status, 403);
    assert.equal((await call(server.url, 'POST', PATH, { token: t, body: '{bad json' })).status, 403);
  });
  it('401 comes before 403', async () => {
    const r = await call(server.url, 'GET', '/api/someone-else/tasks', { token: token('x', { secret: SECRET }) });
    assert.equal(r.status, 401);
  });
  it('a percent-encoded user id matches its decoded sub', async () => {
    const t = token('user@example.com', { secret: NEW_SECRET });
    assert.equal((await call(server.url, 'GET', '/api/user%40example.com/tasks', { token: t })).status, 200);
  });
});

describe('logs', () => {
  it('never contain a token or a secret', async () => {
    const t = good();
    await call(server.url, 'GET', PATH, { token: t });
    await call(server.url, 'GET', PATH, { token: `${t}x` });
    await new Promise((r) => setTimeout(r, 300));
    const logs = server.output;
    assert.ok(server.requestLogs().length > 10, 'request log lines are printed');
    for (const secret of [t, t.split('.')[2], NEW_SECRET, OLD_SECRET]) assert.ok(!logs.includes(secret));
  });
  it('have one JSON line per request with the route pattern and code', async () => {
    const before = server.requestLogs().length;
    await call(server.url, 'GET', `/api/${USER}/tasks/5`, {});
    await new Promise((r) => setTimeout(r, 300));
    const lines = server.requestLogs().slice(before);
    assert.equal(lines.length, 1);
    assert.deepEqual(Object.keys(lines[0]).sort(), ['code', 'duration_ms', 'method', 'route', 'status']);
    assert.equal(lines[0].route, '/api/{user_id}/tasks/{id}');
    assert.equal(lines[0].code, 'missing_token');
    assert.equal(lines[0].status, 401);
  });
});
