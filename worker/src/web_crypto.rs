//! Asymmetric signatures (EdDSA, ES256, ES512, RS256, PS256) checked by workerd's Web Crypto
//! API, measured several times faster there than the same math compiled to Wasm (bench/,
//! "Where the signature math runs"). The crate still applies every rule and chooses the key
//! (validated on RustCrypto when the set was read), holding the outcome until this answers its
//! [`SignatureJob`] ([`taskgate_verify::keyset::signature`]). A key workerd cannot import is left to
//! the Wasm.

use std::cell::RefCell;

use taskgate_verify::keyset::signature::SignatureJob;
use worker::js_sys::{self, JSON, Object};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{CryptoKey, SubtleCrypto, WorkerGlobalScope};

/// Keys imported in this isolate (at most this many).
const MAX_KEYS: usize = 64;

/// A key imported for one algorithm, with that algorithm's `verify` parameters.
#[derive(Clone)]
struct Imported {
    key: CryptoKey,
    verify_params: Object,
}

/// A key's algorithm (its import parameters) and public JWK, and the key imported for them
/// (`None`: workerd cannot import it).
type Entry = ((&'static str, Box<str>), Option<Imported>);

thread_local! {
    /// The keys imported in this isolate.
    static KEYS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// WebCrypto's verdict on `job`: `Some(valid)`, or `None` when workerd cannot check it.
pub async fn verdict(job: &SignatureJob) -> Option<bool> {
    let params = job.alg.web_crypto()?;
    let subtle = subtle()?;
    let Imported { key, verify_params } = imported(&subtle, params, &job.public_jwk).await?;
    let promise =
        subtle.verify_with_object_and_u8_array_and_u8_array(&verify_params, &key, &job.signature, &job.message).ok()?;
    // A rejected promise (a malformed signature for the algorithm) is an invalid signature.
    Some(JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false))
}

/// The isolate's `crypto.subtle`.
fn subtle() -> Option<SubtleCrypto> {
    let global: WorkerGlobalScope = js_sys::global().unchecked_into();
    global.crypto().ok().map(|c| c.subtle())
}

/// The key `jwk` imported with `params` (import, verify), once per isolate.
async fn imported(subtle: &SubtleCrypto, params: (&'static str, &'static str), jwk: &str) -> Option<Imported> {
    let found =
        KEYS.with(|k| k.borrow().iter().find(|((p, j), _)| *p == params.0 && &**j == jwk).map(|(_, i)| i.clone()));
    if let Some(found) = found {
        return found;
    }
    let imported = import(subtle, params, jwk).await;
    KEYS.with(|k| {
        let mut keys = k.borrow_mut();
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.push(((params.0, jwk.into()), imported.clone()));
    });
    imported
}

/// Imports `jwk` for verifying with `import_params`; `None` when workerd refuses it.
async fn import(subtle: &SubtleCrypto, (import_params, verify_params): (&str, &str), jwk: &str) -> Option<Imported> {
    let object = |text: &str| JSON::parse(text).ok().map(JsCast::unchecked_into::<Object>);
    let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
    let promise = subtle.import_key_with_object("jwk", &object(jwk)?, &object(import_params)?, false, &usages).ok()?;
    let key = JsFuture::from(promise).await.ok()?.unchecked_into();
    Some(Imported { key, verify_params: object(verify_params)? })
}
