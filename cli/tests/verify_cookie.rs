//! Drives the real `taskgate verify-cookie` with cookies a real Better Auth wrote, in each
//! strategy of its session cookie cache (crate-verify/tests/vectors/better-auth-session-cache.json).
//! They live 300 s: the hidden `--now` sets the clock a minute after each was made.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const VECTORS: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../crate-verify/tests/vectors/better-auth-session-cache.json"));

/// The variables the CLI reads, removed from its environment: only the env file counts.
const VARIABLES: [&str; 8] = [
    "BETTER_AUTH_SECRET",
    "BETTER_AUTH_SECRETS",
    "BETTER_AUTH_SESSION_CACHE",
    "BETTER_AUTH_SESSION_CACHE_VERSION",
    "BETTER_AUTH_COOKIE_PREFIX",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_LEEWAY_SECONDS",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {} {}", self.stdout, self.stderr))
    }
}

fn taskgate(args: &[&str], env_file: &std::path::Path, stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taskgate"));
    cmd.arg("verify-cookie").args(args).arg("--env-file").arg(env_file);
    for v in VARIABLES {
        cmd.env_remove(v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn case(name: &str) -> Value {
    vectors()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name}"))
        .clone()
}

fn s<'a>(c: &'a Value, field: &str) -> &'a str {
    c[field].as_str().unwrap_or_else(|| panic!("{field}"))
}

