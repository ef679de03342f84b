//! The web application: server-rendered pages and the JSON API under `/api/v1`, one router.

pub mod api;
mod assets;
pub mod config;
mod cookies;
mod csrf;
mod ctx;
mod error;
mod forms;
pub mod i18n;
mod pages;
mod request;
mod security;

pub use config::{Config, SecureCookies};
pub use i18n::Catalogs;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use ingot_store::Db;
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub catalogs: Arc<Catalogs>,
    pub files: Arc<ingot_app::files::FileStore>,
    pub search: Arc<ingot_app::search::SearchService>,
}

impl AppState {
    /// Builds the state, including this process's search index (from the database), and starts
    /// following the change log.
    pub async fn new(db: Db, config: Config) -> Result<Self, ingot_domain::AppError> {
        let search =
            Arc::new(ingot_app::search::SearchService::build(&db, config.utc_offset_ms()).await?);
        ingot_app::search::spawn_follower(search.clone(), db.clone());
        Ok(AppState {
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

/// The whole application. Middleware, outermost first: security headers, error rendering,
/// request resolution (who, language, CSRF token), CSRF check, then the routes.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_upload_bytes + 64 * 1024;
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::router())
        .route("/assets/{version}/{name}", get(assets::serve))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_failures,
        ))
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
