// Next.js helper: verify the bearer token (or a cookie: Better Auth's session cookie cache, or
// a cookie holding a TaskGate token) in proxy.ts (Node runtime) or middleware.ts (Edge
// runtime), pass the user id on in a request header, or refuse. Bearer and cookie parsing, the
// Origin rule, the 401/403/500 bodies and the challenges are the crate's (`authorize`, from the
// full Wasm build), so this answers exactly as the TaskGate Worker does. When Better Auth's cookie
// cache has lapsed but its session cookie is there, the proxy asks Better Auth once for a fresh one.
// `next/server.js`, not `next/server`: Node's ESM resolver needs the file (Next has no exports map),
// so this module also loads outside Next (a proxy's own unit tests).
import { NextResponse } from 'next/server.js';
import { createVerifier, refusalOf, TokenError } from '#full';

const DEFAULT_OWNER = /^\/api\/([^/]+)\/tasks(?:\/|$)/;
/** @type {(p: string, prefix: string) => boolean} */
const under = (p, prefix) => p === prefix || p.startsWith(`${prefix}/`);

/**
 * Creates a `proxy(request)` function for `proxy.ts` / `middleware.ts`.
 *
 * Options: `keys` (default: `BETTER_AUTH_SECRETS` or `BETTER_AUTH_SECRET` from the
 * environment), `verify` (VerifyOptions), `cookie` (a cookie name to read a TaskGate token from
 * when there is no Authorization header), `sessionCache` (read Better Auth's session cookie
 * cache then, in the app's `session.cookieCache.strategy`: `'compact'`, Better Auth's default,
 * `'jwt'` or `'jwe'`; `true` = `'jwt'`), `sessionCacheVersion` (its `cookieCache.version`), `cookiePrefix` (Better Auth's
 * `advanced.cookiePrefix`), `allowedOrigins` (besides the app's own, origins that may send a
 * POST/PUT/PATCH/DELETE a cookie authenticates), `loginPath` (default `/login`), `isPublic(pathname)`
 * (passed through unverified; default: Better Auth's own `/api/auth/...`), `isApi(pathname)`
 * (JSON errors instead of redirects; default: `/api/...`), `userIdHeader` (default
 * `x-user-id`; the value is percent-encoded with encodeURIComponent, since a user id may hold
 * characters a header cannot), `owner(pathname)` (the user a path belongs to; default
 * `/api/{user_id}/tasks...`), `renewSessionCache` (default `true` with `sessionCache`: when the
 * cache cookie is missing or expired but Better Auth's session cookie is there, one call to Better
 * Auth's `GET {authPath}/get-session` on the same origin re-issues it; the page is served with the
 * fresh cookie, and redirected only when the session is really gone, then with Better Auth's
 * deletion of its session cookie, so later requests cost no call), `authPath` (Better Auth's
 * base path, default `/api/auth`).
 *
 * @param {import('./next.js').ProxyOptions} [options]
 * @returns {ReturnType<typeof import('./next.js').createProxy>}
 */
