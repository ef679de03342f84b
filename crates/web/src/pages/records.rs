//! Innovation records pages: achievements, patents (with the import), skills and methods, titles,
//! and the record pages of a person and a unit. Thin handlers over `ingot_app::innovation`.
//!
//! Each kind of record has its own file below; this one keeps what they share (the list's query,
//! finding a unit by its code, the download of a file) and re-exports the handlers for the route
//! table.

mod achievement_edit;
mod achievements;
mod holdings;
mod patent;
mod patents;
mod skill;
mod skills;
mod title;
mod titles;
mod transfer;

pub use achievement_edit::{edit_form as edit_achievement, update as update_achievement};
pub use achievements::{
    achievement, achievements, attach, claim, create_achievement, download, link, verify,
};
pub use holdings::{person, unit};
pub use patent::{edit_form as edit_patent, patent, update as update_patent};
pub use patents::{create_patent, import_patents, patents};
pub use skill::{edit_form as edit_skill, skill, update as update_skill};
pub use skills::{create_skill, skills};
pub use title::{edit_form as edit_title, title, update as update_title};
pub use titles::{create_title, titles};
pub use transfer::{import as import_records, import_form, template as import_template};

use super::{Pager, answer, filters, in_tx, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::Caller;
use ingot_domain::org::Organisation;
use ingot_domain::{AppError, OrgScope};
use ingot_store::innovation::RecordFilter;
use ingot_store::{Page, Tx};
use serde::de::DeserializeOwned;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub year: String,
    pub kind: String,
    /// An organisation's id: only the records of its subtree (a report's figure leads here).
    pub unit: String,
    /// Achievements: the claimed level.
    pub level: String,
    /// Patents: the status.
    pub status: String,
    pub page: Option<i64>,
}

