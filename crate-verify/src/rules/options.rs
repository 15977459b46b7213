//! What a verifier checks beyond the signature: leeway, issuer, audience, maximum age, size.

use alloc::string::String;

use crate::error::{Error, ErrorCode, Result};
pub use crate::rules::session_cache::SessionCache;

pub use crate::rules::limits::{DEFAULT_MAX_TOKEN_LEN, MAX_LEEWAY};

/// Verification options. `Options::default()` is the contract's default: no leeway, `exp`
/// required, no issuer or audience check, tokens up to 8192 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Seconds of clock skew tolerated on `exp`, `nbf`, `iat` and the maximum age (0..=300).
    pub leeway: u32,
    /// When set, `iss` must equal it (`JWT_ISSUER`).
    pub issuer: Option<String>,
    /// When set, `aud` (a string or an array of strings) must contain it (`JWT_AUDIENCE`).
    pub audience: Option<String>,
    /// What an asymmetric token's `iss` must be when `issuer` is not set (`BETTER_AUTH_URL`,
    /// as Better Auth's `jwt()` plugin writes it). Asymmetric tokens always need an `iss`:
    /// with neither set, they are `invalid_issuer`.
    pub jwks_issuer: Option<String>,
    /// Likewise for `aud` (`BETTER_AUTH_URL`).
    pub jwks_audience: Option<String>,
    /// When set, tokens whose `iat` is older than this many seconds are expired (`iat` required).
    pub max_age: Option<u64>,
    /// The longest token accepted, in bytes.
    pub max_token_len: usize,
    /// Whether `exp` must be present (default `true`; always, for a session cookie cache).
    pub require_exp: bool,
    /// Whether Better Auth's session cookie cache (no `sub`, the user in `session.userId`) is
    /// accepted (default `false`).
    pub accept_session_cache: bool,
    /// How the app's session cookie cache is wrapped (`session.cookieCache.strategy`): read from
    /// the cookie by [`crate::Verifier::verify_session_cache`]. Configured, never guessed from a
    /// value. Default [`SessionCache::Jwt`] (what `BETTER_AUTH_SESSION_CACHE=true` has meant).
    pub session_cache: SessionCache,
    /// When set, a session cookie cache whose `version` (absent: `"1"`) differs is refused
    /// (`invalid_claim`, claim `version`): Better Auth's `cookieCache.version`.
    pub session_cache_version: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            leeway: 0,
            issuer: None,
            audience: None,
            jwks_issuer: None,
            jwks_audience: None,
            max_age: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            require_exp: true,
            accept_session_cache: false,
            session_cache: SessionCache::Jwt,
            session_cache_version: None,
        }
    }
}

impl Options {
    /// Checks the options: leeway at most 300 s, a maximum length of at least 1 byte, and
    /// the session cookie cache only when built with it (feature `session-cache`).
    pub fn validate(&self) -> Result<()> {
        let unsupported = self.accept_session_cache && !cfg!(feature = "session-cache");
        if self.leeway > MAX_LEEWAY || self.max_token_len == 0 || unsupported {
            return Err(Error::new(ErrorCode::InvalidConfig));
        }
        Ok(())
    }
}
