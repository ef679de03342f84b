//! Writing audit rows, always inside the transaction of the change they describe.

use crate::{Caller, Result};
use ingot_domain::{OrgId, Timestamp};
use ingot_store::Tx;
use ingot_store::audit::{AuditRecord, append};
use serde::Serialize;

/// What changed: an action name (`org.create`), the object, its organisation, before and after.
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub label: Option<String>,
    pub org_id: Option<OrgId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: impl Into<Option<i64>>) -> Self {
        Change {
            action,
            object_type,
            object_id: object_id.into(),
            label: None,
            org_id: None,
            before: None,
            after: None,
        }
    }

    /// What a reader calls the object (an organisation's name, a username).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn org(mut self, org: OrgId) -> Self {
        self.org_id = Some(org);
        self
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

pub async fn record(tx: &mut Tx, caller: &Caller<'_>, change: Change<'_>) -> Result<()> {
    record_as(tx, caller, &caller.label(), change).await
}

/// Records under an explicit label, for events without an actor (a failed sign-in).
pub async fn record_as(
    tx: &mut Tx,
    caller: &Caller<'_>,
    label: &str,
    change: Change<'_>,
) -> Result<()> {
    append(
        tx,
        &AuditRecord {
            at: Timestamp::now(),
            actor: caller.user_id(),
            actor_label: label,
            origin: caller.origin,
            action: change.action,
            object_type: change.object_type,
            object_id: change.object_id,
            object_label: change.label.as_deref(),
            org_id: change.org_id,
            before: change.before.map(|v| v.to_string()),
            after: change.after.map(|v| v.to_string()),
        },
    )
    .await
}
