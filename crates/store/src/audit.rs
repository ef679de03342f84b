//! The append-only audit log. There is no update or delete here, and triggers in both schemas
//! refuse them.

use crate::sql::{LIST_COUNT_CAP, Page, SqlBuilder, Total, capped_count, count_up_to};
use crate::{Result, Tx};
use ingot_domain::audit::{AuditEntry, RequestOrigin};
use ingot_domain::{OrgId, OrgScope, Timestamp, UserId};

/// One audit row to write.
pub struct AuditRecord<'a> {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub actor_label: &'a str,
    pub origin: &'a RequestOrigin,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub object_label: Option<&'a str>,
    pub org_id: Option<OrgId>,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub async fn append(tx: &mut Tx, r: &AuditRecord<'_>) -> Result<()> {
    let mut b = SqlBuilder::new(
        "INSERT INTO audit_log (at, actor_user_id, actor_label, channel, ip, user_agent, request_id, action,
                                object_type, object_id, object_label, org_id, before_json, after_json) VALUES (",
    );
    b.bind(r.at)
        .push(", ")
        .bind(r.actor)
        .push(", ")
        .bind(r.actor_label)
        .push(", ")
        .bind(r.origin.channel);
    b.push(", ")
        .bind(r.origin.ip.as_deref())
        .push(", ")
        .bind(r.origin.user_agent.as_deref());
    b.push(", ")
        .bind(r.origin.request_id.as_deref())
        .push(", ")
        .bind(r.action)
        .push(", ")
        .bind(r.object_type);
    b.push(", ")
        .bind(r.object_id)
        .push(", ")
        .bind(r.object_label)
        .push(", ")
        .bind(r.org_id)
        .push(", ")
        .bind(r.before.clone());
    b.push(", ").bind(r.after.clone()).push(")");
    tx.execute(b.build()).await?;
    crate::audit_tally::add_event(tx, r.org_id, r.at).await
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_user_id: Option<i64>,
    actor_label: String,
    channel: String,
    ip: Option<String>,
    request_id: Option<String>,
    action: String,
    object_type: String,
    object_id: Option<i64>,
    object_label: Option<String>,
    org_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            at: Timestamp(r.at),
            actor_user_id: r.actor_user_id.map(UserId),
            actor_label: r.actor_label,
            channel: r.channel,
            ip: r.ip,
            request_id: r.request_id,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            object_label: r.object_label,
            org_id: r.org_id.map(OrgId),
            before: r.before_json,
            after: r.after_json,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Rows whose organisation lies in these subtrees. Rows about no organisation (such as a
    /// failed sign-in with an unknown username) are included only when `include_unscoped`.
    pub within: Option<OrgScope>,
    pub include_unscoped: bool,
    pub actor: Option<UserId>,
    /// An exact action (`org.create`) or a family prefix ending in a dot (`org.`).
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

fn conditions(b: &mut SqlBuilder, f: &AuditFilter) {
    b.push(" WHERE 1 = 1");
    if let Some(scope) = &f.within {
        b.push(" AND (").scope("o.path", scope);
        if f.include_unscoped {
            b.push(" OR a.org_id IS NULL");
        }
        b.push(")");
    }
    if let Some(actor) = f.actor {
        b.push(" AND a.actor_user_id = ").bind(actor);
    }
    if let Some(action) = f.action.as_deref().filter(|a| !a.is_empty()) {
        if let Some(prefix) = action.strip_suffix('.') {
            b.push(" AND (a.action = ")
                .bind(prefix)
                .push(" OR substr(a.action, 1, CAST(")
                .bind(action.len() as i64);
            b.push(" AS INTEGER)) = ").bind(action).push(")");
        } else {
            b.push(" AND a.action = ").bind(action);
        }
    }
    if let Some(t) = f.object_type.as_deref().filter(|t| !t.is_empty()) {
        b.push(" AND a.object_type = ").bind(t);
    }
    if let Some(id) = f.object_id {
        b.push(" AND a.object_id = ").bind(id);
    }
    if let Some(from) = f.from {
        b.push(" AND a.at >= ").bind(from);
    }
    if let Some(until) = f.until {
        b.push(" AND a.at < ").bind(until);
    }
}

/// A page of the log, and how many entries match, counted up to [`LIST_COUNT_CAP`]: a
/// federation's log grows by every change beneath it.
pub async fn list(
    tx: &mut Tx,
    filter: &AuditFilter,
    page: Page,
) -> Result<(Vec<AuditEntry>, Total)> {
    let mut count = capped_count();
    count.push(" FROM audit_log a LEFT JOIN organisations o ON o.id = a.org_id");
    conditions(&mut count, filter);
    let total = count_up_to(tx, count, LIST_COUNT_CAP).await?;
    Ok((page_of(tx, filter, page).await?, total))
}

/// The latest `n` entries, without counting them all (the dashboard's few rows).
pub async fn recent(tx: &mut Tx, filter: &AuditFilter, n: i64) -> Result<Vec<AuditEntry>> {
    page_of(tx, filter, Page::new(Some(1), Some(n), n)).await
}

async fn page_of(tx: &mut Tx, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>> {
    let mut b = SqlBuilder::new(
        "SELECT a.id, a.at, a.actor_user_id, a.actor_label, a.channel, a.ip, a.request_id, a.action, a.object_type,
                a.object_id, a.object_label, a.org_id, a.before_json, a.after_json
         FROM audit_log a LEFT JOIN organisations o ON o.id = a.org_id",
    );
    conditions(&mut b, filter);
    b.push(" ORDER BY a.at DESC, a.id DESC");
    page.apply(&mut b);
    let rows: Vec<AuditRow> = tx.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Audited events per day (days counted from `since`, `day_ms` long, shifted by `offset_ms` to
/// the deployment's time zone) for the dashboard chart.
pub async fn daily_counts(
    tx: &mut Tx,
    filter: &AuditFilter,
    since: Timestamp,
    offset_ms: i64,
) -> Result<Vec<(i64, i64)>> {
    const DAY_MS: i64 = 86_400_000;
    let mut b = SqlBuilder::new("SELECT (a.at + ");
    b.bind(offset_ms)
        .push(") / ")
        .bind(DAY_MS)
        .push(" AS day, COUNT(*) FROM audit_log a LEFT JOIN organisations o ON o.id = a.org_id");
    let mut f = filter.clone();
    f.from = Some(since);
    conditions(&mut b, &f);
    b.push(" GROUP BY day ORDER BY day");
    tx.fetch_all(b.build()).await
}
