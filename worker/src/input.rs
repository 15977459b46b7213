//! Request bodies, validated against the contract's limits. Pure: no Worker types.
//!
//! Every field error is collected (not just the first), so a 422 names all of them.

use serde_json::Value;

use crate::error::{ApiError, Fields};
use crate::model::Priority;

/// Title length after trimming, in characters.
pub const TITLE_MAX: usize = 200;
/// Description length, in characters.
pub const DESCRIPTION_MAX: usize = 1000;
/// Tags per task.
pub const TAGS_MAX: usize = 10;
/// Tag length, in characters.
pub const TAG_MAX: usize = 30;

/// Fields a client may send back from a task it read; they are ignored (the token decides
/// `user_id`; the server decides the others).
const IGNORED: [&str; 4] = ["user_id", "id", "created_at", "updated_at"];

/// A validated `POST` body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub priority: Priority,
    pub due_date: Option<String>,
    pub tags: Vec<String>,
}

/// A validated `PUT` body: the fields to change (at least one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub completed: Option<bool>,
    pub priority: Option<Priority>,
    pub due_date: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
}

/// Parses and validates a `POST /tasks` body.
pub fn new_task(body: &[u8]) -> Result<NewTask, ApiError> {
    let (patch, mut fields) = fields_of(body)?;
    if patch.title.is_none() && !fields.contains_key("title") {
        fields.insert("title".into(), "is required".into());
    }
    if !fields.is_empty() {
        return Err(ApiError::validation_failed(fields));
    }
    Ok(NewTask {
        title: patch.title.unwrap_or_default(),
        description: patch.description.flatten(),
        completed: patch.completed.unwrap_or(false),
        priority: patch.priority.unwrap_or(Priority::Medium),
        due_date: patch.due_date.flatten(),
        tags: patch.tags.unwrap_or_default(),
    })
}

/// Parses and validates a `PUT /tasks/{id}` body: a non-empty subset of the fields.
pub fn task_patch(body: &[u8]) -> Result<TaskPatch, ApiError> {
    let (patch, mut fields) = fields_of(body)?;
    if fields.is_empty() && patch == TaskPatch::default() {
        fields.insert(
            "body".into(),
            "must change at least one of title, description, completed, priority, due_date, tags".into(),
        );
    }
    if !fields.is_empty() {
        return Err(ApiError::validation_failed(fields));
    }
    Ok(patch)
}

/// Parses a `PATCH .../complete` body: empty means toggle (`None`); else `{"completed": bool}`.
pub fn completion(body: &[u8]) -> Result<Option<bool>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let object = object_of(body)?;
    let mut fields = Fields::new();
    let mut completed = None;
    for (name, value) in &object {
        match (name.as_str(), value) {
            ("completed", Value::Bool(b)) => completed = Some(*b),
            ("completed", _) => _ = fields.insert("completed".into(), "must be true or false".into()),
            (other, _) => _ = fields.insert(other.into(), "is not a known field".into()),
        }
    }
    if completed.is_none() && fields.is_empty() {
        fields.insert("completed".into(), "is required when a body is sent (send no body to toggle)".into());
    }
    if !fields.is_empty() {
        return Err(ApiError::validation_failed(fields));
    }
    Ok(completed)
}

/// The members of a JSON object body, in order. Not JSON: `invalid_json`; JSON but not an
/// object, or an object that repeats a name (compared after unescaping, so `"t\u0069tle"`
/// repeats `"title"`, as in tokens): `validation_failed` naming the field.
fn object_of(body: &[u8]) -> Result<Vec<(String, Value)>, ApiError> {
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

/// Every recognized field, validated, plus the errors found.
fn fields_of(body: &[u8]) -> Result<(TaskPatch, Fields), ApiError> {
    let object = object_of(body)?;
    let mut patch = TaskPatch::default();
    let mut errors = Fields::new();
    for (name, value) in &object {
        let result = match name.as_str() {
            "title" => title(value).map(|v| patch.title = Some(v)),
            "description" => description(value).map(|v| patch.description = Some(v)),
            "completed" => value.as_bool().map(|v| patch.completed = Some(v)).ok_or("must be true or false".into()),
            "priority" => value
                .as_str()
                .and_then(Priority::parse)
                .map(|v| patch.priority = Some(v))
                .ok_or("must be one of low, medium, high".into()),
            "due_date" => due_date(value).map(|v| patch.due_date = Some(v)),
            "tags" => tags(value).map(|v| patch.tags = Some(v)),
            n if IGNORED.contains(&n) => Ok(()),
            _ => Err("is not a known field".into()),
        };
        if let Err(message) = result {
            errors.insert(name.clone(), message);
        }
    }
    Ok((patch, errors))
}

fn title(v: &Value) -> Result<String, String> {
    let s = v.as_str().ok_or("must be a string")?.trim();
    let n = s.chars().count();
    if n == 0 || n > TITLE_MAX {
        return Err(format!("must be 1-{TITLE_MAX} characters after trimming"));
    }
    Ok(s.to_owned())
}

fn description(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.chars().count() <= DESCRIPTION_MAX => Ok(Some(s.clone())),
        Value::String(_) => Err(format!("must be at most {DESCRIPTION_MAX} characters")),
        _ => Err("must be a string or null".into()),
    }
}

