//! Decoding a token without a key, for tools and people: what it says, and what
//! [`Verifier::verify`](crate::Verifier::verify) would object to, short of the signature.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;

use crate::codec::b64::{self, B64};
use crate::error::{Error, ErrorCode};
use crate::rules::claims::{Claims, Kind};
use crate::rules::options::Options;
use crate::rules::session_cache;
use crate::rules::verify::{Purpose, check_header};

/// A token taken apart without a key. Never fails: every problem is listed instead.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inspection {
    /// The decoded header text, when the segment is canonical base64url of UTF-8.
    pub header: Option<String>,
    /// The decoded payload text, likewise, with a Better Auth session's live key
    /// (`session.token`) redacted.
    pub payload: Option<String>,
    /// Whether the payload has the shape of a Better Auth session cookie cache (a `session`,
    /// no `sub`): verify it with [`Options::accept_session_cache`](crate::Options).
    pub session_cache: bool,
    /// The number of `.`-separated segments (3 for a compact JWS).
    pub segments: usize,
    /// What verification would object to, at most one problem per step (size, shape,
    /// header, tag length, claims), in the contract's order. The signature itself is not
    /// checked: an empty list does not mean the token is genuine.
    pub problems: Vec<Error>,
}

/// Takes `token` apart and applies every check but the MAC, with `options` at `now`.
pub fn inspect(token: &str, options: &Options, now: u64) -> Inspection {
    let mut out = Inspection { segments: token.split('.').count(), ..Inspection::default() };
    fn problem(e: Error, out: &mut Inspection) {
        if !out.problems.contains(&e) {
            out.problems.push(e);
        }
    }
    if token.is_empty() {
        out.segments = 0;
        problem(Error::new(ErrorCode::MissingToken), &mut out);
        return out;
    }
    if token.len() > options.max_token_len {
        problem(Error::new(ErrorCode::TokenTooLarge), &mut out);
    }
    let malformed = Error::new(ErrorCode::MalformedToken);
    if out.segments != 3 {
        problem(malformed, &mut out);
    }
    let mut parts = token.splitn(3, '.');
    let decode = |segment: Option<&str>| {
        segment.and_then(|s| B64.decode(s).ok()).and_then(|bytes| String::from_utf8(bytes).ok())
    };
    out.header = decode(parts.next());
    out.payload = decode(parts.next()).map(|p| {
        let (redacted, shape) = session_cache::redact(&p);
        out.session_cache = shape;
        redacted.into_owned()
    });
    let signature = parts.next().map(b64::decode_signature);
    if out.header.is_none() || out.payload.is_none() || matches!(signature, Some(None)) {
        problem(malformed, &mut out);
    }
    // Without a key, every algorithm this build verifies is taken as configured.
    let header = out.header.as_deref().map(|h| check_header(h, options, true, Purpose::User));
    let kind = match header {
        Some(Ok(h)) => {
            Kind { asymmetric: h.alg.is_asymmetric(), session_cache_typ: h.session_cache, ..Kind::default() }
        }
        Some(Err(e)) => {
            problem(e, &mut out);
            Kind::default()
        }
        None => Kind::default(),
    };
    if !kind.asymmetric && matches!(signature, Some(Some(b64::Signature::Bytes(_)))) {
        problem(Error::new(ErrorCode::InvalidSignature), &mut out);
    }
    if let Some(payload) = &out.payload
        && let Err(e) = Claims::check(payload.clone(), 0, None, kind, options, now)
    {
        problem(e, &mut out);
    }
    out
}
