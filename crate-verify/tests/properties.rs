//! Property tests: what the crate signs verifies; no change to a valid token verifies;
//! no input panics.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use proptest::prelude::*;
use taskgate_verify::{KeyRing, Options, Verifier, sign_claims};

fn ring() -> KeyRing {
    KeyRing::parse(&format!("2:{SECRET}-two,1:{SECRET}-one")).unwrap()
}

fn valid_token(sub: &str, extra: &str) -> String {
    let claims = serde_json::json!({ "sub": sub, "extra": extra, "jti": "j" });
    sign_claims(&ring(), claims.as_object().unwrap(), NOW, Some(3600))
}

fn v() -> Verifier {
    Verifier::new(ring(), Options::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn signed_tokens_always_verify(sub in "\\PC{1,255}", extra in "\\PC{0,64}", lifetime in 1u64..10_000_000, age in 0u64..1000) {
        let claims = serde_json::json!({ "sub": sub, "extra": extra });
        let t = sign_claims(&ring(), claims.as_object().unwrap(), NOW, Some(lifetime + age));
        let c = v().verify(&t, NOW + age).unwrap();
        prop_assert_eq!(c.sub(), sub.as_str());
        prop_assert_eq!(c.kid(), Some("2"));
        let payload: serde_json::Value = serde_json::from_str(c.payload_json()).unwrap();
        prop_assert_eq!(payload["extra"].as_str(), Some(extra.as_str()));
    }

    #[test]
    fn flipping_any_bit_never_verifies(sub in "[a-z0-9_-]{1,40}", pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let t = valid_token(&sub, "x");
        let mut bytes = t.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= 1 << bit;
        if let Ok(s) = String::from_utf8(bytes) {
            prop_assert!(v().verify(&s, NOW).is_err());
        }
    }

    #[test]
    fn truncating_never_verifies(sub in "[a-z0-9_-]{1,40}", cut in any::<prop::sample::Index>()) {
        let t = valid_token(&sub, "x");
        let n = cut.index(t.len());
        prop_assert!(v().verify(&t[..n], NOW).is_err());
    }

    #[test]
    fn appending_anything_never_verifies(sub in "[a-z0-9_-]{1,40}", tail in "\\PC{1,16}|[A-Za-z0-9_.-]{1,8}") {
        let t = valid_token(&sub, "x");
        let (after, before) = (format!("{t}{tail}"), format!("{tail}{t}"));
        prop_assert!(v().verify(&after, NOW).is_err());
        prop_assert!(v().verify(&before, NOW).is_err());
    }

    #[test]
    fn random_strings_never_panic(s in "\\PC{0,300}") {
        let _ = v().verify(&s, NOW);
    }

    #[test]
    fn random_token_shaped_strings_never_panic(s in "[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,200}\\.[A-Za-z0-9_-]{0,60}") {
        let r = v().verify(&s, NOW);
        prop_assert!(r.is_err());
    }

    #[test]
    fn random_claims_json_never_panics(json in "\\{(\"[a-z]{1,4}\":(-?[0-9]{1,12}(\\.[0-9]{1,3})?|\"[^\"\\\\]{0,8}\"|null|true|\\[\\]|\\{\\}),?){0,8}\\}") {
        let t = claims(&json);
        let _ = check(&t);
    }
}
