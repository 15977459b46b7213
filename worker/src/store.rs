#![cfg_attr(feature = "bench-fixed-store", allow(dead_code, unused_imports))]

//! The task table on D1, for one user: [`TaskStore`] owns the binding and the user id and
//! holds every SQL statement of the Worker (the schema is in `../migrations`). Every statement
//! is parameterized and scoped by `user_id`; only the fixed fragments below are spliced.
//!
//! Per request the Worker pays for what crosses into JavaScript, so: the statements whose text
//! depends only on the shape of a request (a list query's filters and order, an insert) are
//! prepared once per isolate and bound per request; a list is one statement (the page and the
//! total together); SQLite builds the JSON, which crosses once, as one string; rows are read with
//! `raw()` (arrays, not objects), field by index.

use std::cell::RefCell;
use std::collections::HashMap;

use worker::js_sys::Array;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, D1PreparedStatement, Env};

use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::{ListQuery, Sort, Status};
use crate::response::RawJson;

/// An RFC 3339 UTC timestamp with milliseconds, computed by SQLite from its arguments.
macro_rules! timestamp {
    ($($arg:literal),+) => { concat!("strftime('%Y-%m-%dT%H:%M:%fZ', ", $($arg),+, ")") };
}

/// `updated_at` moves to now, and always forward (at least 1 ms past its last value).
const TOUCH: &str =
    concat!("updated_at = max(", timestamp!("'now'"), ", ", timestamp!("updated_at, '+0.001 seconds'"), ")");

/// One task as the API serves it, built by SQLite from a row of `tasks`:
/// `{"id": int, "user_id": str, "title": str, "description": str|null, "completed": bool,
/// "priority": "low"|"medium"|"high", "due_date": "YYYY-MM-DD"|null, "tags": [str],
/// "created_at": RFC 3339, "updated_at": RFC 3339}`.
///
/// The database writes the JSON so a response crosses from D1 to the client as one string,
/// with no per-field conversion through the Worker's Wasm. (A macro, for `concat!`.)
macro_rules! task_json {
    () => {
        "json_object('id', id, 'user_id', user_id, 'title', title, 'description', description, \
         'completed', json(CASE completed WHEN 0 THEN 'false' ELSE 'true' END), 'priority', priority, \
         'due_date', due_date, 'tags', json(tags), 'created_at', created_at, 'updated_at', updated_at)"
    };
}
const TASK_JSON: &str = task_json!();

/// `POST /tasks`: the new task's id and JSON.
const CREATE_SQL: &str = concat!(
    "INSERT INTO tasks (user_id, title, description, completed, priority, due_date, tags, title_folded, \
     description_folded, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ",
    timestamp!("'now'"),
    ", ",
    timestamp!("'now'"),
    ") RETURNING id, ",
    task_json!(),
    " AS task"
);

/// Text as it is searched: Unicode lower case (stored in `*_folded`, and applied to `q`).
fn fold(s: &str) -> String {
    s.to_lowercase()
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, text)
}

fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

/// A database failure: logged by kind only (the message may quote SQL or values), answered 500.
fn failed(e: worker::Error) -> ApiError {
    let kind = match e {
        worker::Error::D1(_) => "d1",
        worker::Error::JsError(_) => "js",
        worker::Error::SerdeWasmBindgenError(_) => "decode",
        _ => "other",
    };
    worker::console_error!("{}", serde_json::json!({ "level": "error", "event": "database", "kind": kind }));
    ApiError::internal()
}

/// A row that is not what the statement returns (cannot happen with the statements below).
fn malformed() -> ApiError {
    failed(worker::Error::RustError("unexpected row".into()))
}

/// The database binding, from the Worker's environment, looked up (and its type checked) once per
/// isolate: the environment's bindings do not change while the isolate lives.
fn database(env: &Env) -> Result<D1Database, ApiError> {
    thread_local! {
        static DATABASE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    }
    if let Some(db) = DATABASE.with_borrow(Clone::clone) {
        return Ok(db.unchecked_into());
    }
    let db = JsValue::from(env.d1("DB").map_err(failed)?);
    DATABASE.set(Some(db.clone()));
    Ok(db.unchecked_into())
}

