'use client';

import { useState } from 'react';
import { authClient } from '@/lib/auth-client';

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState('');
  return (
    <>
      <button
        type="button"
        className="button secondary"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          setError('');
          const { error: failed } = await authClient.signOut();
          if (failed) {
            setPending(false);
            setError(failed.message ?? 'Sign-out failed. Try again.');
            return;
          }
          // A full load: nothing of this user stays in memory.
          window.location.assign('/login');
        }}>
        Sign out
      </button>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
    </>
  );
}
