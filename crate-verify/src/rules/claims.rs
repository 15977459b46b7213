//! The verified claims: typed registered claims plus the header and payload JSON as sent.
//!
//! A [`Claims`] owns one buffer (the decoded header followed by the decoded payload) and
//! points into it, so a verification that succeeds allocates once for the token, plus one
//! small copy for a string claim only when it was written with JSON escapes.
//! Why one file of about 450 lines: the claim rules run in the contract's order in one pass over
//! the payload, and splitting that pass would spread one ordered procedure over several files.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::value::RawValue;

use crate::codec::json;
use crate::codec::time::NumericDate;
use crate::error::{Claim, Error, ErrorCode, Result};
use crate::rules::limits::MAX_REVOCATION_TOKEN_SECONDS;
use crate::rules::options::Options;
use crate::rules::session_cache;

pub use crate::rules::limits::MAX_SUB_CHARS;

/// The `aud` of Better Auth's session cookie cache when its `jwt()` plugin signs it.
pub const SESSION_CACHE_AUDIENCE: &str = "better-auth:session-cache";

/// What step 3 found that the claim rules depend on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Kind {
    /// Signed with a key of a JWK Set: `iss` and `aud` are required.
    pub asymmetric: bool,
    /// `typ` is the JWKS-signed session cookie cache's: its `aud` is [`SESSION_CACHE_AUDIENCE`].
    pub session_cache_typ: bool,
    /// A service token ([`Service`]: a revocation token, contract section 4, or an admin token):
    /// its `aud` is the service's, its `exp` at most a minute ahead, and it has no user.
    pub service: Option<Service>,
    /// Opened from a `compact` or `jwe` session cookie cache: only a session cookie cache's
    /// claims set (a `session`, no `sub`) is accepted.
    pub session_cache_cookie: bool,
}

/// The `typ` of a revocation token, the bearer of `POST /revocations` (contract section 4).
pub const REVOCATION_TYP: &str = "taskgate-revocation+jwt";
/// The `aud` of a revocation token.
pub const REVOCATION_AUDIENCE: &str = "taskgate:revocations";
/// The `typ` of an admin token, the bearer of the Worker's admin routes (`POST /admin/moves`).
pub const ADMIN_TYP: &str = "taskgate-admin+jwt";
/// The `aud` of an admin token.
pub const ADMIN_AUDIENCE: &str = "taskgate:admin";

/// A token a server sends to the Worker, naming no user: signed like a user's token, its own
/// `typ` and `aud`, `exp` at most a minute ahead. Each is refused everywhere but its routes, and a
/// user's token is refused there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Better Auth's plugin telling the Worker which sessions ended (`POST /revocations`).
    Revocations,
    /// An operator's tool (`POST /admin/moves`).
    Admin,
}

impl Service {
    /// The token's `typ`.
    pub const fn typ(self) -> &'static str {
        match self {
            Service::Revocations => REVOCATION_TYP,
            Service::Admin => ADMIN_TYP,
        }
    }

    /// The token's `aud`.
    pub const fn audience(self) -> &'static str {
        match self {
            Service::Revocations => REVOCATION_AUDIENCE,
            Service::Admin => ADMIN_AUDIENCE,
        }
    }
}

/// A string value inside a [`Claims`] buffer, or its unescaped copy when it had escapes.
#[derive(Clone, Debug)]
pub(crate) enum Text {
    Span(usize, usize),
    Owned(Box<str>),
}

impl Text {
    /// Locates `s` (a slice of `base`, or an unescaped copy) for later retrieval.
    pub(crate) fn of(base: &str, s: Cow<'_, str>) -> Self {
        match s {
            Cow::Borrowed(b) => {
                let start = b.as_ptr() as usize - base.as_ptr() as usize;
                Text::Span(start, start + b.len())
            }
            Cow::Owned(o) => Text::Owned(o.into_boxed_str()),
        }
    }

    fn get<'a>(&'a self, base: &'a str) -> &'a str {
        match self {
            // Spans are made by `Text::of` from slices of `base`: `get` never fails, and has no
            // panic path (whose messages would weigh on the npm package's Wasm).
            Text::Span(a, b) => base.get(*a..*b).unwrap_or_default(),
            Text::Owned(s) => s,
        }
    }
}

