// Stands in for Better Auth's handler: it must be reachable without a token.
import { headers } from 'next/headers';

export const dynamic = 'force-dynamic';

export async function GET() {
  return Response.json({ auth: 'ok', user_header: (await headers()).get('x-user-id') });
}
