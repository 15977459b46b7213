//! JWK Sets (RFC 7517), read strictly, and the rules for keeping one fresh.
//!
//! [`KeySet::parse`] keeps the keys it can use, each bound to one algorithm, and reports the
//! others ([`Skipped`]) instead of failing the whole set. [`KeyCache`] says when a set must be
//! fetched (first need, after 10 minutes, for an unknown `kid` at most once per 30 s); the
//! fetching itself is the host's (the Worker's `fetch`, JavaScript's `fetch`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use serde_json::value::RawValue;

use crate::alg::Algorithm;
use crate::codec::b64::B64;
use crate::codec::json;
use crate::error::{Error, ErrorCode, Result};
use crate::keyset::pubkey::{KeyProblem, PublicKey};

/// How long a fetched set is used before it is fetched again, in seconds.
pub const MAX_AGE_SECONDS: u64 = 600;
/// The least time between two fetches of a set (for an unknown `kid`, or after a failure).
pub const REFETCH_INTERVAL_SECONDS: u64 = 30;
/// How long a fetch may take, in seconds.
pub const FETCH_TIMEOUT_SECONDS: u64 = 5;
/// The most keys a set may hold; the rest are skipped.
pub const MAX_SET_KEYS: usize = 32;
/// The largest JWK Set text accepted, in bytes.
pub const MAX_SET_BYTES: usize = 64 * 1024;

/// Members that only a private key has: a JWK with any of them is never used.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Why a key of a set is not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// Not a JSON object without repeated names.
    NotAnObject,
    /// No `kid` (tokens name their key by it), or not a non-empty string.
    NoKid,
    /// Another key of the set has the same `kid`: none of them is used.
    DuplicateKid,
    /// It carries private key material (`d`, `p`, ..., or an `oct` key's `k`).
    PrivateKey,
    /// `kty`/`crv` other than OKP/Ed25519, EC/P-256, EC/P-521 or RSA.
    UnsupportedKeyType,
    /// `alg` names no algorithm TaskGate verifies with a public key.
    UnsupportedAlgorithm,
    /// `alg` does not fit the key's type or curve.
    AlgorithmMismatch,
    /// An RSA key without `alg` (RS256 and PS256 both use RSA keys: the key must say which).
    AlgorithmRequired,
    /// `use` is not `sig`, or `key_ops` does not include `verify`.
    NotForSigning,
    /// The key material is not a usable key of its type.
    BadKey(KeyProblem),
    /// More than [`MAX_SET_KEYS`] keys.
    TooMany,
}

impl SkipReason {
    /// A short phrase, for logs and people.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotAnObject => "not a JSON object",
            Self::NoKid => "no kid",
            Self::DuplicateKid => "kid used by more than one key",
            Self::PrivateKey => "carries private key material",
            Self::UnsupportedKeyType => "unsupported kty or crv",
            Self::UnsupportedAlgorithm => "unsupported alg",
            Self::AlgorithmMismatch => "alg does not fit the key",
            Self::AlgorithmRequired => "an RSA key needs alg",
            Self::NotForSigning => "not a signing key (use / key_ops)",
            Self::BadKey(KeyProblem::TooSmall) => "RSA modulus under 2048 bits",
            Self::BadKey(KeyProblem::TooLarge) => "RSA modulus over 8192 bits or exponent over 32 bits",
            Self::BadKey(KeyProblem::Unsupported) => "algorithm not built in",
            Self::BadKey(KeyProblem::Invalid) => "invalid key material",
            Self::TooMany => "too many keys",
        }
    }
}

/// A key of a set that was not kept, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Its position in `keys`.
    pub index: usize,
    /// Its `kid`, when it had one.
    pub kid: Option<String>,
    /// Why it is not used.
    pub reason: SkipReason,
}

/// A usable key: its `kid`, the one algorithm it verifies, and the key, ready.
#[derive(Clone, Debug)]
pub struct SetKey {
    kid: Box<str>,
    alg: Algorithm,
    key: PublicKey,
    public_jwk: Box<str>,
}

