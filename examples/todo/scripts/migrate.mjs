// Creates or updates Better Auth's tables in the app's SQLite database (TODO_DATABASE, default
// data/auth.sqlite), from the same options the app runs with. Idempotent.
//   npm run migrate                    (reads .env.local when the variables are not set)
//   TODO_DATABASE=/tmp/x.sqlite npm run migrate
import { existsSync } from 'node:fs';
import { getMigrations } from 'better-auth/db/migration';

if (existsSync('.env.local')) process.loadEnvFile('.env.local'); // never overrides what is set
const { authOptions, databasePath } = await import('../lib/auth-config.ts');

const options = authOptions();
const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(options);
if (toBeCreated.length === 0 && toBeAdded.length === 0) {
  console.log(`[migrate] ${databasePath()}: up to date`);
} else {
  await runMigrations();
  const tables = [...toBeCreated, ...toBeAdded].map((t) => t.table).join(', ');
  console.log(`[migrate] ${databasePath()}: created or updated ${tables}`);
}
options.database.close();
