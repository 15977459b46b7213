//! The verifier: the contract's checks, in order, in one pass over the token.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use serde_json::value::RawValue;

use crate::alg::Algorithm;
use crate::codec::b64::{self, B64};
use crate::codec::json;
use crate::error::{Error, ErrorCode, Result};
#[cfg(feature = "jwks")]
use crate::keyset::jwks::{KeySet, SetKey};
use crate::rules::claims::{Claims, Kind, Service, Text};
use crate::rules::keys::KeyRing;
use crate::rules::options::Options;

/// The `typ` of Better Auth's session cookie cache when its `jwt()` plugin signs it.
pub const SESSION_CACHE_TYP: &str = "better-auth.session-cache+jwt";

/// A verifier: the HMAC key ring plus options, and, with feature `jwks`, a JWK Set for
/// asymmetric tokens. Built once and reused for every token.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: KeyRing,
    options: Options,
    /// Whether asymmetric tokens are checked (a JWK Set is configured, given or fetched).
    asymmetric: bool,
    #[cfg(feature = "jwks")]
    key_set: Option<KeySet>,
}

/// What a token's header says, read by step 3.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    /// The algorithm.
    pub alg: Algorithm,
    /// `kid`, raw, when present.
    pub(crate) kid: Option<&'a RawValue>,
    /// Whether `typ` says it is Better Auth's JWKS-signed session cookie cache.
    pub session_cache: bool,
    /// The service whose token it is, when checked as one ([`Service::typ`]).
    pub service: Option<Service>,
}

/// What a token is checked as: a user's token (every task route), or a service's (the bearer of
/// `POST /revocations`, of the admin routes). None is ever accepted as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A user's token: `typ` absent or `JWT` (or the JWKS-signed cookie cache's).
    User,
    /// A service's token: `typ` exactly the service's (checked only with `jwks`, as the hosts
    /// that take one, the Worker and the Better Auth plugin, are built).
    #[cfg_attr(not(feature = "jwks"), allow(dead_code))]
    Service(Service),
}

impl Header<'_> {
    /// `kid`, when a string.
    pub fn kid(&self) -> Option<String> {
        self.kid.and_then(json::as_str).map(String::from)
    }
}

impl Verifier {
    /// Builds a verifier; [`ErrorCode::InvalidConfig`] when the options are out of range.
    pub fn new(keys: KeyRing, options: Options) -> Result<Self> {
        options.validate()?;
        Ok(Self {
            keys,
            options,
            asymmetric: false,
            #[cfg(feature = "jwks")]
            key_set: None,
        })
    }

    /// The same verifier, checking asymmetric tokens against `set` (a JWK Set given inline).
    #[cfg(feature = "jwks")]
    pub fn with_key_set(mut self, set: KeySet) -> Self {
        self.key_set = Some(set);
        self.asymmetric = true;
        self
    }

    /// The same verifier, checking asymmetric tokens against a set its host fetches and passes
    /// to [`Verifier::verify_with`] (`JWKS_URL`).
    #[cfg(feature = "jwks")]
    pub fn with_fetched_keys(mut self) -> Self {
        self.asymmetric = true;
        self
    }

    /// The JWK Set given inline ([`Verifier::with_key_set`]), if any.
    #[cfg(feature = "jwks")]
    pub fn key_set(&self) -> Option<&KeySet> {
        self.key_set.as_ref()
    }

    /// The key ring.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Whether asymmetric tokens are checked (else they are `unsupported_algorithm`).
    pub fn checks_asymmetric(&self) -> bool {
        self.asymmetric
    }

    /// Verifies `token` at `now` (seconds since the epoch). The first failing check, in the
    /// contract's order, decides the error: size, shape, header, signature, claims.
    pub fn verify(&self, token: &str, now: u64) -> Result<Claims> {
        #[cfg(feature = "jwks")]
        return self.verify_with(token, now, self.key_set.as_ref());
        #[cfg(not(feature = "jwks"))]
        self.check(token, now, Purpose::User, |_, _, _| Err(Error::new(ErrorCode::UnsupportedAlgorithm)))
    }

