//! The one error type: a stable code, the claim it concerns, and a human sentence.

use core::fmt;

/// Every way verification (or building a verifier) can fail.
///
/// The string form ([`ErrorCode::as_str`]) is stable and identical in Rust, in the npm
/// package and in HTTP error bodies (`../shared/CONTRACT.md`, section 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// No token at all (an empty string).
    MissingToken,
    /// Not three canonical base64url segments, or a header/claims set that is not a JSON
    /// object without duplicate names.
    MalformedToken,
    /// Longer than the configured maximum (8192 bytes by default).
    TokenTooLarge,
    /// `alg` missing or anything but exactly `"HS256"`.
    UnsupportedAlgorithm,
    /// `typ` other than `JWT`, or a `crit` / `b64` header member.
    UnsupportedHeader,
    /// The MAC does not match any candidate key (or is not 32 bytes, or `kid` names no key).
    InvalidSignature,
    /// `exp` (plus leeway) has passed, or `iat` is older than the configured maximum age.
    TokenExpired,
    /// `nbf` or `iat` lies in the future (beyond the leeway).
    TokenNotYetValid,
    /// A required claim (`exp`, `sub`, or `iat` when a maximum age is set) is absent.
    MissingClaim,
    /// A claim has the wrong type or an out-of-range value.
    InvalidClaim,
    /// `iss` is absent or differs from the configured issuer.
    InvalidIssuer,
    /// `aud` is absent or does not contain the configured audience.
    InvalidAudience,
    /// A key shorter than 32 bytes was given when building a verifier (RFC 7518 3.2).
    WeakKey,
    /// A key ring or an option that cannot be used (bad `BETTER_AUTH_SECRETS` syntax,
    /// duplicate versions, more than 8 keys, leeway over 300 s).
    InvalidConfig,
}

impl ErrorCode {
    /// All codes, in contract order.
    pub const ALL: [ErrorCode; 14] = [
        Self::MissingToken,
        Self::MalformedToken,
        Self::TokenTooLarge,
        Self::UnsupportedAlgorithm,
        Self::UnsupportedHeader,
        Self::InvalidSignature,
        Self::TokenExpired,
        Self::TokenNotYetValid,
        Self::MissingClaim,
        Self::InvalidClaim,
        Self::InvalidIssuer,
        Self::InvalidAudience,
        Self::WeakKey,
        Self::InvalidConfig,
    ];

    /// The stable snake_case code, e.g. `"token_expired"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::MalformedToken => "malformed_token",
            Self::TokenTooLarge => "token_too_large",
            Self::UnsupportedAlgorithm => "unsupported_algorithm",
            Self::UnsupportedHeader => "unsupported_header",
            Self::InvalidSignature => "invalid_signature",
            Self::TokenExpired => "token_expired",
            Self::TokenNotYetValid => "token_not_yet_valid",
            Self::MissingClaim => "missing_claim",
            Self::InvalidClaim => "invalid_claim",
            Self::InvalidIssuer => "invalid_issuer",
            Self::InvalidAudience => "invalid_audience",
            Self::WeakKey => "weak_key",
            Self::InvalidConfig => "invalid_config",
        }
    }

    /// A sentence saying what is wrong, for people (never contains token or key material).
    pub const fn description(self) -> &'static str {
        match self {
            Self::MissingToken => "no token was provided",
            Self::MalformedToken => "the token is not a well-formed JWT",
            Self::TokenTooLarge => "the token is larger than allowed",
            Self::UnsupportedAlgorithm => "the token's algorithm is not HS256",
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
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed check: its [`ErrorCode`] and, for claim errors, the claim's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    claim: Option<&'static str>,
}

impl Error {
    /// An error that concerns no particular claim.
    pub const fn new(code: ErrorCode) -> Self {
        Self { code, claim: None }
    }

    /// An error about one claim (`exp`, `sub`, ...).
    pub const fn claim(code: ErrorCode, claim: &'static str) -> Self {
        Self { code, claim: Some(claim) }
    }

    /// The stable code.
    pub const fn code(&self) -> ErrorCode {
        self.code
    }

    /// The claim this error concerns, if any.
    pub const fn claim_name(&self) -> Option<&'static str> {
        self.claim
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
