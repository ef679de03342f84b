//! The audit log, filtered, paged and exportable.

use super::{Pager, ok, query_url};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::FormErrors;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use ingot_app::audit_log;
use ingot_domain::audit::AuditEntry;
use ingot_domain::org::Organisation;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, Timestamp};
use ingot_store::audit::AuditFilter;
use ingot_store::{Page, Total};

pub struct AuditRow {
    pub entry: AuditEntry,
    pub action_label: String,
    pub object_label: String,
}

#[derive(Template)]
#[template(path = "audit/index.html")]
struct IndexPage {
    ctx: PageCtx,
    org: Option<Organisation>,
    rows: Vec<AuditRow>,
    total: Total,
    pager: Pager,
    action: String,
    actor: String,
    from: String,
    until: String,
    object_type: String,
    object_id: String,
    query: String,
    action_options: Vec<(String, String)>,
    errors: FormErrors,
}

/// Action families offered in the filter; `org.` means every organisation action.
const ACTION_FAMILIES: &[&str] = &["auth.", "org.", "user.", "token."];

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    from: String,
    until: String,
    org: Option<String>,
    object_type: String,
    object_id: String,
    page: Option<i64>,
}

fn day(
    raw: &str,
    field: &'static str,
    offset_ms: i64,
    end: bool,
) -> Result<Option<Timestamp>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "invalid_date"))?;
    let date = if end {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    let ms = date
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp_millis())
        .unwrap_or_default();
    Ok(Some(Timestamp(ms - offset_ms)))
}

/// Builds the filter from the query, within the caller's subtrees (and an organisation's, when
/// one is named).
async fn filter_of(
    state: &AppState,
    q: &AuditQuery,
) -> Result<(AuditFilter, Option<Organisation>), AppError> {
    let offset = state.config.utc_offset_ms();
    let mut problems = Validator::new();
    let from = problems
        .keep_answer(day(&q.from, "from", offset, false))?
        .flatten();
    let until = problems
        .keep_answer(day(&q.until, "until", offset, true))?
        .flatten();
    let mut tx = state.db.read().await?;
    let actor = match q.actor.trim() {
        "" => None,
        name => problems.keep_answer(
            ingot_app::users::find_by_username(&mut tx, name)
                .await?
                .map(|u| u.id)
                .ok_or_else(|| {
                    AppError::Validation(vec![
                        FieldError::new("actor", "unknown_user").with("username", name),
                    ])
                }),
        )?,
    };
    problems.finish()?;
    let org = match q.org.as_deref().and_then(|s| s.parse().ok()) {
        Some(id) => Some(ingot_app::orgs::get(&mut tx, OrgId(id)).await?),
        None => None,
    };
    let filter = AuditFilter {
        actor,
        action: Some(q.action.clone()).filter(|a| !a.is_empty()),
        object_type: Some(q.object_type.clone()).filter(|t| !t.is_empty()),
        object_id: q.object_id.parse().ok(),
        from,
        until,
        ..Default::default()
    };
    Ok((filter, org))
}

async fn run(
    state: &AppState,
    ctx: &PageCtx,
    q: &AuditQuery,
    page: Page,
) -> Result<(Vec<AuditEntry>, Total, Option<Organisation>), AppError> {
    let (filter, org) = filter_of(state, q).await?;
    let caller = ctx.caller().map_err(|f| f.0)?;
    let mut tx = state.db.read().await?;
    let (rows, total) =
        audit_log::list(&mut tx, &caller, org.as_ref().map(|o| o.id), filter, page).await?;
    Ok((rows, total, org))
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, Failure> {
    let page = Page::new(q.page, Some(50), 50);
    let (rows, total, org, errors) = match run(&state, &ctx, &q, page).await {
        Ok((rows, total, org)) => (rows, total, org, FormErrors::none()),
        Err(e @ AppError::Validation(_)) => (
            Vec::new(),
            Total::exact(0),
            None,
            FormErrors::from_error(ctx.catalogs(), ctx.lang, &e),
        ),
        Err(e) => return Err(Failure(e)),
    };
    let rows = rows
        .into_iter()
        .map(|entry| {
            let action_label = ctx.t(&super::home::action_key(&entry.action)).to_string();
            let object = ctx.t(&format!("object.{}", entry.object_type)).to_string();
            let object_label = match (&entry.object_label, entry.object_id) {
                (Some(label), _) => format!("{object} {label}"),
                (None, Some(id)) => format!("{object} #{id}"),
                (None, None) => object,
            };
            AuditRow {
                entry,
                action_label,
                object_label,
            }
        })
        .collect();
    let org_param = org.as_ref().map(|o| o.id.to_string()).unwrap_or_default();
    let params = [
        ("action", q.action.as_str()),
        ("actor", q.actor.as_str()),
        ("from", q.from.as_str()),
        ("until", q.until.as_str()),
        ("org", org_param.as_str()),
        ("object_type", q.object_type.as_str()),
        ("object_id", q.object_id.as_str()),
    ];
    let base = query_url("/audit", &params);
    let query = base.strip_prefix("/audit").unwrap_or("").to_string();
    let pager = Pager::of(&ctx, &base, page, total);
    let action_options = ACTION_FAMILIES
        .iter()
        .map(|f| {
            (
                f.to_string(),
                ctx.t(&format!("audit.family.{}", f.trim_end_matches('.')))
                    .to_string(),
            )
        })
        .collect();
    Ok(ok(&IndexPage {
        org,
        rows,
        total,
        pager,
        action: q.action,
        actor: q.actor,
        from: q.from,
        until: q.until,
        object_type: q.object_type,
        object_id: q.object_id,
        query,
        action_options,
        errors,
        ctx,
    }))
}

pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, Failure> {
    let (rows, _, _) = run(
        &state,
        &ctx,
        &q,
        Page {
            number: 1,
            size: 100_000,
        },
    )
    .await?;
    let rows = rows
        .into_iter()
        .map(|e| {
            vec![
                ctx.datetime(&e.at),
                e.actor_label,
                e.action,
                e.object_type,
                e.object_id.map(|i| i.to_string()).unwrap_or_default(),
                e.object_label.unwrap_or_default(),
                e.channel,
                e.ip.unwrap_or_default(),
                e.request_id.unwrap_or_default(),
                e.before.unwrap_or_default(),
                e.after.unwrap_or_default(),
            ]
        })
        .collect();
    let headers = [
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "channel",
        "ip",
        "request_id",
        "before",
        "after",
    ];
    Ok(super::orgs::spreadsheet_response("csv", "audit", "audit", &headers, rows).await?)
}
