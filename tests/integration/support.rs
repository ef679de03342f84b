//! Test support: a fresh database per test (a SQLite file in a temporary directory, or a new
//! PostgreSQL database at INGOT_TEST_DATABASE_URL, dropped afterwards), the application served
//! on 127.0.0.1:0 with the demo data, and signed-in HTTP clients.

mod demo_template;
pub mod pdf;
mod scratch;
mod serve_process;

pub use scratch::{TestDb, scratch_dir};
pub use serve_process::ServeProcess;

use ingot_store::{Db, DbOptions};
use ingot_web::{AppState, Config};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Client, Response, StatusCode};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The application, served on a free port, with the demo data loaded.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub demo_password: String,
    /// The server's file store.
    pub files_dir: PathBuf,
    /// The server's settings (the file store aside).
    pub config: Config,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    // Declared last: dropped after the server and pools are gone.
    pub test_db: TestDb,
}

impl TestApp {
    /// The application on a copy of the demo. `None` when PostgreSQL tests are skipped.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// The application on a copy of the demo, with settings the test changes (e.g. limits).
    pub async fn spawn_with(
        backend: Backend,
        configure: impl FnOnce(&mut Config),
    ) -> Option<TestApp> {
        let (test_db, demo_password) = TestDb::with_demo(backend).await?;
        let mut config = Config::default();
        configure(&mut config);
        Some(Self::on_with(test_db, demo_password, config).await)
    }

    /// The application on an empty database (no organisation, no account).
    pub async fn spawn_empty(backend: Backend) -> Option<TestApp> {
        let test_db = TestDb::new(backend).await?;
        Some(Self::on(test_db, String::new()).await)
    }

    /// The application on a database the test prepared, brought up to date as `ingot serve`
    /// does when it starts.
    pub async fn on(test_db: TestDb, demo_password: String) -> TestApp {
        Self::on_with(test_db, demo_password, Config::default()).await
    }

    async fn on_with(test_db: TestDb, demo_password: String, config: Config) -> TestApp {
        let db = Db::open(&test_db.url, &DbOptions::default())
            .await
            .expect("open and migrate");
        let (base, shutdown, task, files_dir) = serve(db.clone(), config.clone()).await;
        TestApp {
            base,
            db,
            demo_password,
            files_dir,
            config,
            shutdown: Some(shutdown),
            task: Some(task),
            test_db,
        }
    }

    /// A second server process on the same database, with the same settings (for the
    /// stateless-servers tests).
    pub async fn second_server(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        self.second_server_with(self.config.clone()).await
    }

