//! Settings from an environment: the variables every part reads (the Worker's `[vars]` and
//! secrets, the CLI's environment and `.dev.vars`), parsed here and nowhere else.
//!
//! Values come through a lookup function, so this works the same with `std::env`, a Worker's
//! `Env` or a file. A value that is empty or only whitespace counts as unset. Secrets are used
//! byte for byte as given (as Better Auth uses them); every other value is trimmed.
//! About 500 lines, of which the last 160 are its tests: every environment rule in one place.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::ErrorCode;
use crate::host::cookie::{CookiePolicy, DEFAULT_COOKIE_PREFIX};
#[cfg(feature = "jwks")]
use crate::keyset::jwks::KeySet;
use crate::rules::keys::KeyRing;
use crate::rules::options::{MAX_LEEWAY, Options};
use crate::rules::session_cache::SessionCache;
use crate::rules::verify::Verifier;

/// One HMAC secret (its UTF-8 bytes are the key).
pub const BETTER_AUTH_SECRET: &str = "BETTER_AUTH_SECRET";
/// A rotation ring, `2:new,1:old` (current first); wins over [`BETTER_AUTH_SECRET`].
pub const BETTER_AUTH_SECRETS: &str = "BETTER_AUTH_SECRETS";
/// Clock skew tolerated, in whole seconds (0 to 300; default 0).
pub const JWT_LEEWAY_SECONDS: &str = "JWT_LEEWAY_SECONDS";
/// When set, `iss` must equal it.
pub const JWT_ISSUER: &str = "JWT_ISSUER";
/// When set, `aud` must be or contain it.
pub const JWT_AUDIENCE: &str = "JWT_AUDIENCE";
/// Accept Better Auth's session cookie cache, read from its cookie, in the strategy named:
/// `compact`, `jwt` or `jwe` (`true` = `jwt`; default `false`: not read).
pub const BETTER_AUTH_SESSION_CACHE: &str = "BETTER_AUTH_SESSION_CACHE";
/// Better Auth's `session.cookieCache.version` (a string): a cookie of another version is refused.
pub const BETTER_AUTH_SESSION_CACHE_VERSION: &str = "BETTER_AUTH_SESSION_CACHE_VERSION";
/// Better Auth's `advanced.cookiePrefix` (default `better-auth`).
pub const BETTER_AUTH_COOKIE_PREFIX: &str = "BETTER_AUTH_COOKIE_PREFIX";
/// Comma-separated origins allowed by CORS, and to send changes a cookie authenticates.
pub const CORS_ORIGINS: &str = "CORS_ORIGINS";
/// A JWK Set, inline (JSON), for asymmetric tokens.
pub const JWKS: &str = "JWKS";
/// Where to fetch the JWK Set, when `JWKS` is not set.
pub const JWKS_URL: &str = "JWKS_URL";
/// Better Auth's base URL: the default `iss`/`aud` of asymmetric tokens, and of `JWKS_URL`
/// (`{BETTER_AUTH_URL}/api/auth/jwks`).
pub const BETTER_AUTH_URL: &str = "BETTER_AUTH_URL";
/// Where Better Auth's `jwt()` plugin serves its JWK Set, under its base URL.
pub const BETTER_AUTH_JWKS_PATH: &str = "/api/auth/jwks";

