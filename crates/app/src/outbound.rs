//! What leaves Ingot besides its pages: e-mail preferences, and webhooks that carry a subtree's
//! events to other systems and group bots. The sending itself is done by the servers' outbox
//! workers (`ingot_web::outbound`); here are the use cases that set it up and fill the outboxes,
//! each inside the transaction of the change it tells of.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, OrgId, Timestamp, UserId};
use ingot_store::outbound::{self as store, Delivery, MailRecord, NewWebhook, Webhook};
use ingot_store::{Tx, orgs};

/// The proposal events a webhook may listen to (the timeline's kinds). Every webhook also
/// takes `ping`, the test message its administrator sends from its page.
pub const EVENTS: &[&str] = &[
    "submitted",
    "forwarded",
    "adopted",
    "rejected",
    "returned",
    "withdrawn",
    "marked_duplicate",
    "implementation",
    "implemented",
    "benefit_claimed",
    "benefit_verified",
    "rewarded",
];

/// How a webhook's message is shaped: Ingot's signed JSON, or a group bot's text message.
pub const FORMATS: &[&str] = &["ingot", "wecom", "dingtalk", "feishu"];

fn me(caller: &Caller<'_>) -> Result<UserId> {
    caller.user_id().ok_or_else(AppError::forbidden)
}

// --- e-mail preferences ----------------------------------------------------------------------

pub async fn mail_each_notification(tx: &mut Tx, caller: &Caller<'_>) -> Result<bool> {
    store::mail_each_notification(tx, me(caller)?).await
}

pub async fn set_mail_each_notification(tx: &mut Tx, caller: &Caller<'_>, on: bool) -> Result<()> {
    let user = me(caller)?;
    store::set_mail_each_notification(tx, user, on).await?;
    record(
        tx,
        caller,
        Change::new("account.mail", "user", user.0)
            .label(caller.label())
            .after(&serde_json::json!({ "mail_each_notification": on })),
    )
    .await
}

