//! Getting a JWK Set: a GET within 5 s and the crate's size limit, the Cache API so that a new
//! isolate starts warm, and the crate's parser. Failures are logged by kind, never with the
//! response body. What is kept, and when to fetch, is [`crate::key_set`]'s.

use std::time::Duration;

use futures_util::future::{Either, FutureExt, select};
use taskgate_verify::keyset::jwks::{FETCH_TIMEOUT_SECONDS, KeySet, MAX_AGE_SECONDS, MAX_SET_BYTES};
use worker::{AbortController, Cache, Delay, Fetch, Headers, Method, Request, RequestInit, Response};

/// The set at `url`: from the Cache API first when this isolate has none yet (`warm`), else
/// from the network (and then kept in the Cache API). `None`: it could not be had.
pub async fn fetch(url: &str, warm: bool) -> Option<KeySet> {
    let text = match (warm, cached(url).await) {
        (true, Some(text)) => Some(text),
        _ => match network(url).await {
            Ok(text) => {
                remember(url, &text).await;
                Some(text)
            }
            Err(kind) => {
                log("fetch_failed", kind, 0);
                None
            }
        },
    };
    let text = text?;
    match KeySet::parse(&text) {
        Ok((set, skipped)) => {
            log("fetched", "ok", skipped.len());
            for s in &skipped {
                worker::console_warn!(
                    "{}",
                    serde_json::json!({ "level": "warn", "event": "jwks", "skipped": s.index, "reason": s.reason.as_str() })
                );
            }
            Some(set)
        }
        Err(_) => {
            log("fetch_failed", "not_a_jwk_set", 0);
            None
        }
    }
}

/// One log line about a fetch: its result, the kind of failure, and how many keys were skipped.
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
        Either::Left((response, _)) => response.map_err(|_| "unreachable")?,
        Either::Right(_) => {
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
