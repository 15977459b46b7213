//! Fuzzes JWK Set parsing: any input either is refused as a whole (`invalid_config`) or gives
//! a set whose kept keys have distinct, non-empty kids and whose skipped keys say why; never a
//! panic. Each kept key is then asked to verify the input itself as a signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use taskgate_verify::Algorithm;
use taskgate_verify::keyset::jwks::KeySet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match KeySet::parse(text) {
        Err(e) => assert_eq!(e.code().as_str(), "invalid_config"),
        Ok((set, skipped)) => {
            let kids: Vec<&str> = set.keys().iter().map(|k| k.kid()).collect();
            for (i, kid) in kids.iter().enumerate() {
                assert!(!kid.is_empty() && !kids[..i].contains(kid), "kids are unique");
                assert!(set.get(kid).is_some());
            }
            assert!(skipped.iter().all(|s| !s.reason.as_str().is_empty()));
            for key in set.keys() {
                for alg in [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es512, Algorithm::Rs256, Algorithm::Ps256] {
                    let verified = key.verify(alg, data, data);
                    assert!(!verified || alg == key.alg(), "a key verifies only its own algorithm");
                }
            }
        }
    }
});
