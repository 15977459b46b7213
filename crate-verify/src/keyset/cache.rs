//! A fetched JWK Set and when it was fetched at its source: the rules of the contract's section
//! 3.2 for keeping it fresh (first need, 10 minutes, a new `kid` at most every 30 s) and for
//! answering a token whose `kid` the set lacks. The host does the fetching.
//!
//! The rules, for every host (the Worker, the JavaScript package):
//! - A set is never used past [`MAX_AGE_SECONDS`] from its fetch *at the source*, wherever it
//!   was copied from (a copy, such as the Worker's Cache API entry, carries that time:
//!   [`KeyCache::copied`]).
//! - Only an attempt at the source ([`KeyCache::fetching`]) arms the
//!   [`REFETCH_INTERVAL_SECONDS`] interval; taking a copy never does, so a `kid` that a copied
//!   set lacks is looked up at the source at once.
//! - Only a set with at least one usable key is kept.
//! - A `kid` the set lacks while a refetch is held back by the interval is
//!   [`Plan::KeysUnavailable`] (503 with `Retry-After`: the key may be new), and
//!   [`Plan::UnknownKey`] only after a fetch at the source, started once a token naming it was
//!   in hand ([`KeyCache::fetching_for`] that `kid`, or in a later second), did not bring it.
//!
//! Where the verifier's `unknown_key` becomes `keys_unavailable`: in the host, through the set it
//! hands the verifier. [`KeyCache::set_for`] gives `None` when the plan is
//! [`Plan::KeysUnavailable`], and the verifier then answers `keys_unavailable` at the very step
//! where it would have said `unknown_key`; the verifier itself never sees the cache.

use alloc::boxed::Box;

use super::jwks::{KeySet, MAX_AGE_SECONDS, REFETCH_INTERVAL_SECONDS};

/// What to do about a token naming a `kid`, by the state of the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Check it against the set held ([`KeyCache::set_for`]).
    Use,
    /// Fetch the set first ([`KeyCache::fetching`], then [`KeyCache::fetched`] when it comes;
    /// or a copy first: [`KeyCache::copied`], then plan again).
    Fetch,
    /// The set was fetched at the source after the token was in hand and lacks its `kid`:
    /// `unknown_key` (the verifier says so, checking against [`KeyCache::set_for`]'s set).
    UnknownKey,
    /// No set fresh enough, or a `kid` it lacks while a refetch is held back by the 30 s
    /// interval: 503 `keys_unavailable` with [`KeyCache::retry_after`] ([`KeyCache::set_for`]
    /// gives `None`).
    KeysUnavailable,
}

/// A fetched set and when: the rules of section 3.2 for keeping it fresh. One per host
/// (a Worker isolate, a JavaScript verifier); the host does the fetching and shares one
/// fetch between concurrent requests.
#[derive(Clone, Debug, Default)]
pub struct KeyCache {
    set: Option<KeySet>,
    /// Given inline: never fetched, never old.
    inline: bool,
    /// When the set held was fetched at its source.
    fetched_at: u64,
    /// Whether this host fetched it at the source itself (else it is a copy).
    from_source: bool,
    /// The last attempt at the source (the 30 s interval).
    last_attempt: Option<u64>,
    /// The `kid` whose token started the attempt in progress at the source, if any.
    asking: Option<Box<str>>,
    /// The `kid` whose token started the fetch at the source that brought the set held: the
    /// fetch started once a token naming it was in hand.
    answered: Option<Box<str>>,
}

impl KeyCache {
    /// A cache holding a set given inline (never fetched again).
    pub fn inline(set: KeySet) -> Self {
        Self {
            set: Some(set),
            inline: true,
            fetched_at: 0,
            from_source: true,
            last_attempt: None,
            asking: None,
            answered: None,
        }
    }

    /// What to do about a token naming `kid`, in hand since `now` (the time its request came):
    /// fetch on first need, when the set is 10 minutes old (from its fetch at the source), or
    /// when `kid` is not in it, but never at the source twice within 30 s; see [`Plan`].
    pub fn plan(&self, kid: Option<&str>, now: u64) -> Plan {
        if self.inline {
            return Plan::Use;
        }
        let recently = self.last_attempt.is_some_and(|t| now.saturating_sub(t) < REFETCH_INTERVAL_SECONDS);
        let Some(set) = self.fresh_set(now) else {
            return if recently { Plan::KeysUnavailable } else { Plan::Fetch };
        };
        match kid {
            Some(kid) if set.get(kid).is_none() => {
                if !recently {
                    Plan::Fetch
                } else if self.from_source && (self.answered.as_deref() == Some(kid) || self.fetched_at > now) {
                    // Fetched at the source once a token naming it was in hand (that fetch was
                    // started for it, or in a later second), without its key.
                    Plan::UnknownKey
                } else {
                    Plan::KeysUnavailable
                }
            }
            // A token without a kid is the verifier's `unknown_key` whatever the set.
            _ => Plan::Use,
        }
    }

