//! Crash safety of the real binary on both databases: `ingot serve` is killed with SIGKILL while
//! proposals are created, files uploaded, proposals submitted and reviewed and organisations
//! imported; restarted on the same database and file store, it still holds every write it
//! acknowledged, nothing half-written (every attachment's file is there with its hash; an
//! import is all there or not at all; every proposal has its audit row), and its search index
//! finds exactly the proposals in the database. `ingot files gc` then removes only files no row
//! names. A backup taken under load restores and passes the integrity checks.

use crate::support::{Backend, ServeProcess, TestDb};
use ingot_store::{Db, DbOptions, Sql};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Each round kills the server once this many writes have been acknowledged.
const KILL_AFTER: [usize; 5] = [5, 12, 20, 30, 45];
/// Proposal workers (create, upload, submit, review) running at once, beside one importer.
const WORKERS: usize = 4;
/// The word every probe proposal's title starts with, for the search check.
const PROBE: &str = "crashprobe";

const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the clients were told succeeded.
#[derive(Default)]
struct Acknowledged {
    /// Proposal id, its title.
    proposals: BTreeMap<i64, String>,
    submitted: BTreeSet<i64>,
    /// Forwarded past step 1.
    reviewed: BTreeSet<i64>,
    /// Attachment id, (proposal, sha256).
    attachments: BTreeMap<i64, (i64, String)>,
    /// The codes of each import (all saved together).
    imports: Vec<Vec<String>>,
    /// Requests cut off by the kill (answered by nothing).
    cut_off: usize,
}

impl Acknowledged {
    fn writes(&self) -> usize {
        self.proposals.len()
            + self.submitted.len()
            + self.reviewed.len()
            + self.attachments.len()
            + self.imports.len()
    }
}

