//! The one error type of the API: a status, a stable code, a sentence, maybe a claim or the
//! fields at fault, rendered once ([`ApiError::into_response`]) in the body format of
//! `taskgate_verify::host::http` (`docs/contract.md`, "Errors").
//!
//! Refusals of the token (401/403, and 500 for a verifier that cannot be built) come from the
//! crate as a [`Refusal`]; the codes written here are the API's own (404, 405, 413, 415, 422,
//! 500).

use std::borrow::Cow;
use std::collections::BTreeMap;

use taskgate_verify::host::http::{Refusal, error_body};
use worker::Response;

/// The `realm` of every `WWW-Authenticate` challenge the task API sends.
pub const REALM: &str = "tasks";

/// Field name -> what is wrong with it, for 422 bodies.
pub type Fields = BTreeMap<String, String>;

/// An error response, built by handlers and rendered once.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The stable code (`code` in the body, and in the log line).
    pub code: &'static str,
    /// One sentence for people (`detail`).
    pub detail: Cow<'static, str>,
    /// The token's claim at fault, if one is (`claim`).
    pub claim: Option<&'static str>,
    /// The fields at fault, for 422 (`fields`).
    pub fields: Option<Fields>,
    /// One more response header: `WWW-Authenticate` for 401 and 403, `Allow` for 405 (boxed:
    /// errors travel in every `Result` of the request path).
    pub header: Option<Box<(&'static str, String)>>,
}

/// The codes of the API's own errors (every other code comes from the crate's `Refusal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiCode {
    /// 404: no such route, or no such task for this user.
    NotFound,
    /// 405: the route does not take that method.
    MethodNotAllowed,
    /// 413: the body is over the limit.
    PayloadTooLarge,
    /// 415: the body is not JSON by its Content-Type.
    UnsupportedMediaType,
    /// 422: the task id in the path is malformed.
    InvalidId,
    /// 422: a list query parameter is out of range.
    InvalidQuery,
    /// 422: the body is not JSON.
    InvalidJson,
    /// 422: the body breaks a field's rule.
    ValidationFailed,
    /// 500: the database failed.
    InternalError,
    /// 503 from `/health`: the database does not answer.
    DatabaseUnavailable,
}

impl ApiCode {
    /// Every code, for the docs check below.
    #[cfg(test)]
    pub const ALL: [ApiCode; 10] = [
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::InvalidId,
        Self::InvalidQuery,
        Self::InvalidJson,
        Self::ValidationFailed,
        Self::InternalError,
        Self::DatabaseUnavailable,
    ];

    /// The stable code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::InvalidId => "invalid_id",
            Self::InvalidQuery => "invalid_query",
            Self::InvalidJson => "invalid_json",
            Self::ValidationFailed => "validation_failed",
            Self::InternalError => "internal_error",
            Self::DatabaseUnavailable => "database_unavailable",
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let detail = match r {
            Refusal::Forbidden => "The token's user may not access this user's tasks.".into(),
            _ => r.detail(),
        };
        let mut e = Self::new(r.status(), r.code(), detail);
        e.claim = r.claim().map(|c| c.as_str());
        e.header = r.www_authenticate(REALM).map(|c| Box::new(("WWW-Authenticate", c)));
        e
    }
}

impl ApiError {
    fn new(status: u16, code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self { status, code, detail: detail.into(), claim: None, fields: None, header: None }
    }

    /// 404, for unknown routes and for tasks that do not exist or are someone else's.
    pub fn not_found(what: &'static str) -> Self {
        Self::new(404, ApiCode::NotFound.as_str(), what)
    }

    /// 405 with the route's `Allow` list.
    pub fn method_not_allowed(allow: String) -> Self {
        let mut err = Self::new(405, ApiCode::MethodNotAllowed.as_str(), "This route does not accept that method.");
        err.header = Some(Box::new(("Allow", allow)));
        err
    }

    /// 413: a body over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(413, ApiCode::PayloadTooLarge.as_str(), format!("The request body must be at most {limit} bytes."))
    }

    /// 415: a body whose Content-Type is not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            415,
            ApiCode::UnsupportedMediaType.as_str(),
            "Send the body as JSON (`Content-Type: application/json`).",
        )
    }

    /// For 503 `keys_unavailable`: when to try again (`Retry-After`, seconds); other errors
    /// are returned as they are.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        if self.status == 503 {
            self.header = Some(Box::new(("Retry-After", seconds.to_string())));
        }
        self
    }

    /// The same error, naming the fields at fault.
    fn with_fields(mut self, fields: Fields) -> Self {
        self.fields = Some(fields);
        self
    }

    /// 422: the task id in the path is not a positive integer.
    pub fn invalid_id() -> Self {
        Self::new(422, ApiCode::InvalidId.as_str(), "The task id must be a positive integer.")
            .with_fields(Fields::from([("id".into(), "must be a positive integer".into())]))
    }

    /// 422: query parameters out of range.
    pub fn invalid_query(fields: Fields) -> Self {
        Self::new(422, ApiCode::InvalidQuery.as_str(), "Some query parameters are invalid.").with_fields(fields)
    }

    /// 422: the body is not JSON.
    pub fn invalid_json() -> Self {
        Self::new(422, ApiCode::InvalidJson.as_str(), "The request body is not valid JSON.")
    }

    /// 422: the body is JSON but breaks a rule.
    pub fn validation_failed(fields: Fields) -> Self {
        Self::new(422, ApiCode::ValidationFailed.as_str(), "Some fields are invalid.").with_fields(fields)
    }

    /// 500: the database failed. The cause is logged, never sent.
    pub fn internal() -> Self {
        Self::new(500, ApiCode::InternalError.as_str(), "The server could not complete the request.")
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        let fields = self.fields.as_ref().map(|f| f.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        error_body(&self.detail, self.code, self.claim, fields)
    }

    /// The response: status, JSON body, and the `WWW-Authenticate` / `Allow` header.
    pub fn into_response(self) -> Response {
        let resp = crate::response::json_text(self.status, crate::response::RawJson(self.body()));
        if let Some(header) = &self.header {
            let _ = resp.headers().set(header.0, &header.1);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taskgate_verify::{Claim, Error, ErrorCode};

    #[test]
    fn token_errors_name_code_and_claim() {
        let e = ApiError::from(Refusal::Token(Error::about(ErrorCode::TokenExpired, Claim::Exp)));
        assert_eq!(e.status, 401);
        assert_eq!(
            e.body(),
            r#"{"detail":"The token has expired (claim \"exp\").","code":"token_expired","claim":"exp"}"#
        );
        assert_eq!(
            *e.header.unwrap(),
            (
                "WWW-Authenticate",
                r#"Bearer realm="tasks", error="invalid_token", error_description="token_expired""#.into()
            )
        );
    }

    #[test]
    fn validation_lists_fields() {
        let e = ApiError::validation_failed(Fields::from([("title".into(), "required".into())]));
        assert_eq!(
            e.body(),
            r#"{"detail":"Some fields are invalid.","code":"validation_failed","fields":{"title":"required"}}"#
        );
    }

    #[test]
    fn every_code_is_in_the_contract_and_the_openapi_document() {
        let docs = include_str!("../../docs/contract.md");
        let openapi = include_str!("../openapi.json");
        for code in ApiCode::ALL.map(ApiCode::as_str) {
            assert!(docs.contains(&format!("`{code}`")), "docs/contract.md does not list {code}");
            assert!(openapi.contains(code), "openapi.json does not list {code}");
        }
    }
}
