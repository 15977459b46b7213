//! The API's routes as one table: which path and method reach which endpoint. The same table
//! answers `Allow` for 405s and CORS preflights, so they cannot drift apart. Pure: no Worker
//! types.

/// An HTTP method the API knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
    /// `OPTIONS` (CORS preflights).
    Options,
}

impl Method {
    /// The method of a request line (methods are case-sensitive, RFC 9110 section 9.1);
    /// `None` for any other.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            "OPTIONS" => Self::Options,
            _ => return None,
        })
    }

    /// The method's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
        }
    }
}

/// The shape of a known path, without its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `/health`.
    Health,
    /// `/openapi.json`.
    OpenApi,
    /// `/api/{user_id}/tasks`.
    Tasks,
    /// `/api/{user_id}/tasks/{id}`.
    Task,
    /// `/api/{user_id}/tasks/{id}/complete`.
    Complete,
    /// `/revocations`: sessions that ended (contract section 4).
    Revocations,
    /// `/admin/moves`: a user's tasks moved between the stores (docs/scale.md).
    Moves,
}

/// What the Worker does for a resource and a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// Whether the service can serve (no authentication).
    Health,
    /// The OpenAPI document (no authentication).
    OpenApi,
    /// A task route: authenticated, then one of these.
    Tasks(TaskOp),
    /// `POST /revocations`: authenticated by a revocation token, never a user's.
    Revocations,
    /// `POST /admin/moves`: authenticated by an admin token, never a user's.
    Moves,
}

/// The task routes' operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOp {
    /// `GET /tasks`: one page.
    List,
    /// `POST /tasks`.
    Create,
    /// `GET /tasks/{id}`.
    Get,
    /// `PUT /tasks/{id}`: a partial update.
    Update,
    /// `DELETE /tasks/{id}`.
    Delete,
    /// `PATCH /tasks/{id}/complete`: set or toggle.
    SetCompleted,
}

impl TaskOp {
    /// The method that reaches this operation, from the route table.
    pub fn method(self) -> Method {
        ROUTES.iter().find(|(_, _, e)| *e == Endpoint::Tasks(self)).map_or(Method::Get, |(_, m, _)| *m)
    }
}

/// Every route of the API. OPTIONS is answered for every resource (CORS preflight).
const ROUTES: &[(Resource, Method, Endpoint)] = &[
    (Resource::Health, Method::Get, Endpoint::Health),
    (Resource::OpenApi, Method::Get, Endpoint::OpenApi),
    (Resource::Tasks, Method::Get, Endpoint::Tasks(TaskOp::List)),
    (Resource::Tasks, Method::Post, Endpoint::Tasks(TaskOp::Create)),
    (Resource::Task, Method::Get, Endpoint::Tasks(TaskOp::Get)),
    (Resource::Task, Method::Put, Endpoint::Tasks(TaskOp::Update)),
    (Resource::Task, Method::Delete, Endpoint::Tasks(TaskOp::Delete)),
    (Resource::Complete, Method::Patch, Endpoint::Tasks(TaskOp::SetCompleted)),
    (Resource::Revocations, Method::Post, Endpoint::Revocations),
    (Resource::Moves, Method::Post, Endpoint::Moves),
];

impl Resource {
    /// The endpoint for `method`, if the resource allows it.
    pub fn endpoint(self, method: Method) -> Option<Endpoint> {
        ROUTES.iter().find(|(r, m, _)| *r == self && *m == method).map(|(_, _, e)| *e)
    }

    /// The `Allow` list: the table's methods for this resource, then OPTIONS.
    pub fn allow(self) -> String {
        let methods = ROUTES.iter().filter(|(r, _, _)| *r == self).map(|(_, m, _)| m.as_str());
        methods.chain([Method::Options.as_str()]).collect::<Vec<_>>().join(", ")
    }

    /// The path pattern, for logs (never the user id).
    pub const fn pattern(self) -> &'static str {
        match self {
            Self::Health => "/health",
            Self::OpenApi => "/openapi.json",
            Self::Tasks => "/api/{user_id}/tasks",
            Self::Task => "/api/{user_id}/tasks/{id}",
            Self::Complete => "/api/{user_id}/tasks/{id}/complete",
            Self::Revocations => "/revocations",
            Self::Moves => "/admin/moves",
        }
    }
}

/// A known path with its parameters: the user (percent-decoded) and the raw task id, validated
/// by handlers in the contract's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Which path.
    pub resource: Resource,
    /// The path's user id, percent-decoded (empty for `/health` and `/openapi.json`).
    pub user: String,
    /// The path's task id as written (empty where the path has none).
    pub id: String,
}

impl Route {
    /// Matches a URL path (still percent-encoded). `None`: not a route (404).
    pub fn parse(path: &str) -> Option<Route> {
        let plain = |resource| Some(Route { resource, user: String::new(), id: String::new() });
        match path {
            "/health" => return plain(Resource::Health),
            "/openapi.json" => return plain(Resource::OpenApi),
            "/revocations" => return plain(Resource::Revocations),
            "/admin/moves" => return plain(Resource::Moves),
            _ => {}
        }
        let segments: Vec<&str> = path.strip_prefix("/api/")?.split('/').collect();
        let (resource, user, id) = match segments.as_slice() {
            [u, "tasks"] => (Resource::Tasks, *u, ""),
            [u, "tasks", id] if !id.is_empty() => (Resource::Task, *u, *id),
            [u, "tasks", id, "complete"] if !id.is_empty() => (Resource::Complete, *u, *id),
            _ => return None,
        };
        if user.is_empty() {
            return None;
        }
        Some(Route { resource, user: percent_decode(user)?, id: id.into() })
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

    fn route(resource: Resource, user: &str, id: &str) -> Option<Route> {
        Some(Route { resource, user: user.into(), id: id.into() })
    }

    #[test]
    fn routes() {
        assert_eq!(Route::parse("/api/%zz/tasks"), route(Resource::Tasks, "%zz", ""));
        assert_eq!(Route::parse("/health"), route(Resource::Health, "", ""));
        assert_eq!(Route::parse("/api/u1/tasks"), route(Resource::Tasks, "u1", ""));
        assert_eq!(Route::parse("/api/u1/tasks/7"), route(Resource::Task, "u1", "7"));
        assert_eq!(Route::parse("/api/u1/tasks/x/complete"), route(Resource::Complete, "u1", "x"));
        assert_eq!(Route::parse("/api/a%40b.c/tasks"), route(Resource::Tasks, "a@b.c", ""));
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
    fn the_table_gives_endpoints_and_allow() {
        assert_eq!(Resource::Tasks.endpoint(Method::Post), Some(Endpoint::Tasks(TaskOp::Create)));
        assert_eq!(Resource::Tasks.endpoint(Method::Delete), None);
        assert_eq!(Resource::Complete.endpoint(Method::Patch), Some(Endpoint::Tasks(TaskOp::SetCompleted)));
        assert_eq!(Resource::Health.allow(), "GET, OPTIONS");
        assert_eq!(Resource::Tasks.allow(), "GET, POST, OPTIONS");
        assert_eq!(Resource::Task.allow(), "GET, PUT, DELETE, OPTIONS");
        assert_eq!(Resource::Complete.allow(), "PATCH, OPTIONS");
        assert_eq!(Method::parse("get"), None);
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
