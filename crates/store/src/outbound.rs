//! The outboxes of what leaves Ingot: e-mails (a digest, a notification) and webhook deliveries.
//! A row is written in the same transaction as what it tells of; a server sending it first
//! claims it (an update that only one server's statement can win), then records the outcome.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgScope, Timestamp, UserId};

/// Which outbox: the e-mails or the webhook deliveries. Both have the same bookkeeping columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outbox {
    Mail,
    Webhook,
}

/// The statements of one outbox; the tables differ only in their names and "done" column.
/// Written out whole, so that every statement is literal text with bound values.
macro_rules! outbox_sql {
    ($table:literal, $done:literal) => {
        OutboxSql {
            due: concat!(
                "SELECT id FROM ",
                $table,
                " WHERE ",
                $done,
                " IS NULL AND given_up_at IS NULL
                 AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
                 ORDER BY next_attempt_at, id LIMIT $2"
            ),
            claim: concat!(
                "UPDATE ",
                $table,
                " SET claimed_until = $2, attempts = attempts + 1
                 WHERE id = $3 AND ",
                $done,
                " IS NULL AND given_up_at IS NULL
                 AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)"
            ),
            failed: concat!(
                "UPDATE ",
                $table,
                " SET claimed_until = NULL, last_error = $1,
                 next_attempt_at = COALESCE($2, next_attempt_at),
                 given_up_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END
                 WHERE id = $4"
            ),
            attempts: concat!("SELECT attempts FROM ", $table, " WHERE id = $1"),
        }
    };
}

struct OutboxSql {
    due: &'static str,
    claim: &'static str,
    failed: &'static str,
    attempts: &'static str,
}

impl Outbox {
    fn sql(self) -> OutboxSql {
        match self {
            Outbox::Mail => outbox_sql!("mail_outbox", "sent_at"),
            Outbox::Webhook => outbox_sql!("webhook_deliveries", "delivered_at"),
        }
    }
}

/// Claims up to `limit` rows due at `now` for `hold_ms`, counting an attempt on each; returns
/// their ids. A row another server holds, or that is done, is left alone.
pub async fn claim_due(
    tx: &mut Tx,
    outbox: Outbox,
    now: Timestamp,
    hold_ms: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    let sql = outbox.sql();
    let due: Vec<(i64,)> = tx
        .fetch_all(Sql::new(sql.due).bind(now).bind(limit))
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for (id,) in due {
        // The condition is checked again on the row itself: of two servers that both saw it
        // due, the second's update finds it claimed and changes nothing.
        let n = tx
            .execute(
                Sql::new(sql.claim)
                    .bind(now)
                    .bind(Timestamp(now.0 + hold_ms))
                    .bind(id),
            )
            .await?;
        if n == 1 {
            claimed.push(id);
        }
    }
    Ok(claimed)
}

