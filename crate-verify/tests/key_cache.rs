//! The rules of a fetched JWK Set under faults (contract section 3.2, docs/key-path.md), as
//! properties of `KeyCache` over any sequence of fetches, copies and time: a set is never used
//! past 10 minutes from its fetch at the source, a copy never arms the 30 s interval, a `kid`
//! missing while a refetch is held back is `keys_unavailable`, and `unknown_key` comes only
//! after a fetch at the source that started once the token was in hand. The fuzz target
//! `fuzz/fuzz_targets/key_cache.rs` checks the same with libFuzzer.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use taskgate_verify::keyset::cache::{KeyCache, Plan};

#[path = "common/key_cache_model.rs"]
mod model;
use model::{Step, run, set};

fn step() -> impl Strategy<Value = (u64, Step)> {
    let dt = prop_oneof![Just(0u64), 0u64..5, 25u64..35, 590u64..610, 0u64..2000];
    let step = prop_oneof![
        (prop::option::of(0u8..4), prop::option::of(0u8..4)).prop_map(|(k, n)| Step::Source(k, n)),
        (0u8..4, prop_oneof![0u64..30, 590u64..610, 0u64..1200]).prop_map(|(n, a)| Step::Copy(n, a)),
        (0u8..4).prop_map(Step::Plan),
        (0u8..4).prop_map(Step::Plan),
    ];
    (dt, step)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn the_key_cache_rules_hold_over_any_history(start in prop_oneof![Just(0u64), 1_700_000_000u64..1_800_000_000], steps in prop::collection::vec(step(), 0..40)) {
        prop_assert_eq!(run(start, &steps), Ok(()));
    }
}

#[test]
fn a_new_isolate_with_an_older_copy_looks_a_new_kid_up_at_the_source_at_once() {
    let mut cache = KeyCache::default();
    assert_eq!(cache.plan(Some("b"), 1000), Plan::Fetch);
    assert!(cache.copied(set(&["a"]), 1000 - 400, 1000));
    assert_eq!(cache.plan(Some("a"), 1000), Plan::Use);
    // The copy lacks b: to the source, now (the copy armed nothing).
    assert_eq!(cache.plan(Some("b"), 1000), Plan::Fetch);
    cache.fetching_for(Some("b"), 1000);
    assert!(cache.fetched(set(&["a", "b"]), 1000));
    assert_eq!(cache.plan(Some("b"), 1000), Plan::Use);
    // Another kid in the same second: the key may have come after the fetch began: 503.
    assert_eq!(cache.plan(Some("c"), 1000), Plan::KeysUnavailable);
    assert_eq!(cache.plan(Some("c"), 1010), Plan::KeysUnavailable);
    assert!(cache.set_for(Some("c"), 1010).is_none());
    assert_eq!(cache.retry_after(1010), 20);
    assert_eq!(cache.plan(Some("c"), 1030), Plan::Fetch);
    // A fetch for z that does not bring it: unknown_key (also for a token in hand before it).
    cache.fetching_for(Some("z"), 1030);
    assert!(cache.fetched(set(&["a", "b"]), 1030));
    assert_eq!(cache.plan(Some("z"), 1030), Plan::UnknownKey);
    assert_eq!(cache.plan(Some("c"), 1029), Plan::UnknownKey);
    assert_eq!(cache.plan(Some("c"), 1031), Plan::KeysUnavailable);
}

#[test]
fn a_copy_is_never_used_past_ten_minutes_from_its_fetch_at_the_source() {
    let mut cache = KeyCache::default();
    assert!(cache.copied(set(&["a"]), 0, 599));
    assert!(cache.set_for(Some("a"), 599).is_some());
    assert!(cache.set_for(Some("a"), 600).is_none());
    assert_eq!(cache.plan(Some("a"), 600), Plan::Fetch);
    assert!(!cache.copied(set(&["a"]), 0, 600), "an old copy is not taken");
    // A failed refetch: the old set is not used meanwhile.
    cache.fetching(600);
    assert_eq!(cache.plan(Some("a"), 601), Plan::KeysUnavailable);
}

#[test]
fn a_set_without_a_usable_key_is_never_kept() {
    let mut cache = KeyCache::default();
    assert!(!cache.fetched(set(&[]), 5));
    assert!(cache.set().is_none());
    assert!(cache.fetched(set(&["a"]), 5));
    assert!(!cache.fetched(set(&[]), 6));
    assert!(cache.set().unwrap().get("a").is_some());
}
