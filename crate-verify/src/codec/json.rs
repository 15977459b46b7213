//! The JSON this crate reads: top-level objects walked once, member by member, with
//! duplicate names refused, and single values (strings) read from their raw text.
//!
//! serde_json does the tokenizing and validation; values are kept as raw text
//! ([`RawValue`]) so that only the members that matter are ever interpreted. Every visitor
//! here is driven by `deserialize_any` and refuses unwanted types with a fixed message: that
//! keeps serde's "invalid type: floating point `1.5`" formatting (and with it float
//! formatting) out of the build, which matters for the Wasm size.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Refuses every JSON type a visitor does not override, without formatting the value.
macro_rules! refuse {
    ($($method:ident($($ty:ty)?)),* $(,)?) => {$(
        fn $method<E: de::Error>(self $(, _: $ty)?) -> Result<Self::Value, E> {
            Err(E::custom("unexpected JSON type"))
        }
    )*};
}

/// Refuses arrays and objects (for visitors of scalars).
macro_rules! refuse_containers {
    () => {
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom("unexpected JSON type"))
        }
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom("unexpected JSON type"))
        }
    };
}

/// Calls `f(name, raw_value)` for every member of the JSON object `json`, in order.
/// Returns `false` when `json` is not exactly one JSON object or repeats a member name
/// (RFC 7515 section 4 and RFC 7519 section 4: names must be unique). Names are compared
/// after unescaping, so `"s\u0075b"` repeats `"sub"`.
///
/// `f` is a `dyn` callback so that every caller shares one copy of serde's visitor code
/// (about 2 KB of Wasm per copy otherwise).
pub(crate) fn for_each_member<'de>(json: &'de str, mut f: impl FnMut(&str, &'de RawValue)) -> bool {
    walk(json, &mut f)
}

fn walk<'de>(json: &'de str, f: &mut dyn FnMut(&str, &'de RawValue)) -> bool {
    let mut de = serde_json::Deserializer::from_str(json);
    de.deserialize_any(ObjectVisitor(f)).is_ok() && de.end().is_ok()
}

struct ObjectVisitor<F>(F);

impl<'de, F: FnMut(&str, &'de RawValue) + ?Sized> Visitor<'de> for ObjectVisitor<&mut F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = NameSet::default();
        while let Some(Text(name)) = map.next_key()? {
            let value: &'de RawValue = map.next_value()?;
            (self.0)(&name, value);
            if !seen.insert(name) {
                return Err(de::Error::custom("duplicate member name"));
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom("unexpected JSON type"))
    }

    refuse!(visit_bool(bool), visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_str(&str), visit_unit());
}

/// A JSON string: borrowed from the input unless it contained escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s.into())))
            }
            refuse!(visit_bool(bool), visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_unit());
            refuse_containers!();
        }
        d.deserialize_any(V)
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
    let mut de = serde_json::Deserializer::from_str(text);
    Text::deserialize(&mut de).ok().map(|Text(s)| Cow::Owned(s.into_owned()))
}

/// Calls `f` on each element of a raw JSON array, as raw text; `false` when `raw` is not an
/// array.
pub(crate) fn for_each_element<'de>(raw: &'de RawValue, mut f: impl FnMut(&'de RawValue)) -> bool {
    struct V<F>(F);
    impl<'de, F: FnMut(&'de RawValue)> Visitor<'de> for V<F> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(element) = seq.next_element::<&'de RawValue>()? {
                (self.0)(element);
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            Err(de::Error::custom("unexpected JSON type"))
        }
        refuse!(visit_bool(bool), visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_str(&str), visit_unit());
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    raw.get().starts_with('[') && de.deserialize_any(V(&mut f)).is_ok()
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
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(Text(s)) = seq.next_element()? {
                (self.0)(&s);
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            Err(de::Error::custom("unexpected JSON type"))
        }
        refuse!(visit_bool(bool), visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_str(&str), visit_unit());
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_any(V(&mut f)).is_ok()
}
