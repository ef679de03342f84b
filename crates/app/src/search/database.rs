//! The PostgreSQL engine: documents and their lexemes held by the database under a GIN index
//! (`store::search_index`), so that a server's memory and start-up time do not grow with the
//! corpus, and every server answers from the same index.
//!
//! Every change queues its record in its own transaction (a trigger on the change log); one
//! server at a time, holding an advisory lock, drains the queue: it reads the records, analyses
//! them with the same jieba analyser as the in-memory index, and writes their documents, then
//! deletes the queue rows, all in one transaction. A crash leaves the queue to the next drain.
//! A search first drains what is queued, so people find what they just wrote.

use super::docs::{self, Wanted};
use crate::Result;
use ingot_domain::AppError;
use ingot_domain::org::OrgPath;
use ingot_search::database::{self as plan, Candidate, EXAMINED_LIMIT, Plan};
use ingot_search::index::{Doc, Kind, Narrow, Results, Viewer};
use ingot_search::query::Query;
use ingot_store::search_index::{self, Document, Wanted as Asked};
use ingot_store::{Db, Tx};
use std::collections::HashMap;

/// Queued records indexed per transaction.
const BATCH: i64 = 1000;

/// How eager a drain is.
#[derive(Debug, Clone, Copy)]
pub enum Drain {
    /// Before a search: wait for a drain under way, then index up to this many batches.
    BeforeSearch(usize),
    /// In the background: only if no other server is draining, up to this many batches.
    Background(usize),
}

/// Indexes queued records; returns how many records it re-read.
pub async fn drain(db: &Db, offset_ms: i64, how: Drain) -> Result<usize> {
    let (wait, batches) = match how {
        Drain::BeforeSearch(n) => (true, n),
        Drain::Background(n) => (false, n),
    };
    let mut indexed = 0;
    for _ in 0..batches {
        // Most calls (every search, every second's poll) find the queue empty: look on a read
        // handle first, one round trip, before opening a transaction to take the lock in.
        let mut look = db.read().await?;
        let queued_any = search_index::any_pending(&mut look).await?;
        look.commit().await?;
        if !queued_any {
            break;
        }
        let mut tx = db.begin().await?;
        if !search_index::lock_drain(&mut tx, wait).await? {
            break;
        }
        let queued = search_index::pending(&mut tx, BATCH).await?;
        if queued.is_empty() {
            tx.commit().await?;
            break;
        }
        let queue_ids: Vec<i64> = queued.iter().map(|q| q.0).collect();
        if queued.iter().any(|q| q.1 == crate::reindex::REBUILD_MARKER) {
            // Everything again, through the queue: the servers keep answering meanwhile.
            search_index::enqueue_everything(&mut tx).await?;
        }
        let wanted = Wanted::of_changes(queued.iter().map(|(_, kind, id)| (kind.as_str(), *id)));
        indexed += index(&mut tx, &wanted, offset_ms).await?;
        search_index::done(&mut tx, &queue_ids).await?;
        tx.commit().await?;
    }
    Ok(indexed)
}

/// Writes the documents of the wanted records and removes those of records that are gone.
async fn index(tx: &mut Tx, wanted: &Wanted, offset_ms: i64) -> Result<usize> {
    if wanted.is_empty() {
        return Ok(0);
    }
    let docs = docs::read(tx, Some(wanted), offset_ms).await?;
    // Records gone since they were queued: one statement per kind, not per record.
    let mut gone: HashMap<Kind, Vec<i64>> = HashMap::new();
    for (kind, id) in wanted.missing_from(&docs) {
        gone.entry(kind).or_default().push(id);
    }
    for (kind, ids) in gone {
        search_index::remove(tx, kind.as_str(), &ids).await?;
    }
    let n = docs.len();
    let seqs = search_index::next_seqs(tx, n).await?;
    // Segmenting is CPU work: off the threads that answer requests.
    let (documents, english) = tokio::task::spawn_blocking(move || analyse_all(docs, seqs))
        .await
        .map_err(|e| AppError::internal(format!("search analysis: {e}")))?;
    search_index::upsert(tx, &documents).await?;
    search_index::add_words(tx, &english).await?;
    Ok(n)
}

fn analyse_all(docs: Vec<Doc>, seqs: Vec<i64>) -> (Vec<Document>, Vec<String>) {
    ingot_search::analyze::warm_up();
    let mut english = Vec::new();
    let documents = docs
        .into_iter()
        .zip(seqs)
        .map(|(doc, seq)| {
            let ancestors: Vec<i64> = OrgPath::from_stored(doc.org_path.clone())
                .ids()
                .into_iter()
                .map(|id| id.0)
                .collect();
            let a = plan::analyse(&doc, &ancestors, seq);
            english.extend(a.english);
            Document {
                kind: doc.kind.as_str(),
                id: doc.id,
                seq,
                org_id: doc.org_id,
                org_path: doc.org_path,
                org_name: doc.org_name,
                year: doc.year,
                status: doc.status,
                owners: doc.owners,
                published: doc.published,
                private: doc.private,
                title: doc.title,
                body: doc.body,
                title_words: a.title_words,
                length: a.length,
                lexemes: a.lexemes,
            }
        })
        .collect();
    (documents, english)
}

