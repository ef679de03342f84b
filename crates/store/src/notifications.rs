//! In-app notifications (one per event per person) and daily digests.

use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::time::Date;
use ingot_domain::{NotificationId, ProposalId, Timestamp, UserId};

/// Notifies each person once about an event, however many reasons they have to hear of it.
/// Notifies `users` of an event; `actor_hidden` keeps who acted from them (blind reviewers).
pub async fn notify(
    tx: &mut Tx,
    users: &[UserId],
    event_id: i64,
    proposal: ProposalId,
    now: Timestamp,
    actor_hidden: bool,
) -> Result<()> {
    for user in users {
        tx.execute(
            Sql::new(
                "INSERT INTO notifications (user_id, event_id, proposal_id, created_at, actor_hidden)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, event_id) DO NOTHING",
            )
            .bind(*user)
            .bind(event_id)
            .bind(proposal)
            .bind(now)
            .bind(actor_hidden),
        )
        .await?;
    }
    if !users.is_empty() {
        crate::outbound::queue_notification_mails(tx, event_id, now).await?;
    }
    Ok(())
}

pub async fn unread_count(tx: &mut Tx, user: UserId) -> Result<i64> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                .bind(user),
        )
        .await?;
    Ok(n)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notification {
    pub id: NotificationId,
    pub proposal_id: ProposalId,
    pub proposal_title: String,
    pub proposal_number: Option<String>,
    pub kind: String,
    pub actor_name: Option<String>,
    pub created_at: Timestamp,
    pub read: bool,
}

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

pub async fn list(
    tx: &mut Tx,
    user: UserId,
    unread_only: bool,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    page: Page,
) -> Result<(Vec<Notification>, i64)> {
    fn conditions(
        b: &mut SqlBuilder,
        user: UserId,
        unread_only: bool,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) {
        b.push(" WHERE n.user_id = ").bind(user);
        if unread_only {
            b.push(" AND n.read_at IS NULL");
        }
        if let Some(s) = since {
            b.push(" AND n.created_at >= ").bind(s);
        }
        if let Some(u) = until {
            b.push(" AND n.created_at < ").bind(u);
        }
    }
    let mut count = SqlBuilder::new("SELECT COUNT(*) FROM notifications n");
    conditions(&mut count, user, unread_only, since, until);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new(
        "SELECT n.id, n.proposal_id, p.title, p.number, e.kind,
                CASE WHEN n.actor_hidden THEN NULL ELSE u.display_name END, n.created_at, n.read_at
         FROM notifications n
         JOIN proposals p ON p.id = n.proposal_id
         JOIN proposal_events e ON e.id = n.event_id
         LEFT JOIN users u ON u.id = e.actor_id",
    );
    conditions(&mut b, user, unread_only, since, until);
    b.push(" ORDER BY n.id DESC");
    page.apply(&mut b);
    let rows: Vec<Row> = tx.fetch_all(b.build()).await?;
    Ok((
        rows.into_iter()
            .map(|r| Notification {
                id: NotificationId(r.0),
                proposal_id: ProposalId(r.1),
                proposal_title: r.2,
                proposal_number: r.3,
                kind: r.4,
                actor_name: r.5,
                created_at: Timestamp(r.6),
                read: r.7.is_some(),
            })
            .collect(),
        total,
    ))
}

/// Marks one notification read, or all of the user's when `id` is `None`.
pub async fn mark_read(
    tx: &mut Tx,
    user: UserId,
    id: Option<NotificationId>,
    now: Timestamp,
) -> Result<u64> {
    match id {
        Some(id) => {
            tx.execute(
                Sql::new("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
                    .bind(now)
                    .bind(user)
                    .bind(id),
            )
            .await
        }
        None => {
            tx.execute(
                Sql::new("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                    .bind(now)
                    .bind(user),
            )
            .await
        }
    }
}

/// Marks read what the user has now seen: every notification about one proposal.
pub async fn mark_proposal_read(
    tx: &mut Tx,
    user: UserId,
    proposal: ProposalId,
    now: Timestamp,
) -> Result<u64> {
    tx.execute(
        Sql::new(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND proposal_id = $3 AND read_at IS NULL",
        )
        .bind(now)
        .bind(user)
        .bind(proposal),
    )
    .await
}

pub async fn digest_subscribers(tx: &mut Tx) -> Result<Vec<UserId>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(Sql::new(
            "SELECT id FROM users WHERE daily_digest = TRUE AND active = TRUE ORDER BY id",
        ))
        .await?;
    Ok(rows.into_iter().map(|(id,)| UserId(id)).collect())
}

pub async fn set_daily_digest(tx: &mut Tx, user: UserId, on: bool) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE users SET daily_digest = $1 WHERE id = $2")
            .bind(on)
            .bind(user),
    )
    .await?;
    Ok(())
}

pub async fn daily_digest(tx: &mut Tx, user: UserId) -> Result<bool> {
    let (on,): (bool,) = tx
        .fetch_one(Sql::new("SELECT daily_digest FROM users WHERE id = $1").bind(user))
        .await?;
    Ok(on)
}

/// Stores a day's digest; a digest already made for that day is kept (several servers may run
/// the job). Returns whether this call made it.
pub async fn insert_digest(
    tx: &mut Tx,
    user: UserId,
    day: Date,
    items: i64,
    body: &str,
    now: Timestamp,
) -> Result<bool> {
    let n = tx
        .execute(
            Sql::new(
                "INSERT INTO digests (user_id, day, items, body, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (user_id, day) DO NOTHING",
            )
            .bind(user)
            .bind(day)
            .bind(items)
            .bind(body)
            .bind(now),
        )
        .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Digest {
    pub day: Date,
    pub items: i64,
    pub body: String,
    pub created_at: Timestamp,
}

pub async fn digests(tx: &mut Tx, user: UserId, limit: i64) -> Result<Vec<Digest>> {
    let rows: Vec<(Date, i64, String, i64)> = tx
        .fetch_all(
            Sql::new(
                "SELECT day, items, body, created_at FROM digests WHERE user_id = $1 ORDER BY day DESC LIMIT $2",
            )
            .bind(user)
            .bind(limit),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(day, items, body, created_at)| Digest {
            day,
            items,
            body,
            created_at: Timestamp(created_at),
        })
        .collect())
}
