//! Asymmetric tokens and JWK Sets (`docs/contract.md` section 3.2): the rule cases of
//! `vectors/rules-jwks.json`, JWK Set parsing, the Wycheproof signature suites (Ed25519, ECDSA
//! P-256 and P-521 in P1363 form, RSA PKCS#1 v1.5 and PSS) through the signature layer, and the
//! asymmetric groups of the Wycheproof JWS file through the whole verifier.
#![cfg(feature = "asymmetric")]

mod common;
use common::*;
use serde_json::{Value, json};
use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::{KeySet, SkipReason};
use taskgate_verify::keyset::pubkey::{KeyProblem, PublicKey};
use taskgate_verify::keyset::signature::{Deferred, Outcome, SignatureJob};
use taskgate_verify::{Algorithm, KeyRing, Options, Verifier};

const RULES: &str = include_str!("vectors/rules-jwks.json");
const EXPECTED: &str = include_str!("vectors/expected-outcomes.json");
const JWS: &str = include_str!("vectors/wycheproof-json_web_signature_test.json");

fn parse(v: &str) -> Value {
    serde_json::from_str(v).unwrap()
}

/// The verifier a case of rules-jwks.json describes.
fn verifier_for(file: &Value, case: &Value) -> Verifier {
    let defaults = &file["defaults"];
    let option = |name: &str| match case["options"].get(name) {
        Some(v) => v.as_str().map(String::from),
        None => defaults["options"][name].as_str().map(String::from),
    };
    let options = Options {
        jwks_issuer: option("jwks_issuer"),
        jwks_audience: option("jwks_audience"),
        issuer: option("issuer"),
        accept_session_cache: case["options"]["session_cache"].as_bool().unwrap_or(false),
        ..Options::default()
    };
    let v =
        Verifier::new(KeyRing::from_secret(defaults["secret"].as_str().unwrap().as_bytes()).unwrap(), options).unwrap();
    match case["set"].as_bool() {
        Some(false) => v,
        _ => v.with_key_set(KeySet::parse(&file["jwks"].to_string()).unwrap().0),
    }
}

fn outcome(v: &Verifier, token: &str, now: u64) -> String {
    described(v.verify(token, now))
}

/// `ok:SUB`, `CODE` or `CODE:CLAIM`.
fn described(result: taskgate_verify::Result<taskgate_verify::Claims>) -> String {
    match result {
        Ok(c) => format!("ok:{}", c.sub()),
        Err(e) => match e.claim_name() {
            Some(claim) => format!("{}:{claim}", e.code()),
            None => e.code().to_string(),
        },
    }
}

/// Verifies `token` as a host checking signatures itself does: the rules with the signature
/// deferred, then the host's `verdict` on the job.
fn deferred(
    v: &Verifier,
    token: &str,
    now: u64,
    set: Option<&KeySet>,
    verdict: impl FnOnce(&SignatureJob) -> Option<bool>,
) -> String {
    deferred_job(v, token, now, set, verdict).0
}

/// [`deferred`], and whether a job was made.
fn deferred_job(
    v: &Verifier,
    token: &str,
    now: u64,
    set: Option<&KeySet>,
    verdict: impl FnOnce(&SignatureJob) -> Option<bool>,
) -> (String, bool) {
    let mut check = Deferred::new();
    let outcome = v.verify_checking(token, now, set, |k, m, s| check.check(k, m, s));
    let (result, job) = match check.finish(outcome) {
        Outcome::Done(result) => (result, false),
        Outcome::Pending(pending) => {
            let valid = verdict(pending.job());
            (pending.settle(valid, set), true)
        }
    };
    (described(result), job)
}

