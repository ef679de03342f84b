//! The full-text index held by PostgreSQL (migration 0021): stored documents with their lexemes
//! under a GIN index, the spelling dictionary, and the queue of records to re-index.
//!
//! PostgreSQL only, so these statements use its arrays directly; on SQLite each server keeps
//! its index in memory and never calls them.

use crate::query_count::tick;
use crate::{Result, Tx};
use ingot_domain::AppError;
use sqlx::{AssertSqlSafe, PgConnection};

/// Any constant will do; it only has to be the same in every Ingot process.
const DRAIN_LOCK: i64 = 0x1_6607_0021;

/// Separates the words of a list sent as one text (no analysed word holds it).
const SEPARATOR: char = '\u{1f}';

fn pg(tx: &mut Tx) -> Result<&mut PgConnection> {
    match tx {
        Tx::Postgres(tx) => Ok(&mut **tx),
        Tx::PostgresRead(conn) => Ok(&mut **conn),
        Tx::Sqlite(_) => Err(AppError::internal(
            "the database-held search index is PostgreSQL's",
        )),
    }
}

fn failed(e: sqlx::Error) -> AppError {
    crate::db::map_error(e)
}

/// Takes the lock that one server at a time holds while re-indexing, until the transaction
/// ends. Without `wait`, answers whether it was free.
pub async fn lock_drain(tx: &mut Tx, wait: bool) -> Result<bool> {
    tick();
    let conn = pg(tx)?;
    if wait {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(DRAIN_LOCK)
            .execute(conn)
            .await
            .map_err(failed)?;
        Ok(true)
    } else {
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(DRAIN_LOCK)
            .fetch_one(conn)
            .await
            .map_err(failed)
    }
}

pub async fn any_pending(tx: &mut Tx) -> Result<bool> {
    tick();
    // By the key's index: a queue that is mostly emptied leaves dead rows a scan would read.
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM search_pending ORDER BY id LIMIT 1)")
        .fetch_one(pg(tx)?)
        .await
        .map_err(failed)
}

/// The oldest queued records: (queue id, object type, object id).
pub async fn pending(tx: &mut Tx, limit: i64) -> Result<Vec<(i64, String, i64)>> {
    tick();
    sqlx::query_as("SELECT id, object_type, object_id FROM search_pending ORDER BY id LIMIT $1")
        .bind(limit)
        .fetch_all(pg(tx)?)
        .await
        .map_err(failed)
}

/// Removes queue rows once their records are indexed.
pub async fn done(tx: &mut Tx, queue_ids: &[i64]) -> Result<()> {
    tick();
    sqlx::query("DELETE FROM search_pending WHERE id = ANY($1)")
        .bind(queue_ids)
        .execute(pg(tx)?)
        .await
        .map_err(failed)?;
    Ok(())
}

/// Queues every searchable record, and every stored document (so that those whose record is
/// gone are removed): each once, in the order an index is built (proposals, people, studios,
/// achievements, patents, each by id), so that equals rank alike on both engines.
pub async fn enqueue_everything(tx: &mut Tx) -> Result<u64> {
    tick();
    sqlx::query(
        "INSERT INTO search_pending (object_type, object_id)
         SELECT object_type, object_id FROM (
             SELECT 'proposal' AS object_type, id AS object_id FROM proposals
             UNION SELECT 'user', id FROM users
             UNION SELECT 'studio', id FROM studios
             UNION SELECT 'achievement', id FROM achievements
             UNION SELECT 'patent', id FROM patents
             UNION SELECT CASE kind WHEN 'person' THEN 'user' ELSE kind END, id
                 FROM search_documents) AS everything
         ORDER BY CASE object_type WHEN 'proposal' THEN 1 WHEN 'user' THEN 2 WHEN 'studio' THEN 3
                  WHEN 'achievement' THEN 4 ELSE 5 END, object_id",
    )
    .execute(pg(tx)?)
    .await
    .map(|r| r.rows_affected())
    .map_err(failed)
}

