//! `/audit`: the audit log.

use super::ApiCtx;
use super::dto::*;
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Query, State};
use ingot_app::audit_log;
use ingot_domain::{OrgId, Timestamp, UserId};
use ingot_store::Page;
use ingot_store::audit::AuditFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Audit rows in the caller's subtrees, newest first.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditListDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_audit(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditListDto>, Failure> {
    let caller = api.caller();
    let page = Page::new(q.page, q.per_page, 100);
    let filter = AuditFilter {
        actor: q.actor_user_id.map(UserId),
        action: q.action,
        object_type: q.object_type,
        object_id: q.object_id,
        from: q.from.map(Timestamp),
        until: q.until.map(Timestamp),
        ..Default::default()
    };
    let mut tx = state.db.read().await?;
    let (rows, total) = audit_log::list(&mut tx, &caller, q.org.map(OrgId), filter, page).await?;
    Ok(Json(AuditListDto {
        items: rows.into_iter().map(Into::into).collect(),
        total: total.count,
        total_exact: total.exact,
        page: page.number,
        per_page: page.size,
    }))
}
