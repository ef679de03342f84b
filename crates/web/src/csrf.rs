//! CSRF protection for every state-changing request made with ambient credentials (a session
//! cookie, or the pre-session cookie on the sign-in and language forms):
//! 1. cross-site requests are refused outright (`Sec-Fetch-Site`, `Origin` against `Host`);
//! 2. the request must carry the session's token, as the `X-CSRF-Token` header (htmx, API) or
//!    a `_csrf` form field (plain forms, including multipart uploads).
//!
//! Requests authenticated by a bearer token are exempt: browsers never attach those by themselves.

use crate::AppState;
use crate::error::Failure;
use crate::request::{Auth, RequestState};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ingot_app::secrets::constant_time_eq;
use ingot_domain::AppError;

pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";

fn refused() -> Response {
    Failure(AppError::Forbidden {
        code: "csrf_failed",
    })
    .into_response()
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site == "cross-site"
    {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host != host
        }
        _ => false,
    }
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(rs) = req.extensions().get::<RequestState>().cloned() else {
        return refused();
    };
    let is_api = req.uri().path().starts_with("/api/");
    match rs.auth {
        Auth::Token(_) => return next.run(req).await,
        // An anonymous API call carries no ambient authority; it will be refused as such.
        Auth::Anonymous if is_api => return next.run(req).await,
        _ => {}
    }
    if is_cross_site(req.headers()) {
        return refused();
    }
    if let Some(given) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(given, &rs.csrf_token) {
            next.run(req).await
        } else {
            refused()
        };
    }
    if is_api {
        return refused();
    }
    // A plain form: read the body (within the upload limit), find the field, pass the body on.
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, state.config.max_upload_bytes + 64 * 1024).await else {
        return Failure(AppError::field("file", "file_too_large")).into_response();
    };
    let given = if content_type.starts_with("application/x-www-form-urlencoded") {
        form_field(&bytes)
    } else if let Ok(boundary) = multer::parse_boundary(&content_type) {
        multipart_field(bytes.clone(), boundary).await
    } else {
        None
    };
    match given {
        Some(token) if constant_time_eq(&token, &rs.csrf_token) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refused(),
    }
}

fn form_field(body: &[u8]) -> Option<String> {
    form_urlencoded_pairs(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(body: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    body.split(|b| *b == b'&').filter_map(|pair| {
        let text = std::str::from_utf8(pair).ok()?;
        let (k, v) = text.split_once('=').unwrap_or((text, ""));
        Some((crate::forms::decode(k), crate::forms::decode(v)))
    })
}

async fn multipart_field(bytes: Bytes, boundary: String) -> Option<String> {
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}
