//! The database handle: an enum over the native SQLite and PostgreSQL pools.

use crate::Result;
use crate::constraints;
use crate::sql::{Arg, Sql};
use ingot_domain::AppError;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Pool sizes and timeouts.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    pub busy_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            max_connections: 8,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Clone)]
pub enum Db {
    /// SQLite allows one writer at a time: writes go through a one-connection pool (so they
    /// queue in Rust instead of failing with SQLITE_BUSY), reads through a pool of their own.
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
        file: PathBuf,
    },
    /// PostgreSQL: transactions on `pool`; reads on `readers`, whose sessions are read-only
    /// and run each statement on its own (PostgreSQL's READ COMMITTED gives every statement a
    /// fresh snapshot anyway), so a read costs no BEGIN and ROLLBACK round trips and a write
    /// sent to a read by mistake fails instead of committing on its own.
    Postgres { pool: PgPool, readers: PgPool },
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Db::Sqlite { file, .. } => write!(f, "Db::Sqlite({})", file.display()),
            Db::Postgres { .. } => f.write_str("Db::Postgres"),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::internal(e)
}

/// SQLITE_BUSY or SQLITE_LOCKED, with any extended code.
fn is_sqlite_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// Whether `url` names PostgreSQL; anything else is a SQLite file (`sqlite://file` or a path).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn sqlite_file(url: &str) -> PathBuf {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    PathBuf::from(path)
}

