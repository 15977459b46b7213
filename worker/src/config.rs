//! The Worker's settings, read from its environment once per isolate (not per request).

use std::sync::OnceLock;

use taskgate_verify::{KeyRing, Options, Verifier};
use worker::Env;

/// Everything the Worker needs that comes from its environment.
pub struct Config {
    /// Built once from `BETTER_AUTH_SECRET(S)` and `JWT_*`.
    pub verifier: Result<Verifier, String>,
    /// Origins allowed by `CORS_ORIGINS` (`*` allows any, without credentials).
    pub cors_origins: Vec<String>,
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// The isolate's configuration, built on first use. A verifier that cannot be built is kept
/// as its reason (no secret in it), logged once, and answered with 500 on every task route.
pub fn get(env: &Env) -> &'static Config {
    CONFIG.get_or_init(|| {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty());
        let verifier = build_verifier(
            var("BETTER_AUTH_SECRET").as_deref(),
            var("BETTER_AUTH_SECRETS").as_deref(),
            var("JWT_LEEWAY_SECONDS").as_deref(),
            var("JWT_ISSUER"),
            var("JWT_AUDIENCE"),
        );
        if let Err(reason) = &verifier {
            worker::console_error!(
                "{}",
                serde_json::json!({ "level": "error", "event": "config", "code": "server_misconfigured", "detail": reason })
            );
        }
        let cors_origins = var("CORS_ORIGINS")
            .map(|v| v.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect())
            .unwrap_or_default();
        Config { verifier, cors_origins }
    })
}

/// The verifier the settings describe, or why there is none (never quoting a secret).
pub fn build_verifier(
    secret: Option<&str>,
    secrets: Option<&str>,
    leeway: Option<&str>,
    issuer: Option<String>,
    audience: Option<String>,
) -> Result<Verifier, String> {
    if secret.is_none() && secrets.is_none() {
        return Err("BETTER_AUTH_SECRET is not set".into());
    }
    let source = if secrets.is_some() { "BETTER_AUTH_SECRETS" } else { "BETTER_AUTH_SECRET" };
    let keys = KeyRing::from_env_values(secret, secrets).map_err(|e| match e.code() {
        taskgate_verify::ErrorCode::WeakKey => format!("{source} holds a key shorter than 32 bytes"),
        _ => format!("{source} cannot be parsed (expected version:value,... with at most 8 keys)"),
    })?;
    let leeway = match leeway {
        None => 0,
        Some(l) => l
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|l| *l <= taskgate_verify::MAX_LEEWAY)
            .ok_or("JWT_LEEWAY_SECONDS must be a whole number of seconds from 0 to 300")?,
    };
    let options = Options { leeway, issuer, audience, ..Options::default() };
    Verifier::new(keys, options).map_err(|e| format!("the verifier options are invalid ({})", e.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn missing_secret_is_reported_without_value() {
        assert_eq!(build_verifier(None, None, None, None, None).unwrap_err(), "BETTER_AUTH_SECRET is not set");
    }

    #[test]
    fn weak_secret_is_reported_without_value() {
        let e = build_verifier(Some("short-secret"), None, None, None, None).unwrap_err();
        assert!(e.contains("shorter than 32 bytes") && !e.contains("short-secret"), "{e}");
    }

    #[test]
    fn ring_wins_and_bad_ring_is_reported() {
        assert!(build_verifier(Some("x"), Some(&format!("1:{S}")), None, None, None).is_ok());
        let e = build_verifier(Some(S), Some(S), None, None, None).unwrap_err();
        assert!(e.contains("BETTER_AUTH_SECRETS cannot be parsed") && !e.contains(S), "{e}");
    }

    #[test]
    fn leeway_is_bounded() {
        assert_eq!(build_verifier(Some(S), None, Some("300"), None, None).unwrap().options().leeway, 300);
        assert!(build_verifier(Some(S), None, Some("301"), None, None).is_err());
        assert!(build_verifier(Some(S), None, Some("-1"), None, None).is_err());
        assert!(build_verifier(Some(S), None, Some("ten"), None, None).is_err());
    }
}
