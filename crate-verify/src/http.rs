//! Where the rules meet HTTP: the token in a request, whether its user may use the path's user,
//! and the answer when access is refused (status, RFC 6750 challenge, JSON error body).
//!
//! The Worker and the npm package's Next.js helper both answer through this module, so a
//! refusal reads the same wherever it comes from (`docs/contract.md`, "Errors").

use alloc::string::String;

use crate::claims::Claims;
use crate::error::{Claim, Error, ErrorCode};
use crate::verify::Verifier;

/// The `realm` of every `WWW-Authenticate` challenge.
pub const REALM: &str = "tasks";

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
    /// 500 `server_misconfigured`: no verifier can be built from the settings.
    ServerMisconfigured,
}

/// The refusals that are not token errors, for tables and docs.
pub const OTHER_REFUSALS: [Refusal; 2] = [Refusal::Forbidden, Refusal::ServerMisconfigured];

/// A key or option error is the server's fault, not the token's.
impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e.code() {
            ErrorCode::WeakKey | ErrorCode::InvalidConfig => Refusal::ServerMisconfigured,
            _ => Refusal::Token(e),
        }
    }
}

impl Refusal {
    /// The HTTP status.
    pub const fn status(&self) -> u16 {
        match self {
            Refusal::Token(_) => 401,
            Refusal::Forbidden => 403,
            Refusal::ServerMisconfigured => 500,
        }
    }

    /// The stable code of the error body.
    pub const fn code(&self) -> &'static str {
        match self {
            Refusal::Token(e) => e.code().as_str(),
            Refusal::Forbidden => "forbidden",
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
            Refusal::Forbidden => "The token's user may not access this user's tasks.".into(),
            Refusal::ServerMisconfigured => "The server is not configured correctly.".into(),
        }
    }

    /// The `WWW-Authenticate` value (RFC 6750 section 3): without `error` when no token was
    /// sent, `invalid_token` for a bad one, `insufficient_scope` for another user's path.
    pub fn www_authenticate(&self) -> Option<String> {
        let error = match self {
            Refusal::Token(e) if e.code() == ErrorCode::MissingToken => {
                return Some(["Bearer realm=\"", REALM, "\""].concat());
            }
            Refusal::Token(_) => "invalid_token",
            Refusal::Forbidden => "insufficient_scope",
            Refusal::ServerMisconfigured => return None,
        };
        let parts = ["Bearer realm=\"", REALM, "\", error=\"", error, "\", error_description=\"", self.code(), "\""];
        Some(parts.concat())
    }

    /// The JSON error body.
    pub fn body(&self) -> String {
        error_body(&self.detail(), self.code(), self.claim().map(Claim::as_str), None::<[(&str, &str); 0]>)
    }
}

/// What a request offers to prove who is calling.
#[derive(Clone, Copy, Debug, Default)]
pub struct Credentials<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// A token the caller took from a cookie; used only when there is no bearer token.
    pub cookie_token: Option<&'a str>,
}

impl<'a> Credentials<'a> {
    /// Just an `Authorization` header.
    pub const fn bearer(authorization: Option<&'a str>) -> Self {
        Self { authorization, cookie_token: None }
    }

    /// The token to verify: the bearer token, else the cookie's.
    pub fn token(&self) -> Option<&'a str> {
        bearer_token(self.authorization).or(self.cookie_token.filter(|t| !t.is_empty()))
    }
}

/// Steps 1 and 2 of every task route: a valid token (401 otherwise) whose `sub` is
/// `path_user`, when the path names a user (403 otherwise).
pub fn authorize(
    verifier: &Verifier,
    credentials: Credentials<'_>,
    path_user: Option<&str>,
    now: u64,
) -> Result<Claims, Refusal> {
    let token = credentials.token().ok_or(Refusal::Token(Error::new(ErrorCode::MissingToken)))?;
    let claims = verifier.verify(token, now)?;
    match path_user {
        Some(user) if user != claims.sub() => Err(Refusal::Forbidden),
        _ => Ok(claims),
    }
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
            expired.www_authenticate().unwrap(),
            r#"Bearer realm="tasks", error="invalid_token", error_description="token_expired""#
        );
        let missing = Refusal::Token(Error::new(ErrorCode::MissingToken));
        assert_eq!(missing.www_authenticate().unwrap(), r#"Bearer realm="tasks""#);
        assert_eq!(
            Refusal::Forbidden.www_authenticate().unwrap(),
            r#"Bearer realm="tasks", error="insufficient_scope", error_description="forbidden""#
        );
        assert_eq!((Refusal::Forbidden.status(), Refusal::ServerMisconfigured.status()), (403, 500));
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