impl SetKey {
    /// The key's `kid`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The algorithm the key is bound to.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key's public members alone as a JWK (`kty`, `crv`, `x`, `y`, `n`, `e`; no `alg`,
    /// `kid` or `use`), canonically encoded: what a host imports to check signatures with its
    /// platform's crypto ([`crate::keyset::signature`]), with the parameters of
    /// [`Algorithm::web_crypto`] for [`SetKey::alg`].
    pub fn public_jwk(&self) -> &str {
        &self.public_jwk
    }

    /// Whether `signature` is a valid `alg` signature of `message` by this key: never for
    /// another algorithm than the key's own.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        alg == self.alg && self.key.verify(alg, message, signature)
    }
}

/// The usable keys of a JWK Set.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<SetKey>,
}

/// The members of one JWK that the rules read, as raw JSON.
#[derive(Default)]
struct RawJwk<'a> {
    kty: Option<&'a RawValue>,
    crv: Option<&'a RawValue>,
    alg: Option<&'a RawValue>,
    kid: Option<&'a RawValue>,
    use_: Option<&'a RawValue>,
    key_ops: Option<&'a RawValue>,
    x: Option<&'a RawValue>,
    y: Option<&'a RawValue>,
    n: Option<&'a RawValue>,
    e: Option<&'a RawValue>,
    private: bool,
}

impl KeySet {
    /// Reads a JWK Set: a JSON object whose `keys` is an array (else `invalid_config`). Keys
    /// that cannot be used are skipped and reported, not fatal to the set.
    pub fn parse(json: &str) -> Result<(Self, Vec<Skipped>)> {
        let invalid = || Error::new(ErrorCode::InvalidConfig);
        if json.len() > MAX_SET_BYTES {
            return Err(invalid());
        }
        let mut keys_raw = None;
        if !json::for_each_member(json, |name, value| {
            if name == "keys" {
                keys_raw = Some(value);
            }
        }) {
            return Err(invalid());
        }
        let mut entries: Vec<&RawValue> = Vec::new();
        if !keys_raw.is_some_and(|raw| json::for_each_element(raw, |element| entries.push(element))) {
            return Err(invalid());
        }
        let mut kept: Vec<(usize, SetKey)> = Vec::new();
        let mut skipped = Vec::new();
        let mut kids: Vec<(usize, Option<String>)> = Vec::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let (kid, result) = read_jwk(entry);
            let result = if index >= MAX_SET_KEYS { Err(SkipReason::TooMany) } else { result };
            kids.push((index, kid.clone()));
            match result {
                Ok(key) => kept.push((index, key)),
                Err(reason) => skipped.push(Skipped { index, kid, reason }),
            }
        }
        // A kid that names two entries is ambiguous: none of them is used.
        let repeated = |kid: &str| kids.iter().filter(|(_, k)| k.as_deref() == Some(kid)).count() > 1;
        let (dups, keys): (Vec<_>, Vec<_>) = kept.into_iter().partition(|(_, key)| repeated(&key.kid));
        for (index, key) in dups {
            skipped.push(Skipped { index, kid: Some(key.kid.into()), reason: SkipReason::DuplicateKid });
        }
        skipped.sort_by_key(|s| s.index);
        Ok((Self { keys: keys.into_iter().map(|(_, key)| key).collect() }, skipped))
    }

    /// The key named `kid`.
    pub fn get(&self, kid: &str) -> Option<&SetKey> {
        self.keys.iter().find(|k| &*k.kid == kid)
    }

    /// The usable keys.
    pub fn keys(&self) -> &[SetKey] {
        &self.keys
    }
}

/// One JWK: its `kid` (when a string) and the key, or why it is skipped.
fn read_jwk(entry: &RawValue) -> (Option<String>, core::result::Result<SetKey, SkipReason>) {
    let mut raw = RawJwk::default();
    let is_object = json::for_each_member(entry.get(), |name, value| match name {
        "kty" => raw.kty = Some(value),
        "crv" => raw.crv = Some(value),
        "alg" => raw.alg = Some(value),
        "kid" => raw.kid = Some(value),
        "use" => raw.use_ = Some(value),
        "key_ops" => raw.key_ops = Some(value),
        "x" => raw.x = Some(value),
        "y" => raw.y = Some(value),
        "n" => raw.n = Some(value),
        "e" => raw.e = Some(value),
        other => raw.private |= PRIVATE_MEMBERS.contains(&other),
    });
    let kid = raw.kid.and_then(json::as_str).filter(|k| !k.is_empty()).map(|k| String::from(&*k));
    if !is_object {
        return (kid, Err(SkipReason::NotAnObject));
    }
    let result = key_of(&raw, kid.as_deref());
    (kid, result)
}

