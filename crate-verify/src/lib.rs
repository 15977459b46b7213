//! # taskgate-verify
//!
//! A strict, small HS256 JWT verifier for tokens issued by Better Auth with
//! `BETTER_AUTH_SECRET`. `no_std` + `alloc`, on RustCrypto `hmac` + `sha2`.
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
//! place a rule, an error code, a claim name or a limit is written: [`catalog`] lists them for
//! other languages, [`settings`] reads the environment, [`http`] answers refusals.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[macro_use]
mod error;
mod alg;
mod b64;
pub mod catalog;
mod claims;
#[cfg(feature = "std")]
mod clock;
pub mod http;
mod inspect;
mod json;
#[cfg(feature = "jwks")]
pub mod jwks;
mod keys;
mod options;
#[cfg(feature = "jwks")]
pub mod pubkey;
pub mod session_cache;
pub mod settings;
mod sign;
#[cfg(feature = "jwks")]
pub mod signature;
mod time;
mod verify;

pub use alg::Algorithm;
pub use claims::{Claims, MAX_SUB_CHARS, SESSION_CACHE_AUDIENCE};
#[cfg(feature = "std")]
pub use clock::now;
pub use error::{Claim, Error, ErrorCode, Result};
pub use inspect::{Inspection, inspect};
pub use keys::{Key, KeyRing, MAX_KEYS, MIN_KEY_LEN};
pub use options::{DEFAULT_MAX_TOKEN_LEN, MAX_LEEWAY, Options};
pub use sign::{DEFAULT_LIFETIME, sign_claims, sign_json};
pub use time::{MAX_NUMERIC_DATE, NumericDate};
pub use verify::{Header, SESSION_CACHE_TYP, Verifier};

/// Re-exported so callers of [`sign_claims`] need no direct `serde_json` dependency.
pub use serde_json;
