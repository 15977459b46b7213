//! Where the tasks are kept: [`TaskStore`], the one interface the handlers call (one user's
//! tasks, the user already authorized), and its implementations:
//!
//! - [`d1`]: the `tasks` table on D1, the store the Worker serves from;
//! - `fixed` (feature `bench-fixed-store`, benchmarks only): a fixed result, no database.
//!
//! What a store that keeps tasks in SQLite needs whatever its binding: [`row`], a task as the
//! values of its columns, and [`sql`], the statement texts (every one scoped by `user_id`).

// A benchmark build (`bench-fixed-store`) serves from the fixed store but still compiles the D1
// store (and, through it, all of `row` and `sql`), so that both builds check the same code.
#[cfg_attr(
    feature = "bench-fixed-store",
    allow(dead_code, reason = "in a benchmark build the fixed store serves: the D1 store is compiled, never called")
)]
mod d1;
#[cfg(feature = "bench-fixed-store")]
mod fixed;
mod row;
mod sql;

use worker::Env;

pub use d1::{ping, purge, revoke};

use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;

/// Who is calling, as far as ending sessions goes (contract section 4): the session the token
/// belongs to, and when it was issued. Every call of a [`TaskStore`] checks, in the same statement
/// as its task work, that neither that session nor every session of the user ended since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's session (`Claims::session_id`), if it names one.
    pub session: Option<String>,
    /// The token's `iat` in whole seconds (0 without one: any user-wide revocation refuses it).
    pub issued_at: u64,
}

/// One user's tasks, whichever store keeps them. Every task leaves a store as its JSON, built by
/// the store (see [`sql`]), and is sent on as it is. A caller whose session has ended reads and
/// writes nothing: every call answers 401 `session_revoked` instead.
pub trait TaskStore: Sized {
    /// The store of `user`'s tasks for `caller` (the user already authorized).
    fn open(env: &Env, user: &str, caller: Caller) -> Result<Self, ApiError>;

    /// One page of tasks (a JSON array, in order) and how many match in all.
    async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError>;

    /// Inserts a task: its id and JSON.
    async fn create(&self, t: &NewTask) -> Result<(i64, RawJson), ApiError>;

    /// Task `id` as JSON, if the user has it.
    async fn get(&self, id: i64) -> Result<Option<RawJson>, ApiError>;

    /// Whether the user has task `id`.
    async fn exists(&self, id: i64) -> Result<bool, ApiError>;

    /// Applies a partial update to task `id`: its new JSON, or `None` when there is no such task.
    async fn update(&self, id: i64, p: &TaskPatch) -> Result<Option<RawJson>, ApiError>;

    /// Sets `completed` (or toggles it, atomically, when `None`): the task's JSON, or `None`
    /// when there is no such task.
    async fn set_completed(&self, id: i64, completed: Option<bool>) -> Result<Option<RawJson>, ApiError>;

    /// Deletes task `id`; `false` when the user had none.
    async fn delete(&self, id: i64) -> Result<bool, ApiError>;
}

/// The store the task routes use: D1.
#[cfg(not(feature = "bench-fixed-store"))]
pub type Store = d1::D1Store;

/// The store the task routes use: in benchmark builds, the fixed one.
#[cfg(feature = "bench-fixed-store")]
pub type Store = fixed::FixedStore;