/// The claims of a verified token. Every accessor is cheap; nothing is parsed again except
/// by [`Claims::audiences`].
#[derive(Clone, Debug)]
pub struct Claims {
    json: String,
    header_len: usize,
    kid: Option<Text>,
    sub: Text,
    iss: Option<Text>,
    aud: Option<Text>,
    jti: Option<Text>,
    email: Option<Text>,
    exp: Option<NumericDate>,
    nbf: Option<NumericDate>,
    iat: Option<NumericDate>,
    session_id: Option<Text>,
    session_cache: bool,
}

/// The registered members of a claims set, as raw JSON, before any rule is applied.
#[derive(Default)]
struct RawClaims<'a> {
    exp: Option<&'a RawValue>,
    nbf: Option<&'a RawValue>,
    iat: Option<&'a RawValue>,
    sub: Option<&'a RawValue>,
    user_id: Option<&'a RawValue>,
    iss: Option<&'a RawValue>,
    aud: Option<&'a RawValue>,
    jti: Option<&'a RawValue>,
    email: Option<&'a RawValue>,
    user_email: Option<&'a RawValue>,
    sid: Option<&'a RawValue>,
    session: Option<&'a RawValue>,
    user: Option<&'a RawValue>,
    version: Option<&'a RawValue>,
}

