//! The Worker's settings, read from its environment once per isolate (not per request), by the
//! crate's settings rules (`taskgate_verify::host::settings`): the verifier, and which cookies may
//! authenticate and from which origins (also the CORS list).

use std::sync::OnceLock;

use taskgate_verify::Verifier;
use taskgate_verify::host::cookie::CookiePolicy;
use taskgate_verify::host::settings::{CORS_ORIGINS, KeySource, Settings, origins, present};
use worker::Env;

/// Everything the Worker needs that comes from its environment.
pub struct Config {
    /// Built once from `BETTER_AUTH_SECRET(S)` and `JWT_*`; the reason when it cannot be.
    pub verifier: Result<Verifier, String>,
    /// Better Auth's session cookie (when `BETTER_AUTH_SESSION_CACHE` names a strategy) and the origins of
    /// `CORS_ORIGINS`.
    pub cookies: CookiePolicy,
    /// Where to fetch the JWK Set of asymmetric tokens (`JWKS_URL`, or Better Auth's), when it
    /// is not given inline.
    pub jwks_url: Option<String>,
}

impl Config {
    /// Whether CORS grants credentials (cookies) to listed origins: only when a cookie can
    /// authenticate.
    pub fn credentials(&self) -> bool {
        self.cookies.session_cache_prefix.is_some()
    }
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// The isolate's configuration, built on first use. Settings that cannot be used are kept as
/// their reason (naming the variable, never its value), logged once, and answered with 500 on
/// every task route.
pub fn get(env: &Env) -> &'static Config {
    CONFIG.get_or_init(|| {
        let var = |name: &str| present(env.var(name).ok().map(|v| v.to_string()));
        match Settings::from_env(var) {
            Ok(settings) => Config {
                cookies: settings.cookies.clone(),
                verifier: Ok(settings.verifier()),
                jwks_url: match &settings.key_source {
                    Some(KeySource::Url(url)) => Some(url.clone()),
                    _ => None,
                },
            },
            Err(e) => {
                worker::console_error!(
                    "{}",
                    serde_json::json!({ "level": "error", "event": "config", "code": "server_misconfigured", "detail": e.to_string() })
                );
                let cookies = CookiePolicy { allowed_origins: origins(var(CORS_ORIGINS).as_deref()), ..CookiePolicy::default() };
                Config { verifier: Err(e.to_string()), cookies, jwks_url: None }
            }
        }
    })
}
