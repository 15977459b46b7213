//! The one token, and the four verifiers under test, each configured once and reused.
//!
//! Every library checks the signature, `exp`, `iss` and `aud` (the last two set to the
//! token's values), like the Node suite (`bench/node`).

use std::collections::HashSet;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The shared secret: 44 ASCII characters, like a generated `BETTER_AUTH_SECRET`.
pub const SECRET: &str = "q8Zr3VxN1cLw5TfJ0bYh7KmP2sQe9UaD4gHi6oXy-En_";
const _: () = assert!(SECRET.len() == 44);
/// The token's issuer (`iss`).
pub const ISSUER: &str = "https://app.example.com";
/// The token's audience (`aud`).
pub const AUDIENCE: &str = "taskgate-api";
/// The token's subject (`sub`, and `user_id`).
pub const SUB: &str = "user_2f9c1e7a4b8d4c6e9a0b1c2d3e4f5a6b";
const EMAIL: &str = "someone@example.com";
const JTI: &str = "8e3b1f0c5a7d4e2f9b6c0a1d3e5f7a9b";

/// Resolved versions of the libraries (checked against Cargo.lock by `cargo test`).
pub const TASKGATE_VERSION: &str = "0.1.0";
/// jsonwebtoken's resolved version.
pub const JSONWEBTOKEN_VERSION: &str = "10.4.0";
/// jwt-simple's resolved version.
pub const JWT_SIMPLE_VERSION: &str = "0.15.0";

/// The claims set, in the order it is serialized; also what jsonwebtoken decodes into.
#[derive(Serialize, Deserialize)]
struct TokenClaims {
    iss: String,
    sub: String,
    aud: String,
    exp: u64,
    iat: u64,
    jti: String,
    user_id: String,
    user_email: String,
}

/// Better Auth's non-registered claims, for jwt-simple (which parses the registered ones).
#[derive(Deserialize)]
struct ExtraClaims {
    user_id: String,
    user_email: String,
}

type HmacSha256 = Hmac<Sha256>;

/// The benchmark token, issued at `now` for one hour, signed with `taskgate_verify::sign_json`.
pub fn token(now: u64) -> Result<String, String> {
    let claims = TokenClaims {
        iss: ISSUER.into(),
        sub: SUB.into(),
        aud: AUDIENCE.into(),
        exp: now + 3600,
        iat: now,
        jti: JTI.into(),
        user_id: SUB.into(),
        user_email: EMAIL.into(),
    };
    let json = serde_json::to_string(&claims).map_err(|e| e.to_string())?;
    let keys = taskgate_verify::KeyRing::from_secret(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    Ok(taskgate_verify::sign_json(&keys, &json))
}

/// One library under test.
pub struct Case<'a> {
    /// The library's name in the report.
    pub name: &'static str,
    /// Its resolved version.
    pub version: &'static str,
    /// Verifies the token once; `Err` says why it was refused or what came back wrong.
    pub check: Box<dyn Fn() -> Result<(), String> + 'a>,
    /// Verifies the token `n` times back to back and returns the elapsed time.
    pub run: Box<dyn Fn(u64) -> Duration + 'a>,
}

impl<'a> Case<'a> {
    /// A case from one verification (`verify`, inputs behind `black_box`) and a judge of its
    /// result. The timing loop is generic over `verify`, so it is inlined, never called through
    /// a pointer; each result is passed to `black_box` and dropped inside the loop.
    fn new<T: 'a>(
        name: &'static str,
        version: &'static str,
        verify: impl Fn() -> T + 'a,
        judge: impl Fn(T) -> Result<(), String> + 'a,
    ) -> Self {
        let verify = Rc::new(verify);
        let once = Rc::clone(&verify);
        let run = move |n: u64| {
            let start = Instant::now();
            for _ in 0..n {
                black_box(verify());
            }
            start.elapsed()
        };
        Self { name, version, check: Box::new(move || judge(once())), run: Box::new(run) }
    }
}

/// `Ok` when the verifier returned the expected subject.
fn expect_sub(sub: &str) -> Result<(), String> {
    if sub == SUB { Ok(()) } else { Err(format!("subject {sub:?}, expected {SUB:?}")) }
}

