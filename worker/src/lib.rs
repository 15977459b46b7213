//! # taskgate-worker
//!
//! The TaskGate task API on Cloudflare Workers and D1. Every task route is authenticated by
//! [`taskgate_verify`] running inside this Worker. The shape: a route table ([`route`]) picks
//! an endpoint; [`handlers`] translate HTTP ([`request`], [`response`]) to calls on a
//! [`store::TaskStore`] (D1, or one Durable Object per user: `TASK_STORE`; every SQL statement is in
//! [`store`]); every error
//! is one [`error::ApiError`], rendered once.
//!
//! Authentication ([`auth`]) is the crate's rules over the request's credential; for asymmetric
//! tokens the Worker adds the isolate's JWK Set ([`key_set`], fetched by [`jwks_fetch`]) and
//! workerd's WebCrypto for the signature ([`web_crypto`]). Request bodies and list queries are
//! validated by pure modules ([`input`], [`query`]); settings come from [`config`], CORS from
//! [`cors`].

mod auth;
mod config;
mod cors;
mod error;
mod handlers;
mod input;
mod jwks_fetch;
mod key_set;
mod model;
mod query;
mod request;
mod response;
mod route;
mod store;
mod web_crypto;

use worker::{Context, Date, Env, Request, Response, ScheduleContext, ScheduledEvent, event};

use crate::error::ApiError;
use crate::route::{Method, Route};

/// The object store's class, exported to the runtime (`wrangler.toml`: `USER_TASKS`).
pub use crate::store::object::UserTasks;

/// The Worker's entry point: route, answer, add CORS and security headers, log one line.
#[event(fetch)]
pub async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let started = Date::now().as_millis();
    // The raw method: worker's `Method` maps unknown methods to GET.
    let method = Method::parse(&req.inner().method().to_ascii_uppercase());
    let route = Route::parse(&req.path());
    let config = config::get(&env);
    let origin = request::header(req.headers(), "Origin");
    let grant = cors::grant(&config.cookies.allowed_origins, origin.as_deref(), config.credentials());

    let result = match (&route, method) {
        (None, _) => Err(ApiError::not_found("No such route.")),
        (Some(r), Some(Method::Options)) => Ok(cors::preflight(r.resource, grant.as_ref())),
        (Some(r), method) => match method.and_then(|m| r.resource.endpoint(m)) {
            Some(endpoint) => handlers::serve(endpoint, r, &mut req, &env, config, started / 1000).await,
            None => Err(ApiError::method_not_allowed(r.resource.allow())),
        },
    };
    let (resp, code) = match result {
        Ok(resp) => (resp, None),
        Err(e) => {
            let code = e.code;
            (e.into_response(), Some(code))
        }
    };
    let headers = resp.headers();
    cors::decorate(headers, grant.as_ref());
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    let _ = headers.set("Cache-Control", "no-store");

    // One line per request: no token, secret, body, query or user id. Every field is a fixed
    // string or a number, so the line is written directly (valid JSON, nothing to escape).
    let code = code.map_or_else(|| "null".to_owned(), |c| format!("\"{c}\""));
    worker::console_log!(
        r#"{{"code":{code},"duration_ms":{},"method":"{}","route":"{}","status":{}}}"#,
        Date::now().as_millis().saturating_sub(started),
        method.map_or("OTHER", Method::as_str),
        route.as_ref().map_or("unmatched", |r| r.resource.pattern()),
        resp.status_code(),
    );
    Ok(resp)
}

/// The scheduled handler (`[triggers] crons` in `wrangler.toml`): forgets revocations whose every
/// token has expired. Locally: `wrangler dev --test-scheduled`, then `GET /__scheduled`.
#[event(scheduled)]
pub async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let now = Date::now().as_millis() / 1000;
    let outcome = if store::purge(&env, now).await.is_ok() { "ok" } else { "failed" };
    worker::console_log!(r#"{{"event":"purge","outcome":"{outcome}"}}"#);
}
