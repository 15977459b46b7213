//! Fuzzes `KeyCache` planning with time as input: any history of attempts and fetches at the
//! source, copies (with the time they were fetched at the source) and plans for a kid, each
//! after any number of seconds. The model (`crate-verify/tests/common/key_cache_model.rs`, the
//! same the property test uses) checks at every plan: a set is never used past 10 minutes from
//! its fetch at the source, a copy never arms the 30 s interval, a kid missing while a refetch is
//! held back is `keys_unavailable`, `unknown_key` only after a fetch at the source since the
//! token was in hand, and a set without a usable key is never kept.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crate-verify/tests/common/key_cache_model.rs"]
mod model;
use model::{Step, run};

fuzz_target!(|data: &[u8]| {
    let (start, rest) = match data.split_first_chunk::<8>() {
        Some((start, rest)) => (u64::from_le_bytes(*start), rest),
        None => (0, data),
    };
    // Three bytes a step: what, its argument, and the seconds before it (scaled: 0..~2000).
    let steps: Vec<(u64, Step)> = rest
        .chunks_exact(3)
        .take(64)
        .map(|c| {
            let dt = match c[2] >> 6 {
                0 => u64::from(c[2] & 0x3f) / 8,
                1 => 25 + u64::from(c[2] & 0x3f) % 11,
                2 => 590 + u64::from(c[2] & 0x3f) % 21,
                _ => u64::from(c[2] & 0x3f) * 32,
            };
            let step = match c[0] % 4 {
                0 => {
                    Step::Source((c[1] & 0x40 == 0).then_some((c[1] >> 2) & 3), (c[1] & 0x80 == 0).then_some(c[1] & 3))
                }
                1 => Step::Copy(c[1] & 3, u64::from(c[1] >> 2) * 20),
                _ => Step::Plan(c[1]),
            };
            (dt, step)
        })
        .collect();
    if let Err(broken) = run(start, &steps) {
        panic!("{broken}: {start} {steps:?}");
    }
});
