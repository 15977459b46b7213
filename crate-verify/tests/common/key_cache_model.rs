//! The model of `KeyCache`'s rules under faults (contract section 3.2, docs/key-path.md), shared
//! by the property test `crate-verify/tests/key_cache.rs` and the fuzz target
//! `fuzz/fuzz_targets/key_cache.rs`: [`run`] plays any history of fetches, copies and time and
//! checks every rule at each plan.

use taskgate_verify::keyset::cache::{KeyCache, Plan};
use taskgate_verify::keyset::jwks::{KeySet, MAX_AGE_SECONDS, REFETCH_INTERVAL_SECONDS};

const X: &str = "KFp3XhpNpnrG8GMDpX5qOCyjBayiOMld9frA_pP7ysI";

/// A set holding Ed25519 keys named `kids` (none: a set without a usable key).
pub fn set(kids: &[&str]) -> KeySet {
    let keys: Vec<String> =
        kids.iter().map(|k| format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{X}","kid":"{k}"}}"#)).collect();
    KeySet::parse(&format!(r#"{{"keys":[{}]}}"#, keys.join(","))).unwrap().0
}

/// One step: time passes, then something happens.
#[derive(Clone, Debug)]
pub enum Step {
    /// An attempt at the source starts for a token naming kid k (`None`: for none) and, with
    /// `Some`, brings set number n.
    Source(Option<u8>, Option<u8>),
    /// A copy of set n fetched at the source `age` seconds ago.
    Copy(u8, u64),
    /// A token naming kid n is planned for.
    Plan(u8),
}

const SETS: [&[&str]; 4] = [&["a"], &["a", "b"], &[], &["b", "c"]];
const KIDS: [&str; 4] = ["a", "b", "c", "d"];

/// Runs `steps` (each after `dt` seconds) from `start`, checking every rule; `Err` says which broke.
pub fn run(start: u64, steps: &[(u64, Step)]) -> Result<(), String> {
    let mut cache = KeyCache::default();
    let mut now = start;
    // The model: when the set held was fetched at the source, whether by this host, and its kids.
    let mut held: Option<(u64, bool, &[&str])> = None;
    let mut last_source_attempt: Option<u64> = None;
    // The kid the fetch that brought the set held was started for.
    let mut answered: Option<&str> = None;
    for (dt, step) in steps {
        now = now.saturating_add(*dt);
        match step {
            Step::Source(asked, result) => {
                let asked = asked.map(|k| KIDS[k as usize % KIDS.len()]);
                cache.fetching_for(asked, now);
                last_source_attempt = Some(now);
                if let Some(n) = result {
                    let kids = SETS[*n as usize % SETS.len()];
                    let kept = cache.fetched(set(kids), now);
                    if kept == kids.is_empty() {
                        return Err(format!("a source set is kept iff it has a usable key ({kids:?})"));
                    }
                    if kept {
                        held = Some((now, true, kids));
                        answered = asked;
                    }
                }
            }
            Step::Copy(n, age) => {
                let kids = SETS[*n as usize % SETS.len()];
                let at = now.saturating_sub(*age);
                let before = cache.retry_after(now);
                let kept = cache.copied(set(kids), at, now);
                if cache.retry_after(now) != before {
                    return Err("a copy armed the interval".into());
                }
                if kept {
                    if kids.is_empty() || now.saturating_sub(at) >= MAX_AGE_SECONDS {
                        return Err("an empty or old copy was kept".into());
                    }
                    held = Some((at, false, kids));
                    answered = None;
                }
            }
            Step::Plan(k) => {
                let kid = KIDS[*k as usize % KIDS.len()];
                let plan = cache.plan(Some(kid), now);
                let recently = last_source_attempt.is_some_and(|t| now.saturating_sub(t) < REFETCH_INTERVAL_SECONDS);
                let fresh = held.filter(|(at, _, _)| now.saturating_sub(*at) < MAX_AGE_SECONDS);
                let used = cache.set_for(Some(kid), now);
                if let Some(s) = used {
                    let (at, _, _) = held.ok_or("a set used when none was kept")?;
                    if now.saturating_sub(at) >= MAX_AGE_SECONDS {
                        return Err(format!("a set fetched at {at} used at {now}"));
                    }
                    if s.keys().is_empty() {
                        return Err("a set without a usable key used".into());
                    }
                }
                if plan == Plan::Fetch && recently {
                    return Err("a fetch at the source within 30 s of the last".into());
                }
                let expected = match fresh {
                    None if recently => Plan::KeysUnavailable,
                    None => Plan::Fetch,
                    Some((_, _, kids)) if kids.contains(&kid) => Plan::Use,
                    // Only a source attempt holds back a lookup: a copy lacking it is fetched at once.
                    Some(_) if !recently => Plan::Fetch,
                    Some((at, true, _)) if answered == Some(kid) || at > now => Plan::UnknownKey,
                    Some(_) => Plan::KeysUnavailable,
                };
                if plan != expected {
                    return Err(format!("plan {plan:?}, expected {expected:?} at {now}"));
                }
                if (plan == Plan::KeysUnavailable || fresh.is_none()) != used.is_none() {
                    return Err("set_for gives None exactly for keys_unavailable or no fresh set".into());
                }
                if plan == Plan::KeysUnavailable && !(1..=REFETCH_INTERVAL_SECONDS).contains(&cache.retry_after(now)) {
                    return Err("Retry-After out of 1..=30".into());
                }
            }
        }
    }
    Ok(())
}
