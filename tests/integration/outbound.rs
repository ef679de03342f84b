//! What leaves Ingot, on both databases, through real servers: e-mail through an SMTP server the
//! test command starts (aiosmtpd, `scripts/smtp-sink`), read back from the files it wrote; and
//! webhooks posted to a receiver this test runs, their signatures recomputed here. Two servers
//! sending at once send each message once; a failure is tried again later, not at once.

use crate::on_both;
use crate::proposals_pages::submitted;
use crate::support::{Backend, TestApp};
use axum::http::HeaderMap;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use ingot_domain::Timestamp;
use ingot_outbound::{Deliverer, Mailer, TextsFn, deliver_due, send_due_mail};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const TITLE: &str = "成品库叉车充电区加装通风";
const PUBLIC_URL: &str = "https://ingot.example.cn";

/// The pages' words, as the servers give them to the senders.
fn texts() -> impl ingot_outbound::Texts {
    let catalogs = ingot_web::Catalogs::load();
    TextsFn(move |lang, key: &str, params: &[(&str, String)]| catalogs.t_with(lang, key, params))
}

/// The SMTP server the test command started, and the Maildir it writes what it receives to.
fn smtp_sink() -> (String, std::path::PathBuf) {
    match (
        std::env::var("INGOT_TEST_SMTP_URL"),
        std::env::var("INGOT_TEST_MAILDIR"),
    ) {
        (Ok(url), Ok(dir)) => (url, dir.into()),
        _ => panic!(
            "no SMTP server for the e-mail tests: set INGOT_TEST_SMTP_URL and INGOT_TEST_MAILDIR \
             (eval \"$(scripts/smtp-sink DIR)\"), or run scripts/test, which starts one"
        ),
    }
}

/// One e-mail as a reader's program would see it: the subject and text decoded.
struct Received {
    to: String,
    subject: String,
    text: String,
}

fn decode_words(header: &str) -> String {
    // RFC 2047 encoded words, as lettre writes them: =?utf-8?b?...?=
    header
        .split_whitespace()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            match lower
                .strip_prefix("=?utf-8?b?")
                .and_then(|_| word.get(10..word.len() - 2))
            {
                Some(b64) => String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .expect("base64 word"),
                )
                .expect("utf-8 word"),
                None => format!("{word} "),
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn received(maildir: &std::path::Path, to: &str) -> Vec<Received> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(maildir.join("new")).unwrap() {
        let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap();
        // Unfold continued header lines.
        let head = head.replace("\n ", " ").replace("\n\t", " ");
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    l.strip_prefix(name)
                        .and_then(|rest| rest.strip_prefix(':'))
                        .map(str::trim)
                })
                .unwrap_or("")
                .to_string()
        };
        let address = header("To");
        if !address.contains(to) {
            continue;
        }
        let b64: String = body.split_whitespace().collect();
        let text = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("a base64 body"),
        )
        .unwrap();
        out.push(Received {
            to: address,
            subject: decode_words(&header("Subject")),
            text,
        });
    }
    out
}

fn unique(backend: Backend) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{backend:?}-{nanos}").to_lowercase()
}

