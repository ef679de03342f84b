//! Organisation tree pages: browse, search, create, rename, move, archive, import, export.

use super::{Pager, done, in_tx, ok, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, decode_form, is_form_error};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ingot_app::org_import::{self, ImportReport};
use ingot_app::orgs::{self as cases, OrgPermissions};
use ingot_domain::org::{OrgInput, Organisation};
use ingot_domain::policy::Action;
use ingot_domain::{AppError, OrgId, OrgKind};
use ingot_store::Page;
use ingot_store::orgs::{OrgFilter, OrgNode};

#[derive(Template)]
#[template(path = "orgs/index.html")]
struct IndexPage {
    ctx: PageCtx,
    nodes: Vec<OrgNode>,
    results: Option<Vec<Organisation>>,
    total: i64,
    pager: Pager,
    q: String,
    kind: String,
    kinds: Vec<OrgKind>,
    scope_mine: bool,
    archived: bool,
    can_create_root: bool,
    export_query: String,
}

#[derive(Template)]
#[template(path = "orgs/children.html")]
struct ChildrenFragment {
    ctx: PageCtx,
    nodes: Vec<OrgNode>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    kind: String,
    scope: String,
    archived: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn is_search(&self) -> bool {
        !self.q.trim().is_empty() || !self.kind.is_empty() || !self.scope.is_empty()
    }
}

