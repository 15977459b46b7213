//! Strict base64url (RFC 4648 section 5) without padding, canonical only: no `=`, no `+` or
//! `/`, no whitespace, no non-zero trailing bits. The `base64` crate does the work.

use alloc::vec::Vec;

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// The engine: URL-safe alphabet, no padding written or accepted, canonical trailing bits.
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// The encoded length of a 32-byte HMAC-SHA256 tag.
const TAG_B64_LEN: usize = 43;

/// An upper bound of the decoded size of `encoded_len` base64 characters.
pub(crate) const fn decoded_len_estimate(encoded_len: usize) -> usize {
    encoded_len.div_ceil(4) * 3
}

/// A decoded signature segment: a 32-byte tag (HS256's size) on the stack, anything else on
/// the heap (asymmetric signatures, and tags of the wrong length, which never verify).
pub(crate) enum Signature {
    Tag([u8; 32]),
    Bytes(Vec<u8>),
}

impl Signature {
    /// The bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Signature::Tag(tag) => tag,
            Signature::Bytes(bytes) => bytes,
        }
    }
}

/// Decodes the signature segment; `None` when it is not canonical base64url (malformed).
pub(crate) fn decode_signature(segment: &str) -> Option<Signature> {
    if segment.len() == TAG_B64_LEN {
        let mut tag = [0u8; 32];
        return match B64.decode_slice(segment, &mut tag) {
            Ok(32) => Some(Signature::Tag(tag)),
            _ => None,
        };
    }
    let mut bytes = Vec::new();
    B64.decode_vec(segment, &mut bytes).ok().map(|_| Signature::Bytes(bytes))
}
