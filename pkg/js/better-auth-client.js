// Better Auth client plugin for the TaskGate token endpoint, and a fetch for the TaskGate API.
// Browser-safe: no secret, no Wasm, no import of Better Auth itself.
//
//   import { createAuthClient } from 'better-auth/client'; // or better-auth/react
//   import { taskgateClient, createApiFetch } from 'taskgate-verify/better-auth/client';
//   export const authClient = createAuthClient({ plugins: [taskgateClient()] });
//   export const apiFetch = createApiFetch({ baseURL: 'https://tasks.example.com', authClient });
//   const res = await apiFetch(`/api/${userId}/tasks`);

const TOKEN_PATH = '/taskgate/token';
const DEFAULT_REFRESH_BEFORE = 60;

/**
 * Better Auth routes after which the cached token may belong to another session or carry stale
 * claims: sign-in/up/out, session revocation, user updates and deletion, switching sessions.
 */
const SESSION_CHANGES =
  /\/(?:sign-out|sign-in\/[^/]+|sign-up\/[^/]+|revoke-sessions?|revoke-other-sessions|delete-user|update-user|change-email|multi-session\/(?:set-active|revoke))$/;

/** A token could not be had: `status` is the token endpoint's HTTP status (0: no answer). */
export class TaskgateTokenError extends Error {
  /**
   * @param {string} message
   * @param {{ status?: number, code?: string, cause?: unknown }} [init]
   */
  constructor(message, { status = 0, code, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TaskgateTokenError';
    this.status = status;
    if (code !== undefined) this.code = code;
  }
}

/** @param {unknown} url */
const pathOf = (url) => {
  try {
    return new URL(String(url), 'http://localhost').pathname;
  } catch {
    return '';
  }
};

/**
 * The client plugin: `createAuthClient({ plugins: [taskgateClient()] })` gives
 * `authClient.taskgate.token({ force }?) -> Promise<string>` and `authClient.taskgate.clear()`.
 *
 * Options: `refreshBefore` (seconds, default 60): a cached token is used until this long before
 * its `expiresAt`; `now` (a function returning milliseconds, default `Date.now`): the clock, for
 * tests. Use one `taskgateClient()` per auth client: the cache lives in the plugin instance.
 *
 * @type {typeof import('./better-auth-client.js').taskgateClient} the declared type (better-auth-client.d.ts)
 */
export const taskgateClient = (options = {}) => {
  const refreshBefore = options.refreshBefore ?? DEFAULT_REFRESH_BEFORE;
  if (!Number.isFinite(refreshBefore) || refreshBefore < 0) {
    throw new TypeError('taskgateClient: options.refreshBefore must be a number of seconds >= 0');
  }
  const now = options.now ?? Date.now;
  /** @type {{ token: string, expiresAt: number } | null} */
  let cached = null; // { token, expiresAt (s) }
  /** @type {Promise<string> | null} */
  let inflight = null; // the shared request: Promise<string>
  let generation = 0; // bumped by clear(): a request started before it is never cached

  const clear = () => {
    cached = null;
    inflight = null;
    generation += 1;
  };

  const fresh = () => cached !== null && now() < (cached.expiresAt - refreshBefore) * 1000;

  /** @param {import('better-auth/client').BetterFetch} $fetch */
  const request = async ($fetch) => {
    const started = generation;
    /** @type {{ data: { token?: unknown, expiresAt?: unknown } | null, error: { status: number, statusText: string, message?: string, code?: string } | null } | undefined} */
    let res;
    try {
      res = await $fetch(TOKEN_PATH, { method: 'GET', throw: false });
    } catch (/** @type {any} */ e) {
      throw new TaskgateTokenError(`the TaskGate token endpoint could not be reached (${e?.message ?? e})`, {
        status: 0,
        cause: e,
      });
    }
    const { data, error } = res ?? {};
    if (error || !data) {
      const status = error?.status ?? 0;
      if (status === 401 && started === generation) clear();
      const reason = error?.message ?? error?.statusText ?? 'no body';
      throw new TaskgateTokenError(`the TaskGate token endpoint answered ${status || 'nothing usable'}: ${reason}`, {
        status,
        code: error?.code,
      });
    }
    if (typeof data.token !== 'string' || data.token === '') {
      throw new TaskgateTokenError('the TaskGate token endpoint answered without a token', { status: 200 });
    }
    if (started === generation && typeof data.expiresAt === 'number' && Number.isFinite(data.expiresAt)) {
      cached = { token: data.token, expiresAt: data.expiresAt };
    }
    return data.token;
  };

  return {
    id: 'taskgate',
    // Type-level only (see the .d.ts): the server plugin, for Better Auth's inference.
    $InferServerPlugin:
      /** @type {ReturnType<typeof import('./better-auth-client.js').taskgateClient>['$InferServerPlugin']} */ ({}),
    pathMethods: { [TOKEN_PATH]: 'GET' },
    fetchPlugins: [
      {
        id: 'taskgate-session-change',
        name: 'taskgate-session-change',
        hooks: {
          onSuccess(context) {
            if (SESSION_CHANGES.test(pathOf(context?.request?.url))) clear();
          },
        },
      },
    ],
    getActions: ($fetch) => ({
      taskgate: {
        /**
         * The TaskGate token for the current session. Cached until `refreshBefore` seconds
         * before it expires; concurrent callers share one request; `{ force: true }` asks the
         * server for a new one. Rejects with a TaskgateTokenError (`status` 401: no session).
         */
        token: ({ force = false } = {}) => {
          if (!force && fresh()) return Promise.resolve(/** @type {{ token: string }} */ (cached).token);
          if (!inflight) {
            const p = request($fetch).finally(() => {
              if (inflight === p) inflight = null;
            });
            inflight = p;
          }
          return inflight;
        },
        /** Forgets the cached token (the next `token()` asks the server). */
        clear,
      },
    }),
  };
};

/** What the default `onUnauthorized` does in a browser: go to the login page, and come back. */
function goToLogin() {
  const loc = globalThis.location;
  if (loc && typeof loc.assign === 'function') {
    loc.assign(`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`);
  }
}

/**
 * Whether a fetch body can be sent a second time.
 * @param {RequestInit['body']} body
 */
const resendable = (body) => !(typeof ReadableStream !== 'undefined' && body instanceof ReadableStream);

/**
 * A fetch for the TaskGate API: `apiFetch(path, init?) -> Promise<Response>`.
 *
 * - Sends `Authorization: Bearer <token>` (from `authClient.taskgate.token()`), always with
 *   `credentials: 'omit'`: Better Auth's cookies never go to the API.
 * - `path` is joined to `baseURL`; absolute URLs outside `baseURL` are refused (TypeError), so
 *   the token only goes to the API.
 * - On a 401 from the API: one forced token refresh, then one retry. A 401 again, or a 401 from
 *   the token endpoint (the session is gone), calls `onUnauthorized(info)` once; there is no
 *   third try.
 * - Resolves with the API's Response whenever the API was called (a final 401 included, after
 *   `onUnauthorized`). Rejects with a TaskgateTokenError when no token could be had before the
 *   first call (after `onUnauthorized` when its status is 401), and with fetch's own errors.
 * - A ReadableStream body cannot be sent twice: on a 401 the token is refreshed but the request
 *   is not retried (the 401 Response is returned).
 *
 * `onUnauthorized` default: in a browser, `location.assign('/login?next=' + path and query)`;
 * elsewhere nothing. It gets `{ response?, error? }`. `fetch` defaults to `globalThis.fetch`.
 *
 * @param {Partial<import('./better-auth-client.js').ApiFetchOptions>} [options] (authClient is required: TypeError without it)
 * @returns {ReturnType<typeof import('./better-auth-client.js').createApiFetch>}
 */
export function createApiFetch({ baseURL, authClient, onUnauthorized = goToLogin, fetch: fetchImpl } = {}) {
  if (typeof authClient?.taskgate?.token !== 'function') {
    throw new TypeError('createApiFetch: authClient must be created with plugins: [taskgateClient()]');
  }
  if (typeof onUnauthorized !== 'function') throw new TypeError('createApiFetch: onUnauthorized must be a function');
  const base = baseURL === undefined || baseURL === null ? '' : String(baseURL).replace(/\/+$/, '');
  const send = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));

  /** @param {string} path */
  const resolve = (path) => {
    const p = String(path);
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(p)) {
      if (base !== '' && (p === base || p.startsWith(`${base}/`) || p.startsWith(`${base}?`))) return p;
      throw new TypeError(
        'apiFetch: pass a path relative to baseURL (absolute URLs elsewhere are refused: the token goes only to the API)',
      );
    }
    return base === '' ? p : `${base}${p.startsWith('/') ? '' : '/'}${p}`;
  };

  /**
   * @param {string} url
   * @param {RequestInit} init
   * @param {string} token
   */
  const call = (url, init, token) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return send(url, { ...init, headers, credentials: 'omit' });
  };

  /**
   * @param {boolean} force
   * @param {Response} [response]
   */
  const tokenOr401 = async (force, response) => {
    try {
      return await authClient.taskgate.token(force ? { force: true } : undefined);
    } catch (/** @type {any} */ error) {
      if (error?.status === 401) await onUnauthorized({ response, error });
      throw error;
    }
  };

  return async function apiFetch(path, init = {}) {
    const url = resolve(path);
    const first = await call(url, init, await tokenOr401(false));
    if (first.status !== 401) return first;
    let token;
    try {
      token = await tokenOr401(true, first);
    } catch (/** @type {any} */ error) {
      if (error?.status === 401) return first; // the session is gone: onUnauthorized was called
      throw error;
    }
    if (!resendable(init.body)) return first;
    await first.body?.cancel().catch(() => {});
    const second = await call(url, init, token);
    if (second.status === 401) await onUnauthorized({ response: second });
    return second;
  };
}
