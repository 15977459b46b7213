// Records Better Auth's session cookie cache in each strategy as test vectors for the crate
// (better-auth-session-cache.json, read by crate-verify/tests/session_cache.rs): a real Better Auth
// (the npm package, on SQLite) signs a user up and its Set-Cookie lines are kept as they are.
//
//   node crate-verify/tests/vectors/better-auth-session-cache.mjs   (from the repository's root)
//
// Cases: each strategy (`compact` as Better Auth's default, the strategy left unset), from a single
// secret and from a rotated ring, for a user large enough that Better Auth splits the cookie into
// chunks, and with `cookieCache.version` set.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startBetterAuth } from '../../../tests/lib/better-auth.mjs';

const OLD = 'an-old-better-auth-secret-of-32-bytes-or-more';
const NEW = 'the-new-better-auth-secret-of-32-bytes-or-more';
const OUT = path.join(import.meta.dirname, 'better-auth-session-cache.json');

/** One case: Better Auth started with `config`, a user signed up, the cookie cache recorded. */
async function record({ name, strategy, secret, secrets, version, userName = 'Vector User' }) {
  const cookieCache = {
    enabled: true,
    maxAge: 300,
    ...(strategy ? { strategy } : {}),
    ...(version ? { version } : {}),
  };
  const ba = await startBetterAuth({ secret, secrets, session: { cookieCache } });
  try {
    const { setCookies, cookies, user } = await ba.signUp({
      email: `${name}@example.com`,
      password: 'a-password-for-vectors',
      name: userName,
    });
    const parts = setCookies
      .map((line) => line.split(';')[0])
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
      .filter(([n]) => n.startsWith('better-auth.session_data'));
    const chunks = parts.filter(([n]) => n !== 'better-auth.session_data');
    const whole = parts.find(([n]) => n === 'better-auth.session_data');
    const sorted = chunks.sort((a, b) => Number(a[0].split('.').pop()) - Number(b[0].split('.').pop()));
    const value = whole ? whole[1] : sorted.map(([, v]) => v).join('');
    const session = await ba.auth.api.getSession({ headers: new Headers({ cookie: cookies }) });
    return {
      name,
      strategy: strategy ?? 'compact',
      ring: secrets ? secrets.map((s) => `${s.version}:${s.value}`).join(',') : secret,
      version: version ?? null,
      cookieHeader: parts.map((p) => p.join('=')).join('; '),
      value,
      chunks: whole ? 0 : sorted.length,
      userId: user.id,
      sessionId: session.session.id,
      sessionToken: session.session.token,
      madeAt: Math.floor(Date.now() / 1000),
    };
  } finally {
    await ba.close();
  }
}

const ring = [
  { version: 2, value: NEW },
  { version: 1, value: OLD },
];
const cases = [];
for (const strategy of [undefined, 'jwt', 'jwe']) {
  const label = strategy ?? 'default';
  cases.push(await record({ name: `${label}-old`, strategy, secret: OLD }));
  cases.push(await record({ name: `${label}-ring`, strategy, secrets: ring }));
  cases.push(await record({ name: `${label}-large`, strategy, secret: OLD, userName: 'L'.repeat(5000) }));
  cases.push(await record({ name: `${label}-version`, strategy, secret: OLD, version: 'v2' }));
}
const vectors = {
  source: 'better-auth session cookie cache, recorded by better-auth-session-cache.mjs',
  betterAuth: JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../../../node_modules/better-auth/package.json'), 'utf8'),
  ).version,
  secrets: { old: OLD, new: NEW, ring: `2:${NEW},1:${OLD}` },
  cases,
};
writeFileSync(OUT, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`${cases.length} cases -> ${path.relative(process.cwd(), OUT)}`);
