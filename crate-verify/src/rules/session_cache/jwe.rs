//! The `jwe` strategy: a compact JWE (RFC 7516) with `alg` `dir` and `enc` `A256CBC-HS512`
//! (RFC 7518 5.2.5), under the 64-byte key Better Auth derives from its secret by HKDF-SHA256,
//! named in the header's `kid` by its JWK thumbprint ([`crate::rules::keys`]). The payload is
//! `sessionData` plus `iat`, `exp` and `jti` (contract 3.3).
//!
//! The tag (HMAC-SHA512 over the AAD, IV, ciphertext and AAD length, its first 32 bytes) is
//! compared in constant time before anything is decrypted. `A256GCM` is named by Better Auth's
//! decoder but needs a 256-bit key, and the derived key has 512 bits: jose, and so Better Auth,
//! refuses every such cookie (measured with jose 6.2.18), and so does this module
//! (`invalid_signature`), rather than accept what Better Auth itself would not.

use alloc::string::String;
use alloc::vec::Vec;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha512;

use crate::codec::b64::B64;
use crate::codec::json;
use crate::error::{Error, ErrorCode, Result};
use crate::rules::keys::{JweKey, KeyRing};

/// The key management algorithm: the derived key is the content key.
const DIR: &str = "dir";
/// The content encryption Better Auth writes.
const A256CBC_HS512: &str = "A256CBC-HS512";
/// The content encryption Better Auth's decoder names, which its key cannot serve.
const A256GCM: &str = "A256GCM";
/// The tag: the first half of an HMAC-SHA512.
const TAG_LEN: usize = 32;
/// AES's block, and so the IV.
const BLOCK: usize = 16;

/// Opens a `jwe` cookie value with the key of `keys` its `kid` names (each key when it names
/// none) and returns the claims set to check, after its protected header, in one buffer, with the
/// header's length. `malformed_token` for anything but five segments of the right sizes,
/// `unsupported_algorithm` for another `alg` or `enc`, `unsupported_header` for `zip`, `crit`
/// or a `typ` other than `JWT`, `invalid_signature` when no key's tag matches.
pub(crate) fn open(value: &str, keys: &KeyRing) -> Result<(String, usize)> {
    let malformed = || Error::new(ErrorCode::MalformedToken);
    let mut parts = value.split('.');
    let mut next = || parts.next().ok_or_else(malformed);
    let (header_b64, encrypted_key, iv, ciphertext, tag) = (next()?, next()?, next()?, next()?, next()?);
    if parts.next().is_some() || !encrypted_key.is_empty() {
        return Err(malformed());
    }
    let decode = |segment: &str| B64.decode(segment).map_err(|_| malformed());
    let header = String::from_utf8(decode(header_b64)?).map_err(|_| malformed())?;
    let (iv, ciphertext, tag) = (decode(iv)?, decode(ciphertext)?, decode(tag)?);
    if iv.len() != BLOCK || ciphertext.is_empty() || ciphertext.len() % BLOCK != 0 {
        return Err(malformed());
    }
    let kid = check_header(&header)?;

    let candidates = keys.keys().iter().map(|k| k.jwe());
    let mut candidates = candidates.filter(|k| kid.as_deref().is_none_or(|kid| kid.as_bytes() == k.kid));
    let key = candidates
        .find(|key| tag.len() == TAG_LEN && tag_matches(key, header_b64.as_bytes(), &iv, &ciphertext, &tag))
        .ok_or(Error::new(ErrorCode::InvalidSignature))?;
    let plaintext = decrypt(key, &iv, ciphertext).ok_or(Error::new(ErrorCode::InvalidSignature))?;
    let payload = core::str::from_utf8(&plaintext).map_err(|_| malformed())?;
    let header_len = header.len();
    Ok(([header.as_str(), payload].concat(), header_len))
}

/// The protected header: a JSON object with `alg` `dir` and `enc` `A256CBC-HS512`, no `zip` or
/// `crit`, `typ` absent or `JWT`; its `kid`, when a string (`Some("")` for any other value,
/// which names no key).
fn check_header(header: &str) -> Result<Option<String>> {
    let (mut alg, mut enc, mut kid, mut typ, mut unsupported) = (None, None, None, None, false);
    let is_object = json::for_each_member(header, |name, value| match name {
        "alg" => alg = Some(value),
        "enc" => enc = Some(value),
        "kid" => kid = Some(value),
        "typ" => typ = Some(value),
        "zip" | "crit" => unsupported = true,
        _ => {}
    });
    if !is_object {
        return Err(Error::new(ErrorCode::MalformedToken));
    }
    let unsupported_algorithm = Error::new(ErrorCode::UnsupportedAlgorithm);
    if alg.and_then(json::as_str).as_deref() != Some(DIR) {
        return Err(unsupported_algorithm);
    }
    let enc = enc.and_then(json::as_str);
    if enc.as_deref() != Some(A256CBC_HS512) && enc.as_deref() != Some(A256GCM) {
        return Err(unsupported_algorithm);
    }
    let typ_ok = typ.is_none_or(|t| json::as_str(t).is_some_and(|t| t.eq_ignore_ascii_case("JWT")));
    if unsupported || !typ_ok {
        return Err(Error::new(ErrorCode::UnsupportedHeader));
    }
    if enc.as_deref() == Some(A256GCM) {
        // A 512-bit key is no A256GCM key (module documentation).
        return Err(Error::new(ErrorCode::InvalidSignature));
    }
    Ok(kid.map(|k| json::as_str(k).map(Into::into).unwrap_or_default()))
}