/// Whether the database answers (for `/health`).
pub async fn ping(env: &Env) -> bool {
    let Ok(db) = env.d1("DB") else { return false };
    db.prepare("SELECT 1 AS ok").first::<serde_json::Value>(None).await.is_ok()
}

/// Which prepared statement: the insert, or a list query of a given shape ([`ListQuery::shape`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Statement {
    Create,
    List(u16),
}

thread_local! {
    /// Statements prepared once per isolate (the Worker's Wasm is single-threaded: one per isolate).
    static PREPARED: RefCell<HashMap<Statement, D1PreparedStatement>> = RefCell::new(HashMap::new());
}

/// The first row of a `raw()` result, as an array of its columns.
fn first_row(rows: Vec<JsValue>) -> Option<Array> {
    rows.into_iter().next().map(JsCast::unchecked_into)
}

/// Column `i` of a raw row as text.
fn text_at(row: &Array, i: u32) -> Result<String, ApiError> {
    row.get(i).as_string().ok_or_else(malformed)
}

/// Column `i` of a raw row as a number (D1 returns integers as JavaScript numbers).
fn number_at(row: &Array, i: u32) -> Result<f64, ApiError> {
    row.get(i).as_f64().ok_or_else(malformed)
}

/// One user's tasks.
#[cfg(not(feature = "bench-fixed-store"))]
pub struct TaskStore {
    db: D1Database,
    user: String,
}

#[cfg(not(feature = "bench-fixed-store"))]
impl TaskStore {
    /// The store of `user` (already authorized).
    pub fn open(env: &Env, user: &str) -> Result<Self, ApiError> {
        Ok(Self { db: database(env)?, user: user.to_owned() })
    }

    fn statement(&self, sql: &str, params: &[JsValue]) -> Result<D1PreparedStatement, ApiError> {
        self.db.prepare(sql).bind(params).map_err(failed)
    }

    /// Statement `which`, prepared on first use in this isolate from `sql()`, with `params` bound.
    fn prepared(
        &self,
        which: Statement,
        sql: impl FnOnce() -> String,
        params: &[JsValue],
    ) -> Result<D1PreparedStatement, ApiError> {
        let statement =
            PREPARED.with_borrow_mut(|cache| cache.entry(which).or_insert_with(|| self.db.prepare(sql())).clone());
        statement.bind(params).map_err(failed)
    }

    /// One page of tasks (a JSON array, in order) and how many match in all: one statement.
    pub async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError> {
        let (filter, params) = filter(q);
        let mut values = Vec::with_capacity(params.len() + 3);
        values.push(text(&self.user));
        values.extend(params.iter().map(|p| text(p)));
        values.push(int(i64::from(q.limit)));
        values.push(int(q.offset as i64));
        let n = params.len() + 1;
        let statement = self.prepared(Statement::List(q.shape()), || list_sql(&filter, q, n), &values)?;
        let row = first_row(statement.raw_js_value().await.map_err(failed)?).ok_or_else(malformed)?;
        Ok((RawJson(text_at(&row, 1)?), number_at(&row, 0)? as u64))
    }

    /// Inserts a task: its id and JSON.
    pub async fn create(&self, t: &NewTask) -> Result<(i64, RawJson), ApiError> {
        let params = [
            text(&self.user),
            text(&t.title),
            opt_text(t.description.as_deref()),
            int(i64::from(t.completed)),
            text(t.priority.as_str()),
            opt_text(t.due_date.as_deref()),
            text(&tags_json(&t.tags)),
            text(&fold(&t.title)),
            text(&fold(t.description.as_deref().unwrap_or(""))),
        ];
        let statement = self.prepared(Statement::Create, || CREATE_SQL.to_owned(), &params)?;
        let row = first_row(statement.raw_js_value().await.map_err(failed)?).ok_or_else(malformed)?;
        Ok((number_at(&row, 0)? as i64, RawJson(text_at(&row, 1)?)))
    }

