//! Test support: a fresh database per test (a SQLite file in a temporary directory, or a new
//! PostgreSQL database at INGOT_TEST_DATABASE_URL, dropped afterwards), the application served
//! on 127.0.0.1:0 with the demo data, and signed-in HTTP clients.

use ingot_store::{Db, DbOptions};
use ingot_web::{AppState, Config};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Client, Response, StatusCode};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).unwrap();
    format!(
        "{prefix}_{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        u32::from_be_bytes(bytes)
    )
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    dir: Option<PathBuf>,
    postgres: Option<(String, String)>,
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl TestDb {
    /// `None` means: skip, because PostgreSQL is not configured and this is not CI. Under CI
    /// (`CI` set) a missing or unreachable PostgreSQL fails the test.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique("ingot_test"));
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!("sqlite://{}", dir.join("ingot.db").display());
                Some(TestDb {
                    url,
                    dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let in_ci = std::env::var_os("CI").is_some();
                let Ok(admin_url) = std::env::var("INGOT_TEST_DATABASE_URL") else {
                    assert!(
                        !in_ci,
                        "CI is set but INGOT_TEST_DATABASE_URL is not: PostgreSQL tests must run in CI"
                    );
                    eprintln!("skipping a PostgreSQL test: INGOT_TEST_DATABASE_URL is not set");
                    return None;
                };
                let name = unique("ingot_t");
                let admin = match Db::connect(
                    &admin_url,
                    &DbOptions {
                        max_connections: 1,
                        ..Default::default()
                    },
                )
                .await
                {
                    Ok(db) => db,
                    Err(e) => panic!("PostgreSQL at INGOT_TEST_DATABASE_URL is not reachable: {e}"),
                };
                let Db::Postgres(pool) = &admin else {
                    panic!("INGOT_TEST_DATABASE_URL must be a postgres:// URL")
                };
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await
                    .unwrap();
                admin.close().await;
                Some(TestDb {
                    url: with_database(&admin_url, &name),
                    dir: None,
                    postgres: Some((admin_url, name)),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside async context (and during unwinding): use a runtime of its own.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(Db::Postgres(pool)) = Db::connect(
                        &admin_url,
                        &DbOptions {
                            max_connections: 1,
                            ..Default::default()
                        },
                    )
                    .await
                    {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
                        pool.close().await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

/// The application, served on a free port, with the demo data loaded.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub demo_password: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    // Declared last: dropped after the server and pools are gone.
    pub test_db: TestDb,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let test_db = TestDb::new(backend).await?;
        let db = Db::open(&test_db.url, &DbOptions::default())
            .await
            .expect("open and migrate");
        let report = ingot_app::demo::load(&db, false).await.expect("demo data");
        let demo_password = report.password.expect("a fresh demo sets a password");
        let (base, shutdown, task) = serve(db.clone()).await;
        Some(TestApp {
            base,
            db,
            demo_password,
            shutdown: Some(shutdown),
            task: Some(task),
            test_db,
        })
    }

    /// A second server process on the same database (for the stateless-servers test).
    pub async fn second_server(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        let db = Db::open(&self.test_db.url, &DbOptions::default())
            .await
            .expect("second pool");
        let (base, shutdown, _) = serve(db).await;
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
        let client = Self::client();
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Session {
            client,
            csrf: csrf_of(&page),
            base: self.base.clone(),
        }
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Session {
        let mut session = self.visitor().await;
        let response = session
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
        session.refresh_csrf().await;
        session
    }

    pub async fn sign_in_demo(&self, username: &str) -> Session {
        let password = self.demo_password.clone();
        self.sign_in(username, &password).await
    }

    /// An API client with a bearer token for `username`.
    pub async fn api_as(&self, username: &str) -> ApiClient {
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
        ApiClient::new(&self.base, &secret, "en")
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
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    static FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let files_dir = std::env::temp_dir().join(format!(
        "ingot-test-files-{}-{}",
        std::process::id(),
        FILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let state = AppState::new(
        db,
        Config {
            files_dir,
            ..Config::default()
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
    (base, tx, task)
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

    pub async fn delete(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.client.delete(self.url(path)).send().await.unwrap();
        json_of(r).await
    }
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
                super::$name($crate::support::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
