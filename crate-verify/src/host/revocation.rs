//! The body of `POST /revocations` (contract section 4): which sessions and which users' tokens
//! stop working, and until when the entry must be kept. Read strictly: a JSON object with
//! `sessions` and/or `users`, each an array of objects with exactly the members below, names
//! unique, strings 1-255 characters, times whole seconds in 0..=253402300799. Anything else is
//! refused with every field at fault named (the Worker answers 422 `validation_failed`).

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::value::RawValue;

use crate::codec::json;
use crate::codec::time::NumericDate;
use crate::rules::limits::{MAX_REVOCATION_ENTRIES, MAX_SUB_CHARS};

/// One ended session: tokens whose session is `sid` (a plugin token's `sid`, a cookie cache's
/// `session.id`) are refused until `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEnd {
    /// The session's id.
    pub sid: String,
    /// Its user (kept with the entry: a per-user store files it under this user).
    pub sub: String,
    /// When every token of the session has expired (seconds since the epoch).
    pub until: u64,
}

/// Every session of a user ended at `before`: tokens of `sub` issued before then (`iat <
/// before`) are refused until `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEnd {
    /// The user.
    pub sub: String,
    /// The moment the sessions ended (seconds since the epoch).
    pub before: u64,
    /// When every token issued before `before` has expired.
    pub until: u64,
}

/// A revocation body, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revocations {
    /// Single sessions.
    pub sessions: Vec<SessionEnd>,
    /// Every session of a user.
    pub users: Vec<UserEnd>,
}

