//! The Worker's side of the object store: [`ObjectStore`] sends each call of a task route to the
//! object of the path's user; [`revoke`] sends each user's revocations to that user's object.

use futures_util::future::try_join_all;
use worker::{Env, Stub};

use taskgate_verify::host::revocation::Revocations;

use super::protocol::{Call, Message, Op, Reply, request};
use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;
use crate::store::database::failed;
use crate::store::sqlite::session_revoked;
use crate::store::{Caller, TaskStore};

/// The binding of the object class (`wrangler.toml`).
pub const BINDING: &str = "USER_TASKS";

/// One user's tasks in that user's object, for one caller.
pub struct ObjectStore {
    stub: Stub,
    user: String,
    caller: Caller,
}

impl ObjectStore {
    /// The object of `user` (the path's user, already the token's `sub`), for `caller`.
    pub fn open(env: &Env, user: &str, caller: Caller) -> Result<Self, ApiError> {
        Ok(Self { stub: stub(env, &object_name(user))?, user: user.to_owned(), caller })
    }

    /// Sends `op` to the object.
    async fn call(&self, op: Op) -> Result<Reply, ApiError> {
        send(&self.stub, &Message { user: self.user.clone(), call: Call::Task { caller: self.caller.clone(), op } })
            .await
    }
}

impl TaskStore for ObjectStore {
    async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError> {
        match self.call(Op::List(q.clone())).await? {
            Reply::Page(page, total) => Ok((page, total)),
            _ => Err(object_failed()),
        }
    }

    async fn create(&self, t: &NewTask) -> Result<(i64, RawJson), ApiError> {
        match self.call(Op::Create(t.clone())).await? {
            Reply::Created(id, task) => Ok((id, task)),
            _ => Err(object_failed()),
        }
    }

    async fn get(&self, id: i64) -> Result<Option<RawJson>, ApiError> {
        task(self.call(Op::Get(id)).await?)
    }

    async fn exists(&self, id: i64) -> Result<bool, ApiError> {
        flag(self.call(Op::Exists(id)).await?)
    }

    async fn update(&self, id: i64, p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
        task(self.call(Op::Update(id, p.clone())).await?)
    }

    async fn set_completed(&self, id: i64, completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
        task(self.call(Op::SetCompleted(id, completed)).await?)
    }

    async fn delete(&self, id: i64) -> Result<bool, ApiError> {
        flag(self.call(Op::Delete(id)).await?)
    }
}

/// A task, or none.
fn task(reply: Reply) -> Result<Option<RawJson>, ApiError> {
    match reply {
        Reply::Json(task) => Ok(Some(task)),
        Reply::Nothing => Ok(None),
        _ => Err(object_failed()),
    }
}

/// `true` or `false`.
fn flag(reply: Reply) -> Result<bool, ApiError> {
    match reply {
        Reply::Json(RawJson(b)) if b == "true" => Ok(true),
        Reply::Json(RawJson(b)) if b == "false" => Ok(false),
        _ => Err(object_failed()),
    }
}

/// The object's name for `user`. Prefixed, so that no user's object is the health check's.
pub fn object_name(user: &str) -> String {
    format!("user:{user}")
}

/// The name of the object `/health` asks.
const HEALTH: &str = "health";

/// Whether the object store answers (for `/health`): one object, kept for it, answers.
pub async fn ping(env: &Env) -> bool {
    let Ok(stub) = stub(env, HEALTH) else { return false };
    send(&stub, &Message { user: String::new(), call: Call::Ping }).await.is_ok()
}

/// Sends each user's revocations to that user's object, all at once. Each object records its
/// own in one transaction; the whole is idempotent (the sender resends until 204).
pub async fn revoke(env: &Env, revocations: &Revocations) -> Result<(), ApiError> {
    let mut users: Vec<&str> = revocations.sessions.iter().map(|s| s.sub.as_str()).collect();
    users.extend(revocations.users.iter().map(|u| u.sub.as_str()));
    users.sort_unstable();
    users.dedup();
    let sends = users.into_iter().map(|user| async move {
        let body = serde_json::json!({
            "sessions": revocations.sessions.iter().filter(|s| s.sub == user)
                .map(|s| serde_json::json!({ "sid": s.sid, "sub": s.sub, "until": s.until })).collect::<Vec<_>>(),
            "users": revocations.users.iter().filter(|u| u.sub == user)
                .map(|u| serde_json::json!({ "sub": u.sub, "before": u.before, "until": u.until })).collect::<Vec<_>>(),
        });
        let stub = stub(env, &object_name(user))?;
        send(&stub, &Message { user: user.to_owned(), call: Call::Revoke(body.to_string()) }).await
    });
    try_join_all(sends).await.map(|_| ())
}

/// Sends `message` to the object behind `stub`: its reply, or its error (401 `session_revoked`
/// is the only refusal an object sends; anything else it answers with is a failure).
pub async fn send(stub: &Stub, message: &Message) -> Result<Reply, ApiError> {
    let resp = stub.fetch_with_request(request(message)?).await.map_err(|_| object_failed())?;
    match resp.status_code() {
        200..=299 => Reply::read(resp).await,
        401 => Err(session_revoked()),
        _ => Err(object_failed()),
    }
}

/// The stub of the object named `name`.
pub fn stub(env: &Env, name: &str) -> Result<Stub, ApiError> {
    let namespace = env.durable_object(BINDING).map_err(|_| object_failed())?;
    namespace.id_from_name(name).and_then(|id| id.get_stub()).map_err(|_| object_failed())
}

/// The object store failed: logged by kind, answered 500.
pub fn object_failed() -> ApiError {
    failed("object")
}
