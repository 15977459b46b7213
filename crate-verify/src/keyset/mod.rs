//! Layer 2: public keys from JWK Sets (RFC 7517), for asymmetric tokens: the set read strictly
//! ([`jwks`]), each key bound to one algorithm on RustCrypto ([`pubkey`]), the rules for keeping
//! a fetched set fresh ([`cache`]), and signatures checked by the host's own crypto
//! ([`signature`]). Depends on [`crate::codec`], [`crate::alg`] and [`crate::error`].

pub mod cache;
pub mod jwks;
pub mod pubkey;
pub mod signature;
