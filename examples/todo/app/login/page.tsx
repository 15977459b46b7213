import type { Metadata } from 'next';
import { AppHeader } from '@/components/AppHeader';
import { AuthForm } from '@/components/AuthForm';
import { safeNext } from '@/lib/safe-next';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  return (
    <>
      <AppHeader />
      <main id="main" className="wrap narrow">
        <AuthForm mode="sign-in" next={safeNext(next)} />
      </main>
    </>
  );
}
