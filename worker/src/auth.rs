//! Steps 1 and 2 of every task route: who is calling, and may they touch this user's tasks.
//! The rules are the crate's (`taskgate_verify::http`); this gathers the request's headers,
//! keeps a fetched JWK Set fresh ([`crate::keys`]), and has an asymmetric token's signature
//! checked by workerd's WebCrypto ([`crate::signatures`]) while the crate holds the outcome
//! (`taskgate_verify::signature`).

use taskgate_verify::Claims;
use taskgate_verify::http::{self, Refusal};
use taskgate_verify::jwks::KeySet;
use taskgate_verify::signature::{Deferred, Outcome};
use worker::Request;

use crate::config::Config;
use crate::error::ApiError;
use crate::http::header;
use crate::{keys, signatures};

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
    if let (Some(url), Ok((alg, kid))) = (&config.jwks_url, verifier.peek(&credential.token))
        && alg.is_asymmetric()
    {
        keys::refresh(url, kid.as_deref(), now).await;
    }
    // One check, with the signature deferred (`check`) or in the Wasm (`None`).
    let authorize = |check: Option<&mut Deferred>| {
        let verify = |token: &str| {
            let run = |set: Option<&KeySet>| match check {
                Some(c) => verifier.verify_checking(token, now, set, |k, m, s| c.check(k, m, s)),
                None => verifier.verify_with(token, now, set),
            };
            match &config.jwks_url {
                Some(_) => keys::with_set(run),
                None => run(verifier.key_set()),
            }
        };
        http::authorize_with(&credential, verify, &config.cookies, &request, Some(user))
    };
    let mut check = Deferred::new();
    let outcome = authorize(Some(&mut check));
    let result = match check.finish(outcome) {
        Outcome::Done(result) => result,
        Outcome::Pending(pending) => match signatures::verdict(pending.job()).await {
            Some(valid) => pending.settle(valid),
            // A key workerd cannot import: the Wasm checks the signature.
            None => authorize(None),
        },
    };
    result.map_err(|r| ApiError::from(r).retry_after(keys::retry_after(now)))
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
