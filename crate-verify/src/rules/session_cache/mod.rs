//! Better Auth's session cookie cache (`docs/contract.md` section 3.3). What Better Auth signs is
//! always `sessionData`: `{"session": {"id", "userId", "expiresAt", "token", ...}, "user": {"id",
//! "email", ...}, "updatedAt", "version"}`, with no `sub`; its three strategies ([`SessionCache`])
//! wrap it differently: `compact` ([`compact`]: base64url JSON with an HMAC-SHA256 signature,
//! Better Auth's default), `jwt` (an HS256 JWS, checked by [`crate::Verifier`]'s JWS path) and
//! `jwe` ([`jwe`]: `dir` + A256CBC-HS512 under a key derived by HKDF).
//!
//! The user id is `session.userId`, which must equal `user.id`; `session.expiresAt` (RFC 3339)
//! must not have passed. `session.token` is Better Auth's live session key: it never leaves
//! this crate ([`redact`]).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde_json::value::RawValue;

use crate::codec::json;
use crate::error::Claim;

#[cfg(feature = "session-cache")]
pub(crate) use rules::read;

#[cfg(feature = "session-cache")]
pub(crate) mod compact;
#[cfg(feature = "session-cache")]
pub(crate) mod jwe;

names! {
    /// How an app's session cookie cache is wrapped: Better Auth's `session.cookieCache.strategy`
    /// (`BETTER_AUTH_SESSION_CACHE`, the package's `sessionCache`). Configured, never guessed
    /// from a cookie's value.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum SessionCache {
        /// Better Auth's default: base64url JSON `{"session", "expiresAt", "signature"}`, the
        /// signature an HMAC-SHA256 with the secret over the exact text Better Auth serialized.
        Compact = "compact",
        /// An HS256 JWS with the secret (or, with the `jwt()` plugin's `sessionCookieCache`, a
        /// JWK Set key). What `BETTER_AUTH_SESSION_CACHE=true` has always meant.
        #[default]
        Jwt = "jwt",
        /// A compact JWE, `dir` + `A256CBC-HS512`, under a key derived from the secret by HKDF.
        Jwe = "jwe",
    }
}

impl SessionCache {
    /// Whether the cookie is a JWS (then the verifier's JWS path checks it, JWK Set keys
    /// included); `compact` and `jwe` are opened by this module.
    pub const fn is_jws(self) -> bool {
        matches!(self, SessionCache::Jwt)
    }
}

/// The member holding the session (also the claim errors name).
pub(crate) const SESSION: &str = Claim::Session.as_str();
/// The member holding the user.
pub(crate) const USER: &str = "user";
/// The session's live key.
const TOKEN: &str = "token";
/// The session's id (what revokes it; not a secret).
pub(crate) const ID: &str = "id";
const SUB: &str = Claim::Sub.as_str();
/// A top-level session claim: the live key in Better Auth's JWKS-signed cookie cache.
const SID: &str = "sid";
/// What stands in `session.token`'s place in every claims set this crate hands out.
pub const REDACTED: &str = "[redacted]";

/// `payload` with the value of `session.token` replaced by `"[redacted]"`, when it has one, and
/// likewise a top-level `sid` equal to it (Better Auth's JWKS-signed cookie cache carries the live
/// key there too; a TaskGate token's `sid`, the session's id, is kept); and whether the payload
/// has the shape of a session cookie cache (a `session`, no `sub`). When the payload cannot be
/// walked as a JSON object (it is then refused anyway) but holds a `{`, so that a session might
/// hide in it, all of it is withheld; plain text is shown as it is.
pub fn redact(payload: &str) -> (Cow<'_, str>, bool) {
    let base = payload.as_ptr() as usize;
    let span = |raw: &RawValue| {
        let start = raw.get().as_ptr() as usize - base;
        (start, start + raw.get().len())
    };
    let mut hide: Vec<(usize, usize)> = Vec::new();
    // Top-level `sid`s, and the live keys they may repeat (`None`: a session that hides all).
    let mut sids: Vec<&RawValue> = Vec::new();
    let mut keys: Option<Vec<Cow<'_, str>>> = Some(Vec::new());
    let (mut session, mut sub) = (false, false);
    let walked = json::for_each_member(payload, |name, value| {
        sub |= name == SUB;
        if name == SID {
            sids.push(value);
        }
        if name != SESSION {
            return;
        }
        session = true;
        let mut tokens = Vec::new();
        let session_walked = json::for_each_member(value.get(), |name, value| {
            if name == TOKEN {
                tokens.push(value);
            }
        });
        match session_walked {
            true => {
                hide.extend(tokens.iter().map(|t| span(t)));
                // A key that is not a string: every `sid` goes too.
                match tokens.iter().map(|t| json::as_str(t)).collect::<Option<Vec<_>>>() {
                    Some(found) => keys.iter_mut().for_each(|k| k.extend(found.iter().cloned())),
                    None => keys = None,
                }
            }
            // A session that is not a plain object: hide all of it, and every `sid`.
            false => {
                hide.push(span(value));
                keys = None;
            }
        }
    });
    if !walked && payload.contains('{') {
        return (Cow::Owned(String::from("\"") + REDACTED + "\""), false);
    }
    for sid in sids {
        let live = match &keys {
            None => session,
            Some(keys) => json::as_str(sid).is_some_and(|s| keys.contains(&s)),
        };
        let at = span(sid);
        if live && !hide.contains(&at) {
            // In order of place, without a sort (its code would weigh on the npm package's Wasm).
            let i = hide.iter().position(|h| h.0 > at.0).unwrap_or(hide.len());
            hide.insert(i, at);
        }
    }
    let shape = session && !sub;
    if hide.is_empty() {
        return (Cow::Borrowed(payload), shape);
    }
    let mut out = String::with_capacity(payload.len());
    let mut at = 0;
    for (start, end) in hide {
        out.push_str(payload.get(at..start).unwrap_or_default());
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        at = end;
    }
    out.push_str(payload.get(at..).unwrap_or_default());
    (Cow::Owned(out), shape)
}

