'use client';

// About 460 lines: the board's list, filters, URL state and optimistic updates share one state.

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ApiError,
  messageOf,
  tasksApi,
  type ListQuery,
  type Order,
  type Priority,
  type SortKey,
  type Status,
  type Task,
  type TaskInput,
  type TaskPage,
} from '@/lib/tasks';
import { TaskForm } from './TaskForm';
import { TaskItem } from './TaskItem';

/**
 * What the list shows: the API's list query, by page instead of offset; kept in the page's URL,
 * so a reload or a shared link shows the same.
 */
type View = Omit<ListQuery, 'limit' | 'offset'> & { page: number; per: number };

const PER_PAGE = [5, 10, 20, 50];
const DEFAULT: View = { status: 'all', priority: '', tag: '', q: '', sort: 'created', order: 'desc', page: 1, per: 10 };
const SORTS: Record<SortKey, { label: string; asc: string; desc: string }> = {
  created: { label: 'Date created', desc: 'Newest first', asc: 'Oldest first' },
  updated: { label: 'Last updated', desc: 'Most recent first', asc: 'Least recent first' },
  due_date: { label: 'Due date', asc: 'Soonest first', desc: 'Latest first' },
  priority: { label: 'Priority', desc: 'High to low', asc: 'Low to high' },
  title: { label: 'Title', asc: 'A to Z', desc: 'Z to A' },
};

/** Each key's usual direction first. */
const NATURAL: Record<SortKey, [Order, Order]> = {
  created: ['desc', 'asc'],
  updated: ['desc', 'asc'],
  due_date: ['asc', 'desc'],
  priority: ['desc', 'asc'],
  title: ['asc', 'desc'],
};

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback;

function readView(params: URLSearchParams): View {
  const page = Number(params.get('page'));
  const per = Number(params.get('per'));
  return {
    status: oneOf(params.get('status'), ['all', 'pending', 'completed'], DEFAULT.status),
    priority: oneOf(params.get('priority'), ['', 'low', 'medium', 'high'], ''),
    tag: (params.get('tag') ?? '').trim().slice(0, 30),
    q: (params.get('q') ?? '').trim().slice(0, 200),
    sort: oneOf(params.get('sort'), Object.keys(SORTS) as SortKey[], DEFAULT.sort),
    order: oneOf(params.get('order'), ['asc', 'desc'], DEFAULT.order),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    per: PER_PAGE.includes(per) ? per : DEFAULT.per,
  };
}

/** The view as a query string, leaving out defaults. */
function writeView(view: View): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT) as (keyof View)[]) {
    if (view[key] !== DEFAULT[key]) params.set(key, String(view[key]));
  }
  return params.toString();
}

