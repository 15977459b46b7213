// createApiFetch sends the bearer token only to the API's origin (issue 19, finding 7): every path is
// resolved as the URL parser (and so fetch) reads it, and one that leaves the origin is refused with
// a TypeError before anything is sent. In Node, with a stand-in auth client, a recording fetch and,
// for the no-baseURL cases, a fake `location`.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiFetch } from 'taskgate-verify/better-auth/client';

const TOKEN = 'header.payload.signature';
const authClient = { taskgate: { token: async () => TOKEN, clear() {} } };

/** A fetch that records what it was given and answers 200. */
function recorder() {
  const sent = [];
  const fetch = async (input, init) => {
    sent.push({ url: String(input), authorization: new Headers(init.headers).get('authorization') });
    return new Response('{}', { status: 200 });
  };
  return { fetch, sent };
}

const saved = Object.getOwnPropertyDescriptor(globalThis, 'location');
const setLocation = (origin) =>
  Object.defineProperty(globalThis, 'location', {
    configurable: true,
    value: { origin, pathname: '/tasks', search: '', assign() {} },
  });
afterEach(() => {
  if (saved) Object.defineProperty(globalThis, 'location', saved);
  else delete globalThis.location;
});

// Each of these leaves the origin once parsed as a URL (the first five were seen in the review).
const LEAVING = [
  '/\\evil.example/x',
  '\\\\evil.example/x',
  '/\t/evil.example/x',
  ' //evil.example/x',
  '//evil.example/x',
  '\\/evil.example/x',
  '/\\/evil.example/x',
  '///evil.example/x',
  '\t//evil.example/x',
  '\n//evil.example/x',
  '/\n/evil.example/x',
  '/\r/evil.example/x',
  '  \\\\evil.example/x',
  '\u0000//evil.example/x',
  '//api.example@evil.example/x',
  '//evil.example:443/x',
  '//EVIL.example/x',
  'https://evil.example/x',
  'HTTPS://EVIL.EXAMPLE/x',
  'https:\\\\evil.example/x',
  ' https://evil.example/x',
  'https://api.example@evil.example/x',
  'https://api.example.evil.example/x',
  'https://api.example:8443/x',
  'http://api.example/x',
  'wss://api.example/x',
  'javascript:alert(document.cookie)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'data:text/plain,x',
  'blob:https://api.example/0e6f',
  'file:///etc/passwd',
  'mailto:a@evil.example',
];

// Percent-encoded separators are not separators: these stay at the API's origin (sent there, or refused).
const ENCODED = [
  '/%2F%2Fevil.example/x',
  '%2F%2Fevil.example/x',
  '/%5Cevil.example/x',
  '%5C%5Cevil.example/x',
  '/%09/evil.example/x',
  '/%2F/evil.example/x',
  '/%252F%252Fevil.example/x',
  '%2f%2fevil.example/x',
  '/.%2E/.%2E//evil.example/x',
];

const refused = (e) => e instanceof TypeError && /the token goes only to the API/.test(e.message);

describe('createApiFetch: the token goes only to the API origin', () => {
  for (const [label, options, before] of [
    ['with baseURL', { baseURL: 'https://api.example' }, () => {}],
    ['with a baseURL that has a path prefix', { baseURL: 'https://api.example/v1/' }, () => {}],
    ['without baseURL (the page origin, a fake location)', {}, () => setLocation('https://api.example')],
    ['with a relative baseURL on a page', { baseURL: '/v1' }, () => setLocation('https://api.example')],
  ]) {
    describe(label, () => {
      it('refuses every path that leaves the origin, with a TypeError, sending nothing', async () => {
        before();
        const r = recorder();
        const apiFetch = createApiFetch({ ...options, authClient, fetch: r.fetch, onUnauthorized() {} });
        for (const path of LEAVING) {
          await assert.rejects(apiFetch(path), refused, `not refused: ${JSON.stringify(path)}`);
        }
        assert.deepEqual(r.sent, []);
      });

      it('sends encoded variants only to the API origin', async () => {
        before();
        const r = recorder();
        const apiFetch = createApiFetch({ ...options, authClient, fetch: r.fetch, onUnauthorized() {} });
        for (const path of ENCODED) {
          try {
            await apiFetch(path);
          } catch (e) {
            assert.ok(refused(e), `${JSON.stringify(path)}: ${e}`);
          }
        }
        assert.ok(r.sent.length > 0);
        for (const s of r.sent) assert.equal(new URL(s.url).origin, 'https://api.example', s.url);
      });
    });
  }

  it('without baseURL: legitimate relative paths go to the page origin, with the token', async () => {
    setLocation('https://app.example');
    const r = recorder();
    const apiFetch = createApiFetch({ authClient, fetch: r.fetch });
    assert.equal((await apiFetch('/api/u1/tasks?x=1')).status, 200);
    assert.equal((await apiFetch('api/u1/tasks')).status, 200);
    assert.equal((await apiFetch('https://app.example/api/u1/tasks/7')).status, 200);
    assert.deepEqual(
      r.sent.map((s) => s.url),
      [
        'https://app.example/api/u1/tasks?x=1',
        'https://app.example/api/u1/tasks',
        'https://app.example/api/u1/tasks/7',
      ],
    );
    assert.ok(r.sent.every((s) => s.authorization === `Bearer ${TOKEN}`));
  });

  it('with baseURL: relative paths are joined to it (its path prefix kept); absolute URLs at its origin pass', async () => {
    const r = recorder();
    const prefixed = createApiFetch({ baseURL: 'https://api.example/v1', authClient, fetch: r.fetch });
    await prefixed('/api/u1/tasks?x=1');
    await prefixed('api/u1/tasks');
    const plain = createApiFetch({ baseURL: 'https://api.example/', authClient, fetch: r.fetch });
    await plain('/api/u1/tasks?x=1');
    await plain('https://api.example/api/u1/tasks');
    assert.deepEqual(
      r.sent.map((s) => s.url),
      [
        'https://api.example/v1/api/u1/tasks?x=1',
        'https://api.example/v1/api/u1/tasks',
        'https://api.example/api/u1/tasks?x=1',
        'https://api.example/api/u1/tasks',
      ],
    );
  });

  it('a page elsewhere does not widen the origin: with baseURL, the page origin is refused', async () => {
    setLocation('https://app.example');
    const r = recorder();
    const apiFetch = createApiFetch({ baseURL: 'https://api.example', authClient, fetch: r.fetch });
    await assert.rejects(apiFetch('https://app.example/api/u1/tasks'), refused);
    assert.deepEqual(r.sent, []);
  });

  it('without baseURL and without a page (Node, server rendering): refused, nothing sent', async () => {
    delete globalThis.location;
    const r = recorder();
    const apiFetch = createApiFetch({ authClient, fetch: r.fetch });
    await assert.rejects(apiFetch('/api/u1/tasks'), (e) => e instanceof TypeError && /baseURL/.test(e.message));
    setLocation('null'); // an opaque origin (a sandboxed frame, file:)
    await assert.rejects(apiFetch('/api/u1/tasks'), TypeError);
    assert.deepEqual(r.sent, []);
  });

  it('the token is not even asked for when the path is refused', async () => {
    let asked = 0;
    const client = {
      taskgate: {
        token: async () => {
          asked += 1;
          return TOKEN;
        },
        clear() {},
      },
    };
    const r = recorder();
    const apiFetch = createApiFetch({ baseURL: 'https://api.example', authClient: client, fetch: r.fetch });
    await assert.rejects(apiFetch('//evil.example/x'), refused);
    assert.equal(asked, 0);
  });
});
