// Better Auth's routes: sign-up, sign-in, sign-out, sessions, and the taskgate() plugin's
// GET /api/auth/taskgate/token.
import { getAuth } from '@/lib/auth';

export const dynamic = 'force-dynamic';

export const GET = (request: Request) => getAuth().handler(request);
export const POST = (request: Request) => getAuth().handler(request);