    /// Task `id` as JSON, if the user has it.
    pub async fn get(&self, id: i64) -> Result<Option<RawJson>, ApiError> {
        let sql = format!("SELECT {TASK_JSON} AS task FROM tasks WHERE id = ?1 AND user_id = ?2");
        self.task(&sql, &[int(id), text(&self.user)]).await
    }

    /// Whether the user has task `id`.
    pub async fn exists(&self, id: i64) -> Result<bool, ApiError> {
        let statement =
            self.statement("SELECT 1 AS ok FROM tasks WHERE id = ?1 AND user_id = ?2", &[int(id), text(&self.user)])?;
        Ok(!statement.raw_js_value().await.map_err(failed)?.is_empty())
    }

    /// Applies a partial update to task `id`: its new JSON, or `None` when there is no such task.
    pub async fn update(&self, id: i64, p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
        let mut sets: Vec<String> = Vec::new();
        let mut params = vec![int(id), text(&self.user)];
        let mut set = |column: &str, value: JsValue| {
            params.push(value);
            sets.push(format!("{column} = ?{}", params.len()));
        };
        if let Some(title) = &p.title {
            set("title", text(title));
            set("title_folded", text(&fold(title)));
        }
        if let Some(description) = &p.description {
            set("description", opt_text(description.as_deref()));
            set("description_folded", text(&fold(description.as_deref().unwrap_or(""))));
        }
        if let Some(completed) = p.completed {
            set("completed", int(i64::from(completed)));
        }
        if let Some(priority) = p.priority {
            set("priority", text(priority.as_str()));
        }
        if let Some(due) = &p.due_date {
            set("due_date", opt_text(due.as_deref()));
        }
        if let Some(tags) = &p.tags {
            set("tags", text(&tags_json(tags)));
        }
        sets.push(TOUCH.into());
        let sql = format!(
            "UPDATE tasks SET {} WHERE id = ?1 AND user_id = ?2 RETURNING {TASK_JSON} AS task",
            sets.join(", ")
        );
        self.task(&sql, &params).await
    }

    /// Sets `completed` (or toggles it, atomically, when `None`): the task's JSON, or `None`
    /// when there is no such task.
    pub async fn set_completed(&self, id: i64, completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
        let value = match completed {
            Some(true) => "1",
            Some(false) => "0",
            None => "1 - completed",
        };
        let sql = format!(
            "UPDATE tasks SET completed = {value}, {TOUCH} WHERE id = ?1 AND user_id = ?2 RETURNING {TASK_JSON} AS task"
        );
        self.task(&sql, &[int(id), text(&self.user)]).await
    }

    /// Deletes task `id`; `false` when the user had none.
    pub async fn delete(&self, id: i64) -> Result<bool, ApiError> {
        let statement = self
            .statement("DELETE FROM tasks WHERE id = ?1 AND user_id = ?2 RETURNING id", &[int(id), text(&self.user)])?;
        Ok(!statement.raw_js_value().await.map_err(failed)?.is_empty())
    }

    /// The `task` column of the one row `sql` returns, if any.
    async fn task(&self, sql: &str, params: &[JsValue]) -> Result<Option<RawJson>, ApiError> {
        let statement = self.statement(sql, params)?;
        match first_row(statement.raw_js_value().await.map_err(failed)?) {
            Some(row) => Ok(Some(RawJson(text_at(&row, 0)?))),
            None => Ok(None),
        }
    }
}

#[cfg(feature = "bench-fixed-store")]
pub use fixed::TaskStore;

/// For the benchmarks only (`--features bench-fixed-store`, never deployed): a store that
/// answers every call from a fixed result without touching D1, so the Worker's own cost per
/// request (routing, verification, input, headers, logging) can be measured apart from the
/// database's. Its page is `bench/workerd/fixed-tasks.json`, the 20 tasks the benchmark seeds,
/// which the JavaScript baseline's fixed variant serves too.
#[cfg(feature = "bench-fixed-store")]
mod fixed {
    use super::*;

