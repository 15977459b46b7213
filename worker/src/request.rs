//! What the Worker reads from a request besides its route: a header's value, and the body
//! (within [`BODY_LIMIT`], JSON or without a Content-Type).

use futures_util::StreamExt;
use worker::{Headers, Request};

use crate::error::ApiError;

/// The largest request body accepted (64 KiB).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A header's value, if present and readable.
pub fn header(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// Whether a Content-Type names JSON (`application/json`, `application/*+json`, any parameters).
pub fn is_json_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads the body, refusing more than [`BODY_LIMIT`] bytes (413, without reading the rest)
/// and a non-empty body whose Content-Type is present and not JSON (415).
///
/// With a Content-Length within the limit the body is read in one call; without one it is
/// streamed and cut off at the limit.
pub async fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::payload_too_large(BODY_LIMIT);
    let declared = header(req.headers(), "Content-Length").and_then(|l| l.trim().parse::<u64>().ok());
    let body = match declared {
        Some(l) if l > BODY_LIMIT as u64 => return Err(too_large()),
        Some(_) => req.bytes().await.map_err(|_| ApiError::invalid_json())?,
        None => {
            let mut body = Vec::new();
            if let Ok(mut stream) = req.stream() {
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|_| ApiError::invalid_json())?;
                    if body.len() + chunk.len() > BODY_LIMIT {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
            }
            body
        }
    };
    if body.len() > BODY_LIMIT {
        return Err(too_large());
    }
    let content_type = header(req.headers(), "Content-Type");
    if !body.is_empty() && content_type.is_some_and(|t| !is_json_type(&t)) {
        return Err(ApiError::unsupported_media_type());
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::is_json_type;

    #[test]
    fn json_types() {
        for t in ["application/json", "Application/JSON; charset=utf-8", "application/merge-patch+json"] {
            assert!(is_json_type(t), "{t}");
        }
        for t in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json"] {
            assert!(!is_json_type(t), "{t}");
        }
    }
}
