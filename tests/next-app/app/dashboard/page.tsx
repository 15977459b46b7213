import { headers } from 'next/headers';

export const dynamic = 'force-dynamic';

export default async function Dashboard() {
  const user = decodeURIComponent((await headers()).get('x-user-id') ?? '');
  return <main id="user">dashboard of {user}</main>;
}
