//! Bulk loading (for `ingot generate`): many rows into one table inside the caller's
//! transaction, by COPY on PostgreSQL and by multi-row INSERTs on SQLite, with ids the caller
//! assigns so that rows of other tables can refer to them without reading them back.

use crate::db::{Tx, map_error};
use crate::sql::{Arg, Sql, SqlBuilder};
use crate::{Backend, Result};
use ingot_domain::AppError;
use std::fmt::Write;

/// Rows for one table: its column names (literals, never input) and the values, row by row.
#[derive(Debug)]
pub struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Arg>,
}

impl Rows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Rows {
            table,
            columns,
            values: Vec::new(),
        }
    }

    /// Appends one row; it must give a value for every column, in order.
    pub fn push<const N: usize>(&mut self, row: [Arg; N]) {
        assert_eq!(
            N,
            self.columns.len(),
            "a row of {} has a value per column",
            self.table
        );
        self.values.extend(row);
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn rows(&self) -> impl Iterator<Item = &[Arg]> {
        self.values.chunks(self.columns.len())
    }
}

/// Values per SQLite statement: `$N` parameters are found by name, one linear search each, so
/// a statement's cost grows with the square of its parameters; a few hundred is the sweet spot.
const SQLITE_MAX_VALUES: usize = 500;

/// Writes every row of `rows`.
pub async fn write(tx: &mut Tx, rows: &Rows) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match tx {
        Tx::Postgres(t) => copy_in(t, rows).await,
        Tx::PostgresRead(_) => Err(ingot_domain::AppError::internal(
            "bulk writes need a transaction, not a read",
        )),
        Tx::Sqlite(_) => {
            let per_statement = (SQLITE_MAX_VALUES / rows.columns.len()).max(1);
            let all: Vec<&[Arg]> = rows.rows().collect();
            for batch in all.chunks(per_statement) {
                tx.execute(insert(rows, batch)).await?;
            }
            Ok(())
        }
    }
}

fn insert(rows: &Rows, batch: &[&[Arg]]) -> Sql {
    let mut b = SqlBuilder::new("INSERT INTO ");
    b.push(rows.table).push(" (");
    for (i, column) in rows.columns.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.push(column);
    }
    b.push(") VALUES ");
    for (r, row) in batch.iter().enumerate() {
        b.push(if r == 0 { "(" } else { ", (" });
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.bind(value.clone());
        }
        b.push(")");
    }
    b.build()
}

async fn copy_in(t: &mut sqlx::Transaction<'static, sqlx::Postgres>, rows: &Rows) -> Result<()> {
    let statement = format!(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
        rows.table,
        rows.columns.join(", ")
    );
    let mut copy = t.copy_in_raw(&statement).await.map_err(map_error)?;
    let mut buffer = String::with_capacity(1 << 20);
    for row in rows.rows() {
        csv_row(&mut buffer, row)?;
        if buffer.len() >= 1 << 20 {
            copy.send(buffer.as_bytes()).await.map_err(map_error)?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await.map_err(map_error)?;
    }
    copy.finish().await.map_err(map_error)?;
    Ok(())
}

/// One CSV line as PostgreSQL's COPY reads it: NULL is an empty unquoted field, so every text
/// is quoted (an empty text stays an empty text).
fn csv_row(out: &mut String, row: &[Arg]) -> Result<()> {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let written = match value {
            Arg::Int(Some(n)) => write!(out, "{n}"),
            Arg::Real(Some(x)) => write!(out, "{x}"),
            Arg::Bool(Some(b)) => write!(out, "{}", if *b { 't' } else { 'f' }),
            Arg::Date(Some(d)) => write!(out, "{d}"),
            Arg::Text(Some(s)) => {
                if s.contains('\0') {
                    return Err(AppError::internal("a bulk text holds a NUL character"));
                }
                out.push('"');
                out.push_str(&s.replace('"', "\"\""));
                out.push('"');
                Ok(())
            }
            Arg::Int(None) | Arg::Real(None) | Arg::Bool(None) | Arg::Date(None) => Ok(()),
            Arg::Text(None) => Ok(()),
        };
        written.map_err(AppError::internal)?;
    }
    out.push('\n');
    Ok(())
}

/// The first free id of `table` (whose primary key is `id`).
pub async fn next_id(tx: &mut Tx, table: &'static str) -> Result<i64> {
    let mut b = SqlBuilder::new("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM ");
    b.push(table);
    let (id,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(id)
}

/// After rows were written with ids of their own, moves PostgreSQL's identity past them, so the
/// next ordinary insert does not collide (SQLite's rowid follows by itself).
pub async fn sync_identity(tx: &mut Tx, table: &'static str) -> Result<()> {
    if tx.backend() == Backend::Sqlite {
        return Ok(());
    }
    let mut b = SqlBuilder::new("SELECT CAST(setval(pg_get_serial_sequence(");
    b.bind(table)
        .push(", 'id'), (SELECT MAX(id) FROM ")
        .push(table)
        .push(")) AS BIGINT)");
    let _: (i64,) = tx.fetch_one(b.build()).await?;
    Ok(())
}

/// After a bulk load, gives PostgreSQL's planner statistics of what is there now, instead of
/// waiting for autovacuum (which may be off, or behind): without them it guesses, and a
/// prepared statement's generic plan can hash a whole table to read three rows.
pub async fn refresh_statistics(db: &crate::Db) -> Result<()> {
    if db.backend() == Backend::Sqlite {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    tx.execute(crate::sql::Sql::new("ANALYZE")).await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_texts_and_leaves_nulls_empty() {
        let mut out = String::new();
        let row = [
            Arg::Int(Some(7)),
            Arg::Text(Some("说\"明\",二".into())),
            Arg::Text(Some(String::new())),
            Arg::Text(None),
            Arg::Bool(Some(false)),
        ];
        csv_row(&mut out, &row).unwrap();
        assert_eq!(out, "7,\"说\"\"明\"\",二\",\"\",,f\n");
        assert!(csv_row(&mut String::new(), &[Arg::Text(Some("a\0b".into()))]).is_err());
    }
}
