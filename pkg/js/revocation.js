// Ending sessions (docs/revocation.md, contract section 4), the Better Auth side: an outbox of
// revocations in Better Auth's own database (the plugin table `taskgateRevocation`, created by
// Better Auth's migrations), delivered to the Worker's `POST /revocations` and resent until the
// Worker acknowledges them (204) or nothing they cover can still be valid (`until`).
//
// Nothing here knows how a session ends (revocation-capture.js does) nor how the token is signed
// (the plugin passes `sign`). The database is reached only through Better Auth's adapter API
// (`create`, `findMany`, `updateMany`, `deleteMany`), so every database Better Auth supports works.
// Why one file of about 480 lines: the outbox is one state machine (record, send, resend, give up,
// forget) over one table; its parts share that state and read best together.

/** The plugin table's model name. */
export const MODEL = 'taskgateRevocation';

/**
 * The plugin table (Better Auth `schema`): one row per revocation. Times are whole seconds
 * since the epoch, except `nextAttemptAt` (milliseconds).
 * @type {import('./better-auth.js').TaskgateRevocationSchema}
 */
export const schema = {
  [MODEL]: {
    fields: {
      /** `session` (one session, by `sid`) or `user` (every token of `sub` issued before `issuedBefore`). */
      kind: { type: 'string', required: true },
      /** The session's id (kind `session`). */
      sid: { type: 'string', required: false, index: true },
      /** The user's id. */
      sub: { type: 'string', required: true, index: true },
      /** Kind `user`: tokens with `iat` earlier than this are revoked (the body's `before`). */
      issuedBefore: { type: 'number', required: false, bigint: true },
      /** When every token the entry could touch has expired: the row is deleted after it. */
      until: { type: 'number', required: true, bigint: true },
      /** `pending` (not yet acknowledged), `acked` (the Worker answered 204), `refused` (a 4xx: given up). */
      state: { type: 'string', required: true, index: true },
      /** Deliveries tried so far. */
      attempts: { type: 'number', required: true },
      /** When to try next, in milliseconds since the epoch (also a lease while a send is under way). */
      nextAttemptAt: { type: 'number', required: true, bigint: true },
      createdAt: { type: 'date', required: true },
    },
  },
};

/** How long one delivery may take (request and answer), by default. */
export const DEFAULT_TIMEOUT_MS = 1000;
/** The longest wait between two tries while the Worker cannot be reached (ms). */
export const MAX_BACKOFF_MS = 3000;
/** How often a process looks for due rows when it knows of none (rows of a process that died). */
const IDLE_CHECK_MS = 60_000;
/** The most entries of one kind in one body (the crate's MAX_REVOCATION_ENTRIES). */
const MAX_BATCH = 1000;
/** The most rows read per round. */
const MAX_READ = 2 * MAX_BATCH;
/** A row recorded but not yet seen by a send is forgotten by this process after this (ms). */
const UNSENT_TTL_MS = 10_000;
/** The longest Retry-After honoured (s). */
const MAX_RETRY_AFTER = 60;

/** @param {number} ms */
export const seconds = (ms) => Math.floor(ms / 1000);

/** The wait after the `attempts`-th failed try: 1, 2, 3, 3, ... s. @param {number} attempts */
export const backoff = (attempts) => Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

/**
 * @typedef {import('./better-auth.js').RevocationEntry} RevocationEntry
 * @typedef {{ id: string, kind: string, sid?: string | null, sub: string, issuedBefore?: number | string | null,
 *   until: number | string, state: string, attempts: number | string, nextAttemptAt: number | string }} Row
 * @typedef {{ create: Function, findMany: Function, updateMany: Function, deleteMany: Function }} Db
 * @typedef {{ error: Function, warn: Function, info: Function, debug?: Function }} Logger
 */

