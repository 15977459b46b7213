// Next.js 16 proxy (Node.js runtime): every page under /tasks needs a signed-in user.
//
// It verifies Better Auth's session cookie cache (`better-auth.session_data`, enabled in
// lib/auth-config.ts in Better Auth's default strategy, `compact`) with BETTER_AUTH_SECRET, in
// Wasm, without a database read.
// Signed out (or an expired cache): a redirect to /login?next=<path>; the login page sends a
// user whose session is still alive straight back. Better Auth's own routes (/api/auth/*) are
// not matched here and would pass through untouched anyway.
import { createProxy } from 'taskgate-verify/next';

export const proxy = createProxy({ sessionCache: 'compact', loginPath: '/login' });

export const config = { matcher: ['/tasks', '/tasks/:path*'] };
