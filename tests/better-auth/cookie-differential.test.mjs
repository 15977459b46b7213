// Differential, property-based: the same session cookie cache values through Better Auth's own
// `getCookieCache` (better-auth/cookies) and through TaskGate's default package entry
// (`authorize` with `sessionCache`) give the same verdict, for each strategy: valid, tampered
// (a character changed, cut, or added), expired and wrong-version values, at the same clock
// (node:test's mocked Date for Better Auth, the verifier's `now` for TaskGate).
//
// Where the two may differ, by design (docs/session-cache.md): TaskGate accepts base64url only in
// its canonical form, so a changed character that leaves the decoded bytes as they were (the
// spare low bits of a last character) is refused by TaskGate alone; and both clocks' edges are
// left out: Better Auth compares milliseconds (and jose allows `jwe` 15 s past `exp`), TaskGate
// whole seconds with no leeway by default.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { logger } from '@better-auth/core/env';
import { getCookieCache } from 'better-auth/cookies';
import fc from 'fast-check';
import { createVerifier } from '../../pkg/dist/node.js';
import { CookieJar, startBetterAuth } from '../lib/better-auth.mjs';

const SECRET = 'differential-secret-0123456789-abcdefghijkl';
const MAX_AGE = 300;
const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 1500);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

/** Real cookies per strategy: `{ value, madeAt (ms), version }`, minted by a real Better Auth. */
const minted = {};
const auths = [];

// Better Auth logs each value it cannot parse; thousands of tampered values would bury the report.
const { error: logError, warn: logWarn } = logger;
after(() => Object.assign(logger, { error: logError, warn: logWarn }));

before(async () => {
  Object.assign(logger, { error: () => {}, warn: () => {} });
  for (const strategy of ['compact', 'jwt', 'jwe']) {
    minted[strategy] = [];
    for (const version of [undefined, 'v2']) {
      const cookieCache = { enabled: true, maxAge: MAX_AGE, strategy, ...(version ? { version } : {}) };
      const ba = await startBetterAuth({ secret: SECRET, session: { cookieCache } });
      auths.push(ba);
      for (const name of ['Ada', 'Grace Hopper']) {
        const madeAt = Date.now();
        const up = await ba.signUp({
          email: `${strategy}-${version}-${name.length}@example.com`,
          password: 'a-long-password-123',
          name,
        });
        const value = new CookieJar(up.setCookies).get('better-auth.session_data');
        assert.ok(value, `${strategy}: Better Auth set the cache cookie`);
        minted[strategy].push({ value, madeAt, version, userId: up.user.id });
      }
    }
  }
});
after(() => Promise.all(auths.map((a) => a.close())));

/** How a value is changed: none, a character replaced, the value cut, or a character added. */
const mutation = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('replace'), at: fc.nat(), by: fc.nat(ALPHABET.length - 1) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('cut'), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('add'), at: fc.nat(), by: fc.nat(ALPHABET.length - 1) }), weight: 1 },
);

function mutate(value, m) {
  if (m.kind === 'none') return value;
  const at = m.at % value.length;
  if (m.kind === 'cut') return value.slice(0, at);
  const c = ALPHABET[m.by];
  return m.kind === 'replace' ? value.slice(0, at) + c + value.slice(at + 1) : value.slice(0, at) + c + value.slice(at);
}

/** Whether every base64url part of `value` is canonical (re-encoding its bytes gives it back). */
const canonical = (value) =>
  value.split('.').every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);

/**
 * Better Auth's verdict at `ms`: the user id, or null. A throw counts as a refusal: its
 * `compact` decoding throws on a character outside base64 ("Invalid Base64 character") where
 * the other strategies answer null (TaskGate answers `malformed_token`).
 */
async function betterAuthVerdict(value, strategy, version, ms) {
  mock.timers.enable({ apis: ['Date'], now: ms });
  try {
    const headers = new Headers({ cookie: `better-auth.session_data=${value}` });
    const config = { secret: SECRET, strategy, isSecure: false, ...(version ? { version } : {}) };
    const payload = await getCookieCache(headers, config).catch(() => null);
    return payload?.session?.userId ?? null;
  } finally {
    mock.timers.reset();
  }
}

/** TaskGate's verdict at `ms`: the user id, or the error code. */
function taskgateVerdict(value, strategy, version, ms) {
  const v = createVerifier(SECRET, {
    sessionCache: strategy,
    sessionCacheVersion: version,
    now: Math.floor(ms / 1000),
  });
  try {
    const r = v.authorize({ cookie: `better-auth.session_data=${value}` });
    return r.ok ? { user: r.verified.userId } : { code: r.error.code };
  } finally {
    v.free();
  }
}

describe("TaskGate and Better Auth's getCookieCache agree", () => {
  for (const strategy of ['compact', 'jwt', 'jwe']) {
    it(`${strategy}: valid, tampered, expired and wrong-version values (${RUNS} cases)`, async () => {
      let accepted = 0;
      let stricter = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.nat(minted[strategy].length - 1),
          mutation,
          // Seconds after the cookie was made: within its life, or well after it.
          fc.oneof(fc.integer({ min: 0, max: MAX_AGE - 2 }), fc.integer({ min: MAX_AGE + 17, max: MAX_AGE + 3600 })),
          fc.constantFrom(undefined, '1', 'v2', 'v3'),
          async (which, m, after, version) => {
            const cookie = minted[strategy][which];
            const value = mutate(cookie.value, m);
            fc.pre(value.length > 0);
            const ms = cookie.madeAt + 1000 + after * 1000; // a second in: the minting second is behind both clocks
            const theirs = await betterAuthVerdict(value, strategy, version, ms);
            const ours = taskgateVerdict(value, strategy, version, ms);
            if (theirs !== null && ours.user === undefined && !canonical(value)) {
              // Documented strictness: a non-canonical spelling of the same bytes.
              assert.equal(ours.code, 'malformed_token');
              stricter++;
              return;
            }
            assert.equal(
              ours.user ?? null,
              theirs,
              `${m.kind} at ${after} s, version ${version}: ${JSON.stringify(ours)}`,
            );
            if (theirs !== null) accepted++;
          },
        ),
        { numRuns: RUNS, seed: Number(process.env.DIFFERENTIAL_SEED ?? 20261202) },
      );
      // The property saw both verdicts.
      assert.ok(accepted > RUNS / 20 && accepted < RUNS, `accepted ${accepted} of ${RUNS} (${stricter} non-canonical)`);
    });
  }
});
