//! # taskgate-wasm
//!
//! The thin wasm-bindgen layer under the npm package: numbers and strings across the
//! boundary, nothing else. The JavaScript in `js/` turns them into the package's API
//! (`createVerifier`, `verify`, `inspect`, `sign`, `TokenError`).
//!
//! Errors cross as one number: the [`ErrorCode`] index in the low byte and the claim index
//! (into [`CLAIMS`], plus one) in the next byte, so the error path allocates nothing.

#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use taskgate_verify::{ErrorCode, KeyRing, Options, Verifier as Inner, inspect as inspect_token, sign_json};
use wasm_bindgen::prelude::*;

/// Claim names an error can concern, in the order the error number encodes them.
pub const CLAIMS: [&str; 10] = ["exp", "nbf", "iat", "sub", "user_id", "iss", "aud", "jti", "email", "user_email"];

/// Error numbers: index + 1 in [`ErrorCode::ALL`] (0 is success).
fn error_number(e: taskgate_verify::Error) -> u32 {
    let code = ErrorCode::ALL.iter().position(|c| *c == e.code()).map_or(0, |i| i as u32 + 1);
    let claim = e.claim_name().and_then(|n| CLAIMS.iter().position(|c| *c == n)).map_or(0, |i| i as u32 + 1);
    code | (claim << 8)
}

/// The tables that decode error numbers, as lines: the stable codes (index + 1 = error
/// number), a blank line, their sentences, a blank line, the claim names (index + 1 = claim
/// number). One string: cheaper across the boundary and in the Wasm than three arrays.
#[wasm_bindgen(js_name = errorTables)]
pub fn error_tables() -> String {
    let mut out = String::new();
    for c in ErrorCode::ALL {
        out.push_str(c.as_str());
        out.push('\n');
    }
    out.push('\n');
    for c in ErrorCode::ALL {
        out.push_str(c.description());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&CLAIMS.join("\n"));
    out
}

/// The key ring for a raw secret (`secret`) or a `BETTER_AUTH_SECRETS` string (`ring`).
fn key_ring(secret: Option<Vec<u8>>, ring: Option<String>) -> Result<KeyRing, u32> {
    match (secret, ring) {
        (_, Some(ring)) => KeyRing::parse(&ring),
        (Some(secret), None) => KeyRing::from_secret(&secret),
        (None, None) => Err(taskgate_verify::Error::new(ErrorCode::InvalidConfig)),
    }
    .map_err(error_number)
}

/// A verifier with its keys scheduled once. Results of the last successful `verify` are
/// read with `sub()` and `decoded()` right after it.
#[wasm_bindgen]
pub struct Verifier {
    inner: Inner,
    sub: String,
    decoded: String,
    header_len: usize,
}

#[wasm_bindgen]
impl Verifier {
    /// Builds a verifier. Throws the error number (weak_key, invalid_config) on bad input.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        secret: Option<Vec<u8>>,
        ring: Option<String>,
        leeway: u32,
        issuer: Option<String>,
        audience: Option<String>,
        max_age: Option<f64>,
        max_token_len: u32,
        require_exp: bool,
    ) -> Result<Verifier, u32> {
        let keys = key_ring(secret, ring)?;
        let options = Options {
            leeway,
            issuer,
            audience,
            max_age: max_age.map(|m| m.max(0.0) as u64),
            max_token_len: max_token_len as usize,
            require_exp,
        };
        let inner = Inner::new(keys, options).map_err(error_number)?;
        Ok(Verifier { inner, sub: String::new(), decoded: String::new(), header_len: 0 })
    }

    /// Verifies `token` at `now` (seconds). 0 on success, else the error number.
    pub fn verify(&mut self, token: &str, now: f64) -> u32 {
        match self.inner.verify(token, now.max(0.0) as u64) {
            Ok(claims) => {
                self.sub.clear();
                self.sub.push_str(claims.sub());
                self.decoded.clear();
                self.decoded.push_str(claims.header_json());
                self.decoded.push_str(claims.payload_json());
                self.header_len = claims.header_json().len();
                0
            }
            Err(e) => error_number(e),
        }
    }

    /// The `sub` of the last successful verification.
    pub fn sub(&self) -> String {
        self.sub.clone()
    }

    /// The decoded header JSON followed by the decoded payload JSON, of the last success.
    pub fn decoded(&self) -> String {
        self.decoded.clone()
    }

    /// The length of the header JSON within `decoded()`, in UTF-16 code units (for `slice`).
    #[wasm_bindgen(js_name = headerLength)]
    pub fn header_length(&self) -> usize {
        self.decoded[..self.header_len].encode_utf16().count()
    }
}

/// Decodes a token without a key: `[header|null, payload|null, segments, problems...]` where
/// each problem is an error number. Never throws.
#[wasm_bindgen]
pub fn inspect(token: &str, now: f64, leeway: u32, issuer: Option<String>, audience: Option<String>) -> js_sys::Array {
    let options = Options { leeway: leeway.min(taskgate_verify::MAX_LEEWAY), issuer, audience, ..Options::default() };
    let i = inspect_token(token, &options, now.max(0.0) as u64);
    let out = js_sys::Array::new();
    let text = |s: Option<String>| s.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
    out.push(&text(i.header));
    out.push(&text(i.payload));
    out.push(&JsValue::from(i.segments as u32));
    for p in i.problems {
        out.push(&JsValue::from(error_number(p)));
    }
    out
}

/// Signs `payload_json` with the ring's current key (`kid` = its version, if any).
#[wasm_bindgen]
pub fn sign(payload_json: &str, secret: Option<Vec<u8>>, ring: Option<String>) -> Result<String, u32> {
    Ok(sign_json(&key_ring(secret, ring)?, payload_json))
}

#[cfg(all(target_arch = "wasm32", not(test)))]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// A panic is a bug (verification never panics on any input): trap without formatting.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
