//! Who is calling: the bearer token, verified, and whether its user may use the path's user.

use taskgate_verify::Verifier;

use crate::error::ApiError;

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, one or
/// more spaces). No header, another scheme, or nothing after the scheme: `missing_token`.
pub fn bearer_token(authorization: Option<&str>) -> Result<&str, ApiError> {
    let value = authorization.ok_or_else(ApiError::missing_token)?;
    let (scheme, rest) = value.split_once(' ').ok_or_else(ApiError::missing_token)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::missing_token());
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(ApiError::missing_token());
    }
    Ok(token)
}

/// Steps 1 and 2 of every task route: a valid token (401 otherwise) whose `sub` is the
/// path's user (403 otherwise). Returns the user id.
pub fn authorize(verifier: &Verifier, authorization: Option<&str>, path_user: &str, now: u64) -> Result<(), ApiError> {
    let token = bearer_token(authorization)?;
    let claims = verifier.verify(token, now).map_err(ApiError::invalid_token)?;
    if claims.sub() != path_user {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("bearer  abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("BEARER abc")), Ok("abc"));
    }

    #[test]
    fn other_schemes_and_empty_tokens_are_missing() {
        for h in
            [None, Some(""), Some("Bearer"), Some("Bearer "), Some("Basic abc"), Some("Token abc"), Some("Bearerabc")]
        {
            assert_eq!(bearer_token(h).unwrap_err().code, "missing_token", "{h:?}");
        }
    }

    #[test]
    fn token_with_inner_garbage_is_passed_to_the_verifier() {
        assert_eq!(bearer_token(Some("Bearer a b")), Ok("a b"));
    }
}
