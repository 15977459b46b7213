//! One named test per rule of the contract (section 1), in the contract's order.

mod common;
use common::*;
use taskgate_verify::{ErrorCode, Key, KeyRing, NumericDate, Options, Verifier};

fn opts(f: impl FnOnce(&mut Options)) -> Verifier {
    let mut o = Options::default();
    f(&mut o);
    verifier(o)
}

const VALID: &str = r#"{"sub":"user_1","exp":1700000100,"iat":1699999900}"#;

cases! {
    // ---------- 1. size ----------
    fn empty_token_is_missing_token() {
        assert_eq!(check(""), fails("missing_token"));
    }
    fn token_over_8192_bytes_is_too_large() {
        let t = format!("{}{}", claims(VALID), "A".repeat(8193));
        assert_eq!(check(&t[..8193]), fails("token_too_large"));
    }
    fn token_of_exactly_8192_bytes_is_accepted() {
        // Pad an unknown claim until the token is exactly 8192 bytes (base64 never skips it).
        let t = (0..)
            .map(|pad| claims(&format!(r#"{{"sub":"user_1","exp":1700000100,"pad":"{}"}}"#, "x".repeat(pad))))
            .find(|t| t.len() >= 8192)
            .unwrap();
        assert_eq!(t.len(), 8192);
        assert_eq!(check(&t), ok("user_1"));
    }
    fn size_limit_is_configurable() {
        let t = claims(VALID);
        let v = opts(|o| o.max_token_len = t.len() - 1);
        assert_eq!(check_with(&v, &t, NOW), fails("token_too_large"));
        let v = opts(|o| o.max_token_len = t.len());
        assert_eq!(check_with(&v, &t, NOW), ok("user_1"));
    }
    fn size_is_checked_before_shape() {
        assert_eq!(check(&"!".repeat(9000)), fails("token_too_large"));
    }

    // ---------- 2. shape ----------
    fn valid_token_verifies() {
        assert_eq!(check(&claims(VALID)), ok("user_1"));
    }
    fn two_segments_are_malformed() {
        let t = claims(VALID);
        let two = &t[..t.rfind('.').unwrap()];
        assert_eq!(check(two), fails("malformed_token"));
    }
    fn four_segments_are_malformed() {
        assert_eq!(check(&format!("{}.", claims(VALID))), fails("malformed_token"));
        assert_eq!(check(&format!("{}.AAAA", claims(VALID))), fails("malformed_token"));
    }
    fn one_segment_is_malformed() {
        assert_eq!(check("abc"), fails("malformed_token"));
        assert_eq!(check("."), fails("malformed_token"));
        assert_eq!(check(".."), fails("malformed_token"));
    }
    fn padding_is_malformed() {
        // The tag is 43 characters; with its one "=" of padding it is 44.
        assert_eq!(check(&format!("{}=", claims(VALID))), fails("malformed_token"));
        let t = token(HEADER, r#"{"sub":"user_1","exp":1700000100,"a":1}"#);
        let mut parts: Vec<String> = t.split('.').map(String::from).collect();
        parts[0].push_str("==");
        assert_eq!(check(&parts.join(".")), fails("malformed_token"));
    }
    fn standard_base64_alphabet_is_malformed() {
        let t = claims(VALID);
        // Find or force '-'/'_' and swap to '+'/'/': replace the first char of the tag.
        let (input, tag) = t.rsplit_once('.').unwrap();
        for bad in ['+', '/'] {
            let mut tag2: String = tag.into();
            tag2.replace_range(0..1, &bad.to_string());
            assert_eq!(check(&format!("{input}.{tag2}")), fails("malformed_token"), "{bad}");
        }
    }
    fn whitespace_is_malformed() {
        let t = claims(VALID);
        assert_eq!(check(&format!(" {t}")), fails("malformed_token"));
        assert_eq!(check(&format!("{t}\n")), fails("malformed_token"));
        let (h, rest) = t.split_once('.').unwrap();
        assert_eq!(check(&format!("{h}. {rest}")), fails("malformed_token"));
    }
    fn non_canonical_trailing_bits_are_malformed() {
        // A 43-character tag encodes 32 bytes; its last character carries 2 unused bits.
        let t = claims(VALID);
        let (input, tag) = t.rsplit_once('.').unwrap();
        let last = tag.as_bytes()[42];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let idx = alphabet.iter().position(|&c| c == last).unwrap();
        let bumped = alphabet[idx ^ 1] as char; // sets/clears the lowest (unused) bit
        let t2 = format!("{input}.{}{bumped}", &tag[..42]);
        assert_eq!(check(&t2), fails("malformed_token"));
    }
    fn impossible_base64_length_is_malformed() {
        let t = claims(VALID);
        let (h, rest) = t.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        let p5 = if p.len() % 4 == 0 { format!("{p}A") } else { format!("{}{}", p, "A".repeat(5 - p.len() % 4)) };
        assert_eq!((p5.len() % 4), 1);
        assert_eq!(check(&format!("{h}.{p5}.{s}")), fails("malformed_token"));
    }
    fn non_ascii_is_malformed() {
        let t = claims(VALID);
        assert_eq!(check(&t.replacen('.', "é.", 1)), fails("malformed_token"));
    }
    fn shape_is_checked_before_header() {
        // alg none AND a broken segment: the shape decides.
        let t = token(r#"{"alg":"none"}"#, VALID);
        assert_eq!(check(&format!("{t}=")), fails("malformed_token"));
    }

    // ---------- 3. header ----------
    fn header_not_json_is_malformed() {
        assert_eq!(check(&token("not json", VALID)), fails("malformed_token"));
    }
    fn header_json_array_is_malformed() {
        assert_eq!(check(&token(r#"["HS256"]"#, VALID)), fails("malformed_token"));
    }
    fn header_with_trailing_data_is_malformed() {
        assert_eq!(check(&token(r#"{"alg":"HS256"}{}"#, VALID)), fails("malformed_token"));
    }
    fn header_not_utf8_is_malformed() {
        let t = format!("{}.{}.", b64(b"{\"alg\":\"HS256\",\"x\":\"\xff\"}"), b64(VALID));
        let tag = hmac_sha256(SECRET.as_bytes(), t.trim_end_matches('.').as_bytes());
        assert_eq!(check(&format!("{t}{}", b64(tag))), fails("malformed_token"));
    }
    fn duplicate_header_member_is_malformed() {
        assert_eq!(check(&token(r#"{"alg":"HS256","alg":"HS256"}"#, VALID)), fails("malformed_token"));
        assert_eq!(check(&token(r#"{"alg":"none","alg":"HS256"}"#, VALID)), fails("malformed_token"));
    }
    fn duplicate_header_member_spelled_with_escapes_is_malformed() {
        assert_eq!(check(&token(r#"{"alg":"HS256","\u0061lg":"none"}"#, VALID)), fails("malformed_token"));
    }
    fn alg_none_is_unsupported() {
        assert_eq!(check(&token(r#"{"alg":"none"}"#, VALID)), fails("unsupported_algorithm"));
        let unsigned = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(VALID));
        assert_eq!(check(&unsigned), fails("unsupported_algorithm"));
    }
    fn alg_lowercase_is_unsupported() {
        assert_eq!(check(&token(r#"{"alg":"hs256"}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn alg_hs512_is_unsupported() {
        assert_eq!(check(&token(r#"{"alg":"HS512"}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn alg_rs256_is_unsupported() {
        assert_eq!(check(&token(r#"{"alg":"RS256","typ":"JWT"}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn alg_missing_is_unsupported() {
        assert_eq!(check(&token(r#"{"typ":"JWT"}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn alg_not_a_string_is_unsupported() {
        assert_eq!(check(&token(r#"{"alg":["HS256"]}"#, VALID)), fails("unsupported_algorithm"));
        assert_eq!(check(&token(r#"{"alg":null}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn alg_with_whitespace_is_unsupported() {
        assert_eq!(check(&token(r#"{"alg":"HS256 "}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn alg_written_with_escapes_is_hs256() {
        assert_eq!(check(&token(r#"{"alg":"HS\u0032\u00356"}"#, VALID)), ok("user_1"));
    }
    fn header_without_typ_is_accepted() {
        assert_eq!(check(&token(r#"{"alg":"HS256"}"#, VALID)), ok("user_1"));
    }
    fn typ_is_case_insensitive() {
        assert_eq!(check(&token(r#"{"alg":"HS256","typ":"jwt"}"#, VALID)), ok("user_1"));
        assert_eq!(check(&token(r#"{"alg":"HS256","typ":"Jwt"}"#, VALID)), ok("user_1"));
    }
    fn typ_other_than_jwt_is_unsupported_header() {
        assert_eq!(check(&token(r#"{"alg":"HS256","typ":"JWS"}"#, VALID)), fails("unsupported_header"));
        assert_eq!(check(&token(r#"{"alg":"HS256","typ":"at+jwt"}"#, VALID)), fails("unsupported_header"));
        assert_eq!(check(&token(r#"{"alg":"HS256","typ":1}"#, VALID)), fails("unsupported_header"));
    }
    fn crit_is_unsupported_header() {
        assert_eq!(check(&token(r#"{"alg":"HS256","crit":["exp"]}"#, VALID)), fails("unsupported_header"));
    }
    fn b64_is_unsupported_header() {
        assert_eq!(check(&token(r#"{"alg":"HS256","b64":true}"#, VALID)), fails("unsupported_header"));
    }
    fn other_header_members_are_ignored() {
        assert_eq!(check(&token(r#"{"alg":"HS256","cty":"x","x5u":1,"zip":null}"#, VALID)), ok("user_1"));
    }
    fn alg_is_checked_before_typ() {
        assert_eq!(check(&token(r#"{"alg":"none","typ":"JWS","crit":[]}"#, VALID)), fails("unsupported_algorithm"));
    }
    fn header_is_checked_before_signature() {
        let t = token_with("a-completely-different-secret-of-40-bytes", r#"{"alg":"HS512"}"#, VALID);
        assert_eq!(check(&t), fails("unsupported_algorithm"));
    }

    // ---------- 4. signature ----------
    fn wrong_secret_is_invalid_signature() {
        let t = token_with("another-secret-that-is-long-enough-000", HEADER, VALID);
        assert_eq!(check(&t), fails("invalid_signature"));
    }
    fn tampered_payload_is_invalid_signature() {
        let t = claims(VALID);
        let forged = claims(r#"{"sub":"admin","exp":1700000100}"#);
        let (h, rest) = t.split_once('.').unwrap();
        let (_, s) = rest.split_once('.').unwrap();
        let p = forged.split('.').nth(1).unwrap();
        assert_eq!(check(&format!("{h}.{p}.{s}")), fails("invalid_signature"));
    }
    fn tampered_header_is_invalid_signature() {
        let t = claims(VALID);
        let (_, rest) = t.split_once('.').unwrap();
        assert_eq!(check(&format!("{}.{rest}", b64(r#"{"alg":"HS256"}"#))), fails("invalid_signature"));
    }
    fn flipped_tag_bit_is_invalid_signature() {
        let t = claims(VALID);
        let (input, tag) = t.rsplit_once('.').unwrap();
        let mut raw = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, tag).unwrap();
        raw[0] ^= 1;
        assert_eq!(check(&format!("{input}.{}", b64(raw))), fails("invalid_signature"));
    }
    fn empty_tag_is_invalid_signature() {
        let t = claims(VALID);
        let (input, _) = t.rsplit_once('.').unwrap();
        assert_eq!(check(&format!("{input}.")), fails("invalid_signature"));
    }
    fn truncated_tag_is_invalid_signature() {
        let t = claims(VALID);
        let (input, _) = t.rsplit_once('.').unwrap();
        let tag = hmac_sha256(SECRET.as_bytes(), input.as_bytes());
        assert_eq!(check(&format!("{input}.{}", b64(&tag[..16]))), fails("invalid_signature"));
        assert_eq!(check(&format!("{input}.{}", b64(&tag[..31]))), fails("invalid_signature"));
    }
    fn extended_tag_is_invalid_signature() {
        let t = claims(VALID);
        let (input, _) = t.rsplit_once('.').unwrap();
        let mut tag = hmac_sha256(SECRET.as_bytes(), input.as_bytes()).to_vec();
        tag.push(0);
        assert_eq!(check(&format!("{input}.{}", b64(tag))), fails("invalid_signature"));
    }
    fn signature_is_checked_before_claims() {
        // Expired, no sub, and a wrong key: the signature decides.
        let t = token_with("another-secret-that-is-long-enough-000", HEADER, r#"{"exp":1}"#);
        assert_eq!(check(&t), fails("invalid_signature"));
        let t = token_with("another-secret-that-is-long-enough-000", HEADER, "not json");
        assert_eq!(check(&t), fails("invalid_signature"));
    }
    fn kid_selects_the_key_of_that_version() {
        let v = Verifier::new(ring(&format!("2:{SECRET}-new,1:{SECRET}-old")), Options::default()).unwrap();
        let new = token_with(&format!("{SECRET}-new"), r#"{"alg":"HS256","kid":"2"}"#, VALID);
        let old = token_with(&format!("{SECRET}-old"), r#"{"alg":"HS256","kid":"1"}"#, VALID);
        assert_eq!(check_with(&v, &new, NOW), ok("user_1"));
        assert_eq!(check_with(&v, &old, NOW), ok("user_1"));
        assert_eq!(v.verify(&old, NOW).unwrap().kid(), Some("1"));
    }
    fn kid_of_another_version_is_invalid_signature() {
        let v = Verifier::new(ring(&format!("2:{SECRET}-new,1:{SECRET}-old")), Options::default()).unwrap();
        // Signed with the old key but claiming to be version 2: only key 2 is tried.
        let t = token_with(&format!("{SECRET}-old"), r#"{"alg":"HS256","kid":"2"}"#, VALID);
        assert_eq!(check_with(&v, &t, NOW), fails("invalid_signature"));
    }
    fn kid_naming_no_version_is_invalid_signature() {
        let v = Verifier::new(ring(&format!("2:{SECRET}-new,1:{SECRET}-old")), Options::default()).unwrap();
        let t = token_with(&format!("{SECRET}-new"), r#"{"alg":"HS256","kid":"3"}"#, VALID);
        assert_eq!(check_with(&v, &t, NOW), fails("invalid_signature"));
        let t = token_with(&format!("{SECRET}-new"), r#"{"alg":"HS256","kid":2}"#, VALID);
        assert_eq!(check_with(&v, &t, NOW), fails("invalid_signature"));
    }
    fn without_kid_every_key_of_the_ring_is_tried() {
        let v = Verifier::new(ring(&format!("2:{SECRET}-new,1:{SECRET}-old")), Options::default()).unwrap();
        for secret in [format!("{SECRET}-new"), format!("{SECRET}-old")] {
            assert_eq!(check_with(&v, &token_with(&secret, HEADER, VALID), NOW), ok("user_1"));
        }
        let t = token_with("a-third-secret-not-in-the-ring-at-all", HEADER, VALID);
        assert_eq!(check_with(&v, &t, NOW), fails("invalid_signature"));
    }
    fn kid_is_ignored_with_one_unversioned_key() {
        assert_eq!(check(&token(r#"{"alg":"HS256","kid":"whatever"}"#, VALID)), ok("user_1"));
        assert_eq!(check(&token(r#"{"alg":"HS256","kid":{"a":1}}"#, VALID)), ok("user_1"));
    }

    // ---------- 5. claims ----------
    fn claims_not_json_are_malformed() {
        assert_eq!(check(&claims("hello")), fails("malformed_token"));
    }
    fn claims_json_array_are_malformed() {
        assert_eq!(check(&claims(r#"[{"sub":"user_1"}]"#)), fails("malformed_token"));
    }
    fn claims_json_string_are_malformed() {
        assert_eq!(check(&claims(r#""user_1""#)), fails("malformed_token"));
    }
    fn claims_not_utf8_are_malformed() {
        let input = format!("{}.{}", b64(HEADER), b64(b"{\"sub\":\"\xc3\x28\",\"exp\":1700000100}"));
        let tag = hmac_sha256(SECRET.as_bytes(), input.as_bytes());
        assert_eq!(check(&format!("{input}.{}", b64(tag))), fails("malformed_token"));
    }
    fn empty_claims_segment_is_malformed() {
        assert_eq!(check(&claims("")), fails("malformed_token"));
    }
    fn duplicate_claim_is_malformed() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","sub":"admin","exp":1700000100}"#)), fails("malformed_token"));
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1700000100,"exp":1800000000}"#)), fails("malformed_token"));
    }
    fn duplicate_unknown_claim_is_malformed() {
        assert_eq!(check(&claims(r#"{"sub":"u","exp":1700000100,"role":"a","role":"b"}"#)), fails("malformed_token"));
    }
    fn duplicate_claim_spelled_with_escapes_is_malformed() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","s\u0075b":"admin","exp":1700000100}"#)), fails("malformed_token"));
    }
    fn many_distinct_claims_are_accepted() {
        let extra: String = (0..40).map(|i| format!(r#","c{i}":{i}"#)).collect();
        assert_eq!(check(&claims(&format!(r#"{{"sub":"user_1","exp":1700000100{extra}}}"#))), ok("user_1"));
        let dup = format!(r#"{{"sub":"user_1","exp":1700000100{extra},"c39":0}}"#);
        assert_eq!(check(&claims(&dup)), fails("malformed_token"));
    }
    fn claims_with_trailing_data_are_malformed() {
        assert_eq!(check(&claims(&format!("{VALID} x"))), fails("malformed_token"));
    }
    fn claims_with_surrounding_whitespace_are_accepted() {
        assert_eq!(check(&claims(&format!(" \r\n{VALID}\t "))), ok("user_1"));
    }

    // exp
    fn missing_exp_is_missing_claim() {
        assert_eq!(check(&claims(r#"{"sub":"user_1"}"#)), fails_on("missing_claim", "exp"));
    }
    fn missing_exp_is_accepted_when_not_required() {
        let v = opts(|o| o.require_exp = false);
        assert_eq!(check_with(&v, &claims(r#"{"sub":"user_1"}"#), NOW), ok("user_1"));
    }
    fn exp_as_string_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":"1700000100"}"#)), fails_on("invalid_claim", "exp"));
    }
    fn exp_null_bool_object_are_invalid_claim() {
        for v in ["null", "true", "{}", "[1700000100]"] {
            let t = claims(&format!(r#"{{"sub":"user_1","exp":{v}}}"#));
            assert_eq!(check(&t), fails_on("invalid_claim", "exp"), "{v}");
        }
    }
    fn exp_negative_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":-1}"#)), fails_on("invalid_claim", "exp"));
    }
    fn exp_above_year_9999_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":253402300800}"#)), fails_on("invalid_claim", "exp"));
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":18446744073709551616}"#)), fails_on("invalid_claim", "exp"));
    }
    fn exp_at_year_9999_is_accepted() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":253402300799}"#)), ok("user_1"));
    }
    fn exp_overflowing_to_infinity_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1e999}"#)), fails_on("invalid_claim", "exp"));
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":-1e999}"#)), fails_on("invalid_claim", "exp"));
    }
    fn exp_with_fraction_is_accepted() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1700000000.5}"#)), ok("user_1"));
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1.7000001e9}"#)), ok("user_1"));
    }
    fn exp_reached_is_expired() {
        let t = claims(r#"{"sub":"user_1","exp":1700000000}"#);
        assert_eq!(check(&t), fails_on("token_expired", "exp"));
        assert_eq!(check_with(&verifier(Options::default()), &t, NOW - 1), ok("user_1"));
    }
    fn exp_tiny_fraction_is_not_rounded_away() {
        // As f64 this would be exactly 1700000000 and expired at NOW; it is a bit later.
        let t = claims(r#"{"sub":"user_1","exp":1700000000.0000000001}"#);
        assert_eq!(check(&t), ok("user_1"));
        let t = claims(r#"{"sub":"user_1","exp":1700000100,"nbf":1700000000.0000000001}"#);
        assert_eq!(check(&t), fails_on("token_not_yet_valid", "nbf"));
    }
    fn exp_in_exponent_notation_is_read_exactly() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1.7000001e9}"#)), ok("user_1"));
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":17e8}"#)), fails_on("token_expired", "exp"));
    }
    fn exp_fraction_boundary() {
        let t = claims(r#"{"sub":"user_1","exp":1700000000.25}"#);
        assert_eq!(check(&t), ok("user_1"));
        assert_eq!(check_with(&verifier(Options::default()), &t, NOW + 1), fails_on("token_expired", "exp"));
    }
    fn leeway_extends_exp() {
        let t = claims(r#"{"sub":"user_1","exp":1699999950}"#);
        assert_eq!(check(&t), fails_on("token_expired", "exp"));
        assert_eq!(check_with(&opts(|o| o.leeway = 60), &t, NOW), ok("user_1"));
        assert_eq!(check_with(&opts(|o| o.leeway = 50), &t, NOW), fails_on("token_expired", "exp"));
    }
    fn exp_is_checked_before_sub() {
        assert_eq!(check(&claims(r#"{"exp":1}"#)), fails_on("token_expired", "exp"));
        assert_eq!(check(&claims(r#"{"sub":5}"#)), fails_on("missing_claim", "exp"));
    }

    // nbf, iat, max_age
    fn nbf_in_future_is_not_yet_valid() {
        let t = claims(r#"{"sub":"user_1","exp":1700000100,"nbf":1700000001}"#);
        assert_eq!(check(&t), fails_on("token_not_yet_valid", "nbf"));
    }
    fn nbf_now_is_accepted() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1700000100,"nbf":1700000000}"#)), ok("user_1"));
    }
    fn nbf_within_leeway_is_accepted() {
        let t = claims(r#"{"sub":"user_1","exp":1700000100,"nbf":1700000030}"#);
        assert_eq!(check_with(&opts(|o| o.leeway = 30), &t, NOW), ok("user_1"));
        assert_eq!(check_with(&opts(|o| o.leeway = 29), &t, NOW), fails_on("token_not_yet_valid", "nbf"));
    }
    fn nbf_wrong_type_is_invalid_claim() {
        let t = claims(r#"{"sub":"user_1","exp":1700000100,"nbf":"soon"}"#);
        assert_eq!(check(&t), fails_on("invalid_claim", "nbf"));
    }
    fn iat_in_future_is_not_yet_valid() {
        let t = claims(r#"{"sub":"user_1","exp":1700000100,"iat":1700000001}"#);
        assert_eq!(check(&t), fails_on("token_not_yet_valid", "iat"));
    }
    fn iat_wrong_type_is_invalid_claim() {
        let t = claims(r#"{"sub":"user_1","exp":1700000100,"iat":-5}"#);
        assert_eq!(check(&t), fails_on("invalid_claim", "iat"));
    }
    fn max_age_expires_old_tokens() {
        let t = claims(r#"{"sub":"user_1","exp":1800000000,"iat":1699990000}"#);
        assert_eq!(check_with(&opts(|o| o.max_age = Some(10_000)), &t, NOW), ok("user_1"));
        assert_eq!(check_with(&opts(|o| o.max_age = Some(9_999)), &t, NOW), fails_on("token_expired", "iat"));
        let v = opts(|o| { o.max_age = Some(9_999); o.leeway = 1; });
        assert_eq!(check_with(&v, &t, NOW), ok("user_1"));
    }
    fn max_age_requires_iat() {
        let t = claims(r#"{"sub":"user_1","exp":1800000000}"#);
        assert_eq!(check_with(&opts(|o| o.max_age = Some(60)), &t, NOW), fails_on("missing_claim", "iat"));
    }

    // sub and user_id
    fn missing_sub_is_missing_claim() {
        assert_eq!(check(&claims(r#"{"exp":1700000100}"#)), fails_on("missing_claim", "sub"));
    }
    fn empty_sub_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"","exp":1700000100}"#)), fails_on("invalid_claim", "sub"));
    }
    fn sub_not_a_string_is_invalid_claim() {
        for v in ["42", "null", "[\"u\"]", "{}", "true"] {
            let t = claims(&format!(r#"{{"sub":{v},"exp":1700000100}}"#));
            assert_eq!(check(&t), fails_on("invalid_claim", "sub"), "{v}");
        }
    }
    fn sub_of_255_characters_is_accepted() {
        let sub = "é".repeat(255);
        assert_eq!(check(&claims(&format!(r#"{{"sub":"{sub}","exp":1700000100}}"#))), ok(&sub));
    }
    fn sub_of_256_characters_is_invalid_claim() {
        let sub = "a".repeat(256);
        assert_eq!(check(&claims(&format!(r#"{{"sub":"{sub}","exp":1700000100}}"#))), fails_on("invalid_claim", "sub"));
    }
    fn sub_with_escapes_is_unescaped() {
        assert_eq!(check(&claims(r#"{"sub":"us\u0065r_\"1\"","exp":1700000100}"#)), ok("user_\"1\""));
    }
    fn user_id_equal_to_sub_is_accepted() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","user_id":"user_1","exp":1700000100}"#)), ok("user_1"));
    }
    fn user_id_different_from_sub_is_invalid_claim() {
        let t = claims(r#"{"sub":"user_1","user_id":"user_2","exp":1700000100}"#);
        assert_eq!(check(&t), fails_on("invalid_claim", "user_id"));
    }
    fn user_id_not_a_string_is_invalid_claim() {
        let t = claims(r#"{"sub":"1","user_id":1,"exp":1700000100}"#);
        assert_eq!(check(&t), fails_on("invalid_claim", "user_id"));
    }

    // iss, aud
    fn iss_is_not_checked_unless_configured() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1700000100,"iss":"anyone"}"#)), ok("user_1"));
    }
    fn configured_issuer_must_match() {
        let v = opts(|o| o.issuer = Some("https://app.example".into()));
        let good = claims(r#"{"sub":"user_1","exp":1700000100,"iss":"https://app.example"}"#);
        let bad = claims(r#"{"sub":"user_1","exp":1700000100,"iss":"https://evil.example"}"#);
        assert_eq!(check_with(&v, &good, NOW), ok("user_1"));
        assert_eq!(check_with(&v, &bad, NOW), fails_on("invalid_issuer", "iss"));
    }
    fn configured_issuer_absent_is_invalid_issuer() {
        let v = opts(|o| o.issuer = Some("https://app.example".into()));
        assert_eq!(check_with(&v, &claims(VALID), NOW), fails_on("invalid_issuer", "iss"));
    }
    fn iss_of_another_type_is_ignored_unless_configured() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1700000100,"iss":1}"#)), ok("user_1"));
        let v = opts(|o| o.issuer = Some("1".into()));
        assert_eq!(check_with(&v, &claims(r#"{"sub":"u","exp":1700000100,"iss":1}"#), NOW), fails_on("invalid_issuer", "iss"));
    }
    fn aud_is_not_checked_unless_configured() {
        assert_eq!(check(&claims(r#"{"sub":"user_1","exp":1700000100,"aud":["x","y"]}"#)), ok("user_1"));
    }
    fn configured_audience_matches_a_string() {
        let v = opts(|o| o.audience = Some("tasks".into()));
        assert_eq!(check_with(&v, &claims(r#"{"sub":"u","exp":1700000100,"aud":"tasks"}"#), NOW), ok("u"));
        assert_eq!(check_with(&v, &claims(r#"{"sub":"u","exp":1700000100,"aud":"other"}"#), NOW), fails_on("invalid_audience", "aud"));
    }
    fn configured_audience_matches_an_array_member() {
        let v = opts(|o| o.audience = Some("tasks".into()));
        assert_eq!(check_with(&v, &claims(r#"{"sub":"u","exp":1700000100,"aud":["a","tasks"]}"#), NOW), ok("u"));
        assert_eq!(check_with(&v, &claims(r#"{"sub":"u","exp":1700000100,"aud":["a","b"]}"#), NOW), fails_on("invalid_audience", "aud"));
        assert_eq!(check_with(&v, &claims(r#"{"sub":"u","exp":1700000100,"aud":[]}"#), NOW), fails_on("invalid_audience", "aud"));
    }
    fn configured_audience_absent_is_invalid_audience() {
        let v = opts(|o| o.audience = Some("tasks".into()));
        assert_eq!(check_with(&v, &claims(VALID), NOW), fails_on("invalid_audience", "aud"));
    }
    fn aud_of_another_type_is_ignored_unless_configured() {
        let v = opts(|o| o.audience = Some("a".into()));
        for aud in ["1", "null", "[\"a\",1]", "{}", "[[\"a\"]]"] {
            let t = claims(&format!(r#"{{"sub":"u","exp":1700000100,"aud":{aud}}}"#));
            assert_eq!(check(&t), ok("u"), "{aud}");
            assert_eq!(check_with(&v, &t, NOW), fails_on("invalid_audience", "aud"), "{aud}");
        }
    }
    fn issuer_is_checked_before_audience() {
        let v = opts(|o| { o.issuer = Some("i".into()); o.audience = Some("a".into()); });
        assert_eq!(check_with(&v, &claims(VALID), NOW), fails_on("invalid_issuer", "iss"));
    }

    // jti, email, user_email, unknown claims
    fn jti_not_a_string_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"u","exp":1700000100,"jti":7}"#)), fails_on("invalid_claim", "jti"));
    }
    fn email_not_a_string_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"u","exp":1700000100,"email":false}"#)), fails_on("invalid_claim", "email"));
    }
    fn user_email_not_a_string_is_invalid_claim() {
        assert_eq!(check(&claims(r#"{"sub":"u","exp":1700000100,"user_email":[]}"#)), fails_on("invalid_claim", "user_email"));
    }
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
    fn unknown_claims_are_never_interpreted() {
        let t = claims(r#"{"sub":"u","exp":1700000100,"admin":true,"exp_":"x","Sub":1,"roles":[{"a":1,"a":2}]}"#);
        assert_eq!(check(&t), ok("u"));
    }
    fn deeply_nested_unknown_claim_is_kept_without_recursion() {
        // Unknown values are skipped, not interpreted: depth costs no stack.
        let v = opts(|o| o.max_token_len = 100_000);
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let t = claims(&format!(r#"{{"sub":"u","exp":1700000100,"d":{deep}}}"#));
        assert_eq!(check_with(&v, &t, NOW), ok("u"));
        let deep = format!("{}1{}", "{\"a\":".repeat(5000), "}".repeat(5000));
        let t = claims(&format!(r#"{{"sub":"u","exp":1700000100,"d":{deep}}}"#));
        assert_eq!(check_with(&v, &t, NOW), ok("u"));
        // ...but it must still be valid JSON.
        let t = claims(&format!(r#"{{"sub":"u","exp":1700000100,"d":{}}}"#, "[".repeat(5000)));
        assert_eq!(check_with(&v, &t, NOW), fails("malformed_token"));
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
    fn ring_value_may_contain_colons() {
        let r = ring("v1:abc:def:0123456789012345678901234567890");
        let t = token_with("abc:def:0123456789012345678901234567890", r#"{"alg":"HS256","kid":"v1"}"#, VALID);
        assert_eq!(check_with(&Verifier::new(r, Options::default()).unwrap(), &t, NOW), ok("user_1"));
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
    fn error_codes_are_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            assert!(seen.insert(c.as_str()));
            assert!(!c.description().is_empty());
        }
    }
    fn error_display_names_the_claim_and_never_the_token() {
        let t = claims(r#"{"sub":"secret-user","exp":1}"#);
        let e = verifier(Options::default()).verify(&t, NOW).unwrap_err();
        let text = e.to_string();
        assert_eq!(text, "the token has expired (claim \"exp\")");
        assert!(!text.contains("secret-user"));
    }
}
