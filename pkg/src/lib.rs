//! # taskgate-wasm
//!
//! The thin wasm-bindgen layer under the npm package: the crate's rules, with numbers and
//! strings across the boundary. The JavaScript in `js/` turns them into the package's API
//! (`createVerifier`, `verify`, `inspect`, `sign`, `TokenError`, the Next.js helper), with the
//! tables of `contract.js`, generated from the same crate (`taskgate contract --format js`).
//!
//! Two builds: the default one is what `taskgate-verify` loads: every symmetric Better Auth token
//! (HS256 tokens, and the session cookie cache in each strategy: `compact`, `jwt`, `jwe`), the
//! HTTP layer (`authorize`: bearer or cookie, the Origin rule, the 401/403 answers), inspection
//! and signing. Feature `full` adds asymmetric tokens from a JWK Set, their signatures deferred to
//! the platform's crypto, for `taskgate-verify/full` and the Next.js helper.
//!
//! - [`settings`]: the one settings object a verifier is built from, and a request.
//! - [`verifier`]: the verifier; [`http`] its HTTP layer; [`full`] what the full build adds to
//!   it; [`job`] a signature for the platform to check.
//! - [`numbers`]: errors as numbers, and `PENDING` (shared with `contract.js`).
//! - [`tools`]: `inspect`, `sign`, `refusal`.

// no_std in the Wasm (no std panic and formatting machinery: about 10 KB gzip). Natively (the
// tests) std links, so the library links too (its allocator and panic handler are the Wasm's).
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

#[cfg(feature = "full")]
pub mod full;
pub mod http;
#[cfg(feature = "full")]
pub mod job;
pub mod numbers;
pub mod settings;
pub mod tools;
pub mod verifier;

/// Talc, made for single-threaded Wasm: smaller than dlmalloc here, at the same speed (bench/ANALYSIS.md).
#[cfg(all(target_arch = "wasm32", not(test)))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A panic is a bug (verification never panics on any input): trap without formatting.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use taskgate_verify::Error;
    use taskgate_verify::host::catalog::{Claim, ErrorCode, OTHER_REFUSALS, Refusal};

    use crate::numbers::{PENDING, error_number, refusal_number, refusal_of};

    #[test]
    fn refusal_numbers_round_trip() {
        let mut all: Vec<Refusal> = OTHER_REFUSALS.to_vec();
        // Codes that never make a token refusal of their own (they become 500 or 503).
        let own =
            |c: &&ErrorCode| !matches!(c, ErrorCode::WeakKey | ErrorCode::InvalidConfig | ErrorCode::KeysUnavailable);
        for code in ErrorCode::ALL.iter().filter(own) {
            all.push(Refusal::Token(Error::new(*code)));
            for claim in Claim::ALL {
                all.push(Refusal::Token(Error::about(*code, *claim)));
            }
        }
        for r in all {
            let n = refusal_number(r);
            assert_ne!(n, PENDING);
            assert_eq!(refusal_of(n), Some(r), "{r:?}");
        }
        assert_eq!(refusal_of(0), None);
        assert_eq!(refusal_of(error_number(Error::new(ErrorCode::WeakKey))), Some(Refusal::ServerMisconfigured));
    }
}
