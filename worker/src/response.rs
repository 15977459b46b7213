//! The responses the Worker builds: JSON (serialized here, or already JSON text from the
//! database) and empty ones, each with one call into JavaScript for its headers.

use serde::Serialize;
use worker::{Response, ResponseBuilder};

/// A JSON response with `status`.
pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    json_text(status, RawJson(serde_json::to_string(value).unwrap_or_else(|_| "null".into())))
}

/// Text that is already JSON (built by SQLite). Not `Serialize`: it cannot be passed to
/// [`json`] and encoded twice by mistake.
pub struct RawJson(pub String);

/// A response with `status` whose body is already JSON text. Its headers get `Content-Type`
/// once (`Response::ok` would set `text/plain` first, one more call into JavaScript).
pub fn json_text(status: u16, body: RawJson) -> Response {
    match ResponseBuilder::new().with_status(status).with_header("Content-Type", "application/json") {
        Ok(builder) => builder.fixed(body.0.into_bytes()),
        Err(_) => fallback(),
    }
}

/// An empty response with `status`.
pub fn empty(status: u16) -> Response {
    Response::empty().map(|r| r.with_status(status)).unwrap_or_else(|_| fallback())
}

/// A bare 500, for the (unreachable) case where a response cannot be built.
fn fallback() -> Response {
    Response::empty().expect("an empty response can always be built").with_status(500)
}
