//! The `compact` strategy, Better Auth's default: the cookie is the base64url (no padding) of
//! `{"session": sessionData, "expiresAt": <ms since the epoch>, "signature": "<b64url>"}`, the
//! signature an HMAC-SHA256 with the secret over the text `JSON.stringify({...sessionData,
//! expiresAt})` (contract 3.3).
//!
//! That text is rebuilt from the bytes Better Auth wrote, never from a re-serialization: the raw
//! `session` member with `,"expiresAt":<the raw number>` put before its closing brace. Any other
//! spelling of the same JSON (spaces, escapes, another number form) fails the signature.

use alloc::string::String;

use base64::Engine as _;

use crate::codec::b64::{self, B64};
use crate::codec::json;
use crate::error::{Claim, Error, ErrorCode, Result};
use crate::rules::keys::KeyRing;

const SESSION: &str = "session";
const EXPIRES_AT: &str = "expiresAt";
const SIGNATURE: &str = "signature";
/// The claim the expiry becomes, in seconds, for the claim rules.
const EXP: &str = Claim::Exp.as_str();

/// Opens a `compact` cookie value: checks its signature with each key of `keys` and returns the
/// claims set to check: `sessionData` with `exp` (`expiresAt` in seconds, its milliseconds as a
/// fraction) added. `malformed_token` for anything but that shape, `invalid_signature` when no key
/// signed it, `invalid_claim` (claim `exp`) when `expiresAt` is not a whole number of
/// milliseconds.
pub(crate) fn open(value: &str, keys: &KeyRing) -> Result<String> {
    let malformed = || Error::new(ErrorCode::MalformedToken);
    let bytes = B64.decode(value).map_err(|_| malformed())?;
    let text = core::str::from_utf8(&bytes).map_err(|_| malformed())?;
    let (mut session, mut expires_at, mut signature) = (None, None, None);
    let is_object = json::for_each_member(text, |name, value| match name {
        SESSION => session = Some(value),
        EXPIRES_AT => expires_at = Some(value),
        SIGNATURE => signature = Some(value),
        _ => {}
    });
    let (Some(session), Some(expires_at), Some(signature)) = (session, expires_at, signature) else {
        return Err(malformed());
    };
    let session = session.get();
    let expires_at = expires_at.get();
    let is_number = expires_at.starts_with(|c: char| c == '-' || c.is_ascii_digit());
    if !is_object || !session.starts_with('{') || !is_number {
        return Err(malformed());
    }
    let signature = json::as_str(signature).ok_or_else(malformed)?;
    let tag = b64::decode_signature(&signature).ok_or_else(malformed)?;

    // The signed text: `{...sessionData, expiresAt}` as JSON.stringify writes it.
    let signed = with_member(session, EXPIRES_AT, expires_at);
    if !keys.keys().iter().any(|k| k.verify_mac(signed.as_bytes(), tag.as_bytes())) {
        return Err(Error::new(ErrorCode::InvalidSignature));
    }
    let exp = seconds(expires_at).ok_or(Error::about(ErrorCode::InvalidClaim, Claim::Exp))?;
    Ok(with_member(session, EXP, &exp))
}

/// `object` (the text of a JSON object, `{` ... `}`) with the member `"name":value` added last.
fn with_member(object: &str, name: &str, value: &str) -> String {
    let body = object.strip_suffix('}').unwrap_or(object);
    let comma = if body.trim_end() == "{" { "" } else { "," };
    [body, comma, "\"", name, "\":", value, "}"].concat()
}

/// Milliseconds since the epoch, written as a JSON integer, as seconds with the milliseconds as
/// a fraction (`1700000000123` -> `1700000000.123`); `None` for any other number.
fn seconds(ms: &str) -> Option<String> {
    let canonical = ms.bytes().all(|b| b.is_ascii_digit()) && (ms == "0" || !ms.starts_with('0'));
    if !canonical || ms.is_empty() || ms.len() > 16 {
        return None;
    }
    let (whole, millis) = ms.split_at(ms.len().saturating_sub(3));
    // Three digits of milliseconds (`5` is `005`), without trailing zeros.
    let millis = ["000".get(millis.len()..).unwrap_or_default(), millis].concat();
    let millis = millis.trim_end_matches('0');
    let point = if millis.is_empty() { "" } else { "." };
    Some([if whole.is_empty() { "0" } else { whole }, point, millis].concat())
}

