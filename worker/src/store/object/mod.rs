//! The Durable Object store (`TASK_STORE=durable-object`): one object per user, with SQLite
//! storage, holding that user's tasks and the revocations that name that user.
//!
//! - [`UserTasks`]: the object class (binding `USER_TASKS`), which migrates its own schema and
//!   runs the same [`super::sqlite::SqliteStore`] as D1 on its own storage;
//! - [`ObjectStore`]: the Worker's side, a [`super::TaskStore`] that sends each call to the
//!   object of the path's user (reached only after the token check: `handlers`);
//! - [`protocol`]: the messages between the two.

mod class;
pub mod client;
pub mod protocol;

pub use class::UserTasks;
pub use client::{ObjectStore, object_name, ping, revoke};