/// An API caller that survives the server dying under it.
#[derive(Clone)]
struct Caller {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Caller {
    /// `None` when the request did not get an answer (the server was killed).
    async fn send(&self, r: reqwest::RequestBuilder) -> Option<(StatusCode, Value)> {
        let r = r.bearer_auth(&self.token).send().await.ok()?;
        let status = r.status();
        let text = r.text().await.ok()?;
        Some((
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }

    async fn post(&self, path: &str, body: Value) -> Option<(StatusCode, Value)> {
        self.send(
            self.http
                .post(format!("{}/api/v1{path}", self.base))
                .json(&body),
        )
        .await
    }

    async fn get(&self, path: &str) -> Option<(StatusCode, Value)> {
        self.send(self.http.get(format!("{}/api/v1{path}", self.base)))
            .await
    }
}

async fn token(db: &Db, username: &str) -> String {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let caller = ingot_app::Caller::system(&origin);
    let mut tx = db.begin().await.unwrap();
    let user = ingot_store::users::get_by_username(&mut tx, username)
        .await
        .unwrap()
        .expect("demo user");
    let (_, secret) = ingot_app::account::create_token(&mut tx, &caller, user.id, "crash")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    secret
}

struct Callers {
    proposer: Caller,
    reviewer: Caller,
    importer: Caller,
    kiln: i64,
    dalian: i64,
}

/// One proposal's life as far as the server lets it go: created, a file attached, submitted,
/// forwarded by the first reviewer. Stops at the first unanswered request.
async fn proposal_worker(c: Arc<Callers>, acks: Arc<Mutex<Acknowledged>>, tag: String) {
    for n in 0.. {
        let title = format!("{PROBE} {tag} {n} 食堂自助取餐窗口");
        let Some((s, d)) = c
            .proposer
            .post(
                "/proposals",
                json!({ "title": title, "problem": "午餐高峰排队时间长。",
                    "proposed_change": "增设两个自助取餐窗口。", "expected_effect": "排队时间减半。",
                    "category": "small_suggestion", "unit_id": c.kiln }),
            )
            .await
        else {
            acks.lock().unwrap().cut_off += 1;
            return;
        };
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let id = d["proposal"]["id"].as_i64().unwrap();
        acks.lock().unwrap().proposals.insert(id, title);

        let mut bytes = PNG_HEAD.to_vec();
        bytes.extend_from_slice(format!("{tag}-{n} photo").as_bytes());
        let sha = ingot_app::files::sha256_hex(&bytes);
        let part = reqwest::multipart::Part::bytes(bytes).file_name("photo.png");
        let form = reqwest::multipart::Form::new().part("file", part);
        let url = format!("{}/api/v1/proposals/{id}/attachments", c.proposer.base);
        let Some((s, a)) = c
            .proposer
            .send(c.proposer.http.post(url).multipart(form))
            .await
        else {
            acks.lock().unwrap().cut_off += 1;
            return;
        };
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let attachment = a["id"].as_i64().unwrap();
        acks.lock()
            .unwrap()
            .attachments
            .insert(attachment, (id, sha));

        let Some((s, d)) = c
            .proposer
            .post(
                &format!("/proposals/{id}/submit"),
                json!({ "version": d["version"], "seen_similar": true }),
            )
            .await
        else {
            acks.lock().unwrap().cut_off += 1;
            return;
        };
        assert_eq!(s, StatusCode::OK, "{d}");
        acks.lock().unwrap().submitted.insert(id);

        let Some((s, d)) = c
            .reviewer
            .post(
                &format!("/proposals/{id}/review"),
                json!({ "action": "forward", "comment": "", "version": d["version"] }),
            )
            .await
        else {
            acks.lock().unwrap().cut_off += 1;
            return;
        };
        assert_eq!(s, StatusCode::OK, "{d}");
        acks.lock().unwrap().reviewed.insert(id);
    }
}

/// Imports small trees (an enterprise with two departments) under Dalian, one after another.
async fn import_worker(c: Arc<Callers>, acks: Arc<Mutex<Acknowledged>>, tag: String) {
    for n in 0.. {
        let code = format!("CRASH-{tag}-{n}").to_uppercase();
        let codes = vec![code.clone(), format!("{code}-A"), format!("{code}-B")];
        let csv = format!(
            "编码,名称,英文名称,类型,上级编码\n{code},崩溃测试企业{tag}{n},,企业,\n{code}-A,一车间,,部门,{code}\n{code}-B,二车间,,部门,{code}\n"
        );
        let url = format!("{}/api/v1/orgs/import?under={}", c.importer.base, c.dalian);
        let request = c
            .importer
            .http
            .post(url)
            .header("content-type", "text/csv")
            .body(csv);
        let Some((s, r)) = c.importer.send(request).await else {
            acks.lock().unwrap().cut_off += 1;
            return;
        };
        assert_eq!(s, StatusCode::OK, "{r}");
        acks.lock().unwrap().imports.push(codes);
    }
}

async fn scalar(db: &Db, sql: Sql) -> i64 {
    let mut tx = db.read().await.unwrap();
    let (n,): (i64,) = tx.fetch_one(sql).await.unwrap();
    n
}

/// Counts that agree in a consistent database: every probe proposal has its people, its
/// creation in the audit log and its change-log row; every attachment its proposal.
async fn consistent(db: &Db) -> i64 {
    let probes = scalar(
        db,
        Sql::new("SELECT COUNT(*) FROM proposals WHERE title LIKE 'crashprobe%'"),
    )
    .await;
    for (what, sql) in [
        (
            "people",
            "SELECT COUNT(DISTINCT p.id) FROM proposals p JOIN proposal_people pp ON pp.proposal_id = p.id WHERE p.title LIKE 'crashprobe%'",
        ),
        (
            "audit",
            "SELECT COUNT(DISTINCT p.id) FROM proposals p JOIN audit_log a ON a.object_type = 'proposal' AND a.object_id = p.id AND a.action = 'proposal.create' WHERE p.title LIKE 'crashprobe%'",
        ),
        (
            "change log",
            "SELECT COUNT(DISTINCT p.id) FROM proposals p JOIN change_log c ON c.object_type = 'proposal' AND c.object_id = p.id WHERE p.title LIKE 'crashprobe%'",
        ),
    ] {
        assert_eq!(scalar(db, Sql::new(sql)).await, probes, "{what}");
    }
    let orphans = scalar(
        db,
        Sql::new(
            "SELECT COUNT(*) FROM attachments a WHERE NOT EXISTS (SELECT 1 FROM proposals p WHERE p.id = a.proposal_id)",
        ),
    )
    .await;
    assert_eq!(orphans, 0);
    probes
}

/// Checks the database and file store after a restart against what was acknowledged.
async fn check(
    url: &str,
    files: &Path,
    server: &ServeProcess,
    proposer: &Caller,
    acks: &Acknowledged,
) {
    let db = Db::connect(url, &DbOptions::default()).await.unwrap();
    let mut tx = db.read().await.unwrap();
    let proposals: Vec<(i64, String, String, Option<i64>)> = tx
        .fetch_all(Sql::new(
            "SELECT id, title, status, current_step FROM proposals WHERE title LIKE 'crashprobe%'",
        ))
        .await
        .unwrap();
    let proposals: BTreeMap<i64, (String, String, Option<i64>)> = proposals
        .into_iter()
        .map(|(id, t, s, step)| (id, (t, s, step)))
        .collect();
    for (id, title) in &acks.proposals {
        let (stored, status, step) = proposals
            .get(id)
            .expect("an acknowledged proposal is there");
        assert_eq!(stored, title);
        if acks.submitted.contains(id) {
            assert_eq!(status, "in_review", "{id}");
        }
        if acks.reviewed.contains(id) {
            assert_eq!(*step, Some(2), "{id}");
        }
    }
    // Every attachment row (acknowledged or not) has its file, whole.
    let attachments: Vec<(i64, i64, String, i64)> = tx
        .fetch_all(Sql::new(
            "SELECT id, proposal_id, sha256, size FROM attachments",
        ))
        .await
        .unwrap();
    let store = ingot_app::files::FileStore::new(files);
    for (id, _, sha, size) in &attachments {
        let bytes = store
            .get(sha)
            .await
            .unwrap_or_else(|e| panic!("attachment {id}: {e}"));
        assert_eq!(bytes.len() as i64, *size);
    }
    let stored: BTreeMap<i64, (i64, String)> = attachments
        .into_iter()
        .map(|(id, p, sha, _)| (id, (p, sha)))
        .collect();
    for (id, row) in &acks.attachments {
        assert_eq!(stored.get(id), Some(row), "acknowledged attachment {id}");
    }
    // Each import is whole or absent; an acknowledged one is whole.
    let codes: Vec<(String,)> = tx
        .fetch_all(Sql::new(
            "SELECT code FROM organisations WHERE code LIKE 'CRASH-%'",
        ))
        .await
        .unwrap();
    let codes: BTreeSet<String> = codes.into_iter().map(|(c,)| c).collect();
    for c in codes
        .iter()
        .filter(|c| !c.ends_with("-A") && !c.ends_with("-B"))
    {
        assert!(
            codes.contains(&format!("{c}-A")) && codes.contains(&format!("{c}-B")),
            "import of {c} is whole"
        );
    }
    for import in &acks.imports {
        assert!(import.iter().all(|c| codes.contains(c)), "{import:?}");
    }
    tx.rollback().await.unwrap();
    let probes = consistent(&db).await;
    assert_eq!(probes as usize, proposals.len());
    db.close().await;

    // The restarted server's index holds exactly the probe proposals of the database.
    let mut found = BTreeSet::new();
    for page in 1.. {
        let (s, r) = proposer
            .get(&format!(
                "/search?q={PROBE}&kind=proposal&per_page=100&page={page}"
            ))
            .await
            .expect("the restarted server answers");
        assert_eq!(s, StatusCode::OK, "{r}");
        let hits = r["hits"].as_array().unwrap();
        if hits.is_empty() {
            break;
        }
        found.extend(hits.iter().map(|h| h["id"].as_i64().unwrap()));
    }
    let in_db: BTreeSet<i64> = proposals.keys().copied().collect();
    assert_eq!(
        found, in_db,
        "search finds every proposal the database holds ({})",
        server.base
    );
}

/// Files in the store's directories (partial uploads included).
fn stored_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            out.push(f.path());
        }
    }
    out
}

