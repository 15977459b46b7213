//! Every SQL statement of the Worker (SQLite's dialect; the schema is in `../migrations`), as text
//! for any binding. Every statement is parameterized and scoped by `user_id`; only the fixed
//! fragments below are spliced. The database builds each task's JSON, so a response crosses from
//! it to the client as one string, with no per-field conversion through the Worker's Wasm.

use super::row::fold;
use crate::query::{ListQuery, Sort, Status};

/// An RFC 3339 UTC timestamp with milliseconds, computed by SQLite from its arguments.
macro_rules! timestamp {
    ($($arg:literal),+) => { concat!("strftime('%Y-%m-%dT%H:%M:%fZ', ", $($arg),+, ")") };
}

/// `updated_at` moves to now, and always forward (at least 1 ms past its last value).
pub const TOUCH: &str =
    concat!("updated_at = max(", timestamp!("'now'"), ", ", timestamp!("updated_at, '+0.001 seconds'"), ")");

/// One task as the API serves it, built by SQLite from a row of `tasks`:
/// `{"id": int, "user_id": str, "title": str, "description": str|null, "completed": bool,
/// "priority": "low"|"medium"|"high", "due_date": "YYYY-MM-DD"|null, "tags": [str],
/// "created_at": RFC 3339, "updated_at": RFC 3339}`. (A macro, for `concat!`.)
macro_rules! task_json {
    () => {
        "json_object('id', id, 'user_id', user_id, 'title', title, 'description', description, \
         'completed', json(CASE completed WHEN 0 THEN 'false' ELSE 'true' END), 'priority', priority, \
         'due_date', due_date, 'tags', json(tags), 'created_at', created_at, 'updated_at', updated_at)"
    };
}
/// [`task_json!`] as a constant.
pub const TASK_JSON: &str = task_json!();

/// Whether the caller's token is revoked (contract section 4): its session `?{sid}` ended, or every
/// session of user `?{user}` ended after the token was issued at `?{iat}`. Read in the same
/// statement as the request's task work (no extra round trip): a revoked token reads nothing and
/// writes nothing. Both lookups are by primary key.
pub fn revoked(user: usize, sid: usize, iat: usize) -> String {
    if cfg!(feature = "bench-no-revocation") {
        // The same parameters bound, never read: only the lookups are gone.
        return format!("(0 AND ?{user} IS NULL AND ?{sid} IS NULL AND ?{iat} IS NULL)");
    }
    format!(
        "(EXISTS (SELECT 1 FROM revoked_sessions WHERE sub = ?{user} AND sid = ?{sid}) \
         OR EXISTS (SELECT 1 FROM revoked_users WHERE sub = ?{user} AND ended_at > ?{iat}))"
    )
}

/// `SELECT` of one row: `revoked` first, then each of `columns`, evaluated only when the caller is
/// not revoked (`NULL` otherwise): the shape of every reading statement.
fn unless_revoked(revoked: &str, columns: &[(&str, &str)]) -> String {
    let columns: Vec<String> = columns
        .iter()
        .map(|(expr, name)| format!("CASE WHEN r.revoked THEN NULL ELSE ({expr}) END AS {name}"))
        .collect();
    format!("SELECT r.revoked AS revoked, {} FROM (SELECT {revoked} AS revoked) AS r", columns.join(", "))
}

/// `POST /tasks`: the new task's id and JSON, no row when the caller is revoked. Its parameters:
/// [`super::row::new_row`] (`?1`-`?9`), then the caller's session `?10` and `iat` `?11`.
pub fn create() -> String {
    format!(
        "INSERT INTO tasks (user_id, title, description, completed, priority, due_date, tags, title_folded, \
         description_folded, created_at, updated_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {now}, {now} \
         WHERE NOT {} RETURNING id, {TASK_JSON} AS task",
        revoked(1, 10, 11),
        now = timestamp!("'now'"),
    )
}

/// Task `?1` of user `?2` as JSON (`task`), after `revoked` (session `?3`, `iat` `?4`).
pub fn get() -> String {
    let task = format!("SELECT {TASK_JSON} FROM tasks WHERE id = ?1 AND user_id = ?2");
    unless_revoked(&revoked(2, 3, 4), &[(&task, "task")])
}

