// Better Auth client plugin for the TaskGate token endpoint, and a fetch for the TaskGate API.
// Browser-safe: no secret, no Wasm, no import of Better Auth itself.
//
//   import { createAuthClient } from 'better-auth/client'; // or better-auth/react
//   import { taskgateClient, createApiFetch } from 'taskgate-verify/better-auth/client';
//   export const authClient = createAuthClient({ plugins: [taskgateClient()] });
//   export const apiFetch = createApiFetch({ baseURL: 'https://tasks.example.com', authClient });
//   const res = await apiFetch(`/api/${userId}/tasks`);
// About 420 lines: the client plugin and createApiFetch share the token cache and its rules.

const TOKEN_PATH = '/taskgate/token';
const DEFAULT_REFRESH_BEFORE = 60;

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

/** @param {unknown} v @returns {string | undefined} */
const str = (v) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The identity a TaskGate token was minted for: its `sid` and `sub` claims, read from its payload
 * (no verification: the server verifies; this only tells which session the cached token belongs to).
 * @param {string} token
 * @returns {{ sid?: string, sub?: string }}
 */
const identityOf = (token) => {
  try {
    const b64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    return { sid: str(claims?.sid), sub: str(claims?.sub) };
  } catch {
    return {};
  }
};

/**
 * @typedef {{ signedOut?: boolean, newSession?: boolean, sid?: string, sub?: string }} Evidence
 * What an answer of Better Auth says about the current session: none (`null`), that there is none
 * (`signedOut`), that a new one was just made (`newSession`: a sign-in's `{ token, user }`), or its
 * session id and user id (`{ session: { id, userId } }`, `{ user: { id } }`).
 */

/**
 * @param {unknown} data an answer's body (or the session atom's data)
 * @param {boolean} sessionAnswer whether `data` is an answer about the session itself (null: none)
 * @returns {Evidence | null}
 */
const evidenceIn = (data, sessionAnswer) => {
  if (data === null || data === undefined) return sessionAnswer ? { signedOut: true } : null;
  if (typeof data !== 'object' || Array.isArray(data)) return null;
  const { session, user, token } = /** @type {{ session?: any, user?: any, token?: unknown }} */ (data);
  if (sessionAnswer && (session === null || user === null)) return { signedOut: true };
  const sid = session && typeof session === 'object' ? str(session.id) : undefined;
  const sub =
    (session && typeof session === 'object' ? str(session.userId) : undefined) ??
    (user && typeof user === 'object' ? str(user.id) : undefined);
  // A sign-in's answer (`{ token, user }`: every way of signing in, a password change that makes a
  // new session) names the new session's token, not its id: a new session, whoever it is for.
  const newSession = sid === undefined && str(token) !== undefined && sub !== undefined;
  if (newSession) return { newSession, sub };
  if (sid === undefined && sub === undefined) return null;
  return { sid, sub };
};

/**
 * Whether `evidence` says the session is no longer the one `identity` was minted for.
 * @param {Evidence | null} evidence
 * @param {{ sid?: string, sub?: string }} identity
 */
const changed = (evidence, identity) =>
  evidence !== null &&
  Boolean(
    evidence.signedOut ||
      evidence.newSession ||
      (evidence.sid !== undefined && evidence.sid !== identity.sid) ||
      (evidence.sub !== undefined && evidence.sub !== identity.sub),
  );

