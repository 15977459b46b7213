//! Where the rules meet HTTP: the token in a request (a bearer token, or a cookie read by the
//! [`CookiePolicy`]), the Origin rule for requests a cookie authenticates, whether the token's
//! user is the path's user, and the answer when access is refused (status, RFC 6750 challenge
//! for the host's realm, JSON error body).
//!
//! The Worker and the npm package's Next.js helper both answer through this module, so a
//! refusal reads the same wherever it comes from (`docs/contract.md`, "Errors").

use alloc::string::String;

use crate::error::{Claim, Error, ErrorCode};
use crate::host::cookie::CookiePolicy;
use crate::rules::claims::Claims;
use crate::rules::verify::Verifier;

/// The token of an `Authorization: Bearer <token>` header: the scheme in any case, then one or
/// more spaces, then the rest of the header verbatim. `None` for no header, another scheme, or
/// nothing after the scheme.
pub fn bearer_token(authorization: Option<&str>) -> Option<&str> {
    let (scheme, rest) = authorization?.split_once(' ')?;
    let token = rest.trim_start_matches(' ');
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Why a request is refused before it reaches the task API's own logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: no usable token, or a token that fails verification.
    Token(Error),
    /// 403 `forbidden`: the token's user is not the user in the path.
    Forbidden,
    /// 403 `origin_not_allowed`: a cookie authenticated a POST, PUT, PATCH or DELETE whose
    /// `Origin` is neither listed nor the request's own.
    OriginNotAllowed,
    /// 503 `keys_unavailable`: no JWK Set could be had to check an asymmetric token (the token
    /// is not at fault; HS256 tokens keep working). Answered with `Retry-After`.
    KeysUnavailable,
    /// 500 `server_misconfigured`: no verifier can be built from the settings.
    ServerMisconfigured,
}

/// The refusals that are not token errors, for tables and docs.
pub const OTHER_REFUSALS: [Refusal; 4] =
    [Refusal::Forbidden, Refusal::OriginNotAllowed, Refusal::KeysUnavailable, Refusal::ServerMisconfigured];

/// A key or option error is the server's fault, not the token's.
impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e.code() {
            ErrorCode::WeakKey | ErrorCode::InvalidConfig => Refusal::ServerMisconfigured,
            ErrorCode::KeysUnavailable => Refusal::KeysUnavailable,
            _ => Refusal::Token(e),
        }
    }
}

impl Refusal {
    /// The HTTP status.
    pub const fn status(&self) -> u16 {
        match self {
            Refusal::Token(_) => 401,
            Refusal::Forbidden | Refusal::OriginNotAllowed => 403,
            Refusal::ServerMisconfigured => 500,
            Refusal::KeysUnavailable => 503,
        }
    }

    /// The stable code of the error body.
    pub const fn code(&self) -> &'static str {
        match self {
            Refusal::Token(e) => e.code().as_str(),
            Refusal::Forbidden => "forbidden",
            Refusal::OriginNotAllowed => "origin_not_allowed",
            Refusal::KeysUnavailable => ErrorCode::KeysUnavailable.as_str(),
            Refusal::ServerMisconfigured => "server_misconfigured",
        }
    }

    /// The claim a token error concerns.
    pub const fn claim(&self) -> Option<Claim> {
        match self {
            Refusal::Token(e) => e.claim(),
            _ => None,
        }
    }

    /// The human sentence of the error body.
    pub fn detail(&self) -> String {
        match self {
            Refusal::Token(e) if e.code() == ErrorCode::MissingToken => "Send `Authorization: Bearer <token>`.".into(),
            Refusal::Token(e) => {
                // The error's Display as a sentence, built without the formatting machinery
                // (it would weigh on the npm package's Wasm).
                let description = e.code().description();
                let (first, rest) = description.split_at_checked(1).unwrap_or_default();
                let claim = e.claim().map(Claim::as_str);
                let about = if claim.is_some() { " (claim \"" } else { "" };
                let close = if claim.is_some() { "\")" } else { "" };
                [&first.to_ascii_uppercase(), rest, about, claim.unwrap_or(""), close, "."].concat()
            }
            Refusal::Forbidden => "The token's user is not the user this path belongs to.".into(),
            Refusal::OriginNotAllowed => {
                "A change authenticated by a cookie must come from an allowed origin (send a bearer token otherwise)."
                    .into()
            }
            Refusal::ServerMisconfigured => "The server is not configured correctly.".into(),
            Refusal::KeysUnavailable => "The keys to check this token cannot be had right now: retry later.".into(),
        }
    }

    /// The `WWW-Authenticate` value (RFC 6750 section 3) for the host's `realm`: without
    /// `error` when no token was sent, `invalid_token` for a bad one, `insufficient_scope` for
    /// another user's path.
    pub fn www_authenticate(&self, realm: &str) -> Option<String> {
        let error = match self {
            Refusal::Token(e) if e.code() == ErrorCode::MissingToken => {
                return Some(["Bearer realm=\"", realm, "\""].concat());
            }
            Refusal::Token(_) => "invalid_token",
            Refusal::Forbidden => "insufficient_scope",
            Refusal::OriginNotAllowed | Refusal::ServerMisconfigured | Refusal::KeysUnavailable => return None,
        };
        let parts = ["Bearer realm=\"", realm, "\", error=\"", error, "\", error_description=\"", self.code(), "\""];
        Some(parts.concat())
    }

    /// The JSON error body.
    pub fn body(&self) -> String {
        error_body(&self.detail(), self.code(), self.claim().map(Claim::as_str), None::<[(&str, &str); 0]>)
    }
}