    /// Verifies `token` against `set` for an asymmetric token (`None`: none could be had,
    /// `keys_unavailable`).
    #[cfg(feature = "jwks")]
    pub fn verify_with(&self, token: &str, now: u64, set: Option<&KeySet>) -> Result<Claims> {
        self.verify_checking(token, now, set, |key, message, signature| key.verify(key.alg(), message, signature))
    }

    /// [`Verifier::verify_with`], with `signature` deciding whether an asymmetric token's
    /// signature is valid by the key the rules chose for it (the key its `kid` names, already
    /// bound to the token's `alg`): for a host that checks signatures with its platform's
    /// crypto. [`crate::keyset::signature::Deferred`] defers it, holding the outcome until the
    /// host's verdict.
    #[cfg(feature = "jwks")]
    pub fn verify_checking(
        &self,
        token: &str,
        now: u64,
        set: Option<&KeySet>,
        signature: impl FnOnce(&SetKey, &[u8], &[u8]) -> bool,
    ) -> Result<Claims> {
        self.check(token, now, Purpose::User, |header, input, sig| by_key_set(set, header, input, sig, signature))
    }

    /// Verifies the bearer token of `POST /revocations` (contract section 4): `typ` exactly
    /// [`crate::REVOCATION_TYP`], signed like a user's token (the ring's key, or a key of `set`), `aud`
    /// [`crate::REVOCATION_AUDIENCE`], `exp` required and at most a minute ahead; it names no
    /// user. A user's token is refused here (`unsupported_header`), and this one everywhere else.
    #[cfg(feature = "jwks")]
    pub fn verify_revocation(&self, token: &str, now: u64, set: Option<&KeySet>) -> Result<()> {
        self.verify_service(Service::Revocations, token, now, set)
    }

