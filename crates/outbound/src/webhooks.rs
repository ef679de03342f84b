//! Webhook deliveries: Ingot's own JSON signed with HMAC-SHA256, or a group bot's text message
//! (WeCom, DingTalk, Feishu, with the bots' own signatures where they have one).

use crate::{BATCH, HOLD, Texts, link, retry_after};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use ingot_domain::{AppError, Lang, Timestamp};
use ingot_store::Db;
use ingot_store::outbound::{self as store, DeliveryJob, Outbox};
use sha2::Sha256;
use std::time::Duration;

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// The HTTP client that posts deliveries (HTTP/1.1, TLS with the system's roots; redirects are
/// not followed, so a delivery goes only where its webhook says).
pub struct Deliverer {
    client: hyper_util::client::legacy::Client<Https, Full<Bytes>>,
}

/// How long a receiver has to answer, and how much of its answer is read.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
const ANSWER_LIMIT: usize = 64 * 1024;

impl Deliverer {
    pub fn new() -> Result<Deliverer, String> {
        // ring, which the SMTP client uses too, rather than aws-lc with its long C build; its
        // lack of post-quantum key exchange is what the deprecation is about.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(|e| format!("the system's TLS roots: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(https);
        Ok(Deliverer { client })
    }

    /// Posts `body` with `headers`; the answer's status and (the start of) its text.
    async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: String,
    ) -> Result<(u16, String), String> {
        let mut request = hyper::Request::post(url)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Ingot-Webhooks/1");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("the address cannot be posted to: {e}"))?;
        let exchange = async {
            let answer = self.client.request(request).await.map_err(|e| {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    message.push_str(&format!(": {s}"));
                    source = s.source();
                }
                message
            })?;
            let status = answer.status().as_u16();
            let text = Limited::new(answer.into_body(), ANSWER_LIMIT)
                .collect()
                .await
                .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
                .unwrap_or_default();
            Ok::<_, String>((status, text))
        };
        tokio::time::timeout(ANSWER_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("no answer within {} s", ANSWER_TIMEOUT.as_secs()))?
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Ingot's signature of a delivery: `sha256=` and the hex HMAC-SHA256, keyed with the
/// webhook's secret, of the timestamp (seconds), a dot and the body. A receiver recomputes it
/// and refuses an old timestamp, so a captured delivery cannot be replayed.
pub fn signature(secret: &str, timestamp_secs: i64, body: &str) -> String {
    let mac = hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp_secs}.{body}").as_bytes(),
    );
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One request to make.
struct Request {
    url: String,
    headers: Vec<(&'static str, String)>,
    body: String,
}

/// The group bot's one-line message: the event, the proposal and its unit, and a link.
fn bot_text(job: &DeliveryJob, texts: &dyn Texts, public_url: Option<&str>) -> String {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    // Group chats are read by many; the deployment's first language is Chinese.
    let lang = Lang::Zh;
    let event = texts.text(lang, &format!("event.{}", job.event_kind), &[]);
    let p = &payload["proposal"];
    let mut text = format!("【Ingot】{event}");
    if p.is_object() {
        let number = p["number"].as_str().unwrap_or("");
        let title = p["title"].as_str().unwrap_or("");
        let unit = p["unit"]["name"].as_str().unwrap_or("");
        text.push_str(&format!("：{number} {title}（{unit}）"));
        if let Some(url) = p["path"].as_str().and_then(|path| link(public_url, path)) {
            text.push_str(&format!("\n{url}"));
        }
    } else if let Some(name) = payload["webhook"]["name"].as_str() {
        text.push_str(&format!("：{name}"));
    }
    text
}

fn request(
    job: &DeliveryJob,
    texts: &dyn Texts,
    public_url: Option<&str>,
    now: Timestamp,
) -> Request {
    let secs = now.0.div_euclid(1000);
    let secret = job.secret.as_str();
    match job.format.as_str() {
        "wecom" => Request {
            url: job.url.clone(),
            headers: Vec::new(),
            body: serde_json::json!({
                "msgtype": "text", "text": { "content": bot_text(job, texts, public_url) },
            })
            .to_string(),
        },
        "dingtalk" => {
            let mut url = job.url.clone();
            if !secret.is_empty() {
                // DingTalk's signed bot: HMAC-SHA256 of "{ms}\n{secret}", keyed with the secret.
                let ms = now.0;
                let sign = base64(&hmac_sha256(
                    secret.as_bytes(),
                    format!("{ms}\n{secret}").as_bytes(),
                ));
                let sign: String = percent_encode(&sign);
                let sep = if url.contains('?') { '&' } else { '?' };
                url.push_str(&format!("{sep}timestamp={ms}&sign={sign}"));
            }
            Request {
                url,
                headers: Vec::new(),
                body: serde_json::json!({
                    "msgtype": "text", "text": { "content": bot_text(job, texts, public_url) },
                })
                .to_string(),
            }
        }
        "feishu" => {
            let mut body = serde_json::json!({
                "msg_type": "text", "content": { "text": bot_text(job, texts, public_url) },
            });
            if !secret.is_empty() {
                // Feishu's signed bot: HMAC-SHA256 of nothing, keyed with "{secs}\n{secret}".
                let key = format!("{secs}\n{secret}");
                body["timestamp"] = secs.to_string().into();
                body["sign"] = base64(&hmac_sha256(key.as_bytes(), b"")).into();
            }
            Request {
                url: job.url.clone(),
                headers: Vec::new(),
                body: body.to_string(),
            }
        }
        _ => Request {
            url: job.url.clone(),
            headers: vec![
                ("X-Ingot-Event", job.event_kind.clone()),
                ("X-Ingot-Delivery", job.id.to_string()),
                ("X-Ingot-Timestamp", secs.to_string()),
                ("X-Ingot-Signature", signature(secret, secs, &job.payload)),
            ],
            body: job.payload.clone(),
        },
    }
}

fn percent_encode(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '+' => "%2B".to_string(),
            '/' => "%2F".to_string(),
            '=' => "%3D".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A bot answers 200 with its own error code in the body; anything but 0 is a failure.
fn bot_refused(format: &str, answer: &str) -> Option<String> {
    if format == "ingot" {
        return None;
    }
    let json: serde_json::Value = serde_json::from_str(answer).ok()?;
    let code = json
        .get("errcode")
        .or_else(|| json.get("code"))
        .and_then(serde_json::Value::as_i64)?;
    (code != 0).then(|| {
        let message = json
            .get("errmsg")
            .or_else(|| json.get("msg"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        format!("the bot refused: {code} {message}")
    })
}

/// Posts the deliveries due at `now` that this server claims; returns how many were accepted.
pub async fn deliver_due(
    db: &Db,
    deliverer: &Deliverer,
    texts: &dyn Texts,
    public_url: Option<&str>,
    now: Timestamp,
) -> Result<usize, AppError> {
    let claimed = {
        let mut tx = db.begin().await?;
        let hold = i64::try_from(HOLD.as_millis()).unwrap_or(i64::MAX);
        let ids = store::claim_due(&mut tx, Outbox::Webhook, now, hold, BATCH).await?;
        tx.commit().await?;
        ids
    };
    let mut delivered = 0;
    for id in claimed {
        let job = {
            let mut tx = db.read().await?;
            store::delivery_job(&mut tx, id).await?
        };
        let req = request(&job, texts, public_url, Timestamp::now());
        let outcome = match deliverer.post(&req.url, &req.headers, req.body).await {
            Ok((code, text)) => {
                let status = i64::from(code);
                let ok = (200..300).contains(&code);
                match (ok, bot_refused(&job.format, &text)) {
                    (true, None) => Ok(status),
                    (true, Some(refusal)) => Err((Some(status), refusal)),
                    (false, _) => Err((
                        Some(status),
                        format!(
                            "answered {status}: {}",
                            text.chars().take(200).collect::<String>()
                        ),
                    )),
                }
            }
            Err(e) => Err((None, e)),
        };
        let mut tx = db.begin().await?;
        match outcome {
            Ok(status) => {
                store::mark_done(&mut tx, Outbox::Webhook, id, Timestamp::now(), Some(status))
                    .await?;
                delivered += 1;
            }
            Err((status, error)) => {
                let attempts = store::attempts(&mut tx, Outbox::Webhook, id).await?;
                let retry_at = retry_after(attempts)
                    .map(|d| Timestamp(now.0 + i64::try_from(d.as_millis()).unwrap_or(i64::MAX)));
                tracing::warn!("webhook delivery {id}: {error}");
                store::mark_failed(
                    &mut tx,
                    Outbox::Webhook,
                    id,
                    Timestamp::now(),
                    status,
                    &error,
                    retry_at,
                )
                .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(signature("s", 1, "{}"), signature("s", 2, "{}"));
    }

    #[test]
    fn a_bot_error_code_is_a_failure() {
        assert_eq!(bot_refused("wecom", r#"{"errcode":0,"errmsg":"ok"}"#), None);
        assert!(
            bot_refused(
                "dingtalk",
                r#"{"errcode":310000,"errmsg":"sign not match"}"#
            )
            .is_some()
        );
        assert!(bot_refused("feishu", r#"{"code":19021,"msg":"sign match fail"}"#).is_some());
        assert_eq!(bot_refused("ingot", r#"{"errcode":1}"#), None);
    }
}