/// Whether user `?2` has task `?1` (`ok`), after `revoked` (session `?3`, `iat` `?4`).
pub fn exists() -> String {
    unless_revoked(&revoked(2, 3, 4), &[("EXISTS (SELECT 1 FROM tasks WHERE id = ?1 AND user_id = ?2)", "ok")])
}

/// Whether the caller is revoked: user `?1`, session `?2`, `iat` `?3` (asked only after a write
/// that changed nothing, to tell a revoked caller from a missing task).
pub fn revoked_only() -> String {
    format!("SELECT {} AS revoked", revoked(1, 2, 3))
}

/// Deletes task `?1` of user `?2` unless the caller is revoked (session `?3`, `iat` `?4`): a row
/// when one was deleted.
pub fn delete() -> String {
    format!("DELETE FROM tasks WHERE id = ?1 AND user_id = ?2 AND NOT {} RETURNING id", revoked(2, 3, 4))
}

/// Whether the database answers.
pub const PING: &str = "SELECT 1 AS ok";

/// Sets `columns` of task `?1` of user `?2` to `?3`, `?4`, ... in order, and touches it, unless
/// the caller is revoked (session and `iat` the two parameters after the columns): its new JSON
/// (`task`), no row when there is no such task (or the caller is revoked).
pub fn update(columns: &[&str]) -> String {
    let mut sets: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 3)).collect();
    sets.push(TOUCH.into());
    let guard = revoked(2, columns.len() + 3, columns.len() + 4);
    format!(
        "UPDATE tasks SET {} WHERE id = ?1 AND user_id = ?2 AND NOT {guard} RETURNING {TASK_JSON} AS task",
        sets.join(", ")
    )
}

/// Sets `completed` of task `?1` of user `?2` (toggles it when `None`) and touches it, unless the
/// caller is revoked (session `?3`, `iat` `?4`): its new JSON (`task`), no row when there is no such
/// task (or the caller is revoked).
pub fn set_completed(completed: Option<bool>) -> String {
    let value = match completed {
        Some(true) => "1",
        Some(false) => "0",
        None => "1 - completed",
    };
    format!(
        "UPDATE tasks SET completed = {value}, {TOUCH} WHERE id = ?1 AND user_id = ?2 AND NOT {} \
         RETURNING {TASK_JSON} AS task",
        revoked(2, 3, 4)
    )
}

/// `WHERE ...` for a list query (parameters numbered from `?1`, the user id), and the text
/// values of the parameters after the user id.
pub fn filter(q: &ListQuery) -> (String, Vec<String>) {
    let mut sql = String::from("WHERE user_id = ?1");
    let mut params = Vec::new();
    let mut bind = |sql: &mut String, fragment: &str, p: String| {
        params.push(p);
        *sql += &fragment.replace('#', &format!("?{}", params.len() + 1));
    };
    match q.status {
        Status::All => {}
        Status::Pending => sql += " AND completed = 0",
        Status::Completed => sql += " AND completed = 1",
    }
    if let Some(search) = &q.q {
        bind(&mut sql, " AND (instr(title_folded, #) > 0 OR instr(description_folded, #) > 0)", fold(search));
    }
    if let Some(p) = q.priority {
        bind(&mut sql, " AND priority = #", p.as_str().into());
    }
    if let Some(tag) = &q.tag {
        bind(&mut sql, " AND EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE json_each.value = #)", tag.clone());
    }
    (sql, params)
}

/// The terms of a list's order: the sort key, then the id in the same direction (a stable
/// order). Each is (expression over a row of `tasks`, whether it compares without case, direction).
fn sort_terms(q: &ListQuery) -> Vec<(&'static str, bool, &'static str)> {
    let dir = if q.descending { "DESC" } else { "ASC" };
    let mut terms = match q.sort {
        Sort::Created => vec![("created_at", false, dir)],
        Sort::Updated => vec![("updated_at", false, dir)],
        Sort::Title => vec![("title", true, dir), ("title", false, dir)],
        // Tasks without a due date come last in both directions.
        Sort::DueDate => vec![("due_date IS NULL", false, ""), ("due_date", false, dir)],
        Sort::Priority => vec![("CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END", false, dir)],
    };
    terms.push(("id", false, dir));
    terms
}