/// What a request offers to prove who is calling, and where it comes from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The method (`POST`, ...).
    pub method: &'a str,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The origin of the request's own URL (`https://api.example`).
    pub own_origin: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// A request with just an `Authorization` header.
    pub const fn bearer(authorization: Option<&'a str>) -> Self {
        Self { authorization, cookie: None, method: "GET", origin: None, own_origin: None }
    }

    /// Whether the method changes state: POST, PUT, PATCH or DELETE.
    pub fn is_unsafe(&self) -> bool {
        ["POST", "PUT", "PATCH", "DELETE"].iter().any(|m| m.eq_ignore_ascii_case(self.method))
    }
}

/// The token a request offers, and whether a cookie carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential<'a> {
    /// The token.
    pub token: alloc::borrow::Cow<'a, str>,
    /// Whether it came from a cookie (then a change needs an allowed `Origin`).
    pub from_cookie: bool,
    /// Whether it is Better Auth's session cookie cache (read in the configured strategy).
    pub session_cache: bool,
}

impl Credential<'_> {
    /// Verifies the credential at `now`: Better Auth's session cookie cache by
    /// [`Verifier::verify_session_cache`] (a `jwt` one through `jws`), any other token by `jws`
    /// (the host's JWS path, which may defer an asymmetric signature).
    pub fn verify(
        &self,
        verifier: &Verifier,
        now: u64,
        jws: impl FnOnce(&str) -> crate::Result<Claims>,
    ) -> crate::Result<Claims> {
        #[cfg(feature = "session-cache")]
        if self.session_cache {
            return verifier.verify_session_cache(&self.token, now, jws);
        }
        let _ = (verifier, now);
        jws(&self.token)
    }
}

/// Step 1, first half: the bearer token when the request has an `Authorization` header, else
/// a token from a cookie the policy reads; `missing_token` otherwise.
pub fn credential<'a>(cookies: &CookiePolicy, request: &Request<'a>) -> Result<Credential<'a>, Refusal> {
    let missing = Refusal::Token(Error::new(ErrorCode::MissingToken));
    match request.authorization {
        Some(authorization) => {
            let token = bearer_token(Some(authorization)).ok_or(missing)?;
            Ok(Credential { token: token.into(), from_cookie: false, session_cache: false })
        }
        None => {
            let (token, session_cache) = request.cookie.and_then(|c| cookies.token(c)).ok_or(missing)?;
            Ok(Credential { token: token.into(), from_cookie: true, session_cache })
        }
    }
}

