// The checks of Better Auth's session cookie cache that the package must pass on every platform
// (tests/workerd, tests/browser): groups of `authorize` inputs with the verdict each must get, over
// cookies a real Better Auth 1.7.25 wrote (crate-verify/tests/vectors).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './worker.mjs';

// Cookies a real Better Auth 1.7.25 wrote, in each of its session cookie cache strategies.
export const sessionVectors = JSON.parse(
  readFileSync(path.join(ROOT, 'crate-verify/tests/vectors/better-auth-session-cache.json'), 'utf8'),
);

/**
 * For every vector case, groups of `authorize` inputs sharing one verifier (`keys`, `options`),
 * each input with its label and the verdict it must get (only the fields named are compared).
 */
export function sessionCacheChecks({ cases, secrets }) {
  const keysOf = (ring) => (ring.includes(':') ? { secrets: ring } : ring);
  const tamper = (s) => {
    const i = s.length >> 1;
    return `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
  };
  const refused = (status, code, claim) => ({ ok: false, status, ...(code && { code }), ...(claim && { claim }) });
  const groups = [];
  for (const c of cases) {
    const keys = keysOf(c.ring);
    const options = { sessionCache: c.strategy, sessionCacheVersion: c.version ?? undefined, now: c.madeAt };
    const accepted = { ok: true, userId: c.userId, sessionToken: '[redacted]' };
    const cookie = c.cookieHeader;
    const group = (what, keys, options, checks) =>
      groups.push({
        keys,
        options,
        checks: checks.map(([label, input, want]) => [`${c.name}: ${what}: ${label}`, input, want]),
      });
    group('its ring', keys, options, [
      ['the cookie', { cookie }, accepted],
      ['tampered', { cookie: `better-auth.session_data=${tamper(c.value)}` }, refused(401)],
      [
        'a POST without Origin',
        { cookie, method: 'POST', ownOrigin: 'https://api.example' },
        refused(403, 'origin_not_allowed'),
      ],
      [
        'a POST from its own origin',
        { cookie, method: 'POST', origin: 'https://api.example', ownOrigin: 'https://api.example' },
        accepted,
      ],
    ]);
    group('the rotated ring', { secrets: secrets.ring }, options, [['the cookie', { cookie }, accepted]]);
    if (!c.ring.includes(':'))
      group('another secret', secrets.new, options, [['the cookie', { cookie }, refused(401, 'invalid_signature')]]);
    for (const strategy of ['compact', 'jwt', 'jwe'].filter((s) => s !== c.strategy))
      group(`read as ${strategy}`, keys, { ...options, sessionCache: strategy }, [
        ['the cookie', { cookie }, refused(401)],
      ]);
    group('another version', keys, { ...options, sessionCacheVersion: 'v9' }, [
      ['the cookie', { cookie }, refused(401, 'invalid_claim', 'version')],
    ]);
  }
  return groups;
}

/** Every check whose answer differs in a field it names: `label: got {...}, want {...}`. */
export function sessionCacheFailures(groups, answers) {
  return groups.flatMap((g, i) =>
    g.checks.flatMap(([label, , want], j) => {
      const got = Object.fromEntries(Object.keys(want).map((k) => [k, answers[i]?.[j]?.[k]]));
      return JSON.stringify(got) === JSON.stringify(want)
        ? []
        : [`${label}: got ${JSON.stringify(answers[i]?.[j])}, want ${JSON.stringify(want)}`];
    }),
  );
}
