//! Layer 3: the verifier proper, the contract's rules in order: HMAC key rings ([`keys`]), the
//! options ([`options`]) and limits ([`limits`]), the claims ([`claims`], with Better Auth's
//! session cookie cache in [`session_cache`]) and the verification itself ([`verify`]). Uses
//! [`crate::keyset`] for asymmetric keys; knows nothing of HTTP or environments.

pub(crate) mod claims;
#[cfg(feature = "std")]
pub(crate) mod clock;
pub(crate) mod keys;
pub(crate) mod limits;
pub(crate) mod options;
pub mod session_cache;
pub(crate) mod verify;