/// A document as stored.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: &'static str,
    pub id: i64,
    /// Its place in indexing order, from `next_seqs`.
    pub seq: i64,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub year: i32,
    pub status: String,
    pub owners: Vec<i64>,
    pub published: bool,
    pub private: bool,
    pub title: String,
    pub body: String,
    pub title_words: Vec<String>,
    pub length: i32,
    pub lexemes: Vec<String>,
}

fn joined(words: &[String]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.push_str(w);
    }
    out
}

/// `n` new places in indexing order, increasing.
pub async fn next_seqs(tx: &mut Tx, n: usize) -> Result<Vec<i64>> {
    tick();
    sqlx::query_scalar(
        "SELECT nextval('search_documents_seq') FROM generate_series(1, $1) ORDER BY 1",
    )
    .bind(n as i64)
    .fetch_all(pg(tx)?)
    .await
    .map_err(failed)
}

/// PostgreSQL refuses a lexeme longer than this many bytes.
const MAX_LEXEME_BYTES: usize = 2046;

/// Adds or replaces documents, newest last. Each (kind, id) at most once.
pub async fn upsert(tx: &mut Tx, docs: &[Document]) -> Result<()> {
    if docs.is_empty() {
        return Ok(());
    }
    let column = |f: &dyn Fn(&Document) -> String| docs.iter().map(f).collect::<Vec<String>>();
    let kinds = column(&|d| d.kind.to_string());
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let seqs: Vec<i64> = docs.iter().map(|d| d.seq).collect();
    let org_ids: Vec<i64> = docs.iter().map(|d| d.org_id).collect();
    let org_paths = column(&|d| d.org_path.clone());
    let org_names = column(&|d| d.org_name.clone());
    let years: Vec<i32> = docs.iter().map(|d| d.year).collect();
    let statuses = column(&|d| d.status.clone());
    let owners = column(&|d| {
        d.owners
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    });
    let published: Vec<bool> = docs.iter().map(|d| d.published).collect();
    let private: Vec<bool> = docs.iter().map(|d| d.private).collect();
    let titles = column(&|d| d.title.clone());
    let bodies = column(&|d| d.body.clone());
    let title_words = column(&|d| joined(&d.title_words));
    let lengths: Vec<i32> = docs.iter().map(|d| d.length).collect();
    let lexemes = column(&|d| {
        let fit: Vec<String> = d
            .lexemes
            .iter()
            .filter(|l| l.len() <= MAX_LEXEME_BYTES)
            .cloned()
            .collect();
        joined(&fit)
    });
    tick();
    sqlx::query(
        "INSERT INTO search_documents (kind, id, seq, org_id, org_path, org_name, year, status,
             owners, published, private, title, body, title_words, length, lexemes)
         SELECT d.kind, d.id, d.seq, d.org_id, d.org_path, d.org_name,
             d.year, d.status, CAST(string_to_array(d.owners, ',') AS BIGINT[]), d.published,
             d.private, d.title, d.body, string_to_array(d.title_words, chr(31)), d.length,
             array_to_tsvector(string_to_array(d.lexemes, chr(31)))
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::int[],
             $7::text[], $8::text[], $9::bool[], $10::bool[], $11::text[], $12::text[],
             $13::text[], $14::int[], $15::text[], $16::bigint[])
             AS d(kind, id, org_id, org_path, org_name, year, status, owners, published, private,
                  title, body, title_words, length, lexemes, seq)
         ON CONFLICT (kind, id) DO UPDATE SET seq = EXCLUDED.seq, org_id = EXCLUDED.org_id,
             org_path = EXCLUDED.org_path, org_name = EXCLUDED.org_name, year = EXCLUDED.year,
             status = EXCLUDED.status, owners = EXCLUDED.owners, published = EXCLUDED.published,
             private = EXCLUDED.private, title = EXCLUDED.title, body = EXCLUDED.body,
             title_words = EXCLUDED.title_words, length = EXCLUDED.length,
             lexemes = EXCLUDED.lexemes",
    )
    .bind(kinds)
    .bind(ids)
    .bind(org_ids)
    .bind(org_paths)
    .bind(org_names)
    .bind(years)
    .bind(statuses)
    .bind(owners)
    .bind(published)
    .bind(private)
    .bind(titles)
    .bind(bodies)
    .bind(title_words)
    .bind(lengths)
    .bind(lexemes)
    .bind(seqs)
    .execute(pg(tx)?)
    .await
    .map_err(failed)?;
    Ok(())
}