    /// Verifies the bearer token of a route of `service` ([`Service`]): `typ` exactly
    /// [`Service::typ`], `aud` [`Service::audience`], otherwise as [`Verifier::verify_revocation`].
    #[cfg(feature = "jwks")]
    pub fn verify_service(&self, service: Service, token: &str, now: u64, set: Option<&KeySet>) -> Result<()> {
        let asymmetric = |header: &Header<'_>, input: &[u8], sig: &[u8]| {
            by_key_set(set, header, input, sig, |key, message, signature| key.verify(key.alg(), message, signature))
        };
        self.check(token, now, Purpose::Service(service), asymmetric).map(|_| ())
    }

    /// Verifies the value of Better Auth's session cookie cache (whole, or its chunks joined) at
    /// `now`, in the strategy the options name ([`Options::session_cache`]): `compact` and `jwe`
    /// are opened here with the ring's keys (each key tried, as a rotation needs) and must hold a
    /// session cookie cache's claims set; `jwt` is a JWS, which `jws` checks (the host's JWS path,
    /// which may defer an asymmetric signature; [`Verifier::verify`] for a plain one). The same
    /// size limit, error codes and redaction of the session key as for a token.
    #[cfg(feature = "session-cache")]
    pub fn verify_session_cache(
        &self,
        value: &str,
        now: u64,
        jws: impl FnOnce(&str) -> Result<Claims>,
    ) -> Result<Claims> {
        use crate::rules::session_cache::{SessionCache, compact, jwe};
        if !self.options.accept_session_cache {
            return Err(Error::new(ErrorCode::InvalidConfig));
        }
        if self.options.session_cache == SessionCache::Jwt {
            return jws(value);
        }
        if value.is_empty() {
            return Err(Error::new(ErrorCode::MissingToken));
        }
        if value.len() > self.options.max_token_len {
            return Err(Error::new(ErrorCode::TokenTooLarge));
        }
        let (json, header_len) = match self.options.session_cache {
            // No header in a `compact` cookie: an empty one stands for it.
            SessionCache::Compact => (["{}", &compact::open(value, &self.keys)?].concat(), 2),
            _ => jwe::open(value, &self.keys)?,
        };
        let kind = Kind { session_cache_cookie: true, ..Kind::default() };
        Claims::check(json, header_len, None, kind, &self.options, now)
    }

    /// Steps 1 to 3 only: what the header says (for a host deciding to fetch keys first).
    pub fn peek(&self, token: &str) -> Result<(Algorithm, Option<String>)> {
        let (header_b64, _, _) = shape(token, &self.options)?;
        let header = B64.decode(header_b64).map_err(|_| Error::new(ErrorCode::MalformedToken))?;
        let header = core::str::from_utf8(&header).map_err(|_| Error::new(ErrorCode::MalformedToken))?;
        let h = check_header(header, &self.options, self.asymmetric, Purpose::User)?;
        Ok((h.alg, h.kid()))
    }

    /// The checks, with `asymmetric` deciding step 4 for an asymmetric token (given the
    /// header, the signing input and the signature segment).
    fn check(
        &self,
        token: &str,
        now: u64,
        purpose: Purpose,
        asymmetric: impl FnOnce(&Header<'_>, &[u8], &[u8]) -> Result<()>,
    ) -> Result<Claims> {
        // 1. Size, and 2. shape: three canonical base64url segments. Header and payload are
        //    decoded into one buffer (the only allocation on the success path).
        let (header_b64, payload_b64, tag_b64) = shape(token, &self.options)?;
        let malformed = || Error::new(ErrorCode::MalformedToken);
        let mut buf = Vec::with_capacity(
            b64::decoded_len_estimate(header_b64.len()) + b64::decoded_len_estimate(payload_b64.len()),
        );
        B64.decode_vec(header_b64, &mut buf).map_err(|_| malformed())?;
        let header_len = buf.len();
        B64.decode_vec(payload_b64, &mut buf).map_err(|_| malformed())?;
        let signature = b64::decode_signature(tag_b64).ok_or_else(malformed)?;

        // 3. Header.
        let header = core::str::from_utf8(buf.get(..header_len).unwrap_or_default()).map_err(|_| malformed())?;
        let h = check_header(header, &self.options, self.asymmetric, purpose)?;

        // 4. Signature, over the ASCII `header.payload`: HS256 against the candidate keys of
        //    the ring, anything else against the key of the set its `kid` names.
        let signing_input = token.as_bytes().get(..header_b64.len() + 1 + payload_b64.len()).unwrap_or_default();
        let kid_str = h.kid.and_then(json::as_str);
        if h.alg.is_asymmetric() {
            asymmetric(&h, signing_input, signature.as_bytes())?;
        } else {
            // A tag of any length but 32 bytes never matches.
            let candidates = self.keys.candidates(kid_str.as_deref(), h.kid.is_some());
            let tag = match &signature {
                b64::Signature::Tag(tag) => Some(tag),
                b64::Signature::Bytes(_) => None,
            };
            if !tag.is_some_and(|tag| candidates.iter().any(|k| k.verify_mac(signing_input, tag))) {
                return Err(Error::new(ErrorCode::InvalidSignature));
            }
        }
        let kid = kid_str.map(|k| Text::of(header, k));
        let kind = Kind {
            asymmetric: h.alg.is_asymmetric(),
            session_cache_typ: h.session_cache,
            service: h.service,
            session_cache_cookie: false,
        };

        // 5. Claims. The header was UTF-8, so this only fails on the payload.
        let json = String::from_utf8(buf).map_err(|_| malformed())?;
        Claims::check(json, header_len, kid, kind, &self.options, now)
    }

    /// Verifies `token` against the system clock.
    #[cfg(feature = "std")]
    pub fn verify_now(&self, token: &str) -> Result<Claims> {
        self.verify(token, crate::rules::clock::now())
    }
}

