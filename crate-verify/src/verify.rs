//! The verifier: the contract's checks, in order, in one pass over the token.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use serde_json::value::RawValue;

use crate::b64::{self, B64};
use crate::claims::{Claims, Text};
use crate::error::{Error, ErrorCode, Result};
use crate::json;
use crate::keys::KeyRing;
use crate::options::Options;

/// An HS256 verifier: a key ring plus options, built once and reused for every token.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: KeyRing,
    options: Options,
}

impl Verifier {
    /// Builds a verifier; [`ErrorCode::InvalidConfig`] when the options are out of range.
    pub fn new(keys: KeyRing, options: Options) -> Result<Self> {
        options.validate()?;
        Ok(Self { keys, options })
    }

    /// The key ring.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Verifies `token` at `now` (seconds since the epoch). The first failing check, in the
    /// contract's order, decides the error: size, shape, header, signature, claims.
    pub fn verify(&self, token: &str, now: u64) -> Result<Claims> {
        // 1. Size.
        if token.is_empty() {
            return Err(Error::new(ErrorCode::MissingToken));
        }
        if token.len() > self.options.max_token_len {
            return Err(Error::new(ErrorCode::TokenTooLarge));
        }

        // 2. Shape: three canonical base64url segments. Header and payload are decoded into
        //    one buffer (the only allocation on the success path); the tag onto the stack.
        let malformed = || Error::new(ErrorCode::MalformedToken);
        let (header_b64, rest) = token.split_once('.').ok_or_else(malformed)?;
        let (payload_b64, tag_b64) = rest.split_once('.').ok_or_else(malformed)?;
        if tag_b64.contains('.') {
            return Err(malformed());
        }
        let mut buf = Vec::with_capacity(
            b64::decoded_len_estimate(header_b64.len()) + b64::decoded_len_estimate(payload_b64.len()),
        );
        B64.decode_vec(header_b64, &mut buf).map_err(|_| malformed())?;
        let header_len = buf.len();
        B64.decode_vec(payload_b64, &mut buf).map_err(|_| malformed())?;
        let tag = b64::decode_tag(tag_b64).ok_or_else(malformed)?;

        // 3. Header.
        let header = core::str::from_utf8(&buf[..header_len]).map_err(|_| malformed())?;
        let kid = check_header(header)?;

        // 4. Signature, over the ASCII `header.payload`, against the candidate keys.
        let signing_input = &token.as_bytes()[..header_b64.len() + 1 + payload_b64.len()];
        let kid_str = kid.and_then(json::as_str);
        let candidates = self.keys.candidates(kid_str.as_deref(), kid.is_some());
        let signed = tag.is_some_and(|tag| candidates.iter().any(|k| k.verify_mac(signing_input, &tag)));
        if !signed {
            return Err(Error::new(ErrorCode::InvalidSignature));
        }
        let kid = kid_str.map(|k| Text::of(header, k));

        // 5. Claims. The header was UTF-8, so this only fails on the payload.
        let json = String::from_utf8(buf).map_err(|_| malformed())?;
        Claims::check(json, header_len, kid, &self.options, now)
    }

    /// Verifies `token` against the system clock.
    #[cfg(feature = "std")]
    pub fn verify_now(&self, token: &str) -> Result<Claims> {
        self.verify(token, crate::clock::now())
    }
}

/// Step 3: a JSON object without duplicate names; `alg` exactly `HS256`; `typ`, when
/// present, `JWT` in any case; no `crit` or `b64`. Returns the raw `kid`, if any.
pub(crate) fn check_header(header: &str) -> Result<Option<&RawValue>> {
    let (mut alg, mut typ, mut kid, mut unsupported) = (None, None, None, false);
    let is_object = json::for_each_member(header, |name, value| match name {
        "alg" => alg = Some(value),
        "typ" => typ = Some(value),
        "kid" => kid = Some(value),
        "crit" | "b64" => unsupported = true,
        _ => {}
    });
    if !is_object {
        return Err(Error::new(ErrorCode::MalformedToken));
    }
    if alg.and_then(json::as_str).as_deref() != Some("HS256") {
        return Err(Error::new(ErrorCode::UnsupportedAlgorithm));
    }
    let typ_ok = typ.is_none_or(|t| json::as_str(t).is_some_and(|t| t.eq_ignore_ascii_case("JWT")));
    if !typ_ok || unsupported {
        return Err(Error::new(ErrorCode::UnsupportedHeader));
    }
    Ok(kid)
}
