//! What `ingot generate` reads and records: the parts it has finished, and the organisations and
//! people it made before (found by their code or username prefix), so a later part can refer to
//! them.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::Timestamp;

/// Whether `part` is finished, and with which seed.
pub async fn finished(tx: &mut Tx, part: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(Sql::new("SELECT seed FROM generated_parts WHERE part = $1").bind(part))
        .await?;
    Ok(row.map(|(seed,)| seed))
}

/// Records `part` as finished, in the transaction that wrote its rows.
pub async fn finish(tx: &mut Tx, part: &str, seed: i64, rows: i64, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO generated_parts (part, seed, row_count, finished_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(part)
        .bind(seed)
        .bind(rows)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// `prefix` for LIKE; generated prefixes hold only letters, digits and dots.
fn like(prefix: &str) -> String {
    assert!(
        prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.'),
        "a generated prefix has no LIKE wildcard"
    );
    format!("{prefix}%")
}

/// Organisations whose code starts with `prefix`: id, code and path, by code.
pub async fn orgs_by_code(tx: &mut Tx, prefix: &str) -> Result<Vec<(i64, String, String)>> {
    let rows: Vec<(i64, String, String)> = tx
        .fetch_all(
            Sql::new("SELECT id, code, path FROM organisations WHERE code LIKE $1 ORDER BY id")
                .bind(like(prefix)),
        )
        .await?;
    // SQLite's LIKE ignores case.
    Ok(rows
        .into_iter()
        .filter(|r| r.1.starts_with(prefix))
        .collect())
}

/// People whose username starts with `prefix`: id, organisation and username, by id.
pub async fn users_by_name(tx: &mut Tx, prefix: &str) -> Result<Vec<(i64, i64, String)>> {
    let rows: Vec<(i64, i64, String)> = tx
        .fetch_all(
            Sql::new("SELECT id, org_id, username FROM users WHERE username LIKE $1 ORDER BY id")
                .bind(like(prefix)),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.2.starts_with(prefix))
        .collect())
}

/// Moves an enterprise's yearly proposal number past `last`, so that proposals submitted later
/// continue the generated sequence.
pub async fn raise_number(tx: &mut Tx, enterprise: i64, year: i64, last: i64) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO proposal_numbers (enterprise_id, year, last_number) VALUES ($1, $2, $3)
             ON CONFLICT (enterprise_id, year) DO UPDATE SET last_number = excluded.last_number
             WHERE proposal_numbers.last_number < excluded.last_number",
        )
        .bind(enterprise)
        .bind(year)
        .bind(last),
    )
    .await?;
    Ok(())
}

/// Every enterprise's last proposal number of `year`.
pub async fn last_numbers(tx: &mut Tx, year: i64) -> Result<Vec<(i64, i64)>> {
    tx.fetch_all(
        Sql::new("SELECT enterprise_id, last_number FROM proposal_numbers WHERE year = $1")
            .bind(year),
    )
    .await
}
