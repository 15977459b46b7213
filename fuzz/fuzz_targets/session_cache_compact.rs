//! Fuzzes `Verifier::verify_session_cache` with the `compact` strategy (Better Auth's default
//! session cookie cache) under the recorded vectors' old secret: the input as the cookie's value,
//! base64url-encoded (so the JSON reader is reached: the fuzzer may change what the signature
//! does not cover), and as `sessionData` signed here with the secret, as Better Auth signs it (so
//! only the claim rules can refuse it). Seeded with Better Auth's own cookies (scripts/fuzz.sh).
//! Never a panic; accepted claims have a `sub` of 1-255 characters, are a session cookie cache
//! whose `session.token` is redacted; a cookie accepted as given shows none of the recorded
//! cookies' live keys; a `sessionData` signed here is never refused for its signature, and its
//! `sub` is its `session.userId` (= `user.id`).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use serde_json::value::RawValue;
use taskgate_verify::session_cache::{REDACTED, SessionCache};
use taskgate_verify::{Claims, ErrorCode, KeyRing, Options, Result, Verifier};

const VECTORS: &str = include_str!("../../crate-verify/tests/vectors/better-auth-session-cache.json");

struct Fixture {
    verifier: Verifier,
    ring: KeyRing,
    /// A time at which every recorded cookie is still valid (their latest `madeAt`).
    now: u64,
    /// The recorded cookies' live session keys (`sessionToken`).
    live: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let secret = vectors["secrets"]["old"].as_str().unwrap();
        let cases = vectors["cases"].as_array().unwrap();
        let now = cases.iter().map(|c| c["madeAt"].as_u64().unwrap()).max().unwrap();
        let live = cases.iter().map(|c| c["sessionToken"].as_str().unwrap().to_owned()).collect();
        let ring = KeyRing::from_secret(secret.as_bytes()).unwrap();
        let options =
            Options { accept_session_cache: true, session_cache: SessionCache::Compact, ..Options::default() };
        let verifier = Verifier::new(ring.clone(), options).unwrap();
        let f = Fixture { verifier, ring, now, live };
        // The seeds pass: each compact cookie of the old secret is accepted at `now`.
        for c in cases.iter().filter(|c| c["strategy"] == "compact" && c["ring"] == secret) {
            let claims = check(&f, c["value"].as_str().unwrap()).unwrap();
            assert_eq!(claims.sub(), c["userId"].as_str().unwrap());
            // And its sessionData signed here is one Better Auth could have written: it is accepted.
            let text = String::from_utf8(B64.decode(c["value"].as_str().unwrap()).unwrap()).unwrap();
            let session_data = &text[r#"{"session":"#.len()..text.rfind(r#","expiresAt":"#).unwrap()];
            let claims = check(&f, &seal(&f.ring, session_data, (f.now + 120) * 1000 + 123)).unwrap();
            assert_eq!(claims.sub(), c["userId"].as_str().unwrap());
        }
        f
    })
}

fn check(f: &Fixture, value: &str) -> Result<Claims> {
    f.verifier.verify_session_cache(value, f.now, |t| f.verifier.verify(t, f.now))
}

/// What holds of any accepted claims set: a `sub` of 1-255 characters, a session cookie cache,
/// a JSON object whose `session.token` (when any) is redacted.
fn accepted(claims: &Claims) {
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
/// The `compact` cookie Better Auth writes for `session_data`: base64url of `{"session",
/// "expiresAt", "signature"}`, the signature an HMAC-SHA256 over `{...sessionData, expiresAt}`.
fn seal(ring: &KeyRing, session_data: &str, expires_at_ms: u64) -> String {
    let body = session_data.strip_suffix('}').unwrap_or(session_data);
    let comma = if body.trim_end() == "{" { "" } else { "," };
    let signed = format!("{body}{comma}\"expiresAt\":{expires_at_ms}}}");
    let signature = B64.encode(ring.current().mac(signed.as_bytes()));
    B64.encode(format!(r#"{{"session":{session_data},"expiresAt":{expires_at_ms},"signature":"{signature}"}}"#))
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    // 1. The input as the cookie's value, and base64url-encoded as one (any bytes).
    let text = std::str::from_utf8(data).ok();
    for value in [text.map(str::to_owned), Some(B64.encode(data))].into_iter().flatten() {
        if let Ok(claims) = check(f, &value) {
            accepted(&claims);
            // Only Better Auth signed a session here: none of its live keys may come out.
            let shown = [claims.header_json(), claims.payload_json()].concat();
            assert!(!f.live.iter().any(|key| shown.contains(key.as_str())), "a live session key came out");
        }
    }
    // 2. The input as `sessionData`, signed here: only the claim rules can refuse it.
    let Some(session_data) = text else { return };
    let is_object = members(session_data).is_some();
    // The signed text is rebuilt from the raw `session` member, which has no surrounding space.
    let exact = is_object && session_data.trim_matches([' ', '\t', '\n', '\r']) == session_data;
    let value = seal(&f.ring, session_data, (f.now + 120) * 1000 + 123);
    match check(f, &value) {
        Ok(claims) => {
            accepted(&claims);
            assert_eq!(string_at(session_data, &["session", "userId"]).as_deref(), Some(claims.sub()));
            assert_eq!(string_at(session_data, &["user", "id"]).as_deref(), Some(claims.sub()));
            // A top-level `sid` repeating the live key is redacted too.
            if let Some(key) = string_at(session_data, &["session", "token"]).filter(|k| k != REDACTED) {
                assert_ne!(string_at(claims.payload_json(), &["sid"]), Some(key), "the live key came out as sid");
            }
        }
        Err(e) => {
            if exact {
                assert_ne!(e.code(), ErrorCode::InvalidSignature, "a sessionData signed here: {e}");
            }
        }
    }
});
