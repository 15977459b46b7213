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

use taskgate_verify::host::catalog::{Claim, ErrorCode, OTHER_REFUSALS};
#[cfg(feature = "full")]
use taskgate_verify::host::cookie::CookiePolicy;
use taskgate_verify::host::http::Refusal;
#[cfg(feature = "full")]
use taskgate_verify::keyset::signature::{Deferred, Outcome, Pending, SignatureJob};
use taskgate_verify::{Error, KeyRing, Options, Verifier as Inner, inspect as inspect_token, sign_json};
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
        return KeyRing::from_env_values(env_secret.as_deref(), env_secrets.as_deref()).map_err(error_number);
    }
    match (secret, ring) {
        (_, Some(ring)) => KeyRing::parse(&ring),
        (Some(secret), None) => KeyRing::from_secret(&secret),
        // Asymmetric tokens only (a JWK Set is set next): HS256 tokens never verify.
        #[cfg(feature = "full")]
        (None, None) => Ok(KeyRing::empty()),
        #[cfg(not(feature = "full"))]
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
    /// For a JWK Set fetched by JavaScript (`jwksUrl`): the set and the crate's rules for
    /// fetching it again.
    #[cfg(feature = "full")]
    key_cache: Option<taskgate_verify::keyset::cache::KeyCache>,
    /// The job of the last check that answered [`PENDING`], until `takeJob()`.
    #[cfg(feature = "full")]
    job: Option<Job>,
    sub: String,
    decoded: String,
    header_len: usize,
}

