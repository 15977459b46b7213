//! The JWK Set of asymmetric tokens, fetched from `JWKS_URL` (or Better Auth's
//! `/api/auth/jwks`): kept per isolate by the crate's rules ([`KeyCache`]: first need, 10
//! minutes, an unknown `kid` at most once per 30 s), one fetch shared by every request that
//! waits for it, a 5 s timeout, and the Cache API so that a new isolate starts warm.

use std::cell::RefCell;
use std::time::Duration;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared, select};
use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::{FETCH_TIMEOUT_SECONDS, KeySet, MAX_AGE_SECONDS, MAX_SET_BYTES};
use worker::{AbortController, Cache, Delay, Fetch, Headers, Method, Request, RequestInit, Response};

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
        fetch(url, warm, now).await;
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

/// Fetches the set (from the Cache API first when this isolate has none yet) and keeps it.
/// Failures are logged by kind, never with the response body.
async fn fetch(url: String, warm: bool, now: u64) {
    let text = match (warm, cached(&url).await) {
        (true, Some(text)) => Some(text),
        _ => match network(&url).await {
            Ok(text) => {
                remember(&url, &text).await;
                Some(text)
            }
            Err(kind) => {
                log("fetch_failed", kind, 0);
                None
            }
        },
    };
    let Some(text) = text else { return };
    match KeySet::parse(&text) {
        Ok((set, skipped)) => {
            log("fetched", "ok", skipped.len());
            for s in &skipped {
                worker::console_warn!(
                    "{}",
                    serde_json::json!({ "level": "warn", "event": "jwks", "skipped": s.index, "reason": s.reason.as_str() })
                );
            }
            CACHE.with(|c| c.borrow_mut().fetched(set, now));
        }
        Err(_) => log("fetch_failed", "not_a_jwk_set", 0),
    }
}

fn log(event: &str, kind: &str, skipped: usize) {
    worker::console_log!(
        "{}",
        serde_json::json!({ "event": "jwks", "result": event, "kind": kind, "skipped": skipped })
    );
}

/// GET `url` within 5 s: the body, or the kind of failure.
async fn network(url: &str) -> Result<String, &'static str> {
    let controller = AbortController::default();
    let signal = controller.signal();
    let init = RequestInit { method: Method::Get, ..RequestInit::default() };
    let request = Request::new_with_init(url, &init).map_err(|_| "bad_url")?;
    let send = async move { Fetch::Request(request).send_with_signal(&signal).await }.boxed_local();
    let timeout = Delay::from(Duration::from_secs(FETCH_TIMEOUT_SECONDS)).boxed_local();
    let mut response = match select(send, timeout).await {
        futures_util::future::Either::Left((response, _)) => response.map_err(|_| "unreachable")?,
        futures_util::future::Either::Right(_) => {
            controller.abort();
            return Err("timeout");
        }
    };
    if response.status_code() != 200 {
        return Err("status");
    }
    let bytes = response.bytes().await.map_err(|_| "body")?;
    if bytes.len() > MAX_SET_BYTES {
        return Err("too_large");
    }
    String::from_utf8(bytes).map_err(|_| "not_utf8")
}

/// The set cached by another isolate, if the Cache API still holds it (10 minutes).
async fn cached(url: &str) -> Option<String> {
    let mut response = Cache::default().get(url, true).await.ok().flatten()?;
    response.text().await.ok()
}

/// Keeps the set in the Cache API for 10 minutes (best effort).
async fn remember(url: &str, text: &str) {
    let headers = Headers::new();
    let _ = headers.set("Cache-Control", &format!("max-age={MAX_AGE_SECONDS}"));
    let _ = headers.set("Content-Type", "application/json");
    if let Ok(response) = Response::ok(text).map(|r| r.with_headers(headers)) {
        let _ = Cache::default().put(url, response).await;
    }
}