/**
 * The client plugin: `createAuthClient({ plugins: [taskgateClient()] })` gives
 * `authClient.taskgate.token({ force }?) -> Promise<string>` and `authClient.taskgate.clear()`.
 *
 * Options: `refreshBefore` (seconds, default 60): a cached token is used until this long before
 * its `expiresAt`; `now` (a function returning milliseconds, default `Date.now`): the clock, for
 * tests. Use one `taskgateClient()` per auth client: the cache lives in the plugin instance.
 *
 * The cached token belongs to one session: its own `sid` and `sub` claims. It is dropped, before
 * anything can use it again, as soon as the client sees another session or none:
 * - every successful answer through this auth client (whatever its path, a plugin's included)
 *   that names a session or a user (`{ session: { id, userId } }`, `{ user: { id } }`) other than
 *   the token's, that made a new session (a sign-in's `{ token, user }`), or that says there is no
 *   session (`get-session`'s `null`);
 * - every successful request through it that may change state (not GET or HEAD) and names no
 *   session at all (a sign-out, a password reset, a user update: the client cannot tell, so drops);
 * - Better Auth's own `$sessionSignal` (it fires after every session change its plugins know of);
 * - the session atom (`useSession`): when it changes after the token was minted and names another
 *   session or user, or none.
 *
 * @type {typeof import('./better-auth-client.js').taskgateClient} the declared type (better-auth-client.d.ts)
 */
export const taskgateClient = (options = {}) => {
  const refreshBefore = options.refreshBefore ?? DEFAULT_REFRESH_BEFORE;
  if (!Number.isFinite(refreshBefore) || refreshBefore < 0) {
    throw new TypeError('taskgateClient: options.refreshBefore must be a number of seconds >= 0');
  }
  const now = options.now ?? Date.now;
  /** @type {{ token: string, expiresAt: number, identity: { sid?: string, sub?: string }, seen: unknown, after: number } | null} */
  let cached = null; // expiresAt in seconds; seen: the session atom's data when it was cached; after: see answers
  /** @type {Promise<string> | null} */
  let inflight = null; // the shared request: Promise<string>
  let generation = 0; // bumped by clear(): a request started before it is never cached
  let answers = 0; // Better Auth answers seen (the token endpoint's aside): a token's `after` is the count when it was asked for
  let inflightAfter = 0; // `answers` when the shared request was made
  /** @type {{ value?: { data?: unknown } } | undefined} */
  let sessionAtom; // Better Auth's session atom (useSession), once getActions has it

  const clear = () => {
    cached = null;
    inflight = null;
    generation += 1;
  };

  // The atom's current data, read without subscribing (a subscription would make Better Auth fetch it).
  const atomData = () => sessionAtom?.value?.data ?? null;

  /** @param {Evidence | null} evidence */
  const observe = (evidence) => {
    if (cached !== null ? changed(evidence, cached.identity) : evidence?.signedOut || evidence?.newSession) clear();
  };

  const fresh = () => {
    if (cached === null) return false;
    const seen = atomData();
    if (seen !== cached.seen) {
      // The session atom changed since the token was cached: does it still name the token's session?
      if (changed(evidenceIn(seen, true), cached.identity)) {
        clear();
        return false;
      }
      cached.seen = seen;
    }
    return now() < (cached.expiresAt - refreshBefore) * 1000;
  };

  /** @param {import('better-auth/client').BetterFetch} $fetch */
  const request = async ($fetch) => {
    const started = generation;
    const after = answers;
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
      cached = {
        token: data.token,
        expiresAt: data.expiresAt,
        identity: identityOf(data.token),
        seen: atomData(),
        after,
      };
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
            const path = pathOf(context?.request?.url);
            if (path.endsWith(TOKEN_PATH)) return;
            answers += 1;
            const method = String(context?.request?.method ?? 'GET').toUpperCase();
            const evidence = evidenceIn(context?.data, path.endsWith('/get-session'));
            if (evidence === null && method !== 'GET' && method !== 'HEAD') clear();
            else observe(evidence);
          },
        },
      },
    ],
    getActions: ($fetch, $store) => {
      const atoms = /** @type {Record<string, any> | undefined} */ ($store?.atoms);
      sessionAtom = atoms?.session;
      // Better Auth toggles $sessionSignal shortly (10 ms) after each answer that changed the session
      // as it (or a plugin) knows: drops a token asked for before that answer, keeps one asked for since.
      if (typeof atoms?.$sessionSignal?.listen === 'function') {
        atoms.$sessionSignal.listen(() => {
          if ((inflight !== null && inflightAfter < answers) || (cached !== null && cached.after < answers)) clear();
        });
      }
      return {
        taskgate: {
          /**
           * The TaskGate token for the current session. Cached until `refreshBefore` seconds
           * before it expires, and while the session is the token's; concurrent callers share one
           * request; `{ force: true }` asks the server for a new one. Rejects with a
           * TaskgateTokenError (`status` 401: no session).
           */
          token: ({ force = false } = {}) => {
            if (!force && fresh()) return Promise.resolve(/** @type {{ token: string }} */ (cached).token);
            if (!inflight) {
              const p = request($fetch).finally(() => {
                if (inflight === p) inflight = null;
              });
              inflight = p;
              inflightAfter = answers;
            }
            return inflight;
          },
          /** Forgets the cached token (the next `token()` asks the server). */
          clear,
        },
      };
    },
  };
};

