//! The messages between the Worker and a user's object: one `POST` per call, its body a
//! [`Message`] (JSON), its answer a status with the result as the body ([`Reply`]). Internal:
//! no client ever reaches an object (it has no route of its own).

use serde::{Deserialize, Serialize};
use worker::{Method, Request, RequestInit, Response};

use super::super::Caller;
use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;
use crate::store::database::failed;

/// A call on a user's object.
#[derive(Debug, Serialize, Deserialize)]
pub struct Message {
    /// The user the object holds (the path's user, already the token's `sub`). The object refuses
    /// a message for anyone else: a user's tasks never leave that user's object.
    pub user: String,
    /// What to do.
    pub call: Call,
}

/// What a message asks of the object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// A task route's store call, for `caller` (checked against the object's revocations).
    Task {
        /// Whose token it is.
        caller: Caller,
        /// The call.
        op: Op,
    },
    /// Records revocations of this user: the body of `POST /revocations`, only this user's entries.
    Revoke(String),
    /// Whether the object answers (`/health`).
    Ping,
    /// To the id allocator object ([`ID_ALLOCATOR`]): a block of ids no other object has had.
    Block,
    /// A move: the user's rows with ids in `(after, through]`, at most `limit` (a JSON array).
    Export {
        /// Below the first id.
        after: i64,
        /// The last id.
        through: i64,
        /// The most rows.
        limit: u32,
    },
    /// A move: writes these rows (an export), ids kept; answers how many.
    Import(String),
    /// After a move: deletes these rows (an export) where unchanged; answers how many.
    Forget(String),
    /// A move: the user's revocations, as the body of `POST /revocations`.
    Revocations,
}

/// Task ids are unique across every user and both stores, as D1's are (a client cannot tell the
/// stores apart, and a task id of another user is never one of yours). A user's object takes ids
/// in blocks of `2^BLOCK_BITS` from one allocator object, once per block (about once per user).
pub const BLOCK_BITS: u32 = 20;
/// The first block: its ids start at 2^32, above any id D1 gives (D1's 10 GB holds far fewer
/// tasks), so that tasks moved between the stores keep their ids.
pub const FIRST_BLOCK: i64 = 1 << 12;
/// The name of the id allocator object.
pub const ID_ALLOCATOR: &str = "ids";

/// A [`super::super::TaskStore`] call, with its arguments.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `list`.
    List(ListQuery),
    /// `create`.
    Create(NewTask),
    /// `get`.
    Get(i64),
    /// `exists`.
    Exists(i64),
    /// `update`.
    Update(i64, TaskPatch),
    /// `set_completed`.
    SetCompleted(i64, Option<bool>),
    /// `delete`.
    Delete(i64),
}

/// An answer, as the object sends it and the Worker reads it.
pub enum Reply {
    /// 200, a JSON body (a task, a page, `true`/`false`).
    Json(RawJson),
    /// 200, a page of a list with the total in [`TOTAL`].
    Page(RawJson, u64),
    /// 201, a created task with its id in [`ID`].
    Created(i64, RawJson),
    /// 204: nothing (no such task; done).
    Nothing,
}

/// The header of a page's total.
pub const TOTAL: &str = "x-total";
/// The header of a created task's id.
pub const ID: &str = "x-id";

impl Reply {
    /// The response the object sends.
    pub fn into_response(self) -> Response {
        let text = crate::response::json_text;
        match self {
            Reply::Json(body) => text(200, body),
            Reply::Page(body, total) => {
                let r = text(200, body);
                let _ = r.headers().set(TOTAL, &total.to_string());
                r
            }
            Reply::Created(id, body) => {
                let r = text(201, body);
                let _ = r.headers().set(ID, &id.to_string());
                r
            }
            Reply::Nothing => crate::response::empty(204),
        }
    }

    /// Reads an answer of the object (a status below 300; others are errors: `client`).
    pub async fn read(mut resp: Response) -> Result<Self, ApiError> {
        let header = |name: &str| resp.headers().get(name).ok().flatten().and_then(|v| v.parse::<i64>().ok());
        let (status, total, id) = (resp.status_code(), header(TOTAL), header(ID));
        if status == 204 {
            return Ok(Reply::Nothing);
        }
        let body = RawJson(resp.text().await.map_err(|_| failed("object"))?);
        Ok(match (status, total, id) {
            (200, Some(total), _) => Reply::Page(body, total as u64),
            (201, _, Some(id)) => Reply::Created(id, body),
            _ => Reply::Json(body),
        })
    }
}

/// The request that carries `message` to an object.
pub fn request(message: &Message) -> Result<Request, ApiError> {
    let body = serde_json::to_string(message).map_err(|_| ApiError::internal())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    // The host is never resolved: a stub's fetch goes to its object.
    Request::new_with_init("https://user-tasks/", &init).map_err(|_| ApiError::internal())
}
