import { headers } from 'next/headers';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ user: string }> }) {
  const { user } = await ctx.params;
  return Response.json({ path_user: user, verified_user: (await headers()).get('x-user-id') });
}
