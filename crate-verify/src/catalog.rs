//! The crate's vocabulary as data: every error code, claim name and limit in one table each,
//! for files generated in other languages (the npm package's `contract.js` and `.d.ts`) and
//! for the tables in `docs/contract.md` (`taskgate contract`).

use crate::claims::MAX_SUB_CHARS;
use crate::keys::{MAX_KEYS, MIN_KEY_LEN};
use crate::options::{DEFAULT_MAX_TOKEN_LEN, MAX_LEEWAY};
use crate::sign::DEFAULT_LIFETIME;
use crate::time::MAX_NUMERIC_DATE;
#[cfg(feature = "jwks")]
use crate::{jwks, pubkey};

pub use crate::error::{Claim, ErrorCode};
pub use crate::http::{OTHER_REFUSALS, Refusal};

/// A limit of the rules: its name in generated code, its value, and what it bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The name used in generated code (`snake_case`).
    pub name: &'static str,
    /// The value.
    pub value: u64,
    /// What it bounds, for people.
    pub meaning: &'static str,
}

/// Every limit of the token rules.
pub const LIMITS: &[Limit] = &[
    Limit { name: "max_token_bytes", value: DEFAULT_MAX_TOKEN_LEN as u64, meaning: "default maximum token size" },
    Limit { name: "min_key_bytes", value: MIN_KEY_LEN as u64, meaning: "shortest HMAC key" },
    Limit { name: "max_keys", value: MAX_KEYS as u64, meaning: "most keys in a ring" },
    Limit { name: "max_leeway_seconds", value: MAX_LEEWAY as u64, meaning: "largest clock leeway" },
    Limit { name: "max_numeric_date", value: MAX_NUMERIC_DATE, meaning: "latest NumericDate (9999-12-31T23:59:59Z)" },
    Limit { name: "max_sub_chars", value: MAX_SUB_CHARS as u64, meaning: "longest `sub`, in characters" },
    Limit { name: "default_lifetime_seconds", value: DEFAULT_LIFETIME, meaning: "lifetime of an issued token" },
    #[cfg(feature = "jwks")]
    Limit { name: "jwks_max_age_seconds", value: jwks::MAX_AGE_SECONDS, meaning: "how long a fetched JWK Set is used" },
    #[cfg(feature = "jwks")]
    Limit {
        name: "jwks_refetch_interval_seconds",
        value: jwks::REFETCH_INTERVAL_SECONDS,
        meaning: "least time between two fetches of a JWK Set (a new kid, or after a failure)",
    },
    #[cfg(feature = "jwks")]
    Limit {
        name: "jwks_fetch_timeout_seconds",
        value: jwks::FETCH_TIMEOUT_SECONDS,
        meaning: "how long a JWK Set fetch may take",
    },
    #[cfg(feature = "jwks")]
    Limit { name: "jwks_max_keys", value: jwks::MAX_SET_KEYS as u64, meaning: "most keys used from one JWK Set" },
    #[cfg(feature = "jwks")]
    Limit { name: "jwks_max_bytes", value: jwks::MAX_SET_BYTES as u64, meaning: "largest JWK Set accepted" },
    #[cfg(feature = "jwks")]
    Limit { name: "min_rsa_bits", value: pubkey::MIN_RSA_BITS as u64, meaning: "smallest RSA modulus used" },
    #[cfg(feature = "jwks")]
    Limit { name: "max_rsa_bits", value: pubkey::MAX_RSA_BITS as u64, meaning: "largest RSA modulus used" },
];
