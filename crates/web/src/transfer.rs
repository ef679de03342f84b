//! Records in and out as spreadsheets, shared by the pages and the API: the template of a kind,
//! its export (CSV streamed a batch at a time, so a list of any length costs the same memory;
//! XLSX built whole, up to a bound), and the import with its report or its marked workbook.
//! Headings and coded values are in the reader's language; an import reads either language.

use crate::AppState;
use crate::i18n::Catalogs;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ingot_app::Caller;
use ingot_app::innovation::transfer::{
    self, Column, ExportFilter, ImportChoice, RecordImportReport, RecordKind, Vocabulary,
    extra_columns,
};
use ingot_domain::{AppError, FieldError, Lang};
use ingot_office::{Mark, Table};

/// Records read per statement while exporting.
const BATCH: i64 = 1_000;
/// An XLSX export is built in memory; past this many rows, CSV (streamed) is the way.
pub const XLSX_MAX_ROWS: usize = 50_000;

/// The kind named by a form or query field, or the problem of that field.
pub fn kind_of(raw: &str) -> Result<RecordKind, AppError> {
    RecordKind::parse(raw).ok_or_else(|| {
        AppError::Validation(vec![
            FieldError::new("kind", "unknown_option").with(
                "allowed",
                RecordKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ])
    })
}

/// How headings and codes are written in either language.
pub fn vocabulary(catalogs: &Catalogs, kind: RecordKind) -> Vocabulary {
    Vocabulary::of(kind, |key| {
        [Lang::En, Lang::Zh]
            .iter()
            .filter_map(|&lang| catalogs.get(lang, key).map(str::to_string))
            .collect()
    })
}

fn all_columns(kind: RecordKind) -> impl Iterator<Item = &'static Column> {
    kind.columns().iter().chain(extra_columns(kind))
}

/// The headings of an export (the import's columns, then the export's own), in `lang`.
fn headings(catalogs: &Catalogs, lang: Lang, kind: RecordKind, with_extras: bool) -> Vec<String> {
    let columns: Vec<&Column> = if with_extras {
        all_columns(kind).collect()
    } else {
        kind.columns().iter().collect()
    };
    columns
        .iter()
        .map(|c| catalogs.t(lang, c.label).to_string())
        .collect()
}

/// A row with each code shown as its label in `lang`.
fn shown(catalogs: &Catalogs, lang: Lang, kind: RecordKind, mut row: Vec<String>) -> Vec<String> {
    for (cell, column) in row.iter_mut().zip(all_columns(kind)) {
        let Some(values) = column.values.as_ref().filter(|_| !cell.is_empty()) else {
            continue;
        };
        let label = |code: &str| {
            catalogs
                .t(lang, &format!("{}.{code}", values.labels))
                .to_string()
        };
        *cell = if column.many {
            let labels: Vec<String> = ingot_domain::validate::list_items(cell)
                .map(label)
                .collect();
            labels.join(", ")
        } else {
            label(cell)
        };
    }
    row
}

/// `body`, streamed, as a download named `file`.
fn attachment(content_type: &'static str, file: &str, body: Body) -> Result<Response, AppError> {
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(AppError::internal)?,
            ),
        ],
        body,
    )
        .into_response())
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

/// The empty file a kind is imported from, its headings in `lang`.
pub async fn template(
    catalogs: &Catalogs,
    lang: Lang,
    kind: RecordKind,
    format: &str,
) -> Result<Response, AppError> {
    let headings = headings(catalogs, lang, kind, false);
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    let name = format!("{}-template", kind.as_str());
    crate::pages::orgs::spreadsheet_response(format, &name, &name, &headings, Vec::new()).await
}

