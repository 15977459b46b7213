//! The HTTP layer both builds have, by the crate's rules (`taskgate_verify::host::http`): which
//! cookies authenticate (a TaskGate token's, Better Auth's session cookie cache in its strategy),
//! the Origin rule for the changes a cookie authenticates, and the path's user. The full build
//! adds asymmetric tokens, their signatures deferred ([`crate::full`]).

use alloc::string::String;

use taskgate_verify::host::cookie::{CookiePolicy, DEFAULT_COOKIE_PREFIX};
use taskgate_verify::host::http::{self, Credential, Refusal};
use taskgate_verify::host::settings;
use taskgate_verify::{Claims, Options, Verifier as Inner};

use crate::settings::{RequestInit, Settings};

/// The cookie policy of a verifier.
pub struct Http {
    /// Which cookies `authorize` reads, and the Origin rule for the changes they authenticate.
    pub cookies: CookiePolicy,
}

/// A request's parts, read once from JavaScript's request object.
pub struct Parts {
    authorization: Option<String>,
    cookie: Option<String>,
    method: Option<String>,
    origin: Option<String>,
    own_origin: Option<String>,
    /// The user the path names, when it names one.
    pub path_user: Option<String>,
}

impl Parts {
    /// Reads `request`'s getters.
    pub fn of(request: &RequestInit) -> Self {
        Self {
            authorization: request.authorization(),
            cookie: request.cookie(),
            method: request.method(),
            origin: request.origin(),
            own_origin: request.own_origin(),
            path_user: request.path_user(),
        }
    }

    /// The request as the crate's rules read it.
    pub fn request(&self) -> http::Request<'_> {
        http::Request {
            authorization: self.authorization.as_deref(),
            cookie: self.cookie.as_deref(),
            method: self.method.as_deref().unwrap_or("GET"),
            origin: self.origin.as_deref(),
            own_origin: self.own_origin.as_deref(),
        }
    }
}

impl Http {
    /// The cookie policy `settings` describe for a verifier with `options`: Better Auth's session
    /// cookie cache (under its prefix) when it is accepted, a TaskGate token's cookie when named.
    pub fn new(settings: &Settings, options: &Options) -> Self {
        let prefix = settings.cookie_prefix().unwrap_or_else(|| DEFAULT_COOKIE_PREFIX.into());
        let cookies = CookiePolicy {
            session_cache_prefix: options.accept_session_cache.then_some(prefix),
            token_cookie: settings.token_cookie(),
            allowed_origins: settings::origins(settings.allowed_origins().as_deref()),
        };
        Self { cookies }
    }

    /// Steps 1 and 2 of `parts` at `now`, each credential checked by [`Credential::verify`] with
    /// `jws` for a JWS.
    pub fn authorize(
        &self,
        inner: &Inner,
        parts: &Parts,
        now: u64,
        jws: impl FnOnce(&str) -> taskgate_verify::Result<Claims>,
    ) -> Result<Claims, Refusal> {
        let request = parts.request();
        let credential = http::credential(&self.cookies, &request)?;
        let verify = |c: &Credential<'_>| c.verify(inner, now, jws);
        http::authorize_with(&credential, verify, &self.cookies, &request, parts.path_user.as_deref())
    }
}
