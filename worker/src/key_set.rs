//! The isolate's JWK Set of asymmetric tokens, fetched from `JWKS_URL` (or Better Auth's
//! `/api/auth/jwks`) by [`crate::jwks_fetch`]: kept per isolate by the crate's rules
//! ([`KeyCache`]: first need, 10 minutes, an unknown `kid` at most once per 30 s), and one fetch
//! shared by every request that waits for it.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::KeySet;

use crate::jwks_fetch;

thread_local! {
    /// The isolate's set and its fetch times.
    static CACHE: RefCell<KeyCache> = RefCell::new(KeyCache::default());
    /// The fetch in progress, shared by every request that needs it.
    static FETCH: RefCell<Option<Shared<LocalBoxFuture<'static, ()>>>> = const { RefCell::new(None) };
}

/// Makes sure the set is fresh enough for a token naming `kid` at `now`, fetching it from
/// `url` when the rules say so (one fetch at a time, however many requests wait).
pub async fn refresh(url: &str, kid: Option<&str>, now: u64) {
    // A fetch in progress: wait for it (it may bring the key).
    if let Some(in_progress) = FETCH.with(|f| f.borrow().clone()) {
        return in_progress.await;
    }
    if CACHE.with(|c| c.borrow().plan(kid, now)) == Plan::Use {
        return;
    }
    CACHE.with(|c| c.borrow_mut().fetching(now));
    let warm = CACHE.with(|c| c.borrow().set().is_none());
    let url = url.to_owned();
    let shared = async move {
        if let Some(set) = jwks_fetch::fetch(&url, warm).await {
            CACHE.with(|c| c.borrow_mut().fetched(set, now));
        }
        // Done: the next need starts a new fetch (the waiters hold their own handles).
        FETCH.with(|f| f.borrow_mut().take());
    }
    .boxed_local()
    .shared();
    FETCH.with(|f| *f.borrow_mut() = Some(shared.clone()));
    shared.await
}

/// Runs `f` with the set held (`None`: none could be had).
pub fn with_set<T>(f: impl FnOnce(Option<&KeySet>) -> T) -> T {
    CACHE.with(|c| f(c.borrow().set()))
}

/// For a `keys_unavailable` answer: seconds until a fetch will be tried again.
pub fn retry_after(now: u64) -> u64 {
    CACHE.with(|c| c.borrow().retry_after(now))
}