fn given(raw: &str) -> Option<String> {
    Some(raw.trim().to_string()).filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The filter the query asks for; its unit, if any, read from the database.
    async fn filter(&self, state: &AppState) -> Result<RecordFilter, AppError> {
        Ok(RecordFilter {
            within: filters::unit_path(state, &self.unit)
                .await?
                .map(|path| OrgScope::of([path])),
            year: self.year.trim().parse().ok(),
            kind: given(&self.kind),
            text: given(&self.q),
            level: given(&self.level),
            status: given(&self.status),
            ..Default::default()
        })
    }

    fn pairs(&self) -> [(&'static str, &str); 6] {
        [
            ("q", &self.q),
            ("year", &self.year),
            ("kind", &self.kind),
            ("unit", &self.unit),
            ("level", &self.level),
            ("status", &self.status),
        ]
    }

    fn url(&self, path: &str) -> String {
        query_url(path, &self.pairs())
    }

    /// The export of the same records from the API, whose unit parameter is `unit_id`.
    fn export(&self, path: &str, format: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs()
            .into_iter()
            .map(|(k, v)| (if k == "unit" { "unit_id" } else { k }, v))
            .collect();
        pairs.push(("format", format));
        query_url(path, &pairs)
    }
}

/// One page of a kind of record as its list page shows it: the filters, the records found and
/// their total, the pager and the export links.
pub struct RecordList<T> {
    pub q: ListQuery,
    pub items: Vec<T>,
    pub total: i64,
    pub pager: Pager,
    pub export_csv: String,
    pub export_xlsx: String,
    /// The import page of this kind, for those who keep its records.
    pub import: Option<String>,
}

/// The list page of a kind of record at `path` (`/skills`): page `q` of the records the use case
/// `list` finds for the reader and the units the new record's form offers (`units`), laid out by
/// `show`.
async fn list_page<T, P: Template>(
    state: &AppState,
    ctx: PageCtx,
    (q, path): (ListQuery, &str),
    list: impl AsyncFnOnce(&mut Tx, &Caller<'_>, RecordFilter, Page) -> Result<(Vec<T>, i64), AppError>,
    units: impl AsyncFnOnce(&mut Tx, &Caller<'_>) -> Result<Vec<Organisation>, AppError>,
    status: StatusCode,
    show: impl FnOnce(PageCtx, RecordList<T>, Vec<Organisation>) -> P,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let filter = q.filter(state).await?;
    let mut tx = state.db.read().await?;
    let (items, total) = list(&mut tx, &caller, filter, page).await?;
    let units = units(&mut tx, &caller).await?;
    drop(tx);
    let export = format!("/api/v1{path}/export");
    let import = ingot_app::innovation::transfer::RecordKind::parse(path.trim_start_matches('/'))
        .filter(|_| !units.is_empty())
        .map(|k| format!("/records/import?kind={}", k.as_str()));
    let list = RecordList {
        import,
        pager: Pager::new(&ctx, &q.url(path), page, total),
        export_csv: q.export(&export, "csv"),
        export_xlsx: q.export(&export, "xlsx"),
        q,
        items,
        total,
    };
    Ok(render(status, &show(ctx, list, units)))
}

/// A new record from the form of its list page: decoded into the command `I` and saved by
/// `create`, then on to the page `to` names; or the list page again (`again`) with the form as
/// sent and its problems.
async fn create_from_form<I: DeserializeOwned, T>(
    state: &AppState,
    ctx: PageCtx,
    body: &[u8],
    create: impl AsyncFnOnce(&mut Tx, &Caller<'_>, &I) -> Result<T, AppError>,
    to: impl FnOnce(&T) -> String,
    again: impl AsyncFnOnce(PageCtx, SentForm, FormErrors, StatusCode) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    let result = in_tx(state, &ctx, async |tx, caller| {
        let input: I = decode_form(body)?;
        create(tx, caller, &input).await
    })
    .await;
    let to = result.as_ref().map_or(String::new(), to);
    answer(ctx, result, &to, "saved", async |ctx, errors, status| {
        again(ctx, SentForm::of(body), errors, status).await
    })
    .await
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

/// The record pages' routes: achievements, patents, skills and methods, titles, their import and
/// the record pages of people and units.
pub fn routes(routes: crate::access::Routes) -> crate::access::Routes {
    use crate::access::Gate::{Record, Role, SignedIn};
    use crate::pages::records;
    use axum::http::Method;
    use axum::routing::post;
    use ingot_app::reach::Target;
    const RECORDS: &[ingot_domain::policy::Action] =
        &[ingot_domain::policy::Action::ManageInnovationRecords];
    routes
        .get("/achievements", SignedIn, records::achievements)
        .post("/achievements", Role(RECORDS), records::create_achievement)
        .get("/achievements/{id}", SignedIn, records::achievement)
        .get(
            "/achievements/{id}/edit",
            Record(Target::Achievement),
            records::edit_achievement,
        )
        .post(
            "/achievements/{id}/edit",
            Record(Target::Achievement),
            records::update_achievement,
        )
        .post(
            "/achievements/{id}/link",
            Record(Target::Achievement),
            records::link,
        )
        .post(
            "/achievements/{id}/benefit",
            Record(Target::Achievement),
            records::claim,
        )
        .post(
            "/achievements/{id}/verify",
            Record(Target::Achievement),
            records::verify,
        )
        .route(
            Method::POST,
            "/achievements/{id}/attachments",
            Record(Target::Achievement),
            post(records::attach).layer(axum::extract::DefaultBodyLimit::max(
                ingot_app::files::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .get("/achievement-files/{id}", SignedIn, records::download)
        .get("/patents", SignedIn, records::patents)
        .post("/patents", Role(RECORDS), records::create_patent)
        .post("/patents/import", Role(RECORDS), records::import_patents)
        .get("/patents/{id}", SignedIn, records::patent)
        .get(
            "/patents/{id}/edit",
            Record(Target::Patent),
            records::edit_patent,
        )
        .post(
            "/patents/{id}/edit",
            Record(Target::Patent),
            records::update_patent,
        )
        .get("/skills", SignedIn, records::skills)
        .post("/skills", Role(RECORDS), records::create_skill)
        .get("/skills/{id}", SignedIn, records::skill)
        .get(
            "/skills/{id}/edit",
            Record(Target::Skill),
            records::edit_skill,
        )
        .post(
            "/skills/{id}/edit",
            Record(Target::Skill),
            records::update_skill,
        )
        .get("/titles", SignedIn, records::titles)
        .post("/titles", Role(RECORDS), records::create_title)
        .get("/titles/{id}", SignedIn, records::title)
        .get(
            "/titles/{id}/edit",
            Record(Target::Title),
            records::edit_title,
        )
        .post(
            "/titles/{id}/edit",
            Record(Target::Title),
            records::update_title,
        )
        .get("/records/import", Role(RECORDS), records::import_form)
        .post("/records/import", Role(RECORDS), records::import_records)
        .get(
            "/records/import/template",
            SignedIn,
            records::import_template,
        )
        .get("/records/people/{id}", SignedIn, records::person)
        .get("/records/orgs/{id}", SignedIn, records::unit)
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
