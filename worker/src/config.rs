//! The Worker's settings, read from its environment once per isolate (not per request). The
//! token settings are parsed by the crate (`taskgate_verify::settings`); `CORS_ORIGINS` is the
//! Worker's own.

use std::sync::OnceLock;

use taskgate_verify::Verifier;
use taskgate_verify::settings::{Settings, present};
use worker::Env;

/// Everything the Worker needs that comes from its environment.
pub struct Config {
    /// Built once from `BETTER_AUTH_SECRET(S)` and `JWT_*`; the reason when it cannot be.
    pub verifier: Result<Verifier, String>,
    /// Origins allowed by `CORS_ORIGINS` (`*` allows any, without credentials).
    pub cors_origins: Vec<String>,
}

/// The variable of the allowed CORS origins (comma-separated).
pub const CORS_ORIGINS: &str = "CORS_ORIGINS";

static CONFIG: OnceLock<Config> = OnceLock::new();

/// The isolate's configuration, built on first use. A verifier that cannot be built is kept
/// as its reason (naming the variable, never its value), logged once, and answered with 500
/// on every task route.
pub fn get(env: &Env) -> &'static Config {
    CONFIG.get_or_init(|| {
        let var = |name: &str| present(env.var(name).ok().map(|v| v.to_string()));
        let verifier = Settings::from_env(var).map(Settings::verifier).map_err(|e| e.to_string());
        if let Err(reason) = &verifier {
            worker::console_error!(
                "{}",
                serde_json::json!({ "level": "error", "event": "config", "code": "server_misconfigured", "detail": reason })
            );
        }
        Config { verifier, cors_origins: origins(var(CORS_ORIGINS).as_deref()) }
    })
}

/// The origins of a `CORS_ORIGINS` value: trimmed, without a trailing `/`, empty ones dropped.
fn origins(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| v.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::origins;

    #[test]
    fn cors_origins_are_trimmed() {
        assert_eq!(origins(Some(" http://a:3000/ , ,https://b")), ["http://a:3000", "https://b"]);
        assert!(origins(None).is_empty());
    }
}
