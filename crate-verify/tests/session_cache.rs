//! Better Auth's session cookie cache in each strategy (`compact`, `jwt`, `jwe`; contract 3.3),
//! on cookies a real Better Auth wrote (`vectors/better-auth-session-cache.json`, recorded by
//! `vectors/better-auth-session-cache.mjs`): each is accepted with its secret, from a rotated
//! ring, in chunks, with its version; every tampered character, another secret, another strategy,
//! another version and the expiry are refused; the live session key never comes out.
#![cfg(feature = "session-cache")]

#[macro_use]
mod common;

use serde_json::Value;
use taskgate_verify::session_cache::SessionCache;
use taskgate_verify::{Claim, Claims, ErrorCode, KeyRing, Options, Result, Verifier};

const VECTORS: &str = include_str!("vectors/better-auth-session-cache.json");

struct Case {
    name: String,
    strategy: SessionCache,
    ring: String,
    version: Option<String>,
    value: String,
    chunks: u64,
    user_id: String,
    session_id: String,
    session_token: String,
    made_at: u64,
}

fn cases() -> (Vec<Case>, Value) {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let s = |c: &Value, k: &str| c[k].as_str().unwrap().to_owned();
    let cases = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: s(c, "name"),
            strategy: SessionCache::parse(c["strategy"].as_str().unwrap()).unwrap(),
            ring: s(c, "ring"),
            version: c["version"].as_str().map(str::to_owned),
            value: s(c, "value"),
            chunks: c["chunks"].as_u64().unwrap(),
            user_id: s(c, "userId"),
            session_id: s(c, "sessionId"),
            session_token: s(c, "sessionToken"),
            made_at: c["madeAt"].as_u64().unwrap(),
        })
        .collect();
    (cases, v["secrets"].clone())
}

/// A ring from a single secret or a `version:value,...` ring.
fn ring(text: &str) -> KeyRing {
    if text.contains(':') { KeyRing::parse(text) } else { KeyRing::from_secret(text.as_bytes()) }.unwrap()
}

fn verifier(keys: &str, strategy: SessionCache, version: Option<&str>) -> Verifier {
    let options = Options {
        accept_session_cache: true,
        session_cache: strategy,
        session_cache_version: version.map(str::to_owned),
        ..Options::default()
    };
    Verifier::new(ring(keys), options).unwrap()
}

fn check(verifier: &Verifier, value: &str, now: u64) -> Result<Claims> {
    verifier.verify_session_cache(value, now, |jws| verifier.verify(jws, now))
}

cases! {
    fn every_strategy_is_read_as_better_auth_wrote_it() {
        let (cases, secrets) = cases();
        assert_eq!(cases.len(), 12);
        let full_ring = secrets["ring"].as_str().unwrap();
        for c in &cases {
            let v = verifier(&c.ring, c.strategy, c.version.as_deref());
            let claims = check(&v, &c.value, c.made_at).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert_eq!(claims.sub(), c.user_id, "{}", c.name);
            assert_eq!(claims.session_id(), Some(c.session_id.as_str()), "{}", c.name);
            assert!(claims.is_session_cache(), "{}", c.name);
            let shown = [claims.header_json(), claims.payload_json()].concat();
            assert!(!shown.contains(&c.session_token), "{}: the live key came out", c.name);
            assert!(shown.contains("[redacted]"), "{}", c.name);
            // A rotated ring still reads a cookie of its older secret: each key is tried.
            let rotated = verifier(full_ring, c.strategy, c.version.as_deref());
            assert_eq!(check(&rotated, &c.value, c.made_at).map(|c| c.sub().to_owned()).ok(), Some(c.user_id.clone()));
        }
        assert!(cases.iter().any(|c| c.chunks > 1 && c.strategy == SessionCache::Compact));
    }

    fn another_secret_another_strategy_or_the_expiry_refuses() {
        let (cases, secrets) = cases();
        let new = secrets["new"].as_str().unwrap();
        for c in cases.iter().filter(|c| !c.ring.contains(':')) {
            let wrong = check(&verifier(new, c.strategy, None), &c.value, c.made_at).unwrap_err();
            assert_eq!(wrong.code(), ErrorCode::InvalidSignature, "{}", c.name);
            for other in SessionCache::ALL.iter().filter(|s| **s != c.strategy) {
                let e = check(&verifier(&c.ring, *other, None), &c.value, c.made_at).unwrap_err();
                assert!(matches!(e.code(), ErrorCode::MalformedToken), "{} as {other}: {e}", c.name);
            }
            // maxAge 300: expired at the cookie's own expiry (a second's margin for its milliseconds).
            let v = verifier(&c.ring, c.strategy, c.version.as_deref());
            let late = check(&v, &c.value, c.made_at + 302).unwrap_err();
            assert_eq!((late.code(), late.claim()), (ErrorCode::TokenExpired, Some(Claim::Exp)), "{}", c.name);
            assert!(check(&v, &c.value, c.made_at + 298).is_ok(), "{}", c.name);
        }
    }

    fn the_version_is_checked_when_configured() {
        let (cases, _) = cases();
        for c in &cases {
            let written = c.version.as_deref().unwrap_or("1");
            assert!(check(&verifier(&c.ring, c.strategy, Some(written)), &c.value, c.made_at).is_ok(), "{}", c.name);
            let e = check(&verifier(&c.ring, c.strategy, Some("v3")), &c.value, c.made_at).unwrap_err();
            assert_eq!((e.code(), e.claim()), (ErrorCode::InvalidClaim, Some(Claim::Version)), "{}", c.name);
        }
    }

    fn every_tampered_character_is_refused() {
        let (cases, _) = cases();
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for c in cases.iter().filter(|c| c.chunks == 0) {
            let v = verifier(&c.ring, c.strategy, c.version.as_deref());
            let bytes = c.value.as_bytes();
            for i in 0..bytes.len() {
                let mut tampered = bytes.to_vec();
                // The next character of the alphabet (a '.' becomes a letter).
                let at = ALPHABET.iter().position(|b| *b == bytes[i]).map_or(0, |p| (p + 1) % ALPHABET.len());
                tampered[i] = ALPHABET[at];
                let tampered = String::from_utf8(tampered).unwrap();
                assert!(check(&v, &tampered, c.made_at).is_err(), "{}: character {i} changed, still accepted", c.name);
            }
        }
    }
}
