//! The task: its priority type, and its JSON as SQLite builds it.

/// A task's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// low
    Low,
    /// medium (the default)
    Medium,
    /// high
    High,
}

impl Priority {
    /// Parses `low`, `medium` or `high`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            _ => None,
        }
    }

    /// The stored and served name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One task as the API serves it, built by SQLite from a row of `tasks`:
/// `{"id": int, "user_id": str, "title": str, "description": str|null, "completed": bool,
/// "priority": "low"|"medium"|"high", "due_date": "YYYY-MM-DD"|null, "tags": [str],
/// "created_at": RFC 3339, "updated_at": RFC 3339}`.
///
/// The database writes the JSON so a response crosses from D1 to the client as one string,
/// with no per-field conversion through the Worker's Wasm.
pub const TASK_JSON: &str = "json_object('id', id, 'user_id', user_id, 'title', title, 'description', description, \
     'completed', json(CASE completed WHEN 0 THEN 'false' ELSE 'true' END), 'priority', priority, \
     'due_date', due_date, 'tags', json(tags), 'created_at', created_at, 'updated_at', updated_at)";
