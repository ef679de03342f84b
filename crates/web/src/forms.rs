//! Form helpers: percent-encoding, safe redirects, and errors laid out per field.

use crate::i18n::Catalogs;
use ingot_domain::{AppError, Lang};
use std::collections::HashMap;

pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(v)) => {
                out.push(v);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

    /// Problems of fields the form does not show, naming the field (reported at the top).
    pub fn others(&self, shown: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = self
            .fields
            .iter()
            .filter(|(k, _)| !shown.contains(&k.as_str()))
            .flat_map(|(_, v)| v.iter().map(|(_, named)| named.clone()))
            .collect();
        out.sort();
        out
    }
}

/// Whether an error belongs on the form (re-render it) rather than on an error page.
pub fn is_form_error(e: &AppError) -> bool {
    matches!(e, AppError::Validation(_) | AppError::Conflict { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_coding_round_trips() {
        for s in ["/orgs/5?q=北方 稀土&x=1", "a+b", "100%", "%zz", "%4"] {
            assert_eq!(decode(&encode(s)), s);
        }
        assert_eq!(decode("a+b%20c%E5%8C%97"), "a b c北");
        assert_eq!(decode("%"), "%");
        assert_eq!(decode("%4"), "%4");
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
    use super::{decode, encode};
    use proptest::prelude::*;

    /// Query strings as browsers and attackers send them: escapes whole, cut short or
    /// malformed, pluses, and raw multi-byte characters.
    fn query_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "%[0-9a-fA-F]{2}",
            "%[0-9a-zA-Z]{0,2}",
            Just("+".to_string()),
            Just("%E5%8C".to_string()),
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn decoding_any_text_never_panics(text in prop_oneof![query_text(), any::<String>()]) {
            let decoded = decode(&text);
            // Without escapes or pluses there is nothing to decode.
            if !text.contains(['%', '+']) {
                prop_assert_eq!(decoded, text);
            }
        }

        #[test]
        fn encoding_round_trips_and_stays_url_safe(text in any::<String>()) {
            let encoded = encode(&text);
            prop_assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
            prop_assert_eq!(decode(&encoded), text);
        }
    }
}
