//! Per-request facts resolved once, at the edge: who is asking (session or token), in which
//! language, with which CSRF token, from where. Handlers read them from the extensions.

use crate::AppState;
use crate::cookies;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ingot_app::auth::{self, SessionAuth};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::{Actor, AppError, Lang};
use std::net::SocketAddr;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "ingot_session";
pub const LANG_COOKIE: &str = "ingot_lang";
/// Before signing in there is no session to bind a CSRF token to; a random cookie is used
/// instead (double submit), besides the Origin checks.
pub const PRE_SESSION_CSRF_COOKIE: &str = "ingot_csrf";
pub const FLASH_COOKIE: &str = "ingot_flash";

#[derive(Clone)]
pub enum Auth {
    Anonymous,
    /// A session cookie that has expired (or whose user was disabled).
    Expired,
    Session(Arc<SessionAuth>),
    Token(Arc<Actor>),
}

#[derive(Clone)]
pub struct RequestState {
    pub auth: Auth,
    pub lang: Lang,
    pub csrf_token: String,
    pub origin: RequestOrigin,
    pub secure: bool,
    pub flash: Option<String>,
}

impl RequestState {
    pub fn actor(&self) -> Option<&Actor> {
        match &self.auth {
            Auth::Session(s) => Some(&s.actor),
            Auth::Token(a) => Some(a),
            Auth::Anonymous | Auth::Expired => None,
        }
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn request_id(headers: &HeaderMap) -> String {
    let given = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    given
        .map(str::to_string)
        .unwrap_or_else(|| ingot_app::secrets::random_token("")[..16].to_string())
}

fn client_ip(state: &AppState, req: &Request) -> Option<String> {
    if state.config.trust_proxy
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(first) = forwarded.split(',').next()
    {
        return Some(first.trim().to_string());
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    use crate::config::SecureCookies;
    match state.config.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => {
            state.config.trust_proxy
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    == Some("https")
        }
    }
}

/// Resolves the request's `RequestState`, runs the handler, then adjusts cookies.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Static files and health checks need no session: spare them the database.
    if req.uri().path().starts_with("/assets/") || req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let headers = req.headers().clone();
    let jar = cookies::parse(&headers);
    let is_api = req.uri().path().starts_with("/api/");
    let secure = is_secure(&state, &headers);
    let origin = RequestOrigin {
        ip: client_ip(&state, &req),
        user_agent: header_str(&headers, &header::USER_AGENT)
            .map(|s| s.chars().take(300).collect()),
        request_id: Some(request_id(&headers)),
        channel: if is_api { "api" } else { "web" },
        utc_offset_ms: state.config.utc_offset_ms(),
    };

    let browser_lang = jar
        .get(LANG_COOKIE)
        .and_then(|l| Lang::parse(l))
        .or_else(|| {
            header_str(&headers, &header::ACCEPT_LANGUAGE).and_then(Lang::from_accept_language)
        });
    let mut auth = Auth::Anonymous;
    if let Some(value) = header_str(&headers, &header::AUTHORIZATION) {
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "));
        let result = match token {
            Some(token) => auth::resolve_api_token(&state.db, token).await,
            None => Err(AppError::Unauthenticated {
                code: "token_invalid",
            }),
        };
        match result {
            Ok(actor) => auth = Auth::Token(Arc::new(actor)),
            Err(e) => {
                // A wrong token is an error, never a silent fall-back to anonymous.
                let rs = RequestState {
                    auth: Auth::Anonymous,
                    lang: browser_lang.unwrap_or_default(),
                    csrf_token: String::new(),
                    origin,
                    secure,
                    flash: None,
                };
                let mut response = crate::error::Failure(e).into_response();
                response.extensions_mut().insert(rs);
                return response;
            }
        }
    } else if let Some(token) = jar.get(SESSION_COOKIE) {
        match auth::resolve_session(&state.db, token, state.config.session).await {
            Ok(Some(session)) => auth = Auth::Session(Arc::new(session)),
            Ok(None) => {}
            Err(AppError::Unauthenticated { .. }) => auth = Auth::Expired,
            Err(e) => {
                tracing::error!("session lookup failed: {e}");
                return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }

    let lang = match &auth {
        Auth::Session(s) => s.lang,
        _ => None,
    }
    .or(browser_lang)
    .unwrap_or_default();

    let mut new_pre_session_token = None;
    let csrf_token = match &auth {
        Auth::Session(s) => s.csrf_token.clone(),
        _ => match jar.get(PRE_SESSION_CSRF_COOKIE).filter(|t| t.len() >= 32) {
            Some(t) => t.to_string(),
            None => {
                let t = ingot_app::secrets::random_token("");
                new_pre_session_token = Some(t.clone());
                t
            }
        },
    };
    let flash = jar.get(FLASH_COOKIE).cloned();
    let expired = matches!(auth, Auth::Expired);
    let rs = RequestState {
        auth,
        lang,
        csrf_token,
        origin,
        secure,
        flash: flash.clone(),
    };
    req.extensions_mut().insert(rs.clone());

    let mut response = next.run(req).await;
    // The outer layers (error rendering, headers) read the request's state from the response.
    response.extensions_mut().insert(rs);
    let is_redirect = response.status().is_redirection();
    let out = response.headers_mut();
    if let Some(t) = new_pre_session_token {
        cookies::set(out, PRE_SESSION_CSRF_COOKIE, &t, secure, None, "Strict");
    }
    if expired {
        cookies::clear(out, SESSION_COOKIE, secure);
    }
    // A flash message is shown once: clear it on the first page that is not itself a redirect.
    if flash.is_some() && !is_redirect {
        cookies::clear(out, FLASH_COOKIE, secure);
    }
    response
}