impl Claims {
    /// Applies the claim rules of the contract (section 1, step 5) to the payload, which
    /// starts at `header_len` in `json`, in the contract's order. `kid` is already located.
    pub(crate) fn check(
        json: String,
        header_len: usize,
        kid: Option<Text>,
        kind: Kind,
        options: &Options,
        now: u64,
    ) -> Result<Self> {
        let base = json.as_str();
        let mut raw = RawClaims::default();
        let is_object = json::for_each_member(base.get(header_len..).unwrap_or_default(), |name, value| {
            // The claims' names are the crate's `Claim` names, matched as constants (a
            // `Claim::parse` first would cost a second dispatch on every member).
            const EXP: &str = Claim::Exp.as_str();
            const NBF: &str = Claim::Nbf.as_str();
            const IAT: &str = Claim::Iat.as_str();
            const SUB: &str = Claim::Sub.as_str();
            const USER_ID: &str = Claim::UserId.as_str();
            const ISS: &str = Claim::Iss.as_str();
            const AUD: &str = Claim::Aud.as_str();
            const JTI: &str = Claim::Jti.as_str();
            const EMAIL: &str = Claim::Email.as_str();
            const USER_EMAIL: &str = Claim::UserEmail.as_str();
            const SID: &str = "sid";
            const VERSION: &str = Claim::Version.as_str();
            use crate::rules::session_cache::{SESSION, USER};
            let slot = match name {
                EXP => &mut raw.exp,
                NBF => &mut raw.nbf,
                IAT => &mut raw.iat,
                SUB => &mut raw.sub,
                USER_ID => &mut raw.user_id,
                ISS => &mut raw.iss,
                AUD => &mut raw.aud,
                JTI => &mut raw.jti,
                EMAIL => &mut raw.email,
                USER_EMAIL => &mut raw.user_email,
                SID => &mut raw.sid,
                SESSION => &mut raw.session,
                USER => &mut raw.user,
                VERSION => &mut raw.version,
                _ => return,
            };
            *slot = Some(value);
        });
        if !is_object {
            return Err(Error::new(ErrorCode::MalformedToken));
        }

        // A Better Auth session cookie cache: no `sub`, a `session` (section 3.3), when accepted.
        let session_cache = raw.session.filter(|_| options.accept_session_cache && raw.sub.is_none());
        if kind.session_cache_cookie && session_cache.is_none() {
            return Err(Error::about(ErrorCode::InvalidClaim, Claim::Session));
        }

        // Times: exact whole seconds plus a fraction flag, against the whole-second clock.
        let leeway = u64::from(options.leeway);
        let exp = numeric_date(raw.exp, Claim::Exp)?;
        match exp {
            None if options.require_exp || session_cache.is_some() || kind.service.is_some() => {
                return Err(Error::about(ErrorCode::MissingClaim, Claim::Exp));
            }
            // Expired when now >= exp + leeway.
            Some(exp) if now.checked_sub(leeway).is_some_and(|t| exp.at_or_before(t)) => {
                return Err(Error::about(ErrorCode::TokenExpired, Claim::Exp));
            }
            _ => {}
        }
        // Not yet valid when nbf (or iat) > now + leeway.
        let nbf = numeric_date(raw.nbf, Claim::Nbf)?;
        if nbf.is_some_and(|nbf| !nbf.at_or_before(now.saturating_add(leeway))) {
            return Err(Error::about(ErrorCode::TokenNotYetValid, Claim::Nbf));
        }
        let iat = numeric_date(raw.iat, Claim::Iat)?;
        if iat.is_some_and(|iat| !iat.at_or_before(now.saturating_add(leeway))) {
            return Err(Error::about(ErrorCode::TokenNotYetValid, Claim::Iat));
        }
        if let Some(max_age) = options.max_age {
            // Too old when now > iat + max_age + leeway (a fraction of iat cannot change that).
            let iat = iat.ok_or(Error::about(ErrorCode::MissingClaim, Claim::Iat))?;
            if now > iat.secs().saturating_add(max_age).saturating_add(leeway) {
                return Err(Error::about(ErrorCode::TokenExpired, Claim::Iat));
            }
        }

        if kind.service.is_some() {
            // At most a minute ahead: a stolen service token is of little use for long.
            let horizon = now.saturating_add(MAX_REVOCATION_TOKEN_SECONDS).saturating_add(leeway);
            if exp.is_some_and(|exp| !exp.at_or_before(horizon)) {
                return Err(Error::about(ErrorCode::InvalidClaim, Claim::Exp));
            }
            issuer_and_audience(raw.iss, raw.aud, kind, options)?;
            let sub = Text::Owned(Box::from(""));
            let (iss, aud, jti, email, session_id) = (None, None, None, None, None);
            let session_cache = false;
            return Ok(Self {
                json,
                header_len,
                kid,
                sub,
                iss,
                aud,
                jti,
                email,
                exp,
                nbf,
                iat,
                session_id,
                session_cache,
            });
        }

        // Better Auth's `cookieCache.version`, when configured: `version` absent counts as "1".
        if let (Some(want), Some(_)) =
            (&options.session_cache_version, raw.session.filter(|_| options.accept_session_cache))
        {
            let version = raw.version.map_or(Some(Cow::Borrowed("1")), json::as_str);
            if version.as_deref() != Some(want.as_str()) {
                return Err(Error::about(ErrorCode::InvalidClaim, Claim::Version));
            }
        }

        #[cfg(feature = "session-cache")]
        if let Some(session) = session_cache {
            let claims = Self::session_cache(&json, header_len, kid, session, raw.user, leeway, now, (exp, nbf, iat))?;
            // Signed with a JWK Set key, the payload's shape earns no exemption: an asymmetric
            // token always has its issuer and audience checked (contract 3.2).
            if kind.asymmetric {
                issuer_and_audience(raw.iss, raw.aud, kind, options)?;
            }
            return Ok(claims);
        }

        // The subject is the user id.
        let sub = raw.sub.ok_or(Error::about(ErrorCode::MissingClaim, Claim::Sub))?;
        let sub = json::as_str(sub)
            .filter(|s| !s.is_empty() && s.chars().count() <= MAX_SUB_CHARS)
            .ok_or(Error::about(ErrorCode::InvalidClaim, Claim::Sub))?;
        if let Some(user_id) = raw.user_id
            && json::as_str(user_id).as_deref() != Some(&*sub)
        {
            return Err(Error::about(ErrorCode::InvalidClaim, Claim::UserId));
        }

        let iss = issuer_and_audience(raw.iss, raw.aud, kind, options)?;

        let jti = string_claim(raw.jti, Claim::Jti)?;
        let email = string_claim(raw.email, Claim::Email)?;
        let user_email = string_claim(raw.user_email, Claim::UserEmail)?;

        let sub = Text::of(base, sub);
        let iss = iss.map(|s| Text::of(base, s));
        let aud = raw.aud.map(|a| Text::of(base, Cow::Borrowed(a.get())));
        let jti = jti.map(|s| Text::of(base, s));
        let email = email.or(user_email).map(|s| Text::of(base, s));
        // The session: `session.id` beside a session (the JWKS-signed cookie cache, whose `sid`
        // is the live key), else `sid` (a TaskGate token), when a string.
        let session_id = match raw.session {
            Some(session) => session_cache::member_str(session, session_cache::ID),
            None => raw.sid.and_then(json::as_str),
        };
        let session_id = session_id.map(|s| Text::of(base, s));
        #[cfg(feature = "jwks")]
        let has_session = raw.session.is_some();
        let claims =
            Self { json, header_len, kid, sub, iss, aud, jti, email, exp, nbf, iat, session_id, session_cache: false };
        // A session beside a `sub` (the JWKS-signed cookie cache, which only builds with `jwks`
        // can verify): its live key goes.
        #[cfg(feature = "jwks")]
        let claims = if has_session { claims.redacted() } else { claims };
        Ok(claims)
    }

