//! Settings from the environment, falling back to a `.dev.vars` file (`KEY=value` lines).

use std::collections::HashMap;

use taskgate_verify::{KeyRing, Options};

/// The settings the Worker reads, as the CLI sees them.
pub struct Config {
    pub secret: Option<String>,
    pub secrets: Option<String>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub leeway: Option<String>,
}

impl Config {
    /// The environment first, then `file` (a missing file is fine unless `explicit`).
    pub fn load(file: &str, explicit: bool) -> Result<Self, String> {
        let vars = match std::fs::read_to_string(file) {
            Ok(text) => parse_vars(&text),
            Err(e) if explicit => return Err(format!("cannot read {file}: {e}")),
            Err(_) => HashMap::new(),
        };
        // Empty values count as unset, in the environment and in the file (as the Worker does).
        let get = |k: &str| {
            std::env::var(k).ok().filter(|v| !v.is_empty()).or_else(|| vars.get(k).cloned().filter(|v| !v.is_empty()))
        };
        Ok(Self {
            secret: get("BETTER_AUTH_SECRET"),
            secrets: get("BETTER_AUTH_SECRETS"),
            issuer: get("JWT_ISSUER"),
            audience: get("JWT_AUDIENCE"),
            leeway: get("JWT_LEEWAY_SECONDS"),
        })
    }

    pub fn keys(&self) -> Result<KeyRing, String> {
        if self.secret.is_none() && self.secrets.is_none() {
            return Err("no BETTER_AUTH_SECRET or BETTER_AUTH_SECRETS in the environment or the env file".into());
        }
        KeyRing::from_env_values(self.secret.as_deref(), self.secrets.as_deref())
            .map_err(|e| format!("the secret cannot be used: {} ({e})", e.code()))
    }

    pub fn options(&self) -> Result<Options, String> {
        let leeway = match &self.leeway {
            Some(l) => l.trim().parse().map_err(|_| format!("JWT_LEEWAY_SECONDS is not a number: {l}"))?,
            None => 0,
        };
        Ok(Options { leeway, issuer: self.issuer.clone(), audience: self.audience.clone(), ..Options::default() })
    }
}

/// `KEY=value` lines; `#` comments; values may be wrapped in single or double quotes.
pub fn parse_vars(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            (k.trim().to_owned(), v.to_owned())
        })
        .collect()
}
