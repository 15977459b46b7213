'use client';

import Link from 'next/link';
import { useId } from 'react';
import { formatDate, today } from '@/lib/dates';
import type { Task, TaskInput } from '@/lib/tasks';
import { TaskForm } from './TaskForm';

const PRIORITY_LABEL = { high: 'High', medium: 'Medium', low: 'Low' } as const;

/** What a task says about itself: priority, due date (overdue when pending and past), tags. */
export function TaskMeta({ task, onTag }: { task: Task; onTag?: (tag: string) => void }) {
  const overdue = !task.completed && task.due_date !== null && task.due_date < today();
  return (
    <div className="meta">
      <span className={`badge priority-${task.priority}`}>
        {PRIORITY_LABEL[task.priority]}
        <span className="visually-hidden"> priority</span>
      </span>
      {task.due_date && (
        <span className={overdue ? 'due overdue' : 'due'}>
          Due <time dateTime={task.due_date}>{formatDate(task.due_date)}</time>
          {overdue && <strong className="overdue-flag"> · overdue</strong>}
        </span>
      )}
      {task.tags.map((tag) =>
        onTag ? (
          <button key={tag} type="button" className="tag" onClick={() => onTag(tag)}>
            <span className="visually-hidden">Filter by tag </span>
            <span aria-hidden="true">#</span>
            {tag}
          </button>
        ) : (
          <span key={tag} className="tag">
            <span className="visually-hidden">tag </span>
            <span aria-hidden="true">#</span>
            {tag}
          </span>
        ),
      )}
    </div>
  );
}

/**
 * One task as a list item: a checkbox named after its title, the title (a link to the task's
 * page), its details, and Edit / Delete. While editing, the item holds the task's form.
 */
export function TaskItem({
  task,
  editing,
  busy,
  onToggle,
  onEdit,
  onCancelEdit,
  onSave,
  onDelete,
  onTag,
  linkTitle = true,
}: {
  task: Task;
  editing: boolean;
  busy: boolean;
  onToggle: (completed: boolean) => void;
  onEdit: () => void;
  onCancelEdit: () => void;
  onSave: (input: TaskInput) => Promise<void>;
  onDelete: () => void;
  onTag?: (tag: string) => void;
  linkTitle?: boolean;
}) {
  const id = useId();
  const titleId = `${id}-title`;
  if (editing) {
    return (
      <li className="task editing">
        <p className="editing-label" aria-hidden="true">
          Editing “{task.title}”
        </p>
        <TaskForm task={task} label={`Edit ${task.title}`} onSubmit={onSave} onCancel={onCancelEdit} />
      </li>
    );
  }
  return (
    <li className={task.completed ? 'task done' : 'task'} aria-busy={busy || undefined}>
      <input
        type="checkbox"
        className="check"
        checked={task.completed}
        disabled={busy}
        aria-labelledby={titleId}
        onChange={(e) => onToggle(e.currentTarget.checked)}
      />
      <div className="task-main">
        {linkTitle ? (
          <Link id={titleId} href={`/tasks/${task.id}`} className="task-title">
            {task.title}
          </Link>
        ) : (
          <span id={titleId} className="task-title">
            {task.title}
          </span>
        )}
        {task.description && <p className="task-description">{task.description}</p>}
        <TaskMeta task={task} onTag={onTag} />
      </div>
      <div className="task-actions">
        <button type="button" className="button small" onClick={onEdit} disabled={busy} aria-describedby={titleId}>
          Edit
        </button>
        <button
          type="button"
          className="button small danger"
          onClick={onDelete}
          disabled={busy}
          aria-describedby={titleId}>
          Delete
        </button>
      </div>
    </li>
  );
}
