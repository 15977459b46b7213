import type { Metadata } from 'next';
import { AppHeader } from '@/components/AppHeader';
import { TaskBoard } from '@/components/TaskBoard';
import { requireUser } from '@/lib/session';

export const metadata: Metadata = { title: 'Tasks' };

export default async function TasksPage() {
  const user = await requireUser('/tasks');
  return (
    <>
      <AppHeader user={user} />
      <main id="main" className="wrap">
        <TaskBoard userId={user.id} />
      </main>
    </>
  );
}
