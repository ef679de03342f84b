//! Who may send a request to each route, decided before anything reads its body.
//!
//! Every route is registered with a `Gate`: the pages through `Routes`, the API in
//! `api::gates`. The `admit` middleware runs after routing and before the CSRF check and the
//! handler: it answers 401 or 404/403 for a caller the gate does not admit, so no handler ever
//! parses or stores a body (an upload, a spreadsheet, a form) for someone who may not act there.
//! A route without a gate is refused (and the unit test below fails), so a new route cannot be
//! added without deciding who may call it.

use crate::AppState;
use crate::error::Failure;
use crate::request::RequestState;
use axum::Router;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use ingot_app::Caller;
use ingot_app::reach::{self, Target};
use ingot_domain::AppError;
use ingot_domain::policy::Action;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Who a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Anyone, signed in or not: public pages, signing in, objections during publicity.
    Public,
    /// Anyone signed in; the use case decides on the record (one's own proposals, account).
    SignedIn,
    /// Someone whose roles allow one of these actions somewhere: creating and importing.
    Role(&'static [Action]),
    /// Someone within reach of the record named by the route's first path parameter.
    Record(Target),
}

impl Gate {
    pub fn describe(self) -> String {
        match self {
            Gate::Public => "public".into(),
            Gate::SignedIn => "signed in".into(),
            Gate::Role(actions) => format!("may {actions:?} somewhere"),
            Gate::Record(target) => format!("within reach of the {target:?}"),
        }
    }
}

/// One route as registered: what the generated access test calls.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub gate: Gate,
}

/// A router that records each route's method, path and gate as it registers the handler.
pub struct Routes {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            router: Router::new(),
            specs: Vec::new(),
        }
    }
}

impl Routes {
    pub fn get<H, T>(self, path: &'static str, gate: Gate, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::GET, path, gate, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, gate: Gate, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::POST, path, gate, post(handler))
    }

    /// A route whose method router carries layers of its own (e.g. a larger body limit).
    pub fn route(
        mut self,
        method: Method,
        path: &'static str,
        gate: Gate,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.specs.push(RouteSpec { method, path, gate });
        self.router = self.router.route(path, handler);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteSpec>) {
        (self.router, self.specs)
    }
}

/// Every route of the application with its gate: the pages, then the API (full paths).
pub fn routes() -> &'static [RouteSpec] {
    static ALL: OnceLock<Vec<RouteSpec>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = crate::pages::routes().into_parts().1;
        all.extend(crate::api::gates::specs().iter().cloned());
        all.extend(crate::infrastructure_routes());
        all
    })
}

fn gate_of(method: &Method, path: &str) -> Option<Gate> {
    static TABLE: OnceLock<HashMap<(Method, &'static str), Gate>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        routes()
            .iter()
            .map(|r| ((r.method.clone(), r.path), r.gate))
            .collect()
    });
    // HEAD is answered by the GET handler.
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    table.get(&(method.clone(), path)).copied()
}

/// The methods a path has gates for, for `Allow`.
fn methods_of(path: &str) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = routes()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.method.as_str())
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

/// The middleware: admits the request through its route's gate, or answers for it.
pub async fn admit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Unmatched requests (404s) and the preflight carry nothing to protect.
    let Some(matched) = req.extensions().get::<MatchedPath>().cloned() else {
        return next.run(req).await;
    };
    if req.method() == Method::OPTIONS {
        return next.run(req).await;
    }
    let Some(gate) = gate_of(req.method(), matched.as_str()) else {
        // A method the path does not have (TRACE, or PUT where only GET is): 405, as the router
        // would answer; no handler runs either way.
        let allowed = methods_of(matched.as_str());
        if !allowed.is_empty() {
            let allow = axum::http::HeaderValue::from_str(&allowed.join(", "))
                .unwrap_or(axum::http::HeaderValue::from_static("GET"));
            return (
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                [(axum::http::header::ALLOW, allow)],
            )
                .into_response();
        }
        tracing::error!(path = matched.as_str(), method = %req.method(), "route without a gate");
        return Failure(AppError::forbidden()).into_response();
    };
    let (mut parts, body) = req.into_parts();
    let params = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .ok();
    let rs = parts.extensions.get::<RequestState>().cloned();
    let req = Request::from_parts(parts, body);
    match check(&state, rs.as_ref(), gate, params.as_ref()).await {
        Ok(()) => next.run(req).await,
        Err(e) => Failure(e).into_response(),
    }
}

async fn check(
    state: &AppState,
    rs: Option<&RequestState>,
    gate: Gate,
    params: Option<&RawPathParams>,
) -> Result<(), AppError> {
    if gate == Gate::Public {
        return Ok(());
    }
    let rs = rs.ok_or_else(|| AppError::internal("request state missing"))?;
    let Some(actor) = rs.actor() else {
        let code = if matches!(rs.auth, crate::request::Auth::Expired) {
            "session_expired"
        } else {
            "unauthenticated"
        };
        return Err(AppError::Unauthenticated { code });
    };
    let caller = Caller::user(actor, &rs.origin);
    match gate {
        Gate::Public | Gate::SignedIn => Ok(()),
        Gate::Role(actions) => {
            if reach::may_somewhere(&caller, actions) {
                Ok(())
            } else {
                Err(AppError::forbidden())
            }
        }
        Gate::Record(target) => {
            let id = params
                .and_then(|p| p.iter().next())
                .and_then(|(_, v)| v.parse::<i64>().ok())
                .ok_or(AppError::not_found("page"))?;
            let mut tx = state.db.read().await?;
            reach::require_within_reach(&mut tx, &caller, target, id).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_exactly_one_gate() {
        let mut seen = std::collections::HashSet::new();
        for r in routes() {
            assert!(
                seen.insert((r.method.clone(), r.path)),
                "{} {} has two gates",
                r.method,
                r.path
            );
        }
        // Every API operation in the OpenAPI document has a gate, and every gate an operation.
        let doc = crate::api::openapi();
        let mut documented = std::collections::HashSet::new();
        for (path, item) in &doc.paths.paths {
            for method in crate::api::gates::methods_of(item) {
                let full = format!("/api/v1{path}");
                documented.insert((method.clone(), full.clone()));
                assert!(
                    routes()
                        .iter()
                        .any(|r| r.method == method && r.path == full),
                    "{method} {full} has no gate in api::gates"
                );
            }
        }
        for r in crate::api::gates::specs() {
            if r.path == "/api/v1/openapi.json" {
                continue; // the document itself is not one of its operations
            }
            assert!(
                documented.contains(&(r.method.clone(), r.path.to_string())),
                "the gate for {} {} names no documented operation",
                r.method,
                r.path
            );
        }
    }
}
