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
    fn like_wildcards_are_escaped() {
        assert_eq!(super::contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
