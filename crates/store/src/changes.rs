//! The change log: one row per change to a searchable object, written in the same transaction
//! as the change, so that an index can catch up from it after a crash or in another process.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::Timestamp;

/// The change-log object type that tells servers to rebuild their full-text index.
pub const REBUILD_MARKER: &str = "search_index";

pub async fn record(
    tx: &mut Tx,
    object_type: &str,
    object_id: i64,
    op: &'static str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new("INSERT INTO change_log (at, object_type, object_id, op) VALUES ($1, $2, $3, $4)")
            .bind(now)
            .bind(object_type)
            .bind(object_id)
            .bind(op),
    )
    .await?;
    Ok(())
}