/// `ORDER BY ...` over `terms`, each term's expression given by `expr(index, term)`.
fn order_list(terms: &[(&'static str, bool, &'static str)], expr: impl Fn(usize, &str) -> String) -> String {
    let terms = terms.iter().enumerate().map(|(i, (e, nocase, dir))| {
        let collate = if *nocase { " COLLATE NOCASE" } else { "" };
        let dir = if dir.is_empty() { String::new() } else { format!(" {dir}") };
        format!("{}{collate}{dir}", expr(i, e))
    });
    format!("ORDER BY {}", terms.collect::<Vec<_>>().join(", "))
}

/// `ORDER BY ...` of a list query over the rows of `tasks`.
fn order_by(q: &ListQuery) -> String {
    order_list(&sort_terms(q), |_, e| e.to_owned())
}

/// The list statement: one row, `[revoked, total, page]`, where the page is the JSON array of the
/// tasks of `filter` in order, `LIMIT ?{n + 1} OFFSET ?{n + 2}` (`n`: the filter's parameters), and
/// the caller's session and `iat` are `?{n + 3}` and `?{n + 4}`; total and page are `NULL` when
/// the caller is revoked.
///
/// The page's order is made explicit in the aggregate (an ordered subquery alone does not
/// promise the order in which rows reach it): the subquery carries its sort keys as columns
/// `k0, k1, ...`. Each task's JSON is joined as text (`group_concat`), not parsed again.
pub fn list(filter: &str, q: &ListQuery, n: usize) -> String {
    let terms = sort_terms(q);
    let keys: Vec<String> = terms.iter().enumerate().map(|(i, (e, _, _))| format!("{e} AS k{i}")).collect();
    let count = format!("SELECT count(*) FROM tasks {filter}");
    let page = format!(
        "SELECT '[' || coalesce(group_concat(task, ',' {}), '') || ']' FROM \
         (SELECT {TASK_JSON} AS task, {} FROM tasks {filter} {} LIMIT ?{} OFFSET ?{})",
        order_list(&terms, |i, _| format!("k{i}")),
        keys.join(", "),
        order_by(q),
        n + 1,
        n + 2
    );
    unless_revoked(&revoked(1, n + 3, n + 4), &[(&count, "n"), (&page, "tasks")])
}