export function createProxy(options = {}) {
  const {
    keys,
    verify: verifyOptions = {},
    cookie,
    sessionCache = false,
    sessionCacheVersion,
    cookiePrefix,
    allowedOrigins,
    loginPath = '/login',
    authPath = '/api/auth',
    renewSessionCache = Boolean(sessionCache),
    isPublic = (p) => under(p, authPath),
    isApi = (p) => under(p, '/api'),
    userIdHeader = 'x-user-id',
    owner = (p) => {
      const m = DEFAULT_OWNER.exec(p);
      if (!m) return undefined;
      try {
        return decodeURIComponent(m[1]);
      } catch {
        return null;
      }
    },
  } = options;
  /** @type {import('#full').FullVerifier | import('#full').FetchingVerifier | undefined} */
  let verifier;
  /** @type {import('#full').TokenError | undefined} */
  let misconfigured;
  const getVerifier = () => {
    if (!verifier && !misconfigured) {
      try {
        verifier = createVerifier(keys ?? process.env, {
          ...verifyOptions,
          sessionCache,
          sessionCacheVersion,
          cookiePrefix,
          tokenCookie: cookie,
          allowedOrigins,
        });
      } catch (e) {
        if (!(e instanceof TokenError)) throw e;
        misconfigured = e; // weak_key / invalid_config: answered 500, as the Worker does
        // Logged once, naming the setting at fault (never a value); the response stays generic.
        console.error(
          JSON.stringify({
            level: 'error',
            event: 'config',
            code: 'server_misconfigured',
            detail: misconfiguration(keys, e),
          }),
        );
      }
    }
    return verifier;
  };
  /** @param {Omit<import('#full').Refused, 'ok' | 'error'>} refusal */
  const refusal = ({ status, challenge, body }) =>
    new NextResponse(body, {
      status,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...(challenge ? { 'www-authenticate': challenge } : {}),
      },
    });

  return async function proxy(request) {
    const { pathname, search } = request.nextUrl;
    // A client must never choose the user id header: drop any it sent, on every path.
    const headers = new Headers(request.headers);
    headers.delete(userIdHeader);
    if (isPublic(pathname)) return NextResponse.next({ request: { headers } });
    const api = isApi(pathname);
    const v = getVerifier(); // a missing or weak secret is reported even without a token
    // No verifier: its creation failed, and `misconfigured` holds why.
    if (!v) return refusal(refusalOf(/** @type {import('#full').TokenError} */ (misconfigured)));
    const pathUser = owner(pathname);
    /** @param {string | null} cookie */
    const check = (cookie) =>
      // Asymmetric signatures are checked by the runtime's WebCrypto (Node, Edge).
      v.authorizeAsync({
        authorization: request.headers.get('authorization'),
        cookie,
        method: request.method,
        origin: request.headers.get('origin'),
        // The origin the browser sees: the scheme and the Host it sent (nextUrl may name another host).
        ownOrigin: `${request.nextUrl.protocol}//${request.headers.get('host') ?? request.nextUrl.host}`,
        // A path whose user cannot be decoded (null) belongs to nobody: '' is never a valid `sub`.
        pathUser: pathUser === null ? '' : pathUser,
      });
    let result = await check(request.headers.get('cookie'));
    /** @type {string[]} Set-Cookie lines of Better Auth's get-session, passed on to the browser. */
    let renewed = [];
    if (!result.ok && renewSessionCache && lapsed(result.error.code) && !request.headers.has('authorization')) {
      const answer = await renew(request, authPath, cookiePrefix);
      if (answer) {
        renewed = answer.setCookies;
        if (answer.cookie) {
          headers.set('cookie', answer.cookie);
          result = await check(answer.cookie);
        }
      }
    }
    /** @param {NextResponse} response */
    const withRenewed = (response) => {
      for (const line of renewed) response.headers.append('set-cookie', line);
      return response;
    };
    if (!result.ok) {
      if (api || result.status === 500) return withRenewed(refusal(result));
      if (result.status === 403) return withRenewed(new NextResponse('Forbidden', { status: 403 }));
      const login = new URL(loginPath, request.url);
      login.searchParams.set('next', pathname + search);
      return withRenewed(NextResponse.redirect(login));
    }
    headers.set(userIdHeader, encodeURIComponent(result.verified.userId));
    return withRenewed(NextResponse.next({ request: { headers } }));
  };
}

/** Whether a refusal means the cache cookie lapsed (absent or expired), not that it is wrong. */
const lapsed = (/** @type {string} */ code) => code === 'missing_token' || code === 'token_expired';

/**
 * Better Auth's answer for a lapsed cache, when its session cookie is in `request`: one
 * `GET {authPath}/get-session` on the request's own origin with its cookies. `setCookies`: its
 * Set-Cookie lines, for the browser: a fresh cache when the session lives, and when it is gone
 * (signed out, revoked, expired) the deletion of its session cookies, so the browser stops sending
 * a dead session and the next request costs no call. `cookie`, when the session lives: the
 * request's Cookie header with the new cache in place. `undefined` when there was nothing to ask
 * or no answer.
 * @param {import('next/server.js').NextRequest} request
 * @param {string} authPath
 * @param {string | undefined} cookiePrefix
 */
async function renew(request, authPath, cookiePrefix = 'better-auth') {
  const cookie = request.headers.get('cookie') ?? '';
  const names = cookie.split(';').map((/** @type {string} */ c) => c.split('=')[0].trim());
  const sessionCookie = `${cookiePrefix}.session_token`;
  if (!names.includes(sessionCookie) && !names.includes(`__Secure-${sessionCookie}`)) return undefined;
  let res;
  try {
    res = await fetch(new URL(`${authPath}/get-session`, request.nextUrl.origin), {
      headers: { cookie, accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    return undefined; // Better Auth unreachable: the caller answers as without a cache
  }
  const body = res.ok ? await res.json().catch(() => null) : null;
  const setCookies = res.headers.getSetCookie();
  if (!body?.session || setCookies.length === 0) return { setCookies };
  // The request's cookies, with each one Better Auth set (the cache, maybe in chunks) put in place.
  const jar = new Map(
    cookie
      .split(';')
      .filter(Boolean)
      .map((c) => [c.split('=')[0].trim(), c.trim()]),
  );
  for (const line of setCookies) {
    const pair = line.split(';')[0];
    const name = pair.split('=')[0].trim();
    if (pair.slice(name.length + 1) === '') jar.delete(name);
    else jar.set(name, pair);
  }
  return { cookie: [...jar.values()].join('; '), setCookies };
}

/**
 * Why no verifier could be built, as a sentence naming the setting at fault (never its value):
 * for the environment, the crate's sentence naming the variable (`TokenError#setting`).
 * @param {unknown} keys the `keys` option (undefined: the environment)
 * @param {TokenError} e
 */
function misconfiguration(keys, e) {
  if (keys !== undefined) return `the keys given to createProxy: ${e.message}`;
  return /** @type {TokenError & { setting?: string }} */ (e).setting ?? e.message;
}
