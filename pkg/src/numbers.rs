//! The numbers the Wasm answers with, so the error path allocates nothing: an error number
//! holds the code in its low byte (1-based: [`ErrorCode::ALL`], then [`OTHER_REFUSALS`]), the
//! claim in the next byte (1-based index in [`Claim::ALL`], 0 for none); [`PENDING`] is a
//! check whose signature awaits the platform's verdict.
//!
//! This file is the one place these are written: the CLI compiles it too (`taskgate contract`,
//! `cli/src/contract.rs`) and writes the constants into the package's generated `contract.js`,
//! which the JavaScript reads. It uses nothing but the crate, and no allocation.

use taskgate_verify::Error;
use taskgate_verify::host::catalog::{Claim, ErrorCode, OTHER_REFUSALS, Refusal};

/// The answer of a check whose signature the platform must check: the job is taken with
/// `takeJob()` and its verdict given to `settle`.
pub const PENDING: u32 = u32::MAX;

/// The bits of an error number that hold the code.
pub const CODE_MASK: u32 = 0xff;

/// Where the claim starts (one byte).
pub const CLAIM_SHIFT: u32 = 8;

fn index_of<T: PartialEq>(all: &[T], x: &T) -> u32 {
    all.iter().position(|c| c == x).map_or(0, |i| i as u32 + 1)
}

/// The number of an error: its code and claim.
pub fn error_number(e: Error) -> u32 {
    index_of(ErrorCode::ALL, &e.code()) | (e.claim().map_or(0, |c| index_of(Claim::ALL, &c)) << CLAIM_SHIFT)
}

/// The number of a refusal (a token error, or one of the other refusals).
pub fn refusal_number(r: Refusal) -> u32 {
    match r {
        Refusal::Token(e) => error_number(e),
        other => ErrorCode::ALL.len() as u32 + index_of(&OTHER_REFUSALS, &other),
    }
}

/// The refusal a number stands for.
pub fn refusal_of(n: u32) -> Option<Refusal> {
    let (code, claim) = ((n & CODE_MASK) as usize, ((n >> CLAIM_SHIFT) & CODE_MASK) as usize);
    let error = |code: ErrorCode| match claim.checked_sub(1).and_then(|i| Claim::ALL.get(i)) {
        Some(claim) => Error::about(code, *claim),
        None => Error::new(code),
    };
    match code.checked_sub(1)? {
        i if i < ErrorCode::ALL.len() => Some(Refusal::from(error(ErrorCode::ALL[i]))),
        i => OTHER_REFUSALS.get(i - ErrorCode::ALL.len()).copied(),
    }
}
