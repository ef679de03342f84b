//! Databases that exist for one test: a SQLite file in a directory of its own, or a PostgreSQL
//! database created on the server at INGOT_TEST_DATABASE_URL. Either starts empty or as a copy of
//! the demo, which each test process builds once per database (see `demo_template`).
//!
//! Everything a test process creates is named `ingot_run_<pid>_<nonce>_<what>`, and the process
//! holds a lock for as long as it lives (an advisory lock on PostgreSQL, a file lock in the
//! temporary directory). A test drops its database when it ends; whatever a killed run left
//! behind is removed by the next run, which finds its lock free. Nothing of a live run is touched.

use super::Backend;
use super::demo_template;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const PREFIX: &str = "ingot_run_";

/// This process's part of every name: its id and a random nonce (ids are reused).
fn run_tag() -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).unwrap();
        format!("{}_{:08x}", std::process::id(), u32::from_be_bytes(bytes))
    })
}

/// A new name for something of this process: a database or a directory.
pub fn scratch_name(what: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{PREFIX}{}_{what}{}",
        run_tag(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// The tag of a scratch name (`<pid>_<nonce>`), if it is one.
fn tag_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(PREFIX)?;
    let mut parts = rest.splitn(3, '_');
    let (pid, nonce) = (parts.next()?, parts.next()?);
    let tag = &rest[..pid.len() + 1 + nonce.len()];
    (pid.bytes().all(|b| b.is_ascii_digit()) && nonce.len() == 8).then_some(tag)
}

/// The advisory-lock key that says a run is alive.
fn lock_key(tag: &str) -> i64 {
    // FNV-1a of the tag: stable across processes, which is all a key needs.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{PREFIX}{tag}").bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

// --- PostgreSQL ----------------------------------------------------------------------------------

/// The server's URL, or `None` when PostgreSQL tests are explicitly skipped.
///
/// A missing INGOT_TEST_DATABASE_URL fails the test, so that a run without PostgreSQL cannot pass
/// unnoticed; `INGOT_TEST_SKIP_POSTGRES=1` skips the PostgreSQL half of every test instead (never
/// under CI, and `scripts/test` never sets it), and says so once, past the output capture.
pub fn postgres_admin_url() -> Option<String> {
    if let Ok(url) = std::env::var("INGOT_TEST_DATABASE_URL") {
        return Some(url);
    }
    let in_ci = std::env::var_os("CI").is_some();
    let skip = std::env::var("INGOT_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1");
    assert!(
        skip && !in_ci,
        "INGOT_TEST_DATABASE_URL is not set: PostgreSQL tests need it \
         (e.g. postgres://postgres@127.0.0.1:5432/postgres). Outside CI, set \
         INGOT_TEST_SKIP_POSTGRES=1 to skip them knowingly{}",
        if in_ci { "; CI never skips them" } else { "" }
    );
    static SAID: OnceLock<()> = OnceLock::new();
    SAID.get_or_init(|| {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "\nINGOT_TEST_SKIP_POSTGRES=1: every PostgreSQL test is SKIPPED and reported as passed\n"
        );
    });
    None
}

/// Replaces the database name in a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
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

/// One statement on the server's administrative database (CREATE and DROP DATABASE).
pub async fn admin_execute(admin_url: &str, sql: String) {
    let mut conn = PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at INGOT_TEST_DATABASE_URL is not reachable: {e}"));
    sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = conn.close().await;
}

/// Marks this run alive on the server (once per process) and removes what dead runs left there.
/// Advisory locks belong to a database: every run takes them on INGOT_TEST_DATABASE_URL's.
pub async fn postgres_run_started(admin_url: &str) {
    assert!(
        admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://"),
        "INGOT_TEST_DATABASE_URL must be a postgres:// URL"
    );
    static STARTED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    STARTED
        .get_or_init(|| async {
            hold_postgres_lock(admin_url.to_string()).await;
            remove_dead_postgres_runs(admin_url).await;
        })
        .await;
}

/// Holds this run's lock on a connection that lives as long as the process: a thread of its
/// own keeps it, since each test's runtime ends with the test.
async fn hold_postgres_lock(admin_url: String) {
    let (locked, is_locked) = tokio::sync::oneshot::channel::<Result<(), String>>();
    std::thread::Builder::new()
        .name("ingot-test-run-lock".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let conn = async {
                    let mut conn = PgConnection::connect(&admin_url).await?;
                    sqlx::query("SELECT pg_advisory_lock($1)")
                        .bind(lock_key(run_tag()))
                        .execute(&mut conn)
                        .await?;
                    Ok::<_, sqlx::Error>(conn)
                }
                .await;
                match conn {
                    Ok(conn) => {
                        let _ = locked.send(Ok(()));
                        std::future::pending::<()>().await;
                        drop(conn);
                    }
                    Err(e) => {
                        let _ = locked.send(Err(e.to_string()));
                    }
                }
            })
        })
        .unwrap();
    if let Err(e) = is_locked.await.unwrap() {
        panic!("PostgreSQL at INGOT_TEST_DATABASE_URL is not reachable: {e}");
    }
}

