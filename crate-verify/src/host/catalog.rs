//! The crate's vocabulary as data: every error code, claim name and limit in one table each,
//! for files generated in other languages (the npm package's `contract.js` and `.d.ts`) and
//! for the tables in `docs/contract.md` (`taskgate contract`).

use alloc::format;
use alloc::string::String;

use crate::codec::time::MAX_NUMERIC_DATE;
use crate::host::sign::DEFAULT_LIFETIME;
#[cfg(feature = "jwks")]
use crate::keyset::{jwks, pubkey};
use crate::rules::limits::{
    DEFAULT_MAX_TOKEN_LEN, MAX_KEYS, MAX_LEEWAY, MAX_REVOCATION_ENTRIES, MAX_REVOCATION_TOKEN_SECONDS, MAX_SUB_CHARS,
    MIN_KEY_LEN,
};

pub use crate::error::{Claim, ErrorCode};
pub use crate::host::http::{OTHER_REFUSALS, Refusal};

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
    Limit {
        name: "max_revocation_token_seconds",
        value: MAX_REVOCATION_TOKEN_SECONDS,
        meaning: "longest lifetime of a revocation or admin token (its `exp` ahead of now)",
    },
    Limit {
        name: "max_revocation_entries",
        value: MAX_REVOCATION_ENTRIES as u64,
        meaning: "most entries of each list in one revocation body",
    },
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

/// What to do about `code`, for people reading a refusal (the inspector, the CLI, the docs).
pub fn hint(code: ErrorCode) -> String {
    use ErrorCode as E;
    match code {
        E::MissingToken => "Send the token (`Authorization: Bearer <token>`), or paste one.".into(),
        E::MalformedToken => "A JWT is three base64url segments (header.payload.signature) without padding \
            or spaces; header and payload must be JSON objects without repeated names. A session cookie cache \
            must be in the strategy configured (BETTER_AUTH_SESSION_CACHE: compact, jwt or jwe)."
            .into(),
        E::TokenTooLarge => {
            format!("Tokens may be at most {DEFAULT_MAX_TOKEN_LEN} bytes (by default): carry less in the claims.")
        }
        E::UnsupportedAlgorithm => "Sign with HS256, or with EdDSA, ES256, ES512, RS256 or PS256 when a JWK Set \
            is configured (JWKS, JWKS_URL or BETTER_AUTH_URL): \"alg\" is case-sensitive, and \"none\" is never accepted."
            .into(),
        E::UnsupportedHeader => "Leave out \"crit\" and \"b64\"; \"typ\", if present, must be \"JWT\".".into(),
        E::InvalidSignature => "The token was not signed with this secret, or was changed after signing. \
            Check BETTER_AUTH_SECRET, or the \"kid\" against the ring's versions."
            .into(),
        E::TokenExpired => "The token (or, for a session cookie cache, its session) has expired: sign in again \
            for a fresh one (or allow a leeway for clock skew)."
            .into(),
        E::TokenNotYetValid => {
            "\"nbf\" or \"iat\" lies in the future: check the issuer's clock, or allow a leeway.".into()
        }
        E::MissingClaim => "Add the claim: \"exp\" and \"sub\" are required (a Better Auth session cookie \
            cache has no \"sub\": accept it with BETTER_AUTH_SESSION_CACHE=<its strategy>: compact, jwt or jwe)."
            .into(),
        E::InvalidClaim => format!(
            "Fix the claim: times are numbers of seconds (0 to {MAX_NUMERIC_DATE}), \"sub\" a non-empty string \
             of at most {MAX_SUB_CHARS} characters, \"user_id\" equal to \"sub\", \"jti\"/\"email\" strings; \
             in a session cookie cache, \"session.userId\" equal to \"user.id\" and \"version\" the configured \
             BETTER_AUTH_SESSION_CACHE_VERSION."
        ),
        E::InvalidIssuer => "\"iss\" must equal the configured issuer (JWT_ISSUER).".into(),
        E::InvalidAudience => "\"aud\" must be (or contain) the configured audience (JWT_AUDIENCE).".into(),
        E::WeakKey => format!("Secrets must be at least {MIN_KEY_LEN} bytes."),
        E::InvalidConfig => format!(
            "Check the ring syntax (\"2:new,1:old\", at most {MAX_KEYS} keys), that the leeway is 0-{MAX_LEEWAY} s, \
             and that a JWK Set is a JSON object with a \"keys\" array."
        ),
        E::UnknownKey => "Asymmetric tokens need a \"kid\" naming a key of the JWK Set: check JWKS / JWKS_URL \
            (keys are fetched again at most every 30 s when a new kid appears)."
            .into(),
        E::SessionRevoked => "The session this token belongs to has ended (signed out, revoked, password changed, \
            user banned or removed): sign in again for a fresh token."
            .into(),
        E::KeysUnavailable => "The JWK Set could not be fetched: check JWKS_URL (or BETTER_AUTH_URL) and that it \
            answers; HS256 tokens keep working meanwhile. Retry later."
            .into(),
    }
}
