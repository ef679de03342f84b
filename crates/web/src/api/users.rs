//! `/users` and `/grants`: people, their roles and access.

use super::dto::*;
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation::transfer::{ExportFilter, RecordKind};
use ingot_app::users::{self as cases, GrantInput, NewUserInput, ProfileInput, ResetPasswordInput};
use ingot_domain::{GrantId, OrgId, UserId};
use ingot_store::Page;
use ingot_store::users::UserFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(export_users))
        .routes(routes!(get_user, update_user))
        .routes(routes!(reset_password))
        .routes(routes!(unlock_user))
        .routes(routes!(activate_user))
        .routes(routes!(deactivate_user))
        .routes(routes!(grant_role))
        .routes(routes!(revoke_grant))
}

/// People the caller may see, with filters.
#[utoipa::path(get, path = "/users", tag = "people", params(UserListQuery),
    responses((status = 200, body = UserListDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_users(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<UserListQuery>,
) -> Result<Json<UserListDto>, Failure> {
    let caller = api.caller();
    let page = Page::new(q.page, q.per_page, 100);
    let mut tx = state.db.read().await?;
    let filter = filter_of(&q);
    let (items, total) = cases::list(&mut tx, &caller, q.org.map(OrgId), filter, page).await?;
    let items = items
        .into_iter()
        .map(|i| UserListItemDto {
            user: i.user.into(),
            org_name: i.org_name,
            roles: i.roles,
        })
        .collect();
    Ok(Json(UserListDto {
        items,
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// The people the caller may see that the filters find, as CSV (streamed) or XLSX, in the layout
/// the people import reads (`/records/import?kind=people`): organisation code, username, name,
/// e-mail, the roles held on their own organisation; then the organisation's name and whether
/// the account is active. Headings in the caller's language.
#[utoipa::path(get, path = "/users/export", tag = "people", params(UserListQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_users(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<UserListQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = super::innovation::format_of(&f)?;
    let filter = filter_of(&q);
    let filter = {
        let mut tx = state.db.read().await?;
        cases::scoped_filter(&mut tx, &api.caller(), q.org.map(OrgId), filter).await?
    };
    let (kind, filter) = (RecordKind::People, ExportFilter::People(filter));
    Ok(crate::transfer::export(&state, api.lang, kind, filter, format).await?)
}

fn filter_of(q: &UserListQuery) -> UserFilter {
    UserFilter {
        role: q.role,
        text: q.q.clone(),
        active: q.active,
        ..Default::default()
    }
}

/// Creates a person, optionally with a first role on their organisation.
#[utoipa::path(post, path = "/users", tag = "people", request_body = NewUserInput,
    responses((status = 201, body = CreatedUserDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_user(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<NewUserInput>,
) -> Result<Response, Failure> {
    let created = cases::create(&state.db, &api.caller(), &input).await?;
    let dto = CreatedUserDto {
        user: created.user.into(),
        generated_password: created.generated_password,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

/// A person with their organisation and roles.
#[utoipa::path(get, path = "/users/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = UserDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_user(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
) -> Result<Json<UserDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, &api.caller(), id).await?;
    Ok(Json(UserDetailDto {
        user: d.user.into(),
        org: d.org.into(),
        grants: d.grants.into_iter().map(Into::into).collect(),
        can_manage: d.can_manage,
    }))
}

/// Changes a person's name, e-mail or organisation.
#[utoipa::path(patch, path = "/users/{id}", tag = "people", params(("id" = i64, Path)), request_body = ProfileInput,
    responses((status = 200, body = UserDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn update_user(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
    JsonBody(input): JsonBody<ProfileInput>,
) -> Result<Json<UserDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let user = cases::update(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(user.into()))
}

/// Sets a new password (given or generated), ends the person's sessions and revokes their API
/// tokens.
#[utoipa::path(post, path = "/users/{id}/password", tag = "people", params(("id" = i64, Path)), request_body = ResetPasswordInput,
    responses((status = 200, body = ResetPasswordDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn reset_password(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
    JsonBody(input): JsonBody<ResetPasswordInput>,
) -> Result<Json<ResetPasswordDto>, Failure> {
    let generated = cases::reset_password(&state.db, &api.caller(), id, &input).await?;
    Ok(Json(ResetPasswordDto {
        generated_password: generated,
    }))
}

/// Lifts a lock-out after repeated failed sign-ins.
#[utoipa::path(post, path = "/users/{id}/unlock", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = UserDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn unlock_user(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
) -> Result<Json<UserDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let user = cases::unlock(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(user.into()))
}

/// Allows a deactivated person to sign in again.
#[utoipa::path(post, path = "/users/{id}/activate", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = UserDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn activate_user(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
) -> Result<Json<UserDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let user = cases::set_active(&mut tx, &api.caller(), id, true).await?;
    tx.commit().await?;
    Ok(Json(user.into()))
}

/// Ends a person's access (their records stay).
#[utoipa::path(post, path = "/users/{id}/deactivate", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = UserDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn deactivate_user(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
) -> Result<Json<UserDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let user = cases::set_active(&mut tx, &api.caller(), id, false).await?;
    tx.commit().await?;
    Ok(Json(user.into()))
}

/// Grants a role on an organisation's subtree.
#[utoipa::path(post, path = "/users/{id}/grants", tag = "people", params(("id" = i64, Path)), request_body = GrantInput,
    responses((status = 201, body = GrantCreatedDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn grant_role(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
    JsonBody(input): JsonBody<GrantInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let grant = cases::grant(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(GrantCreatedDto { id: grant.0 })).into_response())
}

/// Withdraws a role.
#[utoipa::path(delete, path = "/grants/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn revoke_grant(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<GrantId>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::revoke(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
