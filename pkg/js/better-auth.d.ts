import type { AuthContext, BetterAuthPlugin, EndpointOptions, StrictEndpoint } from 'better-auth';
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
  /**
   * Ending sessions (docs/revocation.md): when a session ends, tell the TaskGate Worker so that its
   * API refuses the session's tokens at once instead of when they expire. Default: on when the
   * environment has TASKGATE_REVOCATION_URL, else off (with a start-up warning when `expiresIn` >
   * 300); `false`: off whatever the environment says. Needs the plugin's table
   * (`taskgateRevocation`, from Better Auth's migrations).
   */
  revocation?: TaskgateRevocationOptions | false;
}

export interface TaskgateRevocationOptions {
  /**
   * The Worker's `POST /revocations` URL, e.g. `https://tasks.example.com/revocations` (default:
   * TASKGATE_REVOCATION_URL). `https:`, or plain `http:` for localhost only.
   */
  url?: string;
  /** How long the session-ending response waits for the Worker, in ms (100 to 10000; default 1000). */
  timeout?: number;
}

/** One revocation, as recorded and sent (seconds since the epoch). */
export type RevocationEntry =
  /** One session: tokens whose session id is `sid`, until `until`. */
  | { kind: 'session'; sid: string; sub: string; until: number }
  /** Every session of a user: tokens of `sub` with `iat` < `before`, until `until`. */
  | { kind: 'user'; sub: string; before: number; until: number };

type Field<T extends 'string' | 'number' | 'date', R extends boolean> = {
  type: T;
  required: R;
  index?: boolean;
  bigint?: boolean;
};

/** The plugin's table (Better Auth `schema`; Better Auth's migrations create it). A type, not an interface: Better Auth's schema type is an index signature. */
export type TaskgateRevocationSchema = {
  taskgateRevocation: {
    fields: {
      kind: Field<'string', true>;
      sid: Field<'string', false>;
      sub: Field<'string', true>;
      issuedBefore: Field<'number', false>;
      until: Field<'number', true>;
      state: Field<'string', true>;
      attempts: Field<'number', true>;
      nextAttemptAt: Field<'number', true>;
      createdAt: Field<'date', true>;
    };
  };
};

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
 * With `revocation`, every session Better Auth ends is recorded and sent to the Worker
 * (docs/revocation.md).
 */
export declare const taskgate: (options?: TaskgateOptions) => {
  id: 'taskgate';
  options: TaskgateOptions;
  /** The revocation table (present whether or not revocation is on). */
  schema: TaskgateRevocationSchema;
  init(ctx: AuthContext): void;
  /** Revocation: `before` sends due retries in the background, `after` sends what the request ended. */
  hooks: Required<NonNullable<BetterAuthPlugin['hooks']>>;
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