fn key_of(raw: &RawJwk<'_>, kid: Option<&str>) -> core::result::Result<SetKey, SkipReason> {
    let kid = kid.ok_or(SkipReason::NoKid)?;
    if raw.private {
        return Err(SkipReason::PrivateKey);
    }
    fn text(v: Option<&RawValue>) -> Option<alloc::borrow::Cow<'_, str>> {
        v.and_then(json::as_str)
    }
    if raw.use_.is_some() && text(raw.use_).as_deref() != Some("sig") {
        return Err(SkipReason::NotForSigning);
    }
    if let Some(ops) = raw.key_ops {
        let mut verify = false;
        if !json::for_each_str_in_array(ops, |op| verify |= op == "verify") || !verify {
            return Err(SkipReason::NotForSigning);
        }
    }
    // The algorithms the key's type allows; its `alg`, when present, must be one of them.
    let (kty, crv) = (text(raw.kty), text(raw.crv));
    let family: &[Algorithm] = match (kty.as_deref(), crv.as_deref()) {
        (Some("OKP"), Some("Ed25519")) => &[Algorithm::EdDsa],
        (Some("EC"), Some("P-256")) => &[Algorithm::Es256],
        (Some("EC"), Some("P-521")) => &[Algorithm::Es512],
        (Some("RSA"), _) => &[Algorithm::Rs256, Algorithm::Ps256],
        _ => return Err(SkipReason::UnsupportedKeyType),
    };
    let alg = match raw.alg {
        Some(alg) => {
            let alg = text(Some(alg))
                .and_then(|a| Algorithm::parse(&a))
                .filter(|a| a.is_asymmetric())
                .ok_or(SkipReason::UnsupportedAlgorithm)?;
            if !family.contains(&alg) {
                return Err(SkipReason::AlgorithmMismatch);
            }
            alg
        }
        None if family.len() == 1 => family[0],
        None => return Err(SkipReason::AlgorithmRequired),
    };
    let bytes = |v: Option<&RawValue>| -> core::result::Result<Vec<u8>, SkipReason> {
        let s = text(v).ok_or(SkipReason::BadKey(KeyProblem::Invalid))?;
        B64.decode(s.as_bytes()).map_err(|_| SkipReason::BadKey(KeyProblem::Invalid))
    };
    // The public members, re-encoded canonically, for a host importing the key (WebCrypto).
    let mut jwk = String::with_capacity(64);
    let mut member = |name: &str, value: &[u8]| {
        jwk.push_str(",\"");
        jwk.push_str(name);
        jwk.push_str("\":\"");
        B64.encode_string(value, &mut jwk);
        jwk.push('"');
    };
    let key = match alg {
        Algorithm::EdDsa => {
            let x = bytes(raw.x)?;
            member("x", &x);
            PublicKey::ed25519(&x)
        }
        Algorithm::Es256 | Algorithm::Es512 => {
            let (x, y) = (bytes(raw.x)?, bytes(raw.y)?);
            member("x", &x);
            member("y", &y);
            if alg == Algorithm::Es256 { PublicKey::p256(&x, &y) } else { PublicKey::p521(&x, &y) }
        }
        _ => {
            let (n, e) = (bytes(raw.n)?, bytes(raw.e)?);
            member("n", &n);
            member("e", &e);
            PublicKey::rsa(&n, &e)
        }
    }
    .map_err(SkipReason::BadKey)?;
    let head = match alg {
        Algorithm::EdDsa => r#"{"kty":"OKP","crv":"Ed25519""#,
        Algorithm::Es256 => r#"{"kty":"EC","crv":"P-256""#,
        Algorithm::Es512 => r#"{"kty":"EC","crv":"P-521""#,
        _ => r#"{"kty":"RSA""#,
    };
    jwk.insert_str(0, head);
    jwk.push('}');
    Ok(SetKey { kid: kid.into(), alg, key, public_jwk: jwk.into() })
}
