// The signed-in user, for server components (the pages under /tasks).
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from './auth';

/**
 * The session's user, or a redirect to /login?next=<here>. proxy.ts has already let only
 * signed-in requests through; this reads the same session (Better Auth's cookie cache) for the
 * user's id and name, and guards the page even if the proxy's matcher missed it.
 */
export async function requireUser(here: string) {
  const requestHeaders = await headers(); // first: during `next build` this ends the attempt to prerender
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  if (!session) redirect(`/login?next=${encodeURIComponent(here)}`);
  const { id, name, email } = session.user;
  return { id, name, email };
}
