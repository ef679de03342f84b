//! `/orgs`: the organisation tree.

use super::dto::*;
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::{org_import, orgs as cases};
use ingot_domain::org::OrgInput;
use ingot_domain::policy::Action;
use ingot_domain::{OrgId, OrgScope};
use ingot_store::Page;
use ingot_store::orgs::OrgFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, rename_org, delete_org))
        .routes(routes!(move_org))
        .routes(routes!(archive_org))
        .routes(routes!(restore_org))
        .routes(routes!(import_orgs))
}

/// Organisations by parent, subtree, text and kind.
#[utoipa::path(get, path = "/orgs", tag = "organisations", params(OrgListQuery),
    responses((status = 200, body = OrgListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_orgs(
    State(state): State<AppState>,
    _signed_in: ApiCtx,
    Query(q): Query<OrgListQuery>,
) -> Result<Json<OrgListDto>, Failure> {
    let page = Page::new(q.page, q.per_page, 100);
    let mut tx = state.db.read().await?;
    if let Some(parent) = q.parent {
        let nodes = cases::children(&mut tx, OrgId(parent), q.archived.unwrap_or(false)).await?;
        let total = nodes.len() as i64;
        let items = nodes
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.size as usize)
            .map(|n| n.org.into())
            .collect();
        return Ok(Json(OrgListDto {
            items,
            total,
            page: page.number,
            per_page: page.size,
        }));
    }
    let within = match q.within {
        Some(id) => Some(OrgScope::of([cases::get(&mut tx, OrgId(id)).await?.path])),
        None => None,
    };
    let filter = OrgFilter {
        within,
        kind: q.kind,
        text: q.q,
        include_archived: q.archived.unwrap_or(false),
    };
    let (orgs, total) = cases::list(&mut tx, filter, page).await?;
    Ok(Json(OrgListDto {
        items: orgs.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Creates an organisation under `parent_id`.
#[utoipa::path(post, path = "/orgs", tag = "organisations", request_body = OrgInput,
    responses((status = 201, body = OrgDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_org(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<OrgInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let org = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(OrgDto::from(org))).into_response())
}

/// One organisation with its ancestors, children and what the caller may do to it.
#[utoipa::path(get, path = "/orgs/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrgDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_org(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
) -> Result<Json<OrgDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, &api.caller(), id, false).await?;
    Ok(Json(OrgDetailDto {
        org: d.org.into(),
        ancestors: d.ancestors.into_iter().map(Into::into).collect(),
        children: d.children.into_iter().map(Into::into).collect(),
        permissions: OrgPermissionsDto {
            create_child: d.can.create_child,
            edit: d.can.edit,
            import: d.can.import,
            view_users: d.can.view_users,
            view_audit: d.can.view_audit,
        },
    }))
}

/// Renames an organisation.
#[utoipa::path(patch, path = "/orgs/{id}", tag = "organisations", params(("id" = i64, Path)), request_body = cases::RenameInput,
    responses((status = 200, body = OrgDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn rename_org(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
    JsonBody(input): JsonBody<cases::RenameInput>,
) -> Result<Json<OrgDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let org = cases::rename(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(org.into()))
}

/// Deletes an organisation nothing refers to; archive anything else.
#[utoipa::path(delete, path = "/orgs/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody, description = "`org_in_use`: archive it instead")),
    security(("bearer" = []), ("session" = [])))]
async fn delete_org(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::delete(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves an organisation, with everything below it, under a new parent.
#[utoipa::path(post, path = "/orgs/{id}/move", tag = "organisations", params(("id" = i64, Path)), request_body = cases::MoveInput,
    responses((status = 200, body = OrgDto), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn move_org(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
    JsonBody(input): JsonBody<cases::MoveInput>,
) -> Result<Json<OrgDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let org = cases::move_to(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(org.into()))
}

/// Archives an organisation and everything below it.
#[utoipa::path(post, path = "/orgs/{id}/archive", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrgDto), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn archive_org(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
) -> Result<Json<OrgDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let org = cases::archive(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(org.into()))
}

/// Restores an archived organisation and what was archived with it.
#[utoipa::path(post, path = "/orgs/{id}/restore", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrgDto), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn restore_org(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
) -> Result<Json<OrgDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let org = cases::restore(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(org.into()))
}

/// Imports a tree from a CSV or XLSX file sent as the request body. Every row is checked;
/// if any is wrong, nothing is saved and the report lists each problem (422).
#[utoipa::path(post, path = "/orgs/import", tag = "organisations", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "A CSV (UTF-8 or GB18030) or XLSX file with columns code, name, name_en, kind, parent_code"),
    responses((status = 200, body = ImportReportDto), (status = 422, body = ImportRefusedDto)),
    security(("bearer" = []), ("session" = [])))]
async fn import_orgs(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, Failure> {
    if body.len() > state.config.max_upload_bytes {
        return Err(Failure(crate::forms::file_too_large()));
    }
    let caller = api.caller();
    // The caller must be allowed where the rows go before the file is even looked at.
    if let Some(under) = q.under {
        let mut tx = state.db.read().await?;
        let org = cases::get(&mut tx, OrgId(under)).await?;
        caller.require(Action::ImportOrgs, &org.path)?;
    }
    crate::pages::orgs::check_upload_type(None, &body)?;
    let table = org_import::read_file(body.to_vec()).await?;
    let report = org_import::import(
        &state.db,
        &caller,
        &table,
        q.under.map(OrgId),
        q.dry_run.unwrap_or(false),
    )
    .await?;
    let status = if report.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let dto = ImportReportDto {
        rows: report.rows,
        dry_run: report.dry_run,
        errors: report
            .errors
            .iter()
            .map(|e| ImportRowErrorDto::of(&state.catalogs, api.lang, e))
            .collect(),
        created: report.created.into_iter().map(Into::into).collect(),
    };
    Ok((status, Json(dto)).into_response())
}
