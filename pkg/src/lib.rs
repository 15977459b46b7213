//! # taskgate-wasm
//!
//! The thin wasm-bindgen layer under the npm package: numbers and strings across the
//! boundary, nothing else. The JavaScript in `js/` turns them into the package's API
//! (`createVerifier`, `verify`, `inspect`, `sign`, `TokenError`, the Next.js helper), with the
//! tables of `contract.js`, generated from the same crate (`taskgate contract --format js`).
//!
//! Two builds: the default one (HS256 verification, inspection, signing) is what
//! `taskgate-verify` loads; feature `full` adds the HTTP layer (`authorize`: bearer or cookie,
//! the Origin rule, the 401/403 answers) for `taskgate-verify/full` and the Next.js helper.
//!
//! Errors cross as one number, so the error path allocates nothing: the code in the low byte
//! (1-based: [`ErrorCode::ALL`], then [`OTHER_REFUSALS`]) and the claim in the next byte
//! (1-based index in [`Claim::ALL`], 0 for none).

#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use taskgate_verify::catalog::{Claim, ErrorCode, OTHER_REFUSALS};
#[cfg(feature = "full")]
use taskgate_verify::http::CookiePolicy;
use taskgate_verify::http::Refusal;
use taskgate_verify::{Error, KeyRing, Options, Verifier as Inner, inspect as inspect_token, settings, sign_json};
use wasm_bindgen::prelude::*;

fn index_of<T: PartialEq>(all: &[T], x: &T) -> u32 {
    all.iter().position(|c| c == x).map_or(0, |i| i as u32 + 1)
}

/// The number of a refusal (a token error, or one of the other refusals).
fn refusal_number(r: Refusal) -> u32 {
    match r {
        Refusal::Token(e) => error_number(e),
        other => ErrorCode::ALL.len() as u32 + index_of(&OTHER_REFUSALS, &other),
    }
}

/// The number of an error: its code and claim.
fn error_number(e: Error) -> u32 {
    index_of(ErrorCode::ALL, &e.code()) | (e.claim().map_or(0, |c| index_of(Claim::ALL, &c)) << 8)
}

/// The refusal a number stands for.
#[cfg(any(feature = "full", test))]
fn refusal_of(n: u32) -> Option<Refusal> {
    let (code, claim) = ((n & 0xff) as usize, (n >> 8) as usize);
    let error = |code: ErrorCode| match claim.checked_sub(1).and_then(|i| Claim::ALL.get(i)) {
        Some(claim) => Error::about(code, *claim),
        None => Error::new(code),
    };
    match code.checked_sub(1)? {
        i if i < ErrorCode::ALL.len() => Some(Refusal::from(error(ErrorCode::ALL[i]))),
        i => OTHER_REFUSALS.get(i - ErrorCode::ALL.len()).copied(),
    }
}

/// The key ring for a raw secret, a `BETTER_AUTH_SECRETS` string, or the two variables of an
/// environment (`env_secret`, `env_secrets`), read by the crate's settings rules (the ring
/// wins, blank is unset).
fn key_ring(
    secret: Option<Vec<u8>>,
    ring: Option<String>,
    env: Option<(Option<String>, Option<String>)>,
) -> Result<KeyRing, u32> {
    if let Some((env_secret, env_secrets)) = env {
        let var = |name: &str| match name {
            settings::BETTER_AUTH_SECRET => env_secret.clone(),
            settings::BETTER_AUTH_SECRETS => env_secrets.clone(),
            _ => None,
        };
        return settings::keys_from_env(var).map_err(|e| error_number(Error::new(e.code())));
    }
    match (secret, ring) {
        (_, Some(ring)) => KeyRing::parse(&ring),
        (Some(secret), None) => KeyRing::from_secret(&secret),
        (None, None) => Err(Error::new(ErrorCode::InvalidConfig)),
    }
    .map_err(error_number)
}

