import { headers } from 'next/headers';

export const dynamic = 'force-dynamic';

async function answer(ctx: { params: Promise<{ user: string }> }) {
  const { user } = await ctx.params;
  const verified = (await headers()).get('x-user-id');
  return Response.json({ path_user: user, verified_user: verified === null ? null : decodeURIComponent(verified) });
}

export async function GET(_req: Request, ctx: { params: Promise<{ user: string }> }) {
  return answer(ctx);
}

export async function POST(_req: Request, ctx: { params: Promise<{ user: string }> }) {
  return answer(ctx);
}
