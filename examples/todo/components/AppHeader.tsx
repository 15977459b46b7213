import Link from 'next/link';
import { SignOutButton } from './SignOutButton';

export function AppHeader({ user }: { user?: { name: string; email: string } }) {
  return (
    <header className="topbar">
      <div className="wrap topbar-inner">
        <Link href={user ? '/tasks' : '/login'} className="brand">
          <span aria-hidden="true" className="brand-mark">
            ✓
          </span>
          {' Todo'}
        </Link>
        {user && (
          <div className="account">
            <span className="who" title={user.email}>
              {user.name || user.email}
            </span>
            <SignOutButton />
          </div>
        )}
      </div>
    </header>
  );
}