/// A verifier with its keys scheduled once. Results of the last success are read with
/// `sub()` and `decoded()` right after it.
#[wasm_bindgen]
pub struct Verifier {
    inner: Inner,
    #[cfg(feature = "full")]
    cookies: CookiePolicy,
    sub: String,
    decoded: String,
    header_len: usize,
}

#[wasm_bindgen]
impl Verifier {
    /// Builds a verifier. Throws the error number (weak_key, invalid_config) on bad input.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        secret: Option<Vec<u8>>,
        ring: Option<String>,
        from_env: bool,
        env_secret: Option<String>,
        env_secrets: Option<String>,
        leeway: u32,
        issuer: Option<String>,
        audience: Option<String>,
        max_age: Option<f64>,
        max_token_len: u32,
        require_exp: bool,
        session_cache: bool,
    ) -> Result<Verifier, u32> {
        let keys = key_ring(secret, ring, from_env.then_some((env_secret, env_secrets)))?;
        let options = Options {
            leeway,
            issuer,
            audience,
            max_age: max_age.map(|m| m.max(0.0) as u64),
            max_token_len: max_token_len as usize,
            require_exp,
            accept_session_cache: session_cache,
        };
        let inner = Inner::new(keys, options).map_err(error_number)?;
        Ok(Verifier {
            inner,
            #[cfg(feature = "full")]
            cookies: CookiePolicy::default(),
            sub: String::new(),
            decoded: String::new(),
            header_len: 0,
        })
    }

    /// Verifies `token` at `now` (seconds). 0 on success, else the error number.
    pub fn verify(&mut self, token: &str, now: f64) -> u32 {
        let result = self.inner.verify(token, now.max(0.0) as u64);
        self.keep(result.map_err(Refusal::Token))
    }

    /// Which cookies `authorize` reads (Better Auth's session cookie cache when the verifier
    /// accepts it, under `cookie_prefix`; a cookie holding a TaskGate token), and the origins
    /// (comma-separated) besides the request's own that may send a cookie-authenticated change.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = setCookiePolicy)]
    pub fn set_cookie_policy(
        &mut self,
        cookie_prefix: Option<String>,
        token_cookie: Option<String>,
        allowed_origins: Option<String>,
    ) {
        let prefix = cookie_prefix.unwrap_or_else(|| taskgate_verify::http::DEFAULT_COOKIE_PREFIX.into());
        self.cookies = CookiePolicy {
            session_cache_prefix: self.inner.options().accept_session_cache.then_some(prefix),
            token_cookie,
            allowed_origins: settings::origins(allowed_origins.as_deref()),
        };
    }

    /// Steps 1 and 2 of a request, by the crate's HTTP rules: the bearer token of
    /// `authorization`, else a token from `cookie` (the `Cookie` header) by this verifier's
    /// cookie policy, with the Origin rule for a change a cookie authenticates, and the user
    /// `path_user` when given. 0 on success, else the refusal number.
    #[cfg(feature = "full")]
    #[allow(clippy::too_many_arguments)]
    pub fn authorize(
        &mut self,
        authorization: Option<String>,
        cookie: Option<String>,
        method: Option<String>,
        origin: Option<String>,
        own_origin: Option<String>,
        path_user: Option<String>,
        now: f64,
    ) -> u32 {
        let request = taskgate_verify::http::Request {
            authorization: authorization.as_deref(),
            cookie: cookie.as_deref(),
            method: method.as_deref().unwrap_or("GET"),
            origin: origin.as_deref(),
            own_origin: own_origin.as_deref(),
        };
        let now = now.max(0.0) as u64;
        let result = taskgate_verify::http::authorize(&self.inner, &self.cookies, &request, path_user.as_deref(), now);
        self.keep(result)
    }

    fn keep(&mut self, result: Result<taskgate_verify::Claims, Refusal>) -> u32 {
        match result {
            Ok(claims) => {
                self.sub.clear();
                self.sub.push_str(claims.sub());
                self.decoded.clear();
                self.decoded.push_str(claims.header_json());
                self.decoded.push_str(claims.payload_json());
                self.header_len = claims.header_json().len();
                0
            }
            Err(r) => refusal_number(r),
        }
    }

    /// The `sub` of the last successful verification.
    pub fn sub(&self) -> String {
        self.sub.clone()
    }

    /// The decoded header JSON followed by the decoded payload JSON, of the last success.
    pub fn decoded(&self) -> String {
        self.decoded.clone()
    }

    /// The length of the header JSON within `decoded()`, in UTF-16 code units (for `slice`).
    #[wasm_bindgen(js_name = headerLength)]
    pub fn header_length(&self) -> usize {
        self.decoded.get(..self.header_len).unwrap_or_default().encode_utf16().count()
    }
}

