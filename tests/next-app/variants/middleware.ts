// Next.js middleware.ts: the Edge runtime (deprecated in Next 16, still supported).
import { createProxy } from 'taskgate-verify/next';

export const middleware = createProxy({ cookie: 'session_token', sessionCache: true, loginPath: '/login' });

export const config = { matcher: ['/dashboard/:path*', '/api/:path*'] };