/// The organisations a list shows: by text and kind, and "mine" meaning what I administer.
async fn filter_of(
    tx: &mut ingot_store::Tx,
    caller: &ingot_app::Caller<'_>,
    q: &ListQuery,
) -> Result<OrgFilter, Failure> {
    let within = if q.scope == "mine" {
        Some(cases::scope_for(tx, caller, Action::ViewAudit).await?)
    } else {
        None
    };
    let within = match (within, caller.actor()) {
        // Someone who administers nothing sees their own unit as "mine".
        (Some(s), Some(actor)) if s.is_empty() => {
            Some(ingot_domain::OrgScope::of([actor.org_path.clone()]))
        }
        (other, _) => other,
    };
    Ok(OrgFilter {
        within,
        kind: OrgKind::parse(&q.kind),
        text: Some(q.q.clone()).filter(|t| !t.trim().is_empty()),
        include_archived: q.archived.is_some(),
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let page = Page::new(q.page, Some(50), 50);
    let (nodes, results, total) = if q.is_search() {
        let filter = filter_of(&mut tx, &caller, &q).await?;
        let (list, total) = cases::list(&mut tx, filter, page).await?;
        (Vec::new(), Some(list), total)
    } else {
        (cases::roots(&mut tx, q.archived.is_some()).await?, None, 0)
    };
    let archived = if q.archived.is_some() { "1" } else { "" };
    let base = query_url(
        "/orgs",
        &[
            ("q", &q.q),
            ("kind", &q.kind),
            ("scope", &q.scope),
            ("archived", archived),
        ],
    );
    let export_query = base
        .strip_prefix("/orgs")
        .unwrap_or("")
        .replacen('?', "&", 1);
    let can_create_root = caller.is_root_admin();
    let pager = Pager::new(&ctx, &base, page, total);
    Ok(ok(&IndexPage {
        nodes,
        results,
        total,
        pager,
        scope_mine: q.scope == "mine",
        archived: q.archived.is_some(),
        q: q.q,
        kind: q.kind,
        kinds: OrgKind::ALL.to_vec(),
        can_create_root,
        export_query,
        ctx,
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    archived: Option<String>,
}

#[derive(Template)]
#[template(path = "orgs/show.html")]
struct ShowPage {
    ctx: PageCtx,
    org: Organisation,
    ancestors: Vec<Organisation>,
    children: Vec<OrgNode>,
    can: OrgPermissions,
    errors: FormErrors,
    form_name: String,
    form_name_en: String,
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: OrgId,
    archived: bool,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let detail = {
        let caller = ctx.caller()?;
        let mut tx = state.db.read().await?;
        cases::detail(&mut tx, &caller, id, archived).await?
    };
    let view = ShowPage {
        form_name: detail.org.name.clone(),
        form_name_en: detail.org.name_en.clone().unwrap_or_default(),
        org: detail.org,
        ancestors: detail.ancestors,
        children: detail.children,
        can: detail.can,
        errors,
        ctx,
    };
    Ok(render(status, &view))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Failure> {
    show_page(
        &state,
        ctx,
        id,
        q.archived.is_some(),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

/// The children of one node, as list items for the tree (fetched by htmx when expanded).
pub async fn children(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
) -> Result<Response, Failure> {
    ctx.caller()?;
    let nodes = {
        let mut tx = state.db.read().await?;
        cases::children(&mut tx, id, false).await?
    };
    Ok(ok(&ChildrenFragment { ctx, nodes }))
}

/// Re-shows the organisation with a form's problem, or passes other errors on.
async fn failed_on_show(
    state: &AppState,
    ctx: PageCtx,
    id: OrgId,
    e: AppError,
) -> Result<Response, Failure> {
    if !is_form_error(&e) {
        return Err(Failure(e));
    }
    let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
    show_page(
        state,
        ctx,
        id,
        false,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Template)]
#[template(path = "orgs/new.html")]
struct NewPage {
    ctx: PageCtx,
    parent: Option<Organisation>,
    input: OrgInput,
    name_en: String,
    kinds: Vec<OrgKind>,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    parent: Option<String>,
}

fn parse_id(raw: Option<&str>, field: &'static str) -> Result<Option<OrgId>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(field, "invalid_number")),
    }
}

async fn new_page(
    state: &AppState,
    ctx: PageCtx,
    parent: Option<OrgId>,
    input: OrgInput,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let parent = match parent {
        Some(id) => {
            let mut tx = state.db.read().await?;
            Some(cases::get(&mut tx, id).await?)
        }
        None => None,
    };
    let kinds: Vec<OrgKind> = OrgKind::ALL
        .into_iter()
        .filter(|k| k.may_sit_under(parent.as_ref().map(|p| p.kind)))
        .collect();
    let name_en = input.name_en.clone().unwrap_or_default();
    Ok(render(
        status,
        &NewPage {
            ctx,
            parent,
            input,
            name_en,
            kinds,
            errors,
        },
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, Failure> {
    ctx.caller()?;
    let parent = parse_id(q.parent.as_deref(), "parent")?;
    new_page(
        &state,
        ctx,
        parent,
        OrgInput::default(),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let input: OrgInput = decode_form(&body)?;
    let parent = input.parent_id;
    let result = {
        let caller = ctx.caller()?;
        let mut tx = state.db.begin().await?;
        match cases::create(&mut tx, &caller, &input).await {
            Ok(org) => tx.commit().await.map(|_| org),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(org) => Ok(done(&format!("/orgs/{}", org.id), "org_created")),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            new_page(
                &state,
                ctx,
                parent,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn rename(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input: cases::RenameInput = decode_form(&body)?;
        cases::rename(tx, caller, id, &input).await
    })
    .await;
    finish(&state, ctx, id, result, "org_renamed").await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    parent_code: String,
}

pub async fn move_to(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
    Form(form): Form<MoveForm>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let code = form.parent_code.trim().to_string();
        let parent = ingot_app::orgs::find_by_code(tx, &code)
            .await?
            .ok_or_else(|| {
                AppError::Validation(vec![
                    ingot_domain::FieldError::new("parent_code", "unknown_org_code")
                        .with("code", &code),
                ])
            })?;
        let input = cases::MoveInput {
            parent_id: parent.id,
        };
        cases::move_to(tx, caller, id, &input).await
    })
    .await;
    finish(&state, ctx, id, result, "org_moved").await
}

pub async fn archive(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::archive(tx, caller, id).await
    })
    .await;
    finish(&state, ctx, id, result, "org_archived").await
}

pub async fn restore(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::restore(tx, caller, id).await
    })
    .await;
    finish(&state, ctx, id, result, "org_restored").await
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
) -> Result<Response, Failure> {
    let parent = {
        let mut tx = state.db.read().await?;
        cases::get(&mut tx, id).await?.parent_id
    };
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::delete(tx, caller, id).await
    })
    .await;
    match result {
        Ok(()) => Ok(done(
            &parent.map_or("/orgs".to_string(), |p| format!("/orgs/{p}")),
            "org_deleted",
        )),
        Err(e) => failed_on_show(&state, ctx, id, e).await,
    }
}

async fn finish<T>(
    state: &AppState,
    ctx: PageCtx,
    id: OrgId,
    result: Result<T, AppError>,
    flash: &'static str,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(done(&format!("/orgs/{id}"), flash)),
        Err(e) => failed_on_show(state, ctx, id, e).await,
    }
}

#[derive(Template)]
#[template(path = "orgs/import.html")]
struct ImportPage {
    ctx: PageCtx,
    under: Option<Organisation>,
    dry_run: bool,
    report: Option<ImportReport>,
    error_lines: Vec<(usize, String, String)>,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ImportQuery {
    under: Option<String>,
}

async fn import_page(
    state: &AppState,
    ctx: PageCtx,
    under: Option<OrgId>,
    dry_run: bool,
    report: Option<ImportReport>,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let under = match under {
        Some(id) => {
            let mut tx = state.db.read().await?;
            Some(cases::get(&mut tx, id).await?)
        }
        None => None,
    };
    let error_lines = report
        .as_ref()
        .map(|r| {
            r.errors
                .iter()
                .map(|e| {
                    (
                        e.row,
                        e.column.clone(),
                        ctx.catalogs().field_error(ctx.lang, &e.error),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let status = if report.as_ref().is_some_and(|r| !r.is_ok()) || !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &ImportPage {
            ctx,
            under,
            dry_run,
            report,
            error_lines,
            errors,
        },
    ))
}

pub async fn import_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ImportQuery>,
) -> Result<Response, Failure> {
    ctx.caller()?;
    let under = parse_id(q.under.as_deref(), "under")?;
    import_page(&state, ctx, under, false, None, FormErrors::none()).await
}

/// The fields of the import form.
pub struct ImportUpload {
    pub file: Option<(Option<String>, Vec<u8>)>,
    pub under: Option<OrgId>,
    pub dry_run: bool,
    /// The form's other fields (the choices of a records import), a few short ones at most.
    pub fields: std::collections::HashMap<String, String>,
}

/// More fields than any import form has, or a longer value, is not one of our forms.
const MAX_UPLOAD_FIELDS: usize = 16;
const MAX_UPLOAD_FIELD_CHARS: usize = 512;

pub async fn read_import_upload(
    mut multipart: Multipart,
    max_bytes: usize,
) -> Result<ImportUpload, AppError> {
    let mut upload = ImportUpload {
        file: None,
        under: None,
        dry_run: false,
        fields: std::collections::HashMap::new(),
    };
    let malformed = |_| AppError::field("file", "upload_malformed");
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name().unwrap_or("") {
            "file" => {
                let name = field.file_name().map(str::to_string);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::field("file", "file_too_large"))?;
                if bytes.len() > max_bytes {
                    return Err(AppError::Validation(vec![
                        ingot_domain::FieldError::new("file", "file_too_large")
                            .with("max_mb", max_bytes / 1024 / 1024),
                    ]));
                }
                upload.file = Some((name, bytes.to_vec()));
            }
            "under" => {
                upload.under = parse_id(Some(&field.text().await.map_err(malformed)?), "under")?
            }
            "dry_run" => upload.dry_run = !field.text().await.map_err(malformed)?.is_empty(),
            name => {
                let name = name.to_string();
                let value = field.text().await.map_err(malformed)?;
                if upload.fields.len() >= MAX_UPLOAD_FIELDS
                    || value.chars().count() > MAX_UPLOAD_FIELD_CHARS
                {
                    return Err(AppError::field("file", "upload_malformed"));
                }
                upload.fields.insert(name, value);
            }
        }
    }
    Ok(upload)
}

/// Checks the file's name and content: only CSV and XLSX are accepted.
pub fn check_upload_type(name: Option<&str>, bytes: &[u8]) -> Result<(), AppError> {
    let lower = name.unwrap_or("").to_ascii_lowercase();
    let named_ok = lower.is_empty()
        || lower.ends_with(".csv")
        || lower.ends_with(".xlsx")
        || lower.ends_with(".txt");
    let content =
        ingot_office::SheetFormat::detect(bytes).map_err(|e| AppError::field("file", e.code()))?;
    let consistent = match content {
        ingot_office::SheetFormat::Xlsx => !lower.ends_with(".csv"),
        ingot_office::SheetFormat::Csv => !lower.ends_with(".xlsx"),
    };
    if named_ok && consistent {
        Ok(())
    } else {
        Err(AppError::field("file", "file_type_unsupported"))
    }
}

pub async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let upload = match read_import_upload(multipart, state.config.max_upload_bytes).await {
        Ok(u) => u,
        Err(e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            return import_page(&state, ctx, None, false, None, errors).await;
        }
    };
    let result = async {
        let (name, bytes) = upload
            .file
            .ok_or_else(|| AppError::field("file", "required"))?;
        check_upload_type(name.as_deref(), &bytes)?;
        let table = org_import::read_file(bytes).await?;
        let caller = ctx.caller().map_err(|f| f.0)?;
        org_import::import(&state.db, &caller, &table, upload.under, upload.dry_run).await
    }
    .await;
    match result {
        Ok(report) => {
            import_page(
                &state,
                ctx,
                upload.under,
                upload.dry_run,
                Some(report),
                FormErrors::none(),
            )
            .await
        }
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            import_page(&state, ctx, upload.under, upload.dry_run, None, errors).await
        }
        Err(e) => Err(Failure(e)),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    format: String,
    #[serde(flatten)]
    list: ListQuery,
}

pub const EXPORT_HEADERS: [&str; 5] = ["code", "name", "name_en", "kind", "parent_code"];

/// Rows in the import format, so an export can be edited and imported again.
pub async fn export_rows(
    tx: &mut ingot_store::Tx,
    filter: OrgFilter,
) -> Result<Vec<Vec<String>>, AppError> {
    let (orgs, _) = cases::list(
        tx,
        filter,
        Page {
            number: 1,
            size: 1_000_000,
        },
    )
    .await?;
    let mut parent_ids: Vec<OrgId> = orgs.iter().filter_map(|o| o.parent_id).collect();
    parent_ids.sort();
    parent_ids.dedup();
    let mut codes = std::collections::HashMap::new();
    for chunk in parent_ids.chunks(500) {
        for p in ingot_app::orgs::get_many(tx, chunk).await? {
            codes.insert(p.id, p.code);
        }
    }
    Ok(orgs
        .into_iter()
        .map(|o| {
            let parent = o
                .parent_id
                .and_then(|p| codes.get(&p).cloned())
                .unwrap_or_default();
            vec![
                o.code,
                o.name,
                o.name_en.unwrap_or_default(),
                o.kind.as_str().to_string(),
                parent,
            ]
        })
        .collect())
}

pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ExportQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let rows = {
        let mut tx = state.db.read().await?;
        let filter = filter_of(&mut tx, &caller, &q.list).await?;
        export_rows(&mut tx, filter).await?
    };
    Ok(spreadsheet_response(&q.format, "organisations", "组织", &EXPORT_HEADERS, rows).await?)
}

/// A CSV or XLSX download (built on a blocking thread).
pub async fn spreadsheet_response(
    format: &str,
    file_stem: &str,
    sheet: &str,
    headers: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<Response, AppError> {
    let xlsx = format != "csv";
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let sheet = sheet.to_string();
    let bytes = tokio::task::spawn_blocking(move || {
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        if xlsx {
            ingot_office::write_xlsx(&sheet, &headers, &rows).map_err(AppError::internal)
        } else {
            Ok(ingot_office::write_csv(&headers, &rows))
        }
    })
    .await
    .map_err(AppError::internal)??;
    let (content_type, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    let disposition = format!("attachment; filename=\"{file_stem}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(AppError::internal)?,
            ),
        ],
        bytes,
    )
        .into_response())
}
