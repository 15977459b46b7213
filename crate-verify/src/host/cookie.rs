//! Which cookies may carry a token (Better Auth's session cookie cache, maybe in chunks, or a
//! cookie holding a TaskGate token), and from which origins a cookie may authenticate a change.

use alloc::string::String;
use alloc::vec::Vec;

/// Better Auth's default cookie prefix (`advanced.cookiePrefix`).
pub const DEFAULT_COOKIE_PREFIX: &str = "better-auth";
/// The prefix browsers require for cookies set with `Secure` over https (Better Auth uses it then).
const SECURE_PREFIX: &str = "__Secure-";
/// The name of Better Auth's session cache cookie, after the prefix.
const SESSION_DATA: &str = ".session_data";
/// Better Auth splits a cookie over about 4 KB into `.0`, `.1`, ...; at most this many are joined.
const MAX_CHUNKS: usize = 100;

/// Which cookies may authenticate a request, and from which origins a cookie may authenticate a
/// change. Cookies are read only when the request has no `Authorization` header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookiePolicy {
    /// Better Auth's cookie prefix when its session cookie cache is read
    /// (`{prefix}.session_data`, or `__Secure-{prefix}.session_data`, maybe in chunks).
    pub session_cache_prefix: Option<String>,
    /// A cookie that holds a TaskGate token (read before the session cache).
    pub token_cookie: Option<String>,
    /// Origins besides the request's own that may send a cookie-authenticated change
    /// (`CORS_ORIGINS`; `*` never counts).
    pub allowed_origins: Vec<String>,
}

impl CookiePolicy {
    /// The token a cookie of `cookie_header` carries, by this policy, and whether it is Better
    /// Auth's session cookie cache (then read in the configured strategy).
    pub fn token(&self, cookie_header: &str) -> Option<(String, bool)> {
        let named = |name: &str| cookie(cookie_header, name).map(|t| (String::from(t), false));
        let token = self.token_cookie.as_deref().and_then(named);
        token.or_else(|| {
            let prefix = self.session_cache_prefix.as_deref()?;
            session_cache_cookie(cookie_header, prefix).map(|value| (value, true))
        })
    }

    /// Whether a cookie-authenticated change from `origin` is allowed.
    pub fn allows_origin(&self, origin: Option<&str>, own_origin: Option<&str>) -> bool {
        origin.is_some_and(|o| o != "*" && (Some(o) == own_origin || self.allowed_origins.iter().any(|a| a == o)))
    }
}

/// The value of the cookie `name` in a `Cookie` header (the first, when repeated).
pub fn cookie<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n.trim() == name).then(|| v.trim().trim_matches('"'))
    })
}

/// Better Auth's session cache cookie in a `Cookie` header: `__Secure-{prefix}.session_data`
/// (https) or `{prefix}.session_data`, whole or in chunks (`.0`, `.1`, ... joined in order).
pub fn session_cache_cookie(cookie_header: &str, prefix: &str) -> Option<String> {
    [SECURE_PREFIX, ""].iter().find_map(|secure| {
        let name = [secure, prefix, SESSION_DATA].concat();
        if let Some(whole) = cookie(cookie_header, &name).filter(|v| !v.is_empty()) {
            return Some(whole.into());
        }
        let mut joined = String::new();
        for i in 0..MAX_CHUNKS {
            // `name.0` ... `name.99`, without the formatting machinery (Wasm size).
            let digits = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
            let index = core::str::from_utf8(&digits[usize::from(i < 10)..]).unwrap_or_default();
            match cookie(cookie_header, &[name.as_str(), ".", index].concat()) {
                Some(part) => joined.push_str(part),
                None => break,
            }
        }
        (!joined.is_empty()).then_some(joined)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::http::Request;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn better_auth_cookies_are_found_whole_secure_or_in_chunks() {
        let c = |header: &str| session_cache_cookie(header, DEFAULT_COOKIE_PREFIX);
        assert_eq!(c("a=1; better-auth.session_data=abc.def; b=2").as_deref(), Some("abc.def"));
        assert_eq!(c("__Secure-better-auth.session_data=sec; better-auth.session_data=plain").as_deref(), Some("sec"));
        let chunks = "better-auth.session_data.1=def; better-auth.session_data.0=abc.; better-auth.session_data.2=.ghi";
        assert_eq!(c(chunks).as_deref(), Some("abc.def.ghi"));
        let many: alloc::vec::Vec<alloc::string::String> =
            (0..12).map(|i| alloc::format!("better-auth.session_data.{i}=p{i}")).collect();
        assert_eq!(c(&many.join("; ")).as_deref(), Some("p0p1p2p3p4p5p6p7p8p9p10p11"));
        assert_eq!(c("better-auth.session_data.1=x"), None, "chunks start at .0");
        assert_eq!(c("better-auth.session_token=abc"), None);
        assert_eq!(session_cache_cookie("tg.session_data=x", "tg").as_deref(), Some("x"));
        assert_eq!(cookie("a=1;b= \"two\" ", "b"), Some("two"));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn only_listed_or_own_origins_may_send_cookie_changes() {
        let policy = CookiePolicy {
            allowed_origins: alloc::vec!["https://app.example".into(), "*".into()],
            ..CookiePolicy::default()
        };
        assert!(policy.allows_origin(Some("https://app.example"), Some("https://api.example")));
        assert!(policy.allows_origin(Some("https://api.example"), Some("https://api.example")));
        for origin in [None, Some("https://evil.example"), Some("*"), Some("null")] {
            assert!(!policy.allows_origin(origin, Some("https://api.example")), "{origin:?}");
        }
        let unsafe_methods = ["POST", "put", "PATCH", "DELETE"].map(|method| Request { method, ..Request::default() });
        assert!(unsafe_methods.iter().all(Request::is_unsafe));
        assert!(!Request { method: "GET", ..Request::default() }.is_unsafe());
    }
}
