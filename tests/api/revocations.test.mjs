// POST /revocations and the check of every task route (docs/contract.md section 4), against a real
// wrangler dev with local D1: a revoked session reads and writes nothing (401 session_revoked),
// other sessions and users are unaffected, the route takes only a revocation token, bad input
// stores nothing, revocations survive a restart and are purged after `until`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../lib/http.mjs';
import { now, SECRET, signRaw, token } from '../lib/tokens.mjs';
import { WorkerServer } from '../lib/worker.mjs';

const TYP = 'taskgate-revocation+jwt';
const AUD = 'taskgate:revocations';

/** A revocation token: typ, aud and a short exp, as the Better Auth plugin issues them. */
function revocationToken({ header = {}, claims = {}, secret = SECRET } = {}) {
  const payload = { aud: AUD, iat: now(), exp: now() + 60, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return signRaw(JSON.stringify({ alg: 'HS256', typ: TYP, ...header }), JSON.stringify(payload), secret);
}

let server;
before(async () => {
  server = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET } });
});
after(() => server?.stop());

const revoke = (body, tok = revocationToken(), headers = {}) =>
  call(server.url, 'POST', '/revocations', { token: tok, body, headers });
/** A user's token in session `sid`, issued at `iat`. */
const userToken = (sub, sid, iat = now()) => token(sub, { claims: { sid, iat } });
const list = (sub, tok) => call(server.url, 'GET', `/api/${sub}/tasks`, { token: tok });
const create = (sub, tok, title = 'x') =>
  call(server.url, 'POST', `/api/${sub}/tasks`, { token: tok, body: { title } });
const expectRevoked = (r, what) => {
  assert.equal(r.status, 401, `${what}: ${r.text}`);
  assert.equal(r.json.code, 'session_revoked', what);
  assert.equal(
    r.headers.get('www-authenticate'),
    'Bearer realm="tasks", error="invalid_token", error_description="session_revoked"',
  );
};

describe('a revoked session', () => {
  it('reads and writes nothing on any task route, while other sessions and users carry on', async () => {
    const [u, v] = ['rev-u1', 'rev-v1'];
    const ended = userToken(u, 'sess-ended');
    const other = userToken(u, 'sess-other');
    const stranger = userToken(v, 'sess-ended'); // another user's session with the same id string
    const task = (await create(u, ended, 'before')).json;
    assert.equal((await list(u, ended)).status, 200);
    assert.equal((await revoke({ sessions: [{ sid: 'sess-ended', sub: u, until: now() + 900 }] })).status, 204);

    expectRevoked(await list(u, ended), 'list');
    expectRevoked(await create(u, ended, 'after'), 'create');
    expectRevoked(await call(server.url, 'GET', `/api/${u}/tasks/${task.id}`, { token: ended }), 'get');
    const put = await call(server.url, 'PUT', `/api/${u}/tasks/${task.id}`, {
      token: ended,
      body: { title: 'changed' },
    });
    expectRevoked(put, 'update');
    const patch = call(server.url, 'PATCH', `/api/${u}/tasks/${task.id}/complete`, { token: ended });
    expectRevoked(await patch, 'complete');
    expectRevoked(await call(server.url, 'DELETE', `/api/${u}/tasks/${task.id}`, { token: ended }), 'delete');
    // A bad body after a revoked lookup is still the revocation (step 1 before step 5).
    const bad = await call(server.url, 'PUT', `/api/${u}/tasks/${task.id}`, { token: ended, body: { title: '' } });
    expectRevoked(bad, 'update with a bad body');

    // Nothing was written: the other session sees the one task, unchanged and not completed.
    const seen = await list(u, other);
    assert.equal(seen.status, 200);
    assert.deepEqual(
      seen.json.map((t) => [t.id, t.title, t.completed]),
      [[task.id, 'before', false]],
    );
    assert.equal((await list(v, stranger)).status, 200, 'a session id is revoked for its own user only');
  });

  it('of every session of a user: tokens issued before the moment are refused, later ones work', async () => {
    const u = 'rev-u2';
    const withSid = userToken(u, 'sess-a', now() - 5);
    const withoutSid = token(u, { claims: { iat: now() - 5 } }); // a jwt() plugin token has no sid
    const noIat = token(u, { claims: { iat: undefined } });
    const at = now();
    assert.equal((await revoke({ users: [{ sub: u, before: at, until: at + 900 }] })).status, 204);
    expectRevoked(await list(u, withSid), 'with sid');
    expectRevoked(await list(u, withoutSid), 'without sid');
    expectRevoked(await list(u, noIat), 'without iat');
    assert.equal((await list(u, userToken(u, 'sess-new', at))).status, 200, 'issued at that second, after it');
    assert.equal((await list('rev-v2', userToken('rev-v2', 'sess-a', at - 5))).status, 200, 'another user');
  });

  it('the same body twice changes nothing, and an earlier ending never shortens a later one', async () => {
    const u = 'rev-u3';
    const body = {
      sessions: [{ sid: 's3', sub: u, until: now() + 900 }],
      users: [{ sub: u, before: now() - 100, until: now() + 900 }],
    };
    assert.equal((await revoke(body)).status, 204);
    assert.equal((await revoke(body)).status, 204);
    expectRevoked(await list(u, userToken(u, 's3')), 'still revoked');
    assert.equal((await list(u, userToken(u, 's4', now() - 50))).status, 200, 'issued after the user-wide ending');
    assert.equal((await revoke({ users: [{ sub: u, before: now() - 200, until: now() + 10 }] })).status, 204);
    assert.equal((await list(u, userToken(u, 's4', now() - 150))).status, 401, 'the later ending stands');
  });
});

