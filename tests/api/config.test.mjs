// A missing or weak secret, or an unknown store: 500 server_misconfigured on every task route, one clear log
// line, and never the secret in a response or a log.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerServer } from '../lib/worker.mjs';
import { token } from '../lib/tokens.mjs';
import { call } from '../lib/http.mjs';

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));

async function misconfigured(opts, reason, secret) {
  const server = await WorkerServer.start(opts);
  servers.push(server);
  for (const [m, p] of [
    ['GET', '/api/u/tasks'],
    ['POST', '/api/u/tasks'],
    ['GET', '/api/u/tasks/1'],
    ['PATCH', '/api/u/tasks/1/complete'],
  ]) {
    const r = await call(server.url, m, p, { token: token('u'), body: m === 'POST' ? { title: 'x' } : undefined });
    assert.equal(r.status, 500, `${m} ${p}`);
    assert.equal(r.json.code, 'server_misconfigured');
    if (secret) assert.ok(!r.text.includes(secret));
  }
  const health = await call(server.url, 'GET', '/health');
  assert.equal(health.status, 503);
  assert.equal(health.json.code, 'server_misconfigured');
  // wrangler passes the Worker's log on when it can: on a busy machine, later than the responses.
  const lines = () => server.output.split('\n').filter((l) => l.includes('"event":"config"'));
  for (const deadline = Date.now() + 10_000; lines().length === 0 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300)); // and no second line comes
  const configLines = lines();
  assert.equal(configLines.length, 1, 'one log line about the configuration');
  assert.ok(configLines[0].includes(reason), configLines[0]);
  if (secret) assert.ok(!server.output.includes(secret));
}

describe('server_misconfigured', () => {
  it('no secret at all', () => misconfigured({}, 'BETTER_AUTH_SECRET is not set'));
  it('a secret under 32 bytes', () =>
    misconfigured(
      { secrets: { BETTER_AUTH_SECRET: 'too-short-secret-31-bytes-long!' } },
      'shorter than 32 bytes',
      'too-short-secret-31-bytes-long!',
    ));
  it('a ring that cannot be parsed', () =>
    misconfigured(
      { secrets: { BETTER_AUTH_SECRETS: 'no-version-separator-in-this-secret-value' } },
      'BETTER_AUTH_SECRETS cannot be parsed',
      'no-version-separator-in-this-secret-value',
    ));
  it('a leeway over 300 s', () =>
    misconfigured(
      {
        secrets: { BETTER_AUTH_SECRET: 'a-perfectly-fine-secret-of-more-than-32-bytes' },
        vars: { JWT_LEEWAY_SECONDS: '301' },
      },
      'JWT_LEEWAY_SECONDS',
    ));
  it('a TASK_STORE that names no store', () =>
    misconfigured(
      { secrets: { BETTER_AUTH_SECRET: 'a-perfectly-fine-secret-of-more-than-32-bytes' }, vars: { TASK_STORE: 'kv' } },
      'TASK_STORE must be one of: d1, durable-object',
    ));
});

describe('issuer, audience and leeway from vars', () => {
  it('are enforced by the Worker', async () => {
    const secret = 'a-perfectly-fine-secret-of-more-than-32-bytes';
    const server = await WorkerServer.start({
      secrets: { BETTER_AUTH_SECRET: secret },
      vars: { JWT_ISSUER: 'https://app.example', JWT_AUDIENCE: 'tasks', JWT_LEEWAY_SECONDS: '60' },
    });
    servers.push(server);
    const t = (claims) => token('u', { secret, claims });
    const get = async (tok) => (await call(server.url, 'GET', '/api/u/tasks', { token: tok })).json?.code ?? 'ok';
    assert.equal(await get(t({ iss: 'https://app.example', aud: ['x', 'tasks'] })), 'ok');
    assert.equal(await get(t({ iss: 'https://evil.example', aud: 'tasks' })), 'invalid_issuer');
    assert.equal(await get(t({ iss: 'https://app.example' })), 'invalid_audience');
    const now = Math.floor(Date.now() / 1000);
    assert.equal(
      await get(t({ iss: 'https://app.example', aud: 'tasks', exp: now - 30 })),
      'ok',
      'inside the 60 s leeway',
    );
    assert.equal(await get(t({ iss: 'https://app.example', aud: 'tasks', exp: now - 90 })), 'token_expired');
  });
});