/** What the default `onUnauthorized` does in a browser: go to the login page, and come back. */
function goToLogin() {
  const loc = globalThis.location;
  if (loc && typeof loc.assign === 'function') {
    loc.assign(`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`);
  }
}

/** The page's origin (`location.origin`), when there is a page with a real one. */
function pageOrigin() {
  const origin = globalThis.location?.origin;
  return typeof origin === 'string' && origin !== 'null' && canParse(origin) ? origin : undefined;
}

/**
 * Whether `s` is an absolute URL by itself.
 * @param {string} s
 */
function canParse(s) {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
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
 * - The token goes only to the API's origin: `baseURL`'s (resolved against the page's
 *   `location.origin` when relative), or the page's own when there is no `baseURL`. Every `path`
 *   is resolved as the URL parser does (`new URL(path, origin)`: backslashes, tabs, leading spaces,
 *   `//host`, schemes); one that leaves that origin is refused with a TypeError and never sent.
 *   A relative path is then joined to `baseURL` (its path prefix kept), and fetch gets the
 *   resolved absolute URL, so what is checked is what is sent. No `baseURL` and no page origin
 *   (Node, server rendering): every call is refused with a TypeError.
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
  const send = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));

  /** The API's URL (origin and path prefix); throws a TypeError when there is none to be had. */
  const apiBase = () => {
    const page = pageOrigin();
    if (baseURL === undefined || baseURL === null || baseURL === '') {
      if (page === undefined) {
        throw new TypeError(
          'apiFetch: no baseURL and no page origin (location.origin): pass createApiFetch({ baseURL })',
        );
      }
      return new URL(page);
    }
    try {
      return new URL(String(baseURL), page);
    } catch {
      throw new TypeError(
        `apiFetch: baseURL ${JSON.stringify(String(baseURL))} is not a URL (a relative one needs a page)`,
      );
    }
  };

  /**
   * The absolute URL to send `path` to, at the API's origin, or a TypeError.
   * @param {string} path
   */
  const resolve = (path) => {
    const p = String(path);
    const base = apiBase();
    const refuse = (/** @type {string} */ why) =>
      new TypeError(
        `apiFetch: ${JSON.stringify(p)} ${why}; the token goes only to the API (${base.origin}): pass a path relative to baseURL`,
      );
    /** @type {URL} */
    let url;
    try {
      url = new URL(p, `${base.origin}/`); // how fetch and browsers read it
    } catch {
      throw refuse('is not a URL');
    }
    // blob: URLs share their creator's origin: the scheme must be the API's too.
    if (url.origin === 'null' || url.origin !== base.origin || url.protocol !== base.protocol) {
      throw refuse(`leads to ${url.protocol === base.protocol ? url.origin : url.protocol}`);
    }
    if (!canParse(p)) {
      // A relative path: joined to baseURL's path prefix, checked again.
      const prefix = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
      url = new URL(`${prefix}${p.startsWith('/') ? '' : '/'}${p}`);
      if (url.origin !== base.origin) throw refuse(`leads to ${url.origin}`);
    }
    return url.href;
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
