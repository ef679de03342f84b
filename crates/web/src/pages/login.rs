//! Signing in and out, and switching the interface language.

use super::{done, render};
use crate::AppState;
use crate::cookies;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, safe_next};
use crate::request::{Auth, LANG_COOKIE, RequestState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use ingot_app::{account, auth};
use ingot_domain::{AppError, Lang};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    username: String,
    reason: Option<String>,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: Option<String>,
    reason: Option<String>,
}

pub async fn form(ctx: PageCtx, Query(q): Query<LoginQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    if ctx.actor.is_some() {
        return Redirect::to(&next).into_response();
    }
    // Only known reasons are shown, so a crafted link cannot put words on the page.
    let reason = match q.reason.as_deref() {
        Some(code @ ("session_expired" | "unauthenticated")) => {
            Some(ctx.t(&format!("login.reason_{code}")).to_string())
        }
        _ => None,
    };
    super::ok(&LoginPage {
        ctx,
        next,
        username: String::new(),
        reason,
        errors: FormErrors::none(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(rs): Extension<RequestState>,
    ctx: PageCtx,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match auth::sign_in(
        &state.db,
        &form.username,
        &form.password,
        &ctx.origin,
        state.config.session,
        &state.config.throttle,
        state.config.directory.as_deref(),
    )
    .await
    {
        Ok(signed_in) => {
            let mut response = Redirect::to(&next).into_response();
            cookies::set(
                response.headers_mut(),
                state.config.session_cookie(),
                &signed_in.token,
                rs.secure,
                None,
                "Lax",
            );
            response
        }
        Err(e) => {
            let status = match &e {
                AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
                other => crate::error::status_of(other),
            };
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            let username = form.username.trim().to_string();
            let mut response = render(
                status,
                &LoginPage {
                    ctx,
                    next,
                    username,
                    reason: None,
                    errors,
                },
            );
            if let AppError::TooManyRequests { retry_after_secs } = e {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(retry_after_secs),
                );
            }
            response
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(rs): Extension<RequestState>,
    ctx: PageCtx,
) -> Result<Response, Failure> {
    if let (Auth::Session(session), Ok(caller)) = (&rs.auth, ctx.caller()) {
        auth::sign_out(&state.db, &caller, session.session_id).await?;
    }
    let mut response = done("/", "signed_out");
    cookies::clear(
        response.headers_mut(),
        state.config.session_cookie(),
        rs.secure,
    );
    Ok(response)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Remembers the choice on the account (when signed in) and in a cookie (always).
pub async fn switch_language(
    State(state): State<AppState>,
    Extension(rs): Extension<RequestState>,
    ctx: PageCtx,
    Form(form): Form<LangForm>,
) -> Result<Response, Failure> {
    let lang =
        Lang::parse(&form.lang).ok_or_else(|| AppError::field("lang", "unknown_language"))?;
    if let (Auth::Session(_), Ok(caller), Ok(actor)) = (&rs.auth, ctx.caller(), ctx.actor()) {
        let mut tx = state.db.begin().await?;
        account::set_lang(&mut tx, &caller, actor, Some(lang)).await?;
        tx.commit().await?;
    }
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    cookies::set(
        response.headers_mut(),
        LANG_COOKIE,
        lang.code(),
        rs.secure,
        Some(365 * 24 * 3600),
        "Lax",
    );
    Ok(response)
}
