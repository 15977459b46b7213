//! The isolate's JWK Set of asymmetric tokens, fetched from `JWKS_URL` (or Better Auth's
//! `/api/auth/jwks`) by [`crate::jwks_fetch`]: kept per isolate by the crate's rules
//! ([`KeyCache`]: first need, 10 minutes from its fetch at the source, an unknown `kid` at most
//! once per 30 s at the source), and one fetch shared by every request that waits for it.
//!
//! A cold isolate (no set under 10 minutes old) takes another isolate's copy from the Cache API
//! first, with the time it was fetched at the source; the copy never arms the 30 s interval, so
//! a `kid` it lacks is looked up at the source at once. See docs/key-path.md.

use std::cell::RefCell;
use std::time::Duration;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::KeySet;

use worker::Delay;

use crate::jwks_fetch;

thread_local! {
    /// The isolate's set and its fetch times.
    static CACHE: RefCell<KeyCache> = RefCell::new(KeyCache::default());
    /// The fetch in progress, polled by the request that started it alone; the others wait for
    /// it to end. Its I/O is one JavaScript function ([`jwks_fetch`]), so no Rust poll from
    /// another request's task ever touches the response's stream (workerd would refuse).
    static FETCH: RefCell<Option<Shared<LocalBoxFuture<'static, ()>>>> = const { RefCell::new(None) };
}

/// Makes sure the set is fresh enough for a token naming `kid`, in hand since `now`, fetching it
/// from `url` when the rules say so (one fetch at a time, however many requests wait).
pub async fn refresh(url: &str, kid: Option<&str>, now: u64) {
    // At most: wait for a fetch in progress (a copy, say), then one of our own at the source.
    for _ in 0..3 {
        // A fetch in progress: wait for it (it may bring the key), then plan again.
        if let Some(in_progress) = FETCH.with(|f| f.borrow().clone()) {
            // Polled, not awaited: the fetch's I/O belongs to the request that started it, and
            // workerd cancels a request that waits on nothing of its own as hung. Each tick is
            // a timer of this request's, left to fire (a dropped one would fire into nothing).
            while in_progress.peek().is_none() {
                Delay::from(Duration::from_millis(10)).await;
            }
            continue;
        }
        if CACHE.with(|c| c.borrow().plan(kid, now)) != Plan::Fetch {
            return;
        }
        let shared = fetch(url.to_owned(), kid.map(str::to_owned), now).boxed_local().shared();
        FETCH.with(|f| *f.borrow_mut() = Some(shared.clone()));
        shared.await;
    }
}

/// One fetch: another isolate's copy when this one holds no set under 10 minutes old, then the
/// source when the rules still say so (a copy lacking `kid`, or none to be had).
async fn fetch(url: String, kid: Option<String>, now: u64) {
    let cold = CACHE.with(|c| c.borrow().set_for(None, now).is_none());
    if cold && let Some((set, fetched_at)) = jwks_fetch::copy(&url, now).await {
        CACHE.with(|c| c.borrow_mut().copied(set, fetched_at, now));
    }
    if CACHE.with(|c| c.borrow().plan(kid.as_deref(), now)) == Plan::Fetch {
        CACHE.with(|c| c.borrow_mut().fetching_for(kid.as_deref(), now));
        if let Some((set, text)) = jwks_fetch::source(&url).await
            && CACHE.with(|c| c.borrow_mut().fetched(set, now))
        {
            jwks_fetch::share(&url, &text, now, now).await;
        }
    }
    // Done: the next need starts a new fetch (the waiters hold their own handles).
    FETCH.with(|f| f.borrow_mut().take());
}

/// Runs `f` with the set to check a token naming `kid`, in hand since `now`, against (`None`:
/// `keys_unavailable`: none under 10 minutes old, or it lacks `kid` while a refetch is held back).
pub fn with_set<T>(kid: Option<&str>, now: u64, f: impl FnOnce(Option<&KeySet>) -> T) -> T {
    CACHE.with(|c| f(c.borrow().set_for(kid, now)))
}

/// For a `keys_unavailable` answer: seconds until a fetch will be tried again.
pub fn retry_after(now: u64) -> u64 {
    CACHE.with(|c| c.borrow().retry_after(now))
}
