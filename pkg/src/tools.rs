//! What needs no verifier: decoding a token without a key (`inspect`), issuing one (`sign`),
//! and the HTTP answer to a refusal (`refusal`).

use alloc::string::String;

use taskgate_verify::{inspect as inspect_token, sign_json};
use wasm_bindgen::prelude::*;

use crate::numbers::error_number;
use crate::settings::{Settings, invalid_config, seconds};

/// Decodes a token without a key, by the options of `settings` (leeway, issuer, audience,
/// session cache): `[header|null, payload|null, segments, session cache shape, problems...]`
/// where each problem is an error number (the payload has `session.token` redacted). Never throws.
#[wasm_bindgen]
pub fn inspect(token: &str, now: f64, settings: &Settings) -> js_sys::Array {
    let i = inspect_token(token, &settings.inspect_options(), seconds(now));
    let out = js_sys::Array::new();
    let text = |s: Option<String>| s.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
    out.push(&text(i.header));
    out.push(&text(i.payload));
    out.push(&JsValue::from(i.segments as u32));
    out.push(&JsValue::from(i.session_cache));
    for p in i.problems {
        out.push(&JsValue::from(error_number(p)));
    }
    out
}

/// Signs `payload_json` with the current key of the ring `settings` hold (`kid` = its version,
/// if any). Throws the error number, or for an environment `settings_problem`'s pair.
#[wasm_bindgen]
pub fn sign(payload_json: &str, settings: &Settings) -> Result<String, JsValue> {
    let ring = settings.key_ring(false)?;
    if ring.current_key().is_none() {
        return Err(invalid_config().into()); // nothing to sign with
    }
    Ok(sign_json(&ring, payload_json))
}

/// A revocation token (the bearer of the Worker's `POST /revocations`, contract section 4) issued
/// at `now` with the current key of the ring `settings` hold. Throws as [`sign`] does. Full
/// build only: the Better Auth plugin, on a server, is its one user.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = signRevocation)]
pub fn sign_revocation(now: f64, settings: &Settings) -> Result<String, JsValue> {
    let ring = settings.key_ring(false)?;
    if ring.current_key().is_none() {
        return Err(invalid_config().into()); // nothing to sign with
    }
    Ok(taskgate_verify::sign_revocation(&ring, seconds(now)))
}

/// The HTTP answer for a refusal number, with `realm` in the challenge, as one string (cheaper
/// across the boundary than an array): the status, a space, the `WWW-Authenticate` value (maybe
/// empty), a newline, the JSON body.
#[wasm_bindgen]
pub fn refusal(number: u32, realm: &str) -> String {
    use taskgate_verify::host::http::Refusal;
    let r = crate::numbers::refusal_of(number).unwrap_or(Refusal::ServerMisconfigured);
    let mut out = String::from(match r.status() {
        401 => "401 ",
        403 => "403 ",
        503 => "503 ",
        _ => "500 ",
    });
    out.push_str(&r.www_authenticate(realm).unwrap_or_default());
    out.push('\n');
    out.push_str(&r.body());
    out
}