describe('POST /revocations takes only a revocation token', () => {
  const sid = 'abuse-sid';
  const body = { sessions: [{ sid, sub: 'abuse-u', until: now() + 900 }] };
  const untouched = async (what) =>
    assert.equal((await list('abuse-u', userToken('abuse-u', sid))).status, 200, `${what}: nothing stored`);

  it('refuses a user token, no token, and every bad revocation token (401), storing nothing', async () => {
    const cases = [
      ['a user token', userToken('abuse-u', 'x'), 'unsupported_header'],
      [
        'unsigned',
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: TYP })).toString('base64url')}.${Buffer.from(JSON.stringify({ aud: AUD, exp: now() + 30 })).toString('base64url')}.`,
        'unsupported_algorithm',
      ],
      ['expired', revocationToken({ claims: { iat: now() - 120, exp: now() - 60 } }), 'token_expired'],
      ['another audience', revocationToken({ claims: { aud: 'tasks' } }), 'invalid_audience'],
      ['living over a minute', revocationToken({ claims: { exp: now() + 3600 } }), 'invalid_claim'],
      ['without exp', revocationToken({ claims: { exp: undefined } }), 'missing_claim'],
      [
        'another secret',
        revocationToken({ secret: 'another-secret-0123456789-abcdefghijklmnop' }),
        'invalid_signature',
      ],
    ];
    for (const [what, tok, code] of cases) {
      const r = await revoke(body, tok);
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.equal(r.json.code, code, what);
    }
    const none = await call(server.url, 'POST', '/revocations', { body });
    assert.deepEqual([none.status, none.json.code], [401, 'missing_token']);
    await untouched('refused tokens');
  });

  it('a revocation token is refused as a user bearer', async () => {
    const r = await list('abuse-u', revocationToken({ claims: { sub: 'abuse-u' } }));
    assert.deepEqual([r.status, r.json.code], [401, 'unsupported_header']);
  });

  it('answers bad bodies with the right 4xx and stores nothing', async () => {
    const big = { sessions: [{ sid, sub: 'abuse-u', until: now() + 900 }], pad: 'x'.repeat(70 * 1024) };
    assert.equal((await revoke(big)).status, 413);
    const notJson = await revoke('{"sessions": [', revocationToken(), { 'Content-Type': 'application/json' });
    assert.deepEqual([notJson.status, notJson.json.code], [422, 'invalid_json']);
    const bad = await revoke({ sessions: [{ sid, sub: 'abuse-u', until: 'later' }], extra: 1 });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.code, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json.fields).sort(), ['extra', 'sessions[0].until']);
    const partly = await revoke({
      sessions: [
        { sid, sub: 'abuse-u', until: now() + 900 },
        { sid: '', sub: 'x', until: 1 },
      ],
    });
    assert.equal(partly.status, 422, 'one bad entry refuses the whole body');
    await untouched('bad bodies');
    const get = await call(server.url, 'GET', '/revocations');
    assert.deepEqual([get.status, get.headers.get('allow')], [405, 'POST, OPTIONS']);
  });
});

/** Whether this run's Worker keeps tasks (and revocations) in one Durable Object per user. */
const OBJECT_STORE = process.env.TASK_STORE === 'durable-object';

/** Polls `check` every 100 ms for up to 10 s. */
async function until(check, what) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what}: not within 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('revocations are kept', () => {
  it('across a Worker restart, and until `until`: then the scheduled purge forgets them', async () => {
    const u = 'keep-u';
    await revoke({
      sessions: [
        { sid: 'kept', sub: u, until: now() + 900 },
        { sid: 'old', sub: u, until: now() - 1 },
      ],
    });
    if (OBJECT_STORE) {
      // Each user's object forgets its own entries with an alarm set for the earliest `until`.
      await until(async () => (await list(u, userToken(u, 'old'))).status === 200, 'the alarm purged the old entry');
    } else {
      expectRevoked(await list(u, userToken(u, 'old')), 'an entry past its until still refuses until it is purged');
    }
    await server.kill();
    await server.launch();
    expectRevoked(await list(u, userToken(u, 'kept')), 'after a restart');
    const purge = await fetch(`${server.url}/__scheduled?cron=*/10+*+*+*+*`);
    await purge.arrayBuffer();
    assert.equal(purge.status, 200);
    assert.equal((await list(u, userToken(u, 'old'))).status, 200, 'purged');
    expectRevoked(await list(u, userToken(u, 'kept')), 'kept until its until');
  });
});
