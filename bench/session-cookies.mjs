// Fresh session cookie cache values, one per strategy, from a real Better Auth (the npm package on
// node:sqlite, tests/lib/better-auth.mjs): a user signs up and the `better-auth.session_data` value
// it sets is kept. Used by bench/node/session-cache.mjs and bench/workerd/session-cache.mjs.
//
//   const { betterAuth, cookies } = await sessionCookies({ secret, maxAge });
//   cookies.jwe // { value, userId, madeAt (seconds) }
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CookieJar, startBetterAuth } from '../tests/lib/better-auth.mjs';

/** Better Auth's `session.cookieCache.strategy` values, in report order (`compact` is its default). */
export const STRATEGIES = ['compact', 'jwt', 'jwe'];
/** The Better Auth these cookies come from (the repository's). */
export const BETTER_AUTH_VERSION = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../node_modules/better-auth/package.json'), 'utf8'),
).version;

/**
 * One cookie per strategy, written by Better Auth with `secret`, valid for `maxAge` seconds.
 * @param {{ secret: string, maxAge?: number, name?: string }} options
 * @returns {Promise<{ betterAuth: string, cookies: Record<string, { value: string, userId: string, madeAt: number }> }>}
 */
export async function sessionCookies({ secret, maxAge = 3600, name = 'Bench User' }) {
  const cookies = {};
  for (const strategy of STRATEGIES) {
    const ba = await startBetterAuth({ secret, session: { cookieCache: { enabled: true, maxAge, strategy } } });
    try {
      const madeAt = Math.floor(Date.now() / 1000);
      const up = await ba.signUp({ email: `bench-${strategy}@example.com`, password: 'a-long-password-123', name });
      const value = new CookieJar(up.setCookies).get('better-auth.session_data');
      if (!value) throw new Error(`${strategy}: Better Auth set no better-auth.session_data cookie`);
      cookies[strategy] = { value, userId: up.user.id, madeAt };
    } finally {
      await ba.close();
    }
  }
  return { betterAuth: BETTER_AUTH_VERSION, cookies };
}
