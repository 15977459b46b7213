//! Fuzzes `verify` and `inspect` with arbitrary strings, and with valid tokens whose
//! header or payload the fuzzer chooses (signed, so the claim rules are reached too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use taskgate_verify::{KeyRing, Options, Verifier, inspect, sign_json};

const SECRET: &[u8] = b"fuzz-secret-0123456789-abcdefghijklmnop";

fn verifier() -> &'static (Verifier, KeyRing) {
    static V: OnceLock<(Verifier, KeyRing)> = OnceLock::new();
    V.get_or_init(|| {
        let ring = KeyRing::from_secret(SECRET).unwrap();
        let options = Options {
            leeway: 5,
            issuer: Some("iss".into()),
            audience: Some("aud".into()),
            max_age: Some(3600),
            ..Options::default()
        };
        (Verifier::new(ring.clone(), options).unwrap(), ring)
    })
}

fuzz_target!(|data: &[u8]| {
    let (v, ring) = verifier();
    let Ok(text) = std::str::from_utf8(data) else { return };
    // 1. The raw input as a token.
    let raw = v.verify(text, 1_700_000_000);
    let _ = inspect(text, v.options(), 1_700_000_000);
    // 2. The input as a claims set, correctly signed: only the claim rules can refuse it.
    let signed = sign_json(ring, text);
    match v.verify(&signed, 1_700_000_000) {
        Ok(claims) => {
            // Accepted claims are a JSON object with a string sub of 1..=255 characters.
            assert!(serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(claims.payload_json()).is_ok());
            let n = claims.sub().chars().count();
            assert!((1..=255).contains(&n));
        }
        Err(e) => {
            let code = e.code().as_str();
            assert!(
                !matches!(code, "unsupported_algorithm" | "unsupported_header" | "invalid_signature" | "missing_token"),
                "a signed token failed with {code}"
            );
        }
    }
    // A successful raw verification means the input was itself a validly signed token.
    if raw.is_ok() {
        assert!(text.split('.').count() == 3);
    }
});
