//! `X-Ingot-Queries`: how many database statements a request ran, when the configuration asks
//! (tests and benchmarks), so that an N+1 fails a test instead of a national federation.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: &str = "x-ingot-queries";

pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.config.count_queries {
        return next.run(req).await;
    }
    let (mut response, statements) = ingot_store::query_count::counted(next.run(req)).await;
    response
        .headers_mut()
        .insert(HEADER, HeaderValue::from(statements));
    response
}
