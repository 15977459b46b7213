//! The asymmetric part (`--asymmetric FILE`): Better Auth jwt()-plugin tokens signed with EdDSA,
//! ES256 and RS256 (2048-bit), read from the JSON that `bench/asym-tokens.mjs` writes (signed by
//! node:crypto), each verified by taskgate-verify (a `Verifier` with the JWK Set), jsonwebtoken
//! (`DecodingKey` from the JWK's members, `Validation` with the algorithm, `iss` and `aud`), and
//! a floor: the RustCrypto signature check alone (`taskgate_verify::keyset::pubkey::PublicKey::verify` on
//! the signing input and the decoded signature, the key parsed once).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use taskgate_verify::keyset::jwks::KeySet;
use taskgate_verify::keyset::pubkey::PublicKey;
use taskgate_verify::{Algorithm, KeyRing, Options, Verifier};

use crate::cases::{Case, JSONWEBTOKEN_VERSION, SECRET, TASKGATE_VERSION};

/// The algorithms measured, in report order.
pub const ALGORITHMS: [&str; 3] = ["EdDSA", "ES256", "RS256"];
/// Resolved versions of the RustCrypto crates under taskgate-verify (checked against Cargo.lock).
pub const ED25519_DALEK_VERSION: &str = "3.0.0";
/// p256's resolved version (for taskgate-verify; jsonwebtoken 10 uses p256 0.13).
pub const P256_VERSION: &str = "0.14.0";
/// rsa's resolved version (for taskgate-verify; jsonwebtoken 10 uses rsa 0.9).
pub const RSA_VERSION: &str = "0.10.0";

/// The input document (`node bench/asym-tokens.mjs`).
#[derive(Deserialize)]
pub struct Input {
    /// When the tokens were issued (they expire an hour later).
    pub now: u64,
    /// The expected `iss`.
    pub iss: String,
    /// The expected `aud`.
    pub aud: String,
    /// The tokens' subject.
    pub sub: String,
    /// The public JWK Set.
    pub jwks: serde_json::Value,
    /// One token per algorithm.
    pub tokens: BTreeMap<String, String>,
}

impl Input {
    /// Reads and checks the document at `path`: a token and a key for every algorithm.
    pub fn read(path: &str) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let input: Self = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        for alg in ALGORITHMS {
            input.token(alg)?;
            input.jwk(alg)?;
        }
        Ok(input)
    }

    /// The token signed with `alg`.
    pub fn token(&self, alg: &str) -> Result<&str, String> {
        self.tokens.get(alg).map(String::as_str).ok_or(format!("no {alg} token in the input"))
    }

    /// The JWK of the set whose `alg` is `alg`.
    fn jwk(&self, alg: &str) -> Result<&serde_json::Value, String> {
        self.jwks["keys"]
            .as_array()
            .and_then(|keys| keys.iter().find(|k| k["alg"] == alg))
            .ok_or(format!("no {alg} key in the input's JWK Set"))
    }

    /// A string member of the `alg` key.
    fn member(&self, alg: &str, name: &str) -> Result<&str, String> {
        self.jwk(alg)?[name].as_str().ok_or(format!("the {alg} key has no string {name:?}"))
    }

    /// A base64url member of the `alg` key, decoded.
    fn bytes(&self, alg: &str, name: &str) -> Result<Vec<u8>, String> {
        URL_SAFE_NO_PAD.decode(self.member(alg, name)?).map_err(|e| format!("{alg} key {name}: {e}"))
    }
}

/// Better Auth's jwt() plugin claims (the session's user, then the registered claims); what
/// jsonwebtoken decodes into.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // read by serde only: decoding them is the work measured
struct BetterAuthClaims {
    name: String,
    email: String,
    email_verified: bool,
    image: Option<String>,
    created_at: String,
    updated_at: String,
    id: String,
    iat: u64,
    iss: String,
    aud: String,
    exp: u64,
    sub: String,
}

