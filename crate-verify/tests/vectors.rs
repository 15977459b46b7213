//! Published vectors: Wycheproof JWS (the HS256 groups 0, 12, 16, 21) and the RFC examples.

mod common;
use common::*;
use taskgate_verify::{KeyRing, Options, Verifier};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn jwk_verifier(jwk: &serde_json::Value) -> Verifier {
    let k = URL_SAFE_NO_PAD.decode(jwk["k"].as_str().unwrap()).unwrap();
    Verifier::new(KeyRing::from_secret(&k).unwrap(), Options::default()).unwrap()
}

/// The code `token` fails with, proving for the malformed-claims case that the signature
/// step was passed: the same token with a changed tag must then fail `invalid_signature`.
fn outcome(v: &Verifier, token: &str, now: u64) -> String {
    match v.verify(token, now) {
        Ok(_) => "ok".into(),
        Err(e) => e.code().as_str().into(),
    }
}

fn tag_changed(token: &str) -> String {
    let (input, tag) = token.rsplit_once('.').unwrap();
    let first = if tag.starts_with('A') { 'B' } else { 'A' };
    format!("{input}.{first}{}", &tag[1..])
}

/// The signature step accepts `token`: with another tag it fails at the signature (so steps
/// 1-3 pass), and as it is it does not (so step 4 passes).
fn passes_signature(v: &Verifier, token: &str) -> bool {
    outcome(v, token, NOW) != "invalid_signature" && outcome(v, &tag_changed(token), NOW) == "invalid_signature"
}

/// What TaskGate answers for each HS256 case of the Wycheproof JWS file.
/// "sig-ok" means: the signature verifies, then the payload ("foo", "Test", ...) is not a
/// JWT claims set, so the token is `malformed_token` at step 5.
const EXPECTED: &[(u64, &str)] = &[
    (1, "sig-ok"),
    (2, "invalid_signature"),
    (3, "invalid_signature"), // empty tag: valid base64url of 0 bytes
    (4, "malformed_token"),
    (5, "invalid_signature"),
    (6, "invalid_signature"), // empty payload segment, MAC mismatch
    (7, "malformed_token"),
    (8, "invalid_signature"),
    (9, "malformed_token"), // empty header is not JSON
    (10, "malformed_token"),
    (11, "malformed_token"),
    (12, "malformed_token"),
    (13, "missing_token"),
    (14, "malformed_token"),
    (15, "malformed_token"),
    (16, "unsupported_algorithm"),
    (17, "malformed_token"), // JSON serialization is not compact
    (348, "sig-ok"),
    (352, "sig-ok"),
    (357, "sig-ok"),
    (358, "sig-ok"),
    (359, "sig-ok"),
    (360, "malformed_token"),
    (361, "malformed_token"),
    (362, "malformed_token"),
    (363, "malformed_token"),
    (364, "malformed_token"),
    (365, "malformed_token"),
    (366, "malformed_token"),
    (367, "sig-ok"), // label error upstream: byte-identical to the valid tcId 357
    (368, "malformed_token"),
    (369, "malformed_token"),
    (370, "sig-ok"), // label error upstream: byte-identical to the valid tcId 357
    (371, "malformed_token"),
    (372, "malformed_token"), // label error upstream: contains '?', labelled valid
    (373, "malformed_token"), // label error upstream: contains '?', labelled valid
    (374, "malformed_token"), // non-zero unused bits in "AB"
    (375, "malformed_token"),
    (376, "sig-ok"),
    (377, "sig-ok"),
];
/// The four cases where a strict verifier must disagree with the upstream label.
const LABEL_OVERRIDES: [u64; 4] = [367, 370, 372, 373];

