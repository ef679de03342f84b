//! The audit log: who did what, when, from where, with the state before and after.

use crate::ids::{OrgId, UserId};
use crate::time::Timestamp;
use serde::Serialize;

/// Where a change came from, captured at the edge and written into every audit row.
#[derive(Debug, Clone, Default)]
pub struct RequestOrigin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    /// "web", "api" or "cli".
    pub channel: &'static str,
    /// The deployment's offset from UTC, which decides the calendar day and month of a change.
    pub utc_offset_ms: i64,
}

impl RequestOrigin {
    /// Today in the deployment's calendar: the day a change counts on.
    pub fn today(&self) -> crate::time::Date {
        crate::time::Date::of(Timestamp::now(), self.utc_offset_ms)
    }

    pub fn cli() -> Self {
        RequestOrigin {
            channel: "cli",
            utc_offset_ms: crate::time::CHINA_STANDARD_OFFSET_MS,
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor_user_id: Option<UserId>,
    pub actor_label: String,
    pub channel: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub object_label: Option<String>,
    pub org_id: Option<OrgId>,
    pub before: Option<String>,
    pub after: Option<String>,
}