fn due_date(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if is_date(s) => Ok(Some(s.clone())),
        _ => Err("must be a calendar date YYYY-MM-DD, or null".into()),
    }
}

fn tags(v: &Value) -> Result<Vec<String>, String> {
    let items = v.as_array().ok_or("must be an array of strings")?;
    if items.len() > TAGS_MAX {
        return Err(format!("must hold at most {TAGS_MAX} tags"));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let tag = item.as_str().ok_or("must be an array of strings")?;
        if tag.is_empty() || tag.chars().count() > TAG_MAX {
            return Err(format!("each tag must be 1-{TAG_MAX} characters"));
        }
        if out.iter().any(|t| t == tag) {
            return Err(format!("must not repeat a tag ({tag:?})"));
        }
        out.push(tag.to_owned());
    }
    Ok(out)
}

/// `YYYY-MM-DD`, a real day of the proleptic Gregorian calendar, years 0001-9999.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        let part = &s[r];
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse::<u32>().ok()).flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ApiError) -> Vec<(String, String)> {
        e.fields.unwrap_or_default().into_iter().collect()
    }

    #[test]
    fn minimal_post_gets_defaults() {
        let t = new_task(br#"{"title":"  Buy milk  "}"#).unwrap();
        assert_eq!(t.title, "Buy milk");
        assert_eq!((t.completed, t.priority, t.tags.len()), (false, Priority::Medium, 0));
    }

    #[test]
    fn title_edges() {
        assert!(new_task(format!(r#"{{"title":"{}"}}"#, "é".repeat(200)).as_bytes()).is_ok());
        let e = new_task(format!(r#"{{"title":"{}"}}"#, "a".repeat(201)).as_bytes()).unwrap_err();
        assert_eq!(fields(e)[0].0, "title");
        assert!(new_task(br#"{"title":"   "}"#).is_err());
        assert!(new_task(br#"{"title":5}"#).is_err());
        assert_eq!(fields(new_task(b"{}").unwrap_err()), [("title".into(), "is required".into())]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let e = new_task(br#"{"title":"","description":1,"completed":"yes","priority":"urgent","due_date":"2024-02-30","tags":"x","owner":"me"}"#).unwrap_err();
        let names: Vec<String> = fields(e).into_iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["completed", "description", "due_date", "owner", "priority", "tags", "title"]);
    }

    #[test]
    fn tag_limits() {
        let ten: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        assert!(new_task(serde_json::json!({"title":"x","tags":ten}).to_string().as_bytes()).is_ok());
        let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(new_task(serde_json::json!({"title":"x","tags":eleven}).to_string().as_bytes()).is_err());
        assert!(new_task(br#"{"title":"x","tags":["a","a"]}"#).is_err());
        assert!(new_task(br#"{"title":"x","tags":[""]}"#).is_err());
        assert!(new_task(format!(r#"{{"title":"x","tags":["{}"]}}"#, "t".repeat(30)).as_bytes()).is_ok());
        assert!(new_task(format!(r#"{{"title":"x","tags":["{}"]}}"#, "t".repeat(31)).as_bytes()).is_err());
    }

    #[test]
    fn description_limit() {
        assert!(new_task(format!(r#"{{"title":"x","description":"{}"}}"#, "d".repeat(1000)).as_bytes()).is_ok());
        assert!(new_task(format!(r#"{{"title":"x","description":"{}"}}"#, "d".repeat(1001)).as_bytes()).is_err());
    }

    #[test]
    fn read_only_fields_are_ignored() {
        let t =
            new_task(br#"{"title":"x","user_id":"someone-else","id":99,"created_at":"x","updated_at":"y"}"#).unwrap();
        assert_eq!(t.title, "x");
    }

    #[test]
    fn not_json_and_not_object() {
        assert_eq!(new_task(b"{title:1}").unwrap_err().code, "invalid_json");
        assert_eq!(new_task(b"").unwrap_err().code, "invalid_json");
        assert_eq!(new_task(b"[1]").unwrap_err().code, "validation_failed");
        let deep = "[".repeat(10_000);
        assert_eq!(new_task(deep.as_bytes()).unwrap_err().code, "invalid_json");
    }

    #[test]
    fn patch_needs_a_field() {
        assert!(task_patch(b"{}").is_err());
        assert!(task_patch(br#"{"user_id":"x"}"#).is_err());
        let p = task_patch(br#"{"description":null,"due_date":"2024-02-29"}"#).unwrap();
        assert_eq!(p.description, Some(None));
        assert_eq!(p.due_date, Some(Some("2024-02-29".into())));
        assert!(task_patch(br#"{"title":null}"#).is_err());
    }

    #[test]
    fn completion_bodies() {
        assert_eq!(completion(b""), Ok(None));
        assert_eq!(completion(b" \n"), Ok(None));
        assert_eq!(completion(br#"{"completed":true}"#), Ok(Some(true)));
        assert!(completion(br#"{}"#).is_err());
        assert!(completion(br#"{"completed":1}"#).is_err());
        assert!(completion(br#"{"completed":true,"x":1}"#).is_err());
        assert_eq!(completion(b"nope").unwrap_err().code, "invalid_json");
    }

    #[test]
    fn a_repeated_field_is_named() {
        for body in [&br#"{"title":"a","title":"b"}"#[..], br#"{"title":"a","t\u0069tle":"b"}"#] {
            let e = new_task(body).unwrap_err();
            assert_eq!(
                (e.code, fields(e.clone())),
                ("validation_failed", vec![("title".into(), "must appear only once".into())])
            );
            assert_eq!(fields(task_patch(body).unwrap_err())[0].0, "title");
        }
        let e = completion(br#"{"completed":true,"completed":false}"#).unwrap_err();
        assert_eq!(fields(e)[0].0, "completed");
        // Nested values may repeat names: only the body's own members are fields.
        assert!(new_task(br#"{"title":"x","tags":["a"],"user_id":{"a":1,"a":2}}"#).is_ok());
    }

    #[test]
    fn non_objects_are_named_and_non_json_is_invalid_json() {
        for body in [&b"[1]"[..], b"\"x\"", b"1", b"null", b"true"] {
            assert_eq!(fields(new_task(body).unwrap_err())[0].0, "body");
        }
        for body in [&b"{"[..], b"{\"title\":}", b"", b"{} x"] {
            assert_eq!(new_task(body).unwrap_err().code, "invalid_json");
        }
    }

    #[test]
    fn the_openapi_document_states_these_rules() {
        let doc: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
        let schemas = &doc["components"]["schemas"];
        for body in ["TaskCreate", "TaskUpdate"] {
            let p = &schemas[body]["properties"];
            assert_eq!(p["title"]["maxLength"], TITLE_MAX, "{body}");
            assert_eq!(p["title"]["pattern"], "\\S", "{body}: a blank title does not fit");
            assert_eq!(p["description"]["maxLength"], DESCRIPTION_MAX, "{body}");
            assert_eq!(p["tags"]["maxItems"], TAGS_MAX, "{body}");
            assert_eq!(p["tags"]["items"]["maxLength"], TAG_MAX, "{body}");
        }
        // The path id is typed as the task's id.
        let (path_id, task_id) =
            (&doc["components"]["parameters"]["TaskId"]["schema"], &schemas["Task"]["properties"]["id"]);
        for key in ["type", "format", "minimum"] {
            assert_eq!(path_id[key], task_id[key], "{key}");
        }
    }

    #[test]
    fn dates() {
        for ok in ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-32",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "0000-01-01",
            "2024-01-01T00:00:00Z",
            "+024-01-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