fn tag_changed(token: &str) -> String {
    let Some((input, tag)) = token.rsplit_once('.') else { return token.to_owned() };
    let first = if tag.starts_with('A') { 'B' } else { 'A' };
    format!("{input}.{first}{}", tag.get(1..).unwrap_or(""))
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

cases! {
    fn every_case_of_rules_jwks_json() {
        let file = parse(RULES);
        let now = file["defaults"]["now"].as_u64().unwrap();
        let failures: Vec<String> = file["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|case| {
                let want = match (case["expect"].as_str().unwrap(), case["claim"].as_str()) {
                    ("ok", _) => format!("ok:{}", case["sub"].as_str().unwrap()),
                    (code, Some(claim)) => format!("{code}:{claim}"),
                    (code, None) => code.to_owned(),
                };
                let got = outcome(&verifier_for(&file, case), case["token"].as_str().unwrap(), now);
                (want != got).then(|| format!("{}: expected {want}, got {got}", case["name"]))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn every_case_of_rules_jwks_json_gives_the_same_outcome_with_the_signature_deferred() {
        // The host's verdict here is the crate's own math on the job; what is under test is
        // that deferring the signature applies every rule exactly as one pass does.
        let file = parse(RULES);
        let now = file["defaults"]["now"].as_u64().unwrap();
        let set = KeySet::parse(&file["jwks"].to_string()).unwrap().0;
        let mut failures = Vec::new();
        for case in file["cases"].as_array().unwrap() {
            let v = verifier_for(&file, case);
            let token = case["token"].as_str().unwrap();
            let set = (case["set"].as_bool() != Some(false)).then_some(&set);
            let want = outcome(&v, token, now);
            let got = deferred(&v, token, now, set, |job| {
                let key = set.unwrap().get(&job.kid).unwrap();
                Some(key.verify(job.alg, &job.message, &job.signature))
            });
            // A host whose crypto cannot check the key: the crate checks it, with the same outcome.
            let fallback = deferred(&v, token, now, set, |_| None);
            // And a host that says "invalid" to every job: invalid_signature wherever one was made.
            let (refused, job) = deferred_job(&v, token, now, set, |_| Some(false));
            let want_refused = if job { "invalid_signature".to_owned() } else { want.clone() };
            if want != got || want != fallback || refused != want_refused {
                failures.push(format!(
                    "{}: one pass {want}, deferred {got}, fallback {fallback}, refused {refused}",
                    case["name"]
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn a_deferred_signature_decides_before_the_claims_and_hs256_defers_nothing() {
        let file = parse(RULES);
        let case = file["cases"].as_array().unwrap().iter().find(|c| c["expect"] == "ok" && c["options"].get("session_cache").is_none() && c["set"].as_bool() != Some(false)).unwrap();
        let v = verifier_for(&file, case);
        let set = KeySet::parse(&file["jwks"].to_string()).unwrap().0;
        let good = case["token"].as_str().unwrap();
        let now = file["defaults"]["now"].as_u64().unwrap();
        // Expired and forged: one pass says invalid_signature (signature first); so does the
        // host's "invalid", while its "valid" would reach the claims.
        let late = now + 400 * 24 * 3600;
        assert_eq!(outcome(&v, &tag_changed(good), late), "invalid_signature");
        assert_eq!(deferred(&v, &tag_changed(good), late, Some(&set), |_| Some(false)), "invalid_signature");
        assert_eq!(deferred(&v, good, late, Some(&set), |_| Some(true)), outcome(&v, good, late));
        // The fallback uses the key the rules chose: a set that no longer holds it refuses.
        let other = KeySet::parse(r#"{"keys":[]}"#).unwrap().0;
        let mut check = Deferred::new();
        let held = v.verify_checking(good, now, Some(&set), |k, m, s| check.check(k, m, s));
        let Outcome::Pending(pending) = check.finish(held) else { panic!("no job") };
        assert_eq!(described(pending.settle(None, Some(&other))), "invalid_signature");
        assert!(outcome(&v, good, late).starts_with("token_expired"), "{}", outcome(&v, good, late));
        // The job: the key's public members only, and how to import it.
        let mut check = Deferred::new();
        let _ = v.verify_checking(good, now, Some(&set), |k, m, s| check.check(k, m, s));
        let Outcome::Pending(pending) = check.finish(Ok::<(), taskgate_verify::Error>(())) else { panic!("no job") };
        let job = pending.job();
        assert!(!job.public_jwk.contains("kid") && !job.public_jwk.contains("\"d\""), "{}", job.public_jwk);
        assert!(job.alg.web_crypto().is_some());
        assert_eq!(Algorithm::Hs256.web_crypto(), None);
        assert_eq!(job.message, good.rsplit_once('.').unwrap().0.as_bytes());
        // An HS256 token never makes a job.
        let hs = taskgate_verify::sign_claims(v.keys(), json!({"sub": "u"}).as_object().unwrap(), now, None);
        let mut check = Deferred::new();
        let outcome = v.verify_checking(&hs, now, Some(&set), |k, m, s| check.check(k, m, s));
        assert!(matches!(check.finish(outcome), Outcome::Done(Ok(c)) if c.sub() == "u"));
    }

    fn the_public_jwk_of_each_key_is_canonical_and_public() {
        let file = parse(RULES);
        let (set, _) = KeySet::parse(&file["jwks"].to_string()).unwrap();
        for key in set.keys() {
            let jwk = parse(key.public_jwk());
            let members: Vec<&str> = jwk.as_object().unwrap().keys().map(String::as_str).collect();
            let want: &[&str] = match key.alg() {
                Algorithm::EdDsa => &["crv", "kty", "x"],
                Algorithm::Es256 | Algorithm::Es512 => &["crv", "kty", "x", "y"],
                _ => &["e", "kty", "n"],
            };
            assert_eq!(members, want, "{}", key.kid());
            let original = file["jwks"]["keys"].as_array().unwrap().iter().find(|k| k["kid"] == key.kid()).unwrap();
            for m in want {
                assert_eq!(jwk[m], original[m], "{} {m}", key.kid());
            }
        }
    }

    fn the_jwks_signed_session_cache_never_hands_out_the_session_key() {
        let file = parse(RULES);
        let case = file["cases"].as_array().unwrap().iter().find(|c| c["options"]["session_cache"] == true && c["expect"] == "ok").unwrap();
        let claims = verifier_for(&file, case).verify(case["token"].as_str().unwrap(), NOW).unwrap();
        assert!(!claims.payload_json().contains("LIVE-key"), "{}", claims.payload_json());
        assert_eq!(parse(claims.payload_json())["sid"], "[redacted]", "Better Auth puts the live key in `sid` too");
        assert_eq!(claims.iss(), Some("https://app.example"));
        assert_eq!(claims.audiences(), ["better-auth:session-cache"]);
    }

    fn a_key_set_keeps_what_it_can_use_and_says_why_not_the_rest() {
        let file = parse(RULES);
        let good = |i: usize| file["jwks"]["keys"][i].clone();
        let keys = parse(include_str!("vectors/jwks-test-keys.json"))["keys"].clone();
        let with = |base: Value, patch: Value| {
            let mut k = base;
            for (name, value) in patch.as_object().unwrap() {
                if value.is_null() { k.as_object_mut().unwrap().remove(name); } else { k[name] = value.clone(); }
            }
            k
        };
        let set = json!({ "keys": [
            good(0),                                                       // 0 kept
            with(good(0), json!({ "kid": "k-private", "d": keys["ed"]["d"] })),  // 1 private
            with(good(3), json!({ "kid": "k-small", "n": keys["rsa1024"]["n"] })),   // 2 1024 bits
            with(good(1), json!({ "kid": "k-p384", "crv": "P-384", "x": keys["es384"]["x"], "y": keys["es384"]["y"] })), // 3 curve
            with(good(1), json!({ "kid": "k-dup" })),                       // 4 duplicate
            with(good(2), json!({ "kid": "k-dup" })),                       // 5 duplicate
            with(good(3), json!({ "kid": "k-rsa-noalg", "alg": null })),    // 6 RSA without alg
            with(good(2), json!({ "kid": "k-es521", "alg": "ES521" })),     // 7 not an alg
            with(good(1), json!({ "kid": "k-wrong", "alg": "ES512" })),     // 8 alg of another curve
            with(good(0), json!({ "kid": "k-enc", "use": "enc" })),         // 9 not for signing
            with(good(0), json!({ "kid": null })),                          // 10 no kid
            with(good(0), json!({ "kid": "k-ops", "key_ops": ["encrypt"] })), // 11 not for verify
            with(good(1), json!({ "kid": "k-offcurve", "y": good(1)["x"] })),  // 12 not on the curve
            json!({ "kty": "oct", "kid": "k-oct", "k": "c2VjcmV0" }),        // 13 symmetric
            json!("not a key"),                                             // 14
        ]});
        let (parsed, skipped) = KeySet::parse(&set.to_string()).unwrap();
        assert_eq!(parsed.keys().iter().map(|k| k.kid()).collect::<Vec<_>>(), ["k-ed"]);
        assert_eq!(parsed.get("k-ed").unwrap().alg(), Algorithm::EdDsa);
        let reasons: Vec<(usize, SkipReason)> = skipped.iter().map(|s| (s.index, s.reason)).collect();
        assert_eq!(reasons, [
            (1, SkipReason::PrivateKey),
            (2, SkipReason::BadKey(KeyProblem::TooSmall)),
            (3, SkipReason::UnsupportedKeyType),
            (4, SkipReason::DuplicateKid),
            (5, SkipReason::DuplicateKid),
            (6, SkipReason::AlgorithmRequired),
            (7, SkipReason::UnsupportedAlgorithm),
            (8, SkipReason::AlgorithmMismatch),
            (9, SkipReason::NotForSigning),
            (10, SkipReason::NoKid),
            (11, SkipReason::NotForSigning),
            (12, SkipReason::BadKey(KeyProblem::Invalid)),
            (13, SkipReason::PrivateKey),
            (14, SkipReason::NotAnObject),
        ]);
        for bad in ["[]", "{}", r#"{"keys":{}}"#, r#"{"keys":[],"keys":[]}"#, "not json"] {
            assert_eq!(KeySet::parse(bad).unwrap_err().code().as_str(), "invalid_config", "{bad}");
        }
    }

    fn the_cache_fetches_on_first_need_when_old_and_for_a_new_kid_at_most_every_30_s() {
        let mut cache = KeyCache::default();
        assert_eq!(cache.plan(Some("a"), 1000), Plan::Fetch);
        cache.fetching(1000);
        assert_eq!(
            cache.plan(Some("a"), 1010),
            Plan::KeysUnavailable,
            "a failed fetch is not retried within 30 s (503 meanwhile)"
        );
        assert_eq!(cache.retry_after(1010), 20);
        assert_eq!(cache.plan(Some("a"), 1030), Plan::Fetch);
        let set = KeySet::parse(&parse(RULES)["jwks"].to_string()).unwrap().0;
        cache.fetching(1030);
        cache.fetched(set.clone(), 1030);
        assert_eq!(cache.plan(Some("k-ed"), 1031), Plan::Use);
        assert_eq!(
            cache.plan(Some("k-new"), 1031),
            Plan::KeysUnavailable,
            "a new kid waits for 30 s since the last fetch: keys_unavailable, never unknown_key"
        );
        assert_eq!(cache.plan(Some("k-new"), 1060), Plan::Fetch);
        assert_eq!(cache.plan(Some("k-ed"), 1629), Plan::Use);
        assert_eq!(cache.plan(Some("k-ed"), 1630), Plan::Fetch, "kept 10 minutes");
        assert_eq!(KeyCache::inline(set).plan(Some("k-new"), 99_999), Plan::Use, "an inline set is never fetched");
    }

    fn wycheproof_signatures_through_the_signature_layer() {
        let suites: [(&str, Algorithm); 5] = [
            (include_str!("vectors/wycheproof-ed25519_test.json"), Algorithm::EdDsa),
            (include_str!("vectors/wycheproof-ecdsa_secp256r1_sha256_p1363_test.json"), Algorithm::Es256),
            (include_str!("vectors/wycheproof-ecdsa_secp521r1_sha512_p1363_test.json"), Algorithm::Es512),
            (include_str!("vectors/wycheproof-rsa_signature_2048_sha256_test.json"), Algorithm::Rs256),
            (include_str!("vectors/wycheproof-rsa_pss_2048_sha256_mgf1_32_test.json"), Algorithm::Ps256),
        ];
        let mut failures = Vec::new();
        let mut counted = 0;
        for (text, alg) in suites {
            let file = parse(text);
            for group in file["testGroups"].as_array().unwrap() {
                let key = key_of_group(group, alg);
                for t in group["tests"].as_array().unwrap() {
                    let valid = match &key {
                        Ok(key) => key.verify(alg, &unhex(t["msg"].as_str().unwrap()), &unhex(t["sig"].as_str().unwrap())),
                        Err(_) => false,
                    };
                    counted += 1;
                    let ok = match t["result"].as_str().unwrap() {
                        "valid" => valid,
                        "invalid" => !valid,
                        _ => true, // acceptable either way
                    };
                    if !ok {
                        failures.push(format!("{alg} tcId {} ({}): verified={valid}", t["tcId"], t["comment"]));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(counted, 151 + 262 + 318 + 259 + 108);
    }

    fn wycheproof_jws_asymmetric_groups() {
        let (file, expected) = (parse(JWS), parse(EXPECTED));
        let now = expected["now"].as_u64().unwrap();
        let mut failures = Vec::new();
        let mut dump = Vec::new();
        let mut seen = 0;
        for gi in expected["asymmetric_groups"].as_array().unwrap() {
            let group = &file["testGroups"][gi.as_u64().unwrap() as usize];
            let public = &group["public"];
            let set = KeySet::parse(&json!({ "keys": [public] }).to_string()).unwrap().0;
            // Issuer and audience are what the tokens say (Wycheproof payloads are not claims sets).
            let options = Options { jwks_issuer: Some("any".into()), jwks_audience: Some("any".into()), ..Options::default() };
            let v = Verifier::new(KeyRing::from_secret(&[0; 32]).unwrap(), options).unwrap().with_key_set(set);
            for t in group["tests"].as_array().unwrap() {
                let id = t["tcId"].as_u64().unwrap().to_string();
                let token = match &t["jws"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let got = outcome(&v, &token, now);
                // "sig-ok": the signature step passes, then the payload is not a claims set.
                let sig_ok = got != "invalid_signature" && outcome(&v, &tag_changed(&token), now) == "invalid_signature";
                let got = if sig_ok { "sig-ok".to_owned() } else { got };
                dump.push(format!("\"{id}\": \"{got}\""));
                seen += 1;
                let want = expected["expected_asymmetric"][&id].as_str().unwrap_or("(not listed)");
                if want != got {
                    failures.push(format!("group {gi} tcId {id} ({}): expected {want}, got {got}", t["comment"]));
                }
                let label_valid = t["result"] == "valid";
                let overridden = expected["label_overrides"].get(&id).is_some();
                if label_valid != (got == "sig-ok") && !overridden {
                    failures.push(format!("group {gi} tcId {id}: {got} disagrees with its label {} without an override", t["result"]));
                }
            }
        }
        if std::env::var("DUMP_OUTCOMES").is_ok() {
            println!("{}", dump.join(",\n"));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(seen, expected["expected_asymmetric"].as_object().unwrap().len());
    }
}

/// The key of a Wycheproof signature test group: from its JWK, else (the last ECDSA groups)
/// from its affine coordinates.
fn key_of_group(group: &Value, alg: Algorithm) -> Result<PublicKey, KeyProblem> {
    let b64 = |v: &Value| {
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, v.as_str().unwrap()).unwrap()
    };
    let jwk = if group["publicKeyJwk"].is_object() { &group["publicKeyJwk"] } else { &group["keyJwk"] };
    let coordinate = |name: &str, len: usize| -> Vec<u8> {
        if jwk.is_object() {
            return b64(&jwk[name]);
        }
        let mut bytes = unhex(group["publicKey"][format!("w{name}")].as_str().unwrap());
        while bytes.len() > len && bytes[0] == 0 {
            bytes.remove(0);
        }
        let mut padded = vec![0; len.saturating_sub(bytes.len())];
        padded.extend(bytes);
        padded
    };
    match alg {
        Algorithm::EdDsa => PublicKey::ed25519(&b64(&jwk["x"])),
        Algorithm::Es256 => PublicKey::p256(&coordinate("x", 32), &coordinate("y", 32)),
        Algorithm::Es512 => PublicKey::p521(&coordinate("x", 66), &coordinate("y", 66)),
        _ => PublicKey::rsa(&b64(&jwk["n"]), &b64(&jwk["e"])),
    }
}