/// Records ended sessions: one `(sid, sub, until)` per three parameters, `rows` of them; a
/// session already recorded keeps the later `until` (the same body twice changes nothing).
pub fn revoke_sessions(rows: usize) -> String {
    let values: Vec<String> = (0..rows).map(|i| format!("(?{}, ?{}, ?{})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
    format!(
        "INSERT INTO revoked_sessions (sid, sub, keep_until) VALUES {} \
         ON CONFLICT (sub, sid) DO UPDATE SET keep_until = max(keep_until, excluded.keep_until)",
        values.join(", ")
    )
}

/// Records users whose every session ended: one `(sub, before, until)` per three parameters; a
/// user already recorded keeps the later `before` and `until`.
pub fn revoke_users(rows: usize) -> String {
    let values: Vec<String> = (0..rows).map(|i| format!("(?{}, ?{}, ?{})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
    format!(
        "INSERT INTO revoked_users (sub, ended_at, keep_until) VALUES {} \
         ON CONFLICT (sub) DO UPDATE SET ended_at = max(ended_at, excluded.ended_at), keep_until = max(keep_until, excluded.keep_until)",
        values.join(", ")
    )
}

/// Forgets revocations whose `until` is before `?1` (no token they could touch is still valid).
pub const PURGE: [&str; 2] =
    ["DELETE FROM revoked_sessions WHERE keep_until < ?1", "DELETE FROM revoked_users WHERE keep_until < ?1"];

/// Every column of `tasks`, in the order a move carries them ([`export_tasks`]).
const COLUMNS: [&str; 12] = [
    "id",
    "user_id",
    "title",
    "description",
    "completed",
    "priority",
    "due_date",
    "tags",
    "title_folded",
    "description_folded",
    "created_at",
    "updated_at",
];

/// For a move between the stores: user `?1`'s rows with an id above `?2` and at most `?3`, the
/// first `?4` of them by id, as one JSON array of objects holding every column as stored (`tags`
/// as its text).
pub fn export_tasks() -> String {
    let members: Vec<String> = COLUMNS.iter().map(|c| format!("'{c}', {c}")).collect();
    format!(
        "SELECT coalesce(json_group_array(json(row) ORDER BY id), '[]') FROM \
         (SELECT id, json_object({}) AS row FROM tasks WHERE user_id = ?1 AND id > ?2 AND id <= ?3 ORDER BY id LIMIT ?4)",
        members.join(", ")
    )
}

/// Writes the rows of `?1` (an [`export_tasks`] array) that are user `?2`'s, ids kept: a row
/// already there with the same id and user is overwritten (a move run again), one of another user
/// is left alone. Returns the ids written.
pub fn import_tasks() -> String {
    let values: Vec<String> = COLUMNS.iter().map(|c| format!("value ->> '{c}'")).collect();
    let updates: Vec<String> = COLUMNS[2..].iter().map(|c| format!("{c} = excluded.{c}")).collect();
    format!(
        "INSERT INTO tasks ({}) SELECT {} FROM json_each(?1) WHERE value ->> 'user_id' = ?2 \
         ON CONFLICT (id) DO UPDATE SET {} WHERE tasks.user_id = excluded.user_id RETURNING id",
        COLUMNS.join(", "),
        values.join(", "),
        updates.join(", ")
    )
}

/// After a move: deletes user `?2`'s rows that `?1` (an [`export_tasks`] array) holds unchanged
/// (same `updated_at`); a row changed since the export stays. Returns the ids deleted.
pub const FORGET_TASKS: &str = "DELETE FROM tasks WHERE user_id = ?2 AND EXISTS (SELECT 1 FROM json_each(?1) \
     WHERE value ->> 'id' = tasks.id AND value ->> 'updated_at' = tasks.updated_at) RETURNING id";

/// For a move: user `?1`'s revocations as the body of `POST /revocations` (contract section 4).
pub const EXPORT_REVOCATIONS: &str = "SELECT json_object(\
     'sessions', json((SELECT json_group_array(json_object('sid', sid, 'sub', sub, 'until', keep_until)) FROM revoked_sessions WHERE sub = ?1)), \
     'users', json((SELECT json_group_array(json_object('sub', sub, 'before', ended_at, 'until', keep_until)) FROM revoked_users WHERE sub = ?1)))";

#[cfg(test)]
mod tests {
    use super::*;

    /// Not a check: prints the statements of each task route as the stores run them, for
    /// `bench/rows.mjs` (rows read and written per route, measured by D1 itself). Run with
    /// `cargo test -p taskgate-worker --lib -- --ignored --exact store::sql::tests::statements_for_bench --nocapture`.
    #[test]
    #[ignore = "prints the statements for bench/rows.mjs"]
    fn statements_for_bench() {
        let q = ListQuery::default();
        let (filter, params) = filter(&q);
        let statements = serde_json::json!({
            "list": list(&filter, &q, params.len() + 1),
            "get": get(),
            "create": create(),
            "update_title": update(&["title", "title_folded"]),
            "toggle": set_completed(None),
            "delete": delete(),
        });
        println!("STATEMENTS {statements}");
    }

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery::parse(pairs.iter().copied()).unwrap()
    }

    #[test]
    fn search_is_folded_and_every_value_bound() {
        let q = query(&[("q", "CAFÉ"), ("tag", "x'); DROP TABLE tasks;--"), ("status", "pending")]);
        let (sql, params) = filter(&q);
        assert_eq!(
            sql,
            "WHERE user_id = ?1 AND completed = 0 AND (instr(title_folded, ?2) > 0 OR instr(description_folded, ?2) > 0) AND EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE json_each.value = ?3)"
        );
        assert_eq!(params, ["café", "x'); DROP TABLE tasks;--"]);
    }

    #[test]
    fn order_is_stable() {
        assert_eq!(
            order_by(&query(&[("sort", "due_date"), ("order", "asc")])),
            "ORDER BY due_date IS NULL, due_date ASC, id ASC"
        );
        assert_eq!(order_by(&ListQuery::default()), "ORDER BY created_at DESC, id DESC");
    }

    #[test]
    fn timestamps_share_one_format() {
        assert!(create().contains("SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE NOT (EXISTS (SELECT 1 FROM revoked_sessions WHERE sub = ?1 AND sid = ?10) OR EXISTS (SELECT 1 FROM revoked_users WHERE sub = ?1 AND ended_at > ?11)) RETURNING id, json_object("));
        assert_eq!(
            TOUCH,
            "updated_at = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0.001 seconds'))"
        );
    }

    #[test]
    fn a_list_is_one_statement_ordered_by_its_keys_and_guarded() {
        let q = query(&[("sort", "title"), ("order", "asc"), ("q", "x")]);
        let (filter, params) = filter(&q);
        assert_eq!(
            list(&filter, &q, params.len() + 1),
            format!(
                "SELECT r.revoked AS revoked, \
                 CASE WHEN r.revoked THEN NULL ELSE (SELECT count(*) FROM tasks {filter}) END AS n, \
                 CASE WHEN r.revoked THEN NULL ELSE (SELECT '[' || coalesce(group_concat(task, ',' ORDER BY k0 COLLATE NOCASE ASC, k1 ASC, k2 ASC), '') || ']' FROM \
                 (SELECT {TASK_JSON} AS task, title AS k0, title AS k1, id AS k2 FROM tasks {filter} \
                 ORDER BY title COLLATE NOCASE ASC, title ASC, id ASC LIMIT ?3 OFFSET ?4)) END AS tasks \
                 FROM (SELECT {} AS revoked) AS r",
                revoked(1, 5, 6)
            )
        );
    }

    #[test]
    fn every_task_statement_checks_the_callers_session_in_the_same_statement() {
        let guard = |u, s, i| format!("NOT {}", revoked(u, s, i));
        assert!(
            update(&["title", "tags"])
                .contains(&format!("WHERE id = ?1 AND user_id = ?2 AND {} RETURNING", guard(2, 5, 6)))
        );
        assert!(set_completed(Some(true)).contains(&format!("AND {} RETURNING", guard(2, 3, 4))));
        assert!(delete().contains(&format!("AND {} RETURNING id", guard(2, 3, 4))));
        assert!(create().contains(&format!("WHERE {} RETURNING", guard(1, 10, 11))));
        for reading in [get(), exists()] {
            assert!(
                reading.starts_with("SELECT r.revoked AS revoked, CASE WHEN r.revoked THEN NULL ELSE ("),
                "{reading}"
            );
            assert!(reading.ends_with(&format!("FROM (SELECT {} AS revoked) AS r", revoked(2, 3, 4))), "{reading}");
        }
        assert_eq!(
            revoked(2, 3, 4),
            "(EXISTS (SELECT 1 FROM revoked_sessions WHERE sub = ?2 AND sid = ?3) OR EXISTS (SELECT 1 FROM revoked_users WHERE sub = ?2 AND ended_at > ?4))"
        );
    }

    #[test]
    fn revocations_are_recorded_idempotently() {
        assert_eq!(
            revoke_sessions(2),
            "INSERT INTO revoked_sessions (sid, sub, keep_until) VALUES (?1, ?2, ?3), (?4, ?5, ?6) \
             ON CONFLICT (sub, sid) DO UPDATE SET keep_until = max(keep_until, excluded.keep_until)"
        );
        assert!(revoke_users(1).ends_with(
            "ended_at = max(ended_at, excluded.ended_at), keep_until = max(keep_until, excluded.keep_until)"
        ));
    }

    #[test]
    fn single_task_statements_are_scoped_by_id_and_user() {
        assert!(get().contains(&format!("(SELECT {TASK_JSON} FROM tasks WHERE id = ?1 AND user_id = ?2) END AS task")));
        assert_eq!(
            update(&["title", "title_folded", "tags"]),
            format!(
                "UPDATE tasks SET title = ?3, title_folded = ?4, tags = ?5, {TOUCH} WHERE id = ?1 AND user_id = ?2 \
                 AND NOT {} RETURNING {TASK_JSON} AS task",
                revoked(2, 6, 7)
            )
        );
        assert_eq!(
            set_completed(None),
            format!(
                "UPDATE tasks SET completed = 1 - completed, {TOUCH} WHERE id = ?1 AND user_id = ?2 \
                 AND NOT {} RETURNING {TASK_JSON} AS task",
                revoked(2, 3, 4)
            )
        );
        assert!(set_completed(Some(false)).starts_with("UPDATE tasks SET completed = 0, updated_at = max("));
    }
}
