//! All 174 Wycheproof HMAC-SHA256 cases through [`Key::mac`] and [`Key::verify_mac`].
//! (Unit tests: the vectors use keys shorter than the 32 bytes the public API demands.)

extern crate std;
use std::prelude::rust_2024::*;

use super::Key;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn wycheproof_hmac_sha256_all_174_cases() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/wycheproof-hmac_sha256_test.json")).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in file["testGroups"].as_array().unwrap() {
        let tag_bytes = group["tagSize"].as_u64().unwrap() as usize / 8;
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let key = Key::keyed(None, &hex(case["key"].as_str().unwrap()));
            let msg = hex(case["msg"].as_str().unwrap());
            let tag = hex(case["tag"].as_str().unwrap());
            let expect_valid = case["result"] == "valid";
            // The MAC, truncated to the group's tag size, agrees with the label.
            assert_eq!(key.mac(&msg)[..tag_bytes] == tag[..], expect_valid, "tcId {id}");
            // The constant-time check accepts exactly the valid full-length tags: a truncated
            // tag (tagSize 128) is never accepted, even when it is a correct prefix.
            assert_eq!(key.verify_mac(&msg, &tag), expect_valid && tag_bytes == 32, "tcId {id}");
            if expect_valid { valid += 1 } else { invalid += 1 }
        }
    }
    assert_eq!((valid, invalid), (66, 108));
}
