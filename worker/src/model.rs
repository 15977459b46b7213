//! The task as stored (a D1 row) and as served (JSON).

use serde::{Deserialize, Serialize};

/// A task's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// The columns every query selects, in [`Row`]'s order.
pub const COLUMNS: &str =
    "id, user_id, title, description, completed, priority, due_date, tags, created_at, updated_at";

/// A row of `tasks` as D1 returns it.
#[derive(Debug, Deserialize)]
pub struct Row {
    id: i64,
    user_id: String,
    title: String,
    description: Option<String>,
    completed: i64,
    priority: Priority,
    due_date: Option<String>,
    tags: String,
    created_at: String,
    updated_at: String,
}

/// A task as the API serves it.
#[derive(Debug, Serialize, PartialEq)]
pub struct Task {
    pub id: i64,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub priority: Priority,
    pub due_date: Option<String>,
    pub tags: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Row> for Task {
    fn from(r: Row) -> Self {
        Task {
            id: r.id,
            user_id: r.user_id,
            title: r.title,
            description: r.description,
            completed: r.completed != 0,
            priority: r.priority,
            due_date: r.due_date,
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
