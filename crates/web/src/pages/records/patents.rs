//! Patents: the list with the form for a new one, and the import from a spreadsheet with its
//! report.

use super::{ListQuery, RecordList, create_from_form, list_page};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::SentForm;
use crate::forms::{FormErrors, is_form_error};
use crate::pages::done;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_app::innovation::import::{self, PatentImportReport};
use ingot_domain::AppError;
use ingot_domain::org::Organisation;
use ingot_store::innovation::Patent;

#[derive(Template)]
#[template(path = "records/patents.html")]
struct PatentsPage {
    ctx: PageCtx,
    list: RecordList<Patent>,
    units: Vec<Organisation>,
    form: SentForm,
    errors: FormErrors,
    report: Option<PatentImportReport>,
    /// The report's problems as (row, column, message in the reader's language).
    report_messages: Vec<(usize, String, String)>,
}

#[allow(clippy::too_many_arguments)] // the page's parts, as the handlers have them
async fn patents_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: SentForm,
    errors: FormErrors,
    report: Option<PatentImportReport>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let (list, units) = (cases::patents, cases::record_units);
    let path = (q, "/patents");
    list_page(state, ctx, path, list, units, status, |ctx, list, units| {
        let report_messages = report
            .iter()
            .flat_map(|r| r.errors.iter())
            .map(|e| {
                let message = ctx.catalogs().field_error(ctx.lang, &e.error);
                (e.row, e.column.clone(), message)
            })
            .collect();
        PatentsPage {
            ctx,
            list,
            units,
            form,
            errors,
            report,
            report_messages,
        }
    })
    .await
}

pub async fn patents(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = SentForm::with(&[("unit_id", super::own_unit(&ctx))]);
    patents_page(
        &state,
        ctx,
        q,
        form,
        FormErrors::none(),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn create_patent(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let again = async |ctx, form, errors, status| {
        patents_page(
            &state,
            ctx,
            ListQuery::default(),
            form,
            errors,
            None,
            status,
        )
        .await
    };
    create_from_form(
        &state,
        ctx,
        &body,
        cases::create_patent,
        |_| "/patents".into(),
        again,
    )
    .await
}

pub async fn import_patents(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let attempt = async {
        let upload =
            crate::pages::orgs::read_import_upload(multipart, state.config.max_upload_bytes)
                .await?;
        let Some((name, bytes)) = upload.file else {
            return Err(AppError::field("file", "file_empty"));
        };
        crate::pages::orgs::check_upload_type(name.as_deref(), &bytes)?;
        let table = ingot_app::org_import::read_file(bytes).await?;
        import::import_patents(
            &state.db,
            &caller,
            &table,
            // Rows without a unit code belong to the reader's own unit.
            upload.under.or(ctx.actor.as_ref().map(|a| a.org_id)),
            upload.dry_run,
        )
        .await
    };
    let result = attempt.await;
    // Saved: back to the list. Checked only, or refused: the list with the report or the problem.
    let (errors, report, status) = match result {
        Ok(report) if report.is_ok() && !report.dry_run => return Ok(done("/patents", "saved")),
        Ok(report) if report.is_ok() => (FormErrors::none(), Some(report), StatusCode::OK),
        Ok(report) => (
            FormErrors::none(),
            Some(report),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            (errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(Failure(e)),
    };
    let form = SentForm::with(&[("unit_id", super::own_unit(&ctx))]);
    let q = ListQuery::default();
    patents_page(&state, ctx, q, form, errors, report, status).await
}
