//! Forward-only migrations, embedded in the binary, run at start. Both folders hold the same
//! file names; several servers starting at once are serialised by the database itself.

use crate::Result;
use crate::db::{Db, map_error};
use ingot_domain::{AppError, Timestamp};
use sqlx::{AssertSqlSafe, Connection};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

macro_rules! migration {
    ($version:expr, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_proposals"),
    migration!(3, "0003_signatures"),
    migration!(4, "0004_search"),
    migration!(5, "0005_studios"),
    migration!(6, "0006_achievements"),
    migration!(7, "0007_campaigns"),
    migration!(8, "0008_programmes"),
    migration!(12, "0012_access"),
    migration!(13, "0013_sign_in"),
    migration!(14, "0014_one_date_type"),
    migration!(15, "0015_campaign_contact"),
    migration!(16, "0016_generated_parts"),
    migration!(17, "0017_proposals_newest"),
    migration!(18, "0018_audit_tally"),
    migration!(19, "0019_org_tally"),
    migration!(20, "0020_proposal_rollup_tree"),
    migration!(21, "0021_search_in_database"),
    migration!(22, "0022_search_index_without_pending_list"),
    migration!(23, "0023_studio_tally"),
    migration!(24, "0024_studios_registry_order"),
    migration!(25, "0025_federations_index"),
    migration!(26, "0026_record_tally"),
    migration!(27, "0027_stat_returns"),
    migration!(28, "0028_people_records_index"),
    migration!(29, "0029_programme_task_version"),
    migration!(30, "0030_patent_version"),
    migration!(31, "0031_record_amendments"),
    migration!(32, "0032_outbound"),
    migration!(33, "0033_directory_accounts"),
    migration!(34, "0034_campaign_kinds"),
    migration!(35, "0035_title_version"),
];

/// Any constant will do; it only has to be the same in every Ingot process.
const PG_MIGRATION_LOCK: i64 = 0x1_6607_0001;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// FNV-1a: enough to notice that an applied migration's file was edited afterwards.
fn checksum(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Applies every migration not yet applied. Returns the versions it applied.
pub async fn run(db: &Db) -> Result<Vec<i64>> {
    apply(db, MIGRATIONS).await
}

/// Applies the migrations not yet applied up to and including the one called `last`, leaving
/// the schema as that version of Ingot had it (upgrade tests start from there).
pub async fn run_until(db: &Db, last: &str) -> Result<Vec<i64>> {
    let end = MIGRATIONS
        .iter()
        .position(|m| m.name == last)
        .ok_or_else(|| AppError::internal(format!("no migration is called {last}")))?;
    apply(db, &MIGRATIONS[..=end]).await
}

async fn apply(db: &Db, migrations: &[Migration]) -> Result<Vec<i64>> {
    match db {
        Db::Postgres { pool, .. } => {
            let mut conn = pool.acquire().await.map_err(map_error)?;
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(PG_MIGRATION_LOCK)
                .execute(&mut *conn)
                .await
                .map_err(map_error)?;
            let result = apply_pg(&mut conn, migrations).await;
            let unlock = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_MIGRATION_LOCK)
                .execute(&mut *conn)
                .await;
            let applied = result?;
            unlock.map_err(map_error)?;
            Ok(applied)
        }
        Db::Sqlite { writer, .. } => {
            let mut conn = writer.acquire().await.map_err(map_error)?;
            let mut applied = Vec::new();
            for m in migrations {
                // One IMMEDIATE transaction per migration: a second process waits for the lock,
                // then sees the migration as applied.
                let mut tx = conn
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(map_error)?;
                sqlx::raw_sql(CREATE_TABLE)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_error)?;
                if check_applied_sqlite(&mut tx, m).await? {
                    continue;
                }
                sqlx::raw_sql(AssertSqlSafe(m.sqlite))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| migration_failed(m, e))?;
                record(m, m.sqlite)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_error)?;
                tx.commit().await.map_err(map_error)?;
                applied.push(m.version);
            }
            Ok(applied)
        }
    }
}

fn record(
    m: &Migration,
    text: &str,
) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
        .bind(m.version)
        .bind(m.name)
        .bind(checksum(text))
        .bind(Timestamp::now().millis())
}

fn migration_failed(m: &Migration, e: sqlx::Error) -> AppError {
    AppError::internal(format!("migration {} failed: {e}", m.name))
}

fn verify(m: &Migration, stored: Option<String>, text: &str) -> Result<bool> {
    match stored {
        None => Ok(false),
        Some(sum) if sum == checksum(text) => Ok(true),
        Some(_) => Err(AppError::internal(format!(
            "migration {} was changed after it was applied; migrations are forward-only, add a new one",
            m.name
        ))),
    }
}

async fn check_applied_sqlite(tx: &mut sqlx::SqliteConnection, m: &Migration) -> Result<bool> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT checksum FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?;
    verify(m, stored, m.sqlite)
}

async fn apply_pg(conn: &mut sqlx::PgConnection, migrations: &[Migration]) -> Result<Vec<i64>> {
    sqlx::raw_sql(CREATE_TABLE)
        .execute(&mut *conn)
        .await
        .map_err(map_error)?;
    let mut applied = Vec::new();
    for m in migrations {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT checksum FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_error)?;
        if verify(m, stored, m.postgres)? {
            continue;
        }
        let mut tx = conn.begin().await.map_err(map_error)?;
        sqlx::raw_sql(AssertSqlSafe(m.postgres))
            .execute(&mut *tx)
            .await
            .map_err(|e| migration_failed(m, e))?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(m.postgres))
            .bind(Timestamp::now().millis())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        applied.push(m.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_folders_hold_the_same_migrations_and_all_are_embedded() {
        let root = env!("CARGO_MANIFEST_DIR");
        let sqlite = names(&format!("{root}/migrations/sqlite"));
        let postgres = names(&format!("{root}/migrations/postgres"));
        assert_eq!(sqlite, postgres);
        let embedded: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{}.sql", m.name))
            .collect();
        assert_eq!(sqlite, embedded);
        // Versions rise; a gap is allowed while branches that each add one are merged.
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert!(i == 0 || m.version > MIGRATIONS[i - 1].version);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }
}
