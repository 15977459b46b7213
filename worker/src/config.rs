//! The Worker's settings, read from its environment once per isolate (not per request), by the
//! crate's settings rules (`taskgate_verify::host::settings`): the verifier, and which cookies may
//! authenticate and from which origins (also the CORS list); and the Worker's own: which store
//! keeps the tasks (`TASK_STORE`).

use std::sync::OnceLock;

use taskgate_verify::Verifier;
use taskgate_verify::host::cookie::CookiePolicy;
use taskgate_verify::host::settings::{CORS_ORIGINS, KeySource, Settings, origins, present};
use worker::Env;

use crate::store::{Backend, TASK_STORE};

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
    /// Where the tasks are kept (`TASK_STORE`; D1 when unset).
    pub store: Backend,
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
        let store = Backend::parse(var(TASK_STORE).as_deref())
            .ok_or_else(|| format!("{TASK_STORE} must be {}", Backend::expected()));
        match store.and_then(|store| Settings::from_env(var).map(|s| (store, s)).map_err(|e| e.to_string())) {
            Ok((store, settings)) => Config {
                store,
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
                    serde_json::json!({ "level": "error", "event": "config", "code": "server_misconfigured", "detail": e })
                );
                let cookies = CookiePolicy { allowed_origins: origins(var(CORS_ORIGINS).as_deref()), ..CookiePolicy::default() };
                Config { verifier: Err(e), cookies, jwks_url: None, store: Backend::default() }
            }
        }
    })
}
