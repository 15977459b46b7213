//! Public keys, parsed once from a JWK's members and kept ready (the Ed25519 point
//! decompressed, the P-256/P-521 point checked, the RSA modulus' Montgomery parameters
//! computed), and the one signature check per algorithm, on RustCrypto.

use crate::alg::Algorithm;

/// The smallest RSA modulus accepted, in bits (RFC 7518 sections 3.3 and 3.5).
pub const MIN_RSA_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (verification cost grows with its square).
pub const MAX_RSA_BITS: usize = 8192;

/// Why a JWK's key material cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// Not a valid key of its type (wrong length, not on the curve, a weak or non-canonical point).
    Invalid,
    /// An RSA modulus under 2048 bits.
    TooSmall,
    /// An RSA modulus over 8192 bits, or an exponent over 32 bits.
    TooLarge,
    /// This build has no support for the key's algorithm (its cargo feature is off).
    Unsupported,
}

/// A public key ready to verify signatures of one algorithm family.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// Ed25519 (`kty: OKP`, `crv: Ed25519`).
    #[cfg(feature = "eddsa")]
    Ed25519(ed25519_dalek::VerifyingKey),
    /// P-256 (`kty: EC`, `crv: P-256`).
    #[cfg(feature = "es256")]
    P256(p256::ecdsa::VerifyingKey),
    /// P-521 (`kty: EC`, `crv: P-521`).
    #[cfg(feature = "es512")]
    P521(p521::ecdsa::VerifyingKey),
    /// RSA (`kty: RSA`), 2048 to 8192 bits.
    #[cfg(feature = "rsa")]
    Rsa(rsa::PublicKey),
    /// No asymmetric algorithm is built in.
    #[doc(hidden)]
    #[cfg(not(any(feature = "eddsa", feature = "es256", feature = "es512", feature = "rsa")))]
    None(core::convert::Infallible),
}