/// Every row of `kind` that `filter` (already narrowed to what the reader may read) finds, as
/// CSV (streamed) or XLSX.
pub async fn export(
    state: &AppState,
    lang: Lang,
    kind: RecordKind,
    filter: ExportFilter,
    format: &str,
) -> Result<Response, AppError> {
    let headings = headings(&state.catalogs, lang, kind, true);
    if format == "csv" {
        return stream_csv(state.clone(), lang, kind, filter, headings);
    }
    let mut rows = Vec::new();
    let mut after = Some(0);
    while let Some(from) = after {
        let mut tx = state.db.read().await?;
        let batch = transfer::export_batch(&mut tx, (kind, &filter), from, BATCH).await?;
        drop(tx);
        rows.extend(
            batch
                .rows
                .into_iter()
                .map(|r| shown(&state.catalogs, lang, kind, r)),
        );
        if rows.len() > XLSX_MAX_ROWS {
            return Err(AppError::Validation(vec![
                FieldError::new("format", "xlsx_too_many_rows").with("max", XLSX_MAX_ROWS),
            ]));
        }
        after = batch.next;
    }
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    let name = kind.as_str();
    crate::pages::orgs::spreadsheet_response("xlsx", name, name, &headings, rows).await
}

/// CSV sent as it is read: the heading, then a batch of rows per statement, each batch in its
/// own short read transaction so that a long download holds no connection between batches.
fn stream_csv(
    state: AppState,
    lang: Lang,
    kind: RecordKind,
    filter: ExportFilter,
    headings: Vec<String>,
) -> Result<Response, AppError> {
    let head: Vec<&str> = headings.iter().map(String::as_str).collect();
    let first = Bytes::from(ingot_office::write_csv(&head, &[]));
    let batches = futures_util::stream::unfold(Some(0i64), move |after| {
        let (state, filter) = (state.clone(), filter.clone());
        async move {
            let from = after?;
            let read = async {
                let mut tx = state.db.read().await?;
                transfer::export_batch(&mut tx, (kind, &filter), from, BATCH).await
            };
            match read.await {
                Ok(batch) => {
                    let rows: Vec<Vec<String>> = batch
                        .rows
                        .into_iter()
                        .map(|r| shown(&state.catalogs, lang, kind, r))
                        .collect();
                    let bytes = Bytes::from(ingot_office::write_csv_rows(&rows));
                    Some((Ok::<_, std::io::Error>(bytes), batch.next))
                }
                // The heading is sent: the download ends broken rather than looking complete.
                Err(e) => {
                    tracing::error!(error = %e, "export stopped");
                    Some((Err(std::io::Error::other("export stopped")), None))
                }
            }
        }
    });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }),
        batches,
    );
    attachment(
        CSV,
        &format!("{}.csv", kind.as_str()),
        Body::from_stream(body),
    )
}

/// Reads an uploaded file as a table and imports it as records of `kind`.
pub async fn import(
    state: &AppState,
    caller: &Caller<'_>,
    kind: RecordKind,
    bytes: Vec<u8>,
    choice: ImportChoice,
) -> Result<(Table, RecordImportReport), AppError> {
    let table = ingot_app::org_import::read_file(bytes).await?;
    let words = vocabulary(&state.catalogs, kind);
    let report = transfer::import_records(&state.db, caller, kind, &table, &words, choice).await?;
    Ok((table, report))
}

/// The problems of a report, each in `lang`, as (row, column heading, message).
pub fn messages(
    catalogs: &Catalogs,
    lang: Lang,
    report: &RecordImportReport,
) -> Vec<(usize, String, String)> {
    report
        .errors
        .iter()
        .map(|e| {
            (
                e.row,
                e.column.clone(),
                catalogs.field_error(lang, &e.error),
            )
        })
        .collect()
}

/// The uploaded table sent back with each wrong cell marked and explained in `lang`.
pub async fn marked_workbook(
    catalogs: &Catalogs,
    lang: Lang,
    table: Table,
    report: &RecordImportReport,
) -> Result<Response, AppError> {
    let marks: Vec<Mark> = report
        .errors
        .iter()
        .map(|e| Mark {
            row: e.row,
            column: table.headers.iter().position(|h| *h == e.column),
            message: catalogs.field_error(lang, &e.error),
        })
        .collect();
    let heading = catalogs.t(lang, "records.problem").to_string();
    let bytes = tokio::task::spawn_blocking(move || {
        ingot_office::write_marked_xlsx(&table, &marks, &heading).map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)??;
    let name = format!("{}-problems.xlsx", report.kind.as_str());
    Ok(crate::pages::records::file_response(&name, XLSX, bytes))
}
