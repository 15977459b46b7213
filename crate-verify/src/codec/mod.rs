//! Layer 1: the encodings a token is made of: strict base64url, JSON objects without repeated
//! names, and NumericDates read exactly. Depends only on [`crate::error`].

pub(crate) mod b64;
pub(crate) mod json;
pub(crate) mod time;