/// Step 4 for an asymmetric token: the key of `set` its `kid` names, bound to one algorithm (a
/// token naming another never verifies), and `signature`'s verdict with it.
#[cfg(feature = "jwks")]
fn by_key_set(
    set: Option<&KeySet>,
    header: &Header<'_>,
    input: &[u8],
    sig: &[u8],
    signature: impl FnOnce(&SetKey, &[u8], &[u8]) -> bool,
) -> Result<()> {
    let set = set.ok_or(Error::new(ErrorCode::KeysUnavailable))?;
    let kid = header.kid.and_then(json::as_str).filter(|k| !k.is_empty());
    let key = kid.and_then(|k| set.get(&k)).ok_or(Error::new(ErrorCode::UnknownKey))?;
    match key.alg() == header.alg && signature(key, input, sig) {
        true => Ok(()),
        false => Err(Error::new(ErrorCode::InvalidSignature)),
    }
}

/// Steps 1 and 2: the size, then three segments (not yet decoded).
fn shape<'t>(token: &'t str, options: &Options) -> Result<(&'t str, &'t str, &'t str)> {
    if token.is_empty() {
        return Err(Error::new(ErrorCode::MissingToken));
    }
    if token.len() > options.max_token_len {
        return Err(Error::new(ErrorCode::TokenTooLarge));
    }
    let malformed = || Error::new(ErrorCode::MalformedToken);
    let (header_b64, rest) = token.split_once('.').ok_or_else(malformed)?;
    let (payload_b64, tag_b64) = rest.split_once('.').ok_or_else(malformed)?;
    if tag_b64.contains('.') {
        return Err(malformed());
    }
    Ok((header_b64, payload_b64, tag_b64))
}

/// Step 3: a JSON object without duplicate names; `alg` exactly `HS256`, or an asymmetric
/// algorithm this build verifies when a JWK Set is configured (`asymmetric`); `typ`, when
/// present, `JWT` in any case (or, for an asymmetric token where the session cookie cache is
/// accepted, [`SESSION_CACHE_TYP`]); no `crit` or `b64`.
pub(crate) fn check_header<'a>(
    header: &'a str,
    options: &Options,
    asymmetric: bool,
    purpose: Purpose,
) -> Result<Header<'a>> {
    let (mut alg, mut typ, mut kid, mut unsupported) = (None, None, None, false);
    let is_object = json::for_each_member(header, |name, value| match name {
        "alg" => alg = Some(value),
        "typ" => typ = Some(value),
        "kid" => kid = Some(value),
        "crit" | "b64" => unsupported = true,
        _ => {}
    });
    if !is_object {
        return Err(Error::new(ErrorCode::MalformedToken));
    }
    let alg = alg
        .and_then(json::as_str)
        .and_then(|a| Algorithm::parse(&a))
        .filter(|a| !a.is_asymmetric() || (asymmetric && a.is_supported()))
        .ok_or(Error::new(ErrorCode::UnsupportedAlgorithm))?;
    let typ = typ.map(|t| json::as_str(t).ok_or(Error::new(ErrorCode::UnsupportedHeader))).transpose()?;
    let session_cache =
        alg.is_asymmetric() && options.accept_session_cache && typ.as_deref() == Some(SESSION_CACHE_TYP);
    let service = match purpose {
        Purpose::Service(service) => Some(service),
        Purpose::User => None,
    };
    let typ_ok = match purpose {
        Purpose::User => typ.is_none_or(|t| t.eq_ignore_ascii_case("JWT")) || session_cache,
        Purpose::Service(service) => typ.is_some_and(|t| t.eq_ignore_ascii_case(service.typ())),
    };
    if !typ_ok || unsupported {
        return Err(Error::new(ErrorCode::UnsupportedHeader));
    }
    Ok(Header { alg, kid, session_cache: session_cache && service.is_none(), service })
}
