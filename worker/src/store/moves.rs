//! Moving one user's tasks between the stores (`POST /admin/moves`, docs/scale.md): the user's
//! revocations first (a session that ended stays ended on the other side), then the tasks page by
//! page: copied with their ids, read back and compared field by field, and only then deleted where
//! they came from, each only if unchanged since it was read (a task written meanwhile stays, and
//! is counted in `left`: run the move again). Run again after a failure, a move picks up where it
//! stopped: a copy overwrites the same task, never another user's.

use std::collections::HashMap;

use serde_json::Value;
use worker::{Env, Stub};

use taskgate_verify::host::revocation::Revocations;

use super::d1::D1;
use super::object::protocol::{Call, Message, Reply};
use super::object::{client, object_name};
use super::{Backend, sqlite};
use crate::error::ApiError;
use crate::response::RawJson;

/// Tasks per page of a move (each page one statement on each side).
pub const PAGE: u32 = 500;

/// Past any id (JavaScript's largest exact integer).
const LAST_ID: i64 = (1 << 53) - 1;

/// What a move did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Moved {
    /// Tasks copied, checked and deleted at the source.
    pub tasks: u64,
    /// Tasks copied but changed at the source during the move, so left there too.
    pub left: u64,
}

/// Moves `user`'s tasks and revocations from `from` to `to`.
pub async fn move_user(env: &Env, user: &str, from: Backend, to: Backend) -> Result<Moved, ApiError> {
    let (source, target) = (Side::open(env, from, user)?, Side::open(env, to, user)?);
    target.revoke(&source.revocations().await?).await?;
    let mut moved = Moved::default();
    let mut after = 0;
    loop {
        let page = source.export(after, LAST_ID, PAGE).await?;
        let rows = parse(&page)?;
        let Some(last) = rows.last().map(id_of).transpose()? else { break };
        target.import(&page).await?;
        // Read back what the target now holds in that range, and compare every field.
        let copied: HashMap<i64, Value> = parse(&target.export(after, last, u32::MAX).await?)?
            .into_iter()
            .map(|r| Ok((id_of(&r)?, r)))
            .collect::<Result<_, ApiError>>()?;
        if rows.iter().any(|r| id_of(r).ok().and_then(|id| copied.get(&id)) != Some(r)) {
            return Err(move_failed("the copy differs"));
        }
        let forgotten = source.forget(&page).await?;
        moved.tasks += forgotten;
        moved.left += rows.len() as u64 - forgotten;
        after = last;
    }
    Ok(moved)
}

/// One side of a move: D1, or the user's object.
enum Side {
    D1(D1, String),
    Object(Stub, String),
}

impl Side {
    fn open(env: &Env, store: Backend, user: &str) -> Result<Self, ApiError> {
        Ok(match store {
            Backend::D1 => Side::D1(D1::of(env)?, user.to_owned()),
            Backend::DurableObject => Side::Object(client::stub(env, &object_name(user))?, user.to_owned()),
        })
    }

    async fn export(&self, after: i64, through: i64, limit: u32) -> Result<String, ApiError> {
        match self {
            Side::D1(db, user) => sqlite::export(db, user, after, through, limit).await,
            Side::Object(..) => self.json(Call::Export { after, through, limit }).await,
        }
    }

    async fn import(&self, rows: &str) -> Result<u64, ApiError> {
        match self {
            Side::D1(db, user) => sqlite::import(db, user, rows).await,
            Side::Object(..) => self.number(Call::Import(rows.to_owned())).await,
        }
    }

    async fn forget(&self, rows: &str) -> Result<u64, ApiError> {
        match self {
            Side::D1(db, user) => sqlite::forget(db, user, rows).await,
            Side::Object(..) => self.number(Call::Forget(rows.to_owned())).await,
        }
    }

    async fn revocations(&self) -> Result<String, ApiError> {
        match self {
            Side::D1(db, user) => sqlite::export_revocations(db, user).await,
            Side::Object(..) => self.json(Call::Revocations).await,
        }
    }

    /// Records `body` (a `POST /revocations` body of this user's entries).
    async fn revoke(&self, body: &str) -> Result<(), ApiError> {
        match self {
            Side::D1(db, _) => {
                let revocations = Revocations::parse(body).map_err(|_| move_failed("revocations"))?;
                sqlite::revoke(db, &revocations).await
            }
            Side::Object(..) => self.json(Call::Revoke(body.to_owned())).await.map(|_| ()),
        }
    }

    /// Sends `call` to the object: its JSON reply (none: empty).
    async fn json(&self, call: Call) -> Result<String, ApiError> {
        let Side::Object(stub, user) = self else { return Err(move_failed("not an object")) };
        match client::send(stub, &Message { user: user.clone(), call }).await? {
            Reply::Json(RawJson(text)) => Ok(text),
            _ => Ok(String::new()),
        }
    }

    async fn number(&self, call: Call) -> Result<u64, ApiError> {
        self.json(call).await?.parse().map_err(|_| move_failed("count"))
    }
}

/// An export's rows.
fn parse(rows: &str) -> Result<Vec<Value>, ApiError> {
    serde_json::from_str(rows).map_err(|_| move_failed("export"))
}

/// A row's id.
fn id_of(row: &Value) -> Result<i64, ApiError> {
    row.get("id").and_then(Value::as_i64).ok_or_else(|| move_failed("id"))
}

/// A move that cannot go on: logged by step, answered 500 (nothing deleted at the source for the
/// page at fault; run it again).
fn move_failed(step: &str) -> ApiError {
    worker::console_error!("{}", serde_json::json!({ "level": "error", "event": "move", "step": step }));
    ApiError::internal()
}
