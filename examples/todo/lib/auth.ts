// The app's Better Auth instance (server only). Created on first use, not at import: `next
// build` imports route modules, and must neither open the database nor need the secret.
import { betterAuth } from 'better-auth';
import { authOptions } from './auth-config';

const create = () => betterAuth(authOptions());
type Auth = ReturnType<typeof create>;

// One instance per server process (kept across hot reloads in `next dev`).
const holder = globalThis as typeof globalThis & { __todoAuth?: Auth };

export function getAuth(): Auth {
  holder.__todoAuth ??= create();
  return holder.__todoAuth;
}
