//! Drives the real `taskgate` binary: mint, verify, inspect, secret.

use std::process::Command;

const SECRET: &str = "cli-test-secret-0123456789abcdefghijklm";

fn taskgate(args: &[&str], env_file: &std::path::Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_taskgate"))
        .args(args)
        .arg("--env-file")
        .arg(env_file)
        .env_remove("BETTER_AUTH_SECRET")
        .env_remove("BETTER_AUTH_SECRETS")
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

/// A new env file: tests run in parallel threads of one process, so no two calls share a path.
fn env_file(name: &str, text: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!("taskgate-cli-{}-{n}-{name}.vars", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn minted_token_verifies_with_the_same_dev_vars() {
    let f = env_file("ok", &format!("# local\nBETTER_AUTH_SECRET=\"{SECRET}\"\n"));
    let (code, token) = taskgate(&["mint", "alice", "--email", "a@example.com", "--ttl", "60"], &f);
    assert_eq!(code, 0);
    let (code, out) = taskgate(&["verify", token.trim()], &f);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["user_id"], "alice");
    assert_eq!(v["claims"]["email"], "a@example.com");
    let lifetime = v["claims"]["exp"].as_u64().unwrap() - v["claims"]["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 60);
}

#[test]
fn sign_admin_prints_an_admin_token_the_crate_accepts_only_as_one() {
    use taskgate_verify::{KeyRing, Options, Service, Verifier, now};
    let f = env_file("admin", &format!("BETTER_AUTH_SECRET={SECRET}\n"));
    let (code, token) = taskgate(&["sign-admin"], &f);
    assert_eq!(code, 0);
    let v = Verifier::new(KeyRing::from_secret(SECRET.as_bytes()).unwrap(), Options::default()).unwrap();
    assert_eq!(v.verify_service(Service::Admin, token.trim(), now(), None), Ok(()));
    assert!(v.verify_revocation(token.trim(), now(), None).is_err());
    assert!(v.verify(token.trim(), now()).is_err());
}

#[test]
fn rotated_ring_signs_with_the_current_version() {
    let f = env_file("ring", &format!("BETTER_AUTH_SECRETS=2:{SECRET}-new,1:{SECRET}-old\n"));
    let (_, token) = taskgate(&["mint", "bob"], &f);
    let (code, out) = taskgate(&["verify", token.trim()], &f);
    assert_eq!(code, 0, "{out}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["kid"], "2");
}

#[test]
fn verify_with_another_secret_prints_the_code_and_fails() {
    let a = env_file("a", &format!("BETTER_AUTH_SECRET={SECRET}\n"));
    let b = env_file("b", &format!("BETTER_AUTH_SECRET={SECRET}-other\n"));
    let (_, token) = taskgate(&["mint", "carol"], &a);
    let (code, out) = taskgate(&["verify", token.trim()], &b);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "invalid_signature");
    assert!(!out.contains(SECRET));
}

#[test]
fn empty_values_count_as_unset() {
    let f =
        env_file("empty", &format!("BETTER_AUTH_SECRET={SECRET}\nJWT_ISSUER=\nJWT_AUDIENCE=\nBETTER_AUTH_SECRETS=\n"));
    let (_, token) = taskgate(&["mint", "erin"], &f);
    let (code, out) = taskgate(&["verify", token.trim()], &f);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["claims"].get("iss").is_none() && v["claims"].get("aud").is_none(), "{out}");
}

#[test]
fn weak_secret_is_refused() {
    let f = env_file("weak", "BETTER_AUTH_SECRET=short\n");
    let (code, _) = taskgate(&["mint", "dave"], &f);
    assert_eq!(code, 2);
}

#[test]
fn inspect_needs_no_key_and_lists_problems() {
    let f = env_file("none", "");
    let (code, out) = taskgate(&["inspect", "not.a.token"], &f);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["problems"][0]["code"], "malformed_token");
    assert_eq!(v["signature_checked"], false);
}

#[test]
fn secret_is_random_and_long_enough() {
    let f = env_file("s", "");
    let (_, a) = taskgate(&["secret"], &f);
    let (_, b) = taskgate(&["secret"], &f);
    assert_eq!(a.trim().len(), 43);
    assert_ne!(a, b);
}
