//! HMAC keys and key rings (`BETTER_AUTH_SECRET` / `BETTER_AUTH_SECRETS`).
//!
//! Each key's HMAC-SHA256 state is keyed once when the ring is built; verifying or signing a
//! token clones that state (a copy of two SHA-256 states) instead of re-keying.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, ErrorCode, Result};

type HmacSha256 = Hmac<Sha256>;

pub use crate::rules::limits::{MAX_KEYS, MIN_KEY_LEN};

/// One HMAC-SHA256 key, keyed once, with an optional version (the JWS `kid`).
#[derive(Clone)]
pub struct Key {
    version: Option<Box<str>>,
    mac: HmacSha256,
    /// The key of Better Auth's `jwe` session cookie cache, derived from the same secret.
    #[cfg(feature = "session-cache")]
    jwe: Box<JweKey>,
}

/// The key Better Auth encrypts its `jwe` session cookie cache with, derived from a secret:
/// HKDF-SHA256 (ikm = the secret's bytes, salt `better-auth-session`, info `BetterAuth.js
/// Generated Encryption Key`), 64 bytes, and its name: the RFC 7638 SHA-256 thumbprint of the
/// key as an `oct` JWK, as the JWE header's `kid` carries it (contract 3.3).
#[cfg(feature = "session-cache")]
#[derive(Clone)]
pub(crate) struct JweKey {
    /// The 64 bytes: the HMAC-SHA512 key, then the AES-256 key (RFC 7518 5.2.2.1).
    pub(crate) bytes: [u8; 64],
    /// The thumbprint, base64url.
    pub(crate) kid: [u8; 43],
}

#[cfg(feature = "session-cache")]
impl JweKey {
    /// Better Auth's HKDF salt for the session cookie cache.
    const SALT: &[u8] = b"better-auth-session";
    /// Better Auth's HKDF info.
    const INFO: &[u8] = b"BetterAuth.js Generated Encryption Key";

    fn derive(secret: &[u8]) -> Self {
        use base64::Engine as _;
        use sha2::Digest as _;

        let mut bytes = [0u8; 64];
        // 64 bytes is well under HKDF-SHA256's limit of 255 * 32: `expand` cannot fail.
        let _ = hkdf::Hkdf::<Sha256>::new(Some(Self::SALT), secret).expand(Self::INFO, &mut bytes);
        // RFC 7638: the required members in lexicographic order, no whitespace.
        let mut k = [0u8; 86];
        let _ = crate::codec::b64::B64.encode_slice(bytes, &mut k);
        let digest =
            Sha256::new().chain_update(br#"{"k":""#).chain_update(k).chain_update(br#"","kty":"oct"}"#).finalize();
        let mut kid = [0u8; 43];
        let _ = crate::codec::b64::B64.encode_slice(digest, &mut kid);
        Self { bytes, kid }
    }
}

impl Key {
    /// A key from raw bytes; [`ErrorCode::WeakKey`] when shorter than [`MIN_KEY_LEN`].
    pub fn new(secret: &[u8]) -> Result<Self> {
        Self::build(None, secret)
    }

    /// A key with a version (used as `kid` when signing, and to select it when verifying).
    pub fn with_version(version: &str, secret: &[u8]) -> Result<Self> {
        if version.is_empty() {
            return Err(Error::new(ErrorCode::InvalidConfig));
        }
        Self::build(Some(version.into()), secret)
    }

    fn build(version: Option<Box<str>>, secret: &[u8]) -> Result<Self> {
        if secret.len() < MIN_KEY_LEN {
            return Err(Error::new(ErrorCode::WeakKey));
        }
        Ok(Self::keyed(version, secret))
    }

    /// Keys HMAC-SHA256 with a secret of any length (HMAC itself accepts any).
    fn keyed(version: Option<Box<str>>, secret: &[u8]) -> Self {
        let mac = <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
        #[cfg(feature = "session-cache")]
        let jwe = Box::new(JweKey::derive(secret));
        Self {
            version,
            mac,
            #[cfg(feature = "session-cache")]
            jwe,
        }
    }

    /// The key of the `jwe` session cookie cache derived from this key's secret.
    #[cfg(feature = "session-cache")]
    pub(crate) fn jwe(&self) -> &JweKey {
        &self.jwe
    }

    /// The version, when the key came from a versioned ring.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// HMAC-SHA256 of `data`.
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the HMAC-SHA256 of `data`, compared in constant time.
    /// Tags of any other length than 32 bytes never match.
    pub fn verify_mac(&self, data: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.mac.clone();
        mac.update(data);
        mac.verify_slice(tag).is_ok()
    }
}

/// Never prints key material.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key").field("version", &self.version).finish_non_exhaustive()
    }
}

