//! The verifier JavaScript holds: keys scheduled once, from one settings object. Both builds
//! verify HS256 tokens and Better Auth's session cookie cache, and authorize requests by the
//! crate's HTTP rules ([`crate::http`]); the full one also checks asymmetric tokens, always with
//! the signature deferred to the platform
//! (`taskgate_verify::keyset::signature`): such a check answers [`PENDING`], its job is taken
//! with `takeJob()`, and `settle(job, verdict)` gives the outcome (JavaScript's `check.js`).

use alloc::string::String;

use taskgate_verify::host::http::Refusal;
use taskgate_verify::{Claims, Verifier as Inner};
use wasm_bindgen::prelude::*;

use crate::http::{Http, Parts};
#[cfg(feature = "full")]
use crate::job::Job;
#[cfg(feature = "full")]
use crate::numbers::PENDING;
use crate::numbers::refusal_number;
use crate::settings::{RequestInit, Settings, seconds};

/// A verifier with its keys scheduled once. The results of the last success are read with
/// `sub()`, `decoded()` and `headerLength()` right after it.
#[wasm_bindgen]
pub struct Verifier {
    pub(crate) inner: Inner,
    pub(crate) http: Http,
    #[cfg(feature = "full")]
    pub(crate) full: crate::full::Full,
    sub: String,
    decoded: String,
    header_len: usize,
}

#[wasm_bindgen]
impl Verifier {
    /// Builds a verifier from its settings. Throws the error number (weak_key, invalid_config)
    /// on bad input; for an environment's, `[error number, sentence naming the variable]`
    /// (`settings_problem`); with the full build, for a key source given as an option that
    /// cannot be used (`invalid_config`), why, as a sentence naming the option.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: &Settings) -> Result<Verifier, JsValue> {
        #[cfg(not(feature = "full"))]
        let inner = Inner::new(settings.key_ring(false)?, settings.options()).map_err(crate::numbers::error_number)?;
        #[cfg(feature = "full")]
        let (inner, full) = crate::full::Full::new(settings)?;
        let http = Http::new(settings, inner.options());
        Ok(Verifier {
            inner,
            http,
            #[cfg(feature = "full")]
            full,
            sub: String::new(),
            decoded: String::new(),
            header_len: 0,
        })
    }

    /// Verifies `token` at `now` (seconds): 0 on success, else the error number; with the full
    /// build, [`PENDING`] for a signature the platform must check.
    pub fn verify(&mut self, token: &str, now: f64) -> u32 {
        #[cfg(not(feature = "full"))]
        {
            let result = self.inner.verify(token, seconds(now));
            self.keep(result.map_err(Refusal::Token))
        }
        #[cfg(feature = "full")]
        {
            let outcome = self.full.verify(&self.inner, token, seconds(now));
            self.finish(outcome)
        }
    }

    /// Steps 1 and 2 of `request` at `now`, by the crate's HTTP rules ([`crate::http`]): 0 on
    /// success, else the refusal number; with the full build, [`PENDING`] for a signature the
    /// platform must check.
    pub fn authorize(&mut self, request: &RequestInit, now: f64) -> u32 {
        let parts = Parts::of(request);
        #[cfg(not(feature = "full"))]
        {
            let now = seconds(now);
            let result = self.http.authorize(&self.inner, &parts, now, |token| self.inner.verify(token, now));
            self.keep(result)
        }
        #[cfg(feature = "full")]
        {
            let outcome = self.full.authorize(&self.inner, &self.http, &parts, seconds(now));
            self.finish(outcome)
        }
    }

    /// The `sub` of the last success.
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
#[wasm_bindgen]
impl Verifier {
    /// The job of the last check that answered [`PENDING`].
    #[wasm_bindgen(js_name = takeJob)]
    pub fn take_job(&mut self) -> Option<Job> {
        self.full.job.take()
    }

