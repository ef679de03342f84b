//! Registry of studios over the API: the public list with its filters, registering a studio, its
//! counts by level, field and year, reading one studio, changing its particulars and status, and
//! uploading its photos.

use super::{StudioDetailDto, StudioDto, StudioListDto, detail_of};
use crate::AppState;
use crate::api::campaigns::MaybeApi;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation::transfer::{ExportFilter, RecordKind};
use ingot_app::studios::{self as cases, StoredFile};
use ingot_domain::studio::{FocusField, Level, StudioKind, StudioStatus};
use ingot_domain::{AppError, OrgId, StudioId};
use ingot_store::Page;
use ingot_store::studios::Filter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
#[schema(as = StudioStatsDto)]
pub struct StatsDto {
    pub by_level: Vec<LevelCountDto>,
    pub by_federation: Vec<FederationCountDto>,
    pub by_year: Vec<YearCountDto>,
    pub by_field: Vec<FieldCountDto>,
}

/// A national, provincial or city federation with the studios under it by level.
#[derive(Serialize, ToSchema)]
pub struct FederationCountDto {
    pub org_id: i64,
    pub name: String,
    pub enterprise: i64,
    pub municipal: i64,
    pub provincial: i64,
    pub national: i64,
    pub not_named: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LevelCountDto {
    /// Null for studios not named.
    pub level: Option<String>,
    pub studios: i64,
}

#[derive(Serialize, ToSchema)]
pub struct YearCountDto {
    pub year: i64,
    pub level: String,
    pub namings: i64,
}

#[derive(Serialize, ToSchema)]
pub struct FieldCountDto {
    pub field: String,
    pub studios: i64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StudioQuery {
    /// `enterprise`, `municipal`, `provincial`, `national`, or `none` for studios never named.
    pub level: Option<String>,
    pub field: Option<String>,
    /// An organisation id: studios of its subtree.
    pub unit: Option<i64>,
    /// Studios named (at any level, or at `named_level`) in this year.
    pub year: Option<i64>,
    /// Studios named at this level (in `year`, when given): `enterprise`, `municipal`,
    /// `provincial`, `national`.
    pub named_level: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The registry of studios, filtered; it is public (no credentials needed), so every studio is
/// listed.
#[utoipa::path(get, path = "/studios", tag = "studios", params(StudioQuery),
    responses((status = 200, body = StudioListDto), (status = 422, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn list_studios(
    State(state): State<AppState>,
    Query(q): Query<StudioQuery>,
) -> Result<Json<StudioListDto>, Failure> {
    let mut tx = state.db.read().await?;
    let filter = filter_of(&mut tx, &q).await?;
    let page = Page::new(q.page, q.per_page.map(|n| n.min(100)), 20);
    let (items, total) = cases::list(&mut tx, &filter, page).await?;
    Ok(Json(StudioListDto {
        items: items.iter().map(StudioDto::from).collect(),
        total: total.count,
        total_exact: total.exact,
        page: page.number,
        per_page: page.size,
    }))
}

/// The registry's studios that the filters find, as CSV (streamed) or XLSX, in the layout the
/// studios import reads (`/records/import?kind=studios`): unit code, name, kind, lead, founding
/// date, address, fields, description, members; then the unit's name, the level named and the
/// status. Headings and codes in the caller's language.
#[utoipa::path(get, path = "/studios/export", tag = "studios", params(StudioQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_studios(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<StudioQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = crate::api::innovation::format_of(&f)?;
    let filter = {
        let mut tx = state.db.read().await?;
        filter_of(&mut tx, &q).await?
    };
    let (kind, filter) = (RecordKind::Studios, ExportFilter::Studios(filter));
    Ok(crate::transfer::export(&state, api.lang, kind, filter, format).await?)
}

/// The registry filter the query asks for, or every problem with it.
async fn filter_of(tx: &mut ingot_store::Tx, q: &StudioQuery) -> Result<Filter, Failure> {
    let mut problems = Vec::new();
    let pick = |raw: &Option<String>,
                ok: bool,
                field: &'static str,
                allowed: String,
                problems: &mut Vec<_>| {
        if raw.as_deref().is_some_and(|r| !r.is_empty()) && !ok {
            problems.push(
                ingot_domain::FieldError::new(field, "unknown_option").with("allowed", allowed),
            );
        }
    };
    let level = q.level.as_deref().and_then(Level::parse);
    pick(
        &q.level,
        level.is_some() || q.level.as_deref() == Some("none"),
        "level",
        Level::codes() + ", none",
        &mut problems,
    );
    let field = q.field.as_deref().and_then(FocusField::parse);
    pick(
        &q.field,
        field.is_some(),
        "field",
        FocusField::codes(),
        &mut problems,
    );
    let named_level = q.named_level.as_deref().and_then(Level::parse);
    pick(
        &q.named_level,
        named_level.is_some(),
        "named_level",
        Level::codes(),
        &mut problems,
    );
    let kind = q.kind.as_deref().and_then(StudioKind::parse);
    pick(
        &q.kind,
        kind.is_some(),
        "kind",
        StudioKind::codes(),
        &mut problems,
    );
    let status = q.status.as_deref().and_then(StudioStatus::parse);
    pick(
        &q.status,
        status.is_some(),
        "status",
        StudioStatus::codes(),
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(Failure(AppError::Validation(problems)));
    }
    let unit = match q.unit {
        Some(id) => Some(ingot_app::orgs::named_by(tx, "unit", OrgId(id)).await?.path),
        None => None,
    };
    Ok(Filter {
        level,
        unnamed: q.level.as_deref() == Some("none"),
        field: field.map(|f| f.as_str().to_string()),
        unit,
        named_year: q.year,
        named_level,
        kind,
        status,
        text: q.q.clone().filter(|t| !t.trim().is_empty()),
        person: None,
    })
}

/// Registers a studio of an enterprise (or a unit inside one); its lead becomes its first member.
#[utoipa::path(post, path = "/studios", tag = "studios", request_body = cases::StudioInput,
    responses((status = 201, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_studio(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::StudioInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &api, id).await?),
    )
        .into_response())
}

/// Studio counts by level, field and year of naming, within the organisations the caller may read.
#[utoipa::path(get, path = "/studios/stats", tag = "studios",
    responses((status = 200, body = StatsDto)), security(("bearer" = []), ("session" = [])))]
