// The browser's side of authentication: Better Auth's client with the taskgate() client plugin,
// and a fetch for the task API that sends the TaskGate token as a bearer.
//
// Environment (public: inlined into the browser's JavaScript at build time, never a secret):
//   NEXT_PUBLIC_TASKGATE_API              the task API's origin (default http://127.0.0.1:8787)
//   NEXT_PUBLIC_TASKGATE_REFRESH_BEFORE   seconds before expiry when a cached token is renewed (default 60)
import { createAuthClient } from 'better-auth/react';
import { createApiFetch, taskgateClient } from 'taskgate-verify/better-auth/client';

export const API_URL = (process.env.NEXT_PUBLIC_TASKGATE_API || 'http://127.0.0.1:8787').replace(/\/+$/, '');

const refreshBefore = Number(process.env.NEXT_PUBLIC_TASKGATE_REFRESH_BEFORE || 60);

// Better Auth on this app's own origin (/api/auth/...): sign-up, sign-in, sign-out, and the
// TaskGate token (`authClient.taskgate.token()`, cached until `refreshBefore` s before it expires).
export const authClient = createAuthClient({ plugins: [taskgateClient({ refreshBefore })] });

// When the session is gone, go to the sign-in page, and come back here after it. Once: several
// calls may find out at the same time (the package's default does the same, for each of them).
let leaving = false;
function toSignIn() {
  if (leaving) return;
  leaving = true;
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

// `apiFetch('/api/<user id>/tasks')`: `Authorization: Bearer <token>` and `credentials: 'omit'`
// (Better Auth's cookies never go to the API). A 401 from the API refreshes the token and retries
// once; when the session is gone (the token endpoint answers 401, or the API still does after the
// refresh), `onUnauthorized` runs.
export const apiFetch = createApiFetch({ baseURL: API_URL, authClient, onUnauthorized: toSignIn });