/// Every variable read here, with what it means (for docs and `--help` texts).
pub const VARIABLES: &[(&str, &str)] = &[
    (BETTER_AUTH_SECRET, "the HMAC key: its UTF-8 bytes, at least 32"),
    (BETTER_AUTH_SECRETS, "a rotation ring `2:new,1:old` (current first); wins over BETTER_AUTH_SECRET"),
    (JWT_LEEWAY_SECONDS, "clock skew tolerated, 0-300 s (default 0)"),
    (JWT_ISSUER, "when set, `iss` must equal it"),
    (JWT_AUDIENCE, "when set, `aud` must be or contain it"),
    (
        BETTER_AUTH_SESSION_CACHE,
        "accept Better Auth's session cookie cache (`session_data` cookie) when no Authorization header is sent, in its `cookieCache.strategy`: `compact` (Better Auth's default), `jwt` or `jwe`; `true` = `jwt` (default `false`)",
    ),
    (
        BETTER_AUTH_SESSION_CACHE_VERSION,
        "Better Auth's `cookieCache.version`, when the app sets one: a session cookie cache of another version is refused",
    ),
    (BETTER_AUTH_COOKIE_PREFIX, "Better Auth's `advanced.cookiePrefix` (default `better-auth`)"),
    (
        CORS_ORIGINS,
        "comma-separated origins allowed by CORS and to send changes a cookie authenticates (`*`: any origin, without credentials)",
    ),
    (JWKS, "a JWK Set (JSON) for asymmetric tokens (EdDSA, ES256, ES512, RS256, PS256)"),
    (JWKS_URL, "where to fetch the JWK Set when `JWKS` is not set (default `{BETTER_AUTH_URL}/api/auth/jwks`)"),
    (
        BETTER_AUTH_URL,
        "Better Auth's base URL: the `iss` and `aud` asymmetric tokens must carry unless JWT_ISSUER / JWT_AUDIENCE say otherwise, and the JWK Set's default place",
    ),
];

/// Why settings cannot be used: the variable at fault and what is wrong, never its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingsError {
    variable: &'static str,
    problem: Problem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    NotSet,
    WeakKey,
    BadRing,
    BadLeeway,
    BadStrategy,
    #[cfg_attr(not(feature = "jwks"), allow(dead_code))]
    BadJwks,
    BadUrl,
    #[cfg_attr(not(feature = "jwks"), allow(dead_code))]
    InsecureUrl,
}

impl SettingsError {
    /// The variable at fault.
    pub const fn variable(&self) -> &'static str {
        self.variable
    }

    /// What is wrong with the variable, the rest of the sentence after its name (e.g. `holds a
    /// key shorter than 32 bytes`). Plain text, so a host without formatting machinery (the
    /// package's Wasm) can join the two; its numbers are this crate's limits (a test checks).
    pub const fn problem(&self) -> &'static str {
        match self.problem {
            Problem::NotSet => "is not set",
            Problem::WeakKey => "holds a key shorter than 32 bytes",
            Problem::BadRing => "cannot be parsed (expected version:value,... with at most 8 keys)",
            Problem::BadLeeway => "must be a whole number of seconds from 0 to 300",
            Problem::BadStrategy => "must be false, true, compact, jwt or jwe",
            Problem::BadJwks => "is not a JWK Set (a JSON object with a \"keys\" array)",
            Problem::BadUrl => "is not an http: or https: URL",
            Problem::InsecureUrl => "must be an https: URL (plain http: only for a loopback host)",
        }
    }

    /// [`ErrorCode::WeakKey`] for a key under 32 bytes, else [`ErrorCode::InvalidConfig`].
    pub const fn code(&self) -> ErrorCode {
        match self.problem {
            Problem::WeakKey => ErrorCode::WeakKey,
            _ => ErrorCode::InvalidConfig,
        }
    }
}

/// A sentence naming the variable, e.g. `BETTER_AUTH_SECRET holds a key shorter than 32 bytes`:
/// the variable, a space, [`SettingsError::problem`].
impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.variable, self.problem())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SettingsError {}

/// A variable's value as the rules read it: `None` when unset, empty or only whitespace.
pub fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Verification settings from an environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// From `BETTER_AUTH_SECRETS`, else `BETTER_AUTH_SECRET`.
    pub keys: KeyRing,
    /// From `JWT_LEEWAY_SECONDS`, `JWT_ISSUER`, `JWT_AUDIENCE`, `BETTER_AUTH_SESSION_CACHE`.
    pub options: Options,
    /// From `BETTER_AUTH_SESSION_CACHE`, `BETTER_AUTH_COOKIE_PREFIX`, `CORS_ORIGINS`.
    pub cookies: CookiePolicy,
    /// From `JWKS`, `JWKS_URL`, `BETTER_AUTH_URL`: where asymmetric tokens' keys come from.
    #[cfg(feature = "jwks")]
    pub key_source: Option<KeySource>,
}

