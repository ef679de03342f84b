//! E-mail through SMTP: a notification as it happens, for those who asked, and the daily digest.

use crate::{BATCH, HOLD, Texts, link, retry_after};
use ingot_domain::time::Date;
use ingot_domain::{AppError, Lang, Timestamp};
use ingot_store::notifications;
use ingot_store::outbound::{self as store, MailJob, Outbox};
use ingot_store::{Db, Page};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, Message, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// An SMTP server and the sender's address.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url` as lettre reads it: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://host:465`; `from` like `Ingot <ingot@example.cn>`.
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("the sender address {from:?} is not an address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP address is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }
}

/// Sends the e-mails due at `now` that this server claims; returns how many went.
pub async fn send_due_mail(
    db: &Db,
    mailer: &Mailer,
    texts: &dyn Texts,
    public_url: Option<&str>,
    utc_offset_ms: i64,
    now: Timestamp,
) -> Result<usize, AppError> {
    let claimed = {
        let mut tx = db.begin().await?;
        let hold = i64::try_from(HOLD.as_millis()).unwrap_or(i64::MAX);
        let ids = store::claim_due(&mut tx, Outbox::Mail, now, hold, BATCH).await?;
        tx.commit().await?;
        ids
    };
    let mut sent = 0;
    for id in claimed {
        let outcome = compose_and_send(db, mailer, texts, public_url, utc_offset_ms, id).await;
        let mut tx = db.begin().await?;
        match outcome {
            Ok(()) => {
                store::mark_done(&mut tx, Outbox::Mail, id, Timestamp::now(), None).await?;
                sent += 1;
            }
            Err((error, permanent)) => {
                let attempts = store::attempts(&mut tx, Outbox::Mail, id).await?;
                let retry = if permanent {
                    None
                } else {
                    retry_after(attempts)
                };
                let retry_at = retry.map(|d| Timestamp(now.0 + duration_ms(d)));
                tracing::warn!("e-mail {id}: {error}");
                store::mark_failed(
                    &mut tx,
                    Outbox::Mail,
                    id,
                    Timestamp::now(),
                    None,
                    &error,
                    retry_at,
                )
                .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The message's words, then the sending. An error says whether trying again could help.
async fn compose_and_send(
    db: &Db,
    mailer: &Mailer,
    texts: &dyn Texts,
    public_url: Option<&str>,
    utc_offset_ms: i64,
    id: i64,
) -> Result<(), (String, bool)> {
    let transient = |e: AppError| (e.to_string(), false);
    let (job, subject, body) = {
        let mut tx = db.read().await.map_err(transient)?;
        let job = store::mail_job(&mut tx, id).await.map_err(transient)?;
        let (subject, body) = compose(&mut tx, &job, texts, public_url, utc_offset_ms)
            .await
            .map_err(transient)?;
        (job, subject, body)
    };
    let to: Mailbox = format!(
        "{} <{}>",
        job.display_name.replace(['<', '>', '"'], ""),
        job.email
    )
    .parse()
    .map_err(|e| {
        (
            format!("the address {:?} is not an address: {e}", job.email),
            true,
        )
    })?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(subject)
        .singlepart(
            // Base64 always: Chinese text is shorter so, and every reader decodes it the same.
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::Base64)
                .body(body),
        )
        .map_err(|e| (e.to_string(), true))?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| (e.to_string(), e.is_permanent()))
}

async fn compose(
    tx: &mut ingot_store::Tx,
    job: &MailJob,
    texts: &dyn Texts,
    public_url: Option<&str>,
    utc_offset_ms: i64,
) -> Result<(String, String), AppError> {
    let lang = Lang::parse(&job.lang).unwrap_or(Lang::Zh);
    let t = |key: &str, params: &[(&str, String)]| texts.text(lang, key, params);
    let event = |kind: &str| t(&format!("event.{kind}"), &[]);
    let mut body = String::new();
    let subject = match job.kind.as_str() {
        "notification" => {
            let n = store::notification_mail(tx, job.subject_id).await?;
            let number = n.proposal_number.clone().unwrap_or_default();
            body.push_str(&format!(
                "{} {}\n{}",
                number,
                n.proposal_title,
                event(&n.event_kind)
            ));
            if let Some(actor) = &n.actor_name {
                body.push_str(&format!(" · {actor}"));
            }
            body.push('\n');
            if let Some(url) = link(public_url, &format!("/proposals/{}", n.proposal_id)) {
                body.push_str(&format!("\n{url}\n"));
            }
            t(
                "mail.notification_subject",
                &[
                    ("event", event(&n.event_kind)),
                    (
                        "title",
                        format!("{number} {}", n.proposal_title).trim().to_string(),
                    ),
                ],
            )
        }
        _ => {
            let (day, items): (Date, i64) = store::digest_of(tx, job.subject_id).await?;
            let since = day.start(utc_offset_ms);
            let until = day.plus_days(1).start(utc_offset_ms);
            let page = Page::new(Some(1), Some(200), 200);
            let (list, _) =
                notifications::list(tx, job.user_id, false, Some(since), Some(until), page).await?;
            for n in &list {
                body.push_str(&format!(
                    "- {} {} — {}\n",
                    n.proposal_number.as_deref().unwrap_or("-"),
                    n.proposal_title,
                    event(&n.kind)
                ));
            }
            if let Some(url) = link(public_url, "/notifications") {
                body.push_str(&format!("\n{url}\n"));
            }
            t(
                "mail.digest_subject",
                &[("day", day.to_string()), ("n", items.to_string())],
            )
        }
    };
    body.push_str("\n-- \n");
    body.push_str(&t("mail.footer", &[]));
    body.push('\n');
    Ok((subject, body))
}