    /// An attempt at the source starts at `now` (this arms the 30 s interval).
    pub fn fetching(&mut self, now: u64) {
        self.fetching_for(None, now);
    }

    /// An attempt at the source starts at `now` for a token naming `kid` (this arms the 30 s
    /// interval). Should it bring a set without `kid`, tokens naming `kid` are `unknown_key`
    /// (the key was not there after such a token existed); any other missing kid stays
    /// `keys_unavailable` until a fetch for it, or in a later second, shows it missing.
    pub fn fetching_for(&mut self, kid: Option<&str>, now: u64) {
        self.last_attempt = Some(now);
        self.asking = kid.map(Box::from);
    }

    /// A fetch at the source started at `now` brought `set`. A set without a usable key is not
    /// kept (`false`).
    pub fn fetched(&mut self, set: KeySet, now: u64) -> bool {
        let asked = self.asking.take();
        let kept = self.keep(set, now, true);
        if kept {
            self.answered = asked;
        }
        kept
    }

    /// A copy of a set fetched at the source at `fetched_at` (another isolate's, through the
    /// Cache API). Kept only when it has a usable key, is under 10 minutes old at `now`, and
    /// is newer than the set held (`false` otherwise). It never arms the 30 s interval.
    pub fn copied(&mut self, set: KeySet, fetched_at: u64, now: u64) -> bool {
        let fresh = now.saturating_sub(fetched_at) < MAX_AGE_SECONDS;
        let newer = self.set.is_none() || fetched_at > self.fetched_at;
        let kept = fresh && newer && self.keep(set, fetched_at, false);
        if kept {
            self.answered = None;
        }
        kept
    }

    /// [`KeyCache::fetched`] or [`KeyCache::copied`], by `from_source`.
    pub fn fetched_from(&mut self, set: KeySet, fetched_at: u64, from_source: bool, now: u64) -> bool {
        if from_source { self.fetched(set, fetched_at) } else { self.copied(set, fetched_at, now) }
    }

    fn keep(&mut self, set: KeySet, fetched_at: u64, from_source: bool) -> bool {
        if set.keys().is_empty() || self.inline {
            return false;
        }
        self.set = Some(set);
        self.fetched_at = fetched_at;
        self.from_source = from_source;
        true
    }

    /// The set held, whatever its age (for reporting; check tokens against
    /// [`KeyCache::set_for`]).
    pub fn set(&self) -> Option<&KeySet> {
        self.set.as_ref()
    }

    /// When the set held was fetched at its source (`None`: none held, or given inline).
    pub fn fetched_at(&self) -> Option<u64> {
        (self.set.is_some() && !self.inline).then_some(self.fetched_at)
    }

    /// The set to check a token naming `kid`, in hand since `now`, against: `None` (the
    /// verifier's `keys_unavailable`) when there is none under 10 minutes old, or when it lacks
    /// `kid` while a refetch is held back ([`Plan::KeysUnavailable`]).
    pub fn set_for(&self, kid: Option<&str>, now: u64) -> Option<&KeySet> {
        match self.plan(kid, now) {
            Plan::KeysUnavailable => None,
            _ => self.fresh_set(now),
        }
    }

    /// The set held, if under 10 minutes old at `now` (from its fetch at the source).
    fn fresh_set(&self, now: u64) -> Option<&KeySet> {
        let fresh = self.inline || now.saturating_sub(self.fetched_at) < MAX_AGE_SECONDS;
        self.set.as_ref().filter(|_| fresh)
    }

    /// For a `keys_unavailable` answer: seconds until a fetch will be tried again.
    pub fn retry_after(&self, now: u64) -> u64 {
        let since = self.last_attempt.map_or(REFETCH_INTERVAL_SECONDS, |t| now.saturating_sub(t));
        REFETCH_INTERVAL_SECONDS.saturating_sub(since).max(1)
    }
}