impl Db {
    /// Opens (creating a SQLite file if needed) without migrating.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Db> {
        if is_postgres_url(url) {
            let connect = PgConnectOptions::from_str(url)
                .map_err(|e| internal(format!("bad PostgreSQL URL: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(connect.clone())
                .await
                .map_err(|e| internal(format!("cannot connect to PostgreSQL: {e}")))?;
            let readers = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_lazy_with(connect.options([("default_transaction_read_only", "on")]));
            return Ok(Db::Postgres { pool, readers });
        }
        let file = sqlite_file(url);
        let connect = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            .pragma("temp_store", "memory");
        // Switching a new file into WAL takes an exclusive lock that SQLite's busy timeout does
        // not wait for, so servers opening one new file together get "database is locked";
        // the first connection retries until the file is in WAL mode or the busy timeout ends.
        let deadline = tokio::time::Instant::now() + options.busy_timeout;
        let writer = loop {
            match SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(connect.clone())
                .await
            {
                Ok(pool) => break pool,
                Err(e) if is_sqlite_busy(&e) && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => return Err(internal(format!("cannot open {}: {e}", file.display()))),
            }
        };
        let readers = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(connect)
            .await
            .map_err(|e| internal(format!("cannot open {}: {e}", file.display())))?;
        Ok(Db::Sqlite {
            writer,
            readers,
            file,
        })
    }

    /// Opens and brings the schema up to date.
    pub async fn open(url: &str, options: &DbOptions) -> Result<Db> {
        let db = Db::connect(url, options).await?;
        crate::migrate::run(&db).await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    /// A transaction for a change. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`)
    /// so it can never fail half-way with a lock upgrade conflict.
    pub async fn begin(&self) -> Result<Tx> {
        match self {
            Db::Sqlite { writer, .. } => writer
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(Tx::Sqlite)
                .map_err(map_error),
            Db::Postgres { pool, .. } => pool.begin().await.map(Tx::Postgres).map_err(map_error),
        }
    }

    /// A handle for reading only: a transaction on SQLite (one snapshot for all its reads), a
    /// read-only session on PostgreSQL (each statement its own snapshot, as READ COMMITTED
    /// gives inside a transaction too). Writing through it fails on PostgreSQL.
    pub async fn read(&self) -> Result<Tx> {
        match self {
            Db::Sqlite { readers, .. } => readers.begin().await.map(Tx::Sqlite).map_err(map_error),
            Db::Postgres { readers, .. } => readers
                .acquire()
                .await
                .map(Tx::PostgresRead)
                .map_err(map_error),
        }
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.read().await?;
        let (one,): (i64,) = tx.fetch_one(Sql::new("SELECT CAST(1 AS BIGINT)")).await?;
        tx.rollback().await?;
        if one == 1 {
            Ok(())
        } else {
            Err(internal("ping returned a wrong value"))
        }
    }

    /// Writes a consistent copy of the live database to `target`: SQLite's `VACUUM INTO`, or
    /// `pg_dump` in its custom format (restore with `pg_restore`).
    pub async fn backup(&self, url: &str, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(AppError::field("file", "file_exists"));
        }
        match self {
            Db::Sqlite { readers, .. } => {
                let path = target
                    .to_str()
                    .ok_or_else(|| AppError::field("file", "invalid_path"))?;
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(readers)
                    .await
                    .map_err(map_error)?;
                Ok(())
            }
            Db::Postgres { .. } => {
                let status = tokio::process::Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--file")
                    .arg(target)
                    .arg(url)
                    .status()
                    .await
                    .map_err(|e| {
                        internal(format!(
                            "cannot run pg_dump (is postgresql-client installed?): {e}"
                        ))
                    })?;
                if status.success() {
                    Ok(())
                } else {
                    Err(internal(format!("pg_dump failed: {status}")))
                }
            }
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite {
                writer, readers, ..
            } => {
                writer.close().await;
                readers.close().await;
            }
            Db::Postgres { pool, readers } => {
                readers.close().await;
                pool.close().await
            }
        }
    }
}

/// A row type readable from both backends.
pub trait BothRows:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> BothRows for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// An open transaction on either backend. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
    /// A read-only PostgreSQL session, no transaction (`Db::read`).
    PostgresRead(PoolConnection<Postgres>),
}

/// Binds every argument of `$sql` onto the sqlx query `$q`, whatever its backend.
macro_rules! bound {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for arg in $args {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Real(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs `$method` on a `query_as` built from `$sql` against whichever backend `$tx` is.
macro_rules! run_as {
    ($tx:expr, $sql:expr, $method:ident) => {{
        crate::query_count::tick();
        let Sql { text, args } = $sql;
        match $tx {
            Tx::Sqlite(tx) => {
                bound!(sqlx::query_as(AssertSqlSafe(text.into_owned())), args)
                    .$method(&mut **tx)
                    .await
            }
            Tx::Postgres(tx) => {
                bound!(sqlx::query_as(AssertSqlSafe(text.into_owned())), args)
                    .$method(&mut **tx)
                    .await
            }
            Tx::PostgresRead(conn) => {
                bound!(sqlx::query_as(AssertSqlSafe(text.into_owned())), args)
                    .$method(&mut **conn)
                    .await
            }
        }
        .map_err(map_error)
    }};
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) | Tx::PostgresRead(_) => Backend::Postgres,
        }
    }

    pub async fn fetch_all<T: BothRows>(&mut self, sql: Sql) -> Result<Vec<T>> {
        run_as!(self, sql, fetch_all)
    }

    pub async fn fetch_optional<T: BothRows>(&mut self, sql: Sql) -> Result<Option<T>> {
        run_as!(self, sql, fetch_optional)
    }

    pub async fn fetch_one<T: BothRows>(&mut self, sql: Sql) -> Result<T> {
        run_as!(self, sql, fetch_one)
    }

    /// Runs a statement and returns the number of rows it changed.
    pub async fn execute(&mut self, sql: Sql) -> Result<u64> {
        crate::query_count::tick();
        let Sql { text, args } = sql;
        match self {
            Tx::Sqlite(tx) => bound!(sqlx::query(AssertSqlSafe(text.into_owned())), args)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
            Tx::Postgres(tx) => bound!(sqlx::query(AssertSqlSafe(text.into_owned())), args)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
            Tx::PostgresRead(conn) => bound!(sqlx::query(AssertSqlSafe(text.into_owned())), args)
                .execute(&mut **conn)
                .await
                .map(|r| r.rows_affected()),
        }
        .map_err(map_error)
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
            // Nothing to end: each statement ran on its own.
            Tx::PostgresRead(_) => Ok(()),
        }
        .map_err(map_error)
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
            Tx::PostgresRead(_) => Ok(()),
        }
        .map_err(map_error)
    }
}

/// Turns a driver error into the application's error: a named constraint becomes the conflict
/// or field error users see; anything else is internal.
pub(crate) fn map_error(e: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &e {
        let name = db
            .constraint()
            .map(str::to_string)
            .or_else(|| constraints::sqlite_constraint_name(db.message()));
        if let Some(name) = name
            && let Some(c) = constraints::describe(&name)
        {
            return AppError::Conflict {
                code: c.code,
                field: c.field,
            };
        }
        if db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation {
            return AppError::conflict("referenced_record_missing");
        }
    }
    AppError::internal(e)
}
