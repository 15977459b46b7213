//! The one error type: a stable code, the claim it concerns, and a human sentence.
//!
//! [`ErrorCode`] and [`Claim`] are the project's vocabulary: every other part (the Worker, the
//! npm package, the inspector, the Next.js helper, the CLI, the docs) takes the codes, their
//! sentences and the claim names from here (`docs/contract.md`).

use core::fmt;

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
        /// The signature does not verify: an HS256 MAC that matches no candidate key (or is not
        /// 32 bytes, or a `kid` naming no version of the ring), an asymmetric signature that the
        /// key its `kid` names does not verify, or a token whose `alg` is not its key's (no
        /// algorithm confusion: the HMAC secret never checks an asymmetric `alg`, nor a JWK Set
        /// key HS256).
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
        /// The token's session has ended (signed out, revoked, password changed, user banned or
        /// removed) before the token expired: contract section 4. Decided by the host, which
        /// keeps the revocations.
        SessionRevoked = "session_revoked",
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
            Self::SessionRevoked => "the token's session has ended",
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
        /// Better Auth's session cookie cache's `version` (absent: `"1"`), checked when one is
        /// configured (`cookieCache.version`).
        Version = "version",
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
