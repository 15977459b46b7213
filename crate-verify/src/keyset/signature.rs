//! Asymmetric signatures checked by the host's own crypto (the Web Crypto API of workerd and
//! browsers, node:crypto in Node), with every rule still applied here.
//!
//! The host's crypto is often asynchronous and this crate is not, so the signature is
//! *deferred*: a host verifies with [`Deferred::check`] as the signature check of
//! [`crate::Verifier::verify_checking`]. For an asymmetric token, that records a
//! [`SignatureJob`] (the key the rules chose, bound to the token's `alg`; the signing input;
//! the signature) and lets the remaining rules (the claims, and a caller's own, such as the
//! HTTP layer's path user) run in the same pass. [`Deferred::finish`] then holds that outcome
//! in a [`Pending`] until the host has checked the job's signature: [`Pending::settle`] gives
//! the outcome when the signature is valid and `invalid_signature` otherwise, which is exactly
//! what one pass in the contract's order would give (the signature is decided before the
//! claims). The outcome never leaves a [`Pending`] without a verdict on its own job.
//!
//! This is the one place that decides "the platform's verdict, else RustCrypto's": a host only
//! makes the platform call, and hands [`Pending::settle`] its answer, or `None` when its crypto
//! cannot check that key (an algorithm it lacks, or no crypto at all); the signature is then
//! checked here, with the same key.
//!
//! HS256 tokens never make a job (the HMAC is this crate's, and costs less than a crossing).
//! The keys were parsed and validated by [`crate::keyset::jwks`] on RustCrypto (strict encodings,
//! points on the curve, RSA sizes) before any host imports them.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::alg::Algorithm;
use crate::error::{Error, ErrorCode};
use crate::keyset::jwks::{KeySet, SetKey};

/// One asymmetric signature for the host to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureJob {
    /// The `kid` of the key the rules chose.
    pub kid: Box<str>,
    /// The key's algorithm (the token's `alg`: they are equal, or there is no job).
    pub alg: Algorithm,
    /// The key's public JWK ([`SetKey::public_jwk`]), to import with [`Algorithm::web_crypto`].
    pub public_jwk: Box<str>,
    /// The signing input: the token's ASCII `header.payload`.
    pub message: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

/// The signature check of one verification whose signature the host checks.
#[derive(Debug, Default)]
pub struct Deferred {
    job: Option<SignatureJob>,
}

impl Deferred {
    /// A check for one verification.
    pub const fn new() -> Self {
        Self { job: None }
    }

    /// The signature check to give [`crate::Verifier::verify_checking`]: records the job and
    /// answers "valid" for now, so the remaining rules run; [`Deferred::finish`] holds their
    /// outcome until the host's verdict.
    pub fn check(&mut self, key: &SetKey, message: &[u8], signature: &[u8]) -> bool {
        self.job = Some(SignatureJob {
            kid: key.kid().into(),
            alg: key.alg(),
            public_jwk: key.public_jwk().into(),
            message: message.to_vec(),
            signature: signature.to_vec(),
        });
        true
    }

    /// The verification's `outcome`: final when no signature was deferred (an HS256 token, or
    /// a refusal before the signature), else held with its job.
    pub fn finish<T, E>(self, outcome: Result<T, E>) -> Outcome<T, E> {
        match self.job {
            None => Outcome::Done(outcome),
            Some(job) => Outcome::Pending(Pending { job, outcome }),
        }
    }
}

/// One verification with its signature deferred: `run` is given the check to pass as the
/// signature check of [`crate::Verifier::verify_checking`] (`|k, m, s| check.check(k, m, s)`).
pub fn deferred<T, E>(run: impl FnOnce(&mut Deferred) -> Result<T, E>) -> Outcome<T, E> {
    let mut check = Deferred::new();
    let outcome = run(&mut check);
    check.finish(outcome)
}

/// What a verification with a deferred signature came to.
#[derive(Debug)]
pub enum Outcome<T, E> {
    /// Final.
    Done(Result<T, E>),
    /// Waiting for the host's verdict on a signature.
    Pending(Pending<T, E>),
}

/// An outcome held until the host has checked its job's signature.
#[derive(Debug)]
pub struct Pending<T, E> {
    job: SignatureJob,
    outcome: Result<T, E>,
}

impl<T, E: From<Error>> Pending<T, E> {
    /// The signature to check.
    pub fn job(&self) -> &SignatureJob {
        &self.job
    }

    /// The outcome, given the host's `verdict` on the job's signature, or `None` when the host
    /// cannot check it: then RustCrypto checks it, with the key of `set` that the job names
    /// (the very key the rules chose: same `kid` and same public key; a set that no longer holds
    /// it refuses). `invalid_signature` when the signature is not valid.
    pub fn settle(self, verdict: Option<bool>, set: Option<&KeySet>) -> Result<T, E> {
        let job = &self.job;
        let valid = verdict.unwrap_or_else(|| {
            let key = set.and_then(|s| s.get(&job.kid)).filter(|k| k.public_jwk() == &*job.public_jwk);
            key.is_some_and(|k| k.verify(job.alg, &job.message, &job.signature))
        });
        match valid {
            true => self.outcome,
            false => Err(Error::new(ErrorCode::InvalidSignature).into()),
        }
    }
}
