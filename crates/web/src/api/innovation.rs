//! `/achievements`, `/patents`, `/skills`, `/titles` and the record pages of people and units:
//! innovation records. Money is integer fen (`_cents`); dates are `YYYY-MM-DD`.
//!
//! This module keeps what the record kinds share: the route list (in the order that fixes the
//! OpenAPI document), the list filters and their parsing, and people as records name them; the
//! handlers live in `achievements`, `patents`, `import`, `transfer`, `skills`, `titles` and
//! `records`.

use super::ApiCtx;
use super::proposal_dto::SpreadsheetQuery;
use crate::AppState;
use crate::error::Failure;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::Caller;
use ingot_app::innovation::transfer::RecordKind;
use ingot_domain::{AppError, OrgId, UserId};
use ingot_store::innovation::{PersonRef, RecordFilter};
use ingot_store::{Page, Tx};
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
        .routes(routes!(
            achievements::get_achievement,
            achievements::update_achievement
        ))
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
        .routes(routes!(transfer::import_template))
        .routes(routes!(transfer::import_records))
        .routes(routes!(patents::get_patent, patents::update_patent))
        .routes(routes!(skills::list_skills, skills::create_skill))
        .routes(routes!(skills::export_skills))
        .routes(routes!(skills::get_skill, skills::update_skill))
        .routes(routes!(titles::list_titles, titles::create_title))
        .routes(routes!(titles::export_titles))
        .routes(routes!(titles::get_title, titles::update_title))
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
    /// Achievements only: the claimed level (domestic_first, domestic_leading, ...).
    pub level: Option<String>,
    /// Patents only: the status (applied, granted, rejected, lapsed).
    pub status: Option<String>,
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
        level: q.level.clone(),
        status: q.status.clone(),
        blind_to: None,
    })
}

/// One kind of record as a row of its export.
trait ExportRow {
    /// The export's file and sheet name.
    const NAME: &'static str;
    /// The export's columns, in the order of [`ExportRow::row`].
    const HEADERS: &'static [&'static str];

    fn row(self) -> Vec<String>;
}

/// One page of a list, as the use case found it.
struct Listed<T> {
    items: Vec<T>,
    total: i64,
    page: Page,
}

