//! Where the tasks are kept: [`TaskStore`], the one interface the handlers call (one user's
//! tasks, the user already authorized), and its implementations, chosen by `TASK_STORE`
//! ([`Backend`]):
//!
//! - [`d1`]: every user's tasks in one D1 database (the default);
//! - [`object`]: one Durable Object per user, with SQLite storage;
//! - `fixed` (feature `bench-fixed-store`, benchmarks only): a fixed result, no database.
//!
//! Both real stores are SQLite: one [`sqlite::SqliteStore`] runs the statements of [`sql`] with the
//! values of [`row`] on a [`database::Database`], D1's binding or the object's own storage.

// A benchmark build (`bench-fixed-store`) serves from the fixed store but still compiles the
// real stores, so that both builds check the same code.
#[cfg_attr(
    feature = "bench-fixed-store",
    allow(
        dead_code,
        reason = "in a benchmark build the fixed store serves: the real stores are compiled, never called"
    )
)]
mod d1;
mod database;
#[cfg(feature = "bench-fixed-store")]
mod fixed;
pub mod moves;
pub mod object;
mod row;
mod sql;
mod sqlite;

use serde::{Deserialize, Serialize};
use worker::Env;

pub use d1::D1Store;
#[cfg(feature = "bench-fixed-store")]
pub use fixed::FixedStore;
pub use object::ObjectStore;

use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;
use taskgate_verify::host::revocation::Revocations;

/// The setting that picks the store.
pub const TASK_STORE: &str = "TASK_STORE";

/// Which store keeps the tasks (`TASK_STORE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// `d1` (the default, also when unset): one D1 database.
    #[default]
    D1,
    /// `durable-object`: one Durable Object per user.
    DurableObject,
}

impl Backend {
    /// Every backend with its setting's value.
    pub const ALL: [(Backend, &'static str); 2] = [(Backend::D1, "d1"), (Backend::DurableObject, "durable-object")];

    /// Parses `TASK_STORE` (unset or empty: D1); `None` for any other value.
    pub fn parse(value: Option<&str>) -> Option<Self> {
        match value.map(str::trim).unwrap_or("") {
            "" => Some(Backend::D1),
            v => Self::named(v),
        }
    }

    /// The backend named `name` exactly.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(b, _)| *b)
    }

    /// Its setting's value.
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(b, _)| *b == self).map_or("", |(_, n)| *n)
    }

    /// The other store (where a move to this one comes from).
    pub fn other(self) -> Self {
        match self {
            Backend::D1 => Backend::DurableObject,
            Backend::DurableObject => Backend::D1,
        }
    }

    /// What a setting naming a store must be: "one of: d1, durable-object".
    pub fn expected() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|(_, name)| *name).collect();
        format!("one of: {}", names.join(", "))
    }

    /// Whether the store answers (`/health`).
    pub async fn ping(self, env: &Env) -> bool {
        match self {
            Backend::D1 => d1::ping(env).await,
            Backend::DurableObject => object::ping(env).await,
        }
    }

    /// Records revocations where the store keeps them: D1's tables, or each user's object.
    pub async fn revoke(self, env: &Env, revocations: &Revocations) -> Result<(), ApiError> {
        match self {
            Backend::D1 => d1::revoke(env, revocations).await,
            Backend::DurableObject => object::revoke(env, revocations).await,
        }
    }
}

/// Forgets D1's revocations that no longer matter at `now` (the scheduled handler; each object
/// purges its own with an alarm).
pub use d1::purge;

/// Who is calling, as far as ending sessions goes (contract section 4): the session the token
/// belongs to, and when it was issued. Every call of a [`TaskStore`] checks, in the same statement
/// as its task work, that neither that session nor every session of the user ended since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// The token's session (`Claims::session_id`), if it names one.
    pub session: Option<String>,
    /// The token's `iat` in whole seconds (0 without one: any user-wide revocation refuses it).
    pub issued_at: u64,
}

/// One user's tasks, whichever store keeps them. Every task leaves a store as its JSON, built by
/// the store (see [`sql`]), and is sent on as it is. A caller whose session has ended reads and
/// writes nothing: every call answers 401 `session_revoked` instead.
pub trait TaskStore {
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

#[cfg(test)]
mod tests {
    use super::Backend;

    #[test]
    fn task_store_names_d1_or_durable_object_and_defaults_to_d1() {
        assert_eq!(Backend::parse(None), Some(Backend::D1));
        assert_eq!(Backend::parse(Some(" ")), Some(Backend::D1));
        assert_eq!(Backend::parse(Some("d1")), Some(Backend::D1));
        assert_eq!(Backend::parse(Some("durable-object")), Some(Backend::DurableObject));
        for bad in ["D1", "do", "durable_object", "kv"] {
            assert_eq!(Backend::parse(Some(bad)), None, "{bad}");
        }
    }
}