    /// Replaces the payload by its [`session_cache::redact`]ed text, every located string
    /// copied first (their places move).
    #[cfg(feature = "jwks")]
    fn redacted(mut self) -> Self {
        let (header, payload) = self.json.split_at_checked(self.header_len).unwrap_or_default();
        let redacted = crate::rules::session_cache::redact(payload).0;
        if matches!(redacted, Cow::Borrowed(_)) {
            return self;
        }
        let json = [header, &redacted].concat();
        let own = |t: &mut Text, base: &str| *t = Text::Owned(t.get(base).into());
        let base = core::mem::take(&mut self.json);
        own(&mut self.sub, &base);
        let texts = [&mut self.iss, &mut self.aud, &mut self.jti, &mut self.email, &mut self.kid, &mut self.session_id];
        for t in texts.into_iter().flatten() {
            own(t, &base);
        }
        self.json = json;
        self
    }

    #[cfg(feature = "session-cache")]
    #[allow(clippy::too_many_arguments)]
    /// The rest of the rules for a session cookie cache, after the times: the user from
    /// `session.userId` (= `user.id`), the session's own expiry, then the claims set handed out
    /// with `session.token` redacted. `iss`/`aud` are not checked: the cookie never has them
    /// (it is the app's own, signed with its secret).
    fn session_cache(
        json: &str,
        header_len: usize,
        kid: Option<Text>,
        session: &RawValue,
        user: Option<&RawValue>,
        leeway: u64,
        now: u64,
        (exp, nbf, iat): (Option<NumericDate>, Option<NumericDate>, Option<NumericDate>),
    ) -> Result<Self> {
        let session = session_cache::read(session, user)?;
        if now.checked_sub(leeway).is_some_and(|t| session.expires_at.at_or_before(t)) {
            return Err(Error::about(ErrorCode::TokenExpired, Claim::Session));
        }
        let (header, payload) = json.split_at_checked(header_len).unwrap_or_default();
        let mut out = String::with_capacity(json.len());
        out.push_str(header);
        out.push_str(&session_cache::redact(payload).0);
        let owned = |s: Cow<'_, str>| Text::Owned(s.into_owned().into_boxed_str());
        Ok(Self {
            json: out,
            header_len,
            kid,
            sub: owned(session.user_id),
            iss: None,
            aud: None,
            jti: None,
            email: session.email.map(owned),
            exp,
            nbf,
            iat,
            session_id: session.id.map(owned),
            session_cache: true,
        })
    }

    /// Whether the token was a Better Auth session cookie cache (then [`Claims::payload_json`]
    /// has `session.token` redacted).
    pub fn is_session_cache(&self) -> bool {
        self.session_cache
    }

