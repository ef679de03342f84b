//! What differs between SQLite and PostgreSQL, in one place.
//!
//! The query text is shared; the differences that remain are:
//! - `SUM` over BIGINT is NUMERIC on PostgreSQL: write `CAST(SUM(x) AS BIGINT)`.
//! - PostgreSQL does not cast a BIGINT parameter to INTEGER implicitly: write
//!   `CAST($n AS INTEGER)` where a function wants an INTEGER (e.g. `substr`).
//! - Text comparison order: PostgreSQL path columns are declared `COLLATE "C"` so that ranges
//!   follow byte order as SQLite's do.
//! - Migrations: PostgreSQL serialises concurrent migrators with an advisory lock, SQLite with
//!   `BEGIN IMMEDIATE` (see `migrate`).
//! - Backups: `VACUUM INTO` versus `pg_dump` (see `Db::backup`).
//! - Row locks: a check-then-write (a quota, a cap, a status) locks its parent row first with
//!   `for_update` on PostgreSQL, whose READ COMMITTED transactions would otherwise both pass the
//!   check; SQLite's write transactions already run one at a time (`BEGIN IMMEDIATE`).

use crate::{Backend, Result, SqlBuilder, Tx};

/// The clause ending a `SELECT` that locks the rows it reads until the transaction ends:
/// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (which has no row locks and needs none).
pub fn for_update(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    }
}

/// Locks one row, read by `select_by_id` (`SELECT id FROM t WHERE id = `, the id bound after
/// it), until the transaction ends, so that whoever locks it next waits and then reads what
/// this transaction committed. Returns whether the row exists.
pub async fn lock_row(tx: &mut Tx, select_by_id: &'static str, id: i64) -> Result<bool> {
    let mut b = SqlBuilder::new(select_by_id);
    b.bind(id).push(for_update(tx.backend()));
    let row: Option<(i64,)> = tx.fetch_optional(b.build()).await?;
    Ok(row.is_some())
}

/// A `LIKE` pattern that matches `needle` anywhere, with `%`, `_` and `\` taken literally.
/// Use it as `LOWER(col) LIKE LOWER($n) ESCAPE '\'`.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_postgres_locks_rows() {
        use crate::Backend;
        assert_eq!(super::for_update(Backend::Postgres), " FOR UPDATE");
        assert_eq!(super::for_update(Backend::Sqlite), "");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
