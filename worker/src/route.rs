//! Which route a path is, and which methods it allows. Pure: no Worker types.

/// A known route. Path parameters are kept raw; handlers validate them in the contract's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/health`
    Health,
    /// `/openapi.json`
    OpenApi,
    /// `/api/{user_id}/tasks`
    Tasks { user: String },
    /// `/api/{user_id}/tasks/{id}`
    Task { user: String, id: String },
    /// `/api/{user_id}/tasks/{id}/complete`
    Complete { user: String, id: String },
}

impl Route {
    /// Matches a URL path (still percent-encoded). `None`: not a route (404).
    pub fn parse(path: &str) -> Option<Route> {
        match path {
            "/health" => return Some(Route::Health),
            "/openapi.json" => return Some(Route::OpenApi),
            _ => {}
        }
        let rest = path.strip_prefix("/api/")?;
        let segments: Vec<&str> = rest.split('/').collect();
        let user = || percent_decode(segments[0]);
        match segments.as_slice() {
            [u, "tasks"] if !u.is_empty() => Some(Route::Tasks { user: user()? }),
            [u, "tasks", id] if !u.is_empty() && !id.is_empty() => {
                Some(Route::Task { user: user()?, id: (*id).into() })
            }
            [u, "tasks", id, "complete"] if !u.is_empty() && !id.is_empty() => {
                Some(Route::Complete { user: user()?, id: (*id).into() })
            }
            _ => None,
        }
    }

    /// The `Allow` list (OPTIONS is always allowed, for CORS preflight).
    pub fn allow(&self) -> &'static str {
        match self {
            Route::Health | Route::OpenApi => "GET, OPTIONS",
            Route::Tasks { .. } => "GET, POST, OPTIONS",
            Route::Task { .. } => "GET, PUT, DELETE, OPTIONS",
            Route::Complete { .. } => "PATCH, OPTIONS",
        }
    }

    /// The route's pattern, for logs (never the user id).
    pub fn pattern(&self) -> &'static str {
        match self {
            Route::Health => "/health",
            Route::OpenApi => "/openapi.json",
            Route::Tasks { .. } => "/api/{user_id}/tasks",
            Route::Task { .. } => "/api/{user_id}/tasks/{id}",
            Route::Complete { .. } => "/api/{user_id}/tasks/{id}/complete",
        }
    }
}

/// Decodes `%XX` escapes (a malformed escape stays as written); `None` when the result is
/// not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())
}

/// Percent-encodes a user id for use as one path segment (RFC 3986 unreserved kept).
pub fn percent_encode(s: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

/// A task id: canonical decimal of a positive integer (no sign, no leading zero).
/// `Err(())` is malformed (422). Ids beyond 2^53 - 1 cannot exist: `Ok(None)` (404).
pub fn parse_id(id: &str) -> Result<Option<i64>, ()> {
    let canonical = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0');
    if !canonical {
        return Err(());
    }
    Ok(id.parse::<i64>().ok().filter(|n| *n <= MAX_SAFE_ID))
}

/// The largest id a JavaScript number holds exactly.
pub const MAX_SAFE_ID: i64 = (1 << 53) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(Route::parse("/api/%zz/tasks"), Some(Route::Tasks { user: "%zz".into() }));
        assert_eq!(Route::parse("/health"), Some(Route::Health));
        assert_eq!(Route::parse("/api/u1/tasks"), Some(Route::Tasks { user: "u1".into() }));
        assert_eq!(Route::parse("/api/u1/tasks/7"), Some(Route::Task { user: "u1".into(), id: "7".into() }));
        assert_eq!(
            Route::parse("/api/u1/tasks/x/complete"),
            Some(Route::Complete { user: "u1".into(), id: "x".into() })
        );
        assert_eq!(Route::parse("/api/a%40b.c/tasks"), Some(Route::Tasks { user: "a@b.c".into() }));
        for bad in [
            "/",
            "/api",
            "/api/",
            "/api//tasks",
            "/api/u/tasks/",
            "/api/u/task",
            "/api/u/tasks/1/",
            "/api/u/tasks/1/x",
            "/health/",
            "/api/%ff/tasks",
        ] {
            assert_eq!(Route::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn segments_round_trip() {
        for s in ["alice", "a@b.c", "ü ber/x", "%41"] {
            assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
        }
        assert_eq!(percent_encode("a b/ü~"), "a%20b%2F%C3%BC~");
    }

    #[test]
    fn ids() {
        assert_eq!(parse_id("1"), Ok(Some(1)));
        assert_eq!(parse_id("9007199254740991"), Ok(Some(MAX_SAFE_ID)));
        assert_eq!(parse_id("9007199254740992"), Ok(None));
        assert_eq!(parse_id("99999999999999999999999"), Ok(None));
        for bad in ["0", "01", "-1", "+1", "1.0", "1e3", "abc", " 1", ""] {
            assert_eq!(parse_id(bad), Err(()), "{bad}");
        }
    }
}
