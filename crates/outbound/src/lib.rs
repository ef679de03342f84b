//! Sends what the outboxes hold (`ingot_store::outbound`): e-mails through SMTP and webhook
//! deliveries over HTTP. Every server runs the same loop; a row is claimed before it is sent,
//! so that however many servers run, each e-mail and delivery goes once. A failed attempt is
//! tried again later, further apart each time, and given up after about a day.

mod mail;
mod webhooks;

pub use mail::{Mailer, send_due_mail};
pub use webhooks::{Deliverer, deliver_due, signature};

use ingot_domain::Lang;
use ingot_store::Db;
use std::sync::Arc;
use std::time::Duration;

/// The words of the messages, in the reader's language (the web's catalogs).
pub trait Texts: Send + Sync + 'static {
    /// The text of `key` in `lang` with its `{name}` placeholders filled.
    fn text(&self, lang: Lang, key: &str, params: &[(&str, String)]) -> String;
}

/// Texts from a function, e.g. the web catalogs' `t_with`.
pub struct TextsFn<F>(pub F);

impl<F> Texts for TextsFn<F>
where
    F: Fn(Lang, &str, &[(&str, String)]) -> String + Send + Sync + 'static,
{
    fn text(&self, lang: Lang, key: &str, params: &[(&str, String)]) -> String {
        (self.0)(lang, key, params)
    }
}

/// How a server sends: through which SMTP server (none: no e-mail), the address people use
/// (for links), the deployment's time zone, and how often it looks for work.
pub struct Settings {
    pub mailer: Option<Mailer>,
    pub public_url: Option<String>,
    pub utc_offset_ms: i64,
    pub every: Duration,
}

/// How long a server holds what it claimed: longer than a batch can take to send.
const HOLD: Duration = Duration::from_secs(300);
/// Rows claimed at a time.
const BATCH: i64 = 10;
/// Attempts before giving up: waits of 1, 4, 16, 64 minutes, then 4 hours five times, about
/// a day in all.
const MAX_ATTEMPTS: i64 = 10;

/// The wait after the `attempts`-th failed attempt, or `None` to give up.
pub fn retry_after(attempts: i64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(1, 5) - 1).unwrap_or(0);
    Some(Duration::from_secs(60 * 4u64.pow(exponent)).min(Duration::from_secs(4 * 3600)))
}

/// A link into Ingot for a message, when the deployment's address is known.
fn link(public_url: Option<&str>, path: &str) -> Option<String> {
    public_url.map(|base| format!("{}{path}", base.trim_end_matches('/')))
}

/// Starts the sending loop of this server.
pub fn spawn(db: Db, settings: Settings, texts: Arc<dyn Texts>) {
    tokio::spawn(async move {
        let deliverer = match Deliverer::new() {
            Ok(d) => d,
            Err(e) => {
                tracing::error!("webhooks cannot be sent: {e}");
                return;
            }
        };
        let mut every = tokio::time::interval(settings.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let now = ingot_domain::Timestamp::now();
            if let Some(mailer) = &settings.mailer {
                let sent = send_due_mail(
                    &db,
                    mailer,
                    texts.as_ref(),
                    settings.public_url.as_deref(),
                    settings.utc_offset_ms,
                    now,
                )
                .await;
                if let Err(e) = sent {
                    tracing::warn!("e-mail: {e}");
                }
            }
            let delivered = deliver_due(
                &db,
                &deliverer,
                texts.as_ref(),
                settings.public_url.as_deref(),
                now,
            )
            .await;
            if let Err(e) = delivered {
                tracing::warn!("webhooks: {e}");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_grow_apart_and_stop() {
        let waits: Vec<Option<u64>> = (1..=MAX_ATTEMPTS)
            .map(|n| retry_after(n).map(|d| d.as_secs() / 60))
            .collect();
        assert_eq!(
            waits,
            [
                Some(1),
                Some(4),
                Some(16),
                Some(64),
                Some(240),
                Some(240),
                Some(240),
                Some(240),
                Some(240),
                None
            ]
        );
    }
}
