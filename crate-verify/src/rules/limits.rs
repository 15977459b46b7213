//! The limits of the token rules, each written once here; [`crate::host::catalog`] lists them
//! for other languages and the docs.

/// The default maximum token length in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8192;
/// The largest accepted clock leeway, in seconds.
pub const MAX_LEEWAY: u32 = 300;
/// The shortest HMAC key accepted: 32 bytes, the HMAC-SHA256 output size (RFC 7518 section 3.2).
pub const MIN_KEY_LEN: usize = 32;
/// The most keys a ring may hold.
pub const MAX_KEYS: usize = 8;
/// The longest accepted `sub` (and `session.userId`), in characters.
pub const MAX_SUB_CHARS: usize = 255;
/// The longest a service token (a revocation or admin token) may live: its `exp` at most this many seconds ahead.
pub const MAX_REVOCATION_TOKEN_SECONDS: u64 = 60;
/// The most entries of each list in one revocation body.
pub const MAX_REVOCATION_ENTRIES: usize = 1000;
