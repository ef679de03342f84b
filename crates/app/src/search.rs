//! The search service of one server process: an in-memory index built from the database at
//! start and kept current from the change log.
//!
//! Why one index per process, not a shared index service: the change log is written in the
//! same transaction as every change, so it is a durable queue that survives a crash; each
//! process replays it (every half second, and before answering a search, so people find what
//! they just wrote), which keeps several `ingot serve` processes on one PostgreSQL consistent
//! without another server to run. The cost is memory per process and a rebuild at start.

use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::proposal::Status;
use ingot_domain::time::Date;
use ingot_domain::{AppError, Timestamp};
use ingot_search::index::{Doc, Index, Kind, Narrow, Results, Viewer};
use ingot_search::query::{self, QueryError};
use ingot_store::search_docs::{self, PersonDoc, ProposalDoc, RecordDoc, StudioDoc};
use ingot_store::{Db, Tx};
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub struct SearchService {
    index: RwLock<Index>,
    last_change: AtomicI64,
    offset_ms: i64,
}

/// How far back each catch-up re-reads the change log by time.
const REREAD_WINDOW: Duration = Duration::from_secs(5);
const CATCH_UP_BATCH: i64 = 2000;

fn year_of(period: Option<i64>, created_at: i64, offset_ms: i64) -> i32 {
    match period {
        Some(p) => (p / 100) as i32,
        None => Date::of(Timestamp(created_at), offset_ms).year,
    }
}

fn proposal_doc(p: ProposalDoc, offset_ms: i64) -> Doc {
    let title = match &p.number {
        Some(n) => format!("{} {n}", p.title),
        None => p.title.clone(),
    };
    Doc {
        kind: Kind::Proposal,
        id: p.id,
        year: year_of(p.period, p.created_at, offset_ms),
        title,
        body: p.body,
        org_id: p.unit_id,
        org_path: p.unit_path,
        org_name: p.unit_name,
        private: p.status == Status::Draft.as_str(),
        status: p.status,
        owners: p.owners,
        published: false,
    }
}

fn studio_doc(s: StudioDoc) -> Doc {
    Doc {
        kind: Kind::Studio,
        id: s.id,
        title: s.name,
        body: s.body,
        org_id: s.unit_id,
        org_path: s.unit_path,
        org_name: s.unit_name,
        year: s.founded_on.year,
        status: s.status,
        owners: Vec::new(),
        // A studio's page is public.
        published: true,
        private: false,
    }
}

fn record_doc(kind: Kind, r: RecordDoc) -> Doc {
    Doc {
        kind,
        id: r.id,
        title: r.title,
        body: r.body,
        org_id: r.unit_id,
        org_path: r.unit_path,
        org_name: r.unit_name,
        year: r.year as i32,
        status: r.status,
        owners: Vec::new(),
        published: false,
        private: false,
    }
}

/// Records of the kinds the index holds besides proposals and people, read from the database.
struct Records {
    studios: Vec<StudioDoc>,
    achievements: Vec<RecordDoc>,
    patents: Vec<RecordDoc>,
}

impl Records {
    async fn read(tx: &mut Tx, ids: Option<(&[i64], &[i64], &[i64])>) -> Result<Records> {
        Ok(Records {
            studios: search_docs::studios(tx, ids.map(|i| i.0)).await?,
            achievements: search_docs::achievements(tx, ids.map(|i| i.1)).await?,
            patents: search_docs::patents(tx, ids.map(|i| i.2)).await?,
        })
    }

    fn len(&self) -> usize {
        self.studios.len() + self.achievements.len() + self.patents.len()
    }

    fn into_index(self, index: &mut Index) {
        for s in self.studios {
            index.upsert(studio_doc(s));
        }
        for a in self.achievements {
            index.upsert(record_doc(Kind::Achievement, a));
        }
        for p in self.patents {
            index.upsert(record_doc(Kind::Patent, p));
        }
    }
}

fn person_doc(u: PersonDoc, offset_ms: i64) -> Doc {
    Doc {
        kind: Kind::Person,
        id: u.id,
        title: u.display_name,
        body: format!("{} {}", u.username, u.org_name),
        org_id: u.org_id,
        org_path: u.org_path,
        org_name: u.org_name,
        year: Date::of(Timestamp(u.created_at), offset_ms).year,
        status: if u.active { "active" } else { "inactive" }.to_string(),
        owners: vec![u.id],
        published: false,
        private: false,
    }
}

