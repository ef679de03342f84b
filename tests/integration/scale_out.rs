//! Scale-out on PostgreSQL as a deployment runs it: two `ingot serve` processes on one database
//! behind a round-robin balancer. A session made on one is valid on the other, a change made on
//! one is found by the other's search and shown on its pages within a second, and the daily
//! digests, which every server makes, are made once.

use crate::support::{ApiClient, Backend, ServeProcess, Session, TestApp, within_limit};
use ingot_domain::Timestamp;
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_store::Sql;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// A round-robin TCP balancer: each new connection goes to the next server.
struct RoundRobin {
    base: String,
    /// Connections handed to each server.
    handed: Arc<[AtomicUsize; 2]>,
}

impl RoundRobin {
    async fn start(servers: [String; 2]) -> RoundRobin {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handed = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let count = handed.clone();
        tokio::spawn(async move {
            let mut next = 0;
            while let Ok((mut inbound, _)) = listener.accept().await {
                let server = servers[next].clone();
                count[next].fetch_add(1, Ordering::SeqCst);
                next = (next + 1) % 2;
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        RoundRobin { base, handed }
    }

    fn handed(&self) -> [usize; 2] {
        [0, 1].map(|i| self.handed[i].load(Ordering::SeqCst))
    }
}

/// The digests a server's log says it made.
fn digests_made(server: &ServeProcess) -> usize {
    server
        .printed()
        .iter()
        .filter(|line| line.contains(" digests for "))
        .filter_map(|line| {
            line.split("made ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgresql_behind_a_round_robin() {
    within_limit(async {
        let Some(app) = TestApp::spawn(Backend::Postgres).await else {
            return;
        };
        let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;

        // Yesterday's notifications, for people who asked for a daily digest: a proposal put
        // forward brings its reviewers notifications, which are then dated yesterday noon.
        let li = app.api_as("li.ming").await;
        let (status, draft) = li
            .post(
                "/proposals",
                json!({ "title": "Dust hood over the clinker conveyor transfer", "problem": "Dust at the transfer point",
                        "proposed_change": "Fit a hood with a bag filter", "category": "small_innovation", "unit_id": kiln }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        let (status, _) = li
            .post(
                &format!("/proposals/{}/submit", draft["proposal"]["id"]),
                json!({ "seen_similar": true }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let yesterday = Date::of(Timestamp::now(), CHINA_STANDARD_OFFSET_MS).plus_days(-1);
        let noon = yesterday.start(CHINA_STANDARD_OFFSET_MS).0 + 12 * 3_600_000;
        app.execute(Sql::new("UPDATE notifications SET created_at = $1").bind(noon))
            .await;
        app.execute(Sql::new(
            "UPDATE users SET daily_digest = (id IN (SELECT user_id FROM notifications) AND active = TRUE)",
        ))
        .await;
        let readers = app
            .count("SELECT COUNT(*) FROM users WHERE daily_digest = TRUE")
            .await;
        assert!(readers > 0, "the proposal notified its reviewers");

        // Two processes started together, so that their digest jobs run at the same time.
        let url = app.test_db.url.clone();
        let (one, two) = tokio::join!(
            ServeProcess::start(&url, &app.files_dir, "info,sqlx=warn"),
            ServeProcess::start(&url, &app.files_dir, "info,sqlx=warn"),
        );
        let balancer =
            RoundRobin::start([one.address().to_string(), two.address().to_string()]).await;

        // A session made through the balancer is valid on both servers: a new connection per
        // request, so the requests alternate between them.
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let admin = Session::visit(client, &balancer.base)
            .await
            .sign_in("ln.admin", &app.demo_password)
            .await;
        for _ in 0..4 {
            let (status, page) = admin.page("/orgs").await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(page.contains("name=\"_csrf\""), "signed in: {page}");
        }
        let handed = balancer.handed();
        assert!(handed[0] >= 3 && handed[1] >= 3, "{handed:?}");

        // A change made on one server is found by the other's search within a second, and
        // shown on its pages at once.
        let word = "thermocouple";
        let li_one = li.at(&one.base);
        let union_two = ApiClient::new(&two.base, &app.token_for("ref.union").await, "en");
        let (status, created) = li_one
            .post(
                "/proposals",
                json!({ "title": format!("Shielded {word} for the kiln's burning zone"), "problem": "Readings drift",
                        "proposed_change": "Fit shielded sensors", "category": "small_innovation", "unit_id": kiln }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["proposal"]["id"].as_i64().unwrap();
        let (status, _) = li_one
            .post(
                &format!("/proposals/{id}/submit"),
                json!({ "seen_similar": true }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let submitted = Instant::now();
        loop {
            let (status, found) = union_two.get(&format!("/search?q={word}")).await;
            assert_eq!(status, StatusCode::OK, "{found}");
            let hits = found["hits"].as_array().unwrap();
            if hits.iter().any(|h| h["kind"] == "proposal" && h["id"] == id) {
                break;
            }
            assert!(
                submitted.elapsed() < Duration::from_secs(1),
                "the other server's search did not find it within a second: {found}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!(
            "found on the other server after {} ms",
            submitted.elapsed().as_millis()
        );
        for _ in 0..2 {
            let (status, page) = admin.page(&format!("/proposals/{id}")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains(word), "{page}");
        }

        // Both servers made yesterday's digests as they started; each reader has one, and
        // the two logs together made exactly that many.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let made = digests_made(&one) + digests_made(&two);
            if made >= readers as usize || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Time for the slower of the two jobs to finish too.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mut tx = app.db.read().await.unwrap();
        let (digests, people): (i64, i64) = tx
            .fetch_one(
                Sql::new("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM digests WHERE day = $1")
                    .bind(yesterday),
            )
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        println!(
            "{readers} digests, made {} by one server and {} by the other",
            digests_made(&one),
            digests_made(&two)
        );
        assert_eq!((digests, people), (readers, readers));
        assert_eq!(
            digests_made(&one) + digests_made(&two),
            readers as usize,
            "{:#?}\n{:#?}",
            one.printed(),
            two.printed()
        );
        for server in [&one, &two] {
            let printed = server.printed();
            assert!(
                !printed.iter().any(|l| l.contains("digest job")),
                "{printed:#?}"
            );
        }
        one.kill().await;
        two.kill().await;
    })
    .await
}
