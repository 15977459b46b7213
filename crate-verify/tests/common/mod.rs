//! Helpers shared by the integration tests (native and wasm32).
#![allow(dead_code, unused_macros)]

pub mod rule_cases;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use taskgate_verify::{Error, Key, KeyRing, Options, Verifier};

/// The secret most tests sign with (38 bytes).
pub const SECRET: &str = "test-secret-0123456789-abcdefghijklmn";
/// The instant most tests verify at.
pub const NOW: u64 = 1_700_000_000;
/// A standard header.
pub const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Declares test functions that run natively (`#[test]`) and in wasm (`wasm_bindgen_test`).
macro_rules! cases {
    ($( $(#[$m:meta])* fn $name:ident() $body:block )*) => {$(
        $(#[$m])*
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $name() $body
    )*};
}
#[allow(unused_imports)]
pub(crate) use cases;

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A token from raw header and payload text, signed with `secret` (whatever its length).
pub fn token_with(secret: &str, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let tag = hmac_sha256(secret.as_bytes(), input.as_bytes());
    format!("{input}.{}", b64(tag))
}

/// A token from raw header and payload text, signed with [`SECRET`].
pub fn token(header: &str, payload: &str) -> String {
    token_with(SECRET, header, payload)
}

/// A token with the standard header and the given claims text.
pub fn claims(payload: &str) -> String {
    token(HEADER, payload)
}

/// HMAC-SHA256 computed independently of the crate (RustCrypto directly), so tests do not
/// check the crate against itself.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256>>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().into()
}

pub fn verifier(options: Options) -> Verifier {
    Verifier::new(KeyRing::from_secret(SECRET.as_bytes()).unwrap(), options).unwrap()
}

/// Verifies with default options at [`NOW`]; the error code and claim, or the `sub`.
pub fn check(token: &str) -> Result<String, (String, Option<&'static str>)> {
    check_with(&verifier(Options::default()), token, NOW)
}

pub fn check_with(v: &Verifier, token: &str, now: u64) -> Result<String, (String, Option<&'static str>)> {
    v.verify(token, now).map(|c| c.sub().to_owned()).map_err(describe)
}

pub fn describe(e: Error) -> (String, Option<&'static str>) {
    (e.code().as_str().to_owned(), e.claim_name())
}

/// `Err((code, None))`.
pub fn fails(code: &str) -> Result<String, (String, Option<&'static str>)> {
    Err((code.to_owned(), None))
}

/// `Err((code, Some(claim)))`.
pub fn fails_on(code: &str, claim: &'static str) -> Result<String, (String, Option<&'static str>)> {
    Err((code.to_owned(), Some(claim)))
}

pub fn ok(sub: &str) -> Result<String, (String, Option<&'static str>)> {
    Ok(sub.to_owned())
}

pub fn ring(spec: &str) -> KeyRing {
    KeyRing::parse(spec).unwrap()
}

pub fn key(secret: &str) -> Key {
    Key::new(secret.as_bytes()).unwrap()
}
