//! CORS for the origins in `CORS_ORIGINS`. `*` allows any origin, never with credentials;
//! listed origins get `Access-Control-Allow-Credentials: true` when a cookie can authenticate
//! (`BETTER_AUTH_SESSION_CACHE=true`), so a browser app on another origin can send it.

use worker::{Headers, Response};

use crate::route::Resource;

/// Request headers a browser may send.
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type";
/// Response headers a browser may read.
pub const EXPOSE_HEADERS: &str = "X-Total-Count, Link, Location, WWW-Authenticate";

/// What CORS grants a request's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The `Access-Control-Allow-Origin` value: the origin itself, or `*`.
    pub origin: String,
    /// Whether credentials are allowed (only for an origin listed by name).
    pub credentials: bool,
}

/// What `origin` is granted, if anything.
pub fn grant(origins: &[String], origin: Option<&str>, credentials: bool) -> Option<Grant> {
    let origin = origin?;
    if origins.iter().any(|o| o == origin) {
        return Some(Grant { origin: origin.to_owned(), credentials });
    }
    origins.iter().any(|o| o == "*").then(|| Grant { origin: "*".into(), credentials: false })
}

/// Adds the CORS response headers for a granted origin (and `Vary: Origin` always).
pub fn decorate(headers: &Headers, grant: Option<&Grant>) {
    let _ = headers.append("Vary", "Origin");
    if let Some(g) = grant {
        let _ = headers.set("Access-Control-Allow-Origin", &g.origin);
        let _ = headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        if g.credentials {
            let _ = headers.set("Access-Control-Allow-Credentials", "true");
        }
    }
}

/// The answer to `OPTIONS` on a known route: 204 with `Allow`, plus the preflight headers
/// when the origin is granted.
pub fn preflight(resource: Resource, grant: Option<&Grant>) -> Response {
    let resp = crate::response::empty(204);
    let h = resp.headers();
    let allow = resource.allow();
    let _ = h.set("Allow", &allow);
    if grant.is_some() {
        let _ = h.set("Access-Control-Allow-Methods", &allow);
        let _ = h.set("Access-Control-Allow-Headers", ALLOW_HEADERS);
        let _ = h.set("Access-Control-Max-Age", "600");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::{Grant, grant};

    #[test]
    fn origins() {
        let list = vec!["http://localhost:3000".to_owned(), "https://app.example".to_owned()];
        let named = |credentials| Some(Grant { origin: "https://app.example".into(), credentials });
        assert_eq!(grant(&list, Some("https://app.example"), false), named(false));
        assert_eq!(grant(&list, Some("https://app.example"), true), named(true));
        assert_eq!(grant(&list, Some("https://evil.example"), true), None);
        assert_eq!(grant(&list, None, false), None);
        let any = vec!["*".to_owned(), "https://app.example".to_owned()];
        assert_eq!(grant(&any, Some("https://x"), true), Some(Grant { origin: "*".into(), credentials: false }));
        assert_eq!(grant(&any, Some("https://app.example"), true), named(true));
    }
}