async fn remove_dead_postgres_runs(admin_url: &str) {
    let mut conn = PgConnection::connect(admin_url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ingot\\_run\\_%' ORDER BY datname",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut tags: Vec<&str> = names
        .iter()
        .filter_map(|n| tag_of(n))
        .filter(|t| *t != run_tag())
        .collect();
    tags.dedup();
    for tag in tags {
        let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(lock_key(tag))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        if !free {
            continue; // that run is alive
        }
        for name in names.iter().filter(|n| tag_of(n) == Some(tag)) {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await;
        }
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(lock_key(tag))
            .execute(&mut conn)
            .await;
    }
    let _ = conn.close().await;
}

// --- The temporary directory (SQLite files, attachments) -----------------------------------------

/// Marks this run alive in the temporary directory (once per process) and removes what dead
/// runs left there.
fn local_run_started() {
    static LOCK: OnceLock<std::fs::File> = OnceLock::new();
    LOCK.get_or_init(|| {
        let dir = std::env::temp_dir();
        let file = std::fs::File::create(dir.join(format!("{PREFIX}{}.lock", run_tag()))).unwrap();
        file.lock().unwrap();
        remove_dead_local_runs(&dir);
        file
    });
}

fn remove_dead_local_runs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(PREFIX))
        .collect();
    let mut tags: Vec<&str> = names
        .iter()
        .filter_map(|n| tag_of(n.trim_end_matches(".lock")))
        .filter(|t| *t != run_tag())
        .collect();
    tags.sort();
    tags.dedup();
    for tag in tags {
        let lock_path = dir.join(format!("{PREFIX}{tag}.lock"));
        let dead = match std::fs::File::open(&lock_path) {
            // A lock file just created may not be locked yet: leave young ones alone.
            Ok(lock) => lock.try_lock().is_ok() && older_than(&lock_path, Duration::from_secs(10)),
            // No lock file: leftovers of a run that was killed while cleaning up.
            Err(_) => names
                .iter()
                .filter(|n| tag_of(n) == Some(tag))
                .all(|n| older_than(&dir.join(n), Duration::from_secs(3600))),
        };
        if !dead {
            continue;
        }
        for name in names.iter().filter(|n| tag_of(n) == Some(tag)) {
            let path = dir.join(name);
            if path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
        let _ = std::fs::remove_file(&lock_path);
    }
}

fn older_than(path: &Path, age: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|e| e > age))
}

/// A new directory of this run under the temporary directory (removed by whoever made it, or
/// by a later run).
pub fn scratch_dir(what: &str) -> PathBuf {
    local_run_started();
    let dir = std::env::temp_dir().join(scratch_name(what));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// --- Test databases ------------------------------------------------------------------------------

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    dir: Option<PathBuf>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// An empty database (not even migrated). `None` means: PostgreSQL tests are explicitly
    /// skipped (see `postgres_admin_url`).
    pub async fn new(backend: Backend) -> Option<TestDb> {
        Self::create(backend, None).await
    }

    /// A copy of the demo, and the demo accounts' password.
    pub async fn with_demo(backend: Backend) -> Option<(TestDb, String)> {
        let template = match backend {
            Backend::Sqlite => demo_template::sqlite().await,
            Backend::Postgres => demo_template::postgres(&postgres_admin_url()?).await,
        };
        let db = Self::create(backend, Some(&template.source)).await?;
        Some((db, template.password.clone()))
    }

    /// A new database, empty or copied from `template` (a SQLite file or a database name).
    async fn create(backend: Backend, template: Option<&str>) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = scratch_dir("db");
                let file = dir.join("ingot.db");
                if let Some(source) = template {
                    std::fs::copy(source, &file).unwrap();
                }
                Some(TestDb {
                    url: format!("sqlite://{}", file.display()),
                    dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                postgres_run_started(&admin_url).await;
                let name = scratch_name("db");
                let sql = match template {
                    Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
                    None => format!("CREATE DATABASE {name}"),
                };
                admin_execute(&admin_url, sql).await;
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
                    if let Ok(mut conn) = PgConnection::connect(&admin_url).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[test]
    fn scratch_names_carry_the_run_they_belong_to() {
        let name = scratch_name("db");
        assert_eq!(tag_of(&name), Some(run_tag()));
        assert_eq!(tag_of("ingot_run_123_0badcafe_demo0"), Some("123_0badcafe"));
        assert_eq!(
            tag_of("ingot_run_123_0badcafe.lock".trim_end_matches(".lock")),
            Some("123_0badcafe")
        );
        // Names of other schemes (older test runs, people's own databases) are never touched.
        assert_eq!(tag_of("ingot_t_123_4_0badcafe"), None);
        assert_eq!(tag_of("ingot_run_abc_0badcafe_db1"), None);
        assert_eq!(tag_of("ingot"), None);
    }
}
