//! The two search engines answer alike: on PostgreSQL, a server searching the database's index
//! and a server holding its index in memory give the same hits, totals, facets, marks and
//! corrections for the same people and queries; and the database's index holds every record,
//! follows changes, and drops what no longer exists.

use crate::support::{Backend, TestApp, within_limit};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// What must agree: everything but the score, whose scale differs (the database engine does
/// not know each word's frequency; the order it gives is the same).
fn comparable(mut body: Value) -> Value {
    if let Some(hits) = body["hits"].as_array_mut() {
        for hit in hits {
            hit.as_object_mut().unwrap().remove("score");
        }
    }
    body
}

const QUERIES: &[&str] = &[
    "密封",
    "窑车",
    "\"耐火纤维毡\"",
    "稀土",
    "李明",
    "赵鹏达",
    "创新 工作室",
    "kiln",
    "tunnl kiln",
    "unit:技术中心",
    "year:2021 密封",
    "year:2020",
    "status:implemented 改造",
    "type:person 王",
    "专利",
    "耐火材料",
    "no-such-word-anywhere",
];

const NARROWS: &[&str] = &["", "&kind=proposal", "&year=2022", "&per_page=5&page=2"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_and_the_memory_answer_alike() {
    within_limit(async {
        let Some(app) = TestApp::spawn(Backend::Postgres).await else {
            return;
        };
        // A draft, which only its author may find.
        let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
        let (status, draft) = app
            .api_as("li.ming")
            .await
            .post(
                "/proposals",
                json!({ "title": "窑车密封条更换 kiln seal", "problem": "密封条老化漏风",
                        "proposed_change": "更换耐火纤维毡密封条", "category": "small_innovation", "unit_id": kiln }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        // Aged past the window in which a server re-reads recent changes, so the memory holds
        // every record once, in the order both engines build in.
        app.execute(ingot_store::Sql::new(
            "UPDATE change_log SET at = at - 600000",
        ))
        .await;
        // Spread over many stretches of indexing order, as a national index is, so that the
        // database engine reads its newest matches round by round.
        let _ = app.api_as("admin").await.get("/search?q=kiln").await;
        let stretch = ingot_search::database::STRETCH;
        app.execute(
            ingot_store::Sql::new(
                "UPDATE search_documents SET seq = seq * 40000,
                     lexemes = ts_delete(lexemes, '~t0')
                         || array_to_tsvector(ARRAY['~t' || (seq * 40000 / $1)])",
            )
            .bind(stretch),
        )
        .await;
        app.execute(ingot_store::Sql::new(
            "SELECT setval('search_documents_seq', (SELECT MAX(seq) FROM search_documents))",
        ))
        .await;
        assert!(
            app.count(Box::leak(
                format!("SELECT COUNT(DISTINCT seq / {stretch}) FROM search_documents")
                    .into_boxed_str()
            ))
            .await
                > 500
        );
        let mut in_memory = app.config.clone();
        in_memory.search_in_memory = true;
        let (memory, _stop) = app.second_server_with(in_memory).await;
        let mut compared = 0;
        let mut found = 0;
        for username in ["admin", "ref.union", "li.ming", "zhangwenbin", "expert.wang"] {
            let database = app.api_as(username).await;
            let memory = database.at(&memory);
            for q in QUERIES {
                for narrow in NARROWS {
                    let path = format!("/search?q={}{narrow}", urlencoding(q));
                    let (status, from_database) = database.get(&path).await;
                    assert_eq!(status, StatusCode::OK, "{username} {path}: {from_database}");
                    let (status, from_memory) = memory.get(&path).await;
                    assert_eq!(status, StatusCode::OK, "{username} {path}: {from_memory}");
                    assert_eq!(
                        comparable(from_database.clone()),
                        comparable(from_memory),
                        "{username} searching {q} {narrow}"
                    );
                    compared += 1;
                    found += from_database["hits"].as_array().unwrap().len();
                }
            }
        }
        // Not a comparison of empty answers.
        assert!(found > 300, "{found} hits in {compared} answers");
    })
    .await;
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_index_holds_every_record_and_follows_changes() {
    within_limit(async {
        let Some(app) = TestApp::spawn(Backend::Postgres).await else {
            return;
        };
        let records = app
            .count(
                "SELECT (SELECT COUNT(*) FROM proposals) + (SELECT COUNT(*) FROM users)
                  + (SELECT COUNT(*) FROM studios) + (SELECT COUNT(*) FROM achievements)
                  + (SELECT COUNT(*) FROM patents)",
            )
            .await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM search_documents").await,
            records
        );
        let li = app.api_as("li.ming").await;
        let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
        let (status, created) = li
            .post(
                "/proposals",
                json!({ "title": "Zirconia lining for the kiln car", "problem": "The lining cracks",
                        "proposed_change": "Line the kiln car with zirconia", "category": "small_innovation", "unit_id": kiln }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        // Queued in the change's own transaction, indexed before the next search answers.
        assert!(app.count("SELECT COUNT(*) FROM search_pending").await >= 1);
        let (_, mine) = li.get("/search?q=zirconia").await;
        assert_eq!(mine["total"], 1, "{mine}");
        assert_eq!(app.count("SELECT COUNT(*) FROM search_pending").await, 0);
        let id = created["proposal"]["id"].as_i64().expect("id");
        let count = |sql: String| app.count(Box::leak(sql.into_boxed_str()));
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM search_documents WHERE kind = 'proposal' AND id = {id}
                   AND lexemes @@ CAST('''zirconia''' AS tsquery)"
            ))
            .await,
            1
        );
        // A document whose record is gone (removed behind the application's back) is dropped
        // by a reindex, which re-reads every record and every document.
        let ghost = id + 1_000_000;
        app.execute(ingot_store::Sql::new(Box::leak(
            format!(
                "INSERT INTO search_documents SELECT kind, {ghost}, seq, org_id, org_path, org_name,
                     year, status, owners, published, private, title, body, title_words, length,
                     lexemes FROM search_documents WHERE kind = 'proposal' AND id = {id}"
            )
            .into_boxed_str(),
        )))
        .await;
        let (_, twice) = li.get("/search?q=zirconia").await;
        assert_eq!(twice["total"], 2, "{twice}");
        ingot_app::reindex::reindex(&app.db, app.config.utc_offset_ms())
            .await
            .expect("reindex");
        let (_, once) = li.get("/search?q=zirconia").await;
        assert_eq!(once["total"], 1, "{once}");
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM search_documents WHERE kind = 'proposal' AND id = {ghost}"
            ))
            .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM search_documents").await,
            records + 1
        );
        // The re-index wrote through GIN's pending list and left the index as searches need
        // it: changes straight in.
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM pg_class WHERE relname = 'search_documents_lexemes_idx'
                 AND 'fastupdate=off' = ANY(reloptions)"
            )
            .await,
            1
        );
    })
    .await;
}
