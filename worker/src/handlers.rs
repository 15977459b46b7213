//! The task routes, in the contract's order of decisions: 401, 403, 422 (id, query), 404,
//! then the body (413, 415, 422).

use worker::{D1Database, Env, Request, Response};

use crate::config::Config;
use crate::error::ApiError;
use crate::http::{self, header, json, json_text};
use crate::route::{Route, parse_id, percent_encode};
use crate::{auth, input, query::ListQuery, store};

/// The OpenAPI 3.1 document, served as is.
const OPENAPI: &str = include_str!("../openapi.json");

/// Answers a known route with an allowed method.
pub async fn handle(
    req: &mut Request,
    env: &Env,
    config: &Config,
    route: &Route,
    method: &str,
    now: u64,
) -> Result<Response, ApiError> {
    match route {
        Route::Health => health(env, config).await,
        Route::OpenApi => {
            let resp = Response::ok(OPENAPI).map_err(|_| ApiError::internal())?;
            let _ = resp.headers().set("Content-Type", "application/json");
            Ok(resp)
        }
        Route::Tasks { user } | Route::Task { user, .. } | Route::Complete { user, .. } => {
            let verifier = config.verifier.as_ref().map_err(|_| ApiError::server_misconfigured())?;
            auth::authorize(verifier, header(req.headers(), "Authorization").as_deref(), user, now)?;
            let db = env.d1("DB").map_err(db_error)?;
            match (route, method) {
                (Route::Tasks { .. }, "GET") => list(req, &db, user).await,
                (Route::Tasks { .. }, _) => create(req, &db, user).await,
                (Route::Task { id, .. }, "GET") => {
                    let id = task_id(id)?.ok_or_else(task_not_found)?;
                    let task = store::get(&db, user, id).await.map_err(db_error)?.ok_or_else(task_not_found)?;
                    Ok(json_text(200, task))
                }
                (Route::Task { id, .. }, "PUT") => {
                    let id = task_id(id)?;
                    let patch = http::read_body(req).await.and_then(|body| input::task_patch(&body));
                    let (id, patch) = body_after_lookup(&db, user, id, patch).await?;
                    let task =
                        store::update(&db, user, id, &patch).await.map_err(db_error)?.ok_or_else(task_not_found)?;
                    Ok(json_text(200, task))
                }
                (Route::Task { id, .. }, _) => {
                    let id = task_id(id)?.ok_or_else(task_not_found)?;
                    match store::delete(&db, user, id).await.map_err(db_error)? {
                        true => Ok(http::empty(204)),
                        false => Err(task_not_found()),
                    }
                }
                (Route::Complete { id, .. }, _) => {
                    let id = task_id(id)?;
                    let completed = http::read_body(req).await.and_then(|body| input::completion(&body));
                    let (id, completed) = body_after_lookup(&db, user, id, completed).await?;
                    let task = store::set_completed(&db, user, id, completed)
                        .await
                        .map_err(db_error)?
                        .ok_or_else(task_not_found)?;
                    Ok(json_text(200, task))
                }
                _ => Err(ApiError::internal()),
            }
        }
    }
}

/// `GET /health`: 200 when the database answers and the verifier is configured, else 503.
async fn health(env: &Env, config: &Config) -> Result<Response, ApiError> {
    let db_ok = match env.d1("DB") {
        Ok(db) => store::ping(&db).await.is_ok(),
        Err(_) => false,
    };
    let (status, code) = match (db_ok, config.verifier.is_ok()) {
        (true, true) => return Ok(json(200, &serde_json::json!({ "status": "ok" }))),
        (false, _) => ("unavailable", "database_unavailable"),
        (true, false) => ("unavailable", "server_misconfigured"),
    };
    Ok(json(
        503,
        &serde_json::json!({ "status": status, "code": code, "detail": "The service cannot serve requests." }),
    ))
}

async fn list(req: &Request, db: &D1Database, user: &str) -> Result<Response, ApiError> {
    let url = req.inner().url();
    let (base, query) = url.split_once('?').unwrap_or((&url, ""));
    let pairs: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
    let q = ListQuery::parse(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
    let (tasks, total) = store::list(db, user, &q).await.map_err(db_error)?;
    let resp = json_text(200, tasks);
    let h = resp.headers();
    let _ = h.set("X-Total-Count", &total.to_string());
    let next = q.offset + u64::from(q.limit);
    if next < total {
        let _ = h.set("Link", &format!("<{}>; rel=\"next\"", with_offset(base, &pairs, next)));
    }
    Ok(resp)
}

/// The request URL (without its query, `base`) with the query `pairs`, `offset` replaced.
fn with_offset(base: &str, pairs: &[(std::borrow::Cow<str>, std::borrow::Cow<str>)], offset: u64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs.iter().filter(|(k, _)| k != "offset")).append_pair("offset", &offset.to_string());
    format!("{base}?{}", query.finish())
}

async fn create(req: &mut Request, db: &D1Database, user: &str) -> Result<Response, ApiError> {
    let body = http::read_body(req).await?;
    let new = input::new_task(&body)?;
    let (id, task) = store::create(db, user, &new).await.map_err(db_error)?;
    let resp = json_text(201, task);
    let location = format!("/api/{}/tasks/{id}", percent_encode(user));
    let _ = resp.headers().set("Location", &location);
    Ok(resp)
}

/// The path id: 422 when malformed; `None` when it cannot exist.
fn task_id(id: &str) -> Result<Option<i64>, ApiError> {
    parse_id(id).map_err(|()| ApiError::invalid_id())
}

fn task_not_found() -> ApiError {
    ApiError::not_found("No such task.")
}

/// Step 4 before step 5: when the body is bad, a missing task still answers 404.
async fn body_after_lookup<T>(
    db: &D1Database,
    user: &str,
    id: Option<i64>,
    body: Result<T, ApiError>,
) -> Result<(i64, T), ApiError> {
    let id = id.ok_or_else(task_not_found)?;
    match body {
        Ok(body) => Ok((id, body)),
        Err(e) if store::exists(db, user, id).await.map_err(db_error)? => Err(e),
        Err(_) => Err(task_not_found()),
    }
}

/// A database failure: logged by kind only (the message may quote SQL or values).
fn db_error(e: worker::Error) -> ApiError {
    let kind = match e {
        worker::Error::D1(_) => "d1",
        worker::Error::JsError(_) => "js",
        worker::Error::SerdeWasmBindgenError(_) => "decode",
        _ => "other",
    };
    worker::console_error!("{}", serde_json::json!({ "level": "error", "event": "database", "kind": kind }));
    ApiError::internal()
}
