// Next.js helper: verify the bearer token (or a cookie) in proxy.ts (Node runtime) or
// middleware.ts (Edge runtime), pass the user id on in a request header, or refuse.
import { NextResponse } from 'next/server';
import { createVerifier, TokenError } from '#platform';

const DEFAULT_OWNER = /^\/api\/([^/]+)\/tasks(?:\/|$)/;
const under = (p, prefix) => p === prefix || p.startsWith(`${prefix}/`);

function bearer(value) {
  if (!value) return undefined;
  const m = /^bearer +(.+)$/i.exec(value);
  return m ? m[1] : undefined;
}

function json(status, body, challenge) {
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (challenge) headers['www-authenticate'] = challenge;
  return new NextResponse(JSON.stringify(body), { status, headers });
}

/**
 * Creates a `proxy(request)` function for `proxy.ts` / `middleware.ts`.
 *
 * Options: `keys` (default: `BETTER_AUTH_SECRETS` or `BETTER_AUTH_SECRET` from the
 * environment), `verify` (VerifyOptions), `cookie` (a cookie name to read the token from when
 * there is no Authorization header), `loginPath` (default `/login`), `isPublic(pathname)`
 * (passed through unverified; default: Better Auth's own `/api/auth/...`), `isApi(pathname)`
 * (JSON errors instead of redirects; default: `/api/...`), `userIdHeader` (default
 * `x-user-id`; the value is percent-encoded with encodeURIComponent, since a user id may hold
 * characters a header cannot), `owner(pathname)` (the user a path belongs to; default
 * `/api/{user_id}/tasks...`).
 */
export function createProxy(options = {}) {
  const {
    keys,
    verify: verifyOptions = {},
    cookie,
    loginPath = '/login',
    isPublic = (p) => under(p, '/api/auth'),
    isApi = (p) => under(p, '/api'),
    userIdHeader = 'x-user-id',
    owner = (p) => {
      const m = DEFAULT_OWNER.exec(p);
      if (!m) return undefined;
      try { return decodeURIComponent(m[1]); } catch { return null; }
    },
  } = options;
  let verifier;
  const getVerifier = () => (verifier ??= createVerifier(keys ?? {
    BETTER_AUTH_SECRETS: process.env.BETTER_AUTH_SECRETS,
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET,
  }, verifyOptions));

  return function proxy(request) {
    const { pathname, search } = request.nextUrl;
    // A client must never choose the user id header: drop any it sent, on every path.
    const headers = new Headers(request.headers);
    headers.delete(userIdHeader);
    if (isPublic(pathname)) return NextResponse.next({ request: { headers } });
    const api = isApi(pathname);
    let user;
    try {
      const v = getVerifier(); // a missing or weak secret is reported even without a token
      const token = bearer(request.headers.get('authorization')) ?? (cookie ? request.cookies.get(cookie)?.value : undefined);
      if (!token) throw new TokenError('missing_token', undefined, 'no token was provided');
      user = v.verify(token).userId;
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      if (e.code === 'weak_key' || e.code === 'invalid_config') {
        return json(500, { detail: 'The server is not configured correctly.', code: 'server_misconfigured' });
      }
      if (api) {
        const challenge = e.code === 'missing_token'
          ? 'Bearer realm="tasks"'
          : `Bearer realm="tasks", error="invalid_token", error_description="${e.code}"`;
        return json(401, { detail: e.message, code: e.code, ...(e.claim ? { claim: e.claim } : {}) }, challenge);
      }
      const login = new URL(loginPath, request.url);
      login.searchParams.set('next', pathname + search);
      return NextResponse.redirect(login);
    }
    const pathOwner = owner(pathname);
    if (pathOwner !== undefined && pathOwner !== user) {
      const body = { detail: "The token's user may not access this user's tasks.", code: 'forbidden' };
      return api
        ? json(403, body, 'Bearer realm="tasks", error="insufficient_scope", error_description="forbidden"')
        : new NextResponse('Forbidden', { status: 403 });
    }
    headers.set(userIdHeader, encodeURIComponent(user));
    return NextResponse.next({ request: { headers } });
  };
}
