//! # taskgate-verify
//!
//! A strict, small JWT verifier for the tokens a Better Auth app hands a backend: HS256 with
//! the app's secret (`BETTER_AUTH_SECRET`, or a ring), Better Auth's session cookie cache, and
//! EdDSA, ES256, ES512, RS256 and PS256 from a JWK Set (its `jwt()` plugin; cargo features).
//! `no_std` + `alloc`, on RustCrypto (`hmac`, `sha2`, `ed25519-dalek`, `p256`, `p521`, `rsa`).
//!
//! ```
//! use taskgate_verify::{KeyRing, Options, Verifier, sign_claims};
//!
//! let keys = KeyRing::from_secret(b"an-example-secret-of-at-least-32-bytes")?;
//! let claims = serde_json::json!({ "sub": "user_1" });
//! let token = sign_claims(&keys, claims.as_object().unwrap(), 1_700_000_000, None);
//!
//! let verifier = Verifier::new(keys, Options::default())?;
//! let verified = verifier.verify(&token, 1_700_000_100)?;
//! assert_eq!(verified.sub(), "user_1");
//!
//! let err = verifier.verify(&token, 1_800_000_000).unwrap_err();
//! assert_eq!(err.code().as_str(), "token_expired");
//! # Ok::<(), taskgate_verify::Error>(())
//! ```
//!
//! The rules, in the order they are checked, are those of the project's contract
//! (`docs/contract.md`); the first failure decides the [`ErrorCode`]. This crate is the one
//! place a rule, an error code, a claim name or a limit is written.
//!
//! ## Layers (each uses only those above it)
//! 1. [`Error`], [`Algorithm`] and the codecs (strict base64url, JSON without repeated names,
//!    NumericDates): the vocabulary.
//! 2. [`keyset`] (feature `jwks`): JWK Sets, public keys bound to one algorithm, the rules for
//!    keeping a fetched set fresh, and signatures deferred to the host's crypto.
//! 3. The verifier proper: [`KeyRing`], [`Options`], [`Claims`], [`Verifier`]. A plain Rust
//!    backend needs nothing else.
//! 4. [`host`]: where the rules meet a server: a request's credential and the HTTP answer to a
//!    refusal ([`host::http`]), cookies ([`host::cookie`]), environment settings
//!    ([`host::settings`]), the vocabulary as data ([`host::catalog`]), [`inspect`] and [`sign_json`].
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[macro_use]
mod error;
mod alg;
mod codec;
pub mod host;
#[cfg(feature = "jwks")]
pub mod keyset;
mod rules;

pub use alg::Algorithm;
pub use codec::time::{MAX_NUMERIC_DATE, NumericDate};
pub use error::{Claim, Error, ErrorCode, Result};
pub use host::inspect::{Inspection, inspect};
pub use host::sign::{DEFAULT_LIFETIME, sign_claims, sign_json, sign_revocation, sign_service};
pub use rules::claims::{
    ADMIN_AUDIENCE, ADMIN_TYP, Claims, REVOCATION_AUDIENCE, REVOCATION_TYP, SESSION_CACHE_AUDIENCE, Service,
};
#[cfg(feature = "std")]
pub use rules::clock::now;
pub use rules::keys::{Key, KeyRing};
pub use rules::limits::{
    DEFAULT_MAX_TOKEN_LEN, MAX_KEYS, MAX_LEEWAY, MAX_REVOCATION_TOKEN_SECONDS, MAX_SUB_CHARS, MIN_KEY_LEN,
};
pub use rules::options::Options;
pub use rules::session_cache;
pub use rules::verify::{Header, SESSION_CACHE_TYP, Verifier};

/// Re-exported so callers of [`sign_claims`] need no direct `serde_json` dependency.
pub use serde_json;
