//! Steps 1 and 2 of every task route: who is calling, and may they touch this user's tasks.
//! The rules are the crate's (`taskgate_verify::host::http`); this gathers the request's headers,
//! keeps a fetched JWK Set fresh ([`crate::key_set`]), and has an asymmetric token's signature
//! checked by workerd's WebCrypto ([`crate::web_crypto`]) while the crate holds the outcome
//! (`taskgate_verify::keyset::signature`).

use taskgate_verify::host::http::{self, Refusal};
use taskgate_verify::keyset::jwks::KeySet;
use taskgate_verify::keyset::signature::{self, Outcome};
use taskgate_verify::{Claims, Service};
use worker::Request;

use crate::config::Config;
use crate::error::ApiError;
use crate::request::header;
use crate::{key_set, web_crypto};

/// The caller of `req` (a `method` request on `user`'s tasks) at `now`, or the 401/403/500/503.
pub async fn authorize(req: &Request, method: &str, config: &Config, user: &str, now: u64) -> Result<Claims, ApiError> {
    let verifier = config.verifier.as_ref().map_err(|_| Refusal::ServerMisconfigured)?;
    let h = req.headers();
    let (authorization, cookie, origin) = (header(h, "Authorization"), header(h, "Cookie"), header(h, "Origin"));
    let url = req.inner().url();
    let request = http::Request {
        authorization: authorization.as_deref(),
        cookie: cookie.as_deref(),
        method,
        origin: origin.as_deref(),
        own_origin: own_origin(&url),
    };
    let credential = http::credential(&config.cookies, &request)?;
    // An asymmetric token from a fetched JWK Set: make sure the set is fresh first.
    let kid = match verifier.peek(&credential.token) {
        Ok((alg, kid)) if alg.is_asymmetric() => Some(kid),
        _ => None,
    };
    if let (Some(url), Some(kid)) = (&config.jwks_url, &kid) {
        key_set::refresh(url, kid.as_deref(), now).await;
    }
    // The set to check against: none (`keys_unavailable`, 503) when it lacks the token's kid
    // while a refetch is held back by the 30 s interval (the key may be new: docs/key-path.md).
    let kid = kid.flatten();
    let kid = kid.as_deref();
    // One check, with an asymmetric signature deferred to workerd's WebCrypto; the crate
    // settles it with that verdict, or checks it itself where workerd cannot.
    let outcome = signature::deferred(|check| {
        let verify = |c: &http::Credential<'_>| {
            c.verify(verifier, now, |token| {
                key_set(config, kid, now, |set| {
                    verifier.verify_checking(token, now, set, |k, m, s| check.check(k, m, s))
                })
            })
        };
        http::authorize_with(&credential, verify, &config.cookies, &request, Some(user))
    });
    let result = match outcome {
        Outcome::Done(result) => result,
        Outcome::Pending(pending) => {
            let verdict = web_crypto::verdict(pending.job()).await;
            key_set(config, kid, now, |set| pending.settle(verdict, set))
        }
    };
    result.map_err(|r| ApiError::from(r).retry_after(key_set::retry_after(now)))
}

/// The bearer of a service's route (`POST /revocations`, contract section 4; `POST /admin/moves`):
/// that service's token, signed like a user's token (the shared ring; or a key of the JWK Set
/// held), never a user's token nor another service's; else the 401/500. Only the `Authorization`
/// header counts: a cookie never authenticates a service.
pub async fn authorize_service(service: Service, req: &Request, config: &Config, now: u64) -> Result<(), ApiError> {
    let verifier = config.verifier.as_ref().map_err(|_| Refusal::ServerMisconfigured)?;
    let authorization = header(req.headers(), "Authorization");
    let missing = Refusal::Token(taskgate_verify::Error::new(taskgate_verify::ErrorCode::MissingToken));
    let token = http::bearer_token(authorization.as_deref()).ok_or(missing)?;
    key_set(config, None, now, |set| verifier.verify_service(service, token, now, set))
        .map_err(|e| ApiError::from(Refusal::from(e)))
}

/// Runs `f` with the key set to check a token naming `kid` at `now` against: the fetched one
/// (by the crate's [`taskgate_verify::keyset::cache::KeyCache::set_for`]), or the one
/// configured inline.
fn key_set<T>(config: &Config, kid: Option<&str>, now: u64, f: impl FnOnce(Option<&KeySet>) -> T) -> T {
    match (&config.jwks_url, &config.verifier) {
        (Some(_), _) => key_set::with_set(kid, now, f),
        (None, Ok(verifier)) => f(verifier.key_set()),
        (None, Err(_)) => f(None),
    }
}

/// The origin (`scheme://host[:port]`) of a request URL.
fn own_origin(url: &str) -> Option<&str> {
    let after_scheme = url.find("://")? + 3;
    let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
    url.get(..end)
}

#[cfg(test)]
mod tests {
    use super::own_origin;

    #[test]
    fn the_origin_of_a_url() {
        assert_eq!(own_origin("http://127.0.0.1:8787/api/u/tasks?x=1"), Some("http://127.0.0.1:8787"));
        assert_eq!(own_origin("https://api.example"), Some("https://api.example"));
        assert_eq!(own_origin("no-scheme"), None);
    }
}
