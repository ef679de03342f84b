//! The web application: server-rendered pages and the JSON API under `/api/v1`, one router.

pub mod access;
pub mod api;
mod assets;
pub mod config;
mod cookies;
mod csrf;
mod ctx;
mod documents;
mod error;
mod forms;
pub mod i18n;
mod nul;
mod overload;
mod pages;
pub mod query_count;
mod reports;
mod request;
mod security;
mod server;
mod transfer;

pub use config::{Config, Limits, SecureCookies, TrustedProxies, parse_trusted_proxies};
pub use i18n::Catalogs;
pub use server::serve;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use ingot_store::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub catalogs: Arc<Catalogs>,
    pub files: Arc<ingot_app::files::FileStore>,
    pub search: Arc<ingot_app::search::SearchService>,
    /// Signs the CSRF tokens of visitors who have not signed in (shared by all servers).
    pub csrf_key: Arc<Vec<u8>>,
    /// This server's API request counts, written to the shared buckets once a second.
    pub api_throttle: Arc<ingot_app::throttle::Batched>,
}

impl AppState {
    /// Builds the state, including this process's search index (from the database), and starts
    /// following the change log.
    pub async fn new(db: Db, config: Config) -> Result<Self, ingot_domain::AppError> {
        let offset_ms = config.utc_offset_ms();
        let search = Arc::new(if config.search_in_memory {
            ingot_app::search::SearchService::in_memory(&db, offset_ms).await?
        } else {
            ingot_app::search::SearchService::build(&db, offset_ms).await?
        });
        ingot_app::search::spawn_follower(search.clone(), db.clone());
        let csrf_key = ingot_app::secrets::server_key(&db, "pre_session_csrf").await?;
        Ok(AppState {
            csrf_key: Arc::new(csrf_key.into_bytes()),
            api_throttle: Arc::new(ingot_app::throttle::Batched::new(
                config.throttle.api_write_every,
            )),
            db,
            files: Arc::new(ingot_app::files::FileStore::new(config.files_dir.clone())),
            config: Arc::new(config),
            catalogs: Arc::new(Catalogs::load()),
            search,
        })
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": state.db.backend().name() })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("health check failed: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

async fn not_found() -> error::Failure {
    error::Failure(ingot_domain::AppError::not_found("page"))
}

/// The whole application. Middleware, outermost first: the load-shedding gate, security
/// headers, error rendering, request resolution (who, language, CSRF token), the bounds on the
/// body's size and time, the route's gate (who may call it at all), the CSRF check, then the
/// routes. `/healthz` goes round the load-shedding gate, so a load balancer sees a shedding
/// server as alive (it recovers by itself) rather than dead.
pub fn router(state: AppState) -> Router {
    use axum::error_handling::HandleErrorLayer;
    use axum::http::{HeaderMap, Uri};
    let max_body = state.config.max_body_bytes();
    let shedding = state.clone();
    let gate = tower::ServiceBuilder::new()
        .layer(HandleErrorLayer::new(
            move |headers: HeaderMap, uri: Uri, error: tower::BoxError| {
                std::future::ready(overload::refused(&shedding, &headers, &uri, error))
            },
        ))
        .load_shed()
        // One semaphore shared by every route the layer is applied to.
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            state.config.limits.max_in_flight,
        ));
    Router::new()
        .merge(pages::routes().into_parts().0)
        .nest("/api/v1", api::router())
        .route("/assets/{version}/{name}", get(assets::serve))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        // Before the CSRF check and the handler, which are the first to read a body.
        .layer(middleware::from_fn_with_state(state.clone(), access::admit))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            overload::bound,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_failures,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            query_count::count,
        ))
        .layer(gate)
        // Added after the layers above, so outside them all.
        .route(
            "/healthz",
            get(healthz).layer(middleware::from_fn_with_state(
                state.clone(),
                security::headers,
            )),
        )
        .with_state(state)
}

/// Routes outside the pages and the API: static files and the health check, open to anyone.
fn infrastructure_routes() -> Vec<access::RouteSpec> {
    ["/assets/{version}/{name}", "/healthz"]
        .into_iter()
        .map(|path| access::RouteSpec {
            method: axum::http::Method::GET,
            path,
            gate: access::Gate::Public,
        })
        .collect()
}
