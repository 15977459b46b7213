//! What JavaScript hands the Wasm: one settings object per verifier (read once, when it is
//! built), and one request object per `authorize`. Both are plain JavaScript objects read
//! through getters (one import each; no JSON to parse, no field-name strings in the Wasm); the
//! package's `settings.js` builds them, checked and with every default filled in.

use alloc::string::String;
use alloc::vec::Vec;

use taskgate_verify::session_cache::SessionCache;
use taskgate_verify::{Error, ErrorCode, KeyRing, Options};
use wasm_bindgen::prelude::*;

use taskgate_verify::host::settings::{self, SettingsError};

use crate::numbers::error_number;

/// Why an environment's settings cannot be used, as thrown to JavaScript: `[error number,
/// sentence]`, the sentence the crate's (the variable and its problem, joined here without
/// formatting machinery), so it names the variable at fault and never its value.
pub fn settings_problem(e: SettingsError) -> JsValue {
    let sentence = [e.variable(), " ", e.problem()].concat();
    js_sys::Array::of2(&error_number(Error::new(e.code())).into(), &sentence.into()).into()
}

#[wasm_bindgen]
extern "C" {
    /// A verifier's settings (`settings.js`, `wasmSettings`): the keys (`secret`, `secrets`, or
    /// `env`, an environment object read by the crate's settings rules), the options and the
    /// cookie policy; for `taskgate-verify/full` also the JWK Set (`jwks` JSON, or `jwksUrl`).
    pub type Settings;

    #[wasm_bindgen(method, getter)]
    fn secret(this: &Settings) -> Option<Vec<u8>>;
    #[wasm_bindgen(method, getter)]
    fn secrets(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn env(this: &Settings) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn leeway(this: &Settings) -> u32;
    #[wasm_bindgen(method, getter)]
    fn issuer(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn audience(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = maxAge)]
    fn max_age(this: &Settings) -> Option<f64>;
    #[wasm_bindgen(method, getter, js_name = maxTokenLength)]
    fn max_token_length(this: &Settings) -> u32;
    #[wasm_bindgen(method, getter, js_name = requireExp)]
    fn require_exp(this: &Settings) -> bool;
    /// The session cookie cache's strategy (`compact`, `jwt`, `jwe`), absent when not accepted.
    #[wasm_bindgen(method, getter, js_name = sessionCache)]
    fn session_cache(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = sessionCacheVersion)]
    fn session_cache_version(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = cookiePrefix)]
    pub fn cookie_prefix(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = tokenCookie)]
    pub fn token_cookie(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = allowedOrigins)]
    pub fn allowed_origins(this: &Settings) -> Option<String>;

    /// A request, as `authorize` reads it (`authorization`, `cookie`, `method`, `origin`,
    /// `ownOrigin`, `pathUser`: strings, or absent).
    pub type RequestInit;

    #[wasm_bindgen(method, getter)]
    pub fn authorization(this: &RequestInit) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub fn cookie(this: &RequestInit) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub fn method(this: &RequestInit) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub fn origin(this: &RequestInit) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = ownOrigin)]
    pub fn own_origin(this: &RequestInit) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = pathUser)]
    pub fn path_user(this: &RequestInit) -> Option<String>;
}

#[cfg(feature = "full")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(method, getter)]
    pub fn jwks(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = jwksUrl)]
    pub fn jwks_url(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = jwksIssuer)]
    pub fn jwks_issuer(this: &Settings) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = jwksAudience)]
    pub fn jwks_audience(this: &Settings) -> Option<String>;
}

impl Settings {
    /// The variable `name` of the environment object, when it is one and the value a string.
    pub fn var(&self, name: &str) -> Option<String> {
        let env = self.env();
        if !env.is_object() {
            return None;
        }
        js_sys::Reflect::get(&env, &JsValue::from_str(name)).ok()?.as_string()
    }

    /// Whether the keys are an environment object's.
    pub fn has_env(&self) -> bool {
        self.env().is_object()
    }

    /// The key ring: a raw secret, a `BETTER_AUTH_SECRETS` string, or the two variables of an
    /// environment, read by the crate's settings rules (the ring wins, blank is unset; with
    /// `has_key_source`, neither set is an empty ring). Throws the error number, or for an
    /// environment [`settings_problem`].
    pub fn key_ring(&self, has_key_source: bool) -> Result<KeyRing, JsValue> {
        if self.has_env() {
            return settings::keys_beside_key_source(|name| self.var(name), has_key_source).map_err(settings_problem);
        }
        match (self.secret(), self.secrets()) {
            (_, Some(ring)) => KeyRing::parse(&ring),
            (Some(secret), None) => KeyRing::from_secret(&secret),
            (None, None) if has_key_source => Ok(KeyRing::empty()),
            (None, None) => Err(Error::new(ErrorCode::InvalidConfig)),
        }
        .map_err(|e| error_number(e).into())
    }

    /// The options of the rules.
    pub fn options(&self) -> Options {
        Options {
            leeway: self.leeway(),
            issuer: self.issuer(),
            audience: self.audience(),
            max_age: self.max_age().map(|m| m.max(0.0) as u64),
            max_token_len: self.max_token_length() as usize,
            require_exp: self.require_exp(),
            ..self.session_cache_options()
        }
    }

    /// The session cookie cache options: accepted when a strategy is named (`settings.js` checks
    /// the name; an unknown one is not accepted), and the version.
    fn session_cache_options(&self) -> Options {
        let strategy = self.session_cache().and_then(|s| SessionCache::parse(&s));
        Options {
            accept_session_cache: strategy.is_some(),
            session_cache: strategy.unwrap_or_default(),
            session_cache_version: self.session_cache_version(),
            ..Options::default()
        }
    }

    /// The options `inspect` reads (leeway, issuer, audience, session cache), the leeway bounded.
    pub fn inspect_options(&self) -> Options {
        Options {
            leeway: self.leeway().min(taskgate_verify::MAX_LEEWAY),
            issuer: self.issuer(),
            audience: self.audience(),
            ..self.session_cache_options()
        }
    }
}

/// Seconds since the epoch, from a JavaScript number.
pub fn seconds(now: f64) -> u64 {
    now.max(0.0) as u64
}

/// `invalid_config`, as a number.
pub fn invalid_config() -> u32 {
    error_number(Error::new(ErrorCode::InvalidConfig))
}
