//! Every error the API answers: a status, a stable code, a sentence, and the RFC 6750 header
//! for 401/403. Bodies are `{"detail": ..., "code": ...}` plus `claim` or `fields`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use taskgate_verify::ErrorCode;

/// Field name -> what is wrong with it, for 422 bodies.
pub type Fields = BTreeMap<String, String>;

/// An error response, built by handlers and rendered once in [`ApiError::body`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    pub detail: Cow<'static, str>,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Fields>,
    /// The methods a route allows, for 405.
    #[serde(skip)]
    pub allow: Option<&'static str>,
}

impl ApiError {
    fn new(status: u16, code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self { status, detail: detail.into(), code, claim: None, fields: None, allow: None }
    }

    /// 401: no bearer token in the request.
    pub fn missing_token() -> Self {
        Self::new(401, ErrorCode::MissingToken.as_str(), "Send `Authorization: Bearer <token>`.")
    }

    /// 401: the token failed verification.
    pub fn invalid_token(e: taskgate_verify::Error) -> Self {
        let mut err = Self::new(401, e.code().as_str(), capitalized(e.to_string()));
        err.claim = e.claim_name();
        err
    }

    /// 403: the token's user is not the user in the path.
    pub fn forbidden() -> Self {
        Self::new(403, "forbidden", "The token's user may not access this user's tasks.")
    }

    /// 404, for unknown routes and for tasks that do not exist or are someone else's.
    pub fn not_found(what: &'static str) -> Self {
        Self::new(404, "not_found", what)
    }

    /// 405 with the route's `Allow` list.
    pub fn method_not_allowed(allow: &'static str) -> Self {
        let mut err = Self::new(405, "method_not_allowed", "This route does not accept that method.");
        err.allow = Some(allow);
        err
    }

    /// 413: a body over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(413, "payload_too_large", format!("The request body must be at most {limit} bytes."))
    }

    /// 415: a body whose Content-Type is not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(415, "unsupported_media_type", "Send the body as JSON (`Content-Type: application/json`).")
    }

    /// The same error, naming the fields at fault.
    fn with_fields(mut self, fields: Fields) -> Self {
        self.fields = Some(fields);
        self
    }

    /// 422: the task id in the path is not a positive integer.
    pub fn invalid_id() -> Self {
        Self::new(422, "invalid_id", "The task id must be a positive integer.")
            .with_fields(Fields::from([("id".into(), "must be a positive integer".into())]))
    }

    /// 422: query parameters out of range.
    pub fn invalid_query(fields: Fields) -> Self {
        Self::new(422, "invalid_query", "Some query parameters are invalid.").with_fields(fields)
    }

    /// 422: the body is not JSON.
    pub fn invalid_json() -> Self {
        Self::new(422, "invalid_json", "The request body is not valid JSON.")
    }

    /// 422: the body is JSON but breaks a rule.
    pub fn validation_failed(fields: Fields) -> Self {
        Self::new(422, "validation_failed", "Some fields are invalid.").with_fields(fields)
    }

    /// 500: the Worker cannot serve (missing or weak secret, bad settings). Logged once.
    pub fn server_misconfigured() -> Self {
        Self::new(500, "server_misconfigured", "The server is not configured correctly.")
    }

    /// 500: the database failed. The cause is logged, never sent.
    pub fn internal() -> Self {
        Self::new(500, "internal_error", "The server could not complete the request.")
    }

    /// The `WWW-Authenticate` value for 401 and 403 (RFC 6750 section 3).
    pub fn www_authenticate(&self) -> Option<String> {
        match self.status {
            401 if self.code == ErrorCode::MissingToken.as_str() => Some(r#"Bearer realm="tasks""#.into()),
            401 => Some(format!(r#"Bearer realm="tasks", error="invalid_token", error_description="{}""#, self.code)),
            403 => Some(r#"Bearer realm="tasks", error="insufficient_scope", error_description="forbidden""#.into()),
            _ => None,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"detail":"error","code":"internal_error"}"#.into())
    }
}

fn capitalized(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect::<String>() + ".",
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taskgate_verify::Error;

    #[test]
    fn token_errors_name_code_and_claim() {
        let e = ApiError::invalid_token(Error::claim(ErrorCode::TokenExpired, "exp"));
        assert_eq!(e.status, 401);
        assert_eq!(
            e.body(),
            r#"{"detail":"The token has expired (claim \"exp\").","code":"token_expired","claim":"exp"}"#
        );
        assert_eq!(
            e.www_authenticate().unwrap(),
            r#"Bearer realm="tasks", error="invalid_token", error_description="token_expired""#
        );
    }

    #[test]
    fn missing_token_challenge_has_no_error() {
        assert_eq!(ApiError::missing_token().www_authenticate().unwrap(), r#"Bearer realm="tasks""#);
    }

    #[test]
    fn validation_lists_fields() {
        let e = ApiError::validation_failed(Fields::from([("title".into(), "required".into())]));
        assert_eq!(
            e.body(),
            r#"{"detail":"Some fields are invalid.","code":"validation_failed","fields":{"title":"required"}}"#
        );
    }
}
