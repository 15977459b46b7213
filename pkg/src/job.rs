//! An asymmetric signature for JavaScript to check (node:crypto, WebCrypto): the key (its public
//! JWK, with the `importKey` and `verify` parameters of its algorithm), the signing input and
//! the signature; for a check, its outcome, held until the platform's verdict
//! (`taskgate_verify::keyset::signature::Pending`). And the signature layer alone, for published
//! test vectors (`checkSignature`, `signatureJob`).

use alloc::vec::Vec;

use taskgate_verify::host::http::Refusal;
use taskgate_verify::keyset::jwks::KeySet;
use taskgate_verify::keyset::signature::{Pending, SignatureJob};
use taskgate_verify::{Algorithm, Claims, Error, ErrorCode};
use wasm_bindgen::prelude::*;

/// A signature to check, and what waits for its verdict.
#[wasm_bindgen]
pub struct Job {
    of: JobOf,
    /// The key's position in the verifier's set when the job was made.
    key_index: u32,
}

enum JobOf {
    /// A check's: its outcome waits for the verdict.
    Check(Pending<Claims, Refusal>),
    /// A published vector's (`signatureJob`): nothing waits.
    Vector(SignatureJob),
}

impl Job {
    /// The job of a check whose outcome waits, its key at `key_index` in the verifier's set.
    pub fn check(pending: Pending<Claims, Refusal>, key_index: u32) -> Job {
        Job { of: JobOf::Check(pending), key_index }
    }

    /// The outcome, given the platform's `verdict` (`None`: the Wasm checks the signature with
    /// the key of `set` the job names). A vector's job has no outcome: `invalid_signature`.
    pub fn settle(self, verdict: Option<bool>, set: Option<&KeySet>) -> Result<Claims, Refusal> {
        match self.of {
            JobOf::Check(pending) => pending.settle(verdict, set),
            JobOf::Vector(_) => Err(Refusal::Token(Error::new(ErrorCode::InvalidSignature))),
        }
    }

    fn job(&self) -> &SignatureJob {
        match &self.of {
            JobOf::Check(pending) => pending.job(),
            JobOf::Vector(job) => job,
        }
    }
}

#[wasm_bindgen]
impl Job {
    /// The key's position in the verifier's set (the same key until the set changes: JavaScript
    /// keeps what it prepared for a key by it).
    #[wasm_bindgen(js_name = keyIndex)]
    pub fn key_index(&self) -> u32 {
        self.key_index
    }

    /// WebCrypto `importKey` algorithm parameters (JSON).
    #[wasm_bindgen(js_name = importParams)]
    pub fn import_params(&self) -> alloc::string::String {
        self.job().alg.web_crypto().map_or("", |p| p.0).into()
    }

    /// WebCrypto `verify` algorithm parameters (JSON).
    #[wasm_bindgen(js_name = verifyParams)]
    pub fn verify_params(&self) -> alloc::string::String {
        self.job().alg.web_crypto().map_or("", |p| p.1).into()
    }

    /// The key's public JWK (JSON).
    pub fn key(&self) -> alloc::string::String {
        self.job().public_jwk.as_ref().into()
    }

    /// The signing input.
    pub fn message(&self) -> Vec<u8> {
        self.job().message.clone()
    }

    /// The signature.
    pub fn signature(&self) -> Vec<u8> {
        self.job().signature.clone()
    }
}

/// The signature layer alone, for published test vectors: whether `signature` is a valid `alg`
/// signature of `message` by the key of the one-key JWK Set `jwk_set`: 1 valid, 0 invalid, -1
/// the key cannot be used.
#[wasm_bindgen(js_name = checkSignature)]
pub fn check_signature(alg: &str, jwk_set: &str, message: &[u8], signature: &[u8]) -> i32 {
    let Ok((set, _)) = KeySet::parse(jwk_set) else { return -1 };
    let (Some(key), Some(alg)) = (set.keys().first(), Algorithm::parse(alg)) else { return -1 };
    i32::from(key.verify(alg, message, signature))
}

/// The signature layer of the platform, for published test vectors: the job a token signed
/// with `signature` over `message` by the key of the one-key JWK Set `jwk_set` would make
/// (`undefined` when the key cannot be used for `alg`), for `checkSignature(..., via)`.
#[wasm_bindgen(js_name = signatureJob)]
pub fn signature_job(alg: &str, jwk_set: &str, message: &[u8], signature: &[u8]) -> Option<Job> {
    let (set, _) = KeySet::parse(jwk_set).ok()?;
    let key = set.keys().first().filter(|k| Algorithm::parse(alg) == Some(k.alg()))?;
    Some(Job {
        key_index: 0,
        of: JobOf::Vector(SignatureJob {
            kid: key.kid().into(),
            alg: key.alg(),
            public_jwk: key.public_jwk().into(),
            message: message.to_vec(),
            signature: signature.to_vec(),
        }),
    })
}
