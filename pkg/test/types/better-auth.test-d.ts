// A type test, compiled by tsc in `make lint` (tsconfig.check.json) and never run: the Better Auth
// plugins as a TypeScript user sees them, through the package's hand-written better-auth.d.ts and
// better-auth-client.d.ts, plugged into Better Auth's own betterAuth() and createAuthClient().
// Each `@ts-expect-error` marks a wrong use that must stay a type error (tsc fails when it is not).
import { betterAuth } from 'better-auth';
import { createAuthClient } from 'better-auth/client';
import { type TaskgateToken, taskgate } from '../../js/better-auth.js';
import { createApiFetch, TaskgateTokenError, taskgateClient } from '../../js/better-auth-client.js';

/** `true` when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when T is `true`. */
type Assert<T extends true> = T;

// The server plugin, its options checked.
export const auth = betterAuth({
  secret: 'type-test-secret-0123456789-abcdefghijklmnop',
  emailAndPassword: { enabled: true },
  plugins: [
    taskgate({ expiresIn: 900, issuer: 'https://app.example', audience: ['tasks'], authoritativeSession: false }),
  ],
});
taskgate();
// @ts-expect-error expiresIn is a number of seconds
taskgate({ expiresIn: '900' });
// @ts-expect-error audience is a string or an array of strings
taskgate({ audience: 42 });
// @ts-expect-error no such option
taskgate({ expiresAt: 900 });

// `auth.api.getTaskgateToken({ headers })` resolves with the token and its expiry.
export async function serverToken(headers: Headers): Promise<TaskgateToken> {
  const body = await auth.api.getTaskgateToken({ headers });
  const same: Assert<Equal<typeof body, TaskgateToken>> = true;
  const token: string = body.token;
  const expiresAt: number = body.expiresAt;
  // @ts-expect-error the token is a string
  const wrong: number = body.token;
  // @ts-expect-error the endpoint requires the request's headers (the session is read from them)
  await auth.api.getTaskgateToken({});
  return { token, expiresAt, ...(same && wrong ? {} : {}) };
}
type ApiToken = (typeof auth.api)['getTaskgateToken'];
export const apiTokenIsAFunction: Assert<ApiToken extends (...args: never[]) => Promise<unknown> ? true : false> = true;

// The client plugin: `authClient.taskgate.token()` and `.clear()`, the plugin's own actions.
export const authClient = createAuthClient({
  baseURL: 'http://127.0.0.1:3000',
  plugins: [taskgateClient({ refreshBefore: 30 })],
});
type TokenAction = typeof authClient.taskgate.token;
export const tokenAction: Assert<Equal<TokenAction, (options?: { force?: boolean }) => Promise<string>>> = true;
export const clearAction: Assert<Equal<typeof authClient.taskgate.clear, () => void>> = true;
// @ts-expect-error refreshBefore is a number of seconds
taskgateClient({ refreshBefore: '60' });

export async function clientToken(): Promise<string> {
  const token: string = await authClient.taskgate.token();
  await authClient.taskgate.token({ force: true });
  // @ts-expect-error force is a boolean
  await authClient.taskgate.token({ force: 'yes' });
  // @ts-expect-error the token is a string
  const wrong: number = await authClient.taskgate.token();
  // @ts-expect-error the plugin has no such action
  authClient.taskgate.refresh();
  authClient.taskgate.clear();
  return `${token}${wrong}`;
}

// A fetch for the API from that client; the error it rejects with.
export const apiFetch = createApiFetch({ baseURL: 'https://tasks.example', authClient });
export const apiFetchType: Assert<Equal<typeof apiFetch, (path: string, init?: RequestInit) => Promise<Response>>> =
  true;
// @ts-expect-error a client without taskgateClient() has no taskgate.token
createApiFetch({ authClient: createAuthClient({ baseURL: 'http://127.0.0.1:3000' }) });
// @ts-expect-error authClient is required
createApiFetch({ baseURL: 'https://tasks.example' });
export const tokenError = new TaskgateTokenError('no session', { status: 401, code: 'UNAUTHORIZED' });
export const errorStatus: Assert<Equal<typeof tokenError.status, number>> = true;