/// Where the keys of asymmetric tokens come from.
#[cfg(feature = "jwks")]
#[derive(Clone, Debug)]
pub enum KeySource {
    /// `JWKS`: a set given inline.
    Inline(KeySet),
    /// `JWKS_URL`, or `{BETTER_AUTH_URL}/api/auth/jwks`: fetched by the host.
    Url(String),
}

/// `JWKS`, else `JWKS_URL`, else `{origin of BETTER_AUTH_URL}/api/auth/jwks`; none of them: no
/// keys. A URL must be `https:`, or `http:` for a loopback host (contract 3.2).
#[cfg(feature = "jwks")]
pub fn key_source_from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<KeySource>, SettingsError> {
    let trimmed = |name| present(var(name)).map(|v| String::from(v.trim()));
    if let Some(json) = trimmed(JWKS) {
        let (set, _skipped) =
            KeySet::parse(&json).map_err(|_| SettingsError { variable: JWKS, problem: Problem::BadJwks })?;
        return Ok(Some(KeySource::Inline(set)));
    }
    let (variable, url) = match (trimmed(JWKS_URL), better_auth_origin(&var)?) {
        (Some(url), _) => (JWKS_URL, url),
        (None, Some(origin)) => (BETTER_AUTH_URL, [origin.as_str(), BETTER_AUTH_JWKS_PATH].concat()),
        (None, None) => return Ok(None),
    };
    match origin(&url) {
        None => Err(SettingsError { variable, problem: Problem::BadUrl }),
        Some(o) if !o.starts_with("https://") && !is_loopback(&o) => {
            Err(SettingsError { variable, problem: Problem::InsecureUrl })
        }
        Some(_) => Ok(Some(KeySource::Url(url))),
    }
}

/// The origin of `BETTER_AUTH_URL`, as Better Auth writes `iss` and `aud` (`new URL(baseURL).origin`).
fn better_auth_origin(var: impl Fn(&str) -> Option<String>) -> Result<Option<String>, SettingsError> {
    match present(var(BETTER_AUTH_URL)) {
        None => Ok(None),
        Some(url) => {
            origin(url.trim()).map(Some).ok_or(SettingsError { variable: BETTER_AUTH_URL, problem: Problem::BadUrl })
        }
    }
}

/// The origin of an `http:` or `https:` URL, as WHATWG URL's `origin` gives it for ASCII hosts:
/// `scheme://host[:port]`, scheme and host in lower case, the scheme's default port dropped, no
/// user info. `None` for another scheme, or no host.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_ascii_lowercase();
    let host_port = host_port.strip_suffix(default_port).unwrap_or(&host_port);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(h, rest)| (h, rest.strip_prefix(':')))?,
        None => host_port.split_once(':').map_or((host_port, None), |(h, p)| (h, Some(p))),
    };
    if host.is_empty() || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some([scheme.as_str(), "://", host_port].concat())
}

