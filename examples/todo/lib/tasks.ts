// The task API (docs/contract.md section 2), called from the browser with `apiFetch`.
import { TaskgateTokenError } from 'taskgate-verify/better-auth/client';
import { API_URL, apiFetch } from './auth-client';

export type Priority = 'low' | 'medium' | 'high';
export const PRIORITIES: Priority[] = ['high', 'medium', 'low'];

export interface Task {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: Priority;
  due_date: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface TaskInput {
  title?: string;
  description?: string | null;
  completed?: boolean;
  priority?: Priority;
  due_date?: string | null;
  tags?: string[];
}

export type Status = 'all' | 'pending' | 'completed';
export type SortKey = 'created' | 'updated' | 'title' | 'due_date' | 'priority';
export type Order = 'asc' | 'desc';

export interface ListQuery {
  status: Status;
  priority: Priority | '';
  tag: string;
  q: string;
  sort: SortKey;
  order: Order;
  limit: number;
  offset: number;
}

export interface TaskPage {
  tasks: Task[];
  /** Every task matching the filters (the API's X-Total-Count). */
  total: number;
}

/** A refusal from the API (or no answer), with a sentence a person can read. */
export class ApiError extends Error {
  status: number;
  code: string;
  fields?: Record<string, string>;
  constructor(message: string, status: number, code: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

const FIELD_NAMES: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  due_date: 'Due date',
  priority: 'Priority',
  tags: 'Tags',
  completed: 'Completed',
};

async function refusal(res: Response): Promise<ApiError> {
  let body: { detail?: string; code?: string; fields?: Record<string, string> } = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const code = body.code ?? `http_${res.status}`;
  if (res.status === 401) return new ApiError('Your session has ended. Taking you to the sign-in page…', 401, code);
  if (res.status === 404) return new ApiError('That task does not exist (it may have been deleted).', 404, code);
  if (body.fields && Object.keys(body.fields).length > 0) {
    const list = Object.entries(body.fields)
      .map(([f, problem]) => `${FIELD_NAMES[f] ?? f}: ${problem}`)
      .join('; ');
    return new ApiError(`Please fix: ${list}.`, res.status, code, body.fields);
  }
  return new ApiError(body.detail ?? `The task API answered ${res.status}.`, res.status, code);
}

/** Calls the API; network failures and token failures become ApiErrors too. */
async function call(path: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await apiFetch(path, init);
  } catch (e) {
    if (e instanceof TaskgateTokenError) {
      if (e.status === 401)
        throw new ApiError('Your session has ended. Taking you to the sign-in page…', 401, 'no_session');
      throw new ApiError(
        'Could not get an access token from this app’s server. Try again in a moment.',
        e.status,
        'token_unavailable',
      );
    }
    throw new ApiError(`The task API (${API_URL}) could not be reached. Is it running?`, 0, 'network');
  }
  if (!res.ok) throw await refusal(res);
  return res;
}

const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The API, for one user (Better Auth's user id: the token's `sub`). */
export function tasksApi(userId: string) {
  const base = `/api/${encodeURIComponent(userId)}/tasks`;
  const one = (id: number | string) => `${base}/${encodeURIComponent(String(id))}`;
  return {
    async list(query: ListQuery): Promise<TaskPage> {
      const params = new URLSearchParams();
      if (query.status !== 'all') params.set('status', query.status);
      if (query.priority) params.set('priority', query.priority);
      if (query.tag) params.set('tag', query.tag);
      if (query.q) params.set('q', query.q);
      params.set('sort', query.sort);
      params.set('order', query.order);
      params.set('limit', String(query.limit));
      params.set('offset', String(query.offset));
      const res = await call(`${base}?${params}`);
      const tasks = (await res.json()) as Task[];
      const total = Number(res.headers.get('x-total-count'));
      return { tasks, total: Number.isFinite(total) ? total : tasks.length };
    },
    async get(id: number | string): Promise<Task> {
      return (await call(one(id))).json();
    },
    async create(input: TaskInput): Promise<Task> {
      return (await call(base, { method: 'POST', ...json(input) })).json();
    },
    async update(id: number, input: TaskInput): Promise<Task> {
      return (await call(one(id), { method: 'PUT', ...json(input) })).json();
    },
    async setCompleted(id: number, completed: boolean): Promise<Task> {
      return (await call(`${one(id)}/complete`, { method: 'PATCH', ...json({ completed }) })).json();
    },
    async remove(id: number): Promise<void> {
      await call(one(id), { method: 'DELETE' });
    },
  };
}

export type TasksApi = ReturnType<typeof tasksApi>;

/** Tags typed as "work, home ,work": trimmed, empty ones dropped, duplicates removed. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** A message for any error thrown by the functions above. */
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
