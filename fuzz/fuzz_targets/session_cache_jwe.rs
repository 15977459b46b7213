//! Fuzzes `Verifier::verify_session_cache` with the `jwe` strategy (a compact JWE, `dir` +
//! A256CBC-HS512 under the key Better Auth derives from its secret by HKDF) under the recorded
//! vectors' old secret: the input as the cookie's value; as the plaintext of a JWE sealed here
//! with that key (a protected header of the fuzzer's before a first newline, else the recorded
//! cookies' header), so decryption and the claim rules are reached; and as a ciphertext of the
//! fuzzer's with the right tag, so the padding check is reached on any block. Seeded with
//! Better Auth's own cookies and the payloads of its `jwt` ones (scripts/fuzz.sh). Never a
//! panic; accepted claims have a `sub` of 1-255 characters, are a session cookie cache whose
//! `session.token` is redacted; a cookie accepted as given shows none of the recorded cookies'
//! live keys; a payload sealed here under the recorded header is never refused for its tag, and
//! its `sub` is its `session.userId` (= `user.id`).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Sha256, Sha512};
use taskgate_verify::session_cache::{REDACTED, SessionCache};
use taskgate_verify::{Claims, ErrorCode, KeyRing, Options, Result, Verifier};

const VECTORS: &str = include_str!("../../crate-verify/tests/vectors/better-auth-session-cache.json");
/// A fixed IV: the target is deterministic.
const IV: [u8; 16] = [5; 16];

struct Fixture {
    verifier: Verifier,
    /// Better Auth's key for the secret: the HMAC-SHA512 key, then the AES-256 key.
    key: [u8; 64],
    /// The protected header of the recorded cookies of the old secret (`dir`, `A256CBC-HS512`,
    /// the key's thumbprint as `kid`).
    header: String,
    /// A time at which every recorded cookie is still valid (their latest `madeAt`).
    now: u64,
    /// The recorded cookies' live session keys (`sessionToken`).
    live: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let secret = vectors["secrets"]["old"].as_str().unwrap();
        let cases = vectors["cases"].as_array().unwrap();
        let now = cases.iter().map(|c| c["madeAt"].as_u64().unwrap()).max().unwrap();
        let live = cases.iter().map(|c| c["sessionToken"].as_str().unwrap().to_owned()).collect();
        let mut key = [0u8; 64];
        hkdf::Hkdf::<Sha256>::new(Some(b"better-auth-session"), secret.as_bytes())
            .expand(b"BetterAuth.js Generated Encryption Key", &mut key)
            .unwrap();
        let ours = cases.iter().filter(|c| c["strategy"] == "jwe" && c["ring"] == secret);
        let first = ours.clone().next().unwrap()["value"].as_str().unwrap();
        let header = String::from_utf8(B64.decode(first.split('.').next().unwrap()).unwrap()).unwrap();
        let options = Options { accept_session_cache: true, session_cache: SessionCache::Jwe, ..Options::default() };
        let verifier = Verifier::new(KeyRing::from_secret(secret.as_bytes()).unwrap(), options).unwrap();
        let f = Fixture { verifier, key, header, now, live };
        // The seeds pass: each jwe cookie of the old secret is accepted at `now`.
        for c in ours {
            let claims = check(&f, c["value"].as_str().unwrap()).unwrap();
            assert_eq!(claims.sub(), c["userId"].as_str().unwrap());
        }
        // And a JWE sealed here is one Better Auth could have written: it is opened.
        let jwt = cases.iter().find(|c| c["strategy"] == "jwt" && c["ring"] == secret).unwrap();
        let payload = B64.decode(jwt["value"].as_str().unwrap().split('.').nth(1).unwrap()).unwrap();
        let claims = check(&f, &seal(&f, f.header.as_bytes(), &payload)).unwrap();
        assert_eq!(claims.sub(), jwt["userId"].as_str().unwrap());
        f
    })
}

fn check(f: &Fixture, value: &str) -> Result<Claims> {
    f.verifier.verify_session_cache(value, f.now, |t| f.verifier.verify(t, f.now))
}

/// What holds of any accepted claims set: a `sub` of 1-255 characters, a session cookie cache,
/// a JSON object whose `session.token` (when any) is redacted.
fn accepted(claims: &Claims) {
    let n = claims.sub().chars().count();
    assert!((1..=255).contains(&n), "an accepted sub of {n} characters");
    assert!(claims.is_session_cache());
    let payload = members(claims.payload_json()).expect("accepted claims are a JSON object");
    if let Some(session) = payload.get("session").and_then(|s| members(s.get()))
        && let Some(token) = session.get("token")
    {
        assert_eq!(token.get(), format!("\"{REDACTED}\""), "the session key came out");
    }
}

