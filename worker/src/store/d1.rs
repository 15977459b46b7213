//! D1 as a [`Database`]: every user's tasks in one database (the binding `DB`). Statements whose
//! text depends only on the shape of a request are prepared once per isolate and bound per
//! request; rows are read with `raw()` (arrays, not objects).

use std::cell::RefCell;
use std::collections::HashMap;

use worker::js_sys::Array;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, D1PreparedStatement, Env};

use taskgate_verify::host::revocation::Revocations;

use super::database::{Cell, Database, Row, Statement, failed};
use super::sqlite::{self, SqliteStore};
use super::{Caller, sql};
use crate::error::ApiError;

/// One user's tasks on D1.
pub type D1Store = SqliteStore<D1>;

impl D1Store {
    /// `user`'s tasks on the Worker's D1 database, for `caller`.
    pub fn open(env: &Env, user: &str, caller: Caller) -> Result<Self, ApiError> {
        Ok(SqliteStore::new(D1::of(env)?, user, caller))
    }
}

/// The Worker's D1 database.
pub struct D1(D1Database);

impl D1 {
    /// The database binding `DB`, looked up (and its type checked) once per isolate: the
    /// environment's bindings do not change while the isolate lives.
    pub fn of(env: &Env) -> Result<Self, ApiError> {
        thread_local! {
            static DATABASE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
        }
        if let Some(db) = DATABASE.with_borrow(Clone::clone) {
            return Ok(Self(db.unchecked_into()));
        }
        let db = JsValue::from(env.d1("DB").map_err(d1_failed)?);
        DATABASE.set(Some(db.clone()));
        Ok(Self(db.unchecked_into()))
    }

    /// `sql()` as a statement with `params` bound: prepared on first use in this isolate when `key`
    /// names a statement of fixed text.
    fn bound(
        &self,
        key: Statement,
        sql: impl FnOnce() -> String,
        params: &[JsValue],
    ) -> Result<D1PreparedStatement, ApiError> {
        let statement = match key {
            Statement::Once => self.0.prepare(sql()),
            key => PREPARED.with_borrow_mut(|cache| cache.entry(key).or_insert_with(|| self.0.prepare(sql())).clone()),
        };
        statement.bind(params).map_err(d1_failed)
    }
}

impl Database for D1 {
    async fn rows(
        &self,
        key: Statement,
        sql: impl FnOnce() -> String,
        params: &[JsValue],
    ) -> Result<Vec<Row>, ApiError> {
        let rows = self.bound(key, sql, params)?.raw_js_value().await.map_err(d1_failed)?;
        rows.into_iter().map(|r| r.unchecked_into::<Array>().iter().map(Cell::from_js).collect()).collect()
    }

    async fn batch(&self, statements: Vec<(String, Vec<JsValue>)>) -> Result<(), ApiError> {
        let statements: Vec<D1PreparedStatement> = statements
            .into_iter()
            .map(|(sql, params)| self.0.prepare(sql).bind(&params))
            .collect::<Result<_, _>>()
            .map_err(d1_failed)?;
        self.0.batch(statements).await.map_err(d1_failed)?;
        Ok(())
    }
}

thread_local! {
    /// Statements prepared once per isolate (the Worker's Wasm is single-threaded: one per isolate).
    static PREPARED: RefCell<HashMap<Statement, D1PreparedStatement>> = RefCell::new(HashMap::new());
}

/// Whether the database answers (for `/health`).
pub async fn ping(env: &Env) -> bool {
    let Ok(db) = D1::of(env) else { return false };
    db.rows(Statement::Once, || sql::PING.to_owned(), &[]).await.is_ok()
}

/// Records `revocations` in one batch (one transaction). Idempotent.
pub async fn revoke(env: &Env, revocations: &Revocations) -> Result<(), ApiError> {
    sqlite::revoke(&D1::of(env)?, revocations).await
}

/// Forgets revocations that no longer matter at `now` (the scheduled handler).
pub async fn purge(env: &Env, now: u64) -> Result<(), ApiError> {
    sqlite::purge(&D1::of(env)?, now).await
}

/// A D1 failure, logged by kind.
fn d1_failed(e: worker::Error) -> ApiError {
    failed(match e {
        worker::Error::D1(_) => "d1",
        worker::Error::JsError(_) => "js",
        worker::Error::SerdeWasmBindgenError(_) => "decode",
        _ => "other",
    })
}