/// The member `name` of the JSON object `object`, when the object is one and the member a string.
pub(crate) fn member_str<'a>(object: &'a RawValue, name: &str) -> Option<Cow<'a, str>> {
    let mut found = None;
    let is_object = json::for_each_member(object.get(), |n, value| {
        if n == name {
            found = Some(value);
        }
    });
    found.filter(|_| is_object).and_then(json::as_str)
}

/// The rules of section 3.3 (feature `session-cache`).
#[cfg(feature = "session-cache")]
mod rules {
    use alloc::borrow::Cow;

    use serde_json::value::RawValue;

    use crate::codec::json;
    use crate::codec::time::NumericDate;
    use crate::error::{Claim, Error, ErrorCode, Result};
    use crate::rules::limits::MAX_SUB_CHARS;

    use super::ID;

    const USER_ID: &str = "userId";
    const EXPIRES_AT: &str = "expiresAt";
    const EMAIL: &str = "email";

    /// What a session cookie cache says about its user.
    pub(crate) struct Session<'a> {
        /// `session.userId` (= `user.id`).
        pub user_id: Cow<'a, str>,
        /// `user.email`, when a string.
        pub email: Option<Cow<'a, str>>,
        /// `session.id`, when a string: what revokes the session.
        pub id: Option<Cow<'a, str>>,
        /// `session.expiresAt`.
        pub expires_at: NumericDate,
    }

    /// Reads `session` and `user` by the rules of section 3.3; anything else than the expected
    /// shape is `invalid_claim` (claim `session`).
    pub(crate) fn read<'a>(session: &'a RawValue, user: Option<&'a RawValue>) -> Result<Session<'a>> {
        let invalid = || Error::about(ErrorCode::InvalidClaim, Claim::Session);
        let (mut user_id, mut expires_at, mut session_id) = (None, None, None);
        let is_object = json::for_each_member(session.get(), |name, value| match name {
            USER_ID => user_id = Some(value),
            EXPIRES_AT => expires_at = Some(value),
            ID => session_id = Some(value),
            _ => {}
        });
        let (mut id, mut email) = (None, None);
        let user_is_object = user.is_some_and(|user| {
            json::for_each_member(user.get(), |name, value| match name {
                ID => id = Some(value),
                EMAIL => email = Some(value),
                _ => {}
            })
        });
        if !is_object || !user_is_object {
            return Err(invalid());
        }
        let user_id = user_id
            .and_then(json::as_str)
            .filter(|s| !s.is_empty() && s.chars().count() <= MAX_SUB_CHARS)
            .ok_or_else(invalid)?;
        if id.and_then(json::as_str).as_deref() != Some(&*user_id) {
            return Err(invalid());
        }
        let expires_at =
            expires_at.and_then(json::as_str).and_then(|t| NumericDate::from_rfc3339(&t)).ok_or_else(invalid)?;
        Ok(Session { user_id, email: email.and_then(json::as_str), id: session_id.and_then(json::as_str), expires_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "session-cache")]
    use crate::error::{Error, ErrorCode};
    use alloc::format;

    fn raw(s: &str) -> &RawValue {
        serde_json::from_str(s).unwrap()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_session_token_is_redacted_wherever_it_is() {
        let p = r#"{"session":{"token":"live-key","userId":"u"},"user":{"id":"u"},"token":"kept"}"#;
        assert_eq!(redact(p).0, r#"{"session":{"token":"[redacted]","userId":"u"},"user":{"id":"u"},"token":"kept"}"#);
        // Spelled with escapes, and repeated: every occurrence goes.
        let p = r#"{"s\u0065ssion":{"tok\u0065n":{"a":"live"},"userId":"u"}}"#;
        assert!(!redact(p).0.contains("live"), "{}", redact(p).0);
        let p = r#"{"session":{"token":"a","token":"b"}}"#;
        let r = redact(p).0;
        assert!(!r.contains("\"a\"") && !r.contains("\"b\""), "{r}");
        // A session that is not an object, or a payload that is not one.
        assert_eq!(redact(r#"{"session":["live"]}"#).0, r#"{"session":"[redacted]"}"#);
        assert_eq!(redact(r#"{"x":1,"x":2,"session":{"token":"live"}}"#).0, "\"[redacted]\"");
        assert_eq!(redact(r#"{"sub":"u"}"#).0, r#"{"sub":"u"}"#);
        assert_eq!(redact("not json").0, "not json");
        assert!(redact(r#"{"session":{}}"#).1 && !redact(r#"{"session":{},"sub":"u"}"#).1);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_sid_that_repeats_the_live_key_is_redacted_and_a_session_id_is_kept() {
        // Better Auth's JWKS-signed cookie cache: `sid` = `session.token`, before or after it.
        let after = r#"{"session":{"token":"live","id":"s1"},"user":{"id":"u"},"sid":"live","sub":"u"}"#;
        let want = r#"{"session":{"token":"[redacted]","id":"s1"},"user":{"id":"u"},"sid":"[redacted]","sub":"u"}"#;
        assert_eq!(redact(after).0, want);
        let before = r#"{"sid":"l\u0069ve","sub":"u","session":{"token":"live"}}"#;
        assert_eq!(redact(before).0, r#"{"sid":"[redacted]","sub":"u","session":{"token":"[redacted]"}}"#);
        // A TaskGate token's `sid` is the session's id, not its key: kept.
        let plugin = r#"{"sub":"u","sid":"s1"}"#;
        assert_eq!(redact(plugin).0, plugin);
        let other = r#"{"sid":"s1","session":{"token":"live","id":"s1"}}"#;
        assert_eq!(redact(other).0, r#"{"sid":"s1","session":{"token":"[redacted]","id":"s1"}}"#);
        // A session that cannot be read, or a key that is not a string: every `sid` goes.
        assert_eq!(redact(r#"{"sid":"x","session":["live"]}"#).0, r#"{"sid":"[redacted]","session":"[redacted]"}"#);
        assert_eq!(
            redact(r#"{"sid":"x","session":{"token":1}}"#).0,
            r#"{"sid":"[redacted]","session":{"token":"[redacted]"}}"#
        );
        assert_eq!(
            redact(r#"{"session":{"token":{}},"sid":"x"}"#).0,
            r#"{"session":{"token":"[redacted]"},"sid":"[redacted]"}"#
        );
    }

    #[cfg(feature = "session-cache")]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn the_user_is_read_from_session_and_user() {
        let s = read(
            raw(r#"{"userId":"u1","expiresAt":"2023-11-14T22:13:20.000Z","token":"t"}"#),
            Some(raw(r#"{"id":"u1","email":"a@example.com"}"#)),
        )
        .map(|s| (s.user_id.into_owned(), s.email.map(Cow::into_owned), s.expires_at.secs()));
        assert_eq!(s.ok(), Some(("u1".into(), Some("a@example.com".into()), 1_700_000_000)));
        let invalid = Error::about(ErrorCode::InvalidClaim, Claim::Session);
        let expiry = r#""expiresAt":"2023-11-14T22:13:20Z""#;
        for (session, user) in [
            (format!(r#"{{"userId":"u1",{expiry}}}"#), Some(r#"{"id":"u2"}"#)),
            (format!(r#"{{"userId":"u1",{expiry}}}"#), None),
            (format!(r#"{{"userId":"u1",{expiry}}}"#), Some(r#"["u1"]"#)),
            (format!(r#"{{"userId":1,{expiry}}}"#), Some(r#"{"id":1}"#)),
            (format!(r#"{{"userId":"",{expiry}}}"#), Some(r#"{"id":""}"#)),
            (r#"{"userId":"u1"}"#.into(), Some(r#"{"id":"u1"}"#)),
            (r#"{"userId":"u1","expiresAt":1700000000}"#.into(), Some(r#"{"id":"u1"}"#)),
            (format!(r#"{{"userId":"u1","userId":"u1",{expiry}}}"#), Some(r#"{"id":"u1"}"#)),
        ] {
            let got = read(raw(&session), user.map(raw)).map(|s| s.user_id.into_owned());
            assert_eq!(got.err(), Some(invalid), "{session} {user:?}");
        }
    }
}