const isFiltered = (v: View) => v.status !== 'all' || v.priority !== '' || v.tag !== '' || v.q !== '';
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The signed-in user's tasks: add, list (filter, sort, search, pages), complete, edit, delete. */
export function TaskBoard({ userId }: { userId: string }) {
  const api = useMemo(() => tasksApi(userId), [userId]);
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const key = writeView(readView(new URLSearchParams(params.toString())));
  const view = useMemo(() => readView(new URLSearchParams(key)), [key]);

  const [data, setData] = useState<TaskPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState('');
  const [actionError, setActionError] = useState('');
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<number>>(new Set());
  const [version, setVersion] = useState(0);
  const [search, setSearch] = useState(view.q);
  const [tag, setTag] = useState(view.tag);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // The view just asked for: two quick changes (a select, then another) must not build the
  // second on the URL from before the first, which the router has not applied yet.
  const wanted = useRef(view);
  useEffect(() => {
    wanted.current = view;
  }, [view]); // the URL changed (ours, or back/forward)
  const show = useCallback(
    (patch: Partial<View>) => {
      const next = { ...wanted.current, page: 1, ...patch };
      wanted.current = next;
      const qs = writeView(next);
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  // A notice says what just happened, then goes.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(''), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  // The URL changed by itself (back, forward, a link): the text fields follow.
  useEffect(() => setSearch(view.q), [view.q]);
  useEffect(() => setTag(view.tag), [view.tag]);

  // Typing in Search or "With tag" filters after a short pause.
  useEffect(() => {
    const q = search.trim();
    const t = tag.trim();
    if (q === view.q && t === view.tag) return;
    const timer = setTimeout(() => show({ q, tag: t }), 300);
    return () => clearTimeout(timer);
  }, [search, tag, view.q, view.tag, show]);

  // Changes on their way to the API: a list read meanwhile may predate them, so it is not
  // shown (each change reads the list again when it is done).
  const changing = useRef(0);

  // The list is read again when the view (`key`, from which `view` is derived) or `version`
  // (`refresh()`) changes, and only then: `show` and `view` are read, not watched.
  // biome-ignore lint/correctness/useExhaustiveDependencies: key and version are the triggers, as said above
  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .list({ ...view, limit: view.per, offset: (view.page - 1) * view.per })
      .then((page) => {
        if (!live || changing.current > 0) return;
        setData(page);
        setLoadError('');
        const last = Math.max(1, Math.ceil(page.total / view.per));
        if (view.page > last) show({ page: last }); // e.g. the last task of the last page was deleted
      })
      .catch((e) => {
        if (live) setLoadError(messageOf(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [api, key, version]);

  const refresh = () => setVersion((v) => v + 1);
  /**
   * Runs a change to the API; the list is read again afterwards, whether it worked or not,
   * unless the session is gone (the browser is on its way to the sign-in page).
   */
  async function change<T>(work: () => Promise<T>): Promise<T> {
    changing.current += 1;
    let signedOut = false;
    try {
      return await work();
    } catch (e) {
      signedOut = e instanceof ApiError && e.status === 401;
      throw e;
    } finally {
      changing.current -= 1;
      if (!signedOut) refresh();
    }
  }
  const setTaskBusy = (id: number, on: boolean) =>
    setBusy((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const replaceTask = (task: Task) =>
    setData((d) => d && { ...d, tasks: d.tasks.map((t) => (t.id === task.id ? task : t)) });

  async function add(input: TaskInput) {
    const task = await change(() => api.create(input));
    setActionError('');
    setNotice(`Added “${task.title}”.`);
  }

  async function toggle(task: Task, completed: boolean) {
    setTaskBusy(task.id, true);
    replaceTask({ ...task, completed }); // at once; the API's answer follows
    try {
      replaceTask(await change(() => api.setCompleted(task.id, completed)));
      setActionError('');
      setNotice(completed ? `Completed “${task.title}”.` : `“${task.title}” is pending again.`);
    } catch (e) {
      replaceTask(task);
      setActionError(messageOf(e));
    } finally {
      setTaskBusy(task.id, false);
    }
  }

  async function save(task: Task, input: TaskInput) {
    const saved = await change(() => api.update(task.id, input));
    replaceTask(saved);
    setEditing(null);
    setActionError('');
    setNotice(`Saved “${saved.title}”.`);
  }

  async function remove(task: Task) {
    setTaskBusy(task.id, true);
    try {
      await change(() => api.remove(task.id));
      setData((d) => d && { tasks: d.tasks.filter((t) => t.id !== task.id), total: Math.max(0, d.total - 1) });
      setActionError('');
      setNotice(`Deleted “${task.title}”.`);
      headingRef.current?.focus();
    } catch (e) {
      setActionError(messageOf(e));
    } finally {
      setTaskBusy(task.id, false);
    }
  }

  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / view.per));
  const first = (view.page - 1) * view.per + 1;
  const shown = data?.tasks.length ?? 0;
  const filtered = isFiltered(view);
  const sort = SORTS[view.sort];
  const noun = (n: number) => plural(n, filtered ? 'matching task' : 'task', filtered ? 'matching tasks' : 'tasks');
  const summary =
    data === null
      ? loading
        ? 'Loading your tasks…'
        : ''
      : total === 0 || shown === 0
        ? ''
        : shown === total
          ? noun(total)
          : shown === 1
            ? `${first} of ${noun(total)}`
            : `${first}–${first + shown - 1} of ${noun(total)}`;
  const knownTags = [...new Set(data?.tasks.flatMap((t) => t.tags) ?? [])].sort();

  return (
    <>
      <h1>Tasks</h1>
      <p role="status" className="notice" aria-live="polite">
        {notice}
      </p>

      <section className="card" aria-labelledby="new-task-heading">
        <h2 id="new-task-heading">New task</h2>
        <TaskForm label="New task" onSubmit={add} />
      </section>

      <section className="card" aria-labelledby="list-heading">
        <h2 id="list-heading" tabIndex={-1} ref={headingRef}>
          Your tasks
        </h2>
        {!(data !== null && total === 0 && !filtered) && (
          // biome-ignore lint/a11y/useSemanticElements: <form role="search"> is the ARIA search landmark; a <search> element would change the markup the page and its test are built on
          <form
            role="search"
            aria-label="Filter tasks"
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              show({ q: search.trim(), tag: tag.trim() });
            }}>
            <div className="field search">
              <label htmlFor="filter-q">Search</label>
              <input
                id="filter-q"
                type="search"
                value={search}
                maxLength={200}
                onChange={(e) => setSearch(e.currentTarget.value)}
                placeholder="Title or description"
              />
            </div>
            <div className="field">
              <label htmlFor="filter-status">Show</label>
              <select
                id="filter-status"
                value={view.status}
                onChange={(e) => show({ status: e.currentTarget.value as Status })}>
                <option value="all">All</option>
                <option value="pending">Pending</option>
                <option value="completed">Completed</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="filter-priority">With priority</label>
              <select
                id="filter-priority"
                value={view.priority}
                onChange={(e) => show({ priority: e.currentTarget.value as Priority | '' })}>
                <option value="">Any</option>
                <option value="high">High</option>
                <option value="medium">Medium</option>
                <option value="low">Low</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="filter-tag">With tag</label>
              <input
                id="filter-tag"
                value={tag}
                maxLength={30}
                list="known-tags"
                autoComplete="off"
                onChange={(e) => setTag(e.currentTarget.value)}
                placeholder="Any"
              />
              <datalist id="known-tags">
                {knownTags.map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </div>
            <div className="field">
              <label htmlFor="filter-sort">Sort by</label>
              <select
                id="filter-sort"
                value={view.sort}
                onChange={(e) => {
                  const key = e.currentTarget.value as SortKey;
                  show({ sort: key, order: NATURAL[key][0] }); // "Title" starts A to Z, "Date created" newest first
                }}>
                {(Object.keys(SORTS) as SortKey[]).map((k) => (
                  <option key={k} value={k}>
                    {SORTS[k].label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="filter-order">Order</label>
              <select
                id="filter-order"
                value={view.order}
                onChange={(e) => show({ order: e.currentTarget.value as Order })}>
                {NATURAL[view.sort].map((o) => (
                  <option key={o} value={o}>
                    {sort[o]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="filter-per">Per page</label>
              <select id="filter-per" value={view.per} onChange={(e) => show({ per: Number(e.currentTarget.value) })}>
                {PER_PAGE.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
            {filtered && (
              <div className="field clear">
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => show({ status: 'all', priority: '', tag: '', q: '' })}>
                  Clear filters
                </button>
              </div>
            )}
          </form>
        )}

        {loadError && (
          <p role="alert" className="alert">
            {loadError}
          </p>
        )}
        {actionError && (
          <p role="alert" className="alert">
            {actionError}
          </p>
        )}

        <p className="summary">{summary}</p>

        <ul className="tasks" aria-label="Tasks" aria-busy={loading}>
          {data?.tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              editing={editing === task.id}
              busy={busy.has(task.id)}
              onToggle={(completed) => toggle(task, completed)}
              onEdit={() => {
                setEditing(task.id);
                setActionError('');
              }}
              onCancelEdit={() => setEditing(null)}
              onSave={(input) => save(task, input)}
              onDelete={() => remove(task)}
              onTag={(t) => show({ tag: t })}
            />
          ))}
        </ul>

        {data !== null && total === 0 && !loadError && (
          <div className="empty">
            {filtered ? (
              <>
                <p>No tasks match these filters.</p>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => show({ status: 'all', priority: '', tag: '', q: '' })}>
                  Clear filters
                </button>
              </>
            ) : (
              <p>Nothing here yet. Add your first task above.</p>
            )}
          </div>
        )}

        {pages > 1 && (
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="button secondary"
              disabled={view.page <= 1}
              onClick={() => show({ page: view.page - 1 })}>
              Previous page
            </button>
            <span>
              Page {view.page} of {pages}
            </span>
            <button
              type="button"
              className="button secondary"
              disabled={view.page >= pages}
              onClick={() => show({ page: view.page + 1 })}>
              Next page
            </button>
          </nav>
        )}
      </section>
    </>
  );
}
