//! A fetched JWK Set and when it was fetched: the rules of the contract's section 3.2 for keeping
//! it fresh (first need, 10 minutes, a new `kid` at most every 30 s). The host does the fetching.

use super::jwks::{KeySet, MAX_AGE_SECONDS, REFETCH_INTERVAL_SECONDS};

/// What to do before checking a token against a cached set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Check it against the set held (or answer `keys_unavailable` when there is none).
    Use,
    /// Fetch the set first ([`KeyCache::fetching`], then [`KeyCache::fetched`] when it comes).
    Fetch,
}

/// A fetched set and when: the rules of section 3.2 for keeping it fresh. One per host
/// (a Worker isolate, a JavaScript verifier); the host does the fetching and shares one
/// fetch between concurrent requests.
#[derive(Clone, Debug, Default)]
pub struct KeyCache {
    set: Option<KeySet>,
    fetched_at: u64,
    last_attempt: Option<u64>,
}

impl KeyCache {
    /// A cache holding a set given inline (never fetched again).
    pub fn inline(set: KeySet) -> Self {
        Self { set: Some(set), fetched_at: u64::MAX, last_attempt: None }
    }

    /// Whether to fetch before checking a token naming `kid` at `now`: on first need, when the
    /// set is 10 minutes old, or when `kid` is not in it; but never twice within 30 s.
    pub fn plan(&self, kid: Option<&str>, now: u64) -> Plan {
        if self.fetched_at == u64::MAX {
            return Plan::Use;
        }
        let recently = self.last_attempt.is_some_and(|t| now.saturating_sub(t) < REFETCH_INTERVAL_SECONDS);
        let stale = match &self.set {
            None => true,
            Some(set) => {
                now.saturating_sub(self.fetched_at) >= MAX_AGE_SECONDS || kid.is_some_and(|k| set.get(k).is_none())
            }
        };
        if stale && !recently { Plan::Fetch } else { Plan::Use }
    }

    /// A fetch starts at `now`.
    pub fn fetching(&mut self, now: u64) {
        self.last_attempt = Some(now);
    }

    /// A fetch at `now` brought `set`.
    pub fn fetched(&mut self, set: KeySet, now: u64) {
        self.set = Some(set);
        self.fetched_at = now;
    }

    /// The set held (possibly stale when a refetch failed: it is used until one succeeds).
    pub fn set(&self) -> Option<&KeySet> {
        self.set.as_ref()
    }

    /// For a `keys_unavailable` answer: seconds until a fetch will be tried again.
    pub fn retry_after(&self, now: u64) -> u64 {
        let since = self.last_attempt.map_or(REFETCH_INTERVAL_SECONDS, |t| now.saturating_sub(t));
        REFETCH_INTERVAL_SECONDS.saturating_sub(since).max(1)
    }
}