/// The timing loop for one verification: generic over `verify`, so inlined; each result goes
/// through `black_box` and is dropped inside the loop.
fn timed<'a, T>(verify: impl Fn() -> T + 'a) -> Box<dyn Fn(u64) -> Duration + 'a> {
    Box::new(move |n| {
        let start = Instant::now();
        for _ in 0..n {
            black_box(verify());
        }
        start.elapsed()
    })
}

/// `token` with one signature character changed (not the last, whose low bits may be padding).
pub fn forged(token: &str) -> String {
    let last = token.len() - 2;
    let swap = if &token[last..=last] == "A" { "B" } else { "A" };
    format!("{}{swap}{}", &token[..last], &token[last + 1..])
}

/// One measured case, with the algorithm it belongs to.
pub struct AlgCase<'a> {
    /// `EdDSA`, `ES256` or `RS256`.
    pub alg: &'static str,
    /// The token's length in bytes.
    pub token_bytes: usize,
    /// The library and how to run it.
    pub case: Case<'a>,
}

/// What every case of one algorithm is given: the token, the same token with a changed
/// signature (which must be refused), and the expected subject.
struct Tokens<'a> {
    alg: &'static str,
    token: &'a str,
    forged: String,
    sub: &'a str,
}

impl Tokens<'_> {
    fn expect_sub(&self, got: &str) -> Result<(), String> {
        if got == self.sub { Ok(()) } else { Err(format!("subject {got:?}, expected {:?}", self.sub)) }
    }
}

/// `Err` when the forged token was accepted.
fn refuse(accepted: bool) -> Result<(), String> {
    if accepted { Err("accepted a forged signature".into()) } else { Ok(()) }
}

/// Every case: per algorithm, taskgate-verify, jsonwebtoken and the floor. `now` is given to
/// taskgate-verify (jsonwebtoken reads the system clock itself).
pub fn all(input: &Input, now: u64) -> Result<Vec<AlgCase<'_>>, String> {
    // One taskgate-verify verifier for the whole set, built once, as a server would.
    let (set, skipped) = KeySet::parse(&input.jwks.to_string()).map_err(|e| e.to_string())?;
    if !skipped.is_empty() {
        return Err(format!("taskgate-verify skipped keys of the set: {skipped:?}"));
    }
    let options =
        Options { jwks_issuer: Some(input.iss.clone()), jwks_audience: Some(input.aud.clone()), ..Options::default() };
    let keys = KeyRing::from_secret(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    let verifier = Rc::new(Verifier::new(keys, options).map_err(|e| e.to_string())?.with_key_set(set));

    let mut cases = Vec::new();
    for alg in ALGORITHMS {
        let token = input.token(alg)?;
        let t = Rc::new(Tokens { alg, token, forged: forged(token), sub: &input.sub });
        for case in [taskgate(&t, &verifier, now), jsonwebtoken(&t, input)?, floor(&t, input)?] {
            cases.push(AlgCase { alg, token_bytes: token.len(), case });
        }
    }
    Ok(cases)
}

/// taskgate-verify: `Verifier::verify` with the key set (shared by the three algorithms).
fn taskgate<'a>(t: &Rc<Tokens<'a>>, verifier: &Rc<Verifier>, now: u64) -> Case<'a> {
    let (v, check_v, t, token) = (Rc::clone(verifier), Rc::clone(verifier), Rc::clone(t), t.token);
    Case {
        name: "taskgate-verify",
        version: TASKGATE_VERSION,
        check: Box::new(move || {
            let claims = check_v.verify(t.token, now).map_err(|e| e.to_string())?;
            t.expect_sub(claims.sub())?;
            refuse(check_v.verify(&t.forged, now).is_ok())
        }),
        run: timed(move || v.verify(black_box(token), black_box(now))),
    }
}