/// Whether `tag` is the A256CBC-HS512 tag of the AAD (the header's base64url), IV and
/// ciphertext under `key`, compared in constant time.
fn tag_matches(key: &JweKey, aad: &[u8], iv: &[u8], ciphertext: &[u8], tag: &[u8]) -> bool {
    let (mac_key, _) = key.bytes.split_at(32);
    let Ok(mut mac) = <Hmac<Sha512> as KeyInit>::new_from_slice(mac_key) else {
        return false;
    };
    let aad_bits = (aad.len() as u64).saturating_mul(8);
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&aad_bits.to_be_bytes());
    mac.verify_truncated_left(tag).is_ok()
}

/// AES-256-CBC decryption with PKCS #7 padding, under the second half of `key`.
fn decrypt(key: &JweKey, iv: &[u8], mut ciphertext: Vec<u8>) -> Option<Vec<u8>> {
    let (_, enc_key) = key.bytes.split_at(32);
    let cipher = cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, iv).ok()?;
    let len = cipher.decrypt_padded::<Pkcs7>(&mut ciphertext).ok()?.len();
    ciphertext.truncate(len);
    Some(ciphertext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> KeyRing {
        KeyRing::from_secret(b"a-test-secret-that-is-at-least-32-bytes").unwrap()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn sizes_are_checked_before_any_key() {
        // Decryption itself is checked against Better Auth's own cookies (tests/session_cache.rs).
        let header = B64.encode(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#);
        let iv = B64.encode([0u8; 16]);
        let ct = B64.encode([0u8; 32]);
        let tag = B64.encode([0u8; 32]);
        let ok_shape = [header.as_str(), "", &iv, &ct, &tag].join(".");
        assert_eq!(open(&ok_shape, &ring()).unwrap_err().code(), ErrorCode::InvalidSignature);
        let malformed = [
            [header.as_str(), "x", &iv, &ct, &tag].join("."),
            [header.as_str(), "", &B64.encode([0u8; 12]), &ct, &tag].join("."),
            [header.as_str(), "", &iv, &B64.encode([0u8; 17]), &tag].join("."),
            [header.as_str(), "", &iv, "", &tag].join("."),
            [header.as_str(), "", &iv, &ct].join("."),
            [header.as_str(), "", &iv, &ct, &tag, ""].join("."),
        ];
        for value in malformed {
            assert_eq!(open(&value, &ring()).unwrap_err().code(), ErrorCode::MalformedToken, "{value}");
        }
        let short_tag = [header.as_str(), "", &iv, &ct, &B64.encode([0u8; 31])].join(".");
        assert_eq!(open(&short_tag, &ring()).unwrap_err().code(), ErrorCode::InvalidSignature);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_header_names_dir_and_a256cbc_hs512() {
        let cases = [
            (r#"{"alg":"A256KW","enc":"A256CBC-HS512"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir","enc":"A128CBC-HS256"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"enc":"A256CBC-HS512"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir","enc":"A256CBC-HS512","zip":"DEF"}"#, ErrorCode::UnsupportedHeader),
            (r#"{"alg":"dir","enc":"A256CBC-HS512","crit":["x"]}"#, ErrorCode::UnsupportedHeader),
            (r#"{"alg":"dir","enc":"A256CBC-HS512","typ":"JOSE"}"#, ErrorCode::UnsupportedHeader),
            (r#"{"alg":"dir","enc":"A256GCM"}"#, ErrorCode::InvalidSignature),
            (r#"{"alg":"dir","alg":"dir","enc":"A256CBC-HS512"}"#, ErrorCode::MalformedToken),
        ];
        for (header, code) in cases {
            assert_eq!(check_header(header).unwrap_err().code(), code, "{header}");
        }
        assert_eq!(check_header(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"k"}"#).unwrap().as_deref(), Some("k"));
        assert_eq!(check_header(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":1}"#).unwrap().as_deref(), Some(""));
    }
}
