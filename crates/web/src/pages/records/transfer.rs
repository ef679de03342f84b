//! The import page of achievements, skills and methods, and titles: the columns of the kind
//! with a template to download, the upload with the user's choices, and the report (or the file
//! sent back with its wrong cells marked).

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use crate::pages::orgs::{check_upload_type, read_import_upload};
use crate::pages::render;
use crate::transfer::{self as sheets, kind_of};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_app::innovation::transfer::{ImportChoice, RecordImportReport, RecordKind};
use ingot_domain::org::Organisation;
use ingot_domain::{AppError, OrgId};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct KindQuery {
    pub kind: String,
    pub format: String,
}

/// A column as the page explains it: its heading, whether a row needs it, its values.
struct ColumnHelp {
    heading: String,
    required: bool,
    values: String,
}

#[derive(Template)]
#[template(path = "records/import.html")]
struct ImportPage {
    ctx: PageCtx,
    kind: &'static str,
    kinds: Vec<(&'static str, String)>,
    columns: Vec<ColumnHelp>,
    units: Vec<Organisation>,
    /// The choices as sent (or their defaults).
    unit_id: String,
    keep_valid: bool,
    dry_run: bool,
    errors: FormErrors,
    report: Option<RecordImportReport>,
    /// The report's problems as (row, column, message in the reader's language).
    messages: Vec<(usize, String, String)>,
}

fn list_title(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Achievements => "records.achievements",
        RecordKind::Skills => "records.skills",
        RecordKind::Titles => "records.titles",
        RecordKind::People => "users.title",
        RecordKind::Studios => "studios.title",
    }
}

/// What the user sent besides the file.
struct Sent {
    unit_id: String,
    keep_valid: bool,
    dry_run: bool,
}

async fn import_page(
    state: &AppState,
    ctx: PageCtx,
    kind: RecordKind,
    (sent, errors, report): (Sent, FormErrors, Option<RecordImportReport>),
    status: StatusCode,
) -> Result<Response, Failure> {
    let units = {
        let caller = ctx.caller()?;
        let mut tx = state.db.read().await?;
        cases::record_units(&mut tx, &caller).await?
    };
    let columns = kind
        .columns()
        .iter()
        .map(|c| ColumnHelp {
            heading: ctx.t(c.label).to_string(),
            required: c.required,
            values: c
                .values
                .as_ref()
                .map(|v| {
                    (v.codes)()
                        .iter()
                        .map(|code| ctx.t(&format!("{}.{code}", v.labels)).to_string())
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .unwrap_or_default(),
        })
        .collect();
    let kinds = RecordKind::ALL
        .iter()
        .map(|k| (k.as_str(), ctx.t(list_title(*k)).to_string()))
        .collect();
    let messages = report
        .as_ref()
        .map(|r| sheets::messages(ctx.catalogs(), ctx.lang, r))
        .unwrap_or_default();
    let page = ImportPage {
        kind: kind.as_str(),
        kinds,
        columns,
        units,
        unit_id: sent.unit_id,
        keep_valid: sent.keep_valid,
        dry_run: sent.dry_run,
        errors,
        report,
        messages,
        ctx,
    };
    Ok(render(status, &page))
}

pub async fn import_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<KindQuery>,
) -> Result<Response, Failure> {
    let kind = match q.kind.as_str() {
        "" => RecordKind::Achievements,
        raw => kind_of(raw)?,
    };
    let sent = Sent {
        unit_id: super::own_unit(&ctx),
        keep_valid: false,
        dry_run: false,
    };
    let nothing = (sent, FormErrors::none(), None);
    import_page(&state, ctx, kind, nothing, StatusCode::OK).await
}

pub async fn template(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<KindQuery>,
) -> Result<Response, Failure> {
    let kind = kind_of(&q.kind)?;
    let format = if q.format == "csv" { "csv" } else { "xlsx" };
    Ok(sheets::template(&state.catalogs, ctx.lang, kind, format).await?)
}

fn checked(fields: &std::collections::HashMap<String, String>, name: &str) -> bool {
    fields.get(name).is_some_and(|v| !v.is_empty())
}

pub async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let upload = read_import_upload(multipart, state.config.max_upload_bytes).await?;
    let field = |name: &str| upload.fields.get(name).cloned().unwrap_or_default();
    let kind = kind_of(&field("kind"))?;
    let sent = Sent {
        unit_id: field("unit_id"),
        keep_valid: field("on_error") == "keep_valid",
        dry_run: upload.dry_run,
    };
    let marked = checked(&upload.fields, "marked");
    let attempt = async {
        let default_unit = match sent.unit_id.trim() {
            "" => None,
            raw => Some(OrgId(
                raw.parse()
                    .map_err(|_| AppError::field("unit_id", "unknown_unit"))?,
            )),
        };
        let Some((name, bytes)) = upload.file else {
            return Err(AppError::field("file", "file_empty"));
        };
        check_upload_type(name.as_deref(), &bytes)?;
        let choice = ImportChoice {
            default_unit,
            dry_run: sent.dry_run,
            keep_valid: sent.keep_valid,
        };
        sheets::import(&state, &caller, kind, bytes, choice).await
    };
    let (errors, report, status) = match attempt.await {
        Ok((table, report)) if !report.is_ok() && marked => {
            return Ok(sheets::marked_workbook(ctx.catalogs(), ctx.lang, table, &report).await?);
        }
        Ok((_, report)) => {
            let status = if report.is_ok() || report.saved > 0 {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (FormErrors::none(), Some(report), status)
        }
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            (errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(Failure(e)),
    };
    import_page(&state, ctx, kind, (sent, errors, report), status).await
}