/// Steps 1 and 2 of every task route, once the credential is known: the credential verified by
/// `verify` (401; [`Credential::verify`] for the rules of each kind), a change (POST, PUT, PATCH, DELETE) a cookie authenticated coming from the
/// request's own origin or a listed one (403 `origin_not_allowed`), and, when the path names a
/// user, the token's user being that user (403 `forbidden`).
pub fn authorize_with(
    credential: &Credential<'_>,
    verify: impl FnOnce(&Credential<'_>) -> crate::Result<Claims>,
    cookies: &CookiePolicy,
    request: &Request<'_>,
    path_user: Option<&str>,
) -> Result<Claims, Refusal> {
    let claims = verify(credential)?;
    if credential.from_cookie && request.is_unsafe() && !cookies.allows_origin(request.origin, request.own_origin) {
        return Err(Refusal::OriginNotAllowed);
    }
    match path_user {
        Some(user) if user != claims.sub() => Err(Refusal::Forbidden),
        _ => Ok(claims),
    }
}

/// Steps 1 and 2 with the verifier's own keys: [`credential`], then [`authorize_with`].
pub fn authorize(
    verifier: &Verifier,
    cookies: &CookiePolicy,
    request: &Request<'_>,
    path_user: Option<&str>,
    now: u64,
) -> Result<Claims, Refusal> {
    let credential = credential(cookies, request)?;
    authorize_with(
        &credential,
        |c| c.verify(verifier, now, |token| verifier.verify(token, now)),
        cookies,
        request,
        path_user,
    )
}

/// Every error body of the API: `{"detail": ..., "code": ...}`, plus `"claim"` for token errors
/// about a claim and `"fields"` (name -> problem) for invalid input.
pub fn error_body<'a>(
    detail: &str,
    code: &str,
    claim: Option<&str>,
    fields: Option<impl IntoIterator<Item = (&'a str, &'a str)>>,
) -> String {
    let mut out = String::from(r#"{"detail":"#);
    push_json_str(&mut out, detail);
    out.push_str(r#","code":"#);
    push_json_str(&mut out, code);
    if let Some(claim) = claim {
        out.push_str(r#","claim":"#);
        push_json_str(&mut out, claim);
    }
    if let Some(fields) = fields {
        out.push_str(r#","fields":{"#);
        for (i, (name, problem)) in fields.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(&mut out, name);
            out.push(':');
            push_json_str(&mut out, problem);
        }
        out.push('}');
    }
    out.push('}');
    out
}

fn push_json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(Some("bearer  abc")), Some("abc"));
        assert_eq!(bearer_token(Some("BEARER abc")), Some("abc"));
        assert_eq!(bearer_token(Some("Bearer a b")), Some("a b"));
        for h in
            [None, Some(""), Some("Bearer"), Some("Bearer "), Some("Basic abc"), Some("Token abc"), Some("Bearerabc")]
        {
            assert_eq!(bearer_token(h), None, "{h:?}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn refusals_render_status_challenge_and_body() {
        let expired = Refusal::Token(Error::about(ErrorCode::TokenExpired, Claim::Exp));
        assert_eq!(expired.status(), 401);
        assert_eq!(
            expired.body(),
            r#"{"detail":"The token has expired (claim \"exp\").","code":"token_expired","claim":"exp"}"#
        );
        assert_eq!(
            expired.www_authenticate("tasks").unwrap(),
            r#"Bearer realm="tasks", error="invalid_token", error_description="token_expired""#
        );
        let missing = Refusal::Token(Error::new(ErrorCode::MissingToken));
        assert_eq!(missing.www_authenticate("tasks").unwrap(), r#"Bearer realm="tasks""#);
        assert_eq!(
            Refusal::Forbidden.www_authenticate("tasks").unwrap(),
            r#"Bearer realm="tasks", error="insufficient_scope", error_description="forbidden""#
        );
        assert_eq!((Refusal::Forbidden.status(), Refusal::ServerMisconfigured.status()), (403, 500));
        assert_eq!(
            (Refusal::OriginNotAllowed.status(), Refusal::OriginNotAllowed.www_authenticate("tasks")),
            (403, None)
        );
        assert_eq!(Refusal::from(Error::new(ErrorCode::WeakKey)), Refusal::ServerMisconfigured);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn error_bodies_escape_and_list_fields() {
        let body = error_body("Some \"fields\".", "validation_failed", None, Some([("title", "is required")]));
        assert_eq!(
            body,
            r#"{"detail":"Some \"fields\".","code":"validation_failed","fields":{"title":"is required"}}"#
        );
    }
}
