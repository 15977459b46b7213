-- The task table. Every query filters by user_id; ids are global (AUTOINCREMENT: never reused).
CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     TEXT    NOT NULL,
  title       TEXT    NOT NULL,
  description TEXT,
  completed   INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
  priority    TEXT    NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high')),
  due_date    TEXT,
  tags        TEXT    NOT NULL DEFAULT '[]',            -- a JSON array of strings
  title_folded       TEXT NOT NULL,                     -- lower-cased (Unicode) for `q` search
  description_folded TEXT NOT NULL DEFAULT '',
  created_at  TEXT    NOT NULL,                         -- RFC 3339 UTC, millisecond precision
  updated_at  TEXT    NOT NULL
);

CREATE INDEX tasks_user_created ON tasks (user_id, created_at);
CREATE INDEX tasks_user_completed ON tasks (user_id, completed);
