//! Issuing HS256 tokens with a ring's current key: for tests, tools and the npm package.
//! Servers that only verify never need this.

use alloc::string::{String, ToString};

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::codec::b64::B64;
use crate::rules::claims::Service;
use crate::rules::keys::KeyRing;
use crate::rules::limits::MAX_REVOCATION_TOKEN_SECONDS;

/// The default lifetime of an issued token: 24 hours.
pub const DEFAULT_LIFETIME: u64 = 86_400;

/// Signs `payload_json` as is (no check that it is a claims set) with the ring's current key.
/// The header is `{"alg":"HS256","typ":"JWT"}`, plus `"kid"` when the key has a version.
pub fn sign_json(keys: &KeyRing, payload_json: &str) -> String {
    sign_typed(keys, "JWT", payload_json)
}

/// A revocation token (contract section 4) for `POST /revocations`, issued at `now`: typ
/// [`crate::REVOCATION_TYP`], `aud` [`crate::REVOCATION_AUDIENCE`], `exp` a minute ahead, no user.
pub fn sign_revocation(keys: &KeyRing, now: u64) -> String {
    sign_service(keys, Service::Revocations, now)
}

/// A token of `service` issued at `now`: its `typ` and `aud` ([`Service`]), `exp` a minute
/// ahead, no user.
pub fn sign_service(keys: &KeyRing, service: Service, now: u64) -> String {
    let exp = now.saturating_add(MAX_REVOCATION_TOKEN_SECONDS);
    let mut payload = String::from(r#"{"aud":""#);
    payload.push_str(service.audience());
    payload.push_str(r#"","iat":"#);
    push_decimal(&mut payload, now);
    payload.push_str(r#","exp":"#);
    push_decimal(&mut payload, exp);
    payload.push('}');
    sign_typed(keys, service.typ(), &payload)
}

/// `n` in decimal, without the formatting machinery (it would weigh on the npm package's Wasm).
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(core::str::from_utf8(&digits[i..]).unwrap_or_default());
}

fn sign_typed(keys: &KeyRing, typ: &str, payload_json: &str) -> String {
    let key = keys.current();
    let mut header = String::from(r#"{"alg":"HS256","typ":""#);
    header.push_str(typ);
    header.push('"');
    if let Some(version) = key.version() {
        header.push_str(r#","kid":"#);
        header.push_str(&serde_json::to_string(version).unwrap_or_default());
    }
    header.push('}');
    let mut token = B64.encode(header);
    token.push('.');
    B64.encode_string(payload_json, &mut token);
    let tag = key.mac(token.as_bytes());
    token.push('.');
    B64.encode_string(tag, &mut token);
    token
}

/// Signs a claims set, adding `iat = now` and `exp = now + lifetime` (default 24 h) unless
/// the claims already have them.
pub fn sign_claims(keys: &KeyRing, claims: &Map<String, Value>, now: u64, lifetime: Option<u64>) -> String {
    let mut claims = claims.clone();
    claims.entry("iat").or_insert_with(|| now.into());
    claims.entry("exp").or_insert_with(|| now.saturating_add(lifetime.unwrap_or(DEFAULT_LIFETIME)).into());
    sign_json(keys, &Value::Object(claims).to_string())
}
