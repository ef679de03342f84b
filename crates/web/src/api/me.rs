//! `/me`: the caller's own account.

use super::dto::*;
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use crate::request::{Auth, RequestState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ingot_app::account::{self, PasswordChangeInput, TokenInput};
use ingot_domain::TokenId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(set_lang))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Who the caller is, with their roles.
#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn me(State(state): State<AppState>, api: ApiCtx) -> Result<Json<MeDto>, Failure> {
    let mut tx = state.db.read().await?;
    let account::Profile { user, grants, .. } =
        account::profile(&mut tx, api.actor.user_id).await?;
    Ok(Json(MeDto {
        user: user.into(),
        grants: grants.into_iter().map(Into::into).collect(),
        lang: api.lang.code().to_string(),
    }))
}

/// Sets the caller's interface language.
#[utoipa::path(put, path = "/me/lang", tag = "account", request_body = account::LangInput,
    responses((status = 204), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_lang(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<account::LangInput>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    account::set_lang(&mut tx, &api.caller(), &api.actor, input.lang).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password; the caller's other sessions end and every API token of the
/// caller is revoked.
#[utoipa::path(post, path = "/me/password", tag = "account", request_body = PasswordChangeInput,
    responses((status = 204), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn change_password(
    State(state): State<AppState>,
    Extension(rs): Extension<RequestState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<PasswordChangeInput>,
) -> Result<StatusCode, Failure> {
    let keep = match &rs.auth {
        Auth::Session(s) => Some(s.session_id),
        _ => None,
    };
    account::change_password(&state.db, &api.caller(), &api.actor, keep, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/me/tokens", tag = "account",
    responses((status = 200, body = Vec<TokenDto>)),
    security(("bearer" = []), ("session" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<Vec<TokenDto>>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(
        account::list_tokens(&mut tx, api.actor.user_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates an API token that expires (after 90 days unless `expires_in_days` says otherwise);
/// its secret is in this response only.
#[utoipa::path(post, path = "/me/tokens", tag = "account", request_body = TokenInput,
    responses((status = 201, body = CreatedTokenDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_token(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<TokenInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let (row, secret) =
        account::create_token_expiring(&mut tx, &api.caller(), api.actor.user_id, &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenDto {
            token: row.into(),
            secret,
        }),
    )
        .into_response())
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "account", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<TokenId>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    account::revoke_token(&mut tx, &api.caller(), api.actor.user_id, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
