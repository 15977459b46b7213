// Better Auth's configuration, shared by the app (lib/auth.ts) and the migration script
// (scripts/migrate.mjs, which Node runs directly: so this file imports only packages and uses
// only erasable TypeScript syntax).
//
// Environment:
//   BETTER_AUTH_SECRET         the secret (>= 32 bytes) the TaskGate Worker shares: signs the
//                              session cookies and the TaskGate tokens
//   BETTER_AUTH_URL            the app's origin, e.g. http://127.0.0.1:3000
//   TODO_DATABASE              the SQLite file (default data/auth.sqlite, under the app)
//   TASKGATE_TOKEN_EXPIRES_IN  the API token's lifetime in seconds (default 900)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { BetterAuthOptions } from 'better-auth';
import { taskgate } from 'taskgate-verify/better-auth';

/** The SQLite file Better Auth keeps its users and sessions in. */
export function databasePath(): string {
  // turbopackIgnore: a path chosen at run time; the bundler must not trace the project for it.
  return path.resolve(/* turbopackIgnore: true */ process.env.TODO_DATABASE || path.join('data', 'auth.sqlite'));
}

/** Opens (and creates) the database with Node 22's built-in SQLite: no native module to build. */
export function openDatabase(file: string = databasePath()): DatabaseSync {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  return db;
}

/** TASKGATE_TOKEN_EXPIRES_IN, whole seconds (default 900). */
export function tokenLifetime(): number {
  const raw = process.env.TASKGATE_TOKEN_EXPIRES_IN?.trim();
  if (!raw) return 900;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`TASKGATE_TOKEN_EXPIRES_IN must be a whole number of seconds, got ${JSON.stringify(raw)}`);
  }
  return seconds;
}

export function authOptions(database: DatabaseSync = openDatabase()) {
  return {
    database,
    // Read from the environment by Better Auth too; written out here so that it is plain which
    // secret signs what. Never sent to the browser: this module runs on the server only.
    secret: process.env.BETTER_AUTH_SECRET,
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
    session: {
      // The session cookie cache (`better-auth.session_data`) in Better Auth's default strategy,
      // `compact` (signed base64url JSON): proxy.ts verifies it with taskgate-verify/next, so page
      // requests need no database read. `strategy: 'jwt'` or `'jwe'` work too (docs/session-cache.md):
      // tell the proxy which (`createProxy({ sessionCache })`).
      cookieCache: { enabled: true, maxAge: 300 },
    },
    plugins: [
      // GET /api/auth/taskgate/token -> { token, expiresAt }: the bearer token the browser sends
      // to the task API. Minted from the session in the database, so a session ended on the
      // server mints no more tokens.
      taskgate({ expiresIn: tokenLifetime() }),
    ],
    telemetry: { enabled: false },
  } satisfies BetterAuthOptions;
}
