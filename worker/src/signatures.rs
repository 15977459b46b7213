//! Asymmetric signatures (EdDSA, ES256, ES512, RS256, PS256) checked by workerd's Web Crypto
//! API, measured several times faster there than the same math compiled to Wasm (bench/,
//! "Where the signature math runs"). The crate still applies every rule and chooses the key
//! (validated on RustCrypto when the set was read); this only answers a [`SignatureJob`], in
//! the crate's two passes ([`taskgate_verify::signature`]). A key workerd cannot import is
//! left to the Wasm.

use std::cell::RefCell;

use taskgate_verify::signature::SignatureJob;
use worker::js_sys::{self, JSON, Object};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{CryptoKey, SubtleCrypto, WorkerGlobalScope};

/// CryptoKeys of this isolate, by the key's algorithm and public JWK (at most this many).
const MAX_KEYS: usize = 64;

thread_local! {
    /// Imported keys (`None`: workerd cannot import it).
    static KEYS: RefCell<Vec<(String, Option<CryptoKey>)>> = const { RefCell::new(Vec::new()) };
}

/// WebCrypto's verdict on `job`: `Some(valid)`, or `None` when workerd cannot check it.
pub async fn verdict(job: &SignatureJob) -> Option<bool> {
    let (import_params, verify_params) = job.alg.web_crypto()?;
    let subtle = subtle()?;
    let key = key(&subtle, import_params, &job.public_jwk).await?;
    let params: Object = JSON::parse(verify_params).ok()?.unchecked_into();
    let promise =
        subtle.verify_with_object_and_u8_array_and_u8_array(&params, &key, &job.signature, &job.message).ok()?;
    // A rejected promise (a malformed signature for the algorithm) is an invalid signature.
    Some(JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false))
}

fn subtle() -> Option<SubtleCrypto> {
    let global: WorkerGlobalScope = js_sys::global().unchecked_into();
    global.crypto().ok().map(|c| c.subtle())
}

/// The CryptoKey for `jwk` with `params`, imported once per isolate.
async fn key(subtle: &SubtleCrypto, params: &str, jwk: &str) -> Option<CryptoKey> {
    let id = [params, jwk].concat();
    if let Some(found) = KEYS.with(|k| k.borrow().iter().find(|(i, _)| *i == id).map(|(_, key)| key.clone())) {
        return found;
    }
    let key = import(subtle, params, jwk).await;
    KEYS.with(|k| {
        let mut keys = k.borrow_mut();
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.push((id, key.clone()));
    });
    key
}

async fn import(subtle: &SubtleCrypto, params: &str, jwk: &str) -> Option<CryptoKey> {
    let object = |text: &str| JSON::parse(text).ok().map(JsCast::unchecked_into::<Object>);
    let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
    let promise = subtle.import_key_with_object("jwk", &object(jwk)?, &object(params)?, false, &usages).ok()?;
    JsFuture::from(promise).await.ok().map(JsCast::unchecked_into)
}
