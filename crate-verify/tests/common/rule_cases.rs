//! The rule cases of `tests/vectors/rules.json`: building each token (signed with RustCrypto
//! directly, not the crate) and running it. The format is in `tests/vectors/README.md`;
//! `pkg/test/rules.test.mjs` implements the same builder in JavaScript.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use taskgate_verify::{KeyRing, Options, Verifier};

use super::{b64, hmac_sha256};

/// The rule cases, compiled in (the wasm32 tests cannot read files).
pub const RULES_JSON: &str = include_str!("../vectors/rules.json");

/// `${text*n}` -> `text` repeated `n` times.
pub fn expand(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 2..];
        // The text may itself hold '}' or '*' (as in `${}*5000}`): the count is the first run
        // of digits after a '*' that a '}' closes.
        let (text, count, used) = body
            .match_indices('*')
            .find_map(|(star, _)| {
                let digits = body[star + 1..].bytes().take_while(u8::is_ascii_digit).count();
                let count = body[star + 1..star + 1 + digits].parse::<usize>().ok()?;
                body[star + 1 + digits..].starts_with('}').then_some((&body[..star], count, star + 2 + digits))
            })
            .unwrap_or_else(|| panic!("bad ${{text*n}} in {s}"));
        out.push_str(&text.repeat(count));
        rest = &body[used..];
    }
    out.push_str(rest);
    out
}

fn str_of<'a>(case: &'a Value, defaults: &'a Value, name: &str) -> Option<&'a str> {
    case[name].as_str().or_else(|| defaults[name].as_str())
}

fn segment_bytes(case: &Value, defaults: &Value, name: &str) -> Vec<u8> {
    match case[format!("{name}_hex")].as_str() {
        Some(hex) => (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect(),
        None => expand(str_of(case, defaults, name).unwrap_or_default()).into_bytes(),
    }
}

/// The token a case describes.
pub fn build_token(case: &Value, defaults: &Value) -> String {
    if let Some(t) = case["token"].as_str() {
        return expand(t);
    }
    let secret = case["sign_with"].as_str().or_else(|| defaults["secret"].as_str()).unwrap();
    let input =
        format!("{}.{}", b64(segment_bytes(case, defaults, "header")), b64(segment_bytes(case, defaults, "payload")));
    let mut tag = hmac_sha256(secret.as_bytes(), input.as_bytes()).to_vec();
    let mut tag_b64 = None;
    match case["tag"].as_str() {
        None => {}
        Some("flip_bit") => tag[0] ^= 1,
        Some("empty") => tag.clear(),
        Some("extend") => tag.push(0),
        Some(t) if t.starts_with("truncate:") => tag.truncate(t[9..].parse().unwrap()),
        Some(t) if t.starts_with("first_char:") => {
            let mut s = b64(&tag);
            s.replace_range(0..1, &t[11..]);
            tag_b64 = Some(s);
        }
        Some("trailing_bit") => {
            // A 43-character tag encodes 32 bytes; its last character carries 2 unused bits.
            let s = b64(&tag);
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let i = alphabet.iter().position(|&c| c == s.as_bytes()[42]).unwrap();
            tag_b64 = Some(format!("{}{}", &s[..42], alphabet[i ^ 1] as char));
        }
        Some(other) => panic!("unknown tag mode {other}"),
    }
    let mut token = format!("{input}.{}", tag_b64.unwrap_or_else(|| b64(&tag)));
    for edit in case["edit"].as_array().into_iter().flatten() {
        let op = edit[0].as_str().unwrap();
        let text = |i: usize| edit[i].as_str().unwrap().to_owned();
        let index = |i: usize| edit[i].as_u64().unwrap() as usize;
        let mut segments: Vec<String> = token.split('.').map(String::from).collect();
        token = match op {
            "append" => token + &text(1),
            "prepend" => text(1) + &token,
            "append_repeat" => token + &text(1).repeat(index(2)),
            "truncate" => token[..index(1)].to_owned(),
            "drop_last_segment" => token[..token.rfind('.').unwrap()].to_owned(),
            "replace_first" => token.replacen(&text(1), &text(2), 1),
            "segment_append" | "segment_prepend" | "set_segment" => {
                let s = &mut segments[index(1)];
                *s = match op {
                    "segment_append" => format!("{s}{}", text(2)),
                    "segment_prepend" => format!("{}{s}", text(2)),
                    _ => b64(text(2)),
                };
                segments.join(".")
            }
            other => panic!("unknown edit {other}"),
        };
    }
    token
}

/// The verifier a case describes (its keys and options).
pub fn build_verifier(case: &Value, defaults: &Value) -> Verifier {
    let keys = match (case["keys"]["secrets"].as_str(), case["keys"]["secret"].as_str()) {
        (Some(ring), _) => KeyRing::parse(ring).unwrap(),
        (None, Some(secret)) => KeyRing::from_secret(secret.as_bytes()).unwrap(),
        (None, None) => KeyRing::from_secret(defaults["secret"].as_str().unwrap().as_bytes()).unwrap(),
    };
    let o = &case["options"];
    let options = Options {
        leeway: o["leeway"].as_u64().map_or(0, |l| l as u32),
        issuer: o["issuer"].as_str().map(String::from),
        audience: o["audience"].as_str().map(String::from),
        max_age: o["max_age"].as_u64(),
        max_token_len: o["max_token_len"].as_u64().map_or(Options::default().max_token_len, |l| l as usize),
        require_exp: o["require_exp"].as_bool().unwrap_or(true),
        accept_session_cache: o["session_cache"].as_bool().unwrap_or(false),
        ..Options::default()
    };
    Verifier::new(keys, options).unwrap()
}

/// What a case expects, in the form [`outcome`] returns: `ok:<sub>`, `<code>` or `<code>:<claim>`.
pub fn expected(case: &Value) -> String {
    let expect = case["expect"].as_str().unwrap();
    match (expect, case["claim"].as_str()) {
        ("ok", _) => format!("ok:{}", expand(case["sub"].as_str().unwrap())),
        (code, Some(claim)) => format!("{code}:{claim}"),
        (code, None) => code.to_owned(),
    }
}

/// What the crate answers for a case, in the form of [`expected`].
pub fn outcome(case: &Value, defaults: &Value) -> String {
    let token = build_token(case, defaults);
    let now = case["now"].as_u64().or_else(|| defaults["now"].as_u64()).unwrap();
    match build_verifier(case, defaults).verify(&token, now) {
        Ok(claims) => {
            if let Some(kid) = case["kid"].as_str() {
                assert_eq!(claims.kid(), Some(kid), "{}", case["name"]);
            }
            format!("ok:{}", claims.sub())
        }
        Err(e) => match e.claim_name() {
            Some(claim) => format!("{}:{claim}", e.code()),
            None => e.code().to_string(),
        },
    }
}

/// Decodes a base64url segment (for tests that look inside tokens).
pub fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}
