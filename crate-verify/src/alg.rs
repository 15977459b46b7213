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

    /// The Web Crypto API parameters for this algorithm, as JSON: those of `importKey` (for a
    /// JWK of [`crate::keyset::jwks::SetKey::public_jwk`]) and those of `verify`. `None` for HS256,
    /// which this crate always checks itself.
    pub const fn web_crypto(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Self::Hs256 => return None,
            Self::EdDsa => (r#"{"name":"Ed25519"}"#, r#"{"name":"Ed25519"}"#),
            Self::Es256 => (r#"{"name":"ECDSA","namedCurve":"P-256"}"#, r#"{"name":"ECDSA","hash":"SHA-256"}"#),
            Self::Es512 => (r#"{"name":"ECDSA","namedCurve":"P-521"}"#, r#"{"name":"ECDSA","hash":"SHA-512"}"#),
            Self::Rs256 => (r#"{"name":"RSASSA-PKCS1-v1_5","hash":"SHA-256"}"#, r#"{"name":"RSASSA-PKCS1-v1_5"}"#),
            // RFC 7518 3.5: the salt is as long as the hash.
            Self::Ps256 => (r#"{"name":"RSA-PSS","hash":"SHA-256"}"#, r#"{"name":"RSA-PSS","saltLength":32}"#),
        })
    }
}
