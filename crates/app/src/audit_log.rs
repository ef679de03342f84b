//! Reading the audit log, limited to the caller's subtrees.

use crate::{Caller, Result};
use ingot_domain::audit::AuditEntry;
use ingot_domain::policy::Action;
use ingot_domain::{AppError, OrgId};
use ingot_store::audit::{self, AuditFilter};
use ingot_store::{Page, Total, Tx, orgs};

/// Audit rows in the caller's subtrees, optionally only those of one organisation's subtree.
pub async fn list(
    tx: &mut Tx,
    caller: &Caller<'_>,
    within: Option<OrgId>,
    mut filter: AuditFilter,
    page: Page,
) -> Result<(Vec<AuditEntry>, Total)> {
    filter.within = caller.scope(Action::ViewAudit);
    if filter.within.as_ref().is_some_and(|s| s.is_empty()) {
        return Err(AppError::forbidden());
    }
    // Events tied to no organisation (unknown usernames) belong to whoever runs the whole tree.
    filter.include_unscoped = caller.is_root_admin();
    if let Some(id) = within {
        let org = orgs::get(tx, id)
            .await?
            .ok_or_else(|| AppError::not_found("organisation"))?;
        caller.require(Action::ViewAudit, &org.path)?;
        filter.within = filter.within.map(|s| s.within_subtree(&org.path));
        filter.include_unscoped = false;
    }
    audit::list(tx, &filter, page).await
}

/// The changes recorded about one record, newest first (at most 100), for its page's history:
/// who changed what and when, with before and after; not where from, which is the auditors'.
/// The caller has already checked that the reader may read the record.
pub async fn history_of(tx: &mut Tx, object_type: &str, id: i64) -> Result<Vec<AuditEntry>> {
    let filter = AuditFilter {
        object_type: Some(object_type.to_string()),
        object_id: Some(id),
        ..Default::default()
    };
    let (mut entries, _) = audit::list(tx, &filter, Page::new(Some(1), Some(100), 100)).await?;
    for e in &mut entries {
        e.ip = None;
        e.request_id = None;
    }
    Ok(entries)
}