/// A helper for tests and tools: the `compact` cookie Better Auth writes for `session_data`
/// (the text of `sessionData`) and `expires_at_ms`, signed with `keys`' current key.
#[cfg(test)]
pub(crate) fn seal(session_data: &str, expires_at_ms: u64, keys: &KeyRing) -> String {
    let expires = alloc::format!("{expires_at_ms}");
    let tag = keys.current().mac(with_member(session_data, EXPIRES_AT, &expires).as_bytes());
    let signature = B64.encode(tag);
    let text = alloc::format!(r#"{{"session":{session_data},"expiresAt":{expires},"signature":"{signature}"}}"#);
    B64.encode(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> KeyRing {
        KeyRing::from_secret(b"a-test-secret-that-is-at-least-32-bytes").unwrap()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_expiry_in_seconds_keeps_its_milliseconds() {
        let cases = [
            ("1700000000000", Some("1700000000")),
            ("1700000000123", Some("1700000000.123")),
            ("1700000000120", Some("1700000000.12")),
            ("1700000000005", Some("1700000000.005")),
            ("5", Some("0.005")),
            ("0", Some("0")),
            ("999", Some("0.999")),
        ];
        for (ms, want) in cases {
            assert_eq!(seconds(ms).as_deref(), want, "{ms}");
        }
        for bad in ["", "-1", "1.5", "1e12", "01", "17000000000000000"] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_signed_text_is_rebuilt_from_the_raw_bytes() {
        let data = r#"{"session":{"userId":"u"},"user":{"id":"u"},"updatedAt":1,"version":"1"}"#;
        let cookie = seal(data, 1_700_000_000_123, &ring());
        let payload = open(&cookie, &ring()).unwrap();
        assert_eq!(
            payload,
            r#"{"session":{"userId":"u"},"user":{"id":"u"},"updatedAt":1,"version":"1","exp":1700000000.123}"#
        );
        assert_eq!(with_member("{}", "a", "1"), r#"{"a":1}"#);
        // The same JSON spelled otherwise does not carry the signature.
        let text = String::from_utf8(B64.decode(&cookie).unwrap()).unwrap();
        let respelled = text.replacen(r#""userId":"u""#, r#""userId": "u""#, 1);
        assert_eq!(open(&B64.encode(respelled), &ring()).unwrap_err().code(), ErrorCode::InvalidSignature);
        let other = KeyRing::from_secret(b"another-secret-that-is-at-least-32-bytes").unwrap();
        assert_eq!(open(&cookie, &other).unwrap_err().code(), ErrorCode::InvalidSignature);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn anything_but_the_shape_is_malformed() {
        let malformed = ErrorCode::MalformedToken;
        for text in [
            "not json",
            r#"{"session":{},"expiresAt":1}"#,
            r#"{"session":[],"expiresAt":1,"signature":"x"}"#,
            r#"{"session":{},"expiresAt":"1","signature":"x"}"#,
            r#"{"session":{},"expiresAt":1,"signature":1}"#,
            r#"{"session":{},"expiresAt":1,"signature":"not base64!"}"#,
            r#"{"session":{},"session":{},"expiresAt":1,"signature":"x"}"#,
        ] {
            assert_eq!(open(&B64.encode(text), &ring()).unwrap_err().code(), malformed, "{text}");
        }
        assert_eq!(open("not base64url!", &ring()).unwrap_err().code(), malformed);
        assert_eq!(open(&(B64.encode("{}") + "="), &ring()).unwrap_err().code(), malformed);
    }
}
