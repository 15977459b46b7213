'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, messageOf, tasksApi, type Task, type TaskInput } from '@/lib/tasks';
import { TaskItem } from './TaskItem';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * One task, by id, from the URL (/tasks/<id>). The API answers 404 for a task that does not
 * exist and for one that belongs to someone else alike: both read "Task not found".
 */
export function TaskDetail({ userId, taskId }: { userId: string; taskId: string }) {
  const api = useMemo(() => tasksApi(userId), [userId]);
  const router = useRouter();
  const [task, setTask] = useState<Task | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'missing' | 'error'>('loading');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    if (!/^[1-9][0-9]{0,15}$/.test(taskId)) {
      setState('missing');
      return;
    }
    api.get(taskId).then(
      (t) => {
        if (live) {
          setTask(t);
          setState('ready');
        }
      },
      (e) => {
        if (!live) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 422)) setState('missing');
        else {
          setError(messageOf(e));
          setState('error');
        }
      },
    );
    return () => {
      live = false;
    };
  }, [api, taskId]);

  async function act(work: () => Promise<void>) {
    setBusy(true);
    try {
      await work();
      setError('');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p className="back">
        <Link href="/tasks">← All tasks</Link>
      </p>
      <p role="status" className="notice" aria-live="polite">
        {notice}
      </p>
      {state === 'loading' && <p className="summary">Loading…</p>}
      {state === 'missing' && (
        <section className="card">
          <h1>Task not found</h1>
          <p>There is no task {taskId} in your list.</p>
        </section>
      )}
      {state === 'error' && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      {state === 'ready' && task && (
        <section className="card" aria-labelledby="task-heading">
          <h1 id="task-heading">Task</h1>
          {error && (
            <p role="alert" className="alert">
              {error}
            </p>
          )}
          <ul className="tasks" aria-label="Task">
            <TaskItem
              task={task}
              linkTitle={false}
              editing={editing}
              busy={busy}
              onToggle={(completed) =>
                act(async () => {
                  setTask(await api.setCompleted(task.id, completed));
                  setNotice(completed ? 'Completed.' : 'Pending again.');
                })
              }
              onEdit={() => setEditing(true)}
              onCancelEdit={() => setEditing(false)}
              onSave={async (input: TaskInput) => {
                setTask(await api.update(task.id, input));
                setEditing(false);
                setNotice('Saved.');
              }}
              onDelete={() =>
                act(async () => {
                  await api.remove(task.id);
                  router.push('/tasks');
                })
              }
            />
          </ul>
          <p className="timestamps">
            Created <time dateTime={task.created_at}>{when(task.created_at)}</time>
            {task.updated_at !== task.created_at && (
              <>
                {' · updated '}
                <time dateTime={task.updated_at}>{when(task.updated_at)}</time>
              </>
            )}
          </p>
        </section>
      )}
    </>
  );
}
