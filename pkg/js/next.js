// Next.js helper: verify the bearer token (or a cookie: Better Auth's session cookie cache, or
// a cookie holding a TaskGate token) in proxy.ts (Node runtime) or middleware.ts (Edge
// runtime), pass the user id on in a request header, or refuse. Bearer and cookie parsing, the
// Origin rule, the 401/403/500 bodies and the challenges are the crate's (`authorize`, from the
// full Wasm build), so this answers exactly as the TaskGate Worker does.
import { NextResponse } from 'next/server';
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
 * `/api/{user_id}/tasks...`).
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
    isPublic = (p) => under(p, '/api/auth'),
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
    // Asymmetric signatures are checked by the runtime's WebCrypto (Node, Edge).
    const result = await v.authorizeAsync({
      authorization: request.headers.get('authorization'),
      cookie: request.headers.get('cookie'),
      method: request.method,
      origin: request.headers.get('origin'),
      // The origin the browser sees: the scheme and the Host it sent (nextUrl may name another host).
      ownOrigin: `${request.nextUrl.protocol}//${request.headers.get('host') ?? request.nextUrl.host}`,
      // A path whose user cannot be decoded (null) belongs to nobody: '' is never a valid `sub`.
      pathUser: pathUser === null ? '' : pathUser,
    });
    if (!result.ok) {
      if (api || result.status === 500) return refusal(result);
      if (result.status === 403) return new NextResponse('Forbidden', { status: 403 });
      const login = new URL(loginPath, request.url);
      login.searchParams.set('next', pathname + search);
      return NextResponse.redirect(login);
    }
    headers.set(userIdHeader, encodeURIComponent(result.verified.userId));
    return NextResponse.next({ request: { headers } });
  };
}
