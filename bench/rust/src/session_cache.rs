//! The session cookie cache part (`--session-cache`): Better Auth's cookie cache in each strategy
//! (`compact`, `jwt`, `jwe`), the cookies a real Better Auth wrote
//! (`crate-verify/tests/vectors/better-auth-session-cache.json`, the single-secret ones), each
//! verified by `Verifier::verify_session_cache` at the moment it was made; next to each, the same
//! verifier's `Verifier::verify` of a plain HS256 token padded to the cookie's length, so that each
//! pair differs by the strategy's work alone (a cookie is never shorter than the session it holds).

use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use taskgate_verify::session_cache::SessionCache;
use taskgate_verify::{KeyRing, Options, Verifier};

use crate::cases::{Case, TASKGATE_VERSION};

/// The strategies measured, in report order, with the vector case of each (one secret, whole).
pub const STRATEGIES: [(&str, &str); 3] = [("compact", "default-old"), ("jwt", "jwt-old"), ("jwe", "jwe-old")];
/// The cookies Better Auth wrote (they expired long ago: each is verified at its `madeAt`).
const VECTORS: &str = include_str!("../../../crate-verify/tests/vectors/better-auth-session-cache.json");

/// One measured case, with the strategy it belongs to.
pub struct StrategyCase<'a> {
    /// `compact`, `jwt` or `jwe`.
    pub strategy: &'static str,
    /// The cookie's (or the token's) length in bytes.
    pub token_bytes: usize,
    /// What is verified and how.
    pub case: Case<'a>,
}

/// One vector cookie: its value, its user, its secret and when it was made.
struct Cookie {
    value: String,
    user_id: String,
    secret: String,
    made_at: u64,
}

fn cookie(vectors: &Value, name: &str) -> Result<Cookie, String> {
    let c = vectors["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["name"] == name))
        .ok_or(format!("no vector {name:?}"))?;
    let s = |k: &str| c[k].as_str().map(str::to_owned).ok_or(format!("vector {name}: no string {k:?}"));
    Ok(Cookie {
        value: s("value")?,
        user_id: s("userId")?,
        secret: s("ring")?,
        made_at: c["madeAt"].as_u64().ok_or(format!("vector {name}: no madeAt"))?,
    })
}

/// The claims of the padded HS256 token: the benchmark token's, with `name` as long as needed.
#[derive(Serialize)]
struct PaddedClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    jti: &'a str,
    user_id: &'a str,
    user_email: &'a str,
    name: String,
}

/// An HS256 token for `sub`, issued at `now` for an hour, signed with `keys`, at least `length`
/// bytes long (at most 3 more).
fn padded_token(keys: &KeyRing, sub: &str, now: u64, length: usize) -> Result<String, String> {
    let mut name = String::new();
    loop {
        let claims = PaddedClaims {
            iss: crate::cases::ISSUER,
            sub,
            aud: crate::cases::AUDIENCE,
            exp: now + 3600,
            iat: now,
            jti: "8e3b1f0c5a7d4e2f9b6c0a1d3e5f7a9b",
            user_id: sub,
            user_email: "someone@example.com",
            name: name.clone(),
        };
        let token = taskgate_verify::sign_json(keys, &serde_json::to_string(&claims).map_err(|e| e.to_string())?);
        if token.len() >= length {
            return Ok(token);
        }
        name.push('x');
    }
}

/// `value` with a character in its middle changed: every case must refuse it.
fn tampered(value: &str) -> String {
    let at = value.len() / 2;
    let swap = if &value[at..=at] == "A" { "B" } else { "A" };
    format!("{}{swap}{}", &value[..at], &value[at + 1..])
}

/// The timing loop for one verification: generic over `verify`, so inlined; each result goes
/// through `black_box` and is dropped inside the loop.
fn timed<'a, T>(verify: impl Fn() -> T + 'a) -> Box<dyn Fn(u64) -> Duration + 'a> {
    Box::new(move |n| {
        let start = Instant::now();
        for _ in 0..n {
            black_box(verify());
        }
        start.elapsed()
    })
}

/// Every case: per strategy, the cookie through `verify_session_cache` and the padded HS256
/// token through `verify`, one verifier (that strategy's) for both, at the cookie's `madeAt`.
pub fn all() -> Result<Vec<StrategyCase<'static>>, String> {
    let vectors: Value = serde_json::from_str(VECTORS).map_err(|e| e.to_string())?;
    let mut cases = Vec::new();
    for (strategy, name) in STRATEGIES {
        let c = Rc::new(cookie(&vectors, name)?);
        let keys = KeyRing::from_secret(c.secret.as_bytes()).map_err(|e| e.to_string())?;
        let session_cache = SessionCache::parse(strategy).ok_or(format!("unknown strategy {strategy}"))?;
        let token = Rc::new(padded_token(&keys, &c.user_id, c.made_at, c.value.len())?);
        let options = Options { accept_session_cache: true, session_cache, ..Options::default() };
        let verifier = Rc::new(Verifier::new(keys, options).map_err(|e| e.to_string())?);
        let now = c.made_at;

        let expect = |got: Result<String, String>, user: &str| match got {
            Ok(sub) if sub == user => Ok(()),
            Ok(sub) => Err(format!("subject {sub:?}, expected {user:?}")),
            Err(e) => Err(e),
        };
        let read = {
            let v = Rc::clone(&verifier);
            move |value: &str| {
                v.verify_session_cache(value, now, |jws| v.verify(jws, now))
                    .map(|claims| claims.sub().to_owned())
                    .map_err(|e| e.to_string())
            }
        };
        let (v, check_c, run_c) = (Rc::clone(&verifier), Rc::clone(&c), Rc::clone(&c));
        cases.push(StrategyCase {
            strategy,
            token_bytes: c.value.len(),
            case: Case {
                name: "taskgate-verify: session cookie cache",
                version: TASKGATE_VERSION,
                check: Box::new(move || {
                    expect(read(&check_c.value), &check_c.user_id)?;
                    if read(&tampered(&check_c.value)).is_ok() {
                        return Err("accepted a tampered cookie".into());
                    }
                    Ok(())
                }),
                run: timed(move || {
                    let value = black_box(run_c.value.as_str());
                    let now = black_box(now);
                    v.verify_session_cache(value, now, |jws| v.verify(jws, now))
                }),
            },
        });

        let (v, check_v, check_t, run_t) =
            (Rc::clone(&verifier), Rc::clone(&verifier), Rc::clone(&token), Rc::clone(&token));
        cases.push(StrategyCase {
            strategy,
            token_bytes: token.len(),
            case: Case {
                name: "taskgate-verify: HS256 token, same length",
                version: TASKGATE_VERSION,
                check: Box::new(move || {
                    let verify =
                        |t: &str| check_v.verify(t, now).map(|c| c.sub().to_owned()).map_err(|e| e.to_string());
                    expect(verify(&check_t), &c.user_id)?;
                    if verify(&tampered(&check_t)).is_ok() {
                        return Err("accepted a tampered token".into());
                    }
                    Ok(())
                }),
                run: timed(move || v.verify(black_box(run_t.as_str()), black_box(now))),
            },
        });
    }
    Ok(cases)
}
