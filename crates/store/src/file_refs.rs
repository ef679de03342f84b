//! The columns that name files in the file store by their SHA-256. The file collector keeps
//! every file they name and may remove any other: a table that starts holding a file hash must
//! be listed here (an integration test compares this list with the schema of both databases).

use crate::{Result, SqlBuilder, Tx};
use std::collections::HashSet;

/// Every (table, column) holding the SHA-256 of a stored file.
pub const FILE_HASH_COLUMNS: &[(&str, &str)] = &[
    ("attachments", "sha256"),
    ("achievement_attachments", "sha256"),
    ("studio_photos", "sha256"),
];

/// The hashes that committed rows refer to, as this transaction sees them.
pub async fn referenced(tx: &mut Tx) -> Result<HashSet<String>> {
    let mut b = SqlBuilder::new("");
    for (i, (table, column)) in FILE_HASH_COLUMNS.iter().enumerate() {
        if i > 0 {
            b.push(" UNION ");
        }
        b.push("SELECT ").push(column).push(" FROM ").push(table);
    }
    let rows: Vec<(String,)> = tx.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(|(h,)| h).collect())
}