/// Declares a kind of record's list endpoint (one page as `$dto`, a list of `$item`) and its
/// export endpoint (CSV or XLSX), both over the use case `$case`; an export declared `as` a
/// [`RecordKind`] is written in the layout its import reads, headings in the reader's language.
/// The handlers' names and doc comments are the OpenAPI document's operation ids and
/// descriptions.
macro_rules! list_endpoints {
    (
        $(#[$list_doc:meta])* $list:ident($path:tt) -> $dto:ident of $item:ident;
        $(#[$export_doc:meta])* $export:ident($export_path:tt) $(as $kind:expr)?;
        $case:path
    ) => {
        $crate::api::list_dto!($dto, $item);

        $(#[$list_doc])*
        #[utoipa::path(get, path = $path, tag = "innovation", params(RecordQuery),
            responses((status = 200, body = $dto), (status = 401, body = ErrorBody)),
            security(("bearer" = []), ("session" = [])))]
        pub(super) async fn $list(
            State(state): State<AppState>,
            api: ApiCtx,
            Query(q): Query<RecordQuery>,
        ) -> Result<Json<$dto>, Failure> {
            let l = super::listed(&state, &api, &q, $case).await?;
            Ok(Json($dto::of(l.items, l.total, l.page)))
        }

        $(#[$export_doc])*
        #[utoipa::path(get, path = $export_path, tag = "innovation", params(RecordQuery, SpreadsheetQuery),
            responses(
                (status = 200, description = "The file", content(
                    (FileBytes = "text/csv"),
                    (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
                (status = 422, body = ErrorBody)),
            security(("bearer" = []), ("session" = [])))]
        pub(super) async fn $export(
            State(state): State<AppState>,
            api: ApiCtx,
            Query(q): Query<RecordQuery>,
            Query(f): Query<SpreadsheetQuery>,
        ) -> Result<Response, Failure> {
            list_endpoints!(@export state, api, q, f, $case $(, $kind)?)
        }
    };
    (@export $state:ident, $api:ident, $q:ident, $f:ident, $case:path) => {
        super::exported(&$state, &$api, (&$q, &$f), $case).await
    };
    (@export $state:ident, $api:ident, $q:ident, $f:ident, $case:path, $kind:expr) => {
        super::exported_as(&$state, &$api, (&$q, &$f), $kind).await
    };
}

/// The records `q` finds on `page`, as the use case `list` lists them for the caller, with the
/// total found.
async fn find<T>(
    state: &AppState,
    api: &ApiCtx,
    q: &RecordQuery,
    page: Page,
    list: impl AsyncFnOnce(&mut Tx, &Caller<'_>, RecordFilter, Page) -> Result<(Vec<T>, i64), AppError>,
) -> Result<(Vec<T>, i64), Failure> {
    let filter = filter_of(state, q).await?;
    let mut tx = state.db.read().await?;
    Ok(list(&mut tx, &api.caller(), filter, page).await?)
}

/// The page of records `q` asks for.
async fn listed<T>(
    state: &AppState,
    api: &ApiCtx,
    q: &RecordQuery,
    list: impl AsyncFnOnce(&mut Tx, &Caller<'_>, RecordFilter, Page) -> Result<(Vec<T>, i64), AppError>,
) -> Result<Listed<T>, Failure> {
    let page = Page::new(q.page, q.per_page, 50);
    let (items, total) = find(state, api, q, page, list).await?;
    Ok(Listed { items, total, page })
}

/// Every record `q` finds (up to [`EXPORT_MAX_ROWS`]) as a CSV or XLSX file.
async fn exported<T: ExportRow>(
    state: &AppState,
    api: &ApiCtx,
    (q, f): (&RecordQuery, &SpreadsheetQuery),
    list: impl AsyncFnOnce(&mut Tx, &Caller<'_>, RecordFilter, Page) -> Result<(Vec<T>, i64), AppError>,
) -> Result<Response, Failure> {
    let format = format_of(f)?;
    let all = Page {
        number: 1,
        size: EXPORT_MAX_ROWS,
    };
    let (items, _) = find(state, api, q, all, list).await?;
    let rows = items.into_iter().map(T::row).collect();
    Ok(
        crate::pages::orgs::spreadsheet_response(format, T::NAME, T::NAME, T::HEADERS, rows)
            .await?,
    )
}

/// Every record of `kind` that `q` finds, in the layout its import reads.
async fn exported_as(
    state: &AppState,
    api: &ApiCtx,
    (q, f): (&RecordQuery, &SpreadsheetQuery),
    kind: RecordKind,
) -> Result<Response, Failure> {
    let format = format_of(f)?;
    let filter = filter_of(state, q).await?;
    let filter = ingot_app::innovation::transfer::records_filter(&api.caller(), filter);
    Ok(crate::transfer::export(state, api.lang, kind, filter, format).await?)
}

/// Runs `change` for the caller in one write transaction, committed when it succeeds.
async fn in_tx<T>(
    state: &AppState,
    api: &ApiCtx,
    change: impl AsyncFnOnce(&mut Tx, &Caller<'_>) -> Result<T, AppError>,
) -> Result<T, Failure> {
    let mut tx = state.db.begin().await?;
    let value = change(&mut tx, &api.caller()).await?;
    tx.commit().await?;
    Ok(value)
}

/// A record just created, as `201 Created`.
fn created(dto: impl Serialize) -> Response {
    (StatusCode::CREATED, Json(dto)).into_response()
}

pub(super) fn format_of(f: &SpreadsheetQuery) -> Result<&str, Failure> {
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
mod transfer;
