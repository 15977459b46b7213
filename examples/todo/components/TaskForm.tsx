'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { messageOf, parseTags, type Priority, type Task, type TaskInput } from '@/lib/tasks';

const MAX_TAGS = 10;
const MAX_TAG = 30;

/**
 * The fields of a task: Title, Description, Due date, Priority, Tags. Adds a task (`task`
 * absent: "Add task", the form is emptied after success) or edits one ("Save" and "Cancel").
 * `onSubmit` gets only what changed when editing.
 */
export function TaskForm({
  task,
  onSubmit,
  onCancel,
  label,
}: {
  task?: Task;
  onSubmit: (input: TaskInput) => Promise<void>;
  onCancel?: () => void;
  label: string;
}) {
  const id = useId();
  const editing = task !== undefined;
  const [error, setError] = useState('');
  const [pending, setPending] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (editing) titleRef.current?.focus();
  }, [editing]);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const title = String(form.get('title') ?? '').trim();
    const description = String(form.get('description') ?? '').trim();
    const due = String(form.get('due_date') ?? '');
    const priority = String(form.get('priority') ?? 'medium') as Priority;
    const tags = parseTags(String(form.get('tags') ?? ''));
    if (!title) return setError('Please give the task a title.');
    if (tags.length > MAX_TAGS) return setError(`At most ${MAX_TAGS} tags, please.`);
    const long = tags.find((t) => t.length > MAX_TAG);
    if (long) return setError(`Tags are at most ${MAX_TAG} characters (“${long.slice(0, 40)}” is longer).`);

    let input: TaskInput;
    if (!editing) {
      input = { title, priority, tags };
      if (description) input.description = description;
      if (due) input.due_date = due;
    } else {
      input = {};
      if (title !== task.title) input.title = title;
      if (description !== (task.description ?? '')) input.description = description || null;
      if ((due || null) !== task.due_date) input.due_date = due || null;
      if (priority !== task.priority) input.priority = priority;
      if (tags.join('\u0000') !== task.tags.join('\u0000')) input.tags = tags;
      if (Object.keys(input).length === 0) {
        onCancel?.();
        return;
      }
    }
    setPending(true);
    setError('');
    try {
      await onSubmit(input);
      if (!editing) {
        formRef.current?.reset();
        titleRef.current?.focus();
      }
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setPending(false);
    }
  }

  return (
    <form ref={formRef} className="task-form" aria-label={label} onSubmit={submit} noValidate>
      <div className="field span-all">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          ref={titleRef}
          id={`${id}-title`}
          name="title"
          required
          maxLength={200}
          defaultValue={task?.title}
          autoComplete="off"
          placeholder={editing ? undefined : 'What needs doing?'}
        />
      </div>
      <div className="field span-all">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          name="description"
          rows={2}
          maxLength={1000}
          defaultValue={task?.description ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-due`}>Due date</label>
        <input
          id={`${id}-due`}
          name="due_date"
          type="date"
          min="0001-01-01"
          max="9999-12-31"
          defaultValue={task?.due_date ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-priority`}>Priority</label>
        <select id={`${id}-priority`} name="priority" defaultValue={task?.priority ?? 'medium'}>
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input
          id={`${id}-tags`}
          name="tags"
          defaultValue={task?.tags.join(', ')}
          autoComplete="off"
          aria-describedby={`${id}-tags-hint`}
          placeholder="work, home"
        />
        <p id={`${id}-tags-hint`} className="hint">
          Separated by commas, up to {MAX_TAGS}.
        </p>
      </div>
      {error && (
        <p role="alert" className="alert span-all">
          {error}
        </p>
      )}
      <div className="form-actions span-all">
        <button type="submit" className="button primary" disabled={pending}>
          {editing ? 'Save' : 'Add task'}
        </button>
        {onCancel && (
          <button type="button" className="button secondary" onClick={onCancel} disabled={pending}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
