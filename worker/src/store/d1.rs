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

use super::row::{self, Value};
use super::{TaskStore, sql};
use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;

/// Whether the database answers (for `/health`).
pub async fn ping(env: &Env) -> bool {
    let Ok(db) = env.d1("DB") else { return false };
    db.prepare(sql::PING).first::<serde_json::Value>(None).await.is_ok()
}

/// One user's tasks on D1.
pub struct D1Store {
    db: D1Database,
    user: String,
}

impl TaskStore for D1Store {
    fn open(env: &Env, user: &str) -> Result<Self, ApiError> {
        Ok(Self { db: database(env)?, user: user.to_owned() })
    }

    /// One statement, prepared once per isolate for each shape of query.
    async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError> {
        let (filter, params) = sql::filter(q);
        let mut values = Vec::with_capacity(params.len() + 3);
        values.push(text(&self.user));
        values.extend(params.iter().map(|p| text(p)));
        values.push(int(i64::from(q.limit)));
        values.push(int(q.offset as i64));
        let n = params.len() + 1;
        let statement = self.prepared(Statement::List(q.shape()), || sql::list(&filter, q, n), &values)?;
        let row = first_row(statement.raw_js_value().await.map_err(failed)?).ok_or_else(malformed)?;
        Ok((RawJson(text_at(&row, 1)?), number_at(&row, 0)? as u64))
    }

    /// The insert is prepared once per isolate.
    async fn create(&self, t: &NewTask) -> Result<(i64, RawJson), ApiError> {
        let params = row::new_row(&self.user, t).map(|v| js(&v));
        let statement = self.prepared(Statement::Create, || sql::CREATE.to_owned(), &params)?;
        let row = first_row(statement.raw_js_value().await.map_err(failed)?).ok_or_else(malformed)?;
        Ok((number_at(&row, 0)? as i64, RawJson(text_at(&row, 1)?)))
    }

    async fn get(&self, id: i64) -> Result<Option<RawJson>, ApiError> {
        self.task(sql::GET, &[int(id), text(&self.user)]).await
    }

    async fn exists(&self, id: i64) -> Result<bool, ApiError> {
        let statement = self.statement(sql::EXISTS, &[int(id), text(&self.user)])?;
        Ok(!statement.raw_js_value().await.map_err(failed)?.is_empty())
    }

    async fn update(&self, id: i64, p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
        let columns = row::patch_columns(p);
        let mut params = Vec::with_capacity(columns.len() + 2);
        params.extend([int(id), text(&self.user)]);
        params.extend(columns.iter().map(|(_, v)| js(v)));
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        self.task(&sql::update(&names), &params).await
    }

    async fn set_completed(&self, id: i64, completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
        self.task(&sql::set_completed(completed), &[int(id), text(&self.user)]).await
    }

    async fn delete(&self, id: i64) -> Result<bool, ApiError> {
        let statement = self.statement(sql::DELETE, &[int(id), text(&self.user)])?;
        Ok(!statement.raw_js_value().await.map_err(failed)?.is_empty())
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

    /// The `task` column of the one row `sql` returns, if any.
    async fn task(&self, sql: &str, params: &[JsValue]) -> Result<Option<RawJson>, ApiError> {
        let statement = self.statement(sql, params)?;
        match first_row(statement.raw_js_value().await.map_err(failed)?) {
            Some(row) => Ok(Some(RawJson(text_at(&row, 0)?))),
            None => Ok(None),
        }
    }
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
