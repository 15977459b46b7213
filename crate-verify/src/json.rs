//! The JSON this crate reads: top-level objects walked once, member by member, with
//! duplicate names refused, and single values (strings, numbers) read from their raw text.
//!
//! serde_json does the tokenizing and validation; values are kept as raw text
//! ([`RawValue`]) so that only the members that matter are ever interpreted, and a number
//! like `1e999` reaches the claim rules (`invalid_claim`) instead of failing the parse.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Calls `f(name, raw_value)` for every member of the JSON object `json`, in order.
/// Returns `false` when `json` is not exactly one JSON object or repeats a member name
/// (RFC 7515 section 4 and RFC 7519 section 4: names must be unique). Names are compared
/// after unescaping, so `"s\u0075b"` repeats `"sub"`.
pub(crate) fn for_each_member<'de>(json: &'de str, f: impl FnMut(&str, &'de RawValue)) -> bool {
    let mut de = serde_json::Deserializer::from_str(json);
    de.deserialize_map(ObjectVisitor(f)).is_ok() && de.end().is_ok()
}

struct ObjectVisitor<F>(F);

impl<'de, F: FnMut(&str, &'de RawValue)> Visitor<'de> for ObjectVisitor<F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut seen = NameSet::default();
        while let Some(Name(name)) = map.next_key()? {
            let value: &'de RawValue = map.next_value()?;
            (self.0)(&name, value);
            if !seen.insert(name) {
                return Err(de::Error::custom("duplicate member name"));
            }
        }
        Ok(())
    }
}

/// A member name: borrowed from the input unless it contained escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(s.into())))
            }
        }
        d.deserialize_str(V)
    }
}

/// The names seen so far in one object: the first 16 on the stack, the rest on the heap.
#[derive(Default)]
struct NameSet<'de> {
    inline: [&'de str; 16],
    len: usize,
    spill: Vec<Cow<'de, str>>,
}

impl<'de> NameSet<'de> {
    /// Adds `name`; `false` if it was already there.
    fn insert(&mut self, name: Cow<'de, str>) -> bool {
        let n: &str = &name;
        if self.inline[..self.len].contains(&n) || self.spill.iter().any(|s| s == n) {
            return false;
        }
        match name {
            Cow::Borrowed(s) if self.len < self.inline.len() => {
                self.inline[self.len] = s;
                self.len += 1;
            }
            other => self.spill.push(other),
        }
        true
    }
}

/// The string a raw JSON value holds, or `None` when the value is not a string.
/// Borrowed from the raw text unless the string has escapes.
pub(crate) fn as_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(text).ok().map(Cow::Owned)
}

/// The number a raw JSON value holds, or `None` when it is not a number or not finite
/// (`1e999` overflows to infinity and is refused here, not by the parser).
pub(crate) fn as_number(raw: &RawValue) -> Option<f64> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => text.parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// Calls `f` on each string of a raw JSON array of strings; `false` when `raw` is not an
/// array or holds anything but strings.
pub(crate) fn for_each_str_in_array(raw: &RawValue, mut f: impl FnMut(&str)) -> bool {
    struct V<F>(F);
    impl<'de, F: FnMut(&str)> Visitor<'de> for V<F> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of strings")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(Name(s)) = seq.next_element()? {
                (self.0)(&s);
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_seq(V(&mut f)).is_ok()
}
