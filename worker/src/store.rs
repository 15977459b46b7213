//! The task table on D1. Every statement is parameterized and scoped by `user_id`.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::http::RawJson;
use crate::input::{NewTask, TaskPatch};
use crate::model::TASK_JSON;
use crate::query::ListQuery;

/// The current time as RFC 3339 UTC with milliseconds, computed by SQLite.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// A database failure. Its message is logged by the caller (it may quote SQL), never sent.
pub type DbResult<T> = Result<T, worker::Error>;

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, text)
}

fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

fn statement(db: &D1Database, sql: String, params: &[JsValue]) -> DbResult<D1PreparedStatement> {
    db.prepare(sql).bind(params)
}

/// Whether the database answers.
pub async fn ping(db: &D1Database) -> DbResult<()> {
    db.prepare("SELECT 1 AS ok").first::<serde_json::Value>(None).await.map(|_| ())
}

/// One page of the user's tasks (a JSON array, in order), and how many match in all.
pub async fn list(db: &D1Database, user: &str, q: &ListQuery) -> DbResult<(RawJson, u64)> {
    let (filter, params) = q.filter();
    let mut values = vec![text(user)];
    values.extend(params.iter().map(|p| text(p)));
    let n = values.len();
    // The page's order is made explicit in the aggregate (an ordered subquery alone does
    // not promise the order in which rows reach json_group_array).
    let order = q.order_by();
    let page_sql = format!(
        "SELECT json_group_array(json(task) ORDER BY position) AS tasks FROM \
         (SELECT {TASK_JSON} AS task, row_number() OVER ({order}) AS position \
          FROM tasks {filter} {order} LIMIT ?{} OFFSET ?{})",
        n + 1,
        n + 2
    );
    let mut page_values = values.clone();
    page_values.push(int(i64::from(q.limit)));
    page_values.push(int(q.offset as i64));
    let page = statement(db, page_sql, &page_values)?;
    let count = statement(db, format!("SELECT count(*) AS n FROM tasks {filter}"), &values)?;
    let results = db.batch(vec![page, count]).await?;
    #[derive(Deserialize)]
    struct Page {
        tasks: String,
    }
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let tasks = RawJson(results[0].results::<Page>()?.pop().map_or_else(|| "[]".into(), |p| p.tasks));
    let total = results[1].results::<Count>()?.first().map_or(0, |c| c.n);
    Ok((tasks, total))
}

/// Inserts a task for `user`: its id and JSON.
pub async fn create(db: &D1Database, user: &str, t: &NewTask) -> DbResult<(i64, RawJson)> {
    let sql = format!(
        "INSERT INTO tasks (user_id, title, description, completed, priority, due_date, tags, title_folded, description_folded, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {NOW}, {NOW}) RETURNING id, {TASK_JSON} AS task"
    );
    let params = [
        text(user),
        text(&t.title),
        opt_text(t.description.as_deref()),
        int(i64::from(t.completed)),
        text(t.priority.as_str()),
        opt_text(t.due_date.as_deref()),
        text(&tags_json(&t.tags)),
        text(&fold(&t.title)),
        text(&fold(t.description.as_deref().unwrap_or(""))),
    ];
    #[derive(Deserialize)]
    struct Created {
        id: i64,
        task: String,
    }
    let row = statement(db, sql, &params)?.first::<Created>(None).await?;
    row.map(|r| (r.id, RawJson(r.task))).ok_or_else(|| worker::Error::RustError("insert returned no row".into()))
}

/// The user's task `id` as JSON, if it exists.
pub async fn get(db: &D1Database, user: &str, id: i64) -> DbResult<Option<RawJson>> {
    let sql = format!("SELECT {TASK_JSON} AS task FROM tasks WHERE id = ?1 AND user_id = ?2");
    statement(db, sql, &[int(id), text(user)])?.first::<String>(Some("task")).await.map(|t| t.map(RawJson))
}

/// Whether the user has a task `id`.
pub async fn exists(db: &D1Database, user: &str, id: i64) -> DbResult<bool> {
    let sql = "SELECT 1 AS ok FROM tasks WHERE id = ?1 AND user_id = ?2".to_owned();
    Ok(statement(db, sql, &[int(id), text(user)])?.first::<serde_json::Value>(None).await?.is_some())
}

/// `updated_at` moves to now, and always forward (at least 1 ms past its last value).
const TOUCH: &str = "updated_at = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0.001 seconds'))";

/// Applies a partial update to the user's task `id`: its new JSON, or `None` when there is
/// no such task.
pub async fn update(db: &D1Database, user: &str, id: i64, p: &TaskPatch) -> DbResult<Option<RawJson>> {
    let mut sets: Vec<String> = Vec::new();
    let mut params = vec![int(id), text(user)];
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
    let sql =
        format!("UPDATE tasks SET {} WHERE id = ?1 AND user_id = ?2 RETURNING {TASK_JSON} AS task", sets.join(", "));
    statement(db, sql, &params)?.first::<String>(Some("task")).await.map(|t| t.map(RawJson))
}

/// Sets `completed` (or toggles it, atomically, when `None`): the task's JSON, or `None` when
/// there is no such task.
pub async fn set_completed(db: &D1Database, user: &str, id: i64, completed: Option<bool>) -> DbResult<Option<RawJson>> {
    let value = match completed {
        Some(c) => i64::from(c).to_string(),
        None => "1 - completed".into(),
    };
    let sql = format!(
        "UPDATE tasks SET completed = {value}, {TOUCH} WHERE id = ?1 AND user_id = ?2 RETURNING {TASK_JSON} AS task"
    );
    statement(db, sql, &[int(id), text(user)])?.first::<String>(Some("task")).await.map(|t| t.map(RawJson))
}

/// Deletes the user's task `id`; `false` when there was none.
pub async fn delete(db: &D1Database, user: &str, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM tasks WHERE id = ?1 AND user_id = ?2 RETURNING id".to_owned();
    Ok(statement(db, sql, &[int(id), text(user)])?.first::<serde_json::Value>(None).await?.is_some())
}
