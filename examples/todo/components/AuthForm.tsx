'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { authClient } from '@/lib/auth-client';

type Mode = 'sign-in' | 'sign-up';

export function AuthForm({ mode, next }: { mode: Mode; next: string }) {
  const router = useRouter();
  const [error, setError] = useState('');
  const [pending, setPending] = useState(false);
  const alertRef = useRef<HTMLParagraphElement>(null);
  const signUp = mode === 'sign-up';

  // Pages send signed-out visitors here, and so do they when Better Auth's short-lived session
  // cookie cache has lapsed. Ask Better Auth itself (not the cache): if the session is alive, go
  // straight back; if it ended on the server, this also clears its cookies.
  useEffect(() => {
    if (signUp) return;
    let cancelled = false;
    authClient
      .getSession({ query: { disableCookieCache: true } })
      .then(({ data }) => {
        if (!cancelled && data?.session) router.replace(next);
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [signUp, next, router]);

  useEffect(() => {
    if (error) alertRef.current?.focus();
  }, [error]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const name = String(form.get('name') ?? '').trim();
    // The same checks as Better Auth's, said before the round trip; errors go to the alert.
    const problem =
      signUp && !name
        ? 'Please enter your name.'
        : !email
          ? 'Please enter your email address.'
          : !password
            ? 'Please enter your password.'
            : signUp && password.length < 8
              ? 'The password must be at least 8 characters.'
              : '';
    if (problem) return setError(problem);
    setPending(true);
    setError('');
    const { error: failed } = signUp
      ? await authClient.signUp.email({ name, email, password })
      : await authClient.signIn.email({ email, password });
    if (failed) {
      setPending(false);
      setError(failed.message || (signUp ? 'Sign-up failed.' : 'Sign-in failed.'));
      return;
    }
    router.replace(next);
  }

  const other = signUp ? '/login' : '/signup';
  const otherHref = next === '/tasks' ? other : `${other}?next=${encodeURIComponent(next)}`;

  return (
    <div className="auth-card">
      <h1>{signUp ? 'Create your account' : 'Sign in'}</h1>
      <form onSubmit={onSubmit} className="stack" noValidate aria-describedby={error ? 'auth-error' : undefined}>
        {signUp && (
          <div className="field">
            <label htmlFor="name">Name</label>
            <input id="name" name="name" autoComplete="name" required maxLength={100} />
          </div>
        )}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" inputMode="email" required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={signUp ? 'new-password' : 'current-password'}
            required
            minLength={signUp ? 8 : undefined}
            aria-describedby={signUp ? 'password-hint' : undefined}
          />
          {signUp && (
            <p id="password-hint" className="hint">
              At least 8 characters.
            </p>
          )}
        </div>
        {error && (
          <p id="auth-error" role="alert" className="alert" tabIndex={-1} ref={alertRef}>
            {error}
          </p>
        )}
        <button type="submit" className="button primary" disabled={pending}>
          {signUp ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p className="switch">
        {signUp ? 'Already have an account? ' : 'New here? '}
        <Link href={otherHref}>{signUp ? 'Sign in' : 'Create an account'}</Link>
      </p>
    </div>
  );
}
