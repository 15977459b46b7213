// Next.js 16 proxy.ts: always the Node.js runtime.
import { createProxy } from 'taskgate-verify/next';

export const proxy = createProxy({ cookie: 'session_token', sessionCache: true, loginPath: '/login' });

export const config = { matcher: ['/dashboard/:path*', '/api/:path*'] };
