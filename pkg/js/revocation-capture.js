// Which sessions end, caught where every path of Better Auth 1.7 goes through: its internal
// adapter's `deleteSession`, `deleteSessions`, `deleteUserSessions` and `deleteUser`
// (docs/revocation.md has the table of routes). They are wrapped in place, on the one internal
// adapter object of a Better Auth instance, so that each records its revocations in the plugin
// table, in the caller's transaction when there is one, before the sessions are deleted:
//
// - `deleteSession(token)`, `deleteSessions(tokens)`: one session entry per session (`sid`).
// - `deleteUserSessions(userId)`, `deleteUser(userId)`: one user entry (`sub`, `before` = the
//   next whole second) and one session entry per session the user still had.
//
// Database hooks (`databaseHooks.session.delete`) cannot do this: they do not fire when sessions
// live in `secondaryStorage` only, and a row deleted by `deleteUserSessions` looks the same to them
// as one deleted by `deleteSession` (no way to tell one session from all of a user's).
import { getCurrentAdapter } from 'better-auth';

const WRAPPED = Symbol.for('taskgate.revocation.wrapped');

/**
 * @typedef {import('./better-auth.js').RevocationEntry} RevocationEntry
 * @typedef {{ id: unknown, userId: unknown, expiresAt: unknown }} SessionRow
 * @typedef {{ sessionSeconds: number, userSeconds: number }} Lifetimes
 * @typedef {{ record: (entries: RevocationEntry[], db?: any) => Promise<string[]>, undo: (ids: string[], db?: any) => Promise<void> }} Recorder
 */

/** @param {unknown} v */
const millis = (v) =>
  v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : Number.NaN;

/**
 * The entry for one ended session, or null when none of its tokens can still be valid: its
 * tokens live at most `sessionSeconds` from now and never past the session's expiry.
 * @param {SessionRow} session @param {number} nowMs @param {Lifetimes} lifetimes
 * @returns {RevocationEntry | null}
 */
export function sessionEntry(session, nowMs, lifetimes) {
  const sid = session?.id == null ? '' : String(session.id);
  const sub = session?.userId == null ? '' : String(session.userId);
  if (sid === '' || sub === '') return null;
  const now = Math.floor(nowMs / 1000);
  const ends = Math.ceil(millis(session.expiresAt) / 1000);
  const until = Math.min(Number.isFinite(ends) ? ends : Number.POSITIVE_INFINITY, now + lifetimes.sessionSeconds);
  return until > now ? { kind: 'session', sid, sub, until } : null;
}

/**
 * The entry for every token of `sub` issued before the next whole second: `iat` is in whole
 * seconds, so a token issued earlier in this second has `iat` = this second, < `before`.
 * @param {string} sub @param {number} nowMs @param {Lifetimes} lifetimes
 * @returns {RevocationEntry}
 */
export function userEntry(sub, nowMs, lifetimes) {
  const before = Math.floor(nowMs / 1000) + 1;
  return { kind: 'user', sub, before, until: before + lifetimes.userSeconds };
}

/**
 * Wraps `internalAdapter`'s session-ending methods in place (once).
 *
 * @param {any} internalAdapter Better Auth's `ctx.internalAdapter`
 * @param {{ adapter: any, recorder: Recorder, lifetimes: Lifetimes, now?: () => number }} options
 *   `adapter`: Better Auth's database adapter (`ctx.adapter`); writes go to the current
 *   transaction's when there is one (`getCurrentAdapter`).
 */
export function captureSessionEnds(internalAdapter, { adapter, recorder, lifetimes, now = Date.now }) {
  if (!internalAdapter || internalAdapter[WRAPPED]) return;
  const original = {
    deleteSession: internalAdapter.deleteSession,
    deleteSessions: internalAdapter.deleteSessions,
    deleteUserSessions: internalAdapter.deleteUserSessions,
    deleteUser: internalAdapter.deleteUser,
  };
  const { findSession, findSessions, listSessions } = internalAdapter;

  /** The session row behind a token (secondary storage or database), or null. @param {string} token */
  const sessionOf = async (token) => {
    const found = await findSession(token);
    if (found?.session) return found.session;
    // findSession hides a session whose user is gone; the row still names it.
    const db = await getCurrentAdapter(adapter);
    return (
      (await db.findOne({ model: 'session', where: [{ field: 'token', value: token }] }).catch(() => null)) ?? null
    );
  };

  /**
   * Records `entries`, runs `fn`, and takes the records back if it throws (the sessions did not
   * end). Recording failures propagate: a session never ends unrecorded.
   * @template T @param {RevocationEntry[]} entries @param {() => Promise<T>} fn
   */
  const recorded = async (entries, fn) => {
    const db = await getCurrentAdapter(adapter);
    const ids = entries.length > 0 ? await recorder.record(entries, db) : [];
    try {
      return await fn();
    } catch (e) {
      await recorder.undo(ids, db).catch(() => {});
      throw e;
    }
  };

  /** @param {SessionRow[]} sessions @param {number} t */
  const forSessions = (sessions, t) =>
    /** @type {RevocationEntry[]} */ (sessions.map((s) => sessionEntry(s, t, lifetimes)).filter(Boolean));

  /** @param {string} userId */
  const everySession = async (userId) => {
    const t = now();
    const sessions = /** @type {SessionRow[]} */ ((await listSessions(userId)) ?? []);
    return [userEntry(String(userId), t, lifetimes), ...forSessions(sessions, t)];
  };

  Object.assign(internalAdapter, {
    /** @param {string} token @param {...unknown} rest */
    deleteSession: async (token, ...rest) => {
      const session = await sessionOf(token);
      const entries = session ? forSessions([session], now()) : [];
      return recorded(entries, () => original.deleteSession(token, ...rest));
    },
    /** @param {string[]} tokens @param {...unknown} rest */
    deleteSessions: async (tokens, ...rest) => {
      const found = /** @type {{ session: SessionRow }[]} */ ((await findSessions(tokens)) ?? []);
      const entries = forSessions(
        found.map((f) => f.session),
        now(),
      );
      return recorded(entries, () => original.deleteSessions(tokens, ...rest));
    },
    /** @param {string} userId @param {...unknown} rest */
    deleteUserSessions: async (userId, ...rest) =>
      recorded(await everySession(userId), () => original.deleteUserSessions(userId, ...rest)),
    /** @param {string} userId @param {...unknown} rest */
    deleteUser: async (userId, ...rest) =>
      recorded(await everySession(userId), () => original.deleteUser(userId, ...rest)),
  });
  Object.defineProperty(internalAdapter, WRAPPED, { value: true });
}