/// Removes the documents of records that are gone.
pub async fn remove(tx: &mut Tx, kind: &str, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    tick();
    sqlx::query("DELETE FROM search_documents WHERE kind = $1 AND id = ANY($2)")
        .bind(kind)
        .bind(ids)
        .execute(pg(tx)?)
        .await
        .map_err(failed)?;
    Ok(())
}

/// Counts English words into the spelling dictionary, once per document that holds them.
pub async fn add_words(tx: &mut Tx, words: &[String]) -> Result<()> {
    if words.is_empty() {
        return Ok(());
    }
    tick();
    sqlx::query(
        "INSERT INTO search_words (word, uses)
         SELECT w, COUNT(*) FROM unnest($1::text[]) AS w GROUP BY w
         ON CONFLICT (word) DO UPDATE SET uses = search_words.uses + EXCLUDED.uses",
    )
    .bind(words)
    .execute(pg(tx)?)
    .await
    .map_err(failed)?;
    Ok(())
}

/// Which of `words` the spelling dictionary holds.
pub async fn known_words(tx: &mut Tx, words: &[String]) -> Result<Vec<String>> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    tick();
    sqlx::query_scalar("SELECT word FROM search_words WHERE word = ANY($1)")
        .bind(words)
        .fetch_all(pg(tx)?)
        .await
        .map_err(failed)
}

/// Dictionary words from `min` to `max` letters long, with how often each is used.
pub async fn words_of_length(tx: &mut Tx, min: i32, max: i32) -> Result<Vec<(String, i64)>> {
    tick();
    sqlx::query_as("SELECT word, uses FROM search_words WHERE length(word) BETWEEN $1 AND $2")
        .bind(min)
        .bind(max)
        .fetch_all(pg(tx)?)
        .await
        .map_err(failed)
}

/// What a query asks of the stored documents.
pub struct Wanted<'a> {
    /// The `tsquery` to match, or empty for none.
    pub tsquery: &'a str,
    pub year: Option<i32>,
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
    /// Part of the organisation's name.
    pub unit: Option<&'a str>,
    /// Texts that must occur as written in the title or body.
    pub phrases: &'a [String],
    /// Words counted in the title, for ranking.
    pub highlight: &'a [String],
    /// Only documents indexed before this place in indexing order.
    pub seq_below: Option<i64>,
    pub limit: i64,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Match {
    pub kind: String,
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub year: i32,
    pub status: String,
    pub owners: Vec<i64>,
    pub published: bool,
    pub private: bool,
    pub length: i32,
    pub in_title: i32,
    pub seq: i64,
}

/// The newest matching documents, at most `limit`.
pub async fn matches(tx: &mut Tx, wanted: &Wanted<'_>) -> Result<Vec<Match>> {
    let mut sql = String::from(
        "SELECT kind, id, org_id, org_path, org_name, year, status, owners, published, private,
             length, seq, CAST((SELECT COUNT(*) FROM unnest(title_words) AS w WHERE w = ANY($1))
             AS INTEGER) AS in_title
         FROM search_documents WHERE TRUE",
    );
    let mut n = 1;
    let mut next = |sql: &mut String, fragment: &str| {
        n += 1;
        sql.push_str(&fragment.replace("$?", &format!("${n}")));
    };
    if !wanted.tsquery.is_empty() {
        next(&mut sql, " AND lexemes @@ CAST($? AS tsquery)");
    }
    if wanted.year.is_some() {
        next(&mut sql, " AND year = $?");
    }
    if wanted.status.is_some() {
        next(&mut sql, " AND status = $?");
    }
    if wanted.kind.is_some() {
        next(&mut sql, " AND kind = $?");
    }
    if wanted.unit.is_some() {
        next(&mut sql, " AND strpos(org_name, $?) > 0");
    }
    for _ in wanted.phrases {
        next(&mut sql, " AND strpos(title || chr(31) || body, $?) > 0");
    }
    if wanted.seq_below.is_some() {
        next(&mut sql, " AND seq < $?");
    }
    next(&mut sql, " ORDER BY seq DESC LIMIT $?");
    let mut q = sqlx::query_as::<_, Match>(AssertSqlSafe(sql)).bind(wanted.highlight);
    if !wanted.tsquery.is_empty() {
        q = q.bind(wanted.tsquery);
    }
    if let Some(year) = wanted.year {
        q = q.bind(year);
    }
    for text in [wanted.status, wanted.kind, wanted.unit]
        .into_iter()
        .flatten()
    {
        q = q.bind(text);
    }
    for phrase in wanted.phrases {
        q = q.bind(phrase);
    }
    if let Some(below) = wanted.seq_below {
        q = q.bind(below);
    }
    tick();
    q.bind(wanted.limit)
        .fetch_all(pg(tx)?)
        .await
        .map_err(failed)
}