pub(super) async fn studio_stats(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<StatsDto>, Failure> {
    let mut tx = state.db.read().await?;
    let s = cases::stats(&mut tx, &api.caller()).await?;
    Ok(Json(StatsDto {
        by_level: s
            .by_level
            .into_iter()
            .map(|(level, studios)| LevelCountDto { level, studios })
            .collect(),
        by_federation: s
            .by_federation
            .into_iter()
            .map(|f| FederationCountDto {
                org_id: f.org_id,
                name: f.name,
                enterprise: f.counts[0],
                municipal: f.counts[1],
                provincial: f.counts[2],
                national: f.counts[3],
                not_named: f.counts[4],
            })
            .collect(),
        by_year: s
            .by_year
            .into_iter()
            .map(|(year, level, namings)| YearCountDto {
                year,
                level,
                namings,
            })
            .collect(),
        by_field: s
            .by_field
            .into_iter()
            .map(|(field, studios)| FieldCountDto { field, studios })
            .collect(),
    }))
}

/// A studio with its members, namings, funding, assessments, outputs, photos and history. Open
/// to everyone, as the studio's page is: without credentials, what the public page shows (the
/// public history and photos, members by name without their usernames).
#[utoipa::path(get, path = "/studios/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = StudioDetailDto), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn get_studio(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<StudioId>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let caller = who.user();
    let mut tx = state.db.read().await?;
    let mut dto: StudioDetailDto =
        cases::detail(&mut tx, caller.as_ref(), id, state.config.utc_offset_ms())
            .await?
            .into();
    if caller.is_none() {
        // A username is a sign-in name: not for the public.
        for m in &mut dto.members {
            m.username.clear();
        }
    }
    Ok(Json(dto))
}
/// Changes the studio's particulars (not its unit or lead).
#[utoipa::path(patch, path = "/studios/{id}", tag = "studios", params(("id" = i64, Path)), request_body = cases::StudioChange,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`studio_changed` or `studio_revoked`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_studio(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::StudioChange>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::update(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Suspends, reactivates or revokes the studio; revoking takes away every title.
#[utoipa::path(post, path = "/studios/{id}/status", tag = "studios", params(("id" = i64, Path)), request_body = cases::StatusInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn set_status(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::StatusInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::set_status(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// The studio's photos (images only, checked by their contents).
#[utoipa::path(post, path = "/studios/{id}/photos", tag = "studios", params(("id" = i64, Path)),
    request_body(content = inline(crate::api::proposal_dto::UploadForm), content_type = "multipart/form-data"),
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`file`: `photo_not_image`, `file_too_large`, `file_content_mismatch`, ...")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn upload_photo(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let mut multipart = multipart.map_err(|_| AppError::field("file", "upload_malformed"))?;
    let (name, bytes) = crate::api::proposals::read_upload(&mut multipart).await?;
    let (filename, content_type) = cases::check_photo(&name, &bytes)?;
    let file = StoredFile {
        sha256: ingot_app::files::sha256_hex(&bytes),
        size: bytes.len() as i64,
        content_type,
        filename,
    };
    let mut tx = state.db.begin().await?;
    cases::add_photo(&mut tx, &api.caller(), id, &file).await?;
    state.files.put(bytes).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}
