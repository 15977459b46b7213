//! The verified claims: typed registered claims plus the header and payload JSON as sent.
//!
//! A [`Claims`] owns one buffer (the decoded header followed by the decoded payload) and
//! points into it, so a verification that succeeds allocates once for the token, plus one
//! small copy for a string claim only when it was written with JSON escapes.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::value::RawValue;

use crate::error::{Error, ErrorCode, Result};
use crate::json;
use crate::options::Options;
use crate::time::NumericDate;

/// The longest accepted `sub`, in characters.
pub const MAX_SUB_CHARS: usize = 255;

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
            Text::Span(a, b) => &base[*a..*b],
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
}

impl Claims {
    /// Applies the claim rules of the contract (section 1, step 5) to the payload, which
    /// starts at `header_len` in `json`, in the contract's order. `kid` is already located.
    pub(crate) fn check(
        json: String,
        header_len: usize,
        kid: Option<Text>,
        options: &Options,
        now: u64,
    ) -> Result<Self> {
        let base = json.as_str();
        let mut raw = RawClaims::default();
        let is_object = json::for_each_member(&base[header_len..], |name, value| {
            let slot = match name {
                "exp" => &mut raw.exp,
                "nbf" => &mut raw.nbf,
                "iat" => &mut raw.iat,
                "sub" => &mut raw.sub,
                "user_id" => &mut raw.user_id,
                "iss" => &mut raw.iss,
                "aud" => &mut raw.aud,
                "jti" => &mut raw.jti,
                "email" => &mut raw.email,
                "user_email" => &mut raw.user_email,
                _ => return,
            };
            *slot = Some(value);
        });
        if !is_object {
            return Err(Error::new(ErrorCode::MalformedToken));
        }

        // Times: exact whole seconds plus a fraction flag, against the whole-second clock.
        let leeway = u64::from(options.leeway);
        let exp = numeric_date(raw.exp, "exp")?;
        match exp {
            None if options.require_exp => return Err(Error::claim(ErrorCode::MissingClaim, "exp")),
            // Expired when now >= exp + leeway.
            Some(exp) if now.checked_sub(leeway).is_some_and(|t| exp.at_or_before(t)) => {
                return Err(Error::claim(ErrorCode::TokenExpired, "exp"));
            }
            _ => {}
        }
        // Not yet valid when nbf (or iat) > now + leeway.
        let nbf = numeric_date(raw.nbf, "nbf")?;
        if nbf.is_some_and(|nbf| !nbf.at_or_before(now.saturating_add(leeway))) {
            return Err(Error::claim(ErrorCode::TokenNotYetValid, "nbf"));
        }
        let iat = numeric_date(raw.iat, "iat")?;
        if iat.is_some_and(|iat| !iat.at_or_before(now.saturating_add(leeway))) {
            return Err(Error::claim(ErrorCode::TokenNotYetValid, "iat"));
        }
        if let Some(max_age) = options.max_age {
            // Too old when now > iat + max_age + leeway (a fraction of iat cannot change that).
            let iat = iat.ok_or(Error::claim(ErrorCode::MissingClaim, "iat"))?;
            if now > iat.secs().saturating_add(max_age).saturating_add(leeway) {
                return Err(Error::claim(ErrorCode::TokenExpired, "iat"));
            }
        }

        // The subject is the user id.
        let sub = raw.sub.ok_or(Error::claim(ErrorCode::MissingClaim, "sub"))?;
        let sub = json::as_str(sub)
            .filter(|s| !s.is_empty() && s.chars().count() <= MAX_SUB_CHARS)
            .ok_or(Error::claim(ErrorCode::InvalidClaim, "sub"))?;
        if let Some(user_id) = raw.user_id
            && json::as_str(user_id).as_deref() != Some(&*sub)
        {
            return Err(Error::claim(ErrorCode::InvalidClaim, "user_id"));
        }

        // iss and aud are checked only when configured: a value of the wrong type is then
        // simply not the configured one. Unconfigured, they are kept and never interpreted.
        let iss = raw.iss.and_then(json::as_str);
        if let Some(want) = &options.issuer
            && iss.as_deref() != Some(want.as_str())
        {
            return Err(Error::claim(ErrorCode::InvalidIssuer, "iss"));
        }
        if let Some(want) = options.audience.as_deref() {
            let found = raw.aud.is_some_and(|aud| match json::as_str(aud) {
                Some(one) => one == want,
                None => {
                    let mut found = false;
                    json::for_each_str_in_array(aud, |a| found |= a == want) && found
                }
            });
            if !found {
                return Err(Error::claim(ErrorCode::InvalidAudience, "aud"));
            }
        }

        let jti = string_claim(raw.jti, "jti")?;
        let email = string_claim(raw.email, "email")?;
        let user_email = string_claim(raw.user_email, "user_email")?;

        let sub = Text::of(base, sub);
        let iss = iss.map(|s| Text::of(base, s));
        let aud = raw.aud.map(|a| Text::of(base, Cow::Borrowed(a.get())));
        let jti = jti.map(|s| Text::of(base, s));
        let email = email.or(user_email).map(|s| Text::of(base, s));
        Ok(Self { json, header_len, kid, sub, iss, aud, jti, email, exp, nbf, iat })
    }

    /// `sub`: the user id.
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
        let Some(Text::Span(a, b)) = &self.aud else {
            return Vec::new();
        };
        let raw = &self.json[*a..*b];
        serde_json::from_str::<String>(raw)
            .map(|one| alloc::vec![one])
            .or_else(|_| serde_json::from_str::<Vec<String>>(raw))
            .unwrap_or_default()
    }

    /// The decoded header, as sent (a JSON object).
    pub fn header_json(&self) -> &str {
        &self.json[..self.header_len]
    }

    /// The decoded payload, as sent (a JSON object): read unknown claims from here.
    pub fn payload_json(&self) -> &str {
        &self.json[self.header_len..]
    }
}

/// A NumericDate claim: a JSON number in 0..=253402300799 (fractions allowed).
fn numeric_date(raw: Option<&RawValue>, claim: &'static str) -> Result<Option<NumericDate>> {
    raw.map(|raw| NumericDate::parse(raw.get()).ok_or(Error::claim(ErrorCode::InvalidClaim, claim))).transpose()
}

/// An optional claim that must be a string when present.
fn string_claim<'a>(raw: Option<&'a RawValue>, claim: &'static str) -> Result<Option<Cow<'a, str>>> {
    raw.map(|raw| json::as_str(raw).ok_or(Error::claim(ErrorCode::InvalidClaim, claim))).transpose()
}