impl SearchService {
    /// Builds the index from the database.
    pub async fn build(db: &Db, offset_ms: i64) -> Result<SearchService> {
        let mut tx = db.read().await?;
        let last = search_docs::last_change(&mut tx).await?;
        let proposals = search_docs::proposals(&mut tx, None).await?;
        let people = search_docs::people(&mut tx, None).await?;
        let records = Records::read(&mut tx, None).await?;
        drop(tx);
        let index = tokio::task::spawn_blocking(move || {
            ingot_search::analyze::warm_up();
            let mut index = Index::new();
            for p in proposals {
                index.upsert(proposal_doc(p, offset_ms));
            }
            for u in people {
                index.upsert(person_doc(u, offset_ms));
            }
            records.into_index(&mut index);
            index
        })
        .await
        .map_err(|e| AppError::internal(format!("index build: {e}")))?;
        Ok(SearchService {
            index: RwLock::new(index),
            last_change: AtomicI64::new(last),
            offset_ms,
        })
    }

    pub fn len(&self) -> usize {
        self.index.read().map(|i| i.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let mut proposal_ids: Vec<i64> = Vec::new();
        let mut user_ids: Vec<i64> = Vec::new();
        let mut studio_ids: Vec<i64> = Vec::new();
        let mut achievement_ids: Vec<i64> = Vec::new();
        let mut patent_ids: Vec<i64> = Vec::new();
        for (_, kind, id) in &changes {
            match kind.as_str() {
                "proposal" => proposal_ids.push(*id),
                "user" => user_ids.push(*id),
                "studio" => studio_ids.push(*id),
                "achievement" => achievement_ids.push(*id),
                "patent" => patent_ids.push(*id),
                _ => {}
            }
        }
        for ids in [&mut studio_ids, &mut achievement_ids, &mut patent_ids] {
            ids.sort_unstable();
            ids.dedup();
        }
        proposal_ids.sort_unstable();
        proposal_ids.dedup();
        user_ids.sort_unstable();
        user_ids.dedup();
        let n = self
            .reload(
                &mut tx,
                &proposal_ids,
                &user_ids,
                (&studio_ids, &achievement_ids, &patent_ids),
            )
            .await?;
        drop(tx);
        self.last_change.fetch_max(max, Ordering::AcqRel);
        Ok(n)
    }

    /// Replaces the whole index with one built from the database (after `ingot reindex`).
    async fn rebuild(&self, db: &Db, up_to: i64) -> Result<usize> {
        let fresh = SearchService::build(db, self.offset_ms).await?;
        let index = fresh
            .index
            .into_inner()
            .map_err(|_| AppError::internal("search index lock poisoned"))?;
        let n = index.len();
        *self
            .index
            .write()
            .map_err(|_| AppError::internal("search index lock poisoned"))? = index;
        let built_at = fresh.last_change.load(Ordering::Acquire);
        self.last_change
            .fetch_max(up_to.max(built_at), Ordering::AcqRel);
        Ok(n)
    }

    async fn reload(
        &self,
        tx: &mut Tx,
        proposal_ids: &[i64],
        user_ids: &[i64],
        record_ids: (&[i64], &[i64], &[i64]),
    ) -> Result<usize> {
        let proposals = search_docs::proposals(tx, Some(proposal_ids)).await?;
        let people = search_docs::people(tx, Some(user_ids)).await?;
        let records = Records::read(tx, Some(record_ids)).await?;
        let n = proposals.len() + people.len() + records.len();
        let mut index = self
            .index
            .write()
            .map_err(|_| AppError::internal("search index lock poisoned"))?;
        for id in proposal_ids {
            if !proposals.iter().any(|p| p.id == *id) {
                index.remove(Kind::Proposal, *id);
            }
        }
        for p in proposals {
            index.upsert(proposal_doc(p, self.offset_ms));
        }
        for u in people {
            index.upsert(person_doc(u, self.offset_ms));
        }
        records.into_index(&mut index);
        Ok(n)
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
        let index = self
            .index
            .read()
            .map_err(|_| AppError::internal("search index lock poisoned"))?;
        Ok(index.search(&query, narrow, &viewer, offset, limit))
    }
}

/// Follows the change log in the background.
pub fn spawn_follower(service: std::sync::Arc<SearchService>, db: Db) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(500));
        loop {
            every.tick().await;
            if let Err(e) = service.catch_up(&db).await {
                tracing::warn!("search index catch-up: {e:?}");
            }
        }
    });
}