/// The answer of a check whose signature JavaScript must check: the job is taken with
/// `takeJob()`, checked, and given to `settle`.
pub const PENDING: u32 = u32::MAX;

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
            ..Options::default()
        };
        let inner = Inner::new(keys, options).map_err(error_number)?;
        Ok(Verifier {
            inner,
            #[cfg(feature = "full")]
            cookies: CookiePolicy::default(),
            #[cfg(feature = "full")]
            key_cache: None,
            #[cfg(feature = "full")]
            job: None,
            sub: String::new(),
            decoded: String::new(),
            header_len: 0,
        })
    }

    /// Verifies `token` at `now` (seconds). 0 on success, else the error number.
    pub fn verify(&mut self, token: &str, now: f64) -> u32 {
        #[cfg(feature = "full")]
        return self.verify_pass(token, now, false);
        #[cfg(not(feature = "full"))]
        {
            let result = self.inner.verify(token, now.max(0.0) as u64);
            self.keep(result.map_err(Refusal::Token))
        }
    }

    /// `verify` with an asymmetric signature left to JavaScript (node:crypto, WebCrypto): every
    /// rule is checked, and a token whose signature is the platform's answers [`PENDING`]
    /// (the crate's `signature` module).
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = verifyDeferred)]
    pub fn verify_deferred(&mut self, token: &str, now: f64) -> u32 {
        self.verify_pass(token, now, true)
    }

    #[cfg(feature = "full")]
    fn verify_pass(&mut self, token: &str, now: f64, deferred: bool) -> u32 {
        let now = now.max(0.0) as u64;
        let set = match &self.key_cache {
            Some(cache) => cache.set(),
            None => self.inner.key_set(),
        };
        let mut check = deferred.then(Deferred::new);
        let result = match check.as_mut() {
            None => self.inner.verify_with(token, now, set),
            Some(c) => self.inner.verify_checking(token, now, set, |k, m, s| c.check(k, m, s)),
        };
        self.finish(check, result.map_err(Refusal::Token))
    }

    /// Where asymmetric tokens' keys come from: a JWK Set (JSON) given inline, or (`fetched`) one
    /// JavaScript fetches when `needsKeys` says so; `issuer`/`audience` are what their `iss` and
    /// `aud` must be unless the options' own are set. Throws `invalid_config` for a set that is not one.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = setKeySource)]
    pub fn set_key_source(
        &mut self,
        jwks: Option<String>,
        fetched: bool,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> Result<(), u32> {
        use taskgate_verify::keyset::{cache::KeyCache, jwks::KeySet};
        let mut options = self.inner.options().clone();
        options.jwks_issuer = issuer;
        options.jwks_audience = audience;
        let inner = Inner::new(self.inner.keys().clone(), options).map_err(error_number)?;
        self.inner = match jwks {
            Some(json) => inner.with_key_set(KeySet::parse(&json).map_err(error_number)?.0),
            None => inner.with_fetched_keys(),
        };
        self.key_cache = fetched.then(KeyCache::default);
        Ok(())
    }

    /// The key source an environment describes (`JWKS`, else `JWKS_URL`, else
    /// `{BETTER_AUTH_URL}/api/auth/jwks`; `iss`/`aud` default to `BETTER_AUTH_URL`), by the
    /// crate's settings rules. Returns the URL JavaScript must fetch the set from, if any.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = setKeySourceFromEnv)]
    pub fn set_key_source_from_env(
        &mut self,
        jwks: Option<String>,
        jwks_url: Option<String>,
        better_auth_url: Option<String>,
    ) -> Result<Option<String>, u32> {
        use taskgate_verify::host::settings::{self, KeySource};
        let var = |name: &str| match name {
            settings::JWKS => jwks.clone(),
            settings::JWKS_URL => jwks_url.clone(),
            settings::BETTER_AUTH_URL => better_auth_url.clone(),
            _ => None,
        };
        let source = settings::key_source_from_env(var).map_err(|e| error_number(Error::new(e.code())))?;
        let base = settings::present(better_auth_url.clone()).map(|u| String::from(u.trim()));
        let mut options = self.inner.options().clone();
        options.jwks_issuer = base.clone();
        options.jwks_audience = base;
        let inner = Inner::new(self.inner.keys().clone(), options).map_err(error_number)?;
        let (inner, url) = match source {
            Some(KeySource::Inline(set)) => (inner.with_key_set(set), None),
            Some(KeySource::Url(url)) => (inner.with_fetched_keys(), Some(url)),
            None => (inner, None),
        };
        self.key_cache = url.is_some().then(taskgate_verify::keyset::cache::KeyCache::default);
        self.inner = inner;
        Ok(url)
    }

    /// Whether the JWK Set must be fetched before checking `token` at `now` (it is asymmetric,
    /// and the set is missing, old, or lacks its `kid`, by the crate's rules). When `true`, the
    /// fetch counts as started.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = needsKeys)]
    pub fn needs_keys(&mut self, token: &str, now: f64) -> bool {
        let now = now.max(0.0) as u64;
        let (Some(cache), Ok((alg, kid))) = (self.key_cache.as_mut(), self.inner.peek(token)) else { return false };
        let fetch =
            alg.is_asymmetric() && cache.plan(kid.as_deref(), now) == taskgate_verify::keyset::cache::Plan::Fetch;
        if fetch {
            cache.fetching(now);
        }
        fetch
    }

    /// [`Verifier::needs_keys`] for the token a request offers (by the crate's HTTP rules: the
    /// bearer token, else a cookie this verifier reads).
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = needsKeysFor)]
    pub fn needs_keys_for(&mut self, authorization: Option<String>, cookie: Option<String>, now: f64) -> bool {
        let request = taskgate_verify::host::http::Request {
            authorization: authorization.as_deref(),
            cookie: cookie.as_deref(),
            ..Default::default()
        };
        match taskgate_verify::host::http::credential(&self.cookies, &request) {
            Ok(credential) => self.needs_keys(&credential.token, now),
            Err(_) => false,
        }
    }

    /// A fetched JWK Set (JSON) came at `now`; `false` (and nothing kept) when it is not one.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = keysFetched)]
    pub fn keys_fetched(&mut self, jwks: &str, now: f64) -> bool {
        match (self.key_cache.as_mut(), taskgate_verify::keyset::jwks::KeySet::parse(jwks)) {
            (Some(cache), Ok((set, _))) => {
                cache.fetched(set, now.max(0.0) as u64);
                true
            }
            _ => false,
        }
    }

    /// Seconds until the JWK Set will be fetched again (for a `keys_unavailable` answer).
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = retryAfter)]
    pub fn retry_after(&self, now: f64) -> f64 {
        self.key_cache.as_ref().map_or(0.0, |c| c.retry_after(now.max(0.0) as u64) as f64)
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
        let prefix = cookie_prefix.unwrap_or_else(|| taskgate_verify::host::cookie::DEFAULT_COOKIE_PREFIX.into());
        self.cookies = CookiePolicy {
            session_cache_prefix: self.inner.options().accept_session_cache.then_some(prefix),
            token_cookie,
            allowed_origins: taskgate_verify::host::settings::origins(allowed_origins.as_deref()),
        };
    }

    /// Steps 1 and 2 of a request, by the crate's HTTP rules: the bearer token of
    /// `authorization`, else a token from `cookie` (the `Cookie` header) by this verifier's
    /// cookie policy, with the Origin rule for a change a cookie authenticates, and the user
    /// `path_user` when given. 0 on success, else the refusal number; with `deferred`, an
    /// asymmetric signature is left to JavaScript, as `verifyDeferred` does ([`PENDING`]).
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
        deferred: bool,
    ) -> u32 {
        let request = taskgate_verify::host::http::Request {
            authorization: authorization.as_deref(),
            cookie: cookie.as_deref(),
            method: method.as_deref().unwrap_or("GET"),
            origin: origin.as_deref(),
            own_origin: own_origin.as_deref(),
        };
        let now = now.max(0.0) as u64;
        let set = match &self.key_cache {
            Some(cache) => cache.set(),
            None => self.inner.key_set(),
        };
        let mut check = deferred.then(Deferred::new);
        let result = taskgate_verify::host::http::credential(&self.cookies, &request).and_then(|credential| {
            let verify = |token: &str| match check.as_mut() {
                None => self.inner.verify_with(token, now, set),
                Some(c) => self.inner.verify_checking(token, now, set, |k, m, s| c.check(k, m, s)),
            };
            taskgate_verify::host::http::authorize_with(
                &credential,
                verify,
                &self.cookies,
                &request,
                path_user.as_deref(),
            )
        });
        self.finish(check, result)
    }

    /// After a check: [`PENDING`] when its signature was deferred (the job kept for
    /// `takeJob()`, holding the outcome), else the outcome kept.
    #[cfg(feature = "full")]
    fn finish(&mut self, check: Option<Deferred>, result: Result<taskgate_verify::Claims, Refusal>) -> u32 {
        let Some(check) = check else { return self.keep(result) };
        match check.finish(result) {
            Outcome::Done(result) => self.keep(result),
            Outcome::Pending(pending) => {
                let set = match &self.key_cache {
                    Some(cache) => cache.set(),
                    None => self.inner.key_set(),
                };
                let kid = &pending.job().kid;
                let index = set.and_then(|s| s.keys().iter().position(|k| k.kid() == &**kid)).unwrap_or(0);
                self.job = Some(Job { of: JobOf::Check(pending), key_index: index as u32 });
                PENDING
            }
        }
    }

    /// The job of the last check that answered [`PENDING`].
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = takeJob)]
    pub fn take_job(&mut self) -> Option<Job> {
        self.job.take()
    }

    /// The outcome of a check that answered [`PENDING`], given the platform's verdict on its
    /// job's signature: 0 (the results then read as after `verify`), or the error number
    /// (`invalid_signature` when `valid` is false).
    #[cfg(feature = "full")]
    pub fn settle(&mut self, job: Job, valid: bool) -> u32 {
        match job.of {
            JobOf::Check(pending) => self.keep(pending.settle(valid)),
            JobOf::Vector(_) => refusal_number(Refusal::Token(Error::new(ErrorCode::InvalidSignature))),
        }
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

/// An asymmetric signature for JavaScript to check (node:crypto, WebCrypto): the key (its
/// public JWK, with the `importKey` and `verify` parameters of its algorithm), the signing
/// input and the signature; for a check, its outcome, held until `settle`.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub struct Job {
    of: JobOf,
    /// The key's position in the verifier's current set.
    key_index: u32,
}

