// Better Auth server plugin: `GET {basePath}/taskgate/token` mints a short-lived TaskGate token
// (docs/contract.md section 1) for the current session, signed with the secret Better Auth
// itself resolved (`secrets` / BETTER_AUTH_SECRETS: the current version, `kid` = version; else
// `secret` / BETTER_AUTH_SECRET). Signing is the package's own (`sign`, the Rust crate in Wasm).
// With `revocation: { url }` (or TASKGATE_REVOCATION_URL) it also tells the TaskGate Worker when
// a session ends (docs/revocation.md): revocation-capture.js catches the ends, revocation.js
// records and delivers them.
//
//   import { taskgate } from 'taskgate-verify/better-auth';
//   export const auth = betterAuth({ plugins: [taskgate({ expiresIn: 900 })] });
//   await auth.$context; // at start-up: a weak or default secret rejects here
import {
  APIError,
  createAuthEndpoint,
  createAuthMiddleware,
  sensitiveSessionMiddleware,
  sessionMiddleware,
} from 'better-auth/api';
import { BetterAuthError } from 'better-auth';
// The full build: its signRevocation (the Next.js helper loads the same one).
import * as platform from '#full';
import { createOutbox, revocationConfig, schema } from './revocation.js';
import { captureSessionEnds } from './revocation-capture.js';

const { sign, LIMITS } = platform;
/**
 * The crate's `sign_revocation` (typ taskgate-revocation+jwt, aud taskgate:revocations, exp
 * now + 60), taking keys as `sign` does. Read from the namespace: a build without it still loads.
 * @type {((keys: string | { secrets: string }, nowSeconds: number) => string) | undefined}
 */
const signRevocation = /** @type {any} */ (platform).signRevocation;

/** The secret Better Auth falls back to when none is configured (never safe to sign with). */
const BETTER_AUTH_DEFAULT_SECRET = 'better-auth-secret-12345678901234567890';
/** The shortest key the verifier accepts (the crate's limit). */
const MIN_SECRET_BYTES = LIMITS.min_key_bytes;
const DEFAULT_EXPIRES_IN = 900;
const MAX_EXPIRES_IN = 31_536_000; // one year: a token is meant to be short-lived
/** Without revocation, a longer `expiresIn` gets a start-up warning. */
const WARN_EXPIRES_IN = 300;
/** The jwt() plugin's default `expirationTime` ("15m"). */
const JWT_DEFAULT_SECONDS = 900;
/** Better Auth's default `session.cookieCache.maxAge`. */
const COOKIE_CACHE_DEFAULT_SECONDS = 300;
/** A session younger than this may have been created in the second of a user-wide revocation. */
const YOUNG_SESSION_MS = 2000;

/** @type {(message: string) => never} */
const fail = (message) => {
  throw new BetterAuthError(`taskgate: ${message}`);
};

/** @param {import('./better-auth.js').TaskgateOptions} options */
function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('options must be an object');
  const { expiresIn = DEFAULT_EXPIRES_IN, issuer, audience, authoritativeSession = true } = options;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    fail(`options.expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}`);
  }
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === ''))
    fail('options.issuer must be a non-empty string');
  const audiences = audience === undefined ? [] : Array.isArray(audience) ? audience : [audience];
  if (audiences.some((a) => typeof a !== 'string' || a === '') || (Array.isArray(audience) && audience.length === 0)) {
    fail('options.audience must be a non-empty string or a non-empty array of them');
  }
  if (typeof authoritativeSession !== 'boolean') fail('options.authoritativeSession must be true or false');
  const env = /** @type {Record<string, string | undefined>} */ (globalThis.process?.env ?? {});
  const revocation = revocationConfig(options.revocation, env, fail);
  return { expiresIn, issuer, audience, authoritativeSession, revocation };
}

/** Better Auth's time units (utils/time.mjs), in seconds. */
const UNITS = /** @type {[RegExp, number][]} */ ([
  [/^(?:s|secs?|seconds?)$/, 1],
  [/^(?:m|mins?|minutes?)$/, 60],
  [/^(?:h|hrs?|hours?)$/, 3600],
  [/^(?:d|days?)$/, 86400],
  [/^(?:w|weeks?)$/, 604800],
  [/^(?:mo|months?)$/, 2592000],
  [/^(?:y|yrs?|years?)$/, 31557600],
]);
/** Seconds in a time span as Better Auth and jose write it ("15m", "2 hours", "30s"), or NaN. @param {string} span */
function spanSeconds(span) {
  const m = /^\+? ?(\d+(?:\.\d+)?) ?([a-z]+)(?: from now)?$/i.exec(span.trim());
  const unit = m && UNITS.find(([re]) => re.test(m[2].toLowerCase()));
  return m && unit ? Math.ceil(Number(m[1]) * unit[1]) : Number.NaN;
}

