//! [`SqliteStore`]: one user's tasks on any SQLite [`Database`], with the statements of
//! [`super::sql`] and the values of [`super::row`]. The same code serves D1 (every user in one
//! database) and a user's Durable Object (that user alone): the statements are scoped by user and
//! guarded by the caller's revocations either way.
//!
//! Per request the Worker pays for what crosses into JavaScript, so: a list is one statement
//! (the page and the total together); SQLite builds the JSON, which crosses once, as one string;
//! rows are read as arrays (not objects), field by index.

use worker::wasm_bindgen::JsValue;

use taskgate_verify::host::http::Refusal;
use taskgate_verify::host::revocation::Revocations;

use super::database::{Database, Row, Statement, int, js, malformed, number_at, opt_text_at, text, text_at};
use super::row;
use super::{Caller, TaskStore, sql};
use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;

/// One user's tasks on a SQLite database, for one caller.
pub struct SqliteStore<D> {
    db: D,
    user: String,
    caller: Caller,
}

impl<D: Database> SqliteStore<D> {
    /// `user`'s tasks on `db`, for `caller` (the user already authorized).
    pub fn new(db: D, user: &str, caller: Caller) -> Self {
        Self { db, user: user.to_owned(), caller }
    }
}

impl<D: Database> TaskStore for SqliteStore<D> {
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
        let rows = self.db.rows(Statement::List(q.shape()), || sql::list(&filter, q, n), &values).await?;
        let mut row = unless_revoked(rows)?;
        Ok((RawJson(text_at(&mut row, 2)?), number_at(&row, 1)? as u64))
    }

    async fn create(&self, t: &NewTask) -> Result<(i64, RawJson), ApiError> {
        let mut params: Vec<JsValue> = row::new_row(&self.user, t).iter().map(js).collect();
        params.extend(self.caller_params());
        // No row: the insert's guard found the caller revoked.
        let mut row = self
            .db
            .rows(Statement::Create, sql::create, &params)
            .await?
            .into_iter()
            .next()
            .ok_or_else(session_revoked)?;
        Ok((number_at(&row, 0)? as i64, RawJson(text_at(&mut row, 1)?)))
    }

    async fn get(&self, id: i64) -> Result<Option<RawJson>, ApiError> {
        let rows = self.db.rows(Statement::Get, sql::get, &self.task_params(id, [])).await?;
        Ok(opt_text_at(&mut unless_revoked(rows)?, 1)?.map(RawJson))
    }

    async fn exists(&self, id: i64) -> Result<bool, ApiError> {
        let rows = self.db.rows(Statement::Exists, sql::exists, &self.task_params(id, [])).await?;
        Ok(number_at(&unless_revoked(rows)?, 1)? != 0.0)
    }

    async fn update(&self, id: i64, p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
        let columns = row::patch_columns(p);
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let params = self.task_params(id, columns.iter().map(|(_, v)| js(v)));
        self.changed_task(sql::update(&names), &params).await
    }

    async fn set_completed(&self, id: i64, completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
        self.changed_task(sql::set_completed(completed), &self.task_params(id, [])).await
    }

    async fn delete(&self, id: i64) -> Result<bool, ApiError> {
        match self.db.rows(Statement::Delete, sql::delete, &self.task_params(id, [])).await?.is_empty() {
            false => Ok(true),
            true => self.revoked_or(false).await,
        }
    }
}

impl<D: Database> SqliteStore<D> {
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

    /// The `task` column of the one row a guarded write returns; with none, either there is no
    /// such task or the caller is revoked, which one more statement tells (only on this path).
    async fn changed_task(&self, sql: String, params: &[JsValue]) -> Result<Option<RawJson>, ApiError> {
        match self.db.rows(Statement::Once, || sql, params).await?.into_iter().next() {
            Some(mut row) => Ok(Some(RawJson(text_at(&mut row, 0)?))),
            None => self.revoked_or(None).await,
        }
    }

