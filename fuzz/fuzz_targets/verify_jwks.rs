//! Fuzzes verification with a JWK Set of every algorithm: the raw input as a token, and the
//! input as the claims set of tokens signed here with fixed Ed25519 and P-256 keys (so every
//! later step is reached), and as their header. Never a panic; a signed token fails only at the
//! claim steps; an asymmetric token never verifies with the HMAC secret and vice versa; with the
//! signature deferred to a host (`signature::Deferred`, the verdict the crate's own math), every
//! token has exactly the outcome of one pass, and a host's "invalid" is `invalid_signature`.
#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use libfuzzer_sys::fuzz_target;
use taskgate_verify::keyset::jwks::KeySet;
use taskgate_verify::keyset::signature::{Deferred, Outcome};
use taskgate_verify::{KeyRing, Options, Verifier};

const ED_SEED: [u8; 32] = [7; 32];
const P256_SCALAR: [u8; 32] = [9; 32];
const NOW: u64 = 1_700_000_000;

fn setup() -> &'static (Verifier, ed25519_dalek::SigningKey, p256::ecdsa::SigningKey) {
    static V: OnceLock<(Verifier, ed25519_dalek::SigningKey, p256::ecdsa::SigningKey)> = OnceLock::new();
    V.get_or_init(|| {
        let ed = ed25519_dalek::SigningKey::from_bytes(&ED_SEED);
        let es = p256::ecdsa::SigningKey::from_slice(&P256_SCALAR).unwrap();
        let point = es.verifying_key().to_sec1_point(false);
        let (x, y) = (point.x().unwrap(), point.y().unwrap());
        let set = serde_json::json!({ "keys": [
            { "kty": "OKP", "crv": "Ed25519", "kid": "ed", "alg": "EdDSA", "x": B64.encode(ed.verifying_key().as_bytes()) },
            { "kty": "EC", "crv": "P-256", "kid": "es", "alg": "ES256", "x": B64.encode(x), "y": B64.encode(y) },
        ]});
        let (set, skipped) = KeySet::parse(&set.to_string()).unwrap();
        assert!(skipped.is_empty());
        let options = Options { jwks_issuer: Some("iss".into()), jwks_audience: Some("aud".into()), accept_session_cache: true, ..Options::default() };
        let v = Verifier::new(KeyRing::from_secret(&[3; 32]).unwrap(), options).unwrap().with_key_set(set);
        (v, ed, es)
    })
}

fn signed(header: &str, payload: &str, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!("{}.{}", B64.encode(header), B64.encode(payload));
    let signature = sign(input.as_bytes());
    format!("{input}.{}", B64.encode(signature))
}

/// Verifies `token` with the signature deferred and settled with `verdict` (`None`: the crate's
/// math on the job), and checks it against one pass.
fn deferred_matches(v: &Verifier, token: &str) {
    let one_pass = v.verify(token, NOW).map(|c| c.sub().to_owned()).map_err(|e| e.code());
    for verdict in [None, Some(false)] {
        let mut check = Deferred::new();
        let outcome = v.verify_checking(token, NOW, v.key_set(), |k, m, s| check.check(k, m, s));
        let (result, job) = match check.finish(outcome) {
            Outcome::Done(result) => (result, false),
            Outcome::Pending(p) => (p.settle(verdict, v.key_set()), true),
        };
        let result = result.map(|c| c.sub().to_owned()).map_err(|e| e.code());
        match (verdict, job) {
            (Some(false), true) => assert_eq!(result.map_err(|e| e.as_str()), Err("invalid_signature")),
            _ => assert_eq!(result, one_pass, "deferred ({verdict:?}) against one pass"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (v, ed, es) = setup();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = v.verify(text, NOW);
    deferred_matches(v, text);
    let _ = v.peek(text);
    let _ = taskgate_verify::inspect(text, v.options(), NOW);
    use ed25519_dalek::Signer as _;
    let ed_sign = |m: &[u8]| ed.sign(m).to_bytes().to_vec();
    let es_sign = |m: &[u8]| -> Vec<u8> {
        let sig: p256::ecdsa::Signature = es.sign(m);
        sig.to_bytes().to_vec()
    };
    for token in
        [signed(r#"{"alg":"EdDSA","kid":"ed"}"#, text, ed_sign), signed(r#"{"alg":"ES256","kid":"es"}"#, text, es_sign)]
    {
        deferred_matches(v, &token);
        if let Err(e) = v.verify(&token, NOW) {
            let code = e.code().as_str();
            assert!(
                !matches!(
                    code,
                    "unsupported_algorithm"
                        | "unsupported_header"
                        | "invalid_signature"
                        | "unknown_key"
                        | "missing_token"
                ),
                "a signed token failed with {code}"
            );
        }
    }
    // The input as the header: whatever it says, a signature by the Ed25519 key verifies only
    // when the header names EdDSA and that key.
    let token = signed(text, r#"{"sub":"u","exp":1700000100,"iss":"iss","aud":"aud"}"#, ed_sign);
    deferred_matches(v, &token);
    if v.verify(&token, NOW).is_ok() {
        let (alg, kid) = v.peek(&token).unwrap();
        assert_eq!((alg.as_str(), kid.as_deref()), ("EdDSA", Some("ed")));
    }
});
