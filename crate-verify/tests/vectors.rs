//! Published vectors: Wycheproof JWS (the HS256 groups) and the RFC examples, with TaskGate's
//! expected outcome for each read from `vectors/expected-outcomes.json` (shared with the npm
//! package's tests).

mod common;
use common::*;
use serde_json::Value;
use taskgate_verify::{KeyRing, Options, Verifier};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const EXPECTED: &str = include_str!("vectors/expected-outcomes.json");
const WYCHEPROOF_JWS: &str = include_str!("vectors/wycheproof-json_web_signature_test.json");
const RFC: &str = include_str!("vectors/rfc-hs256.json");

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn jwk_verifier(jwk: &Value) -> Verifier {
    let k = URL_SAFE_NO_PAD.decode(jwk["k"].as_str().unwrap()).unwrap();
    Verifier::new(KeyRing::from_secret(&k).unwrap(), Options::default()).unwrap()
}

/// The code `token` fails with (or `ok`), and with `claim` its claim (`code:claim`).
fn outcome(v: &Verifier, token: &str, now: u64, with_claim: bool) -> String {
    match v.verify(token, now) {
        Ok(_) => "ok".into(),
        Err(e) => match e.claim_name() {
            Some(claim) if with_claim => format!("{}:{claim}", e.code()),
            _ => e.code().as_str().into(),
        },
    }
}

fn tag_changed(token: &str) -> String {
    let (input, tag) = token.rsplit_once('.').unwrap();
    let first = if tag.starts_with('A') { 'B' } else { 'A' };
    format!("{input}.{first}{}", &tag[1..])
}

/// The signature step accepts `token`: with another tag it fails at the signature (so steps
/// 1-3 pass), and as it is it does not (so step 4 passes).
fn passes_signature(v: &Verifier, token: &str, now: u64) -> bool {
    outcome(v, token, now, false) != "invalid_signature"
        && outcome(v, &tag_changed(token), now, false) == "invalid_signature"
}

/// Checks `token` against one expectation: `sig-ok` (the signature passes, then the payload
/// is not a claims set), or a code (`code` / `code:claim`).
fn check_expected(v: &Verifier, token: &str, now: u64, want: &str) -> Result<(), String> {
    let got = outcome(v, token, now, want.contains(':'));
    match want {
        "sig-ok" if got == "malformed_token" && passes_signature(v, token, now) => Ok(()),
        "sig-ok" => Err(format!("expected the signature to pass, then malformed_token; got {got}")),
        _ if got == want => Ok(()),
        _ => Err(format!("expected {want}, got {got}")),
    }
}

cases! {
    fn wycheproof_jws_hs256_groups() {
        let (file, expected) = (json(WYCHEPROOF_JWS), json(EXPECTED));
        let now = expected["now"].as_u64().unwrap();
        let mut failures = Vec::new();
        let mut seen = 0;
        for gi in expected["hs256_groups"].as_array().unwrap() {
            let group = &file["testGroups"][gi.as_u64().unwrap() as usize];
            let v = jwk_verifier(&group["private"]);
            for case in group["tests"].as_array().unwrap() {
                let id = case["tcId"].as_u64().unwrap().to_string();
                let token = match &case["jws"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let want = expected["expected"][&id].as_str().unwrap_or_else(|| panic!("tcId {id} not listed"));
                if let Err(e) = check_expected(&v, &token, now, want) {
                    failures.push(format!("tcId {id}: {e}"));
                }
                // Agreement with the upstream label, except where an override says why not.
                let label_valid = case["result"] == "valid";
                let overridden = expected["label_overrides"].get(&id).is_some();
                if label_valid == (want == "sig-ok") && overridden {
                    failures.push(format!("tcId {id}: overridden but agrees with its label"));
                }
                if label_valid != (want == "sig-ok") && !overridden {
                    failures.push(format!("tcId {id}: disagrees with its label without an override"));
                }
                seen += 1;
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(seen, expected["expected"].as_object().unwrap().len());
    }

    fn rfc_examples() {
        let (file, expected) = (json(RFC), json(EXPECTED));
        for (name, checks) in expected["rfc"].as_object().unwrap() {
            let vector = &file["vectors"][name];
            let v = jwk_verifier(&vector["jwk"]);
            for c in checks.as_array().unwrap() {
                let token = vector[c["token"].as_str().unwrap_or("token")].as_str().unwrap();
                let now = c["now"].as_u64().unwrap();
                let want = match c["claim"].as_str() {
                    Some(claim) => format!("{}:{claim}", c["expect"].as_str().unwrap()),
                    None => c["expect"].as_str().unwrap().to_owned(),
                };
                check_expected(&v, token, now, &want).unwrap_or_else(|e| panic!("{name} at {now}: {e}"));
                if c["signature_checked"] == true {
                    assert_eq!(outcome(&v, &tag_changed(token), now, false), "invalid_signature", "{name}");
                }
            }
        }
    }

    fn rfc7515_a1_with_a_sub_verifies() {
        // The A.1 claims plus a `sub`, re-signed with its key: TaskGate accepts them.
        let a1 = &json(RFC)["vectors"]["rfc7515_appendix_A1"];
        let v = jwk_verifier(&a1["jwk"]);
        let k = URL_SAFE_NO_PAD.decode(a1["jwk"]["k"].as_str().unwrap()).unwrap();
        let header = a1["header_json"].as_str().unwrap();
        let payload = a1["payload_json"].as_str().unwrap().replacen('{', "{\"sub\":\"joe\",", 1);
        let input = format!("{}.{}", b64(header), b64(&payload));
        let t = format!("{input}.{}", b64(hmac_sha256(&k, input.as_bytes())));
        assert_eq!(v.verify(&t, 1_300_819_379).unwrap().iss(), Some("joe"));
    }

    fn rfc7797_attached_b64_false_is_unsupported_header() {
        let c = &json(RFC)["vectors"]["rfc7797_4_1_b64_false"];
        let v = jwk_verifier(&c["jwk"]);
        // Attached (payload "$.02" base64url-encoded) it is refused like the detached form.
        let attached = format!("{}.{}.{}", c["protected"].as_str().unwrap(), b64("$.02"), c["signature"].as_str().unwrap());
        assert_eq!(outcome(&v, &attached, NOW, false), "unsupported_header");
    }
}