    /// A second server on the same database with other settings.
    pub async fn second_server_with(
        &self,
        config: Config,
    ) -> (String, tokio::sync::oneshot::Sender<()>) {
        let db = Db::open(&self.test_db.url, &DbOptions::default())
            .await
            .expect("second pool");
        let (base, shutdown, _, _) = serve(db, config).await;
        (base, shutdown)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn client() -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A browser-like visitor who is not signed in (with Chinese as the browser's language).
    pub async fn visitor(&self) -> Session {
        Session::visit(Self::client(), &self.base).await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Session {
        self.visitor().await.sign_in(username, password).await
    }

    pub async fn sign_in_demo(&self, username: &str) -> Session {
        let password = self.demo_password.clone();
        self.sign_in(username, &password).await
    }

    /// An API client with a bearer token for `username`.
    pub async fn api_as(&self, username: &str) -> ApiClient {
        ApiClient::new(&self.base, &self.token_for(username).await, "en")
    }

    /// A new API token for `username`, for requests made by hand.
    pub async fn token_for(&self, username: &str) -> String {
        let origin = ingot_domain::audit::RequestOrigin::cli();
        let caller = ingot_app::Caller::system(&origin);
        let mut tx = self.db.begin().await.unwrap();
        let user = ingot_store::users::get_by_username(&mut tx, username)
            .await
            .unwrap()
            .expect("user exists");
        let (_, secret) = ingot_app::account::create_token(&mut tx, &caller, user.id, "test")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        secret
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        let mut tx = self.db.read().await.unwrap();
        ingot_store::orgs::get_by_code(&mut tx, code)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no org {code}"))
            .id
            .0
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        let mut tx = self.db.read().await.unwrap();
        ingot_store::users::get_by_username(&mut tx, username)
            .await
            .unwrap()
            .unwrap()
            .id
            .0
    }

    /// Runs one scalar count, for checking what was (not) written.
    pub async fn count(&self, sql: &'static str) -> i64 {
        let mut tx = self.db.read().await.unwrap();
        let (n,): (i64,) = tx.fetch_one(ingot_store::Sql::new(sql)).await.unwrap();
        n
    }

    pub async fn execute(&self, sql: ingot_store::Sql) -> u64 {
        let mut tx = self.db.begin().await.unwrap();
        let n = tx.execute(sql).await.unwrap();
        tx.commit().await.unwrap();
        n
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

async fn serve(
    db: Db,
    config: Config,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
    PathBuf,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let files_dir = scratch::scratch_dir("files");
    let state = AppState::new(
        db,
        Config {
            files_dir: files_dir.clone(),
            ..config
        },
    )
    .await
    .expect("application state");
    let task = tokio::spawn(async move {
        let _ = ingot_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await;
    });
    (base, tx, task, files_dir)
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a CSRF field");
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// A browser-like client with a cookie jar and the page's CSRF token.
pub struct Session {
    pub client: Client,
    pub csrf: String,
    pub base: String,
}

impl Session {
    /// Opens the sign-in page at `base` with `client`, as a visitor who is not signed in.
    pub async fn visit(client: Client, base: &str) -> Session {
        let page = client
            .get(format!("{base}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Session {
            client,
            csrf: csrf_of(&page),
            base: base.to_string(),
        }
    }

    /// Signs the visitor in through the sign-in form.
    pub async fn sign_in(mut self, username: &str, password: &str) -> Session {
        let response = self
            .post_form(
                "/login",
                &[
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {username} failed: {}",
            response.text().await.unwrap()
        );
        self.refresh_csrf().await;
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// Reads the current CSRF token from a page (it changes when a session starts).
    pub async fn refresh_csrf(&mut self) {
        let (_, html) = self.page("/account").await;
        if html.contains("name=\"_csrf\"") {
            self.csrf = csrf_of(&html);
        }
    }

    /// Posts a form the way a browser does, with the page's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form_without_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// An API client authenticated by a bearer token.
pub struct ApiClient {
    client: Client,
    base: String,
}

impl ApiClient {
    /// The same credentials, sent to another server.
    pub fn at(&self, base: &str) -> ApiClient {
        ApiClient {
            client: self.client.clone(),
            base: base.to_string(),
        }
    }

    pub fn new(base: &str, token: &str, lang: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers.insert("accept-language", HeaderValue::from_str(lang).unwrap());
        let client = Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        ApiClient {
            client,
            base: base.to_string(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        json_of(r).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let r = self
            .client
            .request(method, self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(r).await
    }

    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Uploads one file as the multipart field `file`.
    pub async fn post_multipart(
        &self,
        path: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = self
            .client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        json_of(r).await
    }

    pub async fn post_bytes(
        &self,
        path: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        let r = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .unwrap();
        json_of(r).await
    }

    /// A file downloaded: status, content type and bytes.
    pub async fn get_file(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        file_of(r).await
    }

    /// A file uploaded as the body, answered with a file or JSON: status, content type, bytes.
    pub async fn post_file(&self, path: &str, bytes: Vec<u8>) -> (StatusCode, String, Vec<u8>) {
        let r = self
            .client
            .post(self.url(path))
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        file_of(r).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.client.delete(self.url(path)).send().await.unwrap();
        json_of(r).await
    }
}

/// A response's status, content type and body.
pub async fn file_of(r: Response) -> (StatusCode, String, Vec<u8>) {
    let status = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, r.bytes().await.unwrap().to_vec())
}

pub async fn json_of(r: Response) -> (StatusCode, serde_json::Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let value = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    (status, value)
}

/// Runs an async test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::support::within_limit(super::$name($crate::support::Backend::Sqlite)).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::support::within_limit(super::$name($crate::support::Backend::Postgres))
                    .await
            }
        }
    };
}

/// How long one test may run before it is failed: a hang (a lock never released, a barrier
/// never reached) then fails its test within minutes instead of holding CI until its deadline.
/// `INGOT_TEST_LIMIT_SECS` overrides the default of 10 minutes.
pub fn test_limit() -> std::time::Duration {
    let secs = std::env::var("INGOT_TEST_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    std::time::Duration::from_secs(secs)
}

/// Runs a test body, failing it when it outlives [`test_limit`].
pub async fn within_limit<F: std::future::Future<Output = ()>>(test: F) {
    let limit = test_limit();
    if tokio::time::timeout(limit, test).await.is_err() {
        panic!("the test did not finish within {limit:?}; it is hanging");
    }
}