    /// `Err(session_revoked)` when the caller is revoked, else `Ok(otherwise)`.
    async fn revoked_or<T>(&self, otherwise: T) -> Result<T, ApiError> {
        let [session, iat] = self.caller_params();
        let rows = self.db.rows(Statement::Revoked, sql::revoked_only, &[text(&self.user), session, iat]).await?;
        let row = rows.into_iter().next().ok_or_else(malformed)?;
        match number_at(&row, 0)? != 0.0 {
            true => Err(session_revoked()),
            false => Ok(otherwise),
        }
    }
}

/// The one row of a reading statement, unless its `revoked` column says the caller is.
fn unless_revoked(rows: Vec<Row>) -> Result<Row, ApiError> {
    let row = rows.into_iter().next().ok_or_else(malformed)?;
    match number_at(&row, 0)? != 0.0 {
        true => Err(session_revoked()),
        false => Ok(row),
    }
}

/// 401 `session_revoked`: the caller's session has ended.
pub fn session_revoked() -> ApiError {
    ApiError::from(Refusal::Token(taskgate_verify::Error::new(taskgate_verify::ErrorCode::SessionRevoked)))
}

/// Records `revocations` on `db` in one transaction: every ended session and user, each kept
/// until its `until`. Idempotent.
pub async fn revoke(db: &impl Database, revocations: &Revocations) -> Result<(), ApiError> {
    let mut batch = Vec::new();
    for chunk in revocations.sessions.chunks(ROWS_PER_INSERT) {
        let params = chunk.iter().flat_map(|s| [text(&s.sid), text(&s.sub), int(s.until as i64)]).collect();
        batch.push((sql::revoke_sessions(chunk.len()), params));
    }
    for chunk in revocations.users.chunks(ROWS_PER_INSERT) {
        let params = chunk.iter().flat_map(|u| [text(&u.sub), int(u.before as i64), int(u.until as i64)]).collect();
        batch.push((sql::revoke_users(chunk.len()), params));
    }
    if batch.is_empty() {
        return Ok(());
    }
    db.batch(batch).await
}

/// Forgets the revocations on `db` that no longer matter at `now`.
pub async fn purge(db: &impl Database, now: u64) -> Result<(), ApiError> {
    db.batch(sql::PURGE.iter().map(|s| ((*s).to_owned(), vec![int(now as i64)])).collect()).await
}

/// Rows per `INSERT` of a revocation (three parameters each; SQLite binds at most 100 here).
const ROWS_PER_INSERT: usize = 30;

/// For a move: user `user`'s rows on `db` with ids in `(after, through]`, at most `limit`, by id
/// (a JSON array: `sql::export_tasks`).
pub async fn export(db: &impl Database, user: &str, after: i64, through: i64, limit: u32) -> Result<String, ApiError> {
    let params = [text(user), int(after), int(through), int(i64::from(limit))];
    let mut rows = db.rows(Statement::Once, sql::export_tasks, &params).await?;
    text_at(rows.first_mut().ok_or_else(malformed)?, 0)
}

/// For a move: writes the rows of `exported` that are `user`'s (ids kept); how many.
pub async fn import(db: &impl Database, user: &str, exported: &str) -> Result<u64, ApiError> {
    Ok(db.rows(Statement::Once, sql::import_tasks, &[text(exported), text(user)]).await?.len() as u64)
}

/// After a move: deletes `user`'s rows that `exported` holds unchanged; how many.
pub async fn forget(db: &impl Database, user: &str, exported: &str) -> Result<u64, ApiError> {
    let forget = || sql::FORGET_TASKS.to_owned();
    Ok(db.rows(Statement::Once, forget, &[text(exported), text(user)]).await?.len() as u64)
}

/// For a move: `user`'s revocations, as the body of `POST /revocations`.
pub async fn export_revocations(db: &impl Database, user: &str) -> Result<String, ApiError> {
    let mut rows = db.rows(Statement::Once, || sql::EXPORT_REVOCATIONS.to_owned(), &[text(user)]).await?;
    text_at(rows.first_mut().ok_or_else(malformed)?, 0)
}
