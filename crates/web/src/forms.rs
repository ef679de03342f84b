//! Form helpers: percent-encoding, safe redirects, and errors laid out per field.

use crate::i18n::Catalogs;
use ingot_domain::{AppError, Lang};
use std::collections::HashMap;

/// Everything but RFC 3986's unreserved characters, which stay as they are.
const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query value or a filename (`filename*=UTF-8''...`).
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

/// Decodes a urlencoded form into a command's wire struct (the one the API takes as JSON):
/// repeated names become lists, empty values of optional fields become `None`, and a value
/// that does not fit its field is a problem of that field. The CSRF token is the form's, not
/// the command's, so a struct refusing unknown fields still takes the form.
pub fn decode_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut track = serde_path_to_error::Track::new();
    let without_token = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(body).filter(|(name, _)| name != crate::csrf::FIELD))
        .finish();
    let pairs = form_urlencoded::parse(without_token.as_bytes());
    let deserializer = serde_html_form::Deserializer::new(pairs);
    serde::Deserialize::deserialize(serde_path_to_error::Deserializer::new(
        deserializer,
        &mut track,
    ))
    .map_err(|e: serde_html_form::de::Error| {
        AppError::Validation(vec![decoding_problem(track, "wrong_type", &e)])
    })
}

/// The problem of a body that did not decode into its wire struct: a field the wire struct
/// refuses (`unknown_field`, named by its own path), the field the decoder had reached
/// (`lines[1].quota`) with `wrong_type`, or, when it had reached none, `body` with `body_code`;
/// the decoder's own words go along as `detail`.
pub fn decoding_problem(
    track: serde_path_to_error::Track,
    body_code: &'static str,
    error: &dyn std::fmt::Display,
) -> ingot_domain::FieldError {
    let path = track.path().to_string();
    let message = error.to_string();
    if let Some(field) = unknown_field(&path, &message) {
        return ingot_domain::FieldError::new(field, "unknown_field");
    }
    if let Some(field) = missing_field(&path, &message) {
        return ingot_domain::FieldError::new(field, "required");
    }
    let problem = if path.is_empty() || path == "." {
        ingot_domain::FieldError::new("body", body_code)
    } else {
        ingot_domain::FieldError::new(path, "wrong_type")
    };
    problem.with("detail", message)
}

/// The field a wire struct refused (`#[serde(deny_unknown_fields)]`), read from serde's own
/// message, so that the problem names the field, not the body. The path where decoding failed
/// already ends with the refused key (`areas[0].extra`) when the decoder captured it.
pub fn unknown_field(path: &str, message: &str) -> Option<String> {
    field_named(path, message, "unknown field `")
}

/// The field a wire struct needs and did not get, read from serde's own message.
fn missing_field(path: &str, message: &str) -> Option<String> {
    field_named(path, message, "missing field `")
}

/// The field serde's message names after `prefix`, as a path below where decoding stopped.
fn field_named(path: &str, message: &str, prefix: &str) -> Option<String> {
    let name = message.strip_prefix(prefix)?.split('`').next()?;
    Some(match path {
        "" | "." => name.to_string(),
        p if p == name || p.ends_with(&format!(".{name}")) => p.to_string(),
        parent => format!("{parent}.{name}"),
    })
}

/// The values a form was sent with, repeated names kept (checkbox groups), to show the form again
/// beside its errors and to read the page's own navigation fields. Commands never read it: they
/// decode their wire struct with `decode_form`.
#[derive(Debug, Default, Clone)]
pub struct SentForm(Vec<(String, String)>);

impl SentForm {
    pub fn of(body: &[u8]) -> Self {
        SentForm(form_urlencoded::parse(body).into_owned().collect())
    }

    /// A blank form with these values filled in.
    pub fn with(pairs: &[(&str, String)]) -> Self {
        SentForm(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether `value` was sent for `key` (a ticked box of a group).
    pub fn has_value(&self, key: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && v == value)
    }

    pub fn id(&self, key: &str) -> Option<i64> {
        self.get(key).trim().parse().ok()
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), "1" | "true" | "on" | "yes")
    }

    /// The values of a repeated input, one per line of the form: those typed, then empty lines
    /// up to `lines` and at least one more. Each line names the field its problems belong to.
    pub fn lines(&self, name: &str, lines: usize) -> Vec<Line<'_>> {
        let mut values: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        let total = lines.max(values.len() + 1);
        values.resize(total, "");
        values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Line {
                field: format!("{name}[{i}]"),
                value,
            })
            .collect()
    }
}

