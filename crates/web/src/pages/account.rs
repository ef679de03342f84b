//! One's own account: language, password, API tokens.

use super::{done, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, decode_form, is_form_error};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::account::{self, PasswordChangeInput, TokenInput};
use ingot_domain::{AppError, Lang, Timestamp, TokenId};

pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub expired: bool,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    ctx: PageCtx,
    username: String,
    org_name: String,
    lang_choice: String,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    new_token: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let actor = ctx.actor()?.clone();
    let mut tx = state.db.read().await?;
    let account::Profile { user, org, .. } = account::profile(&mut tx, actor.user_id).await?;
    let now = Timestamp::now();
    let tokens = account::list_tokens(&mut tx, actor.user_id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: Timestamp(t.created_at),
            expires_at: t.expires_at.map(Timestamp),
            expired: t.expires_at.is_some_and(|at| at <= now.millis()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let view = AccountPage {
        username: user.username,
        org_name: ctx.org_name(&org).to_string(),
        lang_choice: user.lang.map(|l| l.code().to_string()).unwrap_or_default(),
        tokens,
        new_token,
        errors,
        ctx,
    };
    Ok(render(status, &view))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    page(&state, ctx, None, FormErrors::none(), StatusCode::OK).await
}

/// Re-renders the account page with the problem, or passes other errors on.
async fn failed(state: &AppState, ctx: PageCtx, e: AppError) -> Result<Response, Failure> {
    if !is_form_error(&e) {
        return Err(Failure(e));
    }
    let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
    page(state, ctx, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    lang: String,
}

pub async fn set_lang(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<LangForm>,
) -> Result<Response, Failure> {
    let lang = match form.lang.as_str() {
        "" => None,
        code => Some(Lang::parse(code).ok_or_else(|| AppError::field("lang", "unknown_language"))?),
    };
    let caller = ctx.caller()?;
    let actor = ctx.actor()?;
    let mut tx = state.db.begin().await?;
    account::set_lang(&mut tx, &caller, actor, lang).await?;
    tx.commit().await?;
    Ok(done("/account", "saved"))
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let result = async {
        let mut input: PasswordChangeInput = decode_form(&body)?;
        // The form asks for the new password twice: a second one left empty is a mismatch.
        input.confirm_password.get_or_insert_with(String::new);
        let caller = ctx.caller().map_err(|f| f.0)?;
        let actor = ctx.actor().map_err(|f| f.0)?;
        account::change_password(&state.db, &caller, actor, ctx.session_id, &input).await
    }
    .await;
    match result {
        Ok(()) => Ok(done("/account", "password_changed")),
        Err(e) => failed(&state, ctx, e).await,
    }
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let result = async {
        let input: TokenInput = decode_form(&body)?;
        let caller = ctx.caller().map_err(|f| f.0)?;
        let owner = ctx.actor().map_err(|f| f.0)?.user_id;
        let mut tx = state.db.begin().await?;
        let (_, secret) = account::create_token_expiring(&mut tx, &caller, owner, &input).await?;
        tx.commit().await?;
        Ok::<_, AppError>(secret)
    }
    .await;
    match result {
        // The secret is shown on this response only; it is never stored.
        Ok(secret) => {
            page(
                &state,
                ctx,
                Some(secret),
                FormErrors::none(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => failed(&state, ctx, e).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<TokenId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let owner = ctx.actor()?.user_id;
    let mut tx = state.db.begin().await?;
    account::revoke_token(&mut tx, &caller, owner, id).await?;
    tx.commit().await?;
    Ok(done("/account", "token_revoked"))
}
