//! The session cookie cache targets' common ground: the cookies a real Better Auth recorded
//! (`crate-verify/tests/vectors/better-auth-session-cache.json`) and what must hold of any
//! claims the verifier accepts from one.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;
use taskgate_verify::Claims;
use taskgate_verify::session_cache::REDACTED;

const VECTORS: &str = include_str!("../../crate-verify/tests/vectors/better-auth-session-cache.json");

/// The recorded cookies.
pub struct Recorded {
    /// Every recorded case (`strategy`, `ring`, `value`, `userId`, `madeAt`, ...).
    pub cases: Vec<Value>,
    /// The secret most of them were made with (`secrets.old`).
    pub secret: String,
    /// A time at which every recorded cookie is still valid (their latest `madeAt`).
    pub now: u64,
    /// Their live session keys (`sessionToken`): never to come out of the verifier.
    pub live: Vec<String>,
}

/// Reads the recorded cookies.
pub fn recorded() -> Recorded {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let secret = vectors["secrets"]["old"].as_str().unwrap().to_owned();
    let cases = vectors["cases"].as_array().unwrap().clone();
    let now = cases.iter().map(|c| c["madeAt"].as_u64().unwrap()).max().unwrap();
    let live = cases.iter().map(|c| c["sessionToken"].as_str().unwrap().to_owned()).collect();
    Recorded { cases, secret, now, live }
}

/// What holds of any accepted claims set: a `sub` of 1-255 characters, a session cookie cache,
/// a JSON object whose `session.token` (when any) is redacted.
pub fn accepted(claims: &Claims) {
    let n = claims.sub().chars().count();
    assert!((1..=255).contains(&n), "an accepted sub of {n} characters");
    assert!(claims.is_session_cache());
    let payload = members(claims.payload_json()).expect("accepted claims are a JSON object");
    if let Some(session) = payload.get("session").and_then(|s| members(s.get()))
        && let Some(token) = session.get("token")
    {
        assert_eq!(token.get(), format!("\"{REDACTED}\""), "the session key came out");
    }
}

/// What holds of claims accepted from a cookie the fuzzer made as a whole: [`accepted`], and,
/// since only Better Auth made a session with one of the recorded keys, none of them comes out.
pub fn accepted_as_given(claims: &Claims, recorded: &Recorded) {
    accepted(claims);
    let shown = [claims.header_json(), claims.payload_json()].concat();
    assert!(!recorded.live.iter().any(|key| shown.contains(key.as_str())), "a live session key came out");
}

/// What holds of claims accepted from `sent`, a `sessionData` sealed by the target itself:
/// [`accepted`]; its `sub` is `session.userId`, which is `user.id`; a top-level `sid` repeating
/// the live key is redacted too.
pub fn accepted_as_sealed(claims: &Claims, sent: &str) {
    accepted(claims);
    assert_eq!(string_at(sent, &["session", "userId"]).as_deref(), Some(claims.sub()));
    assert_eq!(string_at(sent, &["user", "id"]).as_deref(), Some(claims.sub()));
    if let Some(key) = string_at(sent, &["session", "token"]).filter(|k| k != REDACTED) {
        assert_ne!(string_at(claims.payload_json(), &["sid"]), Some(key), "the live key came out as sid");
    }
}

/// Whether `json` is a JSON object (as the crate reads one).
pub fn is_object(json: &str) -> bool {
    members(json).is_some()
}

/// `json` with each lone UTF-16 surrogate escape (`\ud800`-`\udfff` outside a pair) as `\ufffd`:
/// JSON's grammar allows one (JavaScript's `JSON.stringify` writes it, and the crate keeps it as
/// raw text), but a Rust string cannot hold it. Pairs and other escapes are kept.
fn without_lone_surrogates(json: &str) -> String {
    let unit = |i: usize| {
        let hex = json.get(i..i + 2).filter(|e| *e == "\\u").and_then(|_| json.get(i + 2..i + 6))?;
        hex.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u16::from_str_radix(hex, 16).ok())?
    };
    let (mut out, mut copied, mut i) = (String::with_capacity(json.len()), 0, 0);
    while i < json.len() {
        if json.as_bytes()[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xd800..=0xdbff) if unit(i + 6).is_some_and(|low| (0xdc00..=0xdfff).contains(&low)) => i += 12,
            Some(0xd800..=0xdfff) => {
                out.push_str(&json[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            // Any other escape (`\\`, `\"`, `\u0041`, ...), skipped whole: `\\` starts none.
            _ => i += 2,
        }
    }
    out.push_str(&json[copied..]);
    out
}

/// The members of the JSON object `json`, values as raw text: serde_json's `Value` cannot hold
/// every value JSON's grammar allows, and so the crate accepts (a number like `1E400`, a lone
/// surrogate escape), so only names and the strings looked at are decoded.
fn members(json: &str) -> Option<BTreeMap<String, Box<RawValue>>> {
    serde_json::from_str(&without_lone_surrogates(json)).ok()
}

/// The string at `path` (a member of a member ...) of the JSON object `json`.
fn string_at(json: &str, path: &[&str]) -> Option<String> {
    let (last, parents) = path.split_last()?;
    let mut object = without_lone_surrogates(json);
    for name in parents {
        object = members(&object)?.remove(*name)?.get().to_owned();
    }
    serde_json::from_str(members(&object)?.get(*last)?.get()).ok()
}