#[cfg(feature = "jwks")]
/// Whether an origin's host is a loopback one (`localhost`, `127.0.0.0/8`, `[::1]`).
fn is_loopback(origin: &str) -> bool {
    let host_port = origin.split_once("://").map_or(origin, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let v4: Vec<&str> = host.split('.').collect();
    host == "localhost"
        || host.ends_with(".localhost")
        || (v4.len() == 4
            && v4[0] == "127"
            && v4.iter().all(|p| {
                !p.is_empty()
                    && p.len() <= 3
                    && p.chars().all(|c| c.is_ascii_digit())
                    && p.parse::<u16>().is_ok_and(|n| n <= 255)
            }))
}

impl Settings {
    /// Reads every variable through `var`; the first problem, in the order keys then options,
    /// is the error. A deployment that checks only JWK Set tokens needs no shared secret: with
    /// a key source and neither secret variable set, the ring is empty (HS256 never verifies).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        #[cfg(feature = "jwks")]
        let key_source = key_source_from_env(&var);
        #[cfg(feature = "jwks")]
        let keys = keys_beside_key_source(&var, matches!(key_source, Ok(Some(_))))?;
        #[cfg(not(feature = "jwks"))]
        let keys = keys_from_env(&var)?;
        let options = options_from_env(&var)?;
        let cookies = cookies_from_env(&var)?;
        Ok(Self {
            keys,
            options,
            cookies,
            #[cfg(feature = "jwks")]
            key_source: key_source?,
        })
    }

    /// The verifier these settings describe (for a set fetched from a URL, its host passes
    /// the set to [`Verifier::verify_with`]).
    pub fn verifier(&self) -> Verifier {
        let v = Verifier::new(self.keys.clone(), self.options.clone())
            .expect("options_from_env only returns valid options");
        #[cfg(feature = "jwks")]
        let v = match &self.key_source {
            Some(KeySource::Inline(set)) => v.with_key_set(set.clone()),
            Some(KeySource::Url(_)) => v.with_fetched_keys(),
            None => v,
        };
        v
    }
}

/// The key ring: `BETTER_AUTH_SECRETS` when set, else `BETTER_AUTH_SECRET`.
pub fn keys_from_env(var: impl Fn(&str) -> Option<String>) -> Result<KeyRing, SettingsError> {
    let (secret, ring) = (present(var(BETTER_AUTH_SECRET)), present(var(BETTER_AUTH_SECRETS)));
    let variable = if ring.is_some() { BETTER_AUTH_SECRETS } else { BETTER_AUTH_SECRET };
    let fail = |problem| SettingsError { variable, problem };
    if secret.is_none() && ring.is_none() {
        return Err(fail(Problem::NotSet));
    }
    KeyRing::from_env_values(secret.as_deref(), ring.as_deref())
        .map_err(|e| fail(if e.code() == ErrorCode::WeakKey { Problem::WeakKey } else { Problem::BadRing }))
}

/// The key ring where the environment may also name a key source (`JWKS`, `JWKS_URL`,
/// `BETTER_AUTH_URL`): [`keys_from_env`], except that with a key source and neither secret
/// variable set the ring is empty. A deployment that checks only JWK Set tokens needs no shared
/// secret; HS256 tokens then never verify.
pub fn keys_beside_key_source(
    var: impl Fn(&str) -> Option<String>,
    has_key_source: bool,
) -> Result<KeyRing, SettingsError> {
    match keys_from_env(var) {
        Err(SettingsError { problem: Problem::NotSet, .. }) if has_key_source => Ok(KeyRing::empty()),
        keys => keys,
    }
}

/// The options: leeway (0-300 s, default 0), issuer and audience (checked when set).
pub fn options_from_env(var: impl Fn(&str) -> Option<String>) -> Result<Options, SettingsError> {
    let trimmed = |name| present(var(name)).map(|v| String::from(v.trim()));
    let leeway = match trimmed(JWT_LEEWAY_SECONDS) {
        None => 0,
        Some(l) => l
            .parse::<u32>()
            .ok()
            .filter(|l| *l <= MAX_LEEWAY)
            .ok_or(SettingsError { variable: JWT_LEEWAY_SECONDS, problem: Problem::BadLeeway })?,
    };
    let base = better_auth_origin(&var)?;
    Ok(Options {
        leeway,
        issuer: trimmed(JWT_ISSUER),
        audience: trimmed(JWT_AUDIENCE),
        jwks_issuer: base.clone(),
        jwks_audience: base,
        accept_session_cache: session_cache(&var)?.is_some(),
        session_cache: session_cache(&var)?.unwrap_or_default(),
        session_cache_version: trimmed(BETTER_AUTH_SESSION_CACHE_VERSION),
        ..Options::default()
    })
}