/// Near spellings of the query's English words that no document holds.
async fn spelling(tx: &mut Tx, query: &Query) -> Result<HashMap<String, Vec<String>>> {
    let words = plan::spellable_terms(query);
    let known = search_index::known_words(tx, &words).await?;
    let mut near = HashMap::new();
    for word in words.into_iter().filter(|w| !known.contains(w)) {
        let n = word.chars().count() as i32;
        let max = ingot_search::index::tolerance(&word) as i32;
        let dictionary = search_index::words_of_length(tx, n - max, n + max).await?;
        let found = ingot_search::index::nearest(
            &word,
            dictionary
                .iter()
                .map(|(w, uses)| (w.as_str(), *uses as usize)),
        );
        near.insert(word, found);
    }
    Ok(near)
}

/// Answers a query for a viewer whose scopes lie under `roots` (`None`: not limited).
pub async fn search(
    db: &Db,
    query: &Query,
    narrow: &Narrow,
    viewer: &Viewer<'_>,
    roots: Option<&[i64]>,
    offset: usize,
    limit: usize,
) -> Result<Results> {
    let mut tx = db.read().await?;
    let near = spelling(&mut tx, query).await?;
    let Some(Plan {
        tsquery,
        phrases,
        highlight,
        corrected,
    }) = plan::plan(query, &near)
    else {
        return Ok(Results::default());
    };
    let visible = plan::visible_to(roots, viewer.user);
    let filters = &query.filters;
    // The newest matches first, a stretch of indexing order at a time, so that a common word
    // reads about EXAMINED_LIMIT rows, not every match. A reader whose scope narrows the scan
    // has few matches: one round, since each round reads the words' index entries again.
    let (oldest, newest) = search_index::seq_range(&mut tx).await?;
    let rounds = match visible {
        Some(_) => vec![None],
        None => plan::rounds(oldest, newest),
    };
    let mut rows = Vec::new();
    let mut below: Option<i64> = None;
    for round in rounds {
        let stretches = round.as_ref().map(plan::in_stretches);
        let tsquery = plan::all_of(&[Some(&tsquery), visible.as_deref(), stretches.as_deref()]);
        let found = search_index::matches(
            &mut tx,
            &Asked {
                tsquery: &tsquery,
                year: filters.year,
                status: filters.status.as_deref(),
                kind: filters.kind.map(Kind::as_str),
                unit: filters.unit.as_deref(),
                phrases: &phrases,
                highlight: &highlight,
                seq_below: if round.is_none() { below } else { None },
                limit: (EXAMINED_LIMIT - rows.len()) as i64,
            },
        )
        .await?;
        rows.extend(found);
        if rows.len() >= EXAMINED_LIMIT {
            break;
        }
        below = round.map(|r| r.start * plan::STRETCH);
    }
    // Past the limit, how much of the indexing order (newest first) the candidates span; the
    // gaps changed records leave are taken to be spread evenly.
    let examined = match rows.last() {
        Some(last) if rows.len() >= EXAMINED_LIMIT && newest > oldest => {
            ((newest - last.seq + 1) as f64 / (newest - oldest + 1) as f64).min(1.0)
        }
        _ => 1.0,
    };
    let candidates = rows
        .into_iter()
        .filter_map(|m| {
            Some(Candidate {
                kind: Kind::parse(&m.kind)?,
                id: m.id,
                org_id: m.org_id,
                org_path: m.org_path,
                org_name: m.org_name,
                year: m.year,
                status: m.status,
                owners: m.owners,
                published: m.published,
                private: m.private,
                length: m.length,
                in_title: m.in_title,
            })
        })
        .collect();
    let ranked = !tsquery.is_empty();
    let mut results = plan::assemble(candidates, examined, ranked, narrow, viewer, offset, limit);
    results.corrected = corrected;
    let keys: Vec<(&str, i64)> = results
        .hits
        .iter()
        .map(|h| (h.kind.as_str(), h.id))
        .collect();
    let texts = search_index::texts(&mut tx, &keys).await?;
    for hit in &mut results.hits {
        if let Some((_, _, title, body)) = texts
            .iter()
            .find(|t| t.0 == hit.kind.as_str() && t.1 == hit.id)
        {
            plan::fill(hit, title.clone(), body, &highlight);
        }
    }
    Ok(results)
}

/// How many documents the database holds.
pub async fn count(db: &Db) -> Result<usize> {
    let mut tx = db.read().await?;
    Ok(search_index::count(&mut tx).await? as usize)
}
