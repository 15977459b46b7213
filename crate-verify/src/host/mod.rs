//! Layer 4: where the rules meet a host (a Worker, a Node or browser package, a CLI): a request's
//! credential and the HTTP answer to a refusal ([`http`]), which cookies are read ([`cookie`]),
//! settings from an environment ([`settings`]), the vocabulary as data for other languages
//! ([`catalog`]), decoding without a key ([`inspect`]), issuing tokens ([`sign`]), and the body of a revocation
//! ([`revocation`]).
//! Nothing below this layer depends on it.

pub mod catalog;
pub mod cookie;
pub mod http;
pub(crate) mod inspect;
pub mod revocation;
pub mod settings;
pub(crate) mod sign;
