//! Notifications of what happened to the caller's proposals, and the daily digest.

use ingot_store::notifications::{Digest, Notification};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Unread ones only.
    #[param(value_type = Option<bool>)]
    pub unread: Option<String>,
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

/// Something that happened to a proposal the caller is involved in. `kind` as in the
/// timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    pub proposal_id: i64,
    pub proposal_title: String,
    pub proposal_number: Option<String>,
    pub kind: String,
    pub actor_name: Option<String>,
    pub created_at: i64,
    pub read: bool,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        NotificationDto {
            id: n.id.0,
            proposal_id: n.proposal_id.0,
            proposal_title: n.proposal_title,
            proposal_number: n.proposal_number,
            kind: n.kind,
            actor_name: n.actor_name,
            created_at: n.created_at.millis(),
            read: n.read,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationListDto {
    pub items: Vec<NotificationDto>,
    pub total: i64,
    /// All the caller's unread notifications.
    pub unread: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkReadDto {
    /// How many changed.
    pub marked: u64,
    pub unread: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DigestSettingDto {
    /// Receive a daily digest of the day's notifications.
    pub daily_digest: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DigestDto {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub items: i64,
    pub body: String,
    pub created_at: i64,
}

impl From<Digest> for DigestDto {
    fn from(d: Digest) -> Self {
        DigestDto {
            day: d.day.to_string(),
            items: d.items,
            body: d.body,
            created_at: d.created_at.millis(),
        }
    }
}