/// Titles and bodies of the documents `(kind, id)`.
pub async fn texts(
    tx: &mut Tx,
    keys: &[(&str, i64)],
) -> Result<Vec<(String, i64, String, String)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: Vec<&str> = keys.iter().map(|k| k.0).collect();
    let ids: Vec<i64> = keys.iter().map(|k| k.1).collect();
    tick();
    sqlx::query_as(
        "SELECT d.kind, d.id, d.title, d.body FROM search_documents d
         JOIN unnest($1::text[], $2::bigint[]) AS k(kind, id) ON d.kind = k.kind AND d.id = k.id",
    )
    .bind(kinds)
    .bind(ids)
    .fetch_all(pg(tx)?)
    .await
    .map_err(failed)
}

/// The oldest and the newest place in indexing order (0 and 0 when empty). Places are not
/// dense: a changed record moves to the newest, leaving a gap where it was. After every
/// document is rewritten the old end of the order's index is dead entries until a vacuum
/// (`ingot reindex` runs `vacuum`; autovacuum otherwise): the first read steps over them and
/// marks them (22 ms at district size with autovacuum off), later ones skip them (0.5 ms).
pub async fn seq_range(tx: &mut Tx) -> Result<(i64, i64)> {
    tick();
    sqlx::query_as(
        "SELECT COALESCE((SELECT seq FROM search_documents ORDER BY seq LIMIT 1), 0),
                COALESCE((SELECT seq FROM search_documents ORDER BY seq DESC LIMIT 1), 0)",
    )
    .fetch_one(pg(tx)?)
    .await
    .map_err(failed)
}

/// Removes the dead rows a re-index leaves (every document is written again) and refreshes the
/// planner's statistics. Outside a transaction, as VACUUM must be; PostgreSQL only.
pub async fn vacuum(db: &crate::Db) -> Result<()> {
    if let crate::Db::Postgres { pool, .. } = db {
        sqlx::query("VACUUM (ANALYZE) search_documents")
            .execute(pool)
            .await
            .map_err(failed)?;
    }
    Ok(())
}

/// Switches the words index between bulk writing (`true`: GIN's pending list, merged into the
/// index in sorted runs, for re-indexing everything) and writing each change straight into it
/// (`false`, the normal state since migration 0022, which also merges what is pending). A
/// thousand documents take about 1.5 s straight into the index, a tenth of that through the
/// pending list.
pub async fn bulk_writing(db: &crate::Db, bulk: bool) -> Result<()> {
    let crate::Db::Postgres { pool, .. } = db else {
        return Ok(());
    };
    let statement = if bulk {
        "ALTER INDEX search_documents_lexemes_idx SET (fastupdate = on)"
    } else {
        "ALTER INDEX search_documents_lexemes_idx SET (fastupdate = off)"
    };
    sqlx::query(statement).execute(pool).await.map_err(failed)?;
    if !bulk {
        sqlx::query(
            "SELECT gin_clean_pending_list(CAST('search_documents_lexemes_idx' AS regclass))",
        )
        .execute(pool)
        .await
        .map_err(failed)?;
    }
    Ok(())
}

/// How many documents are held.
pub async fn count(tx: &mut Tx) -> Result<i64> {
    tick();
    sqlx::query_scalar("SELECT COUNT(*) FROM search_documents")
        .fetch_one(pg(tx)?)
        .await
        .map_err(failed)
}
