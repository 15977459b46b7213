//! The task table on D1: [`D1Store`] owns the binding and the user id, and runs the statements
//! of [`super::sql`] with the values of [`super::row`].
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

use taskgate_verify::host::http::Refusal;
use taskgate_verify::host::revocation::Revocations;

use super::row::{self, Value};
use super::{Caller, TaskStore, sql};
use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;

/// Whether the database answers (for `/health`).
pub async fn ping(env: &Env) -> bool {
    let Ok(db) = env.d1("DB") else { return false };
    db.prepare(sql::PING).first::<serde_json::Value>(None).await.is_ok()
}

/// One user's tasks on D1, for one caller.
pub struct D1Store {
    db: D1Database,
    user: String,
    caller: Caller,
}

impl TaskStore for D1Store {
    fn open(env: &Env, user: &str, caller: Caller) -> Result<Self, ApiError> {
        Ok(Self { db: database(env)?, user: user.to_owned(), caller })
    }

    /// One statement, prepared once per isolate for each shape of query.
    async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError> {
        let (filter, params) = sql::filter(q);
        let mut values = Vec::with_capacity(params.len() + 5);
        values.push(text(&self.user));
        values.extend(params.iter().map(|p| text(p)));
        values.push(int(i64::from(q.limit)));
        values.push(int(q.offset as i64));
        values.extend(self.caller_params());
        let n = params.len() + 1;
        let statement = self.prepared(Statement::List(q.shape()), || sql::list(&filter, q, n), &values)?;
        let row = self.unless_revoked(statement.raw_js_value().await.map_err(failed)?)?;
        Ok((RawJson(text_at(&row, 2)?), number_at(&row, 1)? as u64))
    }

    /// The insert is prepared once per isolate.
    async fn create(&self, t: &NewTask) -> Result<(i64, RawJson), ApiError> {
        let mut params: Vec<JsValue> = row::new_row(&self.user, t).iter().map(js).collect();
        params.extend(self.caller_params());
        let statement = self.prepared(Statement::Create, sql::create, &params)?;
        // No row: the insert's guard found the caller revoked.
        let row = first_row(statement.raw_js_value().await.map_err(failed)?).ok_or_else(session_revoked)?;
        Ok((number_at(&row, 0)? as i64, RawJson(text_at(&row, 1)?)))
    }

    async fn get(&self, id: i64) -> Result<Option<RawJson>, ApiError> {
        let statement = self.prepared(Statement::Get, sql::get, &self.task_params(id, []))?;
        let row = self.unless_revoked(statement.raw_js_value().await.map_err(failed)?)?;
        Ok(row.get(1).as_string().map(RawJson))
    }

    async fn exists(&self, id: i64) -> Result<bool, ApiError> {
        let statement = self.prepared(Statement::Exists, sql::exists, &self.task_params(id, []))?;
        let row = self.unless_revoked(statement.raw_js_value().await.map_err(failed)?)?;
        Ok(number_at(&row, 1)? != 0.0)
    }

    async fn update(&self, id: i64, p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
        let columns = row::patch_columns(p);
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let params = self.task_params(id, columns.iter().map(|(_, v)| js(v)));
        self.changed_task(&sql::update(&names), &params).await
    }

    async fn set_completed(&self, id: i64, completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
        self.changed_task(&sql::set_completed(completed), &self.task_params(id, [])).await
    }

    async fn delete(&self, id: i64) -> Result<bool, ApiError> {
        let statement = self.prepared(Statement::Delete, sql::delete, &self.task_params(id, []))?;
        match statement.raw_js_value().await.map_err(failed)?.is_empty() {
            false => Ok(true),
            true => self.revoked_or(false).await,
        }
    }
}

impl D1Store {
    /// `sql` prepared now, with `params` bound.
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

    /// The caller's session and `iat`: the last two parameters of every task statement.
    fn caller_params(&self) -> [JsValue; 2] {
        [self.caller.session.as_deref().map_or(JsValue::NULL, text), int(self.caller.issued_at as i64)]
    }

    /// The parameters of a statement on task `id`: the id, the user, `more`, then the caller's.
    fn task_params(&self, id: i64, more: impl IntoIterator<Item = JsValue>) -> Vec<JsValue> {
        let mut params = vec![int(id), text(&self.user)];
        params.extend(more);
        params.extend(self.caller_params());
        params
    }