/**
 * The revocation URL from the option and the environment: `revocation: false` is off; else
 * `revocation.url`, else `env.TASKGATE_REVOCATION_URL`; none is off (`null`). `https:` is
 * required (plain `http:` only for loopback hosts): the bearer token would otherwise cross the
 * network in the clear. Throws (through `fail`) on anything else.
 * @param {import('./better-auth.js').TaskgateRevocationOptions | false | undefined} option
 * @param {Record<string, string | undefined>} env
 * @param {(message: string) => never} fail
 * @returns {{ url: string, timeoutMs: number } | null}
 */
export function revocationConfig(option, env, fail) {
  if (option === false) return null;
  if (option !== undefined && (option === null || typeof option !== 'object' || Array.isArray(option))) {
    fail('options.revocation must be an object ({ url }) or false');
  }
  const { url: given, timeout = DEFAULT_TIMEOUT_MS, ...rest } = option ?? {};
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`options.revocation has unknown member(s): ${unknown.join(', ')}`);
  if (!Number.isInteger(timeout) || timeout < 100 || timeout > 10_000) {
    fail('options.revocation.timeout must be a whole number of milliseconds from 100 to 10000');
  }
  const fromEnv = env.TASKGATE_REVOCATION_URL;
  const raw = given ?? (typeof fromEnv === 'string' && fromEnv.trim() !== '' ? fromEnv.trim() : undefined);
  if (raw === undefined) return null;
  const where = given !== undefined ? 'options.revocation.url' : 'TASKGATE_REVOCATION_URL';
  if (typeof raw !== 'string') fail(`${where} must be a string`);
  /** @type {URL} */
  let url;
  try {
    url = new URL(raw);
  } catch {
    return fail(`${where} is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail(
      `${where} must be an https: URL (plain http: only for localhost): the revocation token must not cross the network in the clear`,
    );
  }
  if (url.username !== '' || url.password !== '') fail(`${where} must not carry a user name or password`);
  return { url: url.href, timeoutMs: timeout };
}

/**
 * The outbox of one Better Auth instance.
 *
 * - `record(entries, db)` writes rows (in `db`, the caller's transaction when there is one);
 *   `undo(ids, db)` deletes them again (the session did not end after all).
 * - `flush()` sends every due row (at most one run at a time; a call while a run is under way
 *   gets the next run, which reads rows recorded before the call). It never throws. `sendNow()`
 *   waits for it at most about the timeout.
 * - `hasUnsent()`: rows recorded by this process that no send has read yet (the plugin's
 *   `hooks.after` awaits a flush then, so the session-ending response leaves after the send).
 * - `isDue()`: a request should start a flush in the background (a retry is due, or it is time to
 *   look for rows of a process that died).
 * - `userRevokedUntil(sub)`: the latest `issuedBefore` of a user entry still in the future.
 * - A timer (unref'd: it never keeps the process alive) retries while rows are pending.
 *
 * @param {{ url: string, timeoutMs: number, db: () => Db, logger: Logger, sign: (nowSeconds: number) => string,
 *   fetch?: typeof fetch, now?: () => number }} options
 */
export function createOutbox({ url, timeoutMs, db, logger, sign, fetch: fetchImpl, now = Date.now }) {
  const send = fetchImpl ?? ((/** @type {any} */ input, /** @type {any} */ init) => globalThis.fetch(input, init));
  /** Rows recorded here and not yet read by a send: id -> when recorded (ms). */
  const unsent = new Map();
  /** When a request should next start a flush (ms). */
  let checkAt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let timerAt = Number.POSITIVE_INFINITY;
  /** @type {Promise<void>} */
  let chain = Promise.resolve();
  /** @type {Promise<void> | null} */
  let queued = null;
  /** What was logged already (each problem once, and once again after it cleared). */
  const logged = new Set();
  let unreachable = false;

  /** @param {string} key @param {'error' | 'warn' | 'info'} level @param {string} message */
  const logOnce = (key, level, message) => {
    if (logged.has(key)) return;
    logged.add(key);
    logger[level](`taskgate: ${message}`);
  };

  /** Arms the timer for `at` (ms), unless it is armed for earlier. @param {number} at */
  const schedule = (at) => {
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = Number.POSITIVE_INFINITY;
        void flush();
      },
      Math.max(0, at - now()),
    );
    /** @type {any} */ (timer)?.unref?.();
  };

  /**
   * @param {RevocationEntry[]} entries
   * @param {Db} [into] the adapter to write with (the current transaction's); default the base one
   * @returns {Promise<string[]>} the new rows' ids
   */
  async function record(entries, into) {
    const target = into ?? db();
    const t = now();
    /** @type {string[]} */
    const ids = [];
    for (const entry of await fresh(entries, target)) {
      const row = await target.create({
        model: MODEL,
        data: {
          kind: entry.kind,
          sid: entry.kind === 'session' ? entry.sid : null,
          sub: entry.sub,
          issuedBefore: entry.kind === 'user' ? entry.before : null,
          until: entry.until,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: t,
          createdAt: new Date(t),
        },
      });
      ids.push(String(row.id));
      unsent.set(String(row.id), t);
    }
    if (ids.length > 0) schedule(t + 250); // the safety net when no hooks.after runs (see flush)
    return ids;
  }

  /**
   * `entries` without those already recorded: a session ended twice (the same `sid`), a user's
   * sessions ended twice in the same second (`remove-user` and `delete-user` do it in one
   * request: the same `sub` and `before`). A later `before` is a new entry: it covers more.
   * @param {RevocationEntry[]} entries @param {Db} target
   */
  async function fresh(entries, target) {
    const sids = [...new Set(entries.flatMap((e) => (e.kind === 'session' ? [e.sid] : [])))];
    /** @type {Set<string>} */
    const known = new Set();
    if (sids.length > 0) {
      /** @type {Row[]} */
      const rows = await target.findMany({
        model: MODEL,
        where: [
          { field: 'kind', value: 'session' },
          { field: 'sid', operator: 'in', value: sids },
        ],
      });
      for (const r of rows) known.add(`s:${r.sid}`);
    }
    for (const e of entries) {
      if (e.kind !== 'user' || known.has(`u:${e.sub}:${e.before}`)) continue;
      /** @type {Row[]} */
      const rows = await target.findMany({
        model: MODEL,
        where: [
          { field: 'kind', value: 'user' },
          { field: 'sub', value: e.sub },
          { field: 'issuedBefore', value: e.before },
        ],
        limit: 1,
      });
      if (rows.length > 0) known.add(`u:${e.sub}:${e.before}`);
    }
    return entries.filter((e) => {
      const key = e.kind === 'session' ? `s:${e.sid}` : `u:${e.sub}:${e.before}`;
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
  }

  /** @param {string[]} ids @param {Db} [into] */
  async function undo(ids, into) {
    if (ids.length === 0) return;
    for (const id of ids) unsent.delete(id);
    await (into ?? db()).deleteMany({ model: MODEL, where: [{ field: 'id', operator: 'in', value: ids }] });
  }

  /**
   * What the `sub` of a user entry still has to wait for: the largest `issuedBefore` (s) later
   * than now, or 0.
   * @param {string} sub
   */
  async function userRevokedUntil(sub) {
    const t = seconds(now());
    /** @type {Row[]} */
    const rows = await db().findMany({
      model: MODEL,
      where: [
        { field: 'sub', value: sub },
        { field: 'kind', value: 'user' },
        { field: 'issuedBefore', operator: 'gt', value: t },
      ],
      limit: 10,
    });
    return rows.reduce((max, r) => Math.max(max, Number(r.issuedBefore)), 0);
  }

  /**
   * One POST. Returns `acked`, `refused` (a 4xx other than 429), or `retry` (with the wait
   * Retry-After asked for, in seconds, when it did).
   * @param {{ sessions: object[], users: object[] }} body
   * @returns {Promise<{ outcome: 'acked' | 'refused' | 'retry', status: number, code?: string, retryAfter?: number, error?: string }>}
   */
  async function post(body) {
    let token;
    try {
      token = sign(seconds(now()));
    } catch (e) {
      return {
        outcome: 'retry',
        status: 0,
        error: `the revocation token could not be signed (${/** @type {any} */ (e)?.message ?? e})`,
      };
    }
    let response;
    try {
      response = await send(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const error =
        /** @type {any} */ (e)?.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : String(/** @type {any} */ (e)?.cause?.code ?? /** @type {any} */ (e)?.name ?? 'fetch failed');
      return { outcome: 'retry', status: 0, error };
    }
    const { status } = response;
    /** @type {string | undefined} */
    let code;
    try {
      // Only the error code is ever logged (never the body, never the token).
      let text = '';
      if (status >= 400 && status < 500) text = await response.text();
      else await response.body?.cancel();
      const parsed = text ? JSON.parse(text) : undefined;
      const candidate = parsed?.error?.code ?? parsed?.code ?? parsed?.error;
      if (typeof candidate === 'string' && /^[a-z_]{1,40}$/.test(candidate)) code = candidate;
    } catch {
      /* no JSON, or the body timed out: the status decides */
    }
    if (status === 204) return { outcome: 'acked', status };
    if (status === 429) {
      const after = Number(response.headers.get('retry-after'));
      return {
        outcome: 'retry',
        status,
        retryAfter: Number.isFinite(after) && after > 0 ? Math.min(after, MAX_RETRY_AFTER) : undefined,
      };
    }
    if (status >= 400 && status < 500) return { outcome: 'refused', status, code };
    return { outcome: 'retry', status };
  }

  /** Updates `rows` (grouped by their attempts, as updateMany sets one value). @param {Row[]} rows @param {(attempts: number) => object} update */
  async function updateRows(rows, update) {
    /** @type {Map<number, string[]>} */
    const byAttempts = new Map();
    for (const r of rows) {
      const a = Number(r.attempts);
      byAttempts.set(a, [...(byAttempts.get(a) ?? []), String(r.id)]);
    }
    for (const [attempts, ids] of byAttempts) {
      await db().updateMany({
        model: MODEL,
        where: [{ field: 'id', operator: 'in', value: ids }],
        update: update(attempts),
      });
    }
  }

  /** One round: purge, read, send the due rows, record the outcome. Returns whether more are due at once. */
  async function round() {
    const t = now();
    const ts = seconds(t);
    await db().deleteMany({ model: MODEL, where: [{ field: 'until', operator: 'lte', value: ts }] });
    /** @type {Row[]} */
    const pending = await db().findMany({
      model: MODEL,
      where: [{ field: 'state', value: 'pending' }],
      sortBy: { field: 'nextAttemptAt', direction: 'asc' },
      limit: MAX_READ,
    });
    for (const r of pending) unsent.delete(String(r.id));
    for (const [id, at] of unsent) if (t - at > UNSENT_TTL_MS) unsent.delete(id);
    const due = pending.filter((r) => Number(r.nextAttemptAt) <= t && Number(r.until) > ts);
    const sessions = due.filter((r) => r.kind === 'session').slice(0, MAX_BATCH);
    const users = due.filter((r) => r.kind === 'user').slice(0, MAX_BATCH);
    const batch = [...sessions, ...users];
    const inBatch = new Set(batch);
    const later = pending.filter((r) => !inBatch.has(r)).map((r) => Number(r.nextAttemptAt));
    const nextAt = later.length > 0 ? Math.max(Math.min(...later), t) : Number.POSITIVE_INFINITY;
    if (batch.length === 0) {
      finish(nextAt);
      return false;
    }
    // A lease: other processes (and this one's next round) leave these rows alone while they are sent.
    await updateRows(batch, () => ({ nextAttemptAt: t + timeoutMs + 1000 }));
    const body = {
      sessions: sessions.map((r) => ({ sid: String(r.sid), sub: r.sub, until: Number(r.until) })),
      users: users.map((r) => ({ sub: r.sub, before: Number(r.issuedBefore), until: Number(r.until) })),
    };
    const result = await post(body);
    const after = now();
    if (result.outcome === 'acked') {
      await updateRows(batch, (a) => ({ state: 'acked', attempts: a + 1 }));
      if (unreachable)
        logger.info(`taskgate: the revocation URL answers again; ${batch.length} revocation(s) delivered`);
      unreachable = false;
      logged.delete('unreachable');
    } else if (result.outcome === 'refused') {
      await updateRows(batch, (a) => ({ state: 'refused', attempts: a + 1 }));
      logOnce(
        `refused-${result.status}-${result.code ?? ''}`,
        'error',
        `the revocation URL refused ${batch.length} revocation(s) with HTTP ${result.status}${result.code ? ` (${result.code})` : ''}; they are not sent again. ` +
          "A 401 usually means the Worker and Better Auth do not share BETTER_AUTH_SECRET(S); a 404, that the URL is not the Worker's /revocations.",
      );
    } else {
      unreachable = true;
      const wait = (/** @type {number} */ a) => Math.max(backoff(a + 1), (result.retryAfter ?? 0) * 1000);
      await updateRows(batch, (a) => ({ attempts: a + 1, nextAttemptAt: after + wait(a) }));
      logOnce(
        'unreachable',
        'warn',
        `the revocation URL could not take ${batch.length} revocation(s) (${result.status === 0 ? result.error : `HTTP ${result.status}`}); retrying every few seconds until it does`,
      );
      finish(Math.min(nextAt, after + wait(Math.min(...batch.map((r) => Number(r.attempts))))));
      return false;
    }
    const more = due.length > batch.length;
    if (!more) finish(nextAt);
    return more;
  }

  /** After a round: when to look again (the timer while rows are pending, requests otherwise). @param {number} nextAt */
  function finish(nextAt) {
    const t = now();
    checkAt = Math.min(nextAt, t + IDLE_CHECK_MS);
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    if (Number.isFinite(nextAt)) schedule(nextAt);
    else if (unsent.size > 0) schedule(t + 250); // rows of a transaction not yet committed
  }

  async function run() {
    checkAt = Number.POSITIVE_INFINITY; // no request starts another flush while this one runs
    try {
      for (let i = 0; i < 10 && (await round()); i += 1);
      logged.delete('db');
    } catch (e) {
      const t = now();
      checkAt = t + MAX_BACKOFF_MS;
      schedule(t + MAX_BACKOFF_MS);
      logOnce(
        'db',
        'error',
        `revocations could not be read or updated (${/** @type {any} */ (e)?.message ?? e}). Has Better Auth's migration created the "${MODEL}" table?`,
      );
    }
  }

  /** Sends what is due; resolves when done (never rejects). */
  function flush() {
    if (queued) return queued;
    const next = chain.then(() => {
      queued = null;
      return run();
    });
    queued = next;
    chain = next;
    return next;
  }

  /** `flush()`, awaited for at most the timeout and half a second (a send under way may hold it up). */
  function sendNow() {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timeout;
    const cap = new Promise((resolve) => {
      timeout = setTimeout(resolve, timeoutMs + 500);
    });
    return Promise.race([flush(), cap]).finally(() => clearTimeout(timeout));
  }

  return {
    record,
    undo,
    flush,
    sendNow,
    userRevokedUntil,
    hasUnsent: () => unsent.size > 0,
    isDue: () => now() >= checkAt,
    /** Starts looking for rows left by an earlier run (after `delay` ms: the table may not be migrated yet). */
    start: (delay = 1000) => schedule(now() + delay),
  };
}