cases! {
    fn wycheproof_jws_hs256_groups() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("vectors/wycheproof-json_web_signature_test.json")).unwrap();
        let mut seen = 0;
        for gi in [0, 12, 16, 21] {
            let group = &file["testGroups"][gi];
            let v = jwk_verifier(&group["private"]);
            for case in group["tests"].as_array().unwrap() {
                let id = case["tcId"].as_u64().unwrap();
                let token = match &case["jws"] {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let want = EXPECTED.iter().find(|(i, _)| *i == id).unwrap_or_else(|| panic!("tcId {id} not listed")).1;
                if want == "sig-ok" {
                    assert_eq!(outcome(&v, &token, NOW), "malformed_token", "tcId {id}");
                    assert!(passes_signature(&v, &token), "tcId {id}");
                } else {
                    assert_eq!(outcome(&v, &token, NOW), want, "tcId {id}");
                }
                // Agreement with the upstream label, except the four known label errors.
                let label_valid = case["result"] == "valid";
                assert_eq!(label_valid != (want == "sig-ok"), LABEL_OVERRIDES.contains(&id), "tcId {id}");
                seen += 1;
            }
        }
        assert_eq!(seen, EXPECTED.len());
    }

    fn rfc7515_a1_signature_and_exp() {
        let file: serde_json::Value = serde_json::from_str(include_str!("vectors/rfc-hs256.json")).unwrap();
        let a1 = &file["vectors"]["rfc7515_appendix_A1"];
        let v = jwk_verifier(&a1["jwk"]);
        let token = a1["token"].as_str().unwrap();
        // Before exp: signature and exp pass; the example has no `sub`, which TaskGate requires.
        let err = v.verify(token, 1_300_819_379).unwrap_err();
        assert_eq!(describe(err), ("missing_claim".into(), Some("sub")));
        // At and after exp: expired.
        assert_eq!(describe(v.verify(token, 1_300_819_380).unwrap_err()), ("token_expired".into(), Some("exp")));
        assert_eq!(describe(v.verify(token, NOW).unwrap_err()), ("token_expired".into(), Some("exp")));
        // And its signature really is what makes it pass.
        assert_eq!(outcome(&v, &tag_changed(token), 1_300_819_379), "invalid_signature");
        // Without the sub requirement's influence: the same claims plus a sub, re-signed, verify.
        let k = URL_SAFE_NO_PAD.decode(a1["jwk"]["k"].as_str().unwrap()).unwrap();
        let header = a1["header_json"].as_str().unwrap();
        let payload = a1["payload_json"].as_str().unwrap().replacen('{', "{\"sub\":\"joe\",", 1);
        let input = format!("{}.{}", b64(header), b64(&payload));
        let t = format!("{input}.{}", b64(hmac_sha256(&k, input.as_bytes())));
        assert_eq!(v.verify(&t, 1_300_819_379).unwrap().iss(), Some("joe"));
    }

    fn rfc7520_4_4_plain_text_payload_is_not_a_claims_set() {
        let file: serde_json::Value = serde_json::from_str(include_str!("vectors/rfc-hs256.json")).unwrap();
        let c = &file["vectors"]["rfc7520_4_4_hmac_sha2"];
        let v = jwk_verifier(&c["jwk"]);
        let token = c["token"].as_str().unwrap();
        assert_eq!(outcome(&v, token, NOW), "malformed_token");
        assert!(passes_signature(&v, token));
    }

    fn rfc7797_b64_false_is_unsupported_header() {
        let file: serde_json::Value = serde_json::from_str(include_str!("vectors/rfc-hs256.json")).unwrap();
        let c = &file["vectors"]["rfc7797_4_1_b64_false"];
        let v = jwk_verifier(&c["jwk"]);
        assert_eq!(outcome(&v, c["compact_detached"].as_str().unwrap(), NOW), "unsupported_header");
        // Attached (payload "$.02" base64url-encoded) it is refused the same way.
        let attached = format!("{}.{}.{}", c["protected"].as_str().unwrap(), b64("$.02"), c["signature"].as_str().unwrap());
        assert_eq!(outcome(&v, &attached, NOW), "unsupported_header");
    }
}
