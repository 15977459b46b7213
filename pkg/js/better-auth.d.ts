import type { AuthContext, EndpointOptions, StrictEndpoint } from 'better-auth';
import type { sensitiveSessionMiddleware, sessionMiddleware } from 'better-auth/api';

/** An endpoint's OpenAPI description, as Better Auth's OpenAPI generator reads it. */
type OpenApiOperation = NonNullable<NonNullable<EndpointOptions['metadata']>['openapi']>;

export interface TaskgateOptions {
  /** The token's lifetime in seconds (a whole number, 1 to 31536000; default 900), capped by the session's expiry. */
  expiresIn?: number;
  /** When set, the tokens carry `iss` (configure the verifier with the same `issuer` / JWT_ISSUER). */
  issuer?: string;
  /** When set, the tokens carry `aud` (configure the verifier with the same `audience` / JWT_AUDIENCE). */
  audience?: string | string[];
  /**
   * Default true: the session is read from Better Auth's session store (`sensitiveSessionMiddleware`),
   * bypassing the cookie cache, so a signed-out or revoked session cannot mint tokens. `false`:
   * `sessionMiddleware`, which trusts `session.cookieCache` until it expires (one database read less).
   */
  authoritativeSession?: boolean;
}

/** The body of `GET {basePath}/taskgate/token`. */
export interface TaskgateToken {
  /** An HS256 JWT (docs/contract.md section 1): `sub`, `sid`, `email`, `iat`, `exp` (+ `iss`, `aud`). */
  token: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

/**
 * The TaskGate plugin for Better Auth: `betterAuth({ plugins: [taskgate()] })`, then
 * `GET {basePath}/taskgate/token` (200 {@link TaskgateToken}, 401 without a session) and
 * `auth.api.getTaskgateToken({ headers })`. `init` throws a `BetterAuthError` when the current
 * secret is under 32 bytes or Better Auth's built-in default: `await auth.$context` at start-up.
 */
export declare const taskgate: (options?: TaskgateOptions) => {
  id: 'taskgate';
  options: TaskgateOptions;
  init(ctx: AuthContext): void;
  endpoints: {
    getTaskgateToken: StrictEndpoint<
      '/taskgate/token',
      {
        method: 'GET';
        requireHeaders: true;
        /** `sensitiveSessionMiddleware`, or `sessionMiddleware` with `authoritativeSession: false`. */
        use: (typeof sensitiveSessionMiddleware | typeof sessionMiddleware)[];
        metadata: { noStore: true; openapi: OpenApiOperation };
      },
      TaskgateToken
    >;
  };
};
