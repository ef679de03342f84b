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
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use axum::response::Response;
use ingot_domain::{AppError, OrgId};
use ingot_store::innovation::RecordFilter;
use ingot_store::{Tx, orgs};

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

/// An organisation typed by its code, as shown in the tree.
async fn org_by_code(tx: &mut Tx, code: &str) -> Result<Option<OrgId>, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    Ok(orgs::get_by_code(tx, code).await?.map(|o| o.id))
}

async fn own_org_code(state: &AppState, ctx: &PageCtx) -> Result<String, Failure> {
    let Some(actor) = &ctx.actor else {
        return Ok(String::new());
    };
    let mut tx = state.db.read().await?;
    Ok(orgs::get(&mut tx, actor.org_id)
        .await?
        .map(|o| o.code)
        .unwrap_or_default())
}

fn list_words(raw: &str) -> Vec<String> {
    raw.split([',', '，', ';', '；', '\n', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
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
