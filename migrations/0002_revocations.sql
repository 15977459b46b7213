-- Ended sessions (docs/contract.md section 4), written by POST /revocations and read inside the same
-- statement as every request's task work. An entry is kept until `until` (when every token it could touch
-- has expired); the scheduled handler purges older ones.
CREATE TABLE revoked_sessions (
  sub   TEXT    NOT NULL,             -- the session's user
  sid   TEXT    NOT NULL,             -- a plugin token's sid, a cookie cache's session.id
  keep_until INTEGER NOT NULL,        -- seconds since the epoch
  PRIMARY KEY (sub, sid)
) WITHOUT ROWID;

CREATE TABLE revoked_users (
  sub    TEXT    PRIMARY KEY,         -- every token of this user ...
  ended_at INTEGER NOT NULL,          -- ... issued before this moment (iat < ended_at) is refused ...
  keep_until INTEGER NOT NULL         -- ... until then
) WITHOUT ROWID;

CREATE INDEX revoked_sessions_until ON revoked_sessions (keep_until);
CREATE INDEX revoked_users_until ON revoked_users (keep_until);
