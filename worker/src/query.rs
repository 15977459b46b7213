//! The list query (`GET /tasks?status=&sort=&order=&q=&priority=&tag=&limit=&offset=`),
//! validated. Pure: no Worker types and no SQL (the store turns it into SQL).

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Fields};
use crate::input::fields::TAG_MAX;
use crate::model::Priority;

/// Page size bounds.
pub const LIMIT_MAX: u32 = 200;
/// The default page size.
pub const LIMIT_DEFAULT: u32 = 50;
/// The longest search string, in characters.
pub const Q_MAX: usize = 200;
/// The largest offset accepted.
pub const OFFSET_MAX: u64 = 1 << 31;

/// `status=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// `all` (the default).
    All,
    /// `pending`: not completed.
    Pending,
    /// `completed`.
    Completed,
}

/// `sort=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// `created` (the default).
    Created,
    /// `updated`.
    Updated,
    /// `title`, ignoring case first.
    Title,
    /// `due_date`, tasks without one last.
    DueDate,
    /// `priority`, by rank (low < medium < high).
    Priority,
}

/// A validated list query (also the Durable Object store's message: `crate::store::object`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    /// `status=`.
    pub status: Status,
    /// `sort=`.
    pub sort: Sort,
    /// `order=desc` (the default), else `asc`.
    pub descending: bool,
    /// Search text, as sent (the store folds its case).
    pub q: Option<String>,
    /// `priority=`: only tasks of this priority.
    pub priority: Option<Priority>,
    /// `tag=`: only tasks with this tag.
    pub tag: Option<String>,
    /// `limit=`: the page size.
    pub limit: u32,
    /// `offset=`: tasks skipped before the page.
    pub offset: u64,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            status: Status::All,
            sort: Sort::Created,
            descending: true,
            q: None,
            priority: None,
            tag: None,
            limit: LIMIT_DEFAULT,
            offset: 0,
        }
    }
}

impl ListQuery {
    /// Validates decoded query pairs. Unknown names are ignored; a repeated known name and
    /// any bad value are 422 `invalid_query`, naming every bad parameter.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, ApiError> {
        let mut q = ListQuery::default();
        let mut errors = Fields::new();
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            let known = ["status", "sort", "order", "q", "priority", "tag", "limit", "offset"];
            let Some(name) = known.iter().find(|k| **k == name).copied() else { continue };
            if seen.contains(&name) {
                errors.insert(name.into(), "must be given once".into());
                continue;
            }
            seen.push(name);
            let result: Result<(), String> = match name {
                "status" => one_of(
                    value,
                    &[("all", Status::All), ("pending", Status::Pending), ("completed", Status::Completed)],
                )
                .map(|v| q.status = v)
                .ok_or("must be one of all, pending, completed".into()),
                "sort" => one_of(
                    value,
                    &[
                        ("created", Sort::Created),
                        ("updated", Sort::Updated),
                        ("title", Sort::Title),
                        ("due_date", Sort::DueDate),
                        ("priority", Sort::Priority),
                    ],
                )
                .map(|v| q.sort = v)
                .ok_or("must be one of created, updated, title, due_date, priority".into()),
                "order" => one_of(value, &[("asc", false), ("desc", true)])
                    .map(|v| q.descending = v)
                    .ok_or("must be asc or desc".into()),
                "q" if value.chars().count() > Q_MAX => Err(format!("must be at most {Q_MAX} characters")),
                "q" => {
                    q.q = (!value.is_empty()).then(|| value.to_owned());
                    Ok(())
                }
                "priority" => Priority::parse(value)
                    .map(|p| q.priority = Some(p))
                    .ok_or("must be one of low, medium, high".into()),
                "tag" if value.is_empty() || value.chars().count() > TAG_MAX => {
                    Err(format!("must be 1-{TAG_MAX} characters"))
                }
                "tag" => {
                    q.tag = Some(value.to_owned());
                    Ok(())
                }
                "limit" => parse_uint(value)
                    .filter(|l| (1..=u64::from(LIMIT_MAX)).contains(l))
                    .map(|l| q.limit = l as u32)
                    .ok_or(format!("must be an integer from 1 to {LIMIT_MAX}")),
                "offset" => parse_uint(value)
                    .filter(|o| *o <= OFFSET_MAX)
                    .map(|o| q.offset = o)
                    .ok_or("must be an integer of 0 or more".into()),
                _ => Ok(()),
            };
            if let Err(message) = result {
                errors.insert(name.into(), message);
            }
        }
        if errors.is_empty() { Ok(q) } else { Err(ApiError::invalid_query(errors)) }
    }
}

