//! The rules of a task's fields: the limits (also stated in `openapi.json`, which a test
//! checks) and each field's validation, with the message a 422 names it by.

use serde_json::Value;

use crate::model::Priority;

/// Title length after trimming, in characters.
pub const TITLE_MAX: usize = 200;
/// Description length, in characters.
pub const DESCRIPTION_MAX: usize = 1000;
/// Tags per task.
pub const TAGS_MAX: usize = 10;
/// Tag length, in characters.
pub const TAG_MAX: usize = 30;

/// `title`: a string, 1 to [`TITLE_MAX`] characters after trimming (returned trimmed).
pub fn title(v: &Value) -> Result<String, String> {
    let s = v.as_str().ok_or("must be a string")?.trim();
    let n = s.chars().count();
    if n == 0 || n > TITLE_MAX {
        return Err(format!("must be 1-{TITLE_MAX} characters after trimming"));
    }
    Ok(s.to_owned())
}

/// `completed`: `true` or `false`.
pub fn completed(v: &Value) -> Result<bool, String> {
    v.as_bool().ok_or("must be true or false".into())
}

/// `priority`: `low`, `medium` or `high`.
pub fn priority(v: &Value) -> Result<Priority, String> {
    v.as_str().and_then(Priority::parse).ok_or("must be one of low, medium, high".into())
}

/// `description`: at most [`DESCRIPTION_MAX`] characters, or `null`.
pub fn description(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.chars().count() <= DESCRIPTION_MAX => Ok(Some(s.clone())),
        Value::String(_) => Err(format!("must be at most {DESCRIPTION_MAX} characters")),
        _ => Err("must be a string or null".into()),
    }
}

/// `due_date`: a calendar date ([`is_date`]), or `null`.
pub fn due_date(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if is_date(s) => Ok(Some(s.clone())),
        _ => Err("must be a calendar date YYYY-MM-DD, or null".into()),
    }
}

/// `tags`: at most [`TAGS_MAX`] distinct strings of 1 to [`TAG_MAX`] characters.
pub fn tags(v: &Value) -> Result<Vec<String>, String> {
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

    #[test]
    fn the_openapi_document_states_these_rules() {
        let doc: Value = serde_json::from_str(include_str!("../../openapi.json")).unwrap();
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
