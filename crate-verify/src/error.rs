//! The one error type: a stable code, the claim it concerns, and a human sentence.
//!
//! [`ErrorCode`] and [`Claim`] are the project's vocabulary: every other part (the Worker, the
//! npm package, the inspector, the Next.js helper, the CLI, the docs) takes the codes, their
//! sentences and the claim names from here (`docs/contract.md`).

use alloc::format;
use alloc::string::String;
use core::fmt;

use crate::claims::MAX_SUB_CHARS;
use crate::keys::{MAX_KEYS, MIN_KEY_LEN};
use crate::options::{DEFAULT_MAX_TOKEN_LEN, MAX_LEEWAY};
use crate::time::MAX_NUMERIC_DATE;

/// Declares a fieldless enum with its stable string form and an `ALL` table in declaration
/// order (the order error numbers and generated tables use).
macro_rules! names {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$m])*
        pub enum $name { $($(#[$vm])* $variant,)* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable snake_case name.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// The value whose name is `text`.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names! {
    /// Every way verification (or building a verifier) can fail.
    ///
    /// The string form ([`ErrorCode::as_str`]) is stable and identical in Rust, in the npm
    /// package and in HTTP error bodies.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum ErrorCode {
        /// No token at all (an empty string).
        MissingToken = "missing_token",
        /// Not three canonical base64url segments, or a header/claims set that is not a JSON
        /// object without duplicate names.
        MalformedToken = "malformed_token",
        /// Longer than the configured maximum (8192 bytes by default).
        TokenTooLarge = "token_too_large",
        /// `alg` missing or not a supported algorithm.
        UnsupportedAlgorithm = "unsupported_algorithm",
        /// `typ` other than `JWT`, or a `crit` / `b64` header member.
        UnsupportedHeader = "unsupported_header",
        /// The MAC does not match any candidate key (or is not 32 bytes, or `kid` names no key).
        InvalidSignature = "invalid_signature",
        /// `exp` (plus leeway) has passed, or `iat` is older than the configured maximum age.
        TokenExpired = "token_expired",
        /// `nbf` or `iat` lies in the future (beyond the leeway).
        TokenNotYetValid = "token_not_yet_valid",
        /// A required claim (`exp`, `sub`, or `iat` when a maximum age is set) is absent.
        MissingClaim = "missing_claim",
        /// A claim has the wrong type or an out-of-range value.
        InvalidClaim = "invalid_claim",
        /// `iss` is absent or differs from the configured issuer.
        InvalidIssuer = "invalid_issuer",
        /// `aud` is absent or does not contain the configured audience.
        InvalidAudience = "invalid_audience",
        /// A key shorter than 32 bytes was given when building a verifier (RFC 7518 3.2).
        WeakKey = "weak_key",
        /// A key ring or an option that cannot be used (bad `BETTER_AUTH_SECRETS` syntax,
        /// duplicate versions, more than 8 keys, leeway over 300 s, a JWK Set that is not one).
        InvalidConfig = "invalid_config",
        /// An asymmetric token without a `kid`, or whose `kid` names no usable key of the set.
        UnknownKey = "unknown_key",
        /// No key set could be had to check an asymmetric token (the token is not at fault).
        KeysUnavailable = "keys_unavailable",
    }
}

impl ErrorCode {
    /// A sentence saying what is wrong, for people (never contains token or key material).
    pub const fn description(self) -> &'static str {
        match self {
            Self::MissingToken => "no token was provided",
            Self::MalformedToken => "the token is not a well-formed JWT",
            Self::TokenTooLarge => "the token is larger than allowed",
            Self::UnsupportedAlgorithm => "the token's algorithm is not accepted",
            Self::UnsupportedHeader => "the token's header has an unsupported member",
            Self::InvalidSignature => "the token's signature is invalid",
            Self::TokenExpired => "the token has expired",
            Self::TokenNotYetValid => "the token is not valid yet",
            Self::MissingClaim => "a required claim is missing",
            Self::InvalidClaim => "a claim has an invalid value",
            Self::InvalidIssuer => "the token's issuer is not accepted",
            Self::InvalidAudience => "the token's audience is not accepted",
            Self::WeakKey => "the key is shorter than 32 bytes",
            Self::InvalidConfig => "the verifier configuration is invalid",
            Self::UnknownKey => "the token's key is not one of the accepted keys",
            Self::KeysUnavailable => "the keys to check the token cannot be had right now",
        }
    }

    /// What to do about it, for people reading a refusal (the inspector, the CLI, the docs).
    pub fn hint(self) -> String {
        match self {
            Self::MissingToken => "Send the token (`Authorization: Bearer <token>`), or paste one.".into(),
            Self::MalformedToken => "A JWT is three base64url segments (header.payload.signature) without padding \
                or spaces; header and payload must be JSON objects without repeated names."
                .into(),
            Self::TokenTooLarge => {
                format!("Tokens may be at most {DEFAULT_MAX_TOKEN_LEN} bytes (by default): carry less in the claims.")
            }
            Self::UnsupportedAlgorithm => "Sign with HS256, or with EdDSA, ES256, ES512, RS256 or PS256 when a JWK Set \
                is configured (JWKS, JWKS_URL or BETTER_AUTH_URL): \"alg\" is case-sensitive, and \"none\" is never accepted."
                .into(),
            Self::UnsupportedHeader => "Leave out \"crit\" and \"b64\"; \"typ\", if present, must be \"JWT\".".into(),
            Self::InvalidSignature => "The token was not signed with this secret, or was changed after signing. \
                Check BETTER_AUTH_SECRET, or the \"kid\" against the ring's versions."
                .into(),
            Self::TokenExpired => "The token (or, for a session cookie cache, its session) has expired: sign in again \
                for a fresh one (or allow a leeway for clock skew)."
                .into(),
            Self::TokenNotYetValid => {
                "\"nbf\" or \"iat\" lies in the future: check the issuer's clock, or allow a leeway.".into()
            }
            Self::MissingClaim => "Add the claim: \"exp\" and \"sub\" are required (a Better Auth session cookie \
                cache has no \"sub\": accept it with BETTER_AUTH_SESSION_CACHE=true)."
                .into(),
            Self::InvalidClaim => format!(
                "Fix the claim: times are numbers of seconds (0 to {MAX_NUMERIC_DATE}), \"sub\" a non-empty string \
                 of at most {MAX_SUB_CHARS} characters, \"user_id\" equal to \"sub\", \"jti\"/\"email\" strings; \
                 in a session cookie cache, \"session.userId\" equal to \"user.id\"."
            ),
            Self::InvalidIssuer => "\"iss\" must equal the configured issuer (JWT_ISSUER).".into(),
            Self::InvalidAudience => "\"aud\" must be (or contain) the configured audience (JWT_AUDIENCE).".into(),
            Self::WeakKey => format!("Secrets must be at least {MIN_KEY_LEN} bytes."),
            Self::InvalidConfig => format!(
                "Check the ring syntax (\"2:new,1:old\", at most {MAX_KEYS} keys), that the leeway is 0-{MAX_LEEWAY} s, \
                 and that a JWK Set is a JSON object with a \"keys\" array."
            ),
            Self::UnknownKey => "Asymmetric tokens need a \"kid\" naming a key of the JWK Set: check JWKS / JWKS_URL \
                (keys are fetched again at most every 30 s when a new kid appears)."
                .into(),
            Self::KeysUnavailable => "The JWK Set could not be fetched: check JWKS_URL (or BETTER_AUTH_URL) and that it \
                answers; HS256 tokens keep working meanwhile. Retry later."
                .into(),
        }
    }
}