/**
 * How long the tokens a revocation must cover can live (docs/revocation.md): the plugin's
 * (`expiresIn`), the session cookie cache's (`session.cookieCache.maxAge`, when enabled) and,
 * for user entries, the jwt() plugin's (`jwt.expirationTime`, default 15 minutes). With
 * `authoritativeSession: false` a plugin token can still be minted from the cookie cache for up to
 * its maxAge after the session ended, and then lives `expiresIn`.
 * @param {import('better-auth').AuthContext} ctx @param {{ expiresIn: number, authoritativeSession: boolean }} opts
 */
function lifetimesOf(ctx, { expiresIn, authoritativeSession }) {
  const cache = ctx.options.session?.cookieCache;
  const cacheSeconds = cache?.enabled ? Number(cache.maxAge) || COOKIE_CACHE_DEFAULT_SECONDS : 0;
  let jwtSeconds = 0;
  const jwtPlugin = /** @type {any} */ (ctx.options.plugins?.find((p) => p.id === 'jwt'));
  if (jwtPlugin) {
    const exp = jwtPlugin.options?.jwt?.expirationTime ?? '15m';
    const now = Date.now() / 1000;
    // A number or a Date is an absolute exp (as the jwt() plugin reads it); a string is a span.
    jwtSeconds =
      typeof exp === 'number' ? exp - now : exp instanceof Date ? exp.getTime() / 1000 - now : spanSeconds(String(exp));
    if (!Number.isFinite(jwtSeconds)) {
      ctx.logger.warn(
        `taskgate: cannot read the jwt() plugin's expirationTime; user-wide revocations cover its tokens for ${JWT_DEFAULT_SECONDS} s`,
      );
      jwtSeconds = JWT_DEFAULT_SECONDS;
    }
    jwtSeconds = Math.max(0, Math.ceil(jwtSeconds));
  }
  const pluginSeconds = authoritativeSession ? expiresIn : expiresIn + cacheSeconds;
  const sessionSeconds = Math.max(pluginSeconds, cacheSeconds);
  return { sessionSeconds, userSeconds: Math.max(sessionSeconds, jwtSeconds) };
}

/**
 * The outbox of each Better Auth instance, by its database adapter (the one object every copy
 * of its context shares).
 * @type {WeakMap<object, ReturnType<typeof createOutbox>>}
 */
const outboxes = new WeakMap();
/** The capture of each Better Auth instance (by its adapter), for hooks.before. @type {WeakMap<object, (internalAdapter: any) => void>} */
const captures = new WeakMap();

/**
 * Starts revocation for one Better Auth instance: the outbox, and the capture on its internal
 * adapter. Better Auth builds that adapter after every plugin's `init` (runPluginInit), so the
 * capture is put on the context's `internalAdapter` property; `hooks.before` checks it again.
 * @param {import('better-auth').AuthContext} ctx
 * @param {{ url: string, timeoutMs: number }} config
 * @param {{ expiresIn: number, authoritativeSession: boolean }} opts
 */
function startRevocation(ctx, config, opts) {
  if (typeof signRevocation !== 'function') {
    fail(
      'this build of taskgate-verify cannot sign revocation tokens (no signRevocation); update the package or turn revocation off',
    );
  }
  const adapter = ctx.adapter;
  const outbox = createOutbox({
    ...config,
    db: () => adapter,
    logger: ctx.logger,
    sign: (now) => signRevocation(signingKey(ctx), now),
  });
  outboxes.set(adapter, outbox);
  const lifetimes = lifetimesOf(ctx, opts);
  /** @param {any} internalAdapter */
  const capture = (internalAdapter) => captureSessionEnds(internalAdapter, { adapter, recorder: outbox, lifetimes });
  capture(ctx.internalAdapter);
  let current = ctx.internalAdapter;
  try {
    Object.defineProperty(ctx, 'internalAdapter', {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (value) => {
        capture(value);
        current = value;
      },
    });
  } catch {
    /* a sealed context: hooks.before captures it on the first request */
  }
  captures.set(adapter, capture);
  outbox.start();
}