/// `json` with each lone UTF-16 surrogate escape (`\ud800`-`\udfff` outside a pair) as `\ufffd`:
/// JSON's grammar allows one (JavaScript's `JSON.stringify` writes it, and the crate keeps it as
/// raw text), but a Rust string cannot hold it. Pairs and other escapes are kept.
fn without_lone_surrogates(json: &str) -> String {
    let unit = |i: usize| {
        let hex = json.get(i..i + 2).filter(|e| *e == "\\u").and_then(|_| json.get(i + 2..i + 6))?;
        hex.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u16::from_str_radix(hex, 16).ok())?
    };
    let (mut out, mut copied, mut i) = (String::with_capacity(json.len()), 0, 0);
    while i < json.len() {
        if json.as_bytes()[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xd800..=0xdbff) if unit(i + 6).is_some_and(|low| (0xdc00..=0xdfff).contains(&low)) => i += 12,
            Some(0xd800..=0xdfff) => {
                out.push_str(&json[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            // Any other escape (`\\`, `\"`, `\u0041`, ...), skipped whole: `\\` starts none.
            _ => i += 2,
        }
    }
    out.push_str(&json[copied..]);
    out
}

/// The members of the JSON object `json`, values as raw text: serde_json's `Value` cannot hold
/// every value JSON's grammar allows, and so the crate accepts (a number like `1E400`, a lone
/// surrogate escape), so only names and the strings looked at are decoded.
fn members(json: &str) -> Option<BTreeMap<String, Box<RawValue>>> {
    serde_json::from_str(&without_lone_surrogates(json)).ok()
}

/// The string at `path` (a member of a member ...) of the JSON object `json`.
fn string_at(json: &str, path: &[&str]) -> Option<String> {
    let (last, parents) = path.split_last()?;
    let mut object = without_lone_surrogates(json);
    for name in parents {
        object = members(&object)?.remove(*name)?.get().to_owned();
    }
    serde_json::from_str(members(&object)?.get(*last)?.get()).ok()
}
/// The compact JWE of `ciphertext` (already encrypted) under `header`, with its A256CBC-HS512
/// tag: the first half of an HMAC-SHA512 over the AAD, the IV, the ciphertext and the AAD's
/// length in bits.
fn with_tag(f: &Fixture, header: &[u8], ciphertext: &[u8]) -> String {
    let aad = B64.encode(header);
    let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(&f.key[..32]).unwrap();
    mac.update(aad.as_bytes());
    mac.update(&IV);
    mac.update(ciphertext);
    mac.update(&(aad.len() as u64 * 8).to_be_bytes());
    let tag = mac.finalize().into_bytes();
    [aad, String::new(), B64.encode(IV), B64.encode(ciphertext), B64.encode(&tag[..32])].join(".")
}

/// The compact JWE Better Auth writes of `plaintext` under `header`: AES-256-CBC, PKCS #7.
fn seal(f: &Fixture, header: &[u8], plaintext: &[u8]) -> String {
    let mut buf = vec![0u8; plaintext.len() / 16 * 16 + 16];
    buf[..plaintext.len()].copy_from_slice(plaintext);
    let cipher = cbc::Encryptor::<aes::Aes256>::new_from_slices(&f.key[32..], &IV).unwrap();
    let ciphertext = cipher.encrypt_padded::<Pkcs7>(&mut buf, plaintext.len()).unwrap();
    with_tag(f, header, ciphertext)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    // 1. The input as the cookie's value.
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(claims) = check(f, text)
    {
        accepted(&claims);
        // Only Better Auth encrypted a session here: none of its live keys may come out.
        let shown = [claims.header_json(), claims.payload_json()].concat();
        assert!(!f.live.iter().any(|key| shown.contains(key.as_str())), "a live session key came out");
    }
    // 2. The input as a plaintext sealed here (after a header of the fuzzer's and a newline, if
    // any): only the header and the claim rules can refuse it.
    let (header, plaintext, ours) = match data.iter().position(|b| *b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..], false),
        None => (f.header.as_bytes(), data, true),
    };
    match check(f, &seal(f, header, plaintext)) {
        Ok(claims) => {
            accepted(&claims);
            let sent = std::str::from_utf8(plaintext).unwrap();
            assert_eq!(string_at(sent, &["session", "userId"]).as_deref(), Some(claims.sub()));
            assert_eq!(string_at(sent, &["user", "id"]).as_deref(), Some(claims.sub()));
            // A top-level `sid` repeating the live key is redacted too.
            if let Some(key) = string_at(sent, &["session", "token"]).filter(|k| k != REDACTED) {
                assert_ne!(string_at(claims.payload_json(), &["sid"]), Some(key), "the live key came out as sid");
            }
        }
        Err(e) => {
            if ours {
                assert_ne!(e.code(), ErrorCode::InvalidSignature, "a plaintext sealed here: {e}");
            }
        }
    }
    // 3. The input's whole blocks as the ciphertext, with the right tag: decrypted, padding and all.
    let blocks = &data[..data.len() / 16 * 16];
    if !blocks.is_empty()
        && let Ok(claims) = check(f, &with_tag(f, f.header.as_bytes(), blocks))
    {
        accepted(&claims);
    }
});
