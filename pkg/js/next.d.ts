import type { NextRequest, NextResponse } from 'next/server.js';
import type { FullKeys } from './full.js';
import type { SessionCacheStrategy, VerifyOptions } from './index.js';

export interface ProxyOptions {
  /**
   * Default: `BETTER_AUTH_SECRETS` or else `BETTER_AUTH_SECRET` from `process.env`. Also a JWK Set
   * (`{ jwks }`) or its URL (`{ jwksUrl }`), beside a secret or not: the proxy verifies with the full build.
   */
  keys?: FullKeys;
  /** Verification options (leeway, issuer, audience, ...). */
  verify?: VerifyOptions;
  /** A cookie holding a TaskGate token, read when the request has no `Authorization` header. */
  cookie?: string;
  /**
   * Read Better Auth's session cookie cache when there is no `Authorization` header, in the app's
   * `session.cookieCache.strategy`: `'compact'` (Better Auth's default), `'jwt'` or `'jwe'`
   * (`true` = `'jwt'`).
   */
  sessionCache?: boolean | SessionCacheStrategy;
  /** The app's `session.cookieCache.version`, when it sets one (a cookie of another version is refused). */
  sessionCacheVersion?: string;
  /** Better Auth's `advanced.cookiePrefix` (default `better-auth`). */
  cookiePrefix?: string;
  /** Besides the app's own origin, origins that may send a POST/PUT/PATCH/DELETE that a cookie authenticates (else 403 `origin_not_allowed`). */
  allowedOrigins?: string[];
  /**
   * With `sessionCache`: when the cache cookie is missing or expired but Better Auth's session cookie is
   * there, ask Better Auth once (`GET {authPath}/get-session`, same origin) for a fresh cache, serve the
   * page with it and hand the browser its Set-Cookie; redirect only when the session is gone, then with
   * Better Auth's deletion of its session cookie (so later requests cost no call). Default `true`.
   */
  renewSessionCache?: boolean;
  /** Better Auth's base path (default `/api/auth`): its routes pass through, and the renewal calls it. */
  authPath?: string;
  /** Where pages redirect when the token is missing or bad (`?next=<path>` is added). Default `/login`. */
  loginPath?: string;
  /** Paths passed through without a token (the user id header is still removed). Default: Better Auth's `/api/auth` and below. */
  isPublic?: (pathname: string) => boolean;
  /** Which paths answer JSON 401/403 instead of redirecting. Default: `/api` and below. */
  isApi?: (pathname: string) => boolean;
  /** The request header that carries the verified user id onward, percent-encoded (`decodeURIComponent` it). Default `x-user-id`. */
  userIdHeader?: string;
  /** The user a path belongs to (403 when it is not the token's). Default: `/api/{user_id}/tasks...`. */
  owner?: (pathname: string) => string | null | undefined;
}

/** A `proxy(request)` for Next.js `proxy.ts` (Node runtime) or `middleware.ts` (Edge runtime). */
export function createProxy(options?: ProxyOptions): (request: NextRequest) => Promise<NextResponse>;
