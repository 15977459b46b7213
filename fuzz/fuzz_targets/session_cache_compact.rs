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

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use libfuzzer_sys::fuzz_target;
use taskgate_verify::session_cache::SessionCache;
use taskgate_verify::{Claims, ErrorCode, KeyRing, Options, Result, Verifier};
use taskgate_verify_fuzz::session_cache::{Recorded, accepted_as_given, accepted_as_sealed, is_object, recorded};

struct Fixture {
    verifier: Verifier,
    ring: KeyRing,
    recorded: Recorded,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let recorded = recorded();
        let ring = KeyRing::from_secret(recorded.secret.as_bytes()).unwrap();
        let options =
            Options { accept_session_cache: true, session_cache: SessionCache::Compact, ..Options::default() };
        let verifier = Verifier::new(ring.clone(), options).unwrap();
        let f = Fixture { verifier, ring, recorded };
        // The seeds pass: each compact cookie of the old secret is accepted at `now`.
        let secret = f.recorded.secret.as_str();
        for c in f.recorded.cases.iter().filter(|c| c["strategy"] == "compact" && c["ring"] == secret) {
            let claims = check(&f, c["value"].as_str().unwrap()).unwrap();
            assert_eq!(claims.sub(), c["userId"].as_str().unwrap());
            // And its sessionData signed here is one Better Auth could have written: it is accepted.
            let text = String::from_utf8(B64.decode(c["value"].as_str().unwrap()).unwrap()).unwrap();
            let session_data = &text[r#"{"session":"#.len()..text.rfind(r#","expiresAt":"#).unwrap()];
            let claims = check(&f, &seal(&f, session_data)).unwrap();
            assert_eq!(claims.sub(), c["userId"].as_str().unwrap());
        }
        f
    })
}

fn check(f: &Fixture, value: &str) -> Result<Claims> {
    let now = f.recorded.now;
    f.verifier.verify_session_cache(value, now, |t| f.verifier.verify(t, now))
}

/// The `compact` cookie Better Auth writes for `session_data`, expiring two minutes after `now`:
/// base64url of `{"session", "expiresAt", "signature"}`, the signature an HMAC-SHA256 over
/// `{...sessionData, expiresAt}`.
fn seal(f: &Fixture, session_data: &str) -> String {
    let expires_at_ms = (f.recorded.now + 120) * 1000 + 123;
    let body = session_data.strip_suffix('}').unwrap_or(session_data);
    let comma = if body.trim_end() == "{" { "" } else { "," };
    let signed = format!("{body}{comma}\"expiresAt\":{expires_at_ms}}}");
    let signature = B64.encode(f.ring.current().mac(signed.as_bytes()));
    B64.encode(format!(r#"{{"session":{session_data},"expiresAt":{expires_at_ms},"signature":"{signature}"}}"#))
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    // 1. The input as the cookie's value, and base64url-encoded as one (any bytes).
    let text = std::str::from_utf8(data).ok();
    for value in [text.map(str::to_owned), Some(B64.encode(data))].into_iter().flatten() {
        if let Ok(claims) = check(f, &value) {
            accepted_as_given(&claims, &f.recorded);
        }
    }
    // 2. The input as `sessionData`, signed here: only the claim rules can refuse it.
    let Some(session_data) = text else { return };
    // The signed text is rebuilt from the raw `session` member, which has no surrounding space.
    let exact = is_object(session_data) && session_data.trim_matches([' ', '\t', '\n', '\r']) == session_data;
    match check(f, &seal(f, session_data)) {
        Ok(claims) => accepted_as_sealed(&claims, session_data),
        Err(e) => {
            if exact {
                assert_ne!(e.code(), ErrorCode::InvalidSignature, "a sessionData signed here: {e}");
            }
        }
    }
});
