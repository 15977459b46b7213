//! A request body read as a JSON object's members, in order and with repeated names kept, so a
//! repeat can be refused (serde_json's `Value` would keep only the last).

use serde_json::Value;

use crate::error::{ApiError, Fields};

/// The members of a JSON object body, in order. Not JSON: `invalid_json`; JSON but not an
/// object, or an object that repeats a name (compared after unescaping, so `"t\u0069tle"`
/// repeats `"title"`, as in tokens): `validation_failed` naming the field.
pub fn object_of(body: &[u8]) -> Result<Vec<(String, Value)>, ApiError> {
    let members = match serde_json::from_slice::<Members>(body) {
        Ok(Members(Some(members))) => members,
        Ok(Members(None)) => {
            return Err(ApiError::validation_failed(Fields::from([("body".into(), "must be a JSON object".into())])));
        }
        Err(_) => return Err(ApiError::invalid_json()),
    };
    for (i, (name, _)) in members.iter().enumerate() {
        if members[..i].iter().any(|(n, _)| n == name) {
            return Err(ApiError::validation_failed(Fields::from([(name.clone(), "must appear only once".into())])));
        }
    }
    Ok(members)
}

/// A JSON value read as an object's members, repeats kept (`None`: not an object).
struct Members(Option<Vec<(String, Value)>>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(Some(members)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Members, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Members(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_unit<E>(self) -> Result<Members, E> {
                Ok(Members(None))
            }
        }
        d.deserialize_any(Visitor)
    }
}
