//! Overload and slow clients (issue #14): past its capacity the server refuses at once with 503
//! and Retry-After rather than queueing, keeps `/healthz` answering and recovers by itself;
//! slow headers, slow bodies and idle connections are cut off; bodies over the limit get 413
//! naming it. On both databases, with small limits set through the configuration.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn address(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Everything the server sends until it closes the connection (or `within` passes), and
/// how long that took.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while let Some(left) = within.checked_sub(started.elapsed()) {
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

/// A request whose headers arrive but whose body never does: it holds one of the server's
/// places until the body timeout.
async fn stalled_post(app: &TestApp) -> TcpStream {
    let host = address(app);
    let mut stream = TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Accept-Language: en\r\nContent-Length: 1000\r\n\r\n_csrf="
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// With room for two requests, two stalled uploads fill the server: a burst of API calls and
/// page loads is refused at once (503, Retry-After, the API's error as JSON) while `/healthz`
/// answers; when the stalled requests time out (408) every request is served again, without a
/// restart. Before the concurrency gate every request of the burst was served (or queued).
async fn a_burst_past_capacity_is_shed_quickly_and_the_server_recovers(backend: Backend) {
    let body_timeout = Duration::from_secs(5);
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.limits.max_in_flight = 2;
        c.limits.body_read_timeout = body_timeout;
    })
    .await
    else {
        return;
    };
    let api = app.api_as("nm.admin").await;
    let (status, me) = api.get("/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");

    let started = Instant::now();
    let mut stalled = vec![stalled_post(&app).await, stalled_post(&app).await];
    // Both are admitted once the server has read their headers.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let client = reqwest::Client::new();
    let bearer = format!("Bearer {}", app.token_for("nm.admin").await);
    let burst_started = Instant::now();
    let burst: Vec<_> = (0..24)
        .map(|i| {
            let request = if i % 2 == 0 {
                client
                    .get(app.url("/api/v1/me"))
                    .header("authorization", &bearer)
            } else {
                client.get(app.url("/login"))
            };
            tokio::spawn(async move {
                let r = request
                    .header("accept-language", "en")
                    .send()
                    .await
                    .unwrap();
                let retry_after = r
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_string());
                (r.status(), retry_after, r.text().await.unwrap())
            })
        })
        .collect();
    for (i, task) in burst.into_iter().enumerate() {
        let (status, retry_after, body) = task.await.unwrap();
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "request {i}: {body}"
        );
        assert_eq!(retry_after.as_deref(), Some("1"));
        if i % 2 == 0 {
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["error"], "overloaded", "{body}");
            assert!(body["message"].as_str().unwrap().contains("busy"), "{body}");
        } else {
            assert!(body.contains("busy"), "{body}");
        }
    }
    let burst_took = burst_started.elapsed();
    assert!(
        burst_took < Duration::from_secs(2),
        "refusals must not wait for a place: {burst_took:?}"
    );

    // The health check goes round the gate.
    for _ in 0..3 {
        let r = client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    // The stalled requests are answered 408 once their body time is up, freeing their places.
    for stream in &mut stalled {
        let (response, _) = read_until_closed(stream, Duration::from_secs(15)).await;
        assert!(
            response.starts_with("HTTP/1.1 408"),
            "stalled body: {response}"
        );
        assert!(
            response.contains("did not arrive within 5 seconds"),
            "{response}"
        );
    }
    assert!(started.elapsed() >= body_timeout - Duration::from_millis(500));

    // Recovered: every request is served again.
    for _ in 0..3 {
        let (status, me) = api.get("/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        let r = client.get(app.url("/login")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}
on_both!(a_burst_past_capacity_is_shed_quickly_and_the_server_recovers);

/// A client that sends its headers a byte at a time (slowloris) is disconnected once the header
/// timeout passes, and so is a kept-alive connection left idle; clients that keep to time are
/// served. Before the server set hyper's timer, neither connection was ever closed.
async fn slow_headers_and_idle_connections_are_cut_off(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.limits.header_read_timeout = Duration::from_secs(1);
    })
    .await
    else {
        return;
    };
    let host = address(&app);

    // Slowloris: a header byte every 100 ms, for up to 10 seconds.
    let mut slow = TcpStream::connect(&host).await.unwrap();
    slow.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ").as_bytes())
        .await
        .unwrap();
    let (mut reader, mut writer) = slow.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if writer.write_all(b"a").await.is_err() {
                return;
            }
        }
    });
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(10), reader.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("a client trickling its headers was never disconnected"),
        }
    };
    trickle.abort();
    assert!(
        closed < Duration::from_secs(4),
        "disconnected only after {closed:?}"
    );

    // Idle keep-alive: one request served, then nothing; the server closes the connection.
    let mut idle = TcpStream::connect(&host).await.unwrap();
    idle.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let (response, took) = read_until_closed(&mut idle, Duration::from_secs(10)).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        took < Duration::from_secs(4),
        "an idle connection stayed open {took:?}"
    );

    // A client that keeps to time is served as ever.
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
on_both!(slow_headers_and_idle_connections_are_cut_off);

/// Bodies over the limit get 413 naming the limit: declared by Content-Length (refused before
/// it is read), streamed in chunks (refused when it passes the limit), on the API (JSON) and on
/// a page form; a body within the limit is read as before. Before, the API answered a plain-text
/// 413 or a 422 about the JSON, a form a 422 about a file.
async fn bodies_over_the_limit_are_refused_with_413_naming_it(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.max_upload_bytes = 64 * 1024).await else {
        return;
    };
    let too_big = vec![b'a'; 200 * 1024];
    let named = |body: &Value| {
        assert_eq!(body["fields"][0]["field"], "body", "{body}");
        assert_eq!(body["fields"][0]["code"], "request_too_large", "{body}");
        assert!(
            body["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("64 KB"),
            "{body}"
        );
    };

    // Declared: the API's import and a JSON call. The client is told, rather than reset, even
    // when it has megabytes still to send (the server reads and discards them).
    let admin = app.api_as("nm.admin").await;
    for size in [too_big.len(), 8 * 1024 * 1024, 8 * 1024 * 1024] {
        let (status, body) = admin
            .post_bytes("/orgs/import", "text/csv", vec![b'a'; size])
            .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        named(&body);
    }
    let (status, body) = admin
        .post_bytes("/orgs", "application/json", too_big.clone())
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    named(&body);

    // Streamed without a length: refused once it passes the limit.
    let host = address(&app);
    let token = app.token_for("nm.admin").await;
    let mut stream = TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/v1/orgs/import?dry_run=true HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: text/csv\r\nAccept-Language: en\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 16 * 1024];
    for _ in 0..16 {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        // The server may answer and stop reading as soon as the limit is passed.
        if stream.write_all(&piece).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let (response, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("request_too_large"), "{response}");

    // A page form: the error page names the limit.
    let session = app.sign_in_demo("nm.admin").await;
    let big = "x".repeat(200 * 1024);
    let r = session
        .post_form("/orgs", &[("code", "X1"), ("name", &big)])
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = r.text().await.unwrap();
    assert!(page.contains("64 KB"), "{page}");

    // Within the limit, the body is read and judged on its content.
    let (status, body) = admin
        .post_bytes(
            "/orgs/import?dry_run=true",
            "text/csv",
            b"code,name,name_en,kind,parent_code\n".to_vec(),
        )
        .await;
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        status.is_success() || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status} {body}"
    );
}
on_both!(bodies_over_the_limit_are_refused_with_413_naming_it);