/// Records a row as sent (delivered), with the answer's status for a webhook.
pub async fn mark_done(
    tx: &mut Tx,
    outbox: Outbox,
    id: i64,
    now: Timestamp,
    status: Option<i64>,
) -> Result<()> {
    let sql = match outbox {
        Outbox::Mail => Sql::new(
            "UPDATE mail_outbox SET sent_at = $1, claimed_until = NULL, last_error = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id),
        Outbox::Webhook => Sql::new(
            "UPDATE webhook_deliveries SET delivered_at = $1, claimed_until = NULL, last_status = $2,
             last_error = NULL WHERE id = $3",
        )
        .bind(now)
        .bind(status)
        .bind(id),
    };
    tx.execute(sql).await?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or given up when that is `None`.
pub async fn mark_failed(
    tx: &mut Tx,
    outbox: Outbox,
    id: i64,
    now: Timestamp,
    status: Option<i64>,
    error: &str,
    retry_at: Option<Timestamp>,
) -> Result<()> {
    tx.execute(
        Sql::new(outbox.sql().failed)
            .bind(error)
            .bind(retry_at)
            .bind(now)
            .bind(id),
    )
    .await?;
    if outbox == Outbox::Webhook {
        tx.execute(
            Sql::new("UPDATE webhook_deliveries SET last_status = $1 WHERE id = $2")
                .bind(status)
                .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// How many attempts a row has had (counted when claimed).
pub async fn attempts(tx: &mut Tx, outbox: Outbox, id: i64) -> Result<i64> {
    let (n,): (i64,) = tx
        .fetch_one(Sql::new(outbox.sql().attempts).bind(id))
        .await?;
    Ok(n)
}

// --- e-mail ----------------------------------------------------------------------------------

/// Queues an e-mail for each person notified of an event who asked for one and has an address.
pub async fn queue_notification_mails(tx: &mut Tx, event_id: i64, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO mail_outbox (user_id, kind, subject_id, created_at, next_attempt_at)
             SELECT n.user_id, 'notification', n.id, $2, $2
             FROM notifications n JOIN users u ON u.id = n.user_id
             WHERE n.event_id = $1 AND u.mail_each_notification = TRUE AND u.active = TRUE
               AND u.email IS NOT NULL AND u.email <> ''
             ON CONFLICT (kind, subject_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// Queues the e-mail of a person's digest of a day, if they have an address.
pub async fn queue_digest_mail(
    tx: &mut Tx,
    user: UserId,
    day: ingot_domain::time::Date,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO mail_outbox (user_id, kind, subject_id, created_at, next_attempt_at)
             SELECT d.user_id, 'digest', d.id, $3, $3
             FROM digests d JOIN users u ON u.id = d.user_id
             WHERE d.user_id = $1 AND d.day = $2 AND u.email IS NOT NULL AND u.email <> ''
             ON CONFLICT (kind, subject_id) DO NOTHING",
        )
        .bind(user)
        .bind(day)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// One queued e-mail with what it is about and whom it goes to.
#[derive(Debug, Clone)]
pub struct MailJob {
    pub id: i64,
    pub kind: String,
    pub subject_id: i64,
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub lang: String,
}

pub async fn mail_job(tx: &mut Tx, id: i64) -> Result<MailJob> {
    type Row = (i64, String, i64, i64, String, String, String);
    let r: Row = tx
        .fetch_one(
            Sql::new(
                "SELECT m.id, m.kind, m.subject_id, u.id, COALESCE(u.email, ''), u.display_name, COALESCE(u.lang, '')
                 FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE m.id = $1",
            )
            .bind(id),
        )
        .await?;
    Ok(MailJob {
        id: r.0,
        kind: r.1,
        subject_id: r.2,
        user_id: UserId(r.3),
        email: r.4,
        display_name: r.5,
        lang: r.6,
    })
}

/// The notification an e-mail tells of: the proposal and the event.
#[derive(Debug, Clone)]
pub struct NotificationMail {
    pub proposal_id: i64,
    pub proposal_number: Option<String>,
    pub proposal_title: String,
    pub event_kind: String,
    pub actor_name: Option<String>,
    pub created_at: Timestamp,
}

pub async fn notification_mail(tx: &mut Tx, notification: i64) -> Result<NotificationMail> {
    type Row = (i64, Option<String>, String, String, Option<String>, i64);
    let r: Row = tx
        .fetch_one(
            Sql::new(
                "SELECT p.id, p.number, p.title, e.kind,
                        CASE WHEN n.actor_hidden THEN NULL ELSE u.display_name END, n.created_at
                 FROM notifications n
                 JOIN proposals p ON p.id = n.proposal_id
                 JOIN proposal_events e ON e.id = n.event_id
                 LEFT JOIN users u ON u.id = e.actor_id
                 WHERE n.id = $1",
            )
            .bind(notification),
        )
        .await?;
    Ok(NotificationMail {
        proposal_id: r.0,
        proposal_number: r.1,
        proposal_title: r.2,
        event_kind: r.3,
        actor_name: r.4,
        created_at: Timestamp(r.5),
    })
}

/// A digest an e-mail carries: its day and how many notifications it gathers.
pub async fn digest_of(tx: &mut Tx, digest: i64) -> Result<(ingot_domain::time::Date, i64)> {
    tx.fetch_one(Sql::new("SELECT day, items FROM digests WHERE id = $1").bind(digest))
        .await
}

pub async fn mail_each_notification(tx: &mut Tx, user: UserId) -> Result<bool> {
    let (on,): (bool,) = tx
        .fetch_one(Sql::new("SELECT mail_each_notification FROM users WHERE id = $1").bind(user))
        .await?;
    Ok(on)
}

pub async fn set_mail_each_notification(tx: &mut Tx, user: UserId, on: bool) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE users SET mail_each_notification = $1 WHERE id = $2")
            .bind(on)
            .bind(user),
    )
    .await?;
    Ok(())
}

/// A person's recent e-mails, newest first: what, when queued, sent or given up, and why not.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MailRecord {
    pub kind: String,
    pub created_at: Timestamp,
    pub attempts: i64,
    pub sent_at: Option<Timestamp>,
    pub given_up_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

pub async fn recent_mails(tx: &mut Tx, user: UserId, limit: i64) -> Result<Vec<MailRecord>> {
    type Row = (String, i64, i64, Option<i64>, Option<i64>, Option<String>);
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(
                "SELECT kind, created_at, attempts, sent_at, given_up_at, last_error
                 FROM mail_outbox WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(user)
            .bind(limit),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| MailRecord {
            kind: r.0,
            created_at: Timestamp(r.1),
            attempts: r.2,
            sent_at: r.3.map(Timestamp),
            given_up_at: r.4.map(Timestamp),
            last_error: r.5,
        })
        .collect())
}

// --- webhooks --------------------------------------------------------------------------------

#[derive(Debug, Clone, serde::Serialize)]
pub struct Webhook {
    pub id: i64,
    pub org_id: OrgId,
    pub org_name: String,
    pub name: String,
    pub url: String,
    pub format: String,
    pub events: String,
    pub active: bool,
    pub created_at: Timestamp,
    /// Deliveries made, and those failing now (waiting for a retry or given up).
    pub delivered: i64,
    pub failing: i64,
}

pub struct NewWebhook<'a> {
    pub org_id: OrgId,
    pub name: &'a str,
    pub url: &'a str,
    pub format: &'a str,
    pub secret: &'a str,
    pub events: &'a str,
    pub created_by: Option<UserId>,
    pub now: Timestamp,
}

pub async fn insert_webhook(tx: &mut Tx, new: &NewWebhook<'_>) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO webhooks (org_id, name, url, format, secret, events, active, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8) RETURNING id",
            )
            .bind(new.org_id)
            .bind(new.name)
            .bind(new.url)
            .bind(new.format)
            .bind(new.secret)
            .bind(new.events)
            .bind(new.created_by)
            .bind(new.now),
        )
        .await?;
    Ok(id)
}

macro_rules! select_webhooks {
    () => {
        "SELECT w.id, w.org_id, o.name, w.name, w.url, w.format, w.events, w.active, w.created_at,
            (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.delivered_at IS NOT NULL),
            (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.delivered_at IS NULL AND d.attempts > 0)
         FROM webhooks w JOIN organisations o ON o.id = w.org_id"
    };
}

type WebhookRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    bool,
    i64,
    i64,
    i64,
);