names! {
    /// The claims the rules read (and an error can concern). Every other claim is kept as sent
    /// and never interpreted.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Claim {
        /// Expiration time (NumericDate), required by default.
        Exp = "exp",
        /// Not before (NumericDate).
        Nbf = "nbf",
        /// Issued at (NumericDate).
        Iat = "iat",
        /// The user id: a non-empty string, at most 255 characters.
        Sub = "sub",
        /// Must equal `sub` when present.
        UserId = "user_id",
        /// Issuer, checked when configured.
        Iss = "iss",
        /// Audience (a string or an array of strings), checked when configured.
        Aud = "aud",
        /// Token id (a string).
        Jti = "jti",
        /// The user's email (a string).
        Email = "email",
        /// The user's email under another name (a string).
        UserEmail = "user_email",
        /// Better Auth's session cookie cache: `session.userId` (the user id, equal to `user.id`)
        /// and `session.expiresAt`, when session-cache tokens are accepted.
        Session = "session",
    }
}

/// A failed check: its [`ErrorCode`] and, for claim errors, the [`Claim`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    claim: Option<Claim>,
}

impl Error {
    /// An error that concerns no particular claim.
    pub const fn new(code: ErrorCode) -> Self {
        Self { code, claim: None }
    }

    /// An error about one claim.
    pub const fn about(code: ErrorCode, claim: Claim) -> Self {
        Self { code, claim: Some(claim) }
    }

    /// The stable code.
    pub const fn code(&self) -> ErrorCode {
        self.code
    }

    /// The claim this error concerns, if any.
    pub const fn claim(&self) -> Option<Claim> {
        self.claim
    }

    /// The name of the claim this error concerns, if any (`"exp"`, ...).
    pub const fn claim_name(&self) -> Option<&'static str> {
        match self.claim {
            Some(c) => Some(c.as_str()),
            None => None,
        }
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

/// `the token has expired (claim "exp")`: the description, plus the claim when there is one.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.description())?;
        if let Some(claim) = self.claim {
            write!(f, " (claim \"{claim}\")")?;
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
