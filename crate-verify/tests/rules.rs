//! The rules of the contract (`docs/contract.md` section 1). Every token-to-outcome case is data,
//! in `vectors/rules.json` (shared with the wasm32 run and the npm package's tests); the tests
//! written out here are the ones that are not a token and an outcome: sizes computed from the
//! token itself, key rings, options, what a verified token exposes, and the error type.

mod common;
use common::rule_cases::{self as cases, RULES_JSON};
use common::*;
use taskgate_verify::{Claim, ErrorCode, Key, KeyRing, NumericDate, Options, Verifier};

fn opts(f: impl FnOnce(&mut Options)) -> Verifier {
    let mut o = Options::default();
    f(&mut o);
    verifier(o)
}

const VALID: &str = r#"{"sub":"user_1","exp":1700000100,"iat":1699999900}"#;

cases! {
    fn every_rule_case_of_rules_json() {
        let file: serde_json::Value = serde_json::from_str(RULES_JSON).unwrap();
        let defaults = &file["defaults"];
        let all = file["cases"].as_array().unwrap();
        let failures: Vec<String> = all
            .iter()
            .filter_map(|case| {
                let (want, got) = (cases::expected(case), cases::outcome(case, defaults));
                (want != got).then(|| format!("{} / {}: expected {want}, got {got}", case["rule"], case["name"]))
            })
            .collect();
        assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), all.len(), failures.join("\n"));
        assert!(all.len() >= 160, "{} cases", all.len());
    }

    fn case_names_are_unique() {
        let file: serde_json::Value = serde_json::from_str(RULES_JSON).unwrap();
        let mut names = std::collections::HashSet::new();
        for case in file["cases"].as_array().unwrap() {
            assert!(names.insert(case["name"].as_str().unwrap()), "repeated: {}", case["name"]);
        }
    }

    // ---------- sizes computed from the token ----------
    fn token_of_exactly_8192_bytes_is_accepted() {
        // Pad an unknown claim until the token is exactly 8192 bytes (base64 never skips it).
        let t = (0..)
            .map(|pad| claims(&format!(r#"{{"sub":"user_1","exp":1700000100,"pad":"{}"}}"#, "x".repeat(pad))))
            .find(|t| t.len() >= 8192)
            .unwrap();
        assert_eq!(t.len(), 8192);
        assert_eq!(check(&t), ok("user_1"));
        assert_eq!(check(&format!("{t}A")), fails("token_too_large"));
    }
    fn size_limit_is_configurable() {
        let t = claims(VALID);
        let v = opts(|o| o.max_token_len = t.len() - 1);
        assert_eq!(check_with(&v, &t, NOW), fails("token_too_large"));
        let v = opts(|o| o.max_token_len = t.len());
        assert_eq!(check_with(&v, &t, NOW), ok("user_1"));
    }

    // ---------- what a verified token exposes ----------
    fn registered_claims_are_exposed() {
        let t = claims(r#"{"sub":"user_1","exp":1700000100.5,"nbf":1699999000,"iat":1699999900,"iss":"i","aud":["a","b"],"jti":"j-1","email":"a@example.com","role":"admin","n":{"x":[1,2]}}"#);
        let c = verifier(Options::default()).verify(&t, NOW).unwrap();
        assert_eq!(c.sub(), "user_1");
        assert_eq!(c.exp().map(|d| (d.secs(), d.has_fraction())), Some((1700000100, true)));
        assert_eq!(c.nbf().map(|d| (d.secs(), d.has_fraction())), Some((1699999000, false)));
        assert_eq!(c.iat(), NumericDate::from_secs(1699999900));
        assert_eq!(c.iss(), Some("i"));
        assert_eq!(c.audiences(), vec!["a".to_string(), "b".to_string()]);
        assert_eq!(c.jti(), Some("j-1"));
        assert_eq!(c.email(), Some("a@example.com"));
        assert_eq!(c.kid(), None);
        assert_eq!(c.header_json(), HEADER);
        let payload: serde_json::Value = serde_json::from_str(c.payload_json()).unwrap();
        assert_eq!(payload["role"], "admin");
        assert_eq!(payload["n"]["x"][1], 2);
    }
    fn user_email_is_exposed_as_email() {
        let c = verifier(Options::default())
            .verify(&claims(r#"{"sub":"u","exp":1700000100,"user_email":"b@example.com","aud":"x"}"#), NOW)
            .unwrap();
        assert_eq!(c.email(), Some("b@example.com"));
        assert_eq!(c.audiences(), vec!["x".to_string()]);
    }
    fn kid_of_the_key_used_is_exposed() {
        let v = Verifier::new(ring(&format!("2:{SECRET}-new,1:{SECRET}-old")), Options::default()).unwrap();
        let old = token_with(&format!("{SECRET}-old"), r#"{"alg":"HS256","kid":"1"}"#, VALID);
        assert_eq!(v.verify(&old, NOW).unwrap().kid(), Some("1"));
    }

    // ---------- Better Auth's session cookie cache ----------
    fn a_session_cookie_cache_never_hands_out_the_session_token() {
        let payload = r#"{"session":{"expiresAt":"2023-11-15T00:00:00.000Z","token":"LIVE-key.sig","userId":"u_1","id":"s_1"},"user":{"id":"u_1","email":"a@example.com"},"iat":1699999700,"exp":1700000300}"#;
        let t = token(r#"{"alg":"HS256"}"#, payload);
        let c = opts(|o| o.accept_session_cache = true).verify(&t, NOW).unwrap();
        assert!(c.is_session_cache());
        assert_eq!((c.sub(), c.email()), ("u_1", Some("a@example.com")));
        assert!(!c.payload_json().contains("LIVE-key"), "{}", c.payload_json());
        let payload: serde_json::Value = serde_json::from_str(c.payload_json()).unwrap();
        assert_eq!(payload["session"]["token"], taskgate_verify::session_cache::REDACTED);
        assert_eq!(payload["session"]["id"], "s_1");
        // Inspection redacts it too, and names the shape, whatever the options.
        let i = taskgate_verify::inspect(&t, &Options::default(), NOW);
        assert!(i.session_cache && !i.payload.as_deref().unwrap().contains("LIVE-key"));
        assert!(!taskgate_verify::inspect(&claims(VALID), &Options::default(), NOW).session_cache);
        // And an error about it says nothing of it.
        let expired = token(r#"{"alg":"HS256"}"#, &payload.to_string().replace("2023-11-15", "2023-11-01"));
        let e = opts(|o| o.accept_session_cache = true).verify(&expired, NOW).unwrap_err();
        assert_eq!((e.code(), e.claim()), (ErrorCode::TokenExpired, Some(Claim::Session)));
    }

    // ---------- ending sessions (contract section 4) ----------
    fn each_token_names_the_session_that_revokes_it_never_its_live_key() {
        let v = opts(|o| o.accept_session_cache = true);
        // A TaskGate plugin token: `sid`, the session's id.
        let plugin = claims(r#"{"sub":"u_1","sid":"s_1","exp":1700000100,"iat":1699999900}"#);
        assert_eq!(v.verify(&plugin, NOW).unwrap().session_id(), Some("s_1"));
        // A jwt() plugin token has none: it is revoked by `sub` and `iat`.
        assert_eq!(v.verify(&claims(VALID), NOW).unwrap().session_id(), None);
        assert_eq!(v.verify(&claims(r#"{"sub":"u","sid":7,"exp":1700000100}"#), NOW).unwrap().session_id(), None);
        // The session cookie cache: `session.id`.
        let cache = r#"{"session":{"expiresAt":"2023-11-15T00:00:00.000Z","token":"LIVE","userId":"u_1","id":"s_2"},"user":{"id":"u_1"},"exp":1700000300}"#;
        assert_eq!(v.verify(&token(r#"{"alg":"HS256"}"#, cache), NOW).unwrap().session_id(), Some("s_2"));
        // Beside a `sub` (the JWKS-signed cookie cache's shape), `session.id`, not the `sid` that
        // repeats the live key.
        let both = r#"{"sub":"u_1","sid":"LIVE","session":{"token":"LIVE","id":"s_3"},"exp":1700000300}"#;
        let c = v.verify(&claims(both), NOW).unwrap();
        assert_eq!(c.session_id(), Some("s_3"));
        assert!(!c.payload_json().contains("LIVE"), "{}", c.payload_json());
    }
    fn a_revocation_token_is_accepted_only_at_revocations_and_a_user_token_never_there() {
        let v = verifier(Options::default());
        let keys = ring("1:test-secret-0123456789-abcdefghijklmn");
        let revocation = taskgate_verify::sign_revocation(&keys, NOW);
        let ring_verifier = Verifier::new(keys.clone(), Options::default()).unwrap();
        assert_eq!(ring_verifier.verify_revocation(&revocation, NOW + 59, None), Ok(()));
        let code = |r: Result<(), taskgate_verify::Error>| r.map_err(|e| (e.code(), e.claim()));
        // As a user's bearer token: refused.
        assert_eq!(ring_verifier.verify(&revocation, NOW).unwrap_err().code(), ErrorCode::UnsupportedHeader);
        // A user's token here: refused.
        assert_eq!(code(v.verify_revocation(&claims(VALID), NOW, None)), Err((ErrorCode::UnsupportedHeader, None)));
        // Expired, another secret, and a lifetime over a minute.
        assert_eq!(code(ring_verifier.verify_revocation(&revocation, NOW + 60, None)), Err((ErrorCode::TokenExpired, Some(Claim::Exp))));
        let other = ring("1:another-secret-0123456789-abcdefghijklmn");
        assert_eq!(code(Verifier::new(other, Options::default()).unwrap().verify_revocation(&revocation, NOW, None)).unwrap_err().0, ErrorCode::InvalidSignature);
        let typ = r#"{"alg":"HS256","typ":"taskgate-revocation+jwt"}"#;
        let long = token(typ, r#"{"aud":"taskgate:revocations","exp":1700000061}"#);
        assert_eq!(code(v.verify_revocation(&long, NOW, None)), Err((ErrorCode::InvalidClaim, Some(Claim::Exp))));
        let minute = token(typ, r#"{"aud":"taskgate:revocations","exp":1700000060}"#);
        assert_eq!(code(v.verify_revocation(&minute, NOW, None)), Ok(()));
        // Its audience, and an exp, are required (whatever require_exp says).
        let aud = token(typ, r#"{"aud":"tasks","exp":1700000030}"#);
        assert_eq!(code(v.verify_revocation(&aud, NOW, None)), Err((ErrorCode::InvalidAudience, Some(Claim::Aud))));
        let no_exp = token(typ, r#"{"aud":"taskgate:revocations"}"#);
        let lax = opts(|o| o.require_exp = false);
        assert_eq!(code(lax.verify_revocation(&no_exp, NOW, None)), Err((ErrorCode::MissingClaim, Some(Claim::Exp))));
        // A header without the revocation typ is a user's token, whatever the payload.
        let plain = token(r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"aud":"taskgate:revocations","exp":1700000030}"#);
        assert_eq!(code(v.verify_revocation(&plain, NOW, None)), Err((ErrorCode::UnsupportedHeader, None)));
    }
    fn an_admin_token_is_accepted_only_at_admin_routes_and_no_other_token_there() {
        use taskgate_verify::Service;
        let keys = ring("1:test-secret-0123456789-abcdefghijklmn");
        let v = Verifier::new(keys.clone(), Options::default()).unwrap();
        let admin = taskgate_verify::sign_service(&keys, Service::Admin, NOW);
        let code = |r: Result<(), taskgate_verify::Error>| r.map_err(|e| (e.code(), e.claim()));
        assert_eq!(v.verify_service(Service::Admin, &admin, NOW + 59, None), Ok(()));
        assert_eq!(code(v.verify_service(Service::Admin, &admin, NOW + 60, None)), Err((ErrorCode::TokenExpired, Some(Claim::Exp))));
        // Not a user's token, not a revocation token; neither of those is one.
        assert_eq!(v.verify(&admin, NOW).unwrap_err().code(), ErrorCode::UnsupportedHeader);
        assert_eq!(code(v.verify_revocation(&admin, NOW, None)), Err((ErrorCode::UnsupportedHeader, None)));
        let revocation = taskgate_verify::sign_revocation(&keys, NOW);
        assert_eq!(code(v.verify_service(Service::Admin, &revocation, NOW, None)), Err((ErrorCode::UnsupportedHeader, None)));
        assert_eq!(code(v.verify_service(Service::Admin, &claims(VALID), NOW, None)), Err((ErrorCode::UnsupportedHeader, None)));
        // Its own audience: the admin typ with the revocations' audience is refused.
        let typ = r#"{"alg":"HS256","typ":"taskgate-admin+jwt"}"#;
        let mixed = token(typ, r#"{"aud":"taskgate:revocations","exp":1700000030}"#);
        let v2 = verifier(Options::default());
        assert_eq!(code(v2.verify_service(Service::Admin, &mixed, NOW, None)), Err((ErrorCode::InvalidAudience, Some(Claim::Aud))));
        let own = token(typ, r#"{"aud":"taskgate:admin","exp":1700000030}"#);
        assert_eq!(code(v2.verify_service(Service::Admin, &own, NOW, None)), Ok(()));
    }

    // ---------- keys and options ----------
    fn key_under_32_bytes_is_weak() {
        assert_eq!(Key::new(&[7; 31]).unwrap_err().code(), ErrorCode::WeakKey);
        assert_eq!(KeyRing::from_secret(b"short").unwrap_err().code(), ErrorCode::WeakKey);
        assert!(Key::new(&[7; 32]).is_ok());
    }
    fn ring_value_under_32_bytes_is_weak() {
        let e = KeyRing::parse(&format!("2:{SECRET},1:tooshort")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WeakKey);
    }
    fn ring_parses_versions_in_order() {
        let r = ring(&format!(" 2:{SECRET}-b , 1:{SECRET}-a"));
        let versions: Vec<_> = r.keys().iter().map(|k| k.version().unwrap()).collect();
        assert_eq!(versions, ["2", "1"]);
        assert_eq!(r.current().version(), Some("2"));
        assert!(r.is_versioned());
    }
    fn ring_syntax_errors_are_invalid_config() {
        for bad in [
            String::new(),
            SECRET.to_string(),
            format!(":{SECRET}"),
            format!("1:{SECRET},"),
            format!("1:{SECRET},1:{SECRET}x"),
        ] {
            assert_eq!(KeyRing::parse(&bad).unwrap_err().code(), ErrorCode::InvalidConfig, "{bad:?}");
        }
    }
    fn ring_of_more_than_8_keys_is_invalid_config() {
        let eight: Vec<String> = (0..8).map(|i| format!("{i}:{SECRET}")).collect();
        assert!(KeyRing::parse(&eight.join(",")).is_ok());
        let nine: Vec<String> = (0..9).map(|i| format!("{i}:{SECRET}")).collect();
        assert_eq!(KeyRing::parse(&nine.join(",")).unwrap_err().code(), ErrorCode::InvalidConfig);
    }
    fn secrets_variable_wins_over_secret() {
        let r = KeyRing::from_env_values(Some("x"), Some(&format!("9:{SECRET}"))).unwrap();
        assert_eq!(r.current().version(), Some("9"));
        let r = KeyRing::from_env_values(Some(SECRET), Some("  ")).unwrap();
        assert_eq!(r.current().version(), None);
        assert_eq!(KeyRing::from_env_values(None, None).unwrap_err().code(), ErrorCode::InvalidConfig);
        assert_eq!(KeyRing::from_env_values(Some("short"), None).unwrap_err().code(), ErrorCode::WeakKey);
    }
    fn leeway_over_300_is_invalid_config() {
        let keys = KeyRing::from_secret(SECRET.as_bytes()).unwrap();
        let o = Options { leeway: 301, ..Options::default() };
        assert_eq!(Verifier::new(keys.clone(), o).unwrap_err().code(), ErrorCode::InvalidConfig);
        assert!(Verifier::new(keys, Options { leeway: 300, ..Options::default() }).is_ok());
    }
    fn key_debug_never_shows_the_secret() {
        let r = ring(&format!("1:{SECRET}"));
        let text = format!("{r:?} {:?}", verifier(Options::default()));
        assert!(!text.contains(SECRET), "{text}");
    }

    // ---------- errors ----------
    fn error_codes_and_claims_are_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            assert!(seen.insert(c.as_str()));
            assert!(!c.description().is_empty() && !taskgate_verify::host::catalog::hint(*c).is_empty());
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
        }
        for c in Claim::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(Claim::parse(c.as_str()), Some(*c));
        }
    }
    fn error_display_names_the_claim_and_never_the_token() {
        let t = claims(r#"{"sub":"secret-user","exp":1}"#);
        let e = verifier(Options::default()).verify(&t, NOW).unwrap_err();
        let text = e.to_string();
        assert_eq!(text, "the token has expired (claim \"exp\")");
        assert_eq!(e.claim(), Some(Claim::Exp));
        assert!(!text.contains("secret-user"));
    }
    fn expansion_of_repeated_text() {
        assert_eq!(cases::expand("a${b*3}c${}*2}"), "abbbc}}");
        assert_eq!(cases::expand(r#"${{"a":*2}1"#), r#"{"a":{"a":1"#);
    }
}