/// The four cases, for `token` at `now` (seconds since the epoch).
pub fn all(token: &str, now: u64) -> Result<Vec<Case<'_>>, String> {
    Ok(vec![taskgate(token, now)?, jsonwebtoken(token), jwt_simple(token), floor(token)?])
}

/// taskgate-verify: a `Verifier` built once; `now` is passed in, as the Worker does.
fn taskgate(token: &str, now: u64) -> Result<Case<'_>, String> {
    use taskgate_verify::{KeyRing, Options, Verifier};
    let keys = KeyRing::from_secret(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    let options = Options { issuer: Some(ISSUER.into()), audience: Some(AUDIENCE.into()), ..Options::default() };
    let verifier = Verifier::new(keys, options).map_err(|e| e.to_string())?;
    Ok(Case::new(
        "taskgate-verify",
        TASKGATE_VERSION,
        move || verifier.verify(black_box(token), black_box(now)),
        |result| result.map_err(|e| e.to_string()).and_then(|claims| expect_sub(claims.sub())),
    ))
}

/// jsonwebtoken (RustCrypto backend): `DecodingKey` and `Validation` built once; decodes into
/// a struct. It reads the system clock itself.
fn jsonwebtoken(token: &str) -> Case<'_> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let mut validation = Validation::new(Algorithm::HS256); // exp required and checked
    validation.leeway = 0;
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[ISSUER]);
    Case::new(
        "jsonwebtoken",
        JSONWEBTOKEN_VERSION,
        move || decode::<TokenClaims>(black_box(token), &key, &validation),
        |result| {
            let claims = result.map_err(|e| e.to_string())?.claims;
            expect_sub(&claims.sub)?;
            expect_sub(&claims.user_id)
        },
    )
}

/// jwt-simple (pure Rust): `HS256Key` built once. `verify_token` takes its options by value,
/// so each call clones them (two one-string sets), as any caller checking `iss`/`aud` must.
/// It reads the (coarse) system clock itself.
fn jwt_simple(token: &str) -> Case<'_> {
    use jwt_simple::prelude::{HS256Key, MACLike, VerificationOptions};
    let key = HS256Key::from_bytes(SECRET.as_bytes());
    let options = VerificationOptions {
        allowed_issuers: Some(HashSet::from([ISSUER.to_owned()])),
        allowed_audiences: Some(HashSet::from([AUDIENCE.to_owned()])),
        time_tolerance: Some(jwt_simple::prelude::Duration::from_secs(0)),
        ..VerificationOptions::default()
    };
    Case::new(
        "jwt-simple",
        JWT_SIMPLE_VERSION,
        move || key.verify_token::<ExtraClaims>(black_box(token), Some(options.clone())),
        |result| {
            let claims = result.map_err(|e| e.to_string())?;
            if claims.expires_at.is_none() || claims.custom.user_email != EMAIL {
                return Err("missing exp or wrong user_email".into());
            }
            expect_sub(claims.subject.as_deref().unwrap_or_default())?;
            expect_sub(&claims.custom.user_id)
        },
    )
}

/// The floor: HMAC-SHA256 of `header.payload` against the tag, and nothing else. The key
/// schedule is computed once (each call clones the keyed state, as taskgate-verify does) and
/// the tag is decoded once, outside the loop.
fn floor(token: &str) -> Result<Case<'_>, String> {
    let (signing_input, tag_b64) = token.rsplit_once('.').ok_or("token without a '.'")?;
    let tag = URL_SAFE_NO_PAD.decode(tag_b64).map_err(|e| e.to_string())?;
    let mac = HmacSha256::new_from_slice(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    Ok(Case::new(
        "floor: HMAC-SHA256 only",
        "hmac 0.13",
        move || {
            let mut mac = mac.clone();
            mac.update(black_box(signing_input.as_bytes()));
            mac.verify_slice(black_box(&tag)).is_ok()
        },
        |ok| if ok { Ok(()) } else { Err("MAC mismatch".into()) },
    ))
}
