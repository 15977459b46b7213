//! `inspect`: decodes anything without a key, lists problems, never panics.

mod common;
use common::*;
use taskgate_verify::{ErrorCode, Options, inspect};

fn codes(token: &str) -> Vec<&'static str> {
    inspect(token, &Options::default(), NOW).problems.iter().map(|e| e.code().as_str()).collect()
}

cases! {
    fn inspect_valid_token_has_no_problems() {
        let t = claims(r#"{"sub":"u","exp":1700000100}"#);
        let i = inspect(&t, &Options::default(), NOW);
        assert_eq!(i.header.as_deref(), Some(HEADER));
        assert_eq!(i.payload.as_deref(), Some(r#"{"sub":"u","exp":1700000100}"#));
        assert_eq!(i.segments, 3);
        assert!(i.problems.is_empty());
    }
    fn inspect_does_not_check_the_mac() {
        let t = token_with("some-other-secret-that-nobody-knows-at-all", HEADER, r#"{"sub":"u","exp":1700000100}"#);
        assert!(codes(&t).is_empty());
    }
    fn inspect_reports_header_and_claim_problems_together() {
        let t = token(r#"{"alg":"none"}"#, r#"{"sub":"u","exp":1}"#);
        assert_eq!(codes(&t), ["unsupported_algorithm", "token_expired"]);
        let e = &inspect(&t, &Options::default(), NOW).problems[1];
        assert_eq!(e.claim_name(), Some("exp"));
    }
    fn inspect_of_empty_string_is_missing_token() {
        assert_eq!(codes(""), ["missing_token"]);
    }
    fn inspect_of_garbage_is_malformed() {
        assert_eq!(codes("hello world"), ["malformed_token"]);
        assert_eq!(codes("..."), ["malformed_token"]);
        assert_eq!(codes("\u{0}\u{ffff}.é.🙂"), ["malformed_token"]);
    }
    fn inspect_shows_what_it_can_of_a_broken_token() {
        let t = claims(r#"{"sub":"u","exp":1700000100}"#);
        let (input, _) = t.rsplit_once('.').unwrap();
        let i = inspect(&format!("{input}.!!"), &Options::default(), NOW);
        assert_eq!(i.payload.as_deref(), Some(r#"{"sub":"u","exp":1700000100}"#));
        assert_eq!(i.problems[0].code(), ErrorCode::MalformedToken);
    }
    fn inspect_reports_a_short_tag() {
        let t = claims(r#"{"sub":"u","exp":1700000100}"#);
        let (input, _) = t.rsplit_once('.').unwrap();
        assert_eq!(codes(&format!("{input}.AAAA")), ["invalid_signature"]);
    }
    fn inspect_reports_size_and_still_decodes() {
        let t = claims(&format!(r#"{{"sub":"u","exp":1700000100,"p":"{}"}}"#, "x".repeat(9000)));
        let i = inspect(&t, &Options::default(), NOW);
        assert_eq!(i.problems[0].code(), ErrorCode::TokenTooLarge);
        assert!(i.payload.is_some());
    }
    fn inspect_reports_missing_sub() {
        assert_eq!(codes(&claims(r#"{"exp":1700000100}"#)), ["missing_claim"]);
    }
}
