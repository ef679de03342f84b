//! Staying up under load and against slow clients.
//!
//! - **Shedding**: at most `max_in_flight` requests are handled at once (tower's concurrency
//!   limit); one more is refused at once with 503 and `Retry-After` (tower's load shedding)
//!   instead of waiting in an unbounded queue. `/healthz` bypasses the gate, so a load balancer
//!   still sees the server alive while it sheds.
//! - **Slow clients**: headers must arrive within the header timeout, which also closes a
//!   kept-alive connection left idle that long (hyper's timer, see `server`); the whole body within
//!   the body timeout (tower-http's `DeadlineBody`); the handler must answer within the request
//!   timeout.
//! - **Sizes**: a body over the limit is refused with 413 before it is read when it declares its
//!   length, and as soon as it passes the limit otherwise.
//!
//! Whatever a handler makes of a body that failed (a form re-rendered, a JSON error), the
//! refusal the client sees says what really happened: 413 or 408, naming the limit.

use crate::AppState;
use crate::error::Failure;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use http_body_util::{LengthLimitError, Limited};
use ingot_domain::{AppError, FieldError, Lang};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use tower::BoxError;
use tower_http::timeout::{DeadlineBody, TimeoutError};

/// The answer to a request refused for want of capacity: 503, `Retry-After`, a short message in
/// the client's language, JSON for the API. It is made without touching the database.
pub fn busy(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Response {
    let lang = crate::cookies::parse(headers)
        .get(crate::request::LANG_COOKIE)
        .and_then(|l| Lang::parse(l))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    busy_in(state, lang, uri.path().starts_with("/api/"))
}

fn busy_in(state: &AppState, lang: Lang, is_api: bool) -> Response {
    let message = state.catalogs.t(lang, "error.overloaded").to_string();
    let mut response = if is_api {
        let body = crate::error::ErrorBody {
            error: "overloaded".into(),
            message,
            fields: Vec::new(),
            request_id: None,
        };
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::RETRY_AFTER,
        HeaderValue::from(state.config.limits.retry_after_secs),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// What the load-shedding gate's errors become: "overloaded" is the only one it makes.
pub fn refused(state: &AppState, headers: &HeaderMap, uri: &Uri, error: BoxError) -> Response {
    if !error.is::<tower::load_shed::error::Overloaded>() {
        tracing::error!("request gate failed: {error}");
    }
    busy(state, headers, uri)
}

const BODY_OK: u8 = 0;
const BODY_TOO_LARGE: u8 = 1;
const BODY_TOO_SLOW: u8 = 2;

/// Bounds each request's body in size and time and its handling in time (see the module's
/// comment). Runs after the request's state is resolved, so refusals come in its language.
pub async fn bound(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limits = &state.config.limits;
    let max = state.config.max_body_bytes();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(declared) = declared.filter(|n| *n > max as u64) {
        linger(req.into_body(), declared, limits.body_read_timeout);
        return too_large(&state);
    }
    let seen = Arc::new(AtomicU8::new(BODY_OK));
    let lang = req
        .extensions()
        .get::<crate::request::RequestState>()
        .map(|rs| rs.lang)
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    // A request without a body (most GETs) needs no watching.
    let req = if http_body::Body::is_end_stream(req.body()) {
        req
    } else {
        req.map(|body| {
            Body::new(Watched {
                inner: Box::pin(DeadlineBody::new(
                    limits.body_read_timeout,
                    Limited::new(body, max),
                )),
                seen: seen.clone(),
            })
        })
    };
    let response = match tokio::time::timeout(limits.request_timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path, "request timed out");
            return busy_in(&state, lang, path.starts_with("/api/"));
        }
    };
    match seen.load(Ordering::Acquire) {
        BODY_TOO_LARGE => too_large(&state),
        BODY_TOO_SLOW => too_slow(&state),
        _ => response,
    }
}

/// Up to this much of a refused body is read and thrown away.
const LINGER_BYTES: u64 = 64 * 1024 * 1024;
const LINGER_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads and throws away the rest of a refused body for a while, as a browser is still
/// sending it: closing at once with its bytes unread makes the kernel reset the connection,
/// and the browser then shows a reset instead of the 413 page. A body much larger, or slower,
/// is cut off.
fn linger(body: Body, declared: u64, body_timeout: std::time::Duration) {
    use http_body_util::BodyExt;
    if declared > LINGER_BYTES {
        return;
    }
    tokio::spawn(async move {
        let mut body = body;
        let drain = async { while let Some(Ok(_)) = body.frame().await {} };
        let _ = tokio::time::timeout(LINGER_TIME.min(body_timeout), drain).await;
    });
}

fn too_large(state: &AppState) -> Response {
    closing(with_status(
        StatusCode::PAYLOAD_TOO_LARGE,
        FieldError::new("body", "request_too_large")
            .with("max", size_text(state.config.max_upload_bytes)),
    ))
}

/// "10 MB", "64 KB": the limit as people state it (an upload's; the form around it may add a
/// little).
fn size_text(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn too_slow(state: &AppState) -> Response {
    let seconds = state.config.limits.body_read_timeout.as_secs();
    closing(with_status(
        StatusCode::REQUEST_TIMEOUT,
        FieldError::new("body", "request_too_slow").with("seconds", seconds),
    ))
}

/// The rest of the body is not read (it may be large, or never come), so the connection cannot
/// carry another request: tell the client, which would otherwise send one on it.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A field error rendered by `error::render_failures` with a status other than 422's.
fn with_status(status: StatusCode, error: FieldError) -> Response {
    let mut response = Failure(AppError::Validation(vec![error])).into_response();
    *response.status_mut() = status;
    response
}

/// A request body that notes why it failed, if it did, for `bound` to tell the client.
struct Watched {
    inner: Pin<Box<DeadlineBody<Limited<Body>>>>,
    seen: Arc<AtomicU8>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = self.inner.as_mut().poll_frame(cx);
        if let Poll::Ready(Some(Err(e))) = &polled {
            let why = if e.is::<LengthLimitError>() {
                BODY_TOO_LARGE
            } else if e.is::<TimeoutError>() {
                BODY_TOO_SLOW
            } else {
                BODY_OK
            };
            if why != BODY_OK {
                let _ =
                    self.seen
                        .compare_exchange(BODY_OK, why, Ordering::AcqRel, Ordering::Acquire);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
