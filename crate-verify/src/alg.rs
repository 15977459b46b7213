//! The signature algorithms a token may name (`alg`), and the keys each needs.

use core::fmt;

names! {
    /// A JWS algorithm TaskGate knows. HS256 uses the HMAC secret; the others use a key of a JWK
    /// Set and each needs its cargo feature (`eddsa`, `es256`, `es512`, `rsa`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Algorithm {
        /// HMAC-SHA256 with the shared secret.
        Hs256 = "HS256",
        /// Ed25519 (RFC 8037).
        EdDsa = "EdDSA",
        /// ECDSA on P-256 with SHA-256, signature `r || s` (64 bytes).
        Es256 = "ES256",
        /// ECDSA on P-521 with SHA-512, signature `r || s` (132 bytes).
        Es512 = "ES512",
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        Rs256 = "RS256",
        /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
        Ps256 = "PS256",
    }
}

impl Algorithm {
    /// Whether the algorithm uses a public key from a JWK Set (anything but HS256).
    pub const fn is_asymmetric(self) -> bool {
        !matches!(self, Self::Hs256)
    }

    /// Whether this build can verify it (its cargo feature is on).
    pub const fn is_supported(self) -> bool {
        match self {
            Self::Hs256 => true,
            Self::EdDsa => cfg!(feature = "eddsa"),
            Self::Es256 => cfg!(feature = "es256"),
            Self::Es512 => cfg!(feature = "es512"),
            Self::Rs256 | Self::Ps256 => cfg!(feature = "rsa"),
        }
    }
}
