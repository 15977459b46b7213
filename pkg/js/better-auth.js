// Better Auth server plugin: `GET {basePath}/taskgate/token` mints a short-lived TaskGate token
// (docs/contract.md section 1) for the current session, signed with the secret Better Auth
// itself resolved (`secrets` / BETTER_AUTH_SECRETS: the current version, `kid` = version; else
// `secret` / BETTER_AUTH_SECRET). Signing is the package's own (`sign`, the Rust crate in Wasm).
//
//   import { taskgate } from 'taskgate-verify/better-auth';
//   export const auth = betterAuth({ plugins: [taskgate({ expiresIn: 900 })] });
//   await auth.$context; // at start-up: a weak or default secret rejects here
import { APIError, createAuthEndpoint, sensitiveSessionMiddleware, sessionMiddleware } from 'better-auth/api';
import { BetterAuthError } from 'better-auth';
import { sign, LIMITS } from '#platform';

/** The secret Better Auth falls back to when none is configured (never safe to sign with). */
const BETTER_AUTH_DEFAULT_SECRET = 'better-auth-secret-12345678901234567890';
/** The shortest key the verifier accepts (the crate's limit). */
const MIN_SECRET_BYTES = LIMITS.min_key_bytes;
const DEFAULT_EXPIRES_IN = 900;
const MAX_EXPIRES_IN = 31_536_000; // one year: a token is meant to be short-lived

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
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '')) fail('options.issuer must be a non-empty string');
  const audiences = audience === undefined ? [] : Array.isArray(audience) ? audience : [audience];
  if (audiences.some((a) => typeof a !== 'string' || a === '') || (Array.isArray(audience) && audience.length === 0)) {
    fail('options.audience must be a non-empty string or a non-empty array of them');
  }
  if (typeof authoritativeSession !== 'boolean') fail('options.authoritativeSession must be true or false');
  return { expiresIn, issuer, audience, authoritativeSession };
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
  const which = version === null
    ? 'Better Auth secret ("secret" option or BETTER_AUTH_SECRET)'
    : `Better Auth secret (version ${version} of "secrets" or BETTER_AUTH_SECRETS)`;
  if (typeof value !== 'string' || value === '') {
    fail(`there is no current ${which}. Set BETTER_AUTH_SECRET (or the "secret" option) to at least ${MIN_SECRET_BYTES} random bytes, e.g. the output of \`openssl rand -base64 32\`.`);
  }
  if (value === BETTER_AUTH_DEFAULT_SECRET) {
    fail(`Better Auth is using its built-in default secret, which is public: TaskGate tokens signed with it could be forged by anyone. Set BETTER_AUTH_SECRET (or the "secret" option) to at least ${MIN_SECRET_BYTES} random bytes, e.g. the output of \`openssl rand -base64 32\`.`);
  }
  const bytes = new TextEncoder().encode(value).length;
  if (bytes < MIN_SECRET_BYTES) {
    fail(`the current ${which} is ${bytes} bytes long; HS256 keys must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 3.2), and the TaskGate verifier refuses shorter ones (weak_key). Use a longer random secret, e.g. the output of \`openssl rand -base64 32\`.`);
  }
  if (version === null) return value;
  if (!Number.isSafeInteger(version) || version < 0) fail(`the current secret's version must be a whole number (got ${String(version)})`);
  // The ring format (what TaskGate's BETTER_AUTH_SECRETS holds too) cannot carry these.
  if (value.includes(',') || value !== value.trimEnd()) {
    fail(`the current secret (version ${version}) contains a comma or ends with whitespace, which the BETTER_AUTH_SECRETS format "version:value,..." cannot carry, so the TaskGate verifier could not hold it. Use a secret without them.`);
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
 *
 * @type {typeof import('./better-auth.js').taskgate} the declared type (better-auth.d.ts)
 */
export const taskgate = (options = {}) => {
  const opts = checkOptions(options);
  return {
    id: 'taskgate',
    options,
    init(ctx) {
      // Fail at start-up (it rejects `auth.$context`, every `auth.api` call and request) rather
      // than at the first token: a weak or default secret is a configuration error.
      signingKey(ctx);
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
                          token: { type: 'string', description: 'HS256 JWT: sub, sid, email, iat, exp (iss, aud when configured)' },
                          expiresAt: { type: 'number', description: 'The token\'s exp, in seconds since the epoch' },
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