impl ListQuery {
    /// What the SQL text of this query depends on (not the values it binds): its status, sort,
    /// direction, and which of `q`, `priority` and `tag` are present. Equal shapes, equal SQL.
    pub fn shape(&self) -> u16 {
        let status = self.status as u16; // 0..=2
        let sort = self.sort as u16; // 0..=4
        let flags = [self.descending, self.q.is_some(), self.priority.is_some(), self.tag.is_some()];
        flags.iter().fold(status * 5 + sort, |acc, f| (acc << 1) | u16::from(*f))
    }
}

/// The value paired with `name`, if any.
fn one_of<T: Copy>(name: &str, choices: &[(&str, T)]) -> Option<T> {
    choices.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// Canonical decimal digits only (no sign, no spaces); leading zeros are tolerated.
fn parse_uint(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> Result<ListQuery, Vec<String>> {
        ListQuery::parse(q.iter().copied()).map_err(|e| e.fields.unwrap().into_keys().collect())
    }

    #[test]
    fn defaults() {
        assert_eq!(parse(&[]), Ok(ListQuery::default()));
        assert_eq!(parse(&[("unknown", "x")]), Ok(ListQuery::default()));
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let bad = [
            ("status", "done"),
            ("sort", "x"),
            ("order", "up"),
            ("priority", "p"),
            ("tag", ""),
            ("limit", "0"),
            ("offset", "-1"),
        ];
        assert_eq!(parse(&bad).unwrap_err(), ["limit", "offset", "order", "priority", "sort", "status", "tag"]);
    }

    #[test]
    fn limit_edges() {
        assert_eq!(parse(&[("limit", "1")]).unwrap().limit, 1);
        assert_eq!(parse(&[("limit", "200")]).unwrap().limit, 200);
        assert!(parse(&[("limit", "201")]).is_err());
        assert!(parse(&[("limit", "1.5")]).is_err());
        assert!(parse(&[("limit", "99999999999999999999")]).is_err());
    }

    #[test]
    fn shapes_differ_when_the_sql_would() {
        let shape = |q: &[(&str, &str)]| parse(q).unwrap().shape();
        let queries: [&[(&str, &str)]; 9] = [
            &[],
            &[("order", "asc")],
            &[("status", "pending")],
            &[("status", "completed")],
            &[("sort", "title")],
            &[("q", "x")],
            &[("priority", "low")],
            &[("tag", "t")],
            &[("status", "pending"), ("sort", "priority"), ("q", "x"), ("priority", "low"), ("tag", "t")],
        ];
        let shapes: std::collections::BTreeSet<u16> = queries.iter().map(|q| shape(q)).collect();
        assert_eq!(shapes.len(), queries.len());
        // Values do not change the shape (they are bound, not spliced).
        assert_eq!(shape(&[("q", "a"), ("limit", "5")]), shape(&[("q", "b"), ("offset", "10")]));
        assert_eq!(shape(&[("priority", "low")]), shape(&[("priority", "high")]));
    }

    #[test]
    fn repeated_parameter_is_invalid() {
        assert_eq!(parse(&[("limit", "1"), ("limit", "2")]).unwrap_err(), ["limit"]);
    }
}