/// The keys a verifier accepts, current (signing) key first. At most [`MAX_KEYS`].
#[derive(Clone, Debug)]
pub struct KeyRing {
    keys: Vec<Key>,
}

impl KeyRing {
    /// A ring of one unversioned key: `BETTER_AUTH_SECRET`'s UTF-8 bytes.
    pub fn from_secret(secret: &[u8]) -> Result<Self> {
        Ok(Self { keys: alloc::vec![Key::new(secret)?] })
    }

    /// A ring without keys, for a verifier of asymmetric tokens only: every HS256 token is then
    /// `invalid_signature`. Nothing can be signed with it.
    pub fn empty() -> Self {
        Self { keys: Vec::new() }
    }

    /// A ring from keys, the first being current. Versions, when given, must be unique.
    pub fn from_keys(keys: Vec<Key>) -> Result<Self> {
        if keys.is_empty() || keys.len() > MAX_KEYS {
            return Err(Error::new(ErrorCode::InvalidConfig));
        }
        for (i, k) in keys.iter().enumerate() {
            if let Some(v) = k.version()
                && keys[..i].iter().any(|o| o.version() == Some(v))
            {
                return Err(Error::new(ErrorCode::InvalidConfig));
            }
        }
        Ok(Self { keys })
    }

    /// Parses `BETTER_AUTH_SECRETS`: comma-separated `version:value` entries, current first,
    /// e.g. `2:new-secret...,1:old-secret...`.
    ///
    /// Entries are trimmed of surrounding whitespace; the version is the text before the first
    /// `:` (non-empty, unique); the value is everything after it. An empty entry, a missing
    /// `:`, a duplicate version or more than 8 entries is [`ErrorCode::InvalidConfig`]; a value
    /// under 32 bytes is [`ErrorCode::WeakKey`].
    pub fn parse(ring: &str) -> Result<Self> {
        let mut keys = Vec::new();
        for entry in ring.split(',') {
            if keys.len() == MAX_KEYS {
                return Err(Error::new(ErrorCode::InvalidConfig));
            }
            let (version, value) = entry.trim().split_once(':').ok_or(Error::new(ErrorCode::InvalidConfig))?;
            keys.push(Key::with_version(version, value.as_bytes())?);
        }
        Self::from_keys(keys)
    }

    /// The ring the environment describes: `BETTER_AUTH_SECRETS` when set, else
    /// `BETTER_AUTH_SECRET` (a value that is empty or only whitespace counts as unset). Neither
    /// set is [`ErrorCode::InvalidConfig`]. The one place this rule is written: the settings
    /// (`settings::keys_from_env`) and the npm package use it.
    pub fn from_env_values(secret: Option<&str>, secrets: Option<&str>) -> Result<Self> {
        fn present(v: Option<&str>) -> Option<&str> {
            v.filter(|v| !v.trim().is_empty())
        }
        match (present(secrets), present(secret)) {
            (Some(ring), _) => Self::parse(ring),
            (None, Some(secret)) => Self::from_secret(secret.as_bytes()),
            (None, None) => Err(Error::new(ErrorCode::InvalidConfig)),
        }
    }

    /// The current key, used for signing (`None` for [`KeyRing::empty`]).
    pub fn current_key(&self) -> Option<&Key> {
        self.keys.first()
    }

    /// The current key, used for signing. Panics on [`KeyRing::empty`], which no signer holds.
    pub fn current(&self) -> &Key {
        &self.keys[0]
    }

    /// All keys, current first.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Whether any key has a version (then `kid` selects keys).
    pub fn is_versioned(&self) -> bool {
        self.keys.iter().any(|k| k.version.is_some())
    }

    /// The keys to try for a token whose header has `kid` (a string, or `None` when absent or
    /// not a string): the one key of that version; none when the ring is versioned and no key
    /// has it; every key when the token has no `kid` or the ring has no versions.
    pub fn candidates<'a>(&'a self, kid: Option<&str>, kid_present: bool) -> &'a [Key] {
        if !kid_present || !self.is_versioned() {
            return &self.keys;
        }
        match kid.and_then(|kid| self.keys.iter().position(|k| k.version() == Some(kid))) {
            Some(i) => core::slice::from_ref(&self.keys[i]),
            None => &[],
        }
    }
}

#[cfg(test)]
#[path = "keys_wycheproof_tests.rs"]
mod wycheproof_tests;
