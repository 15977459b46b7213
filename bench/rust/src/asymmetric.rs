//! The asymmetric part (`--asymmetric FILE`): Better Auth jwt()-plugin tokens signed with EdDSA,
//! ES256 and RS256 (2048-bit), read from the JSON that `bench/asym-tokens.mjs` writes (signed by
//! node:crypto), each verified by taskgate-verify (a `Verifier` with the JWK Set), jsonwebtoken
//! (`DecodingKey` from the JWK's members, `Validation` with the algorithm, `iss` and `aud`), and
//! a floor: the RustCrypto signature check alone (`taskgate_verify::pubkey::PublicKey::verify` on
//! the signing input and the decoded signature, the key parsed once).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

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

/// Every case: per algorithm, taskgate-verify, jsonwebtoken and the floor. `now` is given to
/// taskgate-verify (jsonwebtoken reads the system clock itself).
pub fn all(input: &Input, now: u64) -> Result<Vec<AlgCase<'_>>, String> {
    use taskgate_verify::jwks::KeySet;
    use taskgate_verify::{KeyRing, Options, Verifier};

    // One taskgate-verify verifier for the whole set, built once, as a server would.
    let (set, skipped) = KeySet::parse(&input.jwks.to_string()).map_err(|e| e.to_string())?;
    if !skipped.is_empty() {
        return Err(format!("taskgate-verify skipped keys of the set: {skipped:?}"));
    }
    let options = Options { jwks_issuer: Some(input.iss.clone()), jwks_audience: Some(input.aud.clone()), ..Options::default() };
    let keys = KeyRing::from_secret(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    let verifier = std::rc::Rc::new(Verifier::new(keys, options).map_err(|e| e.to_string())?.with_key_set(set));

    let mut cases = Vec::new();
    for alg in ALGORITHMS {
        let token = input.token(alg)?;
        let bad = forged(token);
        let sub = input.sub.as_str();
        let expect = move |got: &str| if got == sub { Ok(()) } else { Err(format!("subject {got:?}, expected {sub:?}")) };
        let refuse = |accepted: bool| if accepted { Err("accepted a forged signature".to_string()) } else { Ok(()) };

        // taskgate-verify.
        let v = std::rc::Rc::clone(&verifier);
        let check_v = std::rc::Rc::clone(&verifier);
        let bad_v = bad.clone();
        cases.push(AlgCase {
            alg,
            token_bytes: token.len(),
            case: Case {
                name: "taskgate-verify",
                version: TASKGATE_VERSION,
                check: Box::new(move || {
                    let claims = check_v.verify(token, now).map_err(|e| e.to_string())?;
                    expect(claims.sub())?;
                    refuse(check_v.verify(&bad_v, now).is_ok())
                }),
                run: timed(move || v.verify(black_box(token), black_box(now))),
            },
        });

        // jsonwebtoken: DecodingKey and Validation built once from the JWK's members.
        let (jalg, key) = match alg {
            "EdDSA" => (jsonwebtoken::Algorithm::EdDSA, jsonwebtoken::DecodingKey::from_ed_components(input.member(alg, "x")?)),
            "ES256" => (
                jsonwebtoken::Algorithm::ES256,
                jsonwebtoken::DecodingKey::from_ec_components(input.member(alg, "x")?, input.member(alg, "y")?),
            ),
            _ => (
                jsonwebtoken::Algorithm::RS256,
                jsonwebtoken::DecodingKey::from_rsa_components(input.member(alg, "n")?, input.member(alg, "e")?),
            ),
        };
        let key = std::rc::Rc::new(key.map_err(|e| format!("jsonwebtoken {alg} key: {e}"))?);
        let mut validation = jsonwebtoken::Validation::new(jalg); // exp required and checked
        validation.leeway = 0;
        validation.set_issuer(&[&input.iss]);
        validation.set_audience(&[&input.aud]);
        let validation = std::rc::Rc::new(validation);
        let (check_key, check_validation, bad_j) = (std::rc::Rc::clone(&key), std::rc::Rc::clone(&validation), bad.clone());
        cases.push(AlgCase {
            alg,
            token_bytes: token.len(),
            case: Case {
                name: "jsonwebtoken",
                version: JSONWEBTOKEN_VERSION,
                check: Box::new(move || {
                    let data = jsonwebtoken::decode::<BetterAuthClaims>(token, &check_key, &check_validation)
                        .map_err(|e| e.to_string())?;
                    expect(&data.claims.sub)?;
                    expect(&data.claims.id)?;
                    refuse(jsonwebtoken::decode::<BetterAuthClaims>(&bad_j, &check_key, &check_validation).is_ok())
                }),
                run: timed(move || jsonwebtoken::decode::<BetterAuthClaims>(black_box(token), &key, &validation)),
            },
        });

        // The floor: the signature check alone, on the signing input and the decoded signature.
        use taskgate_verify::Algorithm;
        use taskgate_verify::pubkey::PublicKey;
        let (talg, public, floor_name, floor_version) = match alg {
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
        let public = std::rc::Rc::new(public.map_err(|e| format!("{alg} key: {e:?}"))?);
        let split = |t: &str| -> Result<(String, Vec<u8>), String> {
            let (input, sig) = t.rsplit_once('.').ok_or("token without a '.'")?;
            Ok((input.to_owned(), URL_SAFE_NO_PAD.decode(sig).map_err(|e| e.to_string())?))
        };
        let (message, signature) = split(token)?;
        let (bad_message, bad_signature) = split(&bad)?;
        let check_public = std::rc::Rc::clone(&public);
        let (check_message, check_signature) = (message.clone(), signature.clone());
        cases.push(AlgCase {
            alg,
            token_bytes: token.len(),
            case: Case {
                name: floor_name,
                version: floor_version,
                check: Box::new(move || {
                    if !check_public.verify(talg, check_message.as_bytes(), &check_signature) {
                        return Err("signature refused".into());
                    }
                    refuse(check_public.verify(talg, bad_message.as_bytes(), &bad_signature))
                }),
                run: timed(move || public.verify(talg, black_box(message.as_bytes()), black_box(&signature))),
            },
        });
    }
    Ok(cases)
}