#[cfg(feature = "full")]
/// The HTTP answer for a refusal number, as one string (cheaper across the boundary than an
/// array): the status, a space, the `WWW-Authenticate` value (maybe empty), a newline, the
/// JSON body.
#[wasm_bindgen]
pub fn refusal(number: u32) -> String {
    let r = refusal_of(number).unwrap_or(Refusal::ServerMisconfigured);
    let mut out = String::from(match r.status() {
        401 => "401 ",
        403 => "403 ",
        503 => "503 ",
        _ => "500 ",
    });
    out.push_str(&r.www_authenticate().unwrap_or_default());
    out.push('\n');
    out.push_str(&r.body());
    out
}

/// Decodes a token without a key: `[header|null, payload|null, segments, session cache shape,
/// problems...]` where each problem is an error number (the payload has `session.token`
/// redacted). Never throws.
#[wasm_bindgen]
pub fn inspect(
    token: &str,
    now: f64,
    leeway: u32,
    issuer: Option<String>,
    audience: Option<String>,
    session_cache: bool,
) -> js_sys::Array {
    let options = Options {
        leeway: leeway.min(taskgate_verify::MAX_LEEWAY),
        issuer,
        audience,
        accept_session_cache: session_cache,
        ..Options::default()
    };
    let i = inspect_token(token, &options, now.max(0.0) as u64);
    let out = js_sys::Array::new();
    let text = |s: Option<String>| s.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
    out.push(&text(i.header));
    out.push(&text(i.payload));
    out.push(&JsValue::from(i.segments as u32));
    out.push(&JsValue::from(i.session_cache));
    for p in i.problems {
        out.push(&JsValue::from(error_number(p)));
    }
    out
}

/// Signs `payload_json` with the ring's current key (`kid` = its version, if any).
#[wasm_bindgen]
pub fn sign(
    payload_json: &str,
    secret: Option<Vec<u8>>,
    ring: Option<String>,
    from_env: bool,
    env_secret: Option<String>,
    env_secrets: Option<String>,
) -> Result<String, u32> {
    Ok(sign_json(&key_ring(secret, ring, from_env.then_some((env_secret, env_secrets)))?, payload_json))
}

#[cfg(all(target_arch = "wasm32", not(test)))]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// A panic is a bug (verification never panics on any input): trap without formatting.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_numbers_round_trip() {
        let mut all: Vec<Refusal> = OTHER_REFUSALS.to_vec();
        for code in ErrorCode::ALL.iter().filter(|c| !matches!(c, ErrorCode::WeakKey | ErrorCode::InvalidConfig)) {
            all.push(Refusal::Token(Error::new(*code)));
            for claim in Claim::ALL {
                all.push(Refusal::Token(Error::about(*code, *claim)));
            }
        }
        for r in all {
            assert_eq!(refusal_of(refusal_number(r)), Some(r), "{r:?}");
        }
        assert_eq!(refusal_of(0), None);
        assert_eq!(refusal_of(error_number(Error::new(ErrorCode::WeakKey))), Some(Refusal::ServerMisconfigured));
    }
}
