//! Getting a JWK Set: a GET at the source bounded as a whole (headers and body) by 5 s, redirects
//! not followed, the body read at most to 64 KiB + 1 byte; the crate's parser; and the Cache API,
//! where a set is shared with other isolates along with the time it was fetched at the source,
//! only when it parsed with at least one usable key. Failures are logged by kind, never with the
//! response body. What is kept, and when to fetch, is [`crate::key_set`]'s.

use taskgate_verify::keyset::jwks::{FETCH_TIMEOUT_SECONDS, KeySet, MAX_AGE_SECONDS, MAX_SET_BYTES};
use worker::js_sys;
use worker::wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Cache, Headers, Response};

/// The header of a Cache API copy that carries when its set was fetched at the source (seconds).
pub const FETCHED_AT_HEADER: &str = "X-TaskGate-Fetched-At";

/// The set at `url`, from the source, with its text (to share): `None` when it could not be had
/// within 5 s, or is not a JWK Set with at least one usable key.
pub async fn source(url: &str) -> Option<(KeySet, String)> {
    let text = match network(url).await {
        Ok(text) => text,
        Err(kind) => {
            log("fetch_failed", kind, 0);
            return None;
        }
    };
    let set = parse(&text)?;
    Some((set, text))
}

/// Another isolate's copy of the set at `url` and when it was fetched at the source, if the
/// Cache API holds one under 10 minutes old at `now` (an entry without that time, or too old,
/// or not a usable set, is dropped).
pub async fn copy(url: &str, now: u64) -> Option<(KeySet, u64)> {
    let cache = Cache::default();
    let mut response = cache.get(url, true).await.ok().flatten()?;
    let fetched_at = response.headers().get(FETCHED_AT_HEADER).ok().flatten().and_then(|v| v.parse::<u64>().ok());
    let text = response.text().await.ok();
    let usable = match (fetched_at, text) {
        (Some(at), Some(text)) if now.saturating_sub(at) < MAX_AGE_SECONDS => parse(&text).map(|set| (set, at)),
        _ => None,
    };
    if usable.is_none() {
        let _ = cache.delete(url, true).await;
    }
    usable
}

/// Shares a set fetched at the source at `fetched_at` (its text, which parsed with a usable key)
/// through the Cache API, for what remains of its 10 minutes at `now` (best effort).
pub async fn share(url: &str, text: &str, fetched_at: u64, now: u64) {
    let left = MAX_AGE_SECONDS.saturating_sub(now.saturating_sub(fetched_at));
    if left == 0 {
        return;
    }
    let headers = Headers::new();
    let _ = headers.set("Cache-Control", &format!("max-age={left}"));
    let _ = headers.set("Content-Type", "application/json");
    let _ = headers.set(FETCHED_AT_HEADER, &fetched_at.to_string());
    if let Ok(response) = Response::ok(text).map(|r| r.with_headers(headers)) {
        let _ = Cache::default().put(url, response).await;
    }
}

/// The crate's parser, logging skipped keys: `None` when it is not a JWK Set or has no usable key.
fn parse(text: &str) -> Option<KeySet> {
    match KeySet::parse(text) {
        Ok((set, skipped)) => {
            for s in &skipped {
                worker::console_warn!(
                    "{}",
                    serde_json::json!({ "level": "warn", "event": "jwks", "skipped": s.index, "reason": s.reason.as_str() })
                );
            }
            if set.keys().is_empty() {
                log("fetch_failed", "no_usable_key", skipped.len());
                return None;
            }
            log("fetched", "ok", skipped.len());
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

/// GET `url`, headers and body within 5 s, no redirect followed, the body read at most to
/// 64 KiB + 1 byte: the body, or the kind of failure. The whole fetch is one JavaScript function
/// ([`fetch_capped`]): its I/O stays in the request context that started it, whichever request's
/// task a shared Rust future is polled from (workerd refuses a body read from another).
async fn network(url: &str) -> Result<String, &'static str> {
    let limit = MAX_SET_BYTES as f64;
    let timeout = (FETCH_TIMEOUT_SECONDS * 1000) as f64;
    let result = JsFuture::from(fetch_capped(url, limit, timeout)).await.map_err(|_| "unreachable")?;
    if let Some(kind) = result.as_string() {
        return Err(match kind.as_str() {
            "timeout" => "timeout",
            "redirect" => "redirect",
            "status" => "status",
            "too_large" => "too_large",
            "bad_url" => "bad_url",
            _ => "unreachable",
        });
    }
    String::from_utf8(js_sys::Uint8Array::new(&result).to_vec()).map_err(|_| "not_utf8")
}

#[wasm_bindgen(wasm_bindgen = worker::wasm_bindgen, inline_js = r#"
export async function fetchCapped(url, limit, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response;
    try {
      response = await fetch(url, { method: 'GET', redirect: 'manual', signal: controller.signal });
    } catch {
      return controller.signal.aborted ? 'timeout' : 'unreachable';
    }
    if (response.status !== 200 || !response.body) {
      controller.abort();
      return response.status >= 300 && response.status < 400 ? 'redirect' : 'status';
    }
    const reader = response.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch {
        return controller.signal.aborted ? 'timeout' : 'unreachable';
      }
      if (step.done) break;
      size += step.value.byteLength;
      if (size > limit) {
        controller.abort();
        reader.cancel().catch(() => {});
        return 'too_large';
      }
      chunks.push(step.value);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}
"#)]
extern "C" {
    /// GET `url` with no redirect followed, aborted after `timeout_ms` (headers and body alike),
    /// the body read at most to `limit` + 1 bytes: the body (`Uint8Array`), or the kind of failure
    /// (`"timeout"`, `"redirect"`, `"status"`, `"too_large"`, `"unreachable"`).
    #[wasm_bindgen(js_name = fetchCapped)]
    fn fetch_capped(url: &str, limit: f64, timeout_ms: f64) -> js_sys::Promise;
}