/// A new file (tests run in parallel threads of one process, so no two calls share a path:
/// rewriting a file another test is reading made it read an empty one).
fn new_file(name: &str, text: &str) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!("taskgate-cli-cookie-{}-{n}-{name}.vars", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

/// An env file with the case's keys: its secret, or its ring; and `more` lines.
fn env_file(name: &str, c: &Value, more: &str) -> std::path::PathBuf {
    let ring = s(c, "ring");
    let keys =
        if ring.contains(':') { format!("BETTER_AUTH_SECRETS={ring}") } else { format!("BETTER_AUTH_SECRET={ring}") };
    new_file(name, &format!("{keys}\n{more}"))
}

/// A minute after the case's cookie was made.
fn now(c: &Value) -> String {
    (c["madeAt"].as_u64().unwrap() + 60).to_string()
}

fn assert_verified(run: &Run, c: &Value) {
    assert_eq!(run.code, 0, "{} {}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["user_id"], c["userId"]);
    assert_eq!(v["strategy"], c["strategy"]);
    assert_eq!(v["claims"]["session"]["token"], "[redacted]");
    assert_eq!(v["claims"]["session"]["id"], c["sessionId"]);
    assert!(!run.stdout.contains(s(c, "sessionToken")), "the session key is never printed");
    assert!(!run.stderr.contains(s(c, "sessionToken")));
}

#[test]
fn each_strategy_verifies_by_flag_value_and_header_with_the_key_redacted() {
    for name in [
        "default-old",
        "default-ring",
        "default-large",
        "jwt-old",
        "jwt-ring",
        "jwt-large",
        "jwe-old",
        "jwe-ring",
        "jwe-large",
    ] {
        let c = case(name);
        let f = env_file(name, &c, "");
        let strategy = s(&c, "strategy");
        let now = now(&c);
        // The value as an argument (a chunked cookie's value is its chunks joined).
        let run = taskgate(&[s(&c, "value"), "--strategy", strategy, "--now", &now], &f, None);
        assert_verified(&run, &c);
        // The whole Cookie header on standard input, after `Cookie:`.
        let header = format!("Cookie: theme=dark; {}\n", s(&c, "cookieHeader"));
        let run = taskgate(&["--strategy", strategy, "--now", &now], &f, Some(&header));
        assert_verified(&run, &c);
    }
}

#[test]
fn the_strategy_comes_from_the_configuration_when_no_flag_names_it() {
    for (name, setting) in [("default-old", "compact"), ("jwt-old", "true"), ("jwt-old", "jwt"), ("jwe-old", "JWE")] {
        let c = case(name);
        let f = env_file(&format!("{name}-{setting}"), &c, &format!("BETTER_AUTH_SESSION_CACHE={setting}\n"));
        assert_verified(&taskgate(&[s(&c, "value"), "--now", &now(&c)], &f, None), &c);
    }
    // The flag wins over the configuration.
    let c = case("jwe-old");
    let f = env_file("flag-wins", &c, "BETTER_AUTH_SESSION_CACHE=compact\n");
    assert_verified(&taskgate(&[s(&c, "value"), "--strategy", "jwe", "--now", &now(&c)], &f, None), &c);
}

#[test]
fn without_a_strategy_it_is_a_usage_error() {
    let c = case("default-old");
    for more in ["", "BETTER_AUTH_SESSION_CACHE=false\n"] {
        let f = env_file("no-strategy", &c, more);
        let run = taskgate(&[s(&c, "value")], &f, None);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(run.stderr.contains("verify-cookie needs the strategy"), "{}", run.stderr);
    }
    let f = env_file("bad-strategy", &c, "");
    let run = taskgate(&[s(&c, "value"), "--strategy", "jws"], &f, None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--strategy: compact, jwt or jwe"), "{}", run.stderr);
}

/// A refusal: exit 1, `{valid: false, code, claim, detail}`, no session key.
fn assert_refused(run: &Run, c: &Value, code: &str) -> Value {
    assert_eq!(run.code, 1, "{} {}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["code"], code, "{}", run.stdout);
    assert!(v["detail"].is_string());
    assert!(!run.stdout.contains(s(c, "sessionToken")));
    v
}

#[test]
fn refusals_print_the_code_and_exit_1() {
    for name in ["default-old", "jwt-old", "jwe-old"] {
        let c = case(name);
        let strategy = s(&c, "strategy");
        let now = now(&c);
        // Another secret.
        let other = vectors()["secrets"]["new"].as_str().unwrap().to_owned();
        let f = new_file(&format!("{name}-other"), &format!("BETTER_AUTH_SECRET={other}\n"));
        let run = taskgate(&[s(&c, "value"), "--strategy", strategy, "--now", &now], &f, None);
        assert_refused(&run, &c, "invalid_signature");
        assert!(!run.stdout.contains(&other));
        let f = env_file(name, &c, "");
        // Expired on today's clock (the cookie cache's maxAge is 300 s).
        let v = assert_refused(&taskgate(&[s(&c, "value"), "--strategy", strategy], &f, None), &c, "token_expired");
        assert_eq!(v["claim"], "exp");
        // Read in another strategy than the one it was written in.
        let wrong = if strategy == "jwe" { "compact" } else { "jwe" };
        assert_refused(
            &taskgate(&[s(&c, "value"), "--strategy", wrong, "--now", &now], &f, None),
            &c,
            "malformed_token",
        );
        // A Cookie header without the session cache's cookie.
        let run = taskgate(&["theme=dark; other=1", "--strategy", strategy, "--now", &now], &f, None);
        assert_refused(&run, &c, "missing_token");
        assert!(run.stderr.contains("no better-auth.session_data cookie"), "{}", run.stderr);
    }
}

#[test]
fn the_version_comes_from_the_flag_or_the_configuration() {
    for name in ["default-version", "jwt-version", "jwe-version"] {
        let c = case(name);
        let (strategy, now) = (s(&c, "strategy"), now(&c));
        assert_eq!(c["version"], "v2");
        let f = env_file(name, &c, "");
        assert_verified(
            &taskgate(&[s(&c, "value"), "--strategy", strategy, "--version", "v2", "--now", &now], &f, None),
            &c,
        );
        let run = taskgate(&[s(&c, "value"), "--strategy", strategy, "--version", "v3", "--now", &now], &f, None);
        assert_eq!(assert_refused(&run, &c, "invalid_claim")["claim"], "version");
        let f = env_file(&format!("{name}-env"), &c, "BETTER_AUTH_SESSION_CACHE_VERSION=v3\n");
        assert_refused(
            &taskgate(&[s(&c, "value"), "--strategy", strategy, "--now", &now], &f, None),
            &c,
            "invalid_claim",
        );
        // The flag wins over the configuration.
        assert_verified(
            &taskgate(&[s(&c, "value"), "--strategy", strategy, "--version", "v2", "--now", &now], &f, None),
            &c,
        );
    }
}
