//! Request bodies, validated against the contract's limits. Pure: no Worker types.
//!
//! Every field error is collected (not just the first), so a 422 names all of them. A body is
//! read as an object's members ([`members`]), then each field by its rule ([`fields`]).

pub mod fields;
mod members;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::error::{ApiError, Fields};
use crate::model::Priority;
use members::object_of;

/// Fields a client may send back from a task it read; they are ignored (the token decides
/// `user_id`; the server decides the others).
const IGNORED: [&str; 4] = ["user_id", "id", "created_at", "updated_at"];

/// A validated `POST` body (also the Durable Object store's message: `crate::store::object`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTask {
    /// Trimmed, never blank.
    pub title: String,
    /// `None`: none (`null` or absent).
    pub description: Option<String>,
    /// `false` when absent.
    pub completed: bool,
    /// `medium` when absent.
    pub priority: Priority,
    /// `YYYY-MM-DD`; `None`: none.
    pub due_date: Option<String>,
    /// Distinct; empty when absent.
    pub tags: Vec<String>,
}

/// A validated `PUT` body: the fields to change (at least one). In the Durable Object store's
/// message as in the API: an absent field is unchanged, `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskPatch {
    /// The new title (trimmed, never blank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The new description; `Some(None)` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub description: Option<Option<String>>,
    /// The new completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
    /// The new priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The new due date; `Some(None)` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub due_date: Option<Option<String>>,
    /// The new tags (all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// A field that is present: `Some`, even when it is `null` (`Some(None)`: clear it).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Parses a `POST /admin/moves` body, `{"user": str, "to": str}`: the user and the store named
/// (which the caller checks is one).
pub fn move_request(body: &[u8]) -> Result<(String, String), ApiError> {
    let object = object_of(body)?;
    let mut fields = Fields::new();
    let (mut user, mut to) = (None, None);
    for (name, value) in &object {
        match (name.as_str(), value) {
            ("user", Value::String(u)) if !u.is_empty() => user = Some(u.clone()),
            ("user", _) => _ = fields.insert("user".into(), "must be a user id".into()),
            ("to", Value::String(t)) => to = Some(t.clone()),
            ("to", _) => _ = fields.insert("to".into(), "must name a store".into()),
            (other, _) => _ = fields.insert(other.into(), "is not a known field".into()),
        }
    }
    for (name, value) in [("user", &user), ("to", &to)] {
        if value.is_none() && !fields.contains_key(name) {
            fields.insert(name.into(), "is required".into());
        }
    }
    match (user, to) {
        (Some(user), Some(to)) if fields.is_empty() => Ok((user, to)),
        _ => Err(ApiError::validation_failed(fields)),
    }
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

/// Every recognized field, validated, plus the errors found.
fn fields_of(body: &[u8]) -> Result<(TaskPatch, Fields), ApiError> {
    let object = object_of(body)?;
    let mut patch = TaskPatch::default();
    let mut errors = Fields::new();
    for (name, value) in &object {
        let result = match name.as_str() {
            "title" => fields::title(value).map(|v| patch.title = Some(v)),
            "description" => fields::description(value).map(|v| patch.description = Some(v)),
            "completed" => fields::completed(value).map(|v| patch.completed = Some(v)),
            "priority" => fields::priority(value).map(|v| patch.priority = Some(v)),
            "due_date" => fields::due_date(value).map(|v| patch.due_date = Some(v)),
            "tags" => fields::tags(value).map(|v| patch.tags = Some(v)),
            n if IGNORED.contains(&n) => Ok(()),
            _ => Err("is not a known field".into()),
        };
        if let Err(message) = result {
            errors.insert(name.clone(), message);
        }
    }
    Ok((patch, errors))
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
}
