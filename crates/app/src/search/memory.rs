//! The embedded engine (SQLite's default): each server process holds an inverted index in
//! memory, built from the database at start and kept current from the change log.
//!
//! Why one index per process, not a shared index service: the change log is written in the
//! same transaction as every change, so it is a durable queue that survives a crash; each
//! process replays it (every half second, and before answering a search, so people find what
//! they just wrote). The cost is memory per process and a rebuild at start, which is why
//! PostgreSQL deployments search in the database instead (`database.rs`).

use super::docs::{self, Wanted};
use crate::Result;
use ingot_domain::{AppError, Timestamp};
use ingot_search::index::{Index, Narrow, Results, Viewer};
use ingot_search::query::Query;
use ingot_store::search_docs;
use ingot_store::{Db, Tx};
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub struct MemoryIndex {
    index: RwLock<Index>,
    last_change: AtomicI64,
    offset_ms: i64,
}

/// How far back each catch-up re-reads the change log by time.
const REREAD_WINDOW: Duration = Duration::from_secs(5);
const CATCH_UP_BATCH: i64 = 2000;

fn poisoned() -> AppError {
    AppError::internal("search index lock poisoned")
}

impl MemoryIndex {
    /// Builds the index from the database.
    pub async fn build(db: &Db, offset_ms: i64) -> Result<MemoryIndex> {
        let mut tx = db.read().await?;
        let last = search_docs::last_change(&mut tx).await?;
        let docs = docs::read(&mut tx, None, offset_ms).await?;
        drop(tx);
        let index = tokio::task::spawn_blocking(move || {
            ingot_search::analyze::warm_up();
            let mut index = Index::new();
            for doc in docs {
                index.upsert(doc);
            }
            index
        })
        .await
        .map_err(|e| AppError::internal(format!("index build: {e}")))?;
        Ok(MemoryIndex {
            index: RwLock::new(index),
            last_change: AtomicI64::new(last),
            offset_ms,
        })
    }

    pub fn len(&self) -> usize {
        self.index.read().map(|i| i.len()).unwrap_or(0)
    }

    /// Applies the changes logged since the last catch-up; returns how many records it re-read.
    pub async fn catch_up(&self, db: &Db) -> Result<usize> {
        let after = self.last_change.load(Ordering::Acquire);
        let since = Timestamp(Timestamp::now().0 - REREAD_WINDOW.as_millis() as i64);
        let mut tx = db.read().await?;
        let changes = search_docs::changes(&mut tx, after, since, CATCH_UP_BATCH).await?;
        if changes.is_empty() {
            return Ok(0);
        }
        let max = changes.iter().map(|c| c.0).max().unwrap_or(after);
        if changes
            .iter()
            .any(|(id, kind, _)| *id > after && kind == crate::reindex::REBUILD_MARKER)
        {
            drop(tx);
            return self.rebuild(db, max).await;
        }
        let wanted = Wanted::of_changes(changes.iter().map(|(_, kind, id)| (kind.as_str(), *id)));
        let n = self.reload(&mut tx, &wanted).await?;
        drop(tx);
        self.last_change.fetch_max(max, Ordering::AcqRel);
        Ok(n)
    }

    /// Replaces the whole index with one built from the database (after `ingot reindex`).
    async fn rebuild(&self, db: &Db, up_to: i64) -> Result<usize> {
        let fresh = MemoryIndex::build(db, self.offset_ms).await?;
        let index = fresh.index.into_inner().map_err(|_| poisoned())?;
        let n = index.len();
        *self.index.write().map_err(|_| poisoned())? = index;
        let built_at = fresh.last_change.load(Ordering::Acquire);
        self.last_change
            .fetch_max(up_to.max(built_at), Ordering::AcqRel);
        Ok(n)
    }

    async fn reload(&self, tx: &mut Tx, wanted: &Wanted) -> Result<usize> {
        let docs = docs::read(tx, Some(wanted), self.offset_ms).await?;
        let n = docs.len();
        let mut index = self.index.write().map_err(|_| poisoned())?;
        for (kind, id) in wanted.missing_from(&docs) {
            index.remove(kind, id);
        }
        for doc in docs {
            index.upsert(doc);
        }
        Ok(n)
    }

    pub fn search(
        &self,
        query: &Query,
        narrow: &Narrow,
        viewer: &Viewer,
        offset: usize,
        limit: usize,
    ) -> Result<Results> {
        let index = self.index.read().map_err(|_| poisoned())?;
        Ok(index.search(query, narrow, viewer, offset, limit))
    }
}
