//! CORS for the origins in `CORS_ORIGINS`: no credentials, so `*` is allowed as "any origin".

use worker::{Headers, Response};

use crate::route::Resource;

/// Request headers a browser may send.
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type";
/// Response headers a browser may read.
pub const EXPOSE_HEADERS: &str = "X-Total-Count, Link, Location, WWW-Authenticate";

/// The `Access-Control-Allow-Origin` value for `origin`, if it is allowed.
pub fn allowed_origin(origins: &[String], origin: Option<&str>) -> Option<String> {
    let origin = origin?;
    if origins.iter().any(|o| o == "*") {
        return Some("*".into());
    }
    origins.iter().any(|o| o == origin).then(|| origin.to_owned())
}

/// Adds the CORS response headers for an allowed origin (and `Vary: Origin` always).
pub fn decorate(headers: &Headers, allowed: Option<&str>) {
    let _ = headers.append("Vary", "Origin");
    if let Some(origin) = allowed {
        let _ = headers.set("Access-Control-Allow-Origin", origin);
        let _ = headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    }
}

/// The answer to `OPTIONS` on a known route: 204 with `Allow`, plus the preflight headers
/// when the origin is allowed.
pub fn preflight(resource: Resource, allowed: Option<&str>) -> Response {
    let resp = crate::http::empty(204);
    let h = resp.headers();
    let allow = resource.allow();
    let _ = h.set("Allow", &allow);
    if allowed.is_some() {
        let _ = h.set("Access-Control-Allow-Methods", &allow);
        let _ = h.set("Access-Control-Allow-Headers", ALLOW_HEADERS);
        let _ = h.set("Access-Control-Max-Age", "600");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::allowed_origin;

    #[test]
    fn origins() {
        let list = vec!["http://localhost:3000".to_owned(), "https://app.example".to_owned()];
        assert_eq!(allowed_origin(&list, Some("https://app.example")).as_deref(), Some("https://app.example"));
        assert_eq!(allowed_origin(&list, Some("https://evil.example")), None);
        assert_eq!(allowed_origin(&list, None), None);
        assert_eq!(allowed_origin(&["*".to_owned()], Some("https://x")).as_deref(), Some("*"));
    }
}