fn webhook(r: WebhookRow) -> Webhook {
    Webhook {
        id: r.0,
        org_id: OrgId(r.1),
        org_name: r.2,
        name: r.3,
        url: r.4,
        format: r.5,
        events: r.6,
        active: r.7,
        created_at: Timestamp(r.8),
        delivered: r.9,
        failing: r.10,
    }
}

/// The webhooks of organisations within `scope` (the caller's), newest first. A deployment
/// has a few per federation, so counting their deliveries here stays small.
pub async fn webhooks_within(tx: &mut Tx, scope: &OrgScope) -> Result<Vec<Webhook>> {
    let mut b = crate::sql::SqlBuilder::new(concat!(select_webhooks!(), " WHERE "));
    b.scope("o.path", scope);
    b.push(" ORDER BY w.id DESC LIMIT 200");
    let rows: Vec<WebhookRow> = tx.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(webhook).collect())
}

pub async fn webhook_by_id(tx: &mut Tx, id: i64) -> Result<Option<Webhook>> {
    let row: Option<WebhookRow> = tx
        .fetch_optional(Sql::new(concat!(select_webhooks!(), " WHERE w.id = $1")).bind(id))
        .await?;
    Ok(row.map(webhook))
}

pub async fn set_webhook_active(tx: &mut Tx, id: i64, active: bool) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE webhooks SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(id),
    )
    .await?;
    if !active {
        // What was waiting for a switched-off hook is not sent later by surprise.
        tx.execute(
            Sql::new(
                "UPDATE webhook_deliveries SET given_up_at = next_attempt_at, last_error = 'switched off'
                 WHERE webhook_id = $1 AND delivered_at IS NULL AND given_up_at IS NULL",
            )
            .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// The active webhooks of the given organisations (an event's organisation and those above
/// it) that listen to `kind`.
pub async fn listening(tx: &mut Tx, orgs: &[OrgId], kind: &str) -> Result<Vec<i64>> {
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = crate::sql::SqlBuilder::new(
        "SELECT id, events FROM webhooks WHERE active = TRUE AND org_id IN (",
    );
    for (i, org) in orgs.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(*org);
    }
    b.push(") ORDER BY id");
    let rows: Vec<(i64, String)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, events)| events == "*" || events.split(',').any(|e| e.trim() == kind))
        .map(|(id, _)| id)
        .collect())
}

