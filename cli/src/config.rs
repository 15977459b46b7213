//! Where the CLI's settings come from: the environment first, then a `.dev.vars` file (the
//! file `wrangler dev` reads). Parsing the values is the crate's job ([`settings`]).

use std::collections::HashMap;

use taskgate_verify::host::settings::{self, SettingsError};
use taskgate_verify::{KeyRing, Options};

/// The variables the CLI can see: the environment, then the env file.
pub struct Config {
    file: HashMap<String, String>,
}

impl Config {
    /// Reads `file` (a missing file is fine unless `explicit`).
    pub fn load(file: &str, explicit: bool) -> Result<Self, String> {
        let file = match std::fs::read_to_string(file) {
            Ok(text) => parse_vars(&text),
            Err(e) if explicit => return Err(format!("cannot read {file}: {e}")),
            Err(_) => HashMap::new(),
        };
        Ok(Self { file })
    }

    /// A variable: the environment's value when present (not blank), else the file's.
    pub fn var(&self, name: &str) -> Option<String> {
        settings::present(std::env::var(name).ok()).or_else(|| self.file.get(name).cloned())
    }

    /// The key ring (`BETTER_AUTH_SECRETS`, else `BETTER_AUTH_SECRET`).
    pub fn keys(&self) -> Result<KeyRing, String> {
        settings::keys_from_env(|n| self.var(n)).map_err(explain)
    }

    /// Leeway, issuer and audience.
    pub fn options(&self) -> Result<Options, String> {
        settings::options_from_env(|n| self.var(n)).map_err(explain)
    }
}

fn explain(e: SettingsError) -> String {
    format!("{e} (in the environment or the env file)")
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
