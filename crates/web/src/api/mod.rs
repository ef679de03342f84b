//! The JSON API under `/api/v1`. Every handler is annotated for the OpenAPI document, which is
//! built from them at start and served at `/api/v1/openapi.json`.

mod audit;
pub mod campaigns;
pub mod dto;
pub mod innovation;
mod me;
mod notifications;
mod orgs;
mod programmes;
pub mod proposal_dto;
mod proposals;
mod search;
mod studios;
mod users;

use crate::AppState;
use crate::error::{ErrorBody, Failure};
use crate::request::RequestState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ingot_app::Caller;
use ingot_domain::audit::RequestOrigin;
use ingot_domain::{Actor, AppError, FieldError, Lang};
use std::sync::OnceLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ingot API",
        description = "Workplace technological-innovation programmes. Authenticate with `Authorization: Bearer <token>` \
                       (create tokens with `ingot token create USER` or on the account page). Calls made with a session \
                       cookie must send the page's CSRF token as `X-CSRF-Token`. Errors are `{error, message, fields}` \
                       with a stable `error` code and a message in the caller's language (Accept-Language).",
        license(name = "Apache-2.0")
    ),
    modifiers(&Security),
    components(schemas(ErrorBody)),
    tags(
        (name = "account", description = "The caller's own account, language, password and API tokens"),
        (name = "organisations", description = "The organisation tree"),
        (name = "people", description = "People, their roles and access"),
        (name = "audit", description = "The append-only audit log"),
        (name = "proposals", description = "Improvement proposals: drafting, the review workflow, implementation, benefit, rewards, files, statistics and per-enterprise settings. Money is integer fen (`_cents`), shares and rates basis points (`_bp`)"),
        (name = "notifications", description = "What happened to the proposals the caller is involved in, and the daily digest"),
        (name = "search", description = "Full-text search over what the caller may see"),
        (name = "studios", description = "Innovation studios: the registry, members, honours, outputs and photos; naming calls, applications with a snapshot, on-site reviews, decisions with numbered notices, special funding; assessments and revocation; alliances; statistics"),
        (name = "campaigns", description = "Award campaigns: the call with units, quotas, timetable, rubric and tier quotas; declarations attaching records, forwarding of lower rounds' winners, the formal check; the expert panel, conflicts of interest and the optimal assignment with overrides; score sheets; raw and calibrated results with tiers, ties and the panel decision; publicity with objections; the numbered announcement, certificates and the ranking of participating units"),
        (name = "innovation", description = "Innovation records: achievements with their ranked completers and verified benefit, patents (application numbers checked, CSV/XLSX import), skills and methods, talent titles and honours, and the record pages of people and units"),
        (name = "programmes", description = "Regional science & technology programmes: strategic areas, critical tasks led by organisations of the tree (external bodies included), funding per task, year and source (planned and actual; spending beyond budget needs a reason), milestones, outputs linked to their records, people counted once, award shares; the overview figures and the lists and exports behind each. Money is integer fen (`_cents`), ratios hundredths (`_x100`), shares basis points (`_bp`)"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("ingot_session"))),
        );
    }
}

fn parts() -> &'static (Router<AppState>, utoipa::openapi::OpenApi) {
    static PARTS: OnceLock<(Router<AppState>, utoipa::openapi::OpenApi)> = OnceLock::new();
    PARTS.get_or_init(|| {
        let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
            .merge(me::routes())
            .merge(orgs::routes())
            .merge(users::routes())
            .merge(audit::routes())
            .merge(search::routes())
            .merge(proposals::routes())
            .merge(notifications::routes())
            .merge(studios::routes())
            .merge(innovation::routes())
            .merge(campaigns::routes())
            .merge(programmes::routes())
            .split_for_parts();
        doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
        (router, doc)
    })
}

/// The OpenAPI document, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1.clone()
}

async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

pub fn router() -> Router<AppState> {
    parts()
        .0
        .clone()
        .route("/openapi.json", get(openapi_json))
        .fallback(|| async { Failure(AppError::not_found("endpoint")) })
}

/// The signed-in caller of an API request (by token or session).
pub struct ApiCtx {
    pub actor: Actor,
    pub origin: RequestOrigin,
    pub lang: Lang,
}

impl ApiCtx {
    pub fn caller(&self) -> Caller<'_> {
        Caller::user(&self.actor, &self.origin)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCtx {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let rs = parts
            .extensions
            .get::<RequestState>()
            .ok_or_else(|| Failure(AppError::internal("request state missing")))?;
        let code = if matches!(rs.auth, crate::request::Auth::Expired) {
            "session_expired"
        } else {
            "unauthenticated"
        };
        let actor = rs
            .actor()
            .cloned()
            .ok_or(Failure(AppError::Unauthenticated { code }))?;
        Ok(ApiCtx {
            actor,
            origin: rs.origin.clone(),
            lang: rs.lang,
        })
    }
}

/// A JSON body whose problems (malformed JSON, wrong types, missing fields) come back as
/// ordinary validation errors naming the problem.
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => {
                let code = match rejection {
                    axum::extract::rejection::JsonRejection::MissingJsonContentType(_) => {
                        "json_content_type_required"
                    }
                    axum::extract::rejection::JsonRejection::JsonSyntaxError(_) => "json_malformed",
                    _ => "json_invalid",
                };
                Err(Failure(AppError::Validation(vec![
                    FieldError::new("body", code).with("detail", rejection.body_text()),
                ])))
            }
        }
    }
}
