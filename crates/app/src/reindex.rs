//! `ingot reindex`: recomputes every proposal's duplicate-check signature and band keys from the
//! database, then rebuilds the full-text index.
//!
//! Why both: signatures are stored (so a restart does not recompute them) and could be lost or
//! made by an older algorithm. The full-text index lives in each server's memory on SQLite, so
//! the command writes a marker to the change log that every server's follower sees and answers
//! with a rebuild from the database; on PostgreSQL the same marker queues every record, and the
//! command indexes them itself.

use crate::Result;
use crate::proposals::{index_text, joined_text};
use crate::search::SearchService;
use ingot_domain::{OrgId, ProposalId};
use ingot_store::{Db, signatures};
use std::time::Instant;

/// Proposals re-signed per transaction: each batch is whole, and a large database is not held
/// in one transaction.
const BATCH: i64 = 500;

pub use ingot_store::changes::REBUILD_MARKER;

#[derive(Debug, Clone, Copy)]
pub struct Reindexed {
    pub signatures: usize,
    pub documents: usize,
    pub seconds: f64,
}

pub async fn reindex(db: &Db, offset_ms: i64) -> Result<Reindexed> {
    let started = Instant::now();
    let mut after = 0i64;
    let mut signed = 0usize;
    loop {
        let mut tx = db.begin().await?;
        let batch = signatures::texts_after(&mut tx, after, BATCH).await?;
        let Some(last) = batch.last().map(|t| t.id) else {
            break;
        };
        for t in &batch {
            let text = joined_text(&t.title, &t.problem, &t.proposed_change);
            index_text(&mut tx, ProposalId(t.id), OrgId(t.enterprise_id), &text).await?;
        }
        tx.commit().await?;
        signed += batch.len();
        after = last;
    }
    crate::search::queue_everything(db).await?;
    // Built here too, to report what the servers will hold (on PostgreSQL, indexed here).
    let search = SearchService::build(db, offset_ms).await?;
    search.index_all_queued(db).await?;
    ingot_store::search_index::vacuum(db).await?;
    let documents = search.documents(db).await?;
    Ok(Reindexed {
        signatures: signed,
        documents,
        seconds: started.elapsed().as_secs_f64(),
    })
}
