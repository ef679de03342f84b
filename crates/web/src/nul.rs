//! PostgreSQL text cannot hold U+0000 (SQLite can), so a NUL character in a query parameter or a
//! JSON string is refused at the edge on both databases, naming the parameter or field, rather
//! than failing in the database as a 500. Browsers never send one from a text field.

use serde_json::Value;

/// The first query parameter whose name or value holds a NUL character.
pub fn query_parameter_with_nul(query: &str) -> Option<String> {
    if !query.contains("%00") && !query.contains('\0') {
        return None;
    }
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}

/// The path (`steps[2].name`) of the first string or key in a JSON value holding a NUL.
pub fn json_field_with_nul(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => s.contains('\0').then(String::new),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            json_field_with_nul(item).map(|rest| format!("[{i}]{}", dotted(&rest)))
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(k.replace('\0', ""));
            }
            json_field_with_nul(v).map(|rest| format!("{k}{}", dotted(&rest)))
        }),
        _ => None,
    }
}

fn dotted(rest: &str) -> String {
    if rest.is_empty() || rest.starts_with('[') {
        rest.to_string()
    } else {
        format!(".{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_parameter_or_field_holding_a_nul_is_named() {
        assert_eq!(query_parameter_with_nul("q=a&year=2020"), None);
        assert_eq!(
            query_parameter_with_nul("page=1&kind=%F0%9F%92%A1%00x"),
            Some("kind".into())
        );
        assert_eq!(json_field_with_nul(&json!({"a": "x", "b": 1})), None);
        assert_eq!(
            json_field_with_nul(
                &json!({"title": "ok", "steps": [{"name": "a"}, {"name": "b\u{0}"}]})
            ),
            Some("steps[1].name".into())
        );
        assert_eq!(json_field_with_nul(&json!(["\u{0}"])), Some("[0]".into()));
    }
}
