//! Errors leave handlers as `Failure`, which only sets the status and carries the error; the
//! `render_failures` middleware, which knows the request's language and kind, writes the body:
//! JSON `{error, message, fields}` for the API, a page (or a sign-in redirect) for people.

use crate::AppState;
use crate::request::RequestState;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use ingot_domain::AppError;
use std::sync::Arc;

#[derive(Debug)]
pub struct Failure(pub AppError);

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure(e)
    }
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
        AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = status_of(&self.0).into_response();
        response.extensions_mut().insert(Arc::new(self.0));
        response
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `validation_failed`, `username_taken`, `forbidden`.
    pub error: String,
    /// The problem in the caller's language.
    pub message: String,
    /// One entry per field problem.
    pub fields: Vec<FieldErrorBody>,
    /// Quote this when reporting a problem.
    pub request_id: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub fn error_body(state: &AppState, req: &RequestState, e: &AppError) -> ErrorBody {
    let lang = req.lang;
    ErrorBody {
        error: e.code().to_string(),
        message: message(state, req, e),
        fields: e
            .field_errors()
            .iter()
            .map(|f| FieldErrorBody {
                field: f.field.clone(),
                code: f.code.to_string(),
                message: state.catalogs.field_error(lang, f),
            })
            .collect(),
        request_id: req.origin.request_id.clone(),
    }
}

fn message(state: &AppState, req: &RequestState, e: &AppError) -> String {
    if let AppError::Internal(detail) = e {
        tracing::error!(request_id = ?req.origin.request_id, "internal error: {detail}");
        return state.catalogs.t_with(
            req.lang,
            "error.internal",
            &[(
                "request_id",
                req.origin.request_id.clone().unwrap_or_default(),
            )],
        );
    }
    state.catalogs.error(req.lang, e)
}

pub async fn render_failures(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let wants_json = req.uri().path().starts_with("/api/");
    let original = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "/".into());
    let response = next.run(req).await;
    let Some(error) = response.extensions().get::<Arc<AppError>>().cloned() else {
        return response;
    };
    let Some(rs) = response.extensions().get::<RequestState>().cloned() else {
        return response;
    };
    let mut out = render_failure(
        &state,
        &rs,
        &error,
        response.status(),
        wants_json,
        &original,
    );
    if let AppError::TooManyRequests { retry_after_secs } = *error {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    // Keep what the inner layers decided about cookies, and the request's state for the outer ones.
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        out.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    out.extensions_mut().insert(rs);
    out
}

fn render_failure(
    state: &AppState,
    rs: &RequestState,
    error: &AppError,
    status: StatusCode,
    wants_json: bool,
    original: &str,
) -> Response {
    if wants_json {
        let mut out = (status, Json(error_body(state, rs, error))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            out.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return out;
    }
    if let AppError::Unauthenticated { code } = error {
        // People are sent to sign in and brought back afterwards.
        let target = format!(
            "/login?next={}&reason={code}",
            crate::forms::encode(original)
        );
        return Redirect::to(&target).into_response();
    }
    let ctx = crate::ctx::PageCtx::from_state(state, rs);
    let page = crate::pages::error::ErrorPage {
        title: state
            .catalogs
            .t(rs.lang, &format!("status.{}", status.as_u16()))
            .to_string(),
        message: message(state, rs, error),
        fields: error
            .field_errors()
            .iter()
            .map(|f| state.catalogs.field_error(rs.lang, f))
            .collect(),
        status: status.as_u16(),
        ctx,
    };
    crate::pages::render(status, &page)
}
