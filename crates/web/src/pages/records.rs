//! Innovation records pages: achievements, patents (with the import), skills and methods, titles,
//! and the record pages of a person and a unit. Thin handlers over `ingot_app::innovation`.
//!
//! Each kind of record has its own file below; this one keeps what they share (the list's query,
//! finding a unit by its code, the download of a file) and re-exports the handlers for the route
//! table.

mod achievements;
mod holdings;
mod patents;
mod skills;
mod titles;

pub use achievements::{
    achievement, achievements, attach, claim, create_achievement, download, link, verify,
};
pub use holdings::{person, unit};
pub use patents::{create_patent, import_patents, patents};
pub use skills::{create_skill, skills};
pub use titles::{create_title, titles};

use super::query_url;
use crate::ctx::PageCtx;
use axum::response::Response;
use ingot_store::innovation::RecordFilter;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub year: String,
    pub kind: String,
    pub page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> RecordFilter {
        RecordFilter {
            year: self.year.trim().parse().ok(),
            kind: Some(self.kind.trim().to_string()).filter(|k| !k.is_empty()),
            text: Some(self.q.trim().to_string()).filter(|t| !t.is_empty()),
            ..Default::default()
        }
    }

    fn url(&self, path: &str) -> String {
        query_url(
            path,
            &[("q", &self.q), ("year", &self.year), ("kind", &self.kind)],
        )
    }

    fn export(&self, path: &str, format: &str) -> String {
        query_url(
            path,
            &[
                ("q", &self.q),
                ("year", &self.year),
                ("kind", &self.kind),
                ("format", format),
            ],
        )
    }
}

/// The reader's own organisation, the unit a new record's form starts with.
fn own_unit(ctx: &PageCtx) -> String {
    ctx.actor
        .as_ref()
        .map(|a| a.org_id.to_string())
        .unwrap_or_default()
}

/// The bytes as a download with their checked type, never sniffed, and a safe UTF-8 name.
pub fn file_response(filename: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        crate::forms::encode(filename)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use crate::forms::SentForm;
    use crate::forms::decode_form;
    use ingot_app::innovation::{AchievementInput, SkillInput};
    use ingot_domain::AppError;

    #[test]
    fn the_form_and_the_api_send_one_achievement() {
        let form: AchievementInput = decode_form(
            "_csrf=t&unit_id=12&title=x&kind=equipment&year=&completers=dl.liu.gang\
             &completers=dl.wang.lei&completers="
                .as_bytes(),
        )
        .unwrap();
        let json: AchievementInput = serde_json::from_value(serde_json::json!({
            "unit_id": 12, "title": "x", "kind": "equipment",
            "completers": ["dl.liu.gang", "dl.wang.lei", ""], "patent_ids": [3]}))
        .unwrap();
        assert_eq!(form.unit_id, Some(ingot_domain::OrgId(12)));
        assert_eq!(form.year, None, "an empty year is no year");
        assert_eq!(form.completers, json.completers);
        assert_eq!(json.patent_ids, [ingot_domain::PatentId(3)]);
        assert!(
            serde_json::from_value::<AchievementInput>(serde_json::json!({"year": "2021"}))
                .is_err(),
            "a year is a number"
        );
    }

    #[test]
    fn a_field_the_command_lacks_is_named() {
        let Err(AppError::Validation(errors)) =
            decode_form::<SkillInput>(b"_csrf=t&unit=CN-LN-DL&trained_count=12")
        else {
            panic!("the old unit code field must be refused");
        };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("unit", "unknown_field")
        );
        let Err(AppError::Validation(errors)) = decode_form::<SkillInput>(b"trained_count=twelve")
        else {
            panic!("a word where a number belongs must be refused");
        };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("trained_count", "wrong_type")
        );
    }

    #[test]
    fn repeated_inputs_show_what_was_typed_and_room_for_more() {
        let typed = SentForm::of(b"completers=a&completers=&completers=b");
        let lines: Vec<(String, &str)> = typed
            .lines("completers", 3)
            .into_iter()
            .map(|l| (l.field, l.value))
            .collect();
        assert_eq!(
            lines,
            [
                ("completers[0]".to_string(), "a"),
                ("completers[1]".to_string(), "b"),
                ("completers[2]".to_string(), "")
            ]
        );
        assert_eq!(SentForm::default().lines("trainees", 2).len(), 2);
        assert_eq!(
            SentForm::with(&[("kind", "process".into())]).get("kind"),
            "process"
        );
    }
}
