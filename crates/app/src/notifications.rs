//! In-app notifications and the daily digest. Notifications are written by the proposal use
//! cases in their own transactions (one per event per person); this module reads them, marks
//! them read, and makes each subscriber's daily digest.

use crate::{Caller, Result};
use ingot_domain::time::Date;
use ingot_domain::{AppError, NotificationId, Timestamp, UserId};
use ingot_store::notifications::{self as store, Digest, Notification};
use ingot_store::{Db, Page, Tx};

fn me(caller: &Caller<'_>) -> Result<UserId> {
    caller.user_id().ok_or_else(AppError::forbidden)
}

pub async fn unread_count(tx: &mut Tx, caller: &Caller<'_>) -> Result<i64> {
    unread_count_of(tx, me(caller)?).await
}

/// The signed-in person's unread count, for the badge every page shows (read before the
/// handler builds its `Caller`).
pub async fn unread_count_of(tx: &mut Tx, user: UserId) -> Result<i64> {
    store::unread_count(tx, user).await
}

pub async fn list(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unread_only: bool,
    page: Page,
) -> Result<(Vec<Notification>, i64)> {
    store::list(tx, me(caller)?, unread_only, None, None, page).await
}

/// Marks one notification (or, with `None`, all) read; returns how many changed.
/// Which notifications to mark read.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MarkReadBody)]
pub struct MarkReadInput {
    /// One notification; omit to mark all read.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub id: Option<NotificationId>,
}

pub async fn mark_read(tx: &mut Tx, caller: &Caller<'_>, input: &MarkReadInput) -> Result<u64> {
    store::mark_read(tx, me(caller)?, input.id, Timestamp::now()).await
}

pub async fn mark_proposal_read(
    tx: &mut Tx,
    caller: &Caller<'_>,
    proposal: ingot_domain::ProposalId,
) -> Result<u64> {
    store::mark_proposal_read(tx, me(caller)?, proposal, Timestamp::now()).await
}

pub async fn digest_enabled(tx: &mut Tx, caller: &Caller<'_>) -> Result<bool> {
    store::daily_digest(tx, me(caller)?).await
}

pub async fn set_digest(tx: &mut Tx, caller: &Caller<'_>, on: bool) -> Result<()> {
    let user = me(caller)?;
    store::set_daily_digest(tx, user, on).await?;
    crate::audit::record(
        tx,
        caller,
        crate::audit::Change::new("account.digest", "user", user.0)
            .label(caller.label())
            .after(&serde_json::json!({ "daily_digest": on })),
    )
    .await
}

pub async fn digests(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Digest>> {
    store::digests(tx, me(caller)?, 14).await
}

/// Makes the digest of `day` for every subscriber who had notifications that day, and with
/// `mail` queues its e-mail to those with an address. Safe to run from several servers and
/// more than once: a day's digest is made, and e-mailed, once per person. Returns how many
/// digests this call made.
pub async fn make_digests(db: &Db, day: Date, offset_ms: i64, mail: bool) -> Result<usize> {
    let since = day.start(offset_ms);
    let until = day.plus_days(1).start(offset_ms);
    let subscribers = {
        let mut tx = db.read().await?;
        store::digest_subscribers(&mut tx).await?
    };
    let mut made = 0;
    for user in subscribers {
        let mut tx = db.begin().await?;
        let (items, total) = store::list(
            &mut tx,
            user,
            false,
            Some(since),
            Some(until),
            Page::new(Some(1), Some(200), 200),
        )
        .await?;
        if total == 0 {
            tx.rollback().await?;
            continue;
        }
        let body = items
            .iter()
            .map(|n| {
                format!(
                    "{} {} — {}",
                    n.proposal_number.as_deref().unwrap_or("-"),
                    n.proposal_title,
                    n.kind
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let now = Timestamp::now();
        if store::insert_digest(&mut tx, user, day, total, &body, now).await? {
            made += 1;
            if mail {
                ingot_store::outbound::queue_digest_mail(&mut tx, user, day, now).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(made)
}