/// Why a body cannot be read: `Json` (not a JSON object with unique names: 422 `invalid_json`),
/// or the fields at fault with what is wrong with each (422 `validation_failed`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Not a JSON object, or a repeated member name.
    Json,
    /// `(field, problem)`, e.g. `("sessions[2].until", "must be a whole number of seconds")`.
    Fields(Vec<(String, &'static str)>),
}

const STRING: &str = "must be a string of 1 to 255 characters";
const TIME: &str = "must be a whole number of seconds from 0 to 253402300799";
const UNKNOWN: &str = "is not allowed";
const MISSING: &str = "is required";
const OBJECT: &str = "must be an object with unique member names";
const LIST: &str = "must be an array of at most 1000 entries";

impl Revocations {
    /// Reads a body.
    pub fn parse(body: &str) -> Result<Self, BodyError> {
        let mut out = Self::default();
        let mut problems = Vec::new();
        let (mut sessions, mut users) = (None, None);
        let mut unknown = Vec::new();
        let is_object = json::for_each_member(body, |name, value| match name {
            "sessions" => sessions = Some(value),
            "users" => users = Some(value),
            other => unknown.push(String::from(other)),
        });
        if !is_object {
            return Err(BodyError::Json);
        }
        for name in unknown {
            problems.push((name, UNKNOWN));
        }
        if let Some(list) = sessions {
            entries(list, "sessions", &mut problems, |at, get, problems| {
                let sid = text(get("sid"), &at, "sid", problems);
                let sub = text(get("sub"), &at, "sub", problems);
                let until = time(get("until"), &at, "until", problems);
                if let (Some(sid), Some(sub), Some(until)) = (sid, sub, until) {
                    out.sessions.push(SessionEnd { sid, sub, until });
                }
            });
        }
        if let Some(list) = users {
            entries(list, "users", &mut problems, |at, get, problems| {
                let sub = text(get("sub"), &at, "sub", problems);
                let before = time(get("before"), &at, "before", problems);
                let until = time(get("until"), &at, "until", problems);
                if let (Some(sub), Some(before), Some(until)) = (sub, before, until) {
                    out.users.push(UserEnd { sub, before, until });
                }
            });
        }
        if sessions.is_none() && users.is_none() {
            problems.push((String::from("sessions"), "or users is required"));
        }
        match problems.is_empty() {
            true => Ok(out),
            false => Err(BodyError::Fields(problems)),
        }
    }
}

/// The member lookup of one entry: `get(name)` is its raw value, when present.
type Get<'a, 'b> = &'b dyn Fn(&str) -> Option<&'a RawValue>;

/// Walks the array `list` (named `name`), calling `each(path, get, problems)` for every entry
/// that is an object whose members are among `allowed` names (the others are named as problems).
fn entries<'a>(
    list: &'a RawValue,
    name: &str,
    problems: &mut Vec<(String, &'static str)>,
    mut each: impl FnMut(String, Get<'a, '_>, &mut Vec<(String, &'static str)>),
) {
    let mut items = Vec::new();
    if !json::for_each_element(list, |item| items.push(item)) || items.len() > MAX_REVOCATION_ENTRIES {
        problems.push((String::from(name), LIST));
        return;
    }
    let allowed: &[&str] = if name == "sessions" { &["sid", "sub", "until"] } else { &["sub", "before", "until"] };
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("{name}[{i}]");
        let mut members: Vec<(Cow<'_, str>, &RawValue)> = Vec::new();
        if !json::for_each_member(item.get(), |n, v| members.push((Cow::Owned(n.into()), v))) {
            problems.push((at, OBJECT));
            continue;
        }
        for (n, _) in members.iter().filter(|(n, _)| !allowed.contains(&n.as_ref())) {
            problems.push((format!("{at}.{n}"), UNKNOWN));
        }
        let get = |wanted: &str| members.iter().find(|(n, _)| n == wanted).map(|(_, v)| *v);
        each(at, &get, problems);
    }
}

fn text(raw: Option<&RawValue>, at: &str, name: &str, problems: &mut Vec<(String, &'static str)>) -> Option<String> {
    let Some(raw) = raw else {
        problems.push((format!("{at}.{name}"), MISSING));
        return None;
    };
    let value = json::as_str(raw).filter(|s| !s.is_empty() && s.chars().count() <= MAX_SUB_CHARS);
    if value.is_none() {
        problems.push((format!("{at}.{name}"), STRING));
    }
    value.map(Cow::into_owned)
}

fn time(raw: Option<&RawValue>, at: &str, name: &str, problems: &mut Vec<(String, &'static str)>) -> Option<u64> {
    let Some(raw) = raw else {
        problems.push((format!("{at}.{name}"), MISSING));
        return None;
    };
    let value = NumericDate::parse(raw.get()).filter(|t| !t.has_fraction()).map(NumericDate::secs);
    if value.is_none() {
        problems.push((format!("{at}.{name}"), TIME));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_body_of_sessions_and_users_is_read() {
        let body = r#"{"sessions":[{"sid":"s_1","sub":"u_1","until":1700000900}],"users":[{"sub":"u_2","before":1700000000,"until":1700000900}]}"#;
        let r = Revocations::parse(body).unwrap();
        assert_eq!(r.sessions, vec![SessionEnd { sid: "s_1".into(), sub: "u_1".into(), until: 1_700_000_900 }]);
        assert_eq!(r.users, vec![UserEnd { sub: "u_2".into(), before: 1_700_000_000, until: 1_700_000_900 }]);
        assert_eq!(Revocations::parse(r#"{"users":[]}"#).unwrap(), Revocations::default());
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn every_field_at_fault_is_named() {
        for bad in ["", "[]", "null", r#"{"sessions":[],"sessions":[]}"#, "{", r#"{"users":[]} x"#] {
            assert_eq!(Revocations::parse(bad), Err(BodyError::Json), "{bad}");
        }
        let fields = |body: &str| match Revocations::parse(body) {
            Err(BodyError::Fields(f)) => f.into_iter().map(|(n, p)| format!("{n}: {p}")).collect::<Vec<_>>(),
            other => panic!("{body}: {other:?}"),
        };
        assert_eq!(fields("{}"), ["sessions: or users is required"]);
        assert_eq!(
            fields(r#"{"sessions":{},"x":1}"#),
            ["x: is not allowed", "sessions: must be an array of at most 1000 entries"]
        );
        let got = fields(
            r#"{"sessions":[{"sid":"","sub":"u","until":1.5,"extra":true},7],"users":[{"sub":"u","before":-1}]}"#,
        );
        assert_eq!(
            got,
            [
                "sessions[0].extra: is not allowed",
                "sessions[0].sid: must be a string of 1 to 255 characters",
                "sessions[0].until: must be a whole number of seconds from 0 to 253402300799",
                "sessions[1]: must be an object with unique member names",
                "users[0].before: must be a whole number of seconds from 0 to 253402300799",
                "users[0].until: is required",
            ]
        );
        let many = format!(r#"{{"sessions":[{}]}}"#, vec![r#"{"sid":"s","sub":"u","until":1}"#; 1001].join(","));
        assert_eq!(fields(&many), ["sessions: must be an array of at most 1000 entries"]);
        let long = format!(r#"{{"users":[{{"sub":"{}","before":1,"until":2}}]}}"#, "x".repeat(256));
        assert_eq!(fields(&long), ["users[0].sub: must be a string of 1 to 255 characters"]);
    }
}