/**
 * The key Better Auth signs with, as `sign` takes it: with versioned secrets (`secrets` option or
 * BETTER_AUTH_SECRETS, `secretConfig = { keys, currentVersion }`) the ring `"<version>:<value>"`
 * of the current one (so the header gets `kid: "<version>"`); else the single secret string.
 * Throws a BetterAuthError naming the problem (never the secret) when TaskGate cannot use it.
 * @param {Pick<import('better-auth').AuthContext, 'secret' | 'secretConfig'>} authContext
 * @returns {string | { secrets: string }}
 */
function signingKey(authContext) {
  const config = authContext.secretConfig;
  /** @type {string | undefined} */
  let value;
  /** @type {number | null} */
  let version = null;
  if (config && typeof config === 'object' && config.keys instanceof Map) {
    version = config.currentVersion;
    value = config.keys.get(version);
  } else {
    value = typeof config === 'string' ? config : authContext.secret;
  }
  const which =
    version === null
      ? 'Better Auth secret ("secret" option or BETTER_AUTH_SECRET)'
      : `Better Auth secret (version ${version} of "secrets" or BETTER_AUTH_SECRETS)`;
  if (typeof value !== 'string' || value === '') {
    fail(
      `there is no current ${which}. Set BETTER_AUTH_SECRET (or the "secret" option) to at least ${MIN_SECRET_BYTES} random bytes, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  if (value === BETTER_AUTH_DEFAULT_SECRET) {
    fail(
      `Better Auth is using its built-in default secret, which is public: TaskGate tokens signed with it could be forged by anyone. Set BETTER_AUTH_SECRET (or the "secret" option) to at least ${MIN_SECRET_BYTES} random bytes, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  const bytes = new TextEncoder().encode(value).length;
  if (bytes < MIN_SECRET_BYTES) {
    fail(
      `the current ${which} is ${bytes} bytes long; HS256 keys must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 3.2), and the TaskGate verifier refuses shorter ones (weak_key). Use a longer random secret, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  if (version === null) return value;
  if (!Number.isSafeInteger(version) || version < 0)
    fail(`the current secret's version must be a whole number (got ${String(version)})`);
  // The ring format (what TaskGate's BETTER_AUTH_SECRETS holds too) cannot carry these.
  if (value.includes(',') || value !== value.trimEnd()) {
    fail(
      `the current secret (version ${version}) contains a comma or ends with whitespace, which the BETTER_AUTH_SECRETS format "version:value,..." cannot carry, so the TaskGate verifier could not hold it. Use a secret without them.`,
    );
  }
  return { secrets: `${version}:${value}` };
}

/**
 * The TaskGate plugin for Better Auth.
 *
 * Options:
 * - `expiresIn` (seconds, default 900): the token's lifetime, capped by the session's expiry.
 * - `issuer`, `audience`: set the `iss` / `aud` claims (configure the verifier with the same).
 * - `authoritativeSession` (default true): read the session from Better Auth's session store
 *   (`sensitiveSessionMiddleware`), bypassing the cookie cache, so a signed-out or revoked session
 *   cannot mint tokens; `false` uses `sessionMiddleware`, which trusts the cookie cache
 *   (`session.cookieCache`) until it expires: one database read less per token.
 * - `revocation`: `{ url, timeout? }` (or TASKGATE_REVOCATION_URL; `false`: off): when a session
 *   ends, tell the TaskGate Worker at `url` (its `/revocations`) so the API refuses the session's
 *   tokens at once (docs/revocation.md). Adds the table `taskgateRevocation` (run Better Auth's
 *   migrations).
 *
 * @type {typeof import('./better-auth.js').taskgate} the declared type (better-auth.d.ts)
 */
export const taskgate = (options = {}) => {
  const opts = checkOptions(options);
  return {
    id: 'taskgate',
    options,
    // Always present (with revocation off it is never written): a schema that changed with an
    // environment variable would leave the database of the environment that matters without it.
    schema,
    init(ctx) {
      // Fail at start-up (it rejects `auth.$context`, every `auth.api` call and request) rather
      // than at the first token: a weak or default secret is a configuration error.
      signingKey(ctx);
      if (opts.revocation) startRevocation(ctx, opts.revocation, opts);
      else if (opts.expiresIn > WARN_EXPIRES_IN) {
        ctx.logger.warn(
          `taskgate: revocation is off (no revocation.url, no TASKGATE_REVOCATION_URL), so a TaskGate token keeps working at the API after its session ends, for up to expiresIn = ${opts.expiresIn} s. Set TASKGATE_REVOCATION_URL to the Worker's /revocations, or lower expiresIn.`,
        );
      }
    },
    hooks: {
      before: [
        {
          // A retry is due (or it is time to look for rows left by a process that died): send
          // in the background (Better Auth's runInBackground: waitUntil where configured), so it
          // works where no timer survives. Cheap when nothing is due: one comparison.
          matcher: (context) => {
            const adapter = context.context?.adapter;
            const outbox = adapter && outboxes.get(adapter);
            if (!outbox) return false;
            captures.get(adapter)?.(context.context.internalAdapter);
            return outbox.isDue();
          },
          handler: createAuthMiddleware(async (ctx) => {
            const outbox = outboxes.get(ctx.context.adapter);
            if (outbox?.isDue()) ctx.context.runInBackground(outbox.flush());
          }),
        },
      ],
      after: [
        {
          // Sessions ended during this request (or another one that just did): send before the
          // response goes out, so the API refuses their tokens by the time the client has it.
          // Waits at most about the timeout; a send still under way then finishes on its own.
          matcher: (context) => Boolean(outboxes.get(context.context?.adapter)?.hasUnsent()),
          handler: createAuthMiddleware(async (ctx) => {
            await outboxes.get(ctx.context.adapter)?.sendNow();
          }),
        },
      ],
    },
    endpoints: {
      getTaskgateToken: createAuthEndpoint(
        '/taskgate/token',
        {
          method: 'GET',
          requireHeaders: true,
          use: [opts.authoritativeSession ? sensitiveSessionMiddleware : sessionMiddleware],
          // noStore: Cache-Control: no-store and Pragma: no-cache on every answer.
          metadata: {
            noStore: true,
            openapi: {
              operationId: 'getTaskgateToken',
              description: 'A short-lived HS256 token for the TaskGate API, for the current session',
              responses: {
                200: {
                  description: 'The token and when it expires',
                  content: {
                    'application/json': {
                      schema: {
                        type: 'object',
                        properties: {
                          token: {
                            type: 'string',
                            description: 'HS256 JWT: sub, sid, email, iat, exp (iss, aud when configured)',
                          },
                          expiresAt: { type: 'number', description: "The token's exp, in seconds since the epoch" },
                        },
                        required: ['token', 'expiresAt'],
                      },
                    },
                  },
                },
              },
            },
          },
        },
        async (ctx) => {
          const { session, user } = ctx.context.session;
          const outbox = outboxes.get(ctx.context.adapter);
          if (outbox && Date.now() - new Date(session.createdAt).getTime() < YOUNG_SESSION_MS) {
            // A session created in the second of a user-wide revocation (change-password makes
            // one): its tokens need iat >= that revocation's `before`, so wait for that second.
            const before = await outbox.userRevokedUntil(String(user.id));
            // A loop: a timer may fire a millisecond before Date.now() reaches its time (seen in CI:
            // the token then had iat = before - 1 and was born revoked).
            while (Date.now() < before * 1000) {
              await new Promise((resolve) => setTimeout(resolve, before * 1000 - Date.now() + 1));
            }
          }
          const now = Math.floor(Date.now() / 1000);
          const sessionEnds = Math.floor(new Date(session.expiresAt).getTime() / 1000);
          if (!Number.isFinite(sessionEnds) || sessionEnds <= now) {
            throw APIError.from('UNAUTHORIZED', { message: 'Unauthorized', code: 'UNAUTHORIZED' });
          }
          const exp = Math.min(now + opts.expiresIn, sessionEnds);
          /** @type {Record<string, unknown>} */
          const claims = { sub: String(user.id), sid: String(session.id) };
          if (typeof user.email === 'string' && user.email !== '') claims.email = user.email;
          if (opts.issuer !== undefined) claims.iss = opts.issuer;
          if (opts.audience !== undefined) claims.aud = opts.audience;
          claims.iat = now;
          claims.exp = exp;
          const token = sign(claims, signingKey(ctx.context));
          return ctx.json({ token, expiresAt: exp });
        },
      ),
    },
  };
};