    /// The session the token belongs to, by which a host revokes it (contract section 4): a
    /// TaskGate token's `sid`, or the `session.id` of a session cookie cache (never its live
    /// key). `None` for a token without one (a `jwt()` plugin token: revoked by `sub` and `iat`).
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_ref().map(|t| t.get(&self.json))
    }

    /// `sub`: the user id (for a session cookie cache, `session.userId`).
    pub fn sub(&self) -> &str {
        self.sub.get(&self.json)
    }

    /// `exp`, when present.
    pub fn exp(&self) -> Option<NumericDate> {
        self.exp
    }

    /// `nbf`, when present.
    pub fn nbf(&self) -> Option<NumericDate> {
        self.nbf
    }

    /// `iat`, when present.
    pub fn iat(&self) -> Option<NumericDate> {
        self.iat
    }

    /// `iss`, when present and a string.
    pub fn iss(&self) -> Option<&str> {
        self.iss.as_ref().map(|t| t.get(&self.json))
    }

    /// `jti`, when present.
    pub fn jti(&self) -> Option<&str> {
        self.jti.as_ref().map(|t| t.get(&self.json))
    }

    /// `email`, or else `user_email`, when present.
    pub fn email(&self) -> Option<&str> {
        self.email.as_ref().map(|t| t.get(&self.json))
    }

    /// The header's `kid`, when it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_ref().map(|t| t.get(&self.json))
    }

    /// `aud` as a list (one entry when it was a string; empty when absent or not a string or
    /// an array of strings). Parses the raw value on each call.
    pub fn audiences(&self) -> Vec<String> {
        // `aud` is located as its raw JSON text (a string or an array).
        let Some(raw) = self.aud.as_ref().map(|t| t.get(&self.json)) else {
            return Vec::new();
        };
        serde_json::from_str::<String>(raw)
            .map(|one| alloc::vec![one])
            .or_else(|_| serde_json::from_str::<Vec<String>>(raw))
            .unwrap_or_default()
    }

    /// The decoded header, as sent (a JSON object).
    pub fn header_json(&self) -> &str {
        self.json.get(..self.header_len).unwrap_or_default()
    }

    /// The decoded payload, as sent (a JSON object): read unknown claims from here.
    pub fn payload_json(&self) -> &str {
        self.json.get(self.header_len..).unwrap_or_default()
    }
}

/// `iss` and `aud` (after `sub`): checked only when configured, a value of the wrong type then
/// simply not the configured one; unconfigured, they are kept and never interpreted. An
/// asymmetric token must carry both, checked against the configured values or else the JWK
/// Set's (`BETTER_AUTH_URL`); with none to check against, it is refused. Returns `iss`.
fn issuer_and_audience<'a>(
    iss: Option<&'a RawValue>,
    aud: Option<&'a RawValue>,
    kind: Kind,
    options: &Options,
) -> Result<Option<Cow<'a, str>>> {
    let iss = iss.and_then(json::as_str);
    let want_iss = options.issuer.as_deref().or(options.jwks_issuer.as_deref().filter(|_| kind.asymmetric));
    if (kind.asymmetric || want_iss.is_some()) && (want_iss.is_none() || iss.as_deref() != want_iss) {
        return Err(Error::about(ErrorCode::InvalidIssuer, Claim::Iss));
    }
    let want_aud = match kind {
        Kind { service: Some(service), .. } => Some(service.audience()),
        Kind { session_cache_typ: true, .. } => Some(SESSION_CACHE_AUDIENCE),
        Kind { asymmetric: true, .. } => options.audience.as_deref().or(options.jwks_audience.as_deref()),
        _ => options.audience.as_deref(),
    };
    if kind.asymmetric && want_aud.is_none() {
        return Err(Error::about(ErrorCode::InvalidAudience, Claim::Aud));
    }
    if let Some(want) = want_aud {
        let found = aud.is_some_and(|aud| match json::as_str(aud) {
            Some(one) => one == want,
            None => {
                let mut found = false;
                json::for_each_str_in_array(aud, |a| found |= a == want) && found
            }
        });
        if !found {
            return Err(Error::about(ErrorCode::InvalidAudience, Claim::Aud));
        }
    }
    Ok(iss)
}

/// A NumericDate claim: a JSON number in 0..=253402300799 (fractions allowed).
fn numeric_date(raw: Option<&RawValue>, claim: Claim) -> Result<Option<NumericDate>> {
    raw.map(|raw| NumericDate::parse(raw.get()).ok_or(Error::about(ErrorCode::InvalidClaim, claim))).transpose()
}

/// An optional claim that must be a string when present.
fn string_claim<'a>(raw: Option<&'a RawValue>, claim: Claim) -> Result<Option<Cow<'a, str>>> {
    raw.map(|raw| json::as_str(raw).ok_or(Error::about(ErrorCode::InvalidClaim, claim))).transpose()
}
