//! The file collector on both databases: a file a committed row names survives however old;
//! an old orphan and an old partial upload are removed; a young orphan survives (its upload may
//! still be saving its row); a dry run removes nothing; an old orphan stored again is kept. And
//! the list of columns naming files covers every such column of the schema.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_app::files::{FileStore, gc, sha256_hex};
use reqwest::StatusCode;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A valid 1x1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0dIDATx\xdacd`\xf8_\x0f\x00\x02\x87\x01\x80\xebG\xba\x92\x00\x00\x00\x00IEND\xaeB`\x82";

fn path_of(root: &Path, sha: &str) -> PathBuf {
    root.join(&sha[..2]).join(sha)
}

/// Makes a file look `hours` old.
fn age(path: &Path, hours: u64) {
    let when = SystemTime::now() - Duration::from_secs(hours * 3600);
    std::fs::File::open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

async fn the_collector_removes_only_old_files_no_row_names(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let li = app.api_as("li.ming").await;
    let (s, d) = li
        .post(
            "/proposals",
            json!({ "title": "食堂增设自助取餐窗口", "problem": "午餐高峰排队时间长。",
                "proposed_change": "增设两个自助取餐窗口。", "expected_effect": "排队时间减半。",
                "category": "small_suggestion", "unit_id": app.org_id("CN-LN-JZ-REF-KILN").await }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let proposal = d["proposal"]["id"].as_i64().unwrap();
    let (s, a) = li
        .post_multipart(
            &format!("/proposals/{proposal}/attachments"),
            "photo.png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let attachment = a["id"].as_i64().unwrap();

    let store = FileStore::new(&app.files_dir);
    let root = app.files_dir.clone();
    let named = sha256_hex(PNG);
    assert!(store.contains(&named).await.unwrap());
    // Named by a committed row and two days old: kept.
    age(&path_of(&root, &named), 48);
    // Orphans: one two days old, one just stored; and an old half-written upload.
    let old_orphan = store.put(b"%PDF-1.4 abandoned".to_vec()).await.unwrap();
    age(&path_of(&root, &old_orphan), 48);
    let young_orphan = store.put(b"%PDF-1.4 uploading".to_vec()).await.unwrap();
    let partial = root.join(&named[..2]).join(format!(".{named}.up_crashed"));
    std::fs::write(&partial, b"\x89PNG half").unwrap();
    age(&partial, 48);
    // Stored two days ago, unreferenced, and stored again now by an upload in flight.
    let again = store.put(b"%PDF-1.4 again".to_vec()).await.unwrap();
    age(&path_of(&root, &again), 48);
    assert_eq!(store.put(b"%PDF-1.4 again".to_vec()).await.unwrap(), again);

    let dry = gc::collect_garbage(&app.db, &store, gc::DEFAULT_GRACE, true)
        .await
        .unwrap();
    assert_eq!((dry.files, dry.referenced, dry.removed), (4, 1, 2), "{dry}");
    assert!(dry.dry_run);
    for sha in [&named, &old_orphan, &young_orphan, &again] {
        assert!(
            store.contains(sha).await.unwrap(),
            "a dry run removes nothing"
        );
    }
    assert!(partial.exists());

    let done = gc::collect_garbage(&app.db, &store, gc::DEFAULT_GRACE, false)
        .await
        .unwrap();
    assert_eq!(
        (done.referenced, done.young, done.removed),
        (1, 2, 2),
        "{done}"
    );
    assert_eq!(
        done.removed_bytes,
        (b"%PDF-1.4 abandoned".len() + b"\x89PNG half".len()) as u64
    );
    assert!(!store.contains(&old_orphan).await.unwrap());
    assert!(!partial.exists());
    for sha in [&named, &young_orphan, &again] {
        assert!(store.contains(sha).await.unwrap());
    }
    let (s, _) = li.get(&format!("/attachments/{attachment}")).await;
    assert_eq!(s, StatusCode::OK, "the named file still downloads");

    // Once its row is gone, the named file goes too (when old enough).
    app.execute(ingot_store::Sql::new("DELETE FROM attachments WHERE id = $1").bind(attachment))
        .await;
    let done = gc::collect_garbage(&app.db, &store, gc::DEFAULT_GRACE, false)
        .await
        .unwrap();
    assert_eq!((done.referenced, done.removed), (0, 1), "{done}");
    assert!(!store.contains(&named).await.unwrap());
    // A removed file can be stored again.
    assert_eq!(store.put(PNG.to_vec()).await.unwrap(), named);
    assert!(store.contains(&named).await.unwrap());
}
on_both!(the_collector_removes_only_old_files_no_row_names);

async fn every_column_naming_a_file_is_known_to_the_collector(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let sql = match app.db.backend() {
        ingot_store::Backend::Sqlite => ingot_store::Sql::new(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND LOWER(p.name) LIKE '%sha256%' ORDER BY 1",
        ),
        ingot_store::Backend::Postgres => ingot_store::Sql::new(
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND LOWER(column_name) LIKE '%sha256%' ORDER BY 1",
        ),
    };
    let mut tx = app.db.read().await.unwrap();
    let columns: Vec<(String, String)> = tx.fetch_all(sql).await.unwrap();
    let mut known: Vec<(String, String)> = ingot_store::file_refs::FILE_HASH_COLUMNS
        .iter()
        .map(|(t, c)| (t.to_string(), c.to_string()))
        .collect();
    known.sort();
    assert_eq!(columns, known);
}
on_both!(every_column_naming_a_file_is_known_to_the_collector);
