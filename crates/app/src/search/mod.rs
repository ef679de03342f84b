//! The search service of one server process, on either engine: the embedded database's
//! in-memory index (`memory`), or PostgreSQL's own GIN index over the same analysed words
//! (`database`), which keeps a server's memory and start-up time independent of the corpus and
//! scales out with the database. Both answer the same queries the same way; the integration
//! tests run on both.

mod database;
mod docs;
mod memory;

use crate::{Caller, Result};
use ingot_domain::AppError;
use ingot_domain::policy::Action;
use ingot_search::index::{Kind, Narrow, Results, Viewer};
use ingot_search::query::{self, QueryError};
use ingot_store::{Backend, Db};
use memory::MemoryIndex;
use std::time::Duration;

pub use database::Drain;

enum Engine {
    Memory(Box<MemoryIndex>),
    Database,
}

pub struct SearchService {
    engine: Engine,
    offset_ms: i64,
}

/// Batches a search indexes before answering: what one person just wrote, not a backlog.
const BATCHES_BEFORE_SEARCH: usize = 10;
/// Batches a background drain indexes per turn.
const BATCHES_IN_BACKGROUND: usize = 20;

impl SearchService {
    /// The engine of the database: on SQLite the index is built in memory now; on PostgreSQL
    /// it is already there.
    pub async fn build(db: &Db, offset_ms: i64) -> Result<SearchService> {
        let engine = match db.backend() {
            Backend::Sqlite => Engine::Memory(Box::new(MemoryIndex::build(db, offset_ms).await?)),
            Backend::Postgres => Engine::Database,
        };
        Ok(SearchService { engine, offset_ms })
    }

    /// An index in this process's memory, whatever the database.
    pub async fn in_memory(db: &Db, offset_ms: i64) -> Result<SearchService> {
        Ok(SearchService {
            engine: Engine::Memory(Box::new(MemoryIndex::build(db, offset_ms).await?)),
            offset_ms,
        })
    }

    /// How many records can be found.
    pub async fn documents(&self, db: &Db) -> Result<usize> {
        match &self.engine {
            Engine::Memory(m) => Ok(m.len()),
            Engine::Database => database::count(db).await,
        }
    }

    /// Brings the index up to date with every committed change; returns how many records it
    /// re-read.
    pub async fn catch_up(&self, db: &Db) -> Result<usize> {
        match &self.engine {
            Engine::Memory(m) => m.catch_up(db).await,
            Engine::Database => {
                database::drain(
                    db,
                    self.offset_ms,
                    Drain::BeforeSearch(BATCHES_BEFORE_SEARCH),
                )
                .await
            }
        }
    }

    /// Indexes everything queued, however much (after `ingot reindex` or a bulk load); the
    /// in-memory index was built whole and has nothing queued.
    pub async fn index_all_queued(&self, db: &Db) -> Result<usize> {
        match &self.engine {
            Engine::Memory(_) => Ok(0),
            Engine::Database => {
                // Everything queued is usually everything (a re-index, a bulk load): written
                // through GIN's pending list, merged once at the end.
                ingot_store::search_index::bulk_writing(db, true).await?;
                let drained =
                    database::drain(db, self.offset_ms, Drain::BeforeSearch(usize::MAX)).await;
                ingot_store::search_index::bulk_writing(db, false).await?;
                drained
            }
        }
    }

    /// Indexes what changed, in the background: nothing to wait for.
    async fn follow(&self, db: &Db) -> Result<usize> {
        match &self.engine {
            Engine::Memory(m) => m.catch_up(db).await,
            Engine::Database => {
                database::drain(db, self.offset_ms, Drain::Background(BATCHES_IN_BACKGROUND)).await
            }
        }
    }

    /// Searches what the caller may see.
    pub async fn search(
        &self,
        db: &Db,
        caller: &Caller<'_>,
        text: &str,
        narrow: &Narrow,
        offset: usize,
        limit: usize,
    ) -> Result<Results> {
        let query = query::parse(text).map_err(|e| match e {
            QueryError::Empty => AppError::field("q", "query_empty"),
            QueryError::TooLong => AppError::Validation(vec![
                ingot_domain::FieldError::new("q", "query_too_long")
                    .with("max", query::MAX_QUERY_CHARS),
            ]),
        })?;
        let readable = caller.scope(Action::ViewUnpublished);
        let people_scope = caller.scope(Action::ViewUser);
        let records_scope = caller.scope(Action::ViewInnovationRecords);
        // Materialised paths: a subtree is a prefix. Drafts are private to their owners.
        let covers = |kind: Kind, org_path: &str| -> bool {
            let scope = match kind {
                Kind::Person => &people_scope,
                Kind::Achievement | Kind::Patent => &records_scope,
                _ => &readable,
            };
            scope
                .as_ref()
                .is_none_or(|s| s.roots().iter().any(|r| org_path.starts_with(r.as_str())))
        };
        // An expert does not find the records behind the blind declarations they review.
        let hidden = match caller.actor() {
            Some(a)
                if a.grants
                    .iter()
                    .any(|g| g.role == ingot_domain::Role::Expert) =>
            {
                let mut tx = db.read().await?;
                ingot_store::innovation::blind_records(&mut tx, a.user_id)
                    .await?
                    .into_iter()
                    .filter_map(|(kind, id)| Some((Kind::parse(&kind)?, id)))
                    .collect()
            }
            _ => Vec::new(),
        };
        let viewer = Viewer {
            user: caller.user_id().map(|u| u.0),
            covers: &covers,
            hidden: &hidden,
        };
        match &self.engine {
            Engine::Memory(m) => m.search(&query, narrow, &viewer, offset, limit),
            Engine::Database => {
                // The scopes' tops narrow the database's scan, unless one is the top of a tree
                // (which holds nearly everything); the viewer decides exactly.
                let scopes = [&readable, &people_scope, &records_scope];
                let whole_tree = scopes.iter().any(|s| {
                    s.as_ref()
                        .is_none_or(|s| s.roots().iter().any(|r| r.ids().len() == 1))
                });
                let roots: Option<Vec<i64>> = (!whole_tree).then(|| {
                    scopes
                        .iter()
                        .flat_map(|s| s.as_ref().map(|s| s.root_ids()).unwrap_or_default())
                        .map(|id| id.0)
                        .collect()
                });
                database::search(db, &query, narrow, &viewer, roots.as_deref(), offset, limit).await
            }
        }
    }
}

/// Asks every index to take in every record again: servers with an index in memory rebuild it,
/// and on PostgreSQL every record is queued for re-indexing.
pub async fn queue_everything(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    ingot_store::changes::record(
        &mut tx,
        ingot_store::changes::REBUILD_MARKER,
        0,
        "upsert",
        ingot_domain::Timestamp::now(),
    )
    .await?;
    tx.commit().await
}

/// Follows the changes in the background.
pub fn spawn_follower(service: std::sync::Arc<SearchService>, db: Db) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(500));
        loop {
            every.tick().await;
            if let Err(e) = service.follow(&db).await {
                tracing::warn!("search index catch-up: {e:?}");
            }
        }
    });
}