/// One line of a repeated input: `completers[0]` and what was typed there.
pub struct Line<'a> {
    pub field: String,
    pub value: &'a str,
}

/// An upload over the limit every form and API call shares.
pub fn file_too_large() -> AppError {
    AppError::Validation(vec![
        ingot_domain::FieldError::new("file", "file_too_large")
            .with("max_mb", ingot_app::files::MAX_FILE_BYTES / 1024 / 1024),
    ])
}

/// Only same-site paths may be redirect targets after sign-in or a language switch.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n']) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Problems of one form submission, translated, by field. Each entry keeps the message alone
/// (shown under its input) and the message naming the field (shown at the top).
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    fields: HashMap<String, Vec<(String, String)>>,
    pub general: Vec<String>,
}

impl FormErrors {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn from_error(catalogs: &Catalogs, lang: Lang, e: &AppError) -> Self {
        let mut errors = FormErrors::default();
        let field_errors = e.field_errors();
        if field_errors.is_empty() {
            errors.general.push(catalogs.error(lang, e));
        }
        for f in field_errors {
            let entry = (
                catalogs.field_message(lang, &f),
                catalogs.field_error(lang, &f),
            );
            errors
                .fields
                .entry(f.field.clone())
                .or_default()
                .push(entry);
        }
        errors
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    /// The messages for one field, to show under its input.
    pub fn of(&self, field: &str) -> Vec<&str> {
        self.fields
            .get(field)
            .map_or_else(Vec::new, |v| v.iter().map(|(m, _)| m.as_str()).collect())
    }

    /// The messages for the fields under one prefix (`participant_org_ids` for
    /// `participant_org_ids[2]`, `areas[0].` for a row), to show under the input they came from.
    pub fn under(&self, prefix: &str) -> Vec<&str> {
        let mut keys: Vec<&String> = self
            .fields
            .keys()
            .filter(|k| k.starts_with(prefix))
            .collect();
        keys.sort();
        keys.into_iter()
            .flat_map(|k| self.fields[k].iter().map(|(m, _)| m.as_str()))
            .collect()
    }

    /// Problems of fields the form does not show, naming the field (reported at the top).
    pub fn others(&self, shown: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = self
            .fields
            .iter()
            .filter(|(k, _)| !shown.iter().any(|s| field_shown(s, k)))
            .flat_map(|(_, v)| v.iter().map(|(_, named)| named.clone()))
            .collect();
        out.sort();
        out
    }
}

/// Whether the input `shown` shows the problems of `field`: the same name, or a prefix ending in
/// `[` or `.` that `under` reads (`areas[` shows `areas[0].code`).
fn field_shown(shown: &str, field: &str) -> bool {
    shown == field || (shown.ends_with(['[', '.']) && field.starts_with(shown))
}

/// Whether an error belongs on the form (re-render it) rather than on an error page.
pub fn is_form_error(e: &AppError) -> bool {
    matches!(e, AppError::Validation(_) | AppError::Conflict { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_decodes_into_the_wire_struct_the_api_takes() {
        let body = "_csrf=t&unit_id=12&lead=li.ming&kind=craftsman&name=%E5%8C%97%E6%96%B9+studio\
                    &fields=metallurgy&fields=refractories&founded_on=2019-05-01";
        let input: ingot_app::studios::StudioInput = decode_form(body.as_bytes()).unwrap();
        assert_eq!(input.unit_id, Some(ingot_domain::OrgId(12)));
        assert_eq!(input.name, "北方 studio");
        assert_eq!(input.fields, ["metallurgy", "refractories"]);
        assert_eq!(input.address, "", "a field left out takes its default");

        let empty: ingot_app::studios::StudioInput = decode_form(b"unit_id=&lead=x").unwrap();
        assert_eq!(empty.unit_id, None, "an empty choice is no choice");

        let Err(AppError::Validation(errors)) =
            decode_form::<ingot_app::studios::StudioInput>(b"unit_id=twelve")
        else {
            panic!("a word where an id belongs must be refused");
        };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("unit_id", "wrong_type")
        );
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/orgs/3")), "/orgs/3");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

#[cfg(test)]
mod percent_coding_properties {
    use super::encode;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn encoding_round_trips_through_a_form_parser_and_stays_url_safe(text in any::<String>()) {
            let encoded = encode(&text);
            prop_assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
            let query = format!("k={encoded}");
            let decoded: Vec<(String, String)> =
                form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            prop_assert_eq!(decoded, vec![("k".to_string(), text)]);
        }
    }
}
