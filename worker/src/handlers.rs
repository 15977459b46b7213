//! The endpoints: each translates HTTP to a [`TaskStore`] call and back (on the store `TASK_STORE` names), in the contract's
//! order of decisions: 401/403 (before anything else), 422 (id, query), 404, then the body
//! (413, 415, 422).

use std::borrow::Cow;

use taskgate_verify::Service;
use taskgate_verify::host::http::Refusal;
use taskgate_verify::host::revocation::{BodyError, Revocations};
use worker::{Env, Request, Response};

use crate::config::Config;
use crate::error::{ApiCode, ApiError};
use crate::query::ListQuery;
use crate::request::read_body;
use crate::response::{RawJson, empty, json, json_text};
use crate::route::{Endpoint, Route, TaskOp, parse_id, percent_encode};
use crate::store::{self, Backend, Caller, D1Store, ObjectStore, TaskStore};
use crate::{auth, input};

/// The OpenAPI 3.1 document, served as is.
const OPENAPI: &str = include_str!("../openapi.json");

/// Answers `endpoint` for `route`.
pub async fn serve(
    endpoint: Endpoint,
    route: &Route,
    req: &mut Request,
    env: &Env,
    config: &Config,
    now: u64,
) -> Result<Response, ApiError> {
    match endpoint {
        Endpoint::Health => Ok(health(env, config).await),
        Endpoint::OpenApi => Ok(json_text(200, RawJson(OPENAPI.to_owned()))),
        Endpoint::Tasks(op) => {
            let claims = auth::authorize(req, op.method().as_str(), config, &route.user, now).await?;
            let caller = Caller {
                session: claims.session_id().map(str::to_owned),
                issued_at: claims.iat().map_or(0, |t| t.secs()),
            };
            let user = &route.user;
            // Only now, the token checked and its user the path's, is the user's store reached.
            #[cfg(feature = "bench-fixed-store")]
            return tasks(op, route, req, &store::FixedStore::open(env, user, caller)?).await;
            #[cfg(not(feature = "bench-fixed-store"))]
            match config.store {
                Backend::D1 => tasks(op, route, req, &D1Store::open(env, user, caller)?).await,
                Backend::DurableObject => tasks(op, route, req, &ObjectStore::open(env, user, caller)?).await,
            }
        }
        Endpoint::Revocations => {
            auth::authorize_service(Service::Revocations, req, config, now).await?;
            let body = read_body(req).await?;
            let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid_json())?;
            let revocations = Revocations::parse(text).map_err(|e| match e {
                BodyError::Json => ApiError::invalid_json(),
                BodyError::Fields(fields) => {
                    ApiError::validation_failed(fields.into_iter().map(|(f, p)| (f, p.to_owned())).collect())
                }
            })?;
            config.store.revoke(env, &revocations).await?;
            Ok(empty(204))
        }
        Endpoint::Moves => {
            auth::authorize_service(Service::Admin, req, config, now).await?;
            moves(req, env).await
        }
    }
}

/// `POST /admin/moves`: one user's tasks moved to the store the body names, from the other.
async fn moves(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let (user, to) = input::move_request(&read_body(req).await?)?;
    let to = Backend::named(to.trim()).ok_or_else(|| {
        ApiError::validation_failed([("to".to_owned(), format!("must be {}", Backend::expected()))].into())
    })?;
    let moved = store::moves::move_user(env, &user, to.other(), to).await?;
    let body = serde_json::json!({ "user": user, "from": to.other().name(), "to": to.name(), "tasks": moved.tasks, "left": moved.left });
    Ok(json(200, &body))
}

/// A task route, once its caller is known to be the path's user.
async fn tasks(op: TaskOp, route: &Route, req: &mut Request, store: &impl TaskStore) -> Result<Response, ApiError> {
    match op {
        TaskOp::List => list(req, store).await,
        TaskOp::Create => create(req, store, &route.user).await,
        TaskOp::Get => Ok(json_text(200, store.get(task_id(&route.id)?).await?.ok_or_else(not_found)?)),
        TaskOp::Update => {
            let id = task_id(&route.id)?;
            let patch = body_after_lookup(store, id, read_body(req).await.and_then(|b| input::task_patch(&b))).await?;
            Ok(json_text(200, store.update(id, &patch).await?.ok_or_else(not_found)?))
        }
        TaskOp::Delete => match store.delete(task_id(&route.id)?).await? {
            true => Ok(empty(204)),
            false => Err(not_found()),
        },
        TaskOp::SetCompleted => {
            let id = task_id(&route.id)?;
            let completed =
                body_after_lookup(store, id, read_body(req).await.and_then(|b| input::completion(&b))).await?;
            Ok(json_text(200, store.set_completed(id, completed).await?.ok_or_else(not_found)?))
        }
    }
}

/// `GET /health`: 200 when the database answers and the verifier is configured, else 503.
async fn health(env: &Env, config: &Config) -> Response {
    let code = match (config.store.ping(env).await, &config.verifier) {
        (true, Ok(_)) => return json(200, &serde_json::json!({ "status": "ok" })),
        (false, _) => ApiCode::DatabaseUnavailable.as_str(),
        (true, Err(_)) => Refusal::ServerMisconfigured.code(),
    };
    json(
        503,
        &serde_json::json!({ "status": "unavailable", "code": code, "detail": "The service cannot serve requests." }),
    )
}

/// `GET /tasks`: one page, `X-Total-Count`, and `Link: <...>; rel="next"` when more follow.
async fn list(req: &Request, store: &impl TaskStore) -> Result<Response, ApiError> {
    let url = req.inner().url();
    let (base, query) = url.split_once('?').unwrap_or((&url, ""));
    let pairs: Vec<(Cow<str>, Cow<str>)> = form_urlencoded::parse(query.as_bytes()).collect();
    let q = ListQuery::parse(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
    let (tasks, total) = store.list(&q).await?;
    let resp = json_text(200, tasks);
    let _ = resp.headers().set("X-Total-Count", &total.to_string());
    let next = q.offset + u64::from(q.limit);
    if next < total {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(pairs.iter().filter(|(k, _)| k != "offset")).append_pair("offset", &next.to_string());
        let _ = resp.headers().set("Link", &format!("<{base}?{}>; rel=\"next\"", query.finish()));
    }
    Ok(resp)
}

/// `POST /tasks`: 201 with the task and its `Location`.
async fn create(req: &mut Request, store: &impl TaskStore, user: &str) -> Result<Response, ApiError> {
    let new = input::new_task(&read_body(req).await?)?;
    let (id, task) = store.create(&new).await?;
    let resp = json_text(201, task);
    let _ = resp.headers().set("Location", &format!("/api/{}/tasks/{id}", percent_encode(user)));
    Ok(resp)
}

/// The path id: 422 when malformed; 404 when it cannot exist.
fn task_id(id: &str) -> Result<i64, ApiError> {
    parse_id(id).map_err(|()| ApiError::invalid_id())?.ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::not_found("No such task.")
}

/// Step 4 before step 5: when the body is bad, a missing task still answers 404.
async fn body_after_lookup<T>(store: &impl TaskStore, id: i64, body: Result<T, ApiError>) -> Result<T, ApiError> {
    match body {
        Ok(body) => Ok(body),
        Err(e) if store.exists(id).await? => Err(e),
        Err(_) => Err(not_found()),
    }
}
