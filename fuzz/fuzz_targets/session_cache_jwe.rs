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

use std::sync::OnceLock;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::{Sha256, Sha512};
use taskgate_verify::session_cache::SessionCache;
use taskgate_verify::{Claims, ErrorCode, KeyRing, Options, Result, Verifier};
use taskgate_verify_fuzz::session_cache::{Recorded, accepted, accepted_as_given, accepted_as_sealed, recorded};

/// A fixed IV: the target is deterministic.
const IV: [u8; 16] = [5; 16];

struct Fixture {
    verifier: Verifier,
    /// Better Auth's key for the secret: the HMAC-SHA512 key, then the AES-256 key.
    key: [u8; 64],
    /// The protected header of the recorded cookies of the old secret (`dir`, `A256CBC-HS512`,
    /// the key's thumbprint as `kid`).
    header: String,
    recorded: Recorded,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let recorded = recorded();
        let secret = recorded.secret.as_str();
        let mut key = [0u8; 64];
        hkdf::Hkdf::<Sha256>::new(Some(b"better-auth-session"), secret.as_bytes())
            .expand(b"BetterAuth.js Generated Encryption Key", &mut key)
            .unwrap();
        let ours = || recorded.cases.iter().filter(|c| c["strategy"] == "jwe" && c["ring"] == secret);
        let first = ours().next().unwrap()["value"].as_str().unwrap();
        let header = String::from_utf8(B64.decode(first.split('.').next().unwrap()).unwrap()).unwrap();
        let options = Options { accept_session_cache: true, session_cache: SessionCache::Jwe, ..Options::default() };
        let verifier = Verifier::new(KeyRing::from_secret(secret.as_bytes()).unwrap(), options).unwrap();
        let seeds: Vec<_> = ours().cloned().collect();
        let jwt = recorded.cases.iter().find(|c| c["strategy"] == "jwt" && c["ring"] == secret).unwrap().clone();
        let f = Fixture { verifier, key, header, recorded };
        // The seeds pass: each jwe cookie of the old secret is accepted at `now`.
        for c in seeds {
            let claims = check(&f, c["value"].as_str().unwrap()).unwrap();
            assert_eq!(claims.sub(), c["userId"].as_str().unwrap());
        }
        // And a JWE sealed here is one Better Auth could have written: it is opened.
        let payload = B64.decode(jwt["value"].as_str().unwrap().split('.').nth(1).unwrap()).unwrap();
        let claims = check(&f, &seal(&f, f.header.as_bytes(), &payload)).unwrap();
        assert_eq!(claims.sub(), jwt["userId"].as_str().unwrap());
        f
    })
}

fn check(f: &Fixture, value: &str) -> Result<Claims> {
    let now = f.recorded.now;
    f.verifier.verify_session_cache(value, now, |t| f.verifier.verify(t, now))
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
        accepted_as_given(&claims, &f.recorded);
    }
    // 2. The input as a plaintext sealed here (after a header of the fuzzer's and a newline, if
    // any): only the header and the claim rules can refuse it.
    let (header, plaintext, ours) = match data.iter().position(|b| *b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..], false),
        None => (f.header.as_bytes(), data, true),
    };
    match check(f, &seal(f, header, plaintext)) {
        Ok(claims) => accepted_as_sealed(&claims, std::str::from_utf8(plaintext).unwrap()),
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
