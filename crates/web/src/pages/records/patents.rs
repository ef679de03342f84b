//! Patents: the list with the form for a new one, and the import from a spreadsheet with its
//! report.

use super::ListQuery;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::SentForm;
use crate::forms::{FormErrors, decode_form, is_form_error};
use crate::pages::{Pager, answer, done, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_app::innovation::import::{self, PatentImportReport};
use ingot_domain::AppError;
use ingot_domain::org::Organisation;
use ingot_store::Page;
use ingot_store::innovation::Patent;

#[derive(Template)]
#[template(path = "records/patents.html")]
struct PatentsPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Patent>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
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
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::patents(&mut tx, &caller, q.filter(), page).await?;
    let units = cases::record_units(&mut tx, &caller).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/patents"), page, total);
    let report_messages = report
        .iter()
        .flat_map(|r| r.errors.iter())
        .map(|e| {
            (
                e.row,
                e.column.clone(),
                ctx.catalogs().field_error(ctx.lang, &e.error),
            )
        })
        .collect();
    Ok(render(
        status,
        &PatentsPage {
            export_csv: q.export("/api/v1/patents/export", "csv"),
            export_xlsx: q.export("/api/v1/patents/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            units,
            form,
            errors,
            report,
            report_messages,
        },
    ))
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
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input: cases::PatentInput = decode_form(&body)?;
        cases::create_patent(tx, caller, &input).await
    })
    .await;
    answer(
        ctx,
        result,
        "/patents",
        "saved",
        async |ctx, errors, status| {
            let form = SentForm::of(&body);
            let q = ListQuery::default();
            patents_page(&state, ctx, q, form, errors, None, status).await
        },
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
    let form = SentForm::with(&[("unit_id", super::own_unit(&ctx))]);
    match result {
        Ok(report) if report.is_ok() && !report.dry_run => Ok(done("/patents", "saved")),
        Ok(report) => {
            let status = if report.is_ok() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            patents_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                FormErrors::none(),
                Some(report),
                status,
            )
            .await
        }
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            patents_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}
