import type { BetterFetch } from 'better-auth/client';
import type { taskgate } from './better-auth.js';

/** A token could not be had: `status` is the token endpoint's HTTP status (401: no session; 0: no answer). */
export declare class TaskgateTokenError extends Error {
  constructor(message: string, init?: { status?: number; code?: string; cause?: unknown });
  readonly name: 'TaskgateTokenError';
  readonly status: number;
  readonly code?: string;
}

export interface TaskgateClientOptions {
  /** Seconds before `expiresAt` when a cached token stops being used (default 60). */
  refreshBefore?: number;
  /** The clock, in milliseconds (default `Date.now`); for tests. */
  now?: () => number;
}

export interface TaskgateActions {
  taskgate: {
    /**
     * The TaskGate token for the current session: cached until `refreshBefore` seconds before it
     * expires, one shared request for concurrent callers, `{ force: true }` asks for a new one.
     * Rejects with a {@link TaskgateTokenError} (`status` 401 when there is no session).
     */
    token(options?: { force?: boolean }): Promise<string>;
    /**
     * Forgets the cached token. Done automatically whenever the client sees another session than the
     * token's (its `sid`/`sub` claims) or none: an answer naming another session or user, a new
     * session (any sign-in), a state-changing request naming none, Better Auth's `$sessionSignal`,
     * or the session atom (`useSession`) changing to another session or none.
     */
    clear(): void;
  };
}

type TaskgateServerPlugin = ReturnType<typeof taskgate>;
/**
 * The server plugin as the client infers it: its endpoint marked `isAction: false`, so that Better
 * Auth's generated `authClient.taskgate.token` route call gives way to this plugin's own action.
 */
type InferredServerPlugin = Omit<TaskgateServerPlugin, 'endpoints'> & {
  endpoints: {
    getTaskgateToken: TaskgateServerPlugin['endpoints']['getTaskgateToken'] & {
      options: { metadata: { isAction: false } };
    };
  };
};

/** The client plugin: `createAuthClient({ plugins: [taskgateClient()] })` -> `authClient.taskgate.token()`. */
export declare const taskgateClient: (options?: TaskgateClientOptions) => {
  id: 'taskgate';
  $InferServerPlugin: InferredServerPlugin;
  pathMethods: { '/taskgate/token': 'GET' };
  fetchPlugins: {
    id: string;
    name: string;
    hooks: { onSuccess(context: { data?: unknown; request: { url: string | URL; method?: string } }): void };
  }[];
  getActions: ($fetch: BetterFetch, $store?: { atoms: Record<string, unknown> }) => TaskgateActions;
};

export interface UnauthorizedInfo {
  /** The API's 401 response, when the API was called. */
  response?: Response;
  /** The token error, when the token endpoint refused (status 401). */
  error?: TaskgateTokenError;
}

export interface ApiFetchOptions {
  /**
   * The API's URL: its origin (the only one the token is sent to) and path prefix (relative paths are
   * joined to it). Relative: resolved against the page's `location.origin`. Default: the page's
   * origin; with neither, every call is refused with a TypeError.
   */
  baseURL?: string;
  /** A Better Auth client created with `plugins: [taskgateClient()]`. */
  authClient: TaskgateActions;
  /**
   * Called once when the session is gone (the token endpoint answers 401) or the API still
   * answers 401 after one refresh. Default: in a browser,
   * `location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search))`.
   */
  onUnauthorized?: (info: UnauthorizedInfo) => unknown;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * A fetch for the TaskGate API: `Authorization: Bearer <token>` only to the API's origin (a path that
 * leaves it, as `new URL(path, origin)` reads it, is refused with a TypeError and never sent), `credentials: 'omit'`, one refresh
 * and one retry on a 401. Resolves with the API's Response whenever the API was called (a final 401
 * included, after `onUnauthorized`); rejects with a {@link TaskgateTokenError} when no token could be
 * had before the first call.
 */
export declare function createApiFetch(
  options: ApiFetchOptions,
): (path: string, init?: RequestInit) => Promise<Response>;
