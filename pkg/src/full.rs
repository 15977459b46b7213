//! What the full build's verifier adds (`taskgate-verify/full`): asymmetric tokens from a JWK
//! Set, given inline or fetched by JavaScript when the crate's rules say so (`needsKeys`,
//! `keysFetched`). Every check defers an asymmetric signature to the platform
//! (`taskgate_verify::keyset::signature`); `authorize` is [`crate::http`]'s, with that deferral.

use alloc::string::String;

use taskgate_verify::host::http::Refusal;
use taskgate_verify::host::settings::{self, KeySource};
use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::KeySet;
use taskgate_verify::keyset::signature::{Outcome, deferred};
use taskgate_verify::{Claims, Verifier as Inner};
use wasm_bindgen::prelude::*;

use crate::http::{Http, Parts};
use crate::job::Job;
use crate::numbers::error_number;
use crate::settings::{Settings, settings_problem};

/// What a check came to: final, or waiting for the platform's verdict on its signature.
pub type CheckOutcome = Outcome<Claims, Refusal>;

/// The full build's part of a verifier.
pub struct Full {
    /// For a JWK Set JavaScript fetches: where from, and the set with the crate's rules for
    /// fetching it again.
    pub(crate) fetched: Option<(String, KeyCache)>,
    /// The job of the last check that answered `PENDING`, until `takeJob()`.
    pub job: Option<Job>,
}

impl Full {
    /// The verifier `settings` describe: the keys, the options, where asymmetric tokens' keys
    /// come from (with a key source, no secret is needed). Throws as `Verifier::new` says.
    pub fn new(settings: &Settings) -> Result<(Inner, Full), JsValue> {
        let mut options = settings.options();
        let (set, url) = if settings.has_env() {
            // JWKS, else JWKS_URL, else BETTER_AUTH_URL's; iss and aud are BETTER_AUTH_URL's
            // origin, as Better Auth writes them (the crate's settings rules).
            let var = |name: &str| settings.var(name);
            let source = settings::key_source_from_env(var).map_err(settings_problem)?;
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
        // A deployment that checks only JWK Set tokens needs no shared secret.
        let keys = settings.key_ring(set.is_some() || url.is_some())?;
        let inner = Inner::new(keys, options).map_err(|e| JsValue::from(error_number(e)))?;
        let inner = match (set, &url) {
            (Some(set), _) => inner.with_key_set(set),
            (None, Some(_)) => inner.with_fetched_keys(),
            (None, None) => inner,
        };
        Ok((inner, Full { fetched: url.map(|u| (u, KeyCache::default())), job: None }))
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

    /// Steps 1 and 2 of `parts` at `now` by `http`'s rules, an asymmetric signature deferred.
    pub fn authorize(&self, inner: &Inner, http: &Http, parts: &Parts, now: u64) -> CheckOutcome {
        let set = self.key_set(inner);
        deferred(|check| {
            http.authorize(inner, parts, now, |token| {
                inner.verify_checking(token, now, set, |k, m, s| check.check(k, m, s))
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