impl PublicKey {
    /// An Ed25519 key from the JWK's `x` (32 bytes). Strict RFC 8032 decoding: a
    /// non-canonical encoding or a small-order point is refused.
    pub fn ed25519(x: &[u8]) -> Result<Self, KeyProblem> {
        #[cfg(feature = "eddsa")]
        {
            let bytes: &[u8; 32] = x.try_into().map_err(|_| KeyProblem::Invalid)?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| KeyProblem::Invalid)?;
            // from_bytes follows ZIP-215 and accepts non-canonical encodings RFC 8032 5.1.3 refuses.
            if key.to_edwards().compress().as_bytes() != bytes || key.is_weak() {
                return Err(KeyProblem::Invalid);
            }
            Ok(Self::Ed25519(key))
        }
        #[cfg(not(feature = "eddsa"))]
        {
            let _ = x;
            Err(KeyProblem::Unsupported)
        }
    }

    /// A P-256 key from the JWK's `x` and `y` (32 bytes each, RFC 7518 6.2.1.2).
    pub fn p256(x: &[u8], y: &[u8]) -> Result<Self, KeyProblem> {
        #[cfg(feature = "es256")]
        {
            use p256::{FieldBytes, Sec1Point};
            let x = FieldBytes::try_from(x).map_err(|_| KeyProblem::Invalid)?;
            let y = FieldBytes::try_from(y).map_err(|_| KeyProblem::Invalid)?;
            let point = Sec1Point::from_affine_coordinates(&x, &y, false);
            p256::ecdsa::VerifyingKey::from_sec1_point(&point).map(Self::P256).map_err(|_| KeyProblem::Invalid)
        }
        #[cfg(not(feature = "es256"))]
        {
            let _ = (x, y);
            Err(KeyProblem::Unsupported)
        }
    }

    /// A P-521 key from the JWK's `x` and `y` (66 bytes each).
    pub fn p521(x: &[u8], y: &[u8]) -> Result<Self, KeyProblem> {
        #[cfg(feature = "es512")]
        {
            use p521::{FieldBytes, Sec1Point};
            let x = FieldBytes::try_from(x).map_err(|_| KeyProblem::Invalid)?;
            let y = FieldBytes::try_from(y).map_err(|_| KeyProblem::Invalid)?;
            let point = Sec1Point::from_affine_coordinates(&x, &y, false);
            p521::ecdsa::VerifyingKey::from_sec1_point(&point).map(Self::P521).map_err(|_| KeyProblem::Invalid)
        }
        #[cfg(not(feature = "es512"))]
        {
            let _ = (x, y);
            Err(KeyProblem::Unsupported)
        }
    }

    /// An RSA key from the JWK's `n` and `e` (unsigned big-endian, no leading zero byte):
    /// 2048 to 8192 bits, an odd exponent from 3 to 2^32 - 1.
    pub fn rsa(n: &[u8], e: &[u8]) -> Result<Self, KeyProblem> {
        if n.first().is_none_or(|b| *b == 0) || e.first().is_none_or(|b| *b == 0) {
            return Err(KeyProblem::Invalid);
        }
        // Bounded before anything is allocated or computed.
        if n.len() > MAX_RSA_BITS / 8 || e.len() > 4 {
            return Err(KeyProblem::TooLarge);
        }
        if n.len() * 8 < MIN_RSA_BITS {
            return Err(KeyProblem::TooSmall);
        }
        #[cfg(feature = "rsa")]
        {
            use rsa::BoxedUint;
            let bits = |b: &[u8]| (b.len() * 8) as u32;
            let n = BoxedUint::from_be_slice(n, bits(n)).map_err(|_| KeyProblem::Invalid)?;
            let e = BoxedUint::from_be_slice(e, bits(e)).map_err(|_| KeyProblem::Invalid)?;
            rsa::PublicKey::new_with_size_limits(n, e, MIN_RSA_BITS..=MAX_RSA_BITS).map(Self::Rsa).map_err(
                |e| match e {
                    rsa::Error::ModulusTooSmall => KeyProblem::TooSmall,
                    rsa::Error::ModulusTooLarge => KeyProblem::TooLarge,
                    _ => KeyProblem::Invalid,
                },
            )
        }
        #[cfg(not(feature = "rsa"))]
        Err(KeyProblem::Unsupported)
    }

    /// Whether the key is of the family `alg` needs (the key is bound to its algorithm).
    pub fn fits(&self, alg: Algorithm) -> bool {
        match self {
            #[cfg(feature = "eddsa")]
            Self::Ed25519(_) => alg == Algorithm::EdDsa,
            #[cfg(feature = "es256")]
            Self::P256(_) => alg == Algorithm::Es256,
            #[cfg(feature = "es512")]
            Self::P521(_) => alg == Algorithm::Es512,
            #[cfg(feature = "rsa")]
            Self::Rsa(_) => matches!(alg, Algorithm::Rs256 | Algorithm::Ps256),
            #[cfg(not(any(feature = "eddsa", feature = "es256", feature = "es512", feature = "rsa")))]
            Self::None(never) => match *never {},
        }
    }

    /// Whether `signature` is a valid `alg` signature of `message` by this key. A key of
    /// another family than `alg` never verifies.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        if !self.fits(alg) {
            return false;
        }
        match self {
            #[cfg(feature = "eddsa")]
            Self::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            #[cfg(feature = "es256")]
            Self::P256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            #[cfg(feature = "es512")]
            Self::P521(key) => {
                use p521::ecdsa::signature::Verifier as _;
                p521::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            #[cfg(feature = "rsa")]
            Self::Rsa(key) => match alg {
                Algorithm::Rs256 => key.pkcs1v15_verify::<sha2::Sha256>(message, signature).is_ok(),
                // The salt length is fixed to the digest's (32 bytes), as RFC 7518 3.5 requires.
                _ => key.pss_verify::<sha2::Sha256>(message, signature).is_ok(),
            },
            #[cfg(not(any(feature = "eddsa", feature = "es256", feature = "es512", feature = "rsa")))]
            Self::None(never) => match *never {},
        }
    }
}
