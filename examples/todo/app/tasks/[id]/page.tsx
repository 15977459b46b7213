import type { Metadata } from 'next';
import { AppHeader } from '@/components/AppHeader';
import { TaskDetail } from '@/components/TaskDetail';
import { requireUser } from '@/lib/session';

export const metadata: Metadata = { title: 'Task' };

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/tasks/${id}`);
  return (
    <>
      <AppHeader user={user} />
      <main id="main" className="wrap narrow">
        <TaskDetail userId={user.id} taskId={id} />
      </main>
    </>
  );
}