    /// The outcome of a check that answered [`PENDING`], given the platform's `verdict` on its
    /// job's signature (`undefined`: the platform cannot check that key, and the Wasm does):
    /// 0 (the results then read as after `verify`), or the error number (`invalid_signature`
    /// for a signature that is not valid).
    pub fn settle(&mut self, job: Job, verdict: Option<bool>) -> u32 {
        let result = job.settle(verdict, self.full.key_set(&self.inner));
        self.keep(result)
    }

    /// After a check: [`PENDING`] when its signature waits (the job kept for `takeJob()`), else
    /// the outcome kept.
    fn finish(&mut self, outcome: crate::full::CheckOutcome) -> u32 {
        use taskgate_verify::keyset::signature::Outcome;
        match outcome {
            Outcome::Done(result) => self.keep(result),
            Outcome::Pending(pending) => {
                let set = self.full.key_set(&self.inner);
                let kid = &*pending.job().kid;
                let index = set.and_then(|s| s.keys().iter().position(|k| k.kid() == kid)).unwrap_or(0);
                self.full.job = Some(Job::check(pending, index as u32));
                PENDING
            }
        }
    }
}

impl Verifier {
    /// Keeps a success's results: 0; else the refusal number.
    pub(crate) fn keep(&mut self, result: Result<Claims, Refusal>) -> u32 {
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
}

/// The full build's JWK Set fetched by JavaScript ([`crate::full`] holds its state).
#[cfg(feature = "full")]
#[wasm_bindgen]
impl Verifier {
    /// The URL of the JWK Set JavaScript fetches (`jwksUrl`, or an environment's `JWKS_URL` or
    /// `BETTER_AUTH_URL`), if any: then every check waits for the keys when they are needed.
    #[wasm_bindgen(getter, js_name = jwksUrl)]
    pub fn jwks_url(&self) -> Option<String> {
        self.full.fetched.as_ref().map(|(url, _)| url.clone())
    }

    /// Whether the JWK Set must be fetched before checking `token` at `now` (it is asymmetric,
    /// and the set is missing, old, or lacks its `kid`, by the crate's rules). When `true`, the
    /// fetch counts as started.
    #[wasm_bindgen(js_name = needsKeys)]
    pub fn needs_keys(&mut self, token: &str, now: f64) -> bool {
        self.full.needs_keys(&self.inner, token, seconds(now))
    }

    /// [`Verifier::needs_keys`] for the token `request` offers (by the crate's HTTP rules: the
    /// bearer token, else a cookie this verifier reads).
    #[wasm_bindgen(js_name = needsKeysFor)]
    pub fn needs_keys_for(&mut self, request: &crate::settings::RequestInit, now: f64) -> bool {
        let (authorization, cookie) = (request.authorization(), request.cookie());
        let request = taskgate_verify::host::http::Request {
            authorization: authorization.as_deref(),
            cookie: cookie.as_deref(),
            ..Default::default()
        };
        match taskgate_verify::host::http::credential(&self.http.cookies, &request) {
            Ok(credential) => self.full.needs_keys(&self.inner, &credential.token, seconds(now)),
            Err(_) => false,
        }
    }

    /// A fetched JWK Set (JSON) came at `now`; `false` (and nothing kept) when it is not one.
    #[wasm_bindgen(js_name = keysFetched)]
    pub fn keys_fetched(&mut self, jwks: &str, now: f64) -> bool {
        match (self.full.fetched.as_mut(), taskgate_verify::keyset::jwks::KeySet::parse(jwks)) {
            (Some((_, cache)), Ok((set, _))) => {
                cache.fetched(set, seconds(now));
                true
            }
            _ => false,
        }
    }

    /// Seconds until the JWK Set will be fetched again (for a `keys_unavailable` answer).
    #[wasm_bindgen(js_name = retryAfter)]
    pub fn retry_after(&self, now: f64) -> f64 {
        self.full.fetched.as_ref().map_or(0.0, |(_, c)| c.retry_after(seconds(now)) as f64)
    }
}