/// jsonwebtoken (RustCrypto backend): `DecodingKey` from the JWK's members and `Validation`
/// (the algorithm, `exp`, `iss`, `aud`) built once; decodes into [`BetterAuthClaims`].
fn jsonwebtoken<'a>(t: &Rc<Tokens<'a>>, input: &Input) -> Result<Case<'a>, String> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let alg = t.alg;
    let (algorithm, key) = match alg {
        "EdDSA" => (Algorithm::EdDSA, DecodingKey::from_ed_components(input.member(alg, "x")?)),
        "ES256" => {
            (Algorithm::ES256, DecodingKey::from_ec_components(input.member(alg, "x")?, input.member(alg, "y")?))
        }
        _ => (Algorithm::RS256, DecodingKey::from_rsa_components(input.member(alg, "n")?, input.member(alg, "e")?)),
    };
    let key = Rc::new(key.map_err(|e| format!("jsonwebtoken {alg} key: {e}"))?);
    let mut validation = Validation::new(algorithm); // exp required and checked
    validation.leeway = 0;
    validation.set_issuer(&[&input.iss]);
    validation.set_audience(&[&input.aud]);
    let validation = Rc::new(validation);
    let (check_key, check_validation, t, token) = (Rc::clone(&key), Rc::clone(&validation), Rc::clone(t), t.token);
    Ok(Case {
        name: "jsonwebtoken",
        version: JSONWEBTOKEN_VERSION,
        check: Box::new(move || {
            let data = decode::<BetterAuthClaims>(t.token, &check_key, &check_validation).map_err(|e| e.to_string())?;
            t.expect_sub(&data.claims.sub)?;
            t.expect_sub(&data.claims.id)?;
            refuse(decode::<BetterAuthClaims>(&t.forged, &check_key, &check_validation).is_ok())
        }),
        run: timed(move || decode::<BetterAuthClaims>(black_box(token), &key, &validation)),
    })
}

/// The floor: `PublicKey::verify` (RustCrypto, as taskgate-verify calls it) on the signing input
/// and the signature, decoded once; the key parsed once from the JWK's members.
fn floor<'a>(t: &Rc<Tokens<'a>>, input: &Input) -> Result<Case<'a>, String> {
    let alg = t.alg;
    let (algorithm, key, name, version) = match alg {
        "EdDSA" => (
            Algorithm::EdDsa,
            PublicKey::ed25519(&input.bytes(alg, "x")?),
            "floor: ed25519-dalek verify_strict",
            ED25519_DALEK_VERSION,
        ),
        "ES256" => (
            Algorithm::Es256,
            PublicKey::p256(&input.bytes(alg, "x")?, &input.bytes(alg, "y")?),
            "floor: p256 ECDSA verify",
            P256_VERSION,
        ),
        _ => (
            Algorithm::Rs256,
            PublicKey::rsa(&input.bytes(alg, "n")?, &input.bytes(alg, "e")?),
            "floor: rsa PKCS#1 v1.5 verify",
            RSA_VERSION,
        ),
    };
    let key = Rc::new(key.map_err(|e| format!("{alg} key: {e:?}"))?);
    let split = |token: &str| -> Result<(String, Vec<u8>), String> {
        let (message, signature) = token.rsplit_once('.').ok_or("token without a '.'")?;
        Ok((message.to_owned(), URL_SAFE_NO_PAD.decode(signature).map_err(|e| e.to_string())?))
    };
    let (message, signature) = split(t.token)?;
    let (forged_message, forged_signature) = split(&t.forged)?;
    let (check_key, check_message, check_signature) = (Rc::clone(&key), message.clone(), signature.clone());
    Ok(Case {
        name,
        version,
        check: Box::new(move || {
            if !check_key.verify(algorithm, check_message.as_bytes(), &check_signature) {
                return Err("signature refused".into());
            }
            refuse(check_key.verify(algorithm, forged_message.as_bytes(), &forged_signature))
        }),
        run: timed(move || key.verify(algorithm, black_box(message.as_bytes()), black_box(&signature))),
    })
}