/// `BETTER_AUTH_SESSION_CACHE` (any case): `false` or unset (`None`), `true` (`jwt`), or a
/// strategy's name.
fn session_cache(var: impl Fn(&str) -> Option<String>) -> Result<Option<SessionCache>, SettingsError> {
    match present(var(BETTER_AUTH_SESSION_CACHE)).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("false") => Ok(None),
        Some("true") => Ok(Some(SessionCache::Jwt)),
        Some(name) => SessionCache::parse(name)
            .map(Some)
            .ok_or(SettingsError { variable: BETTER_AUTH_SESSION_CACHE, problem: Problem::BadStrategy }),
    }
}

/// Which cookies authenticate, and the origins that may send cookie-authenticated changes.
pub fn cookies_from_env(var: impl Fn(&str) -> Option<String>) -> Result<CookiePolicy, SettingsError> {
    let prefix =
        present(var(BETTER_AUTH_COOKIE_PREFIX)).map_or_else(|| DEFAULT_COOKIE_PREFIX.into(), |p| p.trim().into());
    Ok(CookiePolicy {
        session_cache_prefix: session_cache(&var)?.map(|_| prefix),
        token_cookie: None,
        allowed_origins: origins(present(var(CORS_ORIGINS)).as_deref()),
    })
}

/// The origins of a `CORS_ORIGINS` value: trimmed, without a trailing `/`, empty ones dropped.
pub fn origins(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',').map(|o| o.trim().trim_end_matches('/').into()).filter(|o: &String| !o.is_empty()).collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const S: &str = "0123456789abcdef0123456789abcdef";

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn problems_state_the_crates_own_limits() {
        use crate::rules::keys::{MAX_KEYS, MIN_KEY_LEN};
        let problem = |problem| SettingsError { variable: JWKS, problem }.problem();
        assert!(problem(Problem::WeakKey).ends_with(&alloc::format!(" {MIN_KEY_LEN} bytes")));
        assert!(problem(Problem::BadRing).ends_with(&alloc::format!(" {MAX_KEYS} keys)")));
        assert!(problem(Problem::BadLeeway).ends_with(&alloc::format!(" 0 to {MAX_LEEWAY}")));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn only_a_key_source_makes_a_missing_secret_an_empty_ring() {
        let e = keys_beside_key_source(env(&[]), false).unwrap_err();
        assert_eq!((e.to_string().as_str(), e.code()), ("BETTER_AUTH_SECRET is not set", ErrorCode::InvalidConfig));
        assert!(keys_beside_key_source(env(&[]), true).unwrap().keys().is_empty());
        // A secret that is set must still be a good one.
        let e = keys_beside_key_source(env(&[(BETTER_AUTH_SECRET, "short")]), true).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WeakKey);
        assert_eq!(keys_beside_key_source(env(&[(BETTER_AUTH_SECRET, S)]), true).unwrap().keys().len(), 1);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn problems_name_the_variable_never_the_value() {
        let e = Settings::from_env(env(&[])).unwrap_err();
        assert_eq!(e.to_string(), "BETTER_AUTH_SECRET is not set");
        let e = Settings::from_env(env(&[(BETTER_AUTH_SECRET, "short-secret")])).unwrap_err();
        assert_eq!((e.code(), e.to_string().contains("short-secret")), (ErrorCode::WeakKey, false));
        assert_eq!(e.to_string(), "BETTER_AUTH_SECRET holds a key shorter than 32 bytes");
        let e = Settings::from_env(env(&[(BETTER_AUTH_SECRET, S), (BETTER_AUTH_SECRETS, S)])).unwrap_err();
        assert!(e.to_string().starts_with("BETTER_AUTH_SECRETS cannot be parsed") && !e.to_string().contains(S));
        let e = Settings::from_env(env(&[(BETTER_AUTH_SECRETS, "1:short")])).unwrap_err();
        assert_eq!(e.to_string(), "BETTER_AUTH_SECRETS holds a key shorter than 32 bytes");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn blank_means_unset_and_the_ring_wins() {
        let ring = alloc::format!("9:{S}");
        let s = Settings::from_env(env(&[(BETTER_AUTH_SECRET, "x"), (BETTER_AUTH_SECRETS, &ring)])).unwrap();
        assert_eq!(s.keys.current().version(), Some("9"));
        let s = Settings::from_env(env(&[(BETTER_AUTH_SECRET, S), (BETTER_AUTH_SECRETS, "  ")])).unwrap();
        assert_eq!(s.keys.current().version(), None);
        let e = Settings::from_env(env(&[(BETTER_AUTH_SECRET, " \t")])).unwrap_err();
        assert_eq!(e.to_string(), "BETTER_AUTH_SECRET is not set");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_session_cache_and_its_cookie() {
        let s = Settings::from_env(env(&[(BETTER_AUTH_SECRET, S)])).unwrap();
        assert!(!s.options.accept_session_cache && s.cookies.session_cache_prefix.is_none());
        let s = Settings::from_env(env(&[(BETTER_AUTH_SECRET, S), (BETTER_AUTH_SESSION_CACHE, " TRUE ")])).unwrap();
        assert!(s.options.accept_session_cache);
        assert_eq!(s.cookies.session_cache_prefix.as_deref(), Some("better-auth"));
        let vars = [(BETTER_AUTH_SECRET, S), (BETTER_AUTH_SESSION_CACHE, "true"), (BETTER_AUTH_COOKIE_PREFIX, "tg")];
        assert_eq!(Settings::from_env(env(&vars)).unwrap().cookies.session_cache_prefix.as_deref(), Some("tg"));
        let e = Settings::from_env(env(&[(BETTER_AUTH_SECRET, S), (BETTER_AUTH_SESSION_CACHE, "yes")])).unwrap_err();
        assert_eq!(e.to_string(), "BETTER_AUTH_SESSION_CACHE must be false, true, compact, jwt or jwe");
        for (value, strategy) in
            [("true", SessionCache::Jwt), ("Compact", SessionCache::Compact), ("jwe", SessionCache::Jwe)]
        {
            let vars = [
                (BETTER_AUTH_SECRET, S),
                (BETTER_AUTH_SESSION_CACHE, value),
                (BETTER_AUTH_SESSION_CACHE_VERSION, " 2 "),
            ];
            let s = Settings::from_env(env(&vars)).unwrap();
            assert!(s.options.accept_session_cache, "{value}");
            assert_eq!((s.options.session_cache, s.options.session_cache_version.as_deref()), (strategy, Some("2")));
        }
        let s = Settings::from_env(env(&[(BETTER_AUTH_SECRET, S), (CORS_ORIGINS, " http://a:3000/ , ,https://b")]))
            .unwrap();
        assert_eq!(s.cookies.allowed_origins, ["http://a:3000", "https://b"]);
    }

    #[cfg(feature = "jwks")]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn keys_of_asymmetric_tokens_come_from_jwks_jwks_url_or_better_auth_url() {
        let source = |pairs: &[(&str, &str)]| key_source_from_env(env(pairs));
        assert!(source(&[]).unwrap().is_none());
        let url = |s: Option<KeySource>| match s {
            Some(KeySource::Url(u)) => u,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            url(source(&[(BETTER_AUTH_URL, "https://app.example/ ")]).unwrap()),
            "https://app.example/api/auth/jwks"
        );
        let both = [(BETTER_AUTH_URL, "https://app.example"), (JWKS_URL, "https://keys.example/jwks")];
        assert_eq!(url(source(&both).unwrap()), "https://keys.example/jwks");
        assert!(matches!(source(&[(JWKS, r#"{"keys":[]}"#), (JWKS_URL, "x")]).unwrap(), Some(KeySource::Inline(_))));
        assert_eq!(
            source(&[(JWKS, "[]")]).unwrap_err().to_string(),
            r#"JWKS is not a JWK Set (a JSON object with a "keys" array)"#
        );
        let o = options_from_env(env(&[(BETTER_AUTH_URL, "https://app.example")])).unwrap();
        assert_eq!(
            (o.issuer, o.jwks_issuer.as_deref(), o.jwks_audience.as_deref()),
            (None, Some("https://app.example"), Some("https://app.example"))
        );
    }

    #[cfg(feature = "jwks")]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn better_auth_url_is_read_as_its_origin_as_better_auth_writes_iss_and_aud() {
        // Security review finding 6: a trailing `/` refused every jwt() token (invalid_issuer).
        for base in
            ["https://app.example/", "https://App.Example:443/", "https://app.example/ ", "https://u@app.example"]
        {
            let o = options_from_env(env(&[(BETTER_AUTH_URL, base)])).unwrap();
            assert_eq!(o.jwks_issuer.as_deref(), Some("https://app.example"), "{base}");
            assert_eq!(o.jwks_audience.as_deref(), Some("https://app.example"), "{base}");
        }
        let o = options_from_env(env(&[(BETTER_AUTH_URL, "http://127.0.0.1:3000/")])).unwrap();
        assert_eq!(o.jwks_issuer.as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(origin("https://[::1]:8443/x"), Some("https://[::1]:8443".into()));
        assert_eq!(origin("http://app.example:8080?q"), Some("http://app.example:8080".into()));
        for bad in ["app.example", "ftp://app.example", "https://", "https:///x", "https://app.example:"] {
            assert_eq!(origin(bad), None, "{bad}");
        }
        let e = options_from_env(env(&[(BETTER_AUTH_URL, "app.example")])).unwrap_err();
        assert_eq!(e.to_string(), "BETTER_AUTH_URL is not an http: or https: URL");
    }

    #[cfg(feature = "jwks")]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_jwks_url_is_https_or_loopback_and_needs_no_shared_secret() {
        // Security review finding 9.
        let source = |pairs: &[(&str, &str)]| key_source_from_env(env(pairs)).map(|s| s.is_some());
        for ok in [
            "https://keys.example/jwks",
            "http://127.0.0.1:8787/jwks",
            "http://localhost:3000/api/auth/jwks",
            "http://[::1]/jwks",
            "http://127.1.2.3/j",
        ] {
            assert_eq!(source(&[(JWKS_URL, ok)]), Ok(true), "{ok}");
        }
        for insecure in [
            "http://keys.example/jwks",
            "http://127.0.0.1.example/jwks",
            "http://10.0.0.1/jwks",
            "http://localhost.example/",
        ] {
            let e = source(&[(JWKS_URL, insecure)]).unwrap_err();
            assert_eq!(
                e.to_string(),
                "JWKS_URL must be an https: URL (plain http: only for a loopback host)",
                "{insecure}"
            );
        }
        let e = source(&[(BETTER_AUTH_URL, "http://app.example")]).unwrap_err();
        assert_eq!((e.variable(), e.code()), (BETTER_AUTH_URL, ErrorCode::InvalidConfig));
        // Only JWK Set tokens: no secret needed, and HS256 tokens never verify.
        let s = Settings::from_env(env(&[(JWKS_URL, "https://keys.example/jwks")])).unwrap();
        assert!(s.keys.current_key().is_none());
        let s = Settings::from_env(env(&[(JWKS, r#"{"keys":[]}"#)])).unwrap();
        assert!(s.keys.current_key().is_none());
        // Without any key source the secret is still required.
        assert_eq!(Settings::from_env(env(&[])).unwrap_err().to_string(), "BETTER_AUTH_SECRET is not set");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn options_are_trimmed_and_bounded() {
        let o =
            options_from_env(env(&[(JWT_LEEWAY_SECONDS, " 300 "), (JWT_ISSUER, " https://i "), (JWT_AUDIENCE, "")]))
                .unwrap();
        assert_eq!((o.leeway, o.issuer.as_deref(), o.audience), (300, Some("https://i"), None));
        for bad in ["301", "-1", "ten", "1.5"] {
            let e = options_from_env(env(&[(JWT_LEEWAY_SECONDS, bad)])).unwrap_err();
            assert_eq!(e.to_string(), "JWT_LEEWAY_SECONDS must be a whole number of seconds from 0 to 300", "{bad}");
        }
    }
}