#[cfg(feature = "full")]
enum JobOf {
    /// A check's: the outcome waits for the verdict.
    Check(Pending<taskgate_verify::Claims, Refusal>),
    /// A published vector's (`signatureJob`): nothing waits.
    Vector(SignatureJob),
}

#[cfg(feature = "full")]
impl Job {
    fn job(&self) -> &SignatureJob {
        match &self.of {
            JobOf::Check(pending) => pending.job(),
            JobOf::Vector(job) => job,
        }
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Job {
    /// The key's position in the verifier's set (the same key until the set changes: JavaScript
    /// keeps what it prepared for a key by it).
    #[wasm_bindgen(js_name = keyIndex)]
    pub fn key_index(&self) -> u32 {
        self.key_index
    }

    /// WebCrypto `importKey` algorithm parameters (JSON).
    #[wasm_bindgen(js_name = importParams)]
    pub fn import_params(&self) -> String {
        self.job().alg.web_crypto().map_or("", |p| p.0).into()
    }

    /// WebCrypto `verify` algorithm parameters (JSON).
    #[wasm_bindgen(js_name = verifyParams)]
    pub fn verify_params(&self) -> String {
        self.job().alg.web_crypto().map_or("", |p| p.1).into()
    }

    /// The key's public JWK (JSON).
    pub fn key(&self) -> String {
        self.job().public_jwk.as_ref().into()
    }

    /// The signing input.
    pub fn message(&self) -> Vec<u8> {
        self.job().message.clone()
    }

    /// The signature.
    pub fn signature(&self) -> Vec<u8> {
        self.job().signature.clone()
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
    out.push_str(&r.www_authenticate("tasks").unwrap_or_default());
    out.push('\n');
    out.push_str(&r.body());
    out
}

/// The signature layer alone, for published test vectors: whether `signature` is a valid `alg`
/// signature of `message` by the key of the one-key JWK Set `jwk_set`: 1 valid, 0 invalid, -1
/// the key cannot be used.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = checkSignature)]
pub fn check_signature(alg: &str, jwk_set: &str, message: &[u8], signature: &[u8]) -> i32 {
    let Ok((set, _)) = taskgate_verify::keyset::jwks::KeySet::parse(jwk_set) else { return -1 };
    let (Some(key), Some(alg)) = (set.keys().first(), taskgate_verify::Algorithm::parse(alg)) else { return -1 };
    i32::from(key.verify(alg, message, signature))
}

/// The signature layer of the platform, for published test vectors: the job a token signed
/// with `signature` over `message` by the key of the one-key JWK Set `jwk_set` would make
/// (`undefined` when the key cannot be used for `alg`), for `checkSignature(..., via)`.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = signatureJob)]
pub fn signature_job(alg: &str, jwk_set: &str, message: &[u8], signature: &[u8]) -> Option<Job> {
    let (set, _) = taskgate_verify::keyset::jwks::KeySet::parse(jwk_set).ok()?;
    let key = set.keys().first().filter(|k| taskgate_verify::Algorithm::parse(alg) == Some(k.alg()))?;
    Some(Job {
        key_index: 0,
        of: JobOf::Vector(SignatureJob {
            kid: key.kid().into(),
            alg: key.alg(),
            public_jwk: key.public_jwk().into(),
            message: message.to_vec(),
            signature: signature.to_vec(),
        }),
    })
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
    let ring = key_ring(secret, ring, from_env.then_some((env_secret, env_secrets)))?;
    if ring.current_key().is_none() {
        return Err(error_number(Error::new(ErrorCode::InvalidConfig))); // nothing to sign with
    }
    Ok(sign_json(&ring, payload_json))
}

/// Talc, made for single-threaded Wasm: smaller than dlmalloc here, at the same speed (bench/ANALYSIS.md).
#[cfg(all(target_arch = "wasm32", not(test)))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
        // Codes that never make a token refusal of their own (they become 500 or 503).
        let own =
            |c: &&ErrorCode| !matches!(c, ErrorCode::WeakKey | ErrorCode::InvalidConfig | ErrorCode::KeysUnavailable);
        for code in ErrorCode::ALL.iter().filter(own) {
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