async fn mail_reaches_people_once_however_many_servers_send(backend: Backend) {
    let (smtp_url, maildir) = smtp_sink();
    let Some(app) = TestApp::spawn_with(backend, |c| c.mail_configured = true).await else {
        return;
    };
    let address = format!("kiln.head.{}@example.cn", unique(backend));
    app.execute(
        ingot_store::Sql::new("UPDATE users SET email = $1 WHERE username = 'kiln.head'")
            .bind(address.clone()),
    )
    .await;
    // The reviewer asks for an e-mail per notification and for the digest, on the page.
    let head = app.sign_in_demo("kiln.head").await;
    let (_, page) = head.page("/notifications").await;
    assert!(page.contains("data-testid=\"mail-form\""));
    let r = head
        .post_form("/notifications/mail", &[("each_notification", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = head
        .post_form("/notifications/digest", &[("daily_digest", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let api = app.api_as("kiln.head").await;
    let (_, mail) = api.get("/notifications/mail").await;
    assert_eq!(mail["each_notification"], true, "{mail}");
    assert_eq!(mail["mail_configured"], true);

    // A proposal reaches the reviewer's step: one e-mail, though two servers send at once.
    let (id, _) = submitted(&app).await;
    let mailer = Mailer::new(&smtp_url, "Ingot <ingot@example.cn>").unwrap();
    let texts = texts();
    let now = Timestamp::now();
    let offset = ingot_domain::time::CHINA_STANDARD_OFFSET_MS;
    let (a, b) = tokio::join!(
        send_due_mail(&app.db, &mailer, &texts, Some(PUBLIC_URL), offset, now),
        send_due_mail(&app.db, &mailer, &texts, Some(PUBLIC_URL), offset, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let mails = received(&maildir, &address);
    assert_eq!(mails.len(), 1, "one e-mail for one notification");
    let m = &mails[0];
    assert!(m.to.contains(&address));
    assert!(m.subject.contains(TITLE), "subject: {}", m.subject);
    assert!(
        m.subject.contains("提交"),
        "the event in Chinese: {}",
        m.subject
    );
    assert!(
        m.text.contains(&format!("{PUBLIC_URL}/proposals/{id}")),
        "{}",
        m.text
    );

    // The day's digest: made and e-mailed once however often the job and the senders run.
    let today = ingot_domain::time::Date::of(Timestamp::now(), offset);
    for _ in 0..2 {
        ingot_app::notifications::make_digests(&app.db, today, offset, true)
            .await
            .unwrap();
    }
    let now = Timestamp::now();
    let (a, b) = tokio::join!(
        send_due_mail(&app.db, &mailer, &texts, None, offset, now),
        send_due_mail(&app.db, &mailer, &texts, None, offset, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let mails = received(&maildir, &address);
    assert_eq!(mails.len(), 2);
    let digest = mails
        .iter()
        .find(|m| m.subject.contains("汇总"))
        .expect("the digest e-mail");
    assert!(digest.subject.contains(&today.to_string()));
    assert!(digest.text.contains(TITLE), "{}", digest.text);

    // An SMTP server that does not answer: the e-mail waits and goes later, not at once.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let down = Mailer::new(&format!("smtp://127.0.0.1:{closed}"), "ingot@example.cn").unwrap();
    submitted(&app).await;
    let now = Timestamp::now();
    let sent = send_due_mail(&app.db, &down, &texts, None, offset, now)
        .await
        .unwrap();
    assert_eq!(sent, 0);
    let (_, mail) = api.get("/notifications/mail").await;
    let waiting = &mail["recent"][0];
    assert_eq!(waiting["attempts"], 1, "{mail}");
    assert!(waiting["sent_at"].is_null() && waiting["given_up_at"].is_null());
    assert!(
        waiting["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    let again = send_due_mail(&app.db, &mailer, &texts, None, offset, now)
        .await
        .unwrap();
    assert_eq!(again, 0, "not tried again at once");
    let later = Timestamp(now.0 + 61_000);
    let sent = send_due_mail(&app.db, &mailer, &texts, None, offset, later)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    assert_eq!(received(&maildir, &address).len(), 3);
    let (_, page) = head.page("/notifications").await;
    assert_eq!(page.matches("data-testid=\"mail\"").count(), 3);
}
on_both!(mail_reaches_people_once_however_many_servers_send);

/// A receiver of webhooks: what each path was sent, answered with the scripted statuses
/// (then 200).
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(String, HeaderMap, String)>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    async fn start(answers: Vec<u16>) -> (Receiver, String) {
        let receiver = Receiver {
            answers: Arc::new(Mutex::new(answers)),
            ..Receiver::default()
        };
        let r = receiver.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
                let r = r.clone();
                async move {
                    let path = uri.path().to_string();
                    r.seen.lock().unwrap().push((path.clone(), headers, body));
                    let status = if path == "/hook" {
                        let mut answers = r.answers.lock().unwrap();
                        if answers.is_empty() {
                            200
                        } else {
                            answers.remove(0)
                        }
                    } else {
                        200
                    };
                    (
                        StatusCode::from_u16(status).unwrap(),
                        r#"{"errcode":0,"errmsg":"ok"}"#,
                    )
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, base)
    }

    fn sent_to(&self, path: &str) -> Vec<(HeaderMap, String)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, h, b)| (h.clone(), b.clone()))
            .collect()
    }
}

const SECRET: &str = "研发群推送的密钥-0123456789";

async fn webhooks_carry_events_signed_once_and_retry(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (receiver, base) = Receiver::start(vec![500]).await;
    let union = app.sign_in_demo("ref.union").await;
    let company = app.org_id("CN-LN-JZ-REF").await.to_string();
    let (status, page) = union.page("/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"webhook-form\""));

    // A wrong address and a short secret are named on the form; nothing is saved.
    let r = union
        .post_form(
            "/webhooks",
            &[
                ("org_id", &company),
                ("name", "研发群"),
                ("url", "ftp://example.cn/hook"),
                ("format", "ingot"),
                ("secret", "太短"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"error-url\""), "{html}");
    assert!(html.contains("data-testid=\"error-secret\""));
    assert!(
        html.contains("value=\"研发群\""),
        "the form keeps what was typed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM webhooks").await, 0);

    // Set up on the page: Ingot's signed JSON of submissions.
    let url = format!("{base}/hook");
    let r = union
        .post_form(
            "/webhooks",
            &[
                ("org_id", &company),
                ("name", "研发群"),
                ("url", &url),
                ("format", "ingot"),
                ("secret", SECRET),
                ("events", "submitted"),
                ("events", "adopted"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let hook: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    // And a WeCom group bot through the API, for every event.
    let api = app.api_as("ref.union").await;
    let (s, v) = api
        .post(
            "/webhooks",
            json!({"org_id": company.parse::<i64>().unwrap(), "name": "企业微信群",
                   "url": format!("{base}/wecom?key=k"), "format": "wecom"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // An employee has no webhooks to manage.
    let (s, _) = app.api_as("li.ming").await.get("/webhooks").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A proposal submitted below the company: a delivery for each webhook, and two servers
    // posting at once post each once.
    let (id, _) = submitted(&app).await;
    let deliverer = Deliverer::new().unwrap();
    let texts = texts();
    let now = Timestamp::now();
    let (a, b) = tokio::join!(
        deliver_due(&app.db, &deliverer, &texts, Some(PUBLIC_URL), now),
        deliver_due(&app.db, &deliverer, &texts, Some(PUBLIC_URL), now),
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        1,
        "the bot took it; the hook answered 500"
    );
    assert_eq!(receiver.sent_to("/hook").len(), 1);
    let bot = receiver.sent_to("/wecom");
    assert_eq!(bot.len(), 1);
    let message: Value = serde_json::from_str(&bot[0].1).unwrap();
    assert_eq!(message["msgtype"], "text");
    let content = message["text"]["content"].as_str().unwrap();
    assert!(content.contains(TITLE), "{content}");
    assert!(content.contains(&format!("{PUBLIC_URL}/proposals/{id}")));

    // The failed post waits: not again at once, and its page says when.
    let (_, detail) = api.get(&format!("/webhooks/{hook}")).await;
    let d = &detail["deliveries"][0];
    assert_eq!(d["event"], "submitted", "{detail}");
    assert_eq!(d["attempts"], 1);
    assert_eq!(d["last_status"], 500);
    assert!(d["delivered_at"].is_null());
    assert!(d["next_attempt_at"].as_i64().unwrap() >= now.0 + 60_000);
    let (_, page) = union.page(&format!("/webhooks/{hook}")).await;
    assert!(page.contains("data-testid=\"delivery-retry\""));
    deliver_due(&app.db, &deliverer, &texts, None, now)
        .await
        .unwrap();
    assert_eq!(receiver.sent_to("/hook").len(), 1);
    let later = Timestamp(now.0 + 61_000);
    let n = deliver_due(&app.db, &deliverer, &texts, None, later)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let posts = receiver.sent_to("/hook");
    assert_eq!(posts.len(), 2);

    // The signature, recomputed here from the secret as a receiver would.
    let (headers, body) = &posts[1];
    let timestamp = headers["x-ingot-timestamp"].to_str().unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        headers["x-ingot-signature"].to_str().unwrap(),
        format!("sha256={expected}")
    );
    assert_eq!(headers["x-ingot-event"], "submitted");
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["event"], "submitted");
    assert_eq!(event["proposal"]["id"], id);
    assert_eq!(event["proposal"]["title"], TITLE);
    assert!(!body.contains("李明"), "the proposer is not named: {body}");
    let (_, detail) = api.get(&format!("/webhooks/{hook}")).await;
    assert!(detail["deliveries"][0]["delivered_at"].is_i64(), "{detail}");
    assert_eq!(detail["webhook"]["delivered"], 1);

    // A test message from the page, then switched off: a test is refused, and the list says so.
    let r = union
        .post_form(&format!("/webhooks/{hook}/ping"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    deliver_due(&app.db, &deliverer, &texts, None, Timestamp::now())
        .await
        .unwrap();
    let pings = receiver.sent_to("/hook");
    assert_eq!(pings.len(), 3);
    assert_eq!(pings[2].0["x-ingot-event"], "ping");
    let r = union
        .post_form(&format!("/webhooks/{hook}/active"), &[("active", "0")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, v) = api.post(&format!("/webhooks/{hook}/ping"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, page) = union.page("/webhooks").await;
    assert!(page.contains(&format!(
        "href=\"/webhooks/{hook}\">研发群</a> <span class=\"tag\">"
    )));
    // Nothing more is posted to a switched-off hook.
    submitted(&app).await;
    deliver_due(
        &app.db,
        &deliverer,
        &texts,
        None,
        Timestamp(now.0 + 3_600_000),
    )
    .await
    .unwrap();
    assert_eq!(receiver.sent_to("/hook").len(), 3);
    assert_eq!(receiver.sent_to("/wecom").len(), 2);
}
on_both!(webhooks_carry_events_signed_once_and_retry);