/// The caller's last e-mails, so that a person can see whether theirs went out.
pub async fn recent_mails(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<MailRecord>> {
    store::recent_mails(tx, me(caller)?, 10).await
}

// --- webhooks --------------------------------------------------------------------------------

/// A webhook to set up.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookBody)]
pub struct WebhookInput {
    /// The organisation whose subtree's events are sent.
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// What it is for, e.g. "Innovation office WeCom group".
    pub name: String,
    /// Where events are posted (`http://` or `https://`).
    pub url: String,
    /// `ingot` (signed JSON), `wecom`, `dingtalk` or `feishu` (a group bot's text message).
    pub format: String,
    /// The shared secret: signs Ingot's JSON (HMAC-SHA256) and DingTalk's and Feishu's
    /// signed bots; empty for a WeCom bot, whose key is in its URL.
    #[serde(default)]
    pub secret: String,
    /// Event kinds to send; empty for every event.
    #[serde(default)]
    pub events: Vec<String>,
}

fn check(input: &WebhookInput) -> Result<String> {
    let mut v = Validator::new();
    v.required_text("name", &input.name, 200);
    let url = input.url.trim();
    v.check(
        url.len() <= 2000
            && (url.starts_with("http://") || url.starts_with("https://"))
            && url.split("://").nth(1).is_some_and(|rest| {
                let host = rest.split(['/', '?', '#']).next().unwrap_or("");
                !host.is_empty() && !host.contains(char::is_whitespace)
            }),
        "url",
        "invalid_url",
    );
    v.check(
        FORMATS.contains(&input.format.as_str()),
        "format",
        "unknown_format",
    );
    let needs_secret = matches!(input.format.as_str(), "ingot");
    v.check(
        !needs_secret || input.secret.trim().chars().count() >= 16,
        "secret",
        "secret_too_short",
    );
    v.check(input.secret.len() <= 500, "secret", "too_long");
    v.check(
        input.events.iter().all(|e| EVENTS.contains(&e.as_str())),
        "events",
        "unknown_option",
    );
    v.finish()?;
    let mut events: Vec<&str> = input.events.iter().map(String::as_str).collect();
    events.sort_unstable();
    events.dedup();
    Ok(if events.is_empty() {
        "*".to_string()
    } else {
        events.join(",")
    })
}

pub async fn create_webhook(tx: &mut Tx, caller: &Caller<'_>, input: &WebhookInput) -> Result<i64> {
    let org = orgs::get(tx, input.org_id)
        .await?
        .ok_or_else(|| AppError::field("org_id", "unknown_org"))?;
    caller.require(Action::ManageWebhooks, &org.path)?;
    let events = check(input)?;
    let id = store::insert_webhook(
        tx,
        &NewWebhook {
            org_id: org.id,
            name: input.name.trim(),
            url: input.url.trim(),
            format: &input.format,
            secret: input.secret.trim(),
            events: &events,
            created_by: caller.user_id(),
            now: Timestamp::now(),
        },
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("webhook.create", "webhook", id)
            .label(input.name.trim())
            .org(org.id)
            // The secret stays out of the audit log.
            .after(&serde_json::json!({
                "name": input.name.trim(), "url": input.url.trim(), "format": input.format,
                "events": events,
            })),
    )
    .await?;
    Ok(id)
}

pub async fn webhooks(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Webhook>> {
    // Webhooks are listed for people; the system has no page to show them on.
    let scope = caller
        .scope(Action::ManageWebhooks)
        .unwrap_or_else(ingot_domain::OrgScope::nothing);
    store::webhooks_within(tx, &scope).await
}

/// A webhook the caller manages, with its latest deliveries.
pub async fn webhook(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
) -> Result<(Webhook, Vec<Delivery>)> {
    let hook = managed(tx, caller, id).await?;
    let deliveries = store::deliveries(tx, id, 50).await?;
    Ok((hook, deliveries))
}

async fn managed(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<Webhook> {
    let hook = store::webhook_by_id(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("webhook"))?;
    let org = orgs::get(tx, hook.org_id)
        .await?
        .ok_or_else(|| AppError::not_found("webhook"))?;
    if !caller.permits(Action::ManageWebhooks, &org.path) {
        return Err(AppError::not_found("webhook"));
    }
    Ok(hook)
}

/// Switches a webhook on or off; switched off, what waited to be sent is dropped.
pub async fn set_webhook_active(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: i64,
    active: bool,
) -> Result<()> {
    let hook = managed(tx, caller, id).await?;
    store::set_webhook_active(tx, id, active).await?;
    record(
        tx,
        caller,
        Change::new("webhook.active", "webhook", id)
            .label(hook.name.clone())
            .org(hook.org_id)
            .before(&serde_json::json!({ "active": hook.active }))
            .after(&serde_json::json!({ "active": active })),
    )
    .await
}

/// Queues a test event for one webhook, so that its owner sees the receiver answer.
pub async fn ping(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<()> {
    let hook = managed(tx, caller, id).await?;
    if !hook.active {
        return Err(AppError::conflict("webhook_inactive"));
    }
    let now = Timestamp::now();
    let payload = serde_json::json!({
        "event": "ping",
        "at": now.0,
        "webhook": { "id": hook.id, "name": hook.name },
    });
    store::queue_delivery(tx, id, "ping", &payload.to_string(), now).await
}

/// Queues a proposal's event for every webhook listening at its unit or above, in the
/// transaction that made the event. The message names no person: a blind review's reviewers
/// and the proposer stay unnamed to the systems that hear of it.
pub async fn announce_proposal_event(
    tx: &mut Tx,
    proposal: &ingot_domain::proposal::Proposal,
    kind: &str,
    now: Timestamp,
) -> Result<()> {
    if !EVENTS.contains(&kind) {
        return Ok(());
    }
    let Some(unit) = orgs::get(tx, proposal.unit_id).await? else {
        return Ok(());
    };
    let hooks = store::listening(tx, &unit.path.ids(), kind).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let payload = serde_json::json!({
        "event": kind,
        "at": now.0,
        "proposal": {
            "id": proposal.id.0,
            "number": proposal.number,
            "title": proposal.title,
            "status": proposal.status.as_str(),
            "unit": { "id": unit.id.0, "code": unit.code, "name": unit.name },
            "path": format!("/proposals/{}", proposal.id.0),
        },
    })
    .to_string();
    for hook in hooks {
        store::queue_delivery(tx, hook, kind, &payload, now).await?;
    }
    Ok(())
}