pub async fn queue_delivery(
    tx: &mut Tx,
    webhook: i64,
    kind: &str,
    payload: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO webhook_deliveries (webhook_id, event_kind, payload, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(webhook)
        .bind(kind)
        .bind(payload)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// A delivery to make: where, in which form, signed with what, and the event's JSON.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub format: String,
    pub secret: String,
    pub event_kind: String,
    pub payload: String,
}

pub async fn delivery_job(tx: &mut Tx, id: i64) -> Result<DeliveryJob> {
    type Row = (i64, i64, String, String, String, String, String);
    let r: Row = tx
        .fetch_one(
            Sql::new(
                "SELECT d.id, w.id, w.url, w.format, w.secret, d.event_kind, d.payload
                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1",
            )
            .bind(id),
        )
        .await?;
    Ok(DeliveryJob {
        id: r.0,
        webhook_id: r.1,
        url: r.2,
        format: r.3,
        secret: r.4,
        event_kind: r.5,
        payload: r.6,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivery {
    pub id: i64,
    pub event_kind: String,
    pub created_at: Timestamp,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    pub given_up_at: Option<Timestamp>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

pub async fn deliveries(tx: &mut Tx, webhook: i64, limit: i64) -> Result<Vec<Delivery>> {
    type Row = (
        i64,
        String,
        i64,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(
                "SELECT id, event_kind, created_at, attempts, next_attempt_at, delivered_at, given_up_at,
                        last_status, last_error
                 FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(webhook)
            .bind(limit),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Delivery {
            id: r.0,
            event_kind: r.1,
            created_at: Timestamp(r.2),
            attempts: r.3,
            next_attempt_at: Timestamp(r.4),
            delivered_at: r.5.map(Timestamp),
            given_up_at: r.6.map(Timestamp),
            last_status: r.7,
            last_error: r.8,
        })
        .collect())
}