    /// The one row of a reading statement, unless its `revoked` column says the caller is.
    fn unless_revoked(&self, rows: Vec<JsValue>) -> Result<Array, ApiError> {
        let row = first_row(rows).ok_or_else(malformed)?;
        match number_at(&row, 0)? != 0.0 {
            true => Err(session_revoked()),
            false => Ok(row),
        }
    }

    /// The `task` column of the one row a guarded write returns; with none, either there is no
    /// such task or the caller is revoked, which one more statement tells (only on this path).
    async fn changed_task(&self, sql: &str, params: &[JsValue]) -> Result<Option<RawJson>, ApiError> {
        let statement = self.statement(sql, params)?;
        match first_row(statement.raw_js_value().await.map_err(failed)?) {
            Some(row) => Ok(Some(RawJson(text_at(&row, 0)?))),
            None => self.revoked_or(None).await,
        }
    }

    /// `Err(session_revoked)` when the caller is revoked, else `Ok(otherwise)`.
    async fn revoked_or<T>(&self, otherwise: T) -> Result<T, ApiError> {
        let [session, iat] = self.caller_params();
        let statement = self.prepared(Statement::Revoked, sql::revoked_only, &[text(&self.user), session, iat])?;
        let row = first_row(statement.raw_js_value().await.map_err(failed)?).ok_or_else(malformed)?;
        match number_at(&row, 0)? != 0.0 {
            true => Err(session_revoked()),
            false => Ok(otherwise),
        }
    }
}

/// Records `revocations` in one batch (one transaction): every ended session and user, each
/// kept until its `until`. Idempotent.
pub async fn revoke(env: &Env, revocations: &Revocations) -> Result<(), ApiError> {
    let db = database(env)?;
    let mut batch = Vec::new();
    for chunk in revocations.sessions.chunks(ROWS_PER_INSERT) {
        let params: Vec<JsValue> =
            chunk.iter().flat_map(|s| [text(&s.sid), text(&s.sub), int(s.until as i64)]).collect();
        batch.push(db.prepare(sql::revoke_sessions(chunk.len())).bind(&params).map_err(failed)?);
    }
    for chunk in revocations.users.chunks(ROWS_PER_INSERT) {
        let params: Vec<JsValue> =
            chunk.iter().flat_map(|u| [text(&u.sub), int(u.before as i64), int(u.until as i64)]).collect();
        batch.push(db.prepare(sql::revoke_users(chunk.len())).bind(&params).map_err(failed)?);
    }
    if !batch.is_empty() {
        db.batch(batch).await.map_err(failed)?;
    }
    Ok(())
}

/// Forgets revocations that no longer matter at `now` (the scheduled handler).
pub async fn purge(env: &Env, now: u64) -> Result<(), ApiError> {
    let db = database(env)?;
    let statements: Vec<D1PreparedStatement> =
        sql::PURGE.iter().map(|s| db.prepare(*s).bind(&[int(now as i64)])).collect::<Result<_, _>>().map_err(failed)?;
    db.batch(statements).await.map_err(failed)?;
    Ok(())
}

/// Rows per `INSERT` of a revocation (three parameters each; SQLite binds at most 100 here).
const ROWS_PER_INSERT: usize = 30;

/// 401 `session_revoked`: the caller's session has ended.
fn session_revoked() -> ApiError {
    ApiError::from(Refusal::Token(taskgate_verify::Error::new(taskgate_verify::ErrorCode::SessionRevoked)))
}

/// Which prepared statement: one of fixed text, or a list query of a given shape ([`ListQuery::shape`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Statement {
    Create,
    Get,
    Exists,
    Delete,
    Revoked,
    List(u16),
}

thread_local! {
    /// Statements prepared once per isolate (the Worker's Wasm is single-threaded: one per isolate).
    static PREPARED: RefCell<HashMap<Statement, D1PreparedStatement>> = RefCell::new(HashMap::new());
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

/// A parameter's value as D1 binds it.
fn js(v: &Value) -> JsValue {
    match v {
        Value::Text(s) => text(s),
        Value::Int(n) => int(*n),
        Value::Null => JsValue::NULL,
    }
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
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

/// A row that is not what the statement returns (cannot happen with these statements).
fn malformed() -> ApiError {
    failed(worker::Error::RustError("unexpected row".into()))
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
