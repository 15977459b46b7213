//! A task as a row of `tasks` (the schema: `../migrations`): which columns a new task fills and a
//! patch sets, with their values as SQLite keeps them (`completed` as 0 or 1, `tags` as JSON
//! text, title and description also case-folded for search). Free of any database binding: a
//! store binds these [`Value`]s its own way.

use std::borrow::Cow;

use crate::input::{NewTask, TaskPatch};

/// A value bound to a statement's parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// SQLite `TEXT`.
    Text(Cow<'a, str>),
    /// SQLite `INTEGER`.
    Int(i64),
    /// SQL `NULL`.
    Null,
}

impl<'a> Value<'a> {
    /// Text, or `NULL` for `None`.
    fn opt_text(s: Option<&'a str>) -> Self {
        s.map_or(Value::Null, |s| Value::Text(s.into()))
    }
}

/// Text as it is searched: Unicode lower case (stored in `*_folded`, and applied to `q`).
pub fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// The `tags` column: the tags as a JSON array.
fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

/// The parameters `?1` to `?9` of [`super::sql::CREATE`]: `user`'s new task `t`.
pub fn new_row<'a>(user: &'a str, t: &'a NewTask) -> [Value<'a>; 9] {
    [
        Value::Text(user.into()),
        Value::Text(t.title.as_str().into()),
        Value::opt_text(t.description.as_deref()),
        Value::Int(i64::from(t.completed)),
        Value::Text(t.priority.as_str().into()),
        Value::opt_text(t.due_date.as_deref()),
        Value::Text(tags_json(&t.tags).into()),
        Value::Text(fold(&t.title).into()),
        Value::Text(fold(t.description.as_deref().unwrap_or("")).into()),
    ]
}

/// The columns `p` sets, in order, each with its new value.
pub fn patch_columns<'a>(p: &'a TaskPatch) -> Vec<(&'static str, Value<'a>)> {
    let mut columns = Vec::new();
    if let Some(title) = &p.title {
        columns.push(("title", Value::Text(title.as_str().into())));
        columns.push(("title_folded", Value::Text(fold(title).into())));
    }
    if let Some(description) = &p.description {
        columns.push(("description", Value::opt_text(description.as_deref())));
        columns.push(("description_folded", Value::Text(fold(description.as_deref().unwrap_or("")).into())));
    }
    if let Some(completed) = p.completed {
        columns.push(("completed", Value::Int(i64::from(completed))));
    }
    if let Some(priority) = p.priority {
        columns.push(("priority", Value::Text(priority.as_str().into())));
    }
    if let Some(due) = &p.due_date {
        columns.push(("due_date", Value::opt_text(due.as_deref())));
    }
    if let Some(tags) = &p.tags {
        columns.push(("tags", Value::Text(tags_json(tags).into())));
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Priority;

    #[test]
    fn a_new_row_holds_every_column_in_the_statements_order() {
        let t = NewTask {
            title: "Café".into(),
            description: None,
            completed: true,
            priority: Priority::High,
            due_date: Some("2024-02-29".into()),
            tags: vec!["a".into(), "b".into()],
        };
        let text = |s: &str| Value::Text(s.to_owned().into());
        assert_eq!(
            new_row("u1", &t),
            [
                text("u1"),
                text("Café"),
                Value::Null,
                Value::Int(1),
                text("high"),
                text("2024-02-29"),
                text(r#"["a","b"]"#),
                text("café"),
                text(""),
            ]
        );
    }

    #[test]
    fn a_patch_sets_only_its_columns_and_their_folded_twins() {
        let p =
            TaskPatch {
                title: Some("ÀB".into()), description: Some(None), tags: Some(vec![]), ..TaskPatch::default()
            };
        let names: Vec<&str> = patch_columns(&p).iter().map(|(c, _)| *c).collect();
        assert_eq!(names, ["title", "title_folded", "description", "description_folded", "tags"]);
        assert_eq!(patch_columns(&p)[1].1, Value::Text("àb".into()));
        assert_eq!(patch_columns(&p)[2].1, Value::Null);
        assert_eq!(patch_columns(&p)[4].1, Value::Text("[]".into()));
    }
}