    const PAGE: &str = include_str!("../../bench/workerd/fixed-tasks.json");

    /// The first task of the page: what every single-task call answers.
    fn one() -> RawJson {
        let end = PAGE.find("},{").map_or(PAGE.len() - 1, |i| i + 1);
        RawJson(PAGE[1..end].to_owned())
    }

    pub struct TaskStore;

    impl TaskStore {
        pub fn open(_env: &Env, _user: &str) -> Result<Self, ApiError> {
            Ok(Self)
        }

        pub async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError> {
            let _ = (filter(q), q.shape());
            Ok((RawJson(PAGE.trim_end().to_owned()), 20))
        }

        pub async fn create(&self, _t: &NewTask) -> Result<(i64, RawJson), ApiError> {
            Ok((20, one()))
        }

        pub async fn get(&self, _id: i64) -> Result<Option<RawJson>, ApiError> {
            Ok(Some(one()))
        }

        pub async fn exists(&self, _id: i64) -> Result<bool, ApiError> {
            Ok(true)
        }

        pub async fn update(&self, _id: i64, _p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
            Ok(Some(one()))
        }

        pub async fn set_completed(&self, _id: i64, _completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
            Ok(Some(one()))
        }

        pub async fn delete(&self, _id: i64) -> Result<bool, ApiError> {
            Ok(true)
        }
    }
}

/// `WHERE ...` for a list query (parameters numbered from `?1`, the user id), and the text
/// values of the parameters after the user id.
fn filter(q: &ListQuery) -> (String, Vec<String>) {
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

/// The list statement: one row, `[total, page]`, where the page is the JSON array of the tasks
/// of `filter` in order, `LIMIT ?{n + 1} OFFSET ?{n + 2}` (`n`: the filter's parameters).
///
/// The page's order is made explicit in the aggregate (an ordered subquery alone does not
/// promise the order in which rows reach it): the subquery carries its sort keys as columns
/// `k0, k1, ...`. Each task's JSON is joined as text (`group_concat`), not parsed again.
fn list_sql(filter: &str, q: &ListQuery, n: usize) -> String {
    let terms = sort_terms(q);
    let keys: Vec<String> = terms.iter().enumerate().map(|(i, (e, _, _))| format!("{e} AS k{i}")).collect();
    format!(
        "SELECT (SELECT count(*) FROM tasks {filter}) AS n, \
         (SELECT '[' || coalesce(group_concat(task, ',' {}), '') || ']' FROM \
          (SELECT {TASK_JSON} AS task, {} FROM tasks {filter} {} LIMIT ?{} OFFSET ?{})) AS tasks",
        order_list(&terms, |i, _| format!("k{i}")),
        keys.join(", "),
        order_by(q),
        n + 1,
        n + 2
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(CREATE_SQL.contains("VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) RETURNING id, json_object("));
        assert_eq!(
            TOUCH,
            "updated_at = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0.001 seconds'))"
        );
    }

    #[test]
    fn a_list_is_one_statement_ordered_by_its_keys() {
        let q = query(&[("sort", "title"), ("order", "asc"), ("q", "x")]);
        let (filter, params) = filter(&q);
        assert_eq!(
            list_sql(&filter, &q, params.len() + 1),
            format!(
                "SELECT (SELECT count(*) FROM tasks {filter}) AS n, \
                 (SELECT '[' || coalesce(group_concat(task, ',' ORDER BY k0 COLLATE NOCASE ASC, k1 ASC, k2 ASC), '') || ']' FROM \
                 (SELECT {TASK_JSON} AS task, title AS k0, title AS k1, id AS k2 FROM tasks {filter} \
                 ORDER BY title COLLATE NOCASE ASC, title ASC, id ASC LIMIT ?3 OFFSET ?4)) AS tasks"
            )
        );
    }
}
