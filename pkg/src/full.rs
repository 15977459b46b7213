//! What the full build's verifier adds (`taskgate-verify/full`): the crate's HTTP rules
//! (`authorize`: bearer or cookie, the Origin rule, the path's user), Better Auth's session
//! cookie cache, and asymmetric tokens from a JWK Set, given inline or fetched by JavaScript
//! when the crate's rules say so (`needsKeys`, `keysFetched`). Every check defers an asymmetric
//! signature to the platform (`taskgate_verify::keyset::signature`).

use alloc::string::String;

use taskgate_verify::host::cookie::{CookiePolicy, DEFAULT_COOKIE_PREFIX};
use taskgate_verify::host::http::{self, Refusal};
use taskgate_verify::host::settings::{self, KeySource};
use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::KeySet;
use taskgate_verify::keyset::signature::{Outcome, deferred};
use taskgate_verify::{Claims, KeyRing, Verifier as Inner};
use wasm_bindgen::prelude::*;

use crate::job::Job;
use crate::numbers::error_number;
use crate::settings::{RequestInit, Settings};

/// What a check came to: final, or waiting for the platform's verdict on its signature.
pub type CheckOutcome = Outcome<Claims, Refusal>;

/// The full build's part of a verifier.
pub struct Full {
    /// Which cookies `authorize` reads, and the Origin rule for the changes they authenticate.
    pub(crate) cookies: CookiePolicy,
    /// For a JWK Set JavaScript fetches: where from, and the set with the crate's rules for
    /// fetching it again.
    pub(crate) fetched: Option<(String, KeyCache)>,
    /// The job of the last check that answered `PENDING`, until `takeJob()`.
    pub job: Option<Job>,
}

impl Full {
    /// The verifier `settings` describe: the keys, the options, where asymmetric tokens' keys
    /// come from, and the cookie policy. Throws the error number, or for a key source that
    /// cannot be used (`invalid_config`), why, as a sentence naming the setting.
    pub fn new(keys: KeyRing, settings: &Settings) -> Result<(Inner, Full), JsValue> {
        let mut options = settings.options();
        let (set, url) = if settings.has_env() {
            // JWKS, else JWKS_URL, else BETTER_AUTH_URL's; iss and aud are BETTER_AUTH_URL's
            // origin, as Better Auth writes them (the crate's settings rules).
            let var = |name: &str| settings.var(name);
            let source =
                settings::key_source_from_env(var).map_err(|e| JsValue::from(key_source_problem(e.variable())))?;
            let base = settings::present(var(settings::BETTER_AUTH_URL)).and_then(|u| settings::origin(u.trim()));
            options.jwks_audience.clone_from(&base);
            options.jwks_issuer = base;
            match source {
                Some(KeySource::Inline(set)) => (Some(set), None),
                Some(KeySource::Url(url)) => (None, Some(url)),
                None => (None, None),
            }
        } else {
            options.jwks_issuer = settings.jwks_issuer();
            options.jwks_audience = settings.jwks_audience();
            match settings.jwks() {
                Some(json) => {
                    (Some(KeySet::parse(&json).map_err(|_| JsValue::from("keys.jwks is not a JWK Set"))?.0), None)
                }
                None => (None, settings.jwks_url()),
            }
        };
        let accepts_session_cache = options.accept_session_cache;
        let inner = Inner::new(keys, options).map_err(|e| JsValue::from(error_number(e)))?;
        let inner = match (set, &url) {
            (Some(set), _) => inner.with_key_set(set),
            (None, Some(_)) => inner.with_fetched_keys(),
            (None, None) => inner,
        };
        let prefix = settings.cookie_prefix().unwrap_or_else(|| DEFAULT_COOKIE_PREFIX.into());
        let cookies = CookiePolicy {
            session_cache_prefix: accepts_session_cache.then_some(prefix),
            token_cookie: settings.token_cookie(),
            allowed_origins: settings::origins(settings.allowed_origins().as_deref()),
        };
        Ok((inner, Full { cookies, fetched: url.map(|u| (u, KeyCache::default())), job: None }))
    }

    /// The key set asymmetric tokens are checked against now: the fetched one, or the one given.
    pub fn key_set<'a>(&'a self, inner: &'a Inner) -> Option<&'a KeySet> {
        match &self.fetched {
            Some((_, cache)) => cache.set(),
            None => inner.key_set(),
        }
    }

    /// Verifies `token` at `now`, an asymmetric signature deferred.
    pub fn verify(&self, inner: &Inner, token: &str, now: u64) -> CheckOutcome {
        let set = self.key_set(inner);
        deferred(|check| inner.verify_checking(token, now, set, |k, m, s| check.check(k, m, s)).map_err(Refusal::Token))
    }

    /// Steps 1 and 2 of `request` at `now`: the bearer token of `authorization`, else a token
    /// from `cookie` by this cookie policy, the Origin rule for a change a cookie authenticates,
    /// and the user `pathUser` when given; an asymmetric signature deferred.
    pub fn authorize(&self, inner: &Inner, request: &RequestInit, now: u64) -> CheckOutcome {
        let (authorization, cookie, method) = (request.authorization(), request.cookie(), request.method());
        let (origin, own_origin, path_user) = (request.origin(), request.own_origin(), request.path_user());
        let request = http::Request {
            authorization: authorization.as_deref(),
            cookie: cookie.as_deref(),
            method: method.as_deref().unwrap_or("GET"),
            origin: origin.as_deref(),
            own_origin: own_origin.as_deref(),
        };
        let set = self.key_set(inner);
        deferred(|check| {
            http::credential(&self.cookies, &request).and_then(|credential| {
                let verify = |token: &str| inner.verify_checking(token, now, set, |k, m, s| check.check(k, m, s));
                http::authorize_with(&credential, verify, &self.cookies, &request, path_user.as_deref())
            })
        })
    }

    /// Whether the JWK Set must be fetched before checking `token` at `now`; when so, the
    /// fetch counts as started.
    pub(crate) fn needs_keys(&mut self, inner: &Inner, token: &str, now: u64) -> bool {
        let (Some((_, cache)), Ok((alg, kid))) = (self.fetched.as_mut(), inner.peek(token)) else { return false };
        let fetch = alg.is_asymmetric() && cache.plan(kid.as_deref(), now) == Plan::Fetch;
        if fetch {
            cache.fetching(now);
        }
        fetch
    }
}

/// Why the key source an environment's `variable` describes cannot be used: a sentence built
/// without the formatting machinery (the crate's own sentence would add about 6 KB gzip).
fn key_source_problem(variable: &str) -> String {
    match variable {
        settings::JWKS => "JWKS is not a JWK Set".into(),
        url => [url, " is not an https: URL (http: only for a loopback host)"].concat(),
    }
}
