//! `/achievements`, `/patents`, `/skills`, `/titles` and the record pages of people and units:
//! innovation records. Money is integer fen (`_cents`); dates are `YYYY-MM-DD`.
//!
//! This module keeps what the record kinds share: the route list (in the order that fixes the
//! OpenAPI document), the list filters and their parsing, and people as records name them; the
//! handlers live in `achievements`, `patents`, `import`, `skills`, `titles` and `records`.

use super::proposal_dto::SpreadsheetQuery;
use crate::AppState;
use crate::error::Failure;
use ingot_domain::{AppError, OrgId, UserId};
use ingot_store::Page;
use ingot_store::innovation::{PersonRef, RecordFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const EXPORT_MAX_ROWS: i64 = 10_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            achievements::list_achievements,
            achievements::create_achievement
        ))
        .routes(routes!(achievements::export_achievements))
        .routes(routes!(achievements::get_achievement))
        .routes(routes!(achievements::link_patent))
        .routes(routes!(achievements::link_proposal))
        .routes(routes!(achievements::claim_benefit))
        .routes(routes!(achievements::verify_benefit))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(achievements::upload_attachment))
                .layer(axum::extract::DefaultBodyLimit::max(
                    ingot_app::files::MAX_FILE_BYTES + 64 * 1024,
                )),
        )
        .routes(routes!(achievements::download_attachment))
        .routes(routes!(patents::list_patents, patents::create_patent))
        .routes(routes!(patents::export_patents))
        .routes(routes!(import::import_patents))
        .routes(routes!(patents::get_patent))
        .routes(routes!(skills::list_skills, skills::create_skill))
        .routes(routes!(skills::export_skills))
        .routes(routes!(skills::get_skill))
        .routes(routes!(titles::list_titles, titles::create_title))
        .routes(routes!(titles::export_titles))
        .routes(routes!(titles::honour_check))
        .routes(routes!(records::person_records))
        .routes(routes!(records::unit_records))
        .routes(routes!(records::year_figures))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Only records of this organisation's subtree.
    pub unit_id: Option<i64>,
    pub year: Option<i64>,
    /// A kind code (achievements: process, equipment, material, method, software; patents:
    /// invention, utility_model, design; skills: unique_skill, operation_method; titles: a level).
    pub kind: Option<String>,
    /// Words in the title (and, for patents, the number or inventors).
    pub q: Option<String>,
    /// Only records naming this person.
    pub person_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordPersonRefDto)]
pub struct PersonRefDto {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// 1 for the first completer; 0 where there is no ranking (trainees).
    pub rank: i64,
}

impl From<PersonRef> for PersonRefDto {
    fn from(p: PersonRef) -> Self {
        PersonRefDto {
            user_id: p.user_id,
            username: p.username,
            display_name: p.display_name,
            rank: p.rank,
        }
    }
}

async fn filter_of(state: &AppState, q: &RecordQuery) -> Result<RecordFilter, Failure> {
    let within = match q.unit_id {
        Some(id) => {
            let mut tx = state.db.read().await?;
            Some(ingot_app::innovation::within_unit(&mut tx, OrgId(id)).await?)
        }
        None => None,
    };
    Ok(RecordFilter {
        scope: None,
        within,
        year: q.year,
        kind: q.kind.clone(),
        text: q.q.clone(),
        person: q.person_id.map(UserId),
        blind_to: None,
    })
}

fn page_of(q: &RecordQuery) -> Page {
    Page::new(q.page, q.per_page, 50)
}

fn export_page() -> Page {
    Page {
        number: 1,
        size: EXPORT_MAX_ROWS,
    }
}

fn format_of(f: &SpreadsheetQuery) -> Result<&str, Failure> {
    match f.format.as_deref().unwrap_or("xlsx") {
        "csv" => Ok("csv"),
        "xlsx" => Ok("xlsx"),
        _ => Err(Failure(AppError::Validation(vec![
            ingot_domain::FieldError::new("format", "unknown_option").with("allowed", "csv, xlsx"),
        ]))),
    }
}

mod achievements;
mod import;
mod patents;
mod records;
mod skills;
mod titles;
