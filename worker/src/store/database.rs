//! What the task store needs of a SQLite database, whichever binding reaches it: [`Database`]
//! (run a statement, run several as one transaction), rows as [`Cell`]s, and parameters as
//! JavaScript values. Implemented by D1 ([`super::d1`]) and by a Durable Object's own SQLite
//! storage ([`super::object`]).

use worker::wasm_bindgen::JsValue;

use super::row::Value;
use crate::error::ApiError;

/// A statement the binding may keep prepared between requests: one of fixed text, or a list
/// query of a given shape (`ListQuery::shape`). A key, never the text itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Statement {
    /// `sql::create`.
    Create,
    /// `sql::get`.
    Get,
    /// `sql::exists`.
    Exists,
    /// `sql::delete`.
    Delete,
    /// `sql::revoked_only`.
    Revoked,
    /// `sql::list` of this shape.
    List(u16),
    /// Any other statement: prepared each time.
    Once,
}

/// One column of a result row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// An integer or a real (JavaScript has one number type).
    Number(f64),
    /// Text.
    Text(String),
}

/// A result row: its columns in order.
pub type Row = Vec<Cell>;

/// A SQLite database the task store runs its statements on.
pub trait Database {
    /// Runs `sql()` (kept prepared under `key` where the binding can) with `params`: every row.
    async fn rows(
        &self,
        key: Statement,
        sql: impl FnOnce() -> String,
        params: &[JsValue],
    ) -> Result<Vec<Row>, ApiError>;

    /// Runs `statements` (text, parameters) in order, as one transaction.
    async fn batch(&self, statements: Vec<(String, Vec<JsValue>)>) -> Result<(), ApiError>;
}

impl Cell {
    /// A column as JavaScript returned it (numbers, strings and `null` are all a task row holds).
    pub fn from_js(v: JsValue) -> Result<Self, ApiError> {
        if v.is_null() || v.is_undefined() {
            Ok(Cell::Null)
        } else if let Some(n) = v.as_f64() {
            Ok(Cell::Number(n))
        } else if let Some(s) = v.as_string() {
            Ok(Cell::Text(s))
        } else {
            Err(malformed())
        }
    }
}

/// Column `i` of `row` as text (moved out of the row).
pub fn text_at(row: &mut Row, i: usize) -> Result<String, ApiError> {
    match row.get_mut(i) {
        Some(Cell::Text(s)) => Ok(std::mem::take(s)),
        _ => Err(malformed()),
    }
}

/// Column `i` of `row` as text, `None` when `NULL`.
pub fn opt_text_at(row: &mut Row, i: usize) -> Result<Option<String>, ApiError> {
    match row.get(i) {
        Some(Cell::Null) => Ok(None),
        _ => text_at(row, i).map(Some),
    }
}

/// Column `i` of `row` as a number.
pub fn number_at(row: &Row, i: usize) -> Result<f64, ApiError> {
    match row.get(i) {
        Some(Cell::Number(n)) => Ok(*n),
        _ => Err(malformed()),
    }
}

/// A parameter's value as both bindings take it.
pub fn js(v: &Value) -> JsValue {
    match v {
        Value::Text(s) => text(s),
        Value::Int(n) => int(*n),
        Value::Null => JsValue::NULL,
    }
}

/// A text parameter.
pub fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// An integer parameter (a JavaScript number: exact up to 2^53, past any id or time here).
pub fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// A database failure of `kind` (`d1`, `sql`, `js`, `object`, ...): logged by kind only (the
/// message may quote SQL or values), answered 500.
pub fn failed(kind: &str) -> ApiError {
    worker::console_error!("{}", serde_json::json!({ "level": "error", "event": "database", "kind": kind }));
    ApiError::internal()
}

/// A row that is not what the statement returns (cannot happen with these statements).
pub fn malformed() -> ApiError {
    failed("unexpected row")
}