fn ingot(url: &str, files: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ingot"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("INGOT_FILES_DIR", files)
        .env("INGOT_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ingot {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Restores the backup into a fresh database and checks it.
async fn check_backup(backend: Backend, backup: &Path) {
    let mut restored = None;
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", backup.display()),
        Backend::Postgres => {
            let fresh = restored.insert(TestDb::new(backend).await.unwrap());
            let status = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname", &fresh.url])
                .arg(backup)
                .status()
                .unwrap();
            assert!(
                status.success(),
                "pg_restore restores the backup (constraints included)"
            );
            fresh.url.clone()
        }
    };
    let db = Db::connect(&url, &DbOptions::default()).await.unwrap();
    if backend == Backend::Sqlite {
        let mut tx = db.read().await.unwrap();
        let (ok,): (String,) = tx
            .fetch_one(Sql::new("PRAGMA integrity_check"))
            .await
            .unwrap();
        assert_eq!(ok, "ok");
        let (broken,): (i64,) = tx
            .fetch_one(Sql::new("SELECT COUNT(*) FROM pragma_foreign_key_check"))
            .await
            .unwrap();
        assert_eq!(broken, 0, "foreign keys hold");
        tx.rollback().await.unwrap();
    }
    let probes = consistent(&db).await;
    assert!(probes > 0, "the backup was taken while probes were written");
    db.close().await;
    drop(restored);
}

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let files = std::env::temp_dir().join(format!(
        "ingot-crash-files-{}-{}",
        std::process::id(),
        backend == Backend::Postgres
    ));
    let _ = std::fs::remove_dir_all(&files);
    let (proposer, reviewer, importer, kiln, dalian) = {
        let db = Db::open(&url, &DbOptions::default()).await.unwrap();
        ingot_app::demo::load(&db, false).await.unwrap();
        let mut tx = db.read().await.unwrap();
        let kiln = ingot_store::orgs::get_by_code(&mut tx, "CN-LN-JZ-REF-KILN")
            .await
            .unwrap()
            .unwrap()
            .id
            .0;
        let dalian = ingot_store::orgs::get_by_code(&mut tx, "CN-LN-DL")
            .await
            .unwrap()
            .unwrap()
            .id
            .0;
        tx.rollback().await.unwrap();
        let tokens = (
            token(&db, "li.ming").await,
            token(&db, "kiln.head").await,
            token(&db, "dl.admin").await,
        );
        db.close().await;
        (tokens.0, tokens.1, tokens.2, kiln, dalian)
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let caller = |base: &str, token: &str| Caller {
        http: http.clone(),
        base: base.to_string(),
        token: token.to_string(),
    };
    let acks = Arc::new(Mutex::new(Acknowledged::default()));
    let backup = std::env::temp_dir().join(format!(
        "ingot-crash-backup-{}-{}",
        std::process::id(),
        backend == Backend::Postgres
    ));
    let _ = std::fs::remove_file(&backup);
    let kills = AtomicUsize::new(0);

    for (round, kill_after) in KILL_AFTER.iter().enumerate() {
        let server = ServeProcess::start(&url, &files, "warn").await;
        let callers = Arc::new(Callers {
            proposer: caller(&server.base, &proposer),
            reviewer: caller(&server.base, &reviewer),
            importer: caller(&server.base, &importer),
            kiln,
            dalian,
        });
        let (start, cut_before) = {
            let a = acks.lock().unwrap();
            (a.writes(), a.cut_off)
        };
        let mut workers = Vec::new();
        for w in 0..WORKERS {
            workers.push(tokio::spawn(proposal_worker(
                callers.clone(),
                acks.clone(),
                format!("r{round}w{w}"),
            )));
        }
        workers.push(tokio::spawn(import_worker(
            callers.clone(),
            acks.clone(),
            format!("r{round}"),
        )));
        // The last round also takes a backup while the writes go on.
        if round == KILL_AFTER.len() - 1 {
            while acks.lock().unwrap().writes() < start + kill_after / 2 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let (u, f, b) = (url.clone(), files.clone(), backup.clone());
            let out = tokio::task::spawn_blocking(move || {
                ingot(&u, &f, &["backup", b.to_str().unwrap()])
            })
            .await
            .unwrap();
            assert!(out.contains("Backup written"), "{out}");
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
        while acks.lock().unwrap().writes() < start + kill_after {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the workers made progress"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill().await;
        kills.fetch_add(1, Ordering::Relaxed);
        for w in workers {
            w.await
                .expect("a worker saw only successes before the kill");
        }
        let cut = acks.lock().unwrap().cut_off - cut_before;
        // Every worker ends on a request the kill left unanswered.
        assert_eq!(cut, WORKERS + 1, "the kill cut requests off in flight");

        let server = ServeProcess::start(&url, &files, "warn").await;
        let snapshot = std::mem::take(&mut *acks.lock().unwrap());
        check(
            &url,
            &files,
            &server,
            &caller(&server.base, &proposer),
            &snapshot,
        )
        .await;
        *acks.lock().unwrap() = snapshot;
        server.kill().await;
    }
    let (total, cut) = {
        let a = acks.lock().unwrap();
        (a.writes(), a.cut_off)
    };
    eprintln!(
        "crash test ({backend:?}): {} kills survived, {total} acknowledged writes checked, {cut} requests cut off",
        kills.load(Ordering::Relaxed)
    );

    // The collector keeps every named file. Files left without a row by a kill (stored, the
    // transaction cut off) go once old enough: every file is made two hours old here.
    let named: BTreeSet<String> = {
        let db = Db::connect(&url, &DbOptions::default()).await.unwrap();
        let mut tx = db.read().await.unwrap();
        let set = ingot_store::file_refs::referenced(&mut tx).await.unwrap();
        tx.rollback().await.unwrap();
        db.close().await;
        set.into_iter().collect()
    };
    // What a kill between storing a file and committing its row leaves (hit now and then
    // above): a whole file nothing names, and a half-written one not yet renamed into place.
    let store = ingot_app::files::FileStore::new(&files);
    let orphan = store
        .put(b"\x89PNG\r\n\x1a\n cut off".to_vec())
        .await
        .unwrap();
    std::fs::write(
        files.join(&orphan[..2]).join(format!(".{orphan}.up_cut")),
        b"\x89PN",
    )
    .unwrap();
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    for f in stored_files(&files) {
        std::fs::File::open(&f)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let out = ingot(&url, &files, &["files", "gc", "--older-than-hours", "1"]);
    assert!(
        out.contains(&format!("{} referenced", named.len())),
        "{out}"
    );
    let removed: usize = out
        .split(" removed")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the report says how many it removed");
    assert!(removed >= 2, "{out}");
    let left: BTreeSet<String> = stored_files(&files)
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, named, "exactly the named files remain: {out}");
    eprintln!("crash test ({backend:?}): ingot files gc: {}", out.trim());

    check_backup(backend, &backup).await;
    let _ = std::fs::remove_file(&backup);
    let _ = std::fs::remove_dir_all(&files);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_on_sqlite() {
    crate::support::within_limit(acknowledged_writes_survive_sigkill(Backend::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_on_postgres() {
    crate::support::within_limit(acknowledged_writes_survive_sigkill(Backend::Postgres)).await;
}
