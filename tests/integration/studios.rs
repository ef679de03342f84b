//! Innovation studios end to end on both databases: the Zhao Pengda studio of the demo as in
//! the domain notes; a studio taken from founding through municipal and provincial naming with
//! on-site reviews, funding, a failed assessment and revocation; every rule's refusal (in the
//! caller's language, nothing saved); the public page and the forms.
//!
//! Each story has its own file below; this one keeps the helpers they share.

mod alliance_form;
mod demo;
mod handover;
mod lifecycle;
mod notices;
mod pages;
mod public_api;
mod record_outputs;
mod rules;

use crate::support::{ApiClient, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) const ZHAO: &str = "赵鹏达劳模创新工作室";

async fn zhao_id(app: &TestApp) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let (id,): (i64,) = tx
        .fetch_one(ingot_store::Sql::new("SELECT id FROM studios WHERE name = $1").bind(ZHAO))
        .await
        .unwrap();
    id
}

fn codes(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn create_studio(app: &TestApp, api: &ApiClient, name: &str, lead: &str) -> i64 {
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (status, d) = api
        .post(
            "/studios",
            json!({ "unit_id": company, "lead": lead, "kind": "employee", "name": name,
                "founded_on": "2020-03-01", "address": "技术中心", "fields": ["refractories"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d["studio"]["id"].as_i64().unwrap()
}

async fn call(app: &TestApp, api: &ApiClient, org: &str, title: &str) -> i64 {
    let org = app.org_id(org).await;
    let (status, c) = api
        .post(
            "/naming-calls",
            json!({ "org_id": org, "title": title, "deadline": "2099-12-31" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["call"]["id"].as_i64().unwrap()
}

fn review_body(signature: &str) -> Value {
    json!({ "visited_on": "2024-05-10", "checklist": ["premises", "team", "records"], "score": 88,
        "comments": "场所和团队与申报一致。", "signature": signature, "confirm": true })
}

pub const PNG: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082";

/// The studio tally as kept, and as counted here from the studios, their fields and namings:
/// by level and field unless revoked, every naming by year and level, each at the studio's
/// unit and every organisation above it.
pub(crate) async fn assert_studio_tally_is_exact(app: &TestApp) {
    type Row = (i64, String, i64);
    let mut tx = app.db.read().await.unwrap();
    let kept: Vec<Row> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT org_id, metric, n FROM studio_tally WHERE n <> 0",
        ))
        .await
        .unwrap();
    let studios: Vec<(i64, String, Option<String>, String)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT s.id, s.status, s.level, o.path FROM studios s JOIN organisations o ON o.id = s.unit_id",
        ))
        .await
        .unwrap();
    let fields: Vec<(i64, String)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT studio_id, field FROM studio_fields",
        ))
        .await
        .unwrap();
    let namings: Vec<(i64, String, String)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT studio_id, named_on, level FROM studio_namings",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let mut counted = std::collections::BTreeMap::<(i64, String), i64>::new();
    let mut count = |path: &str, metric: String| {
        for holder in crate::audit::ids_on(path) {
            *counted.entry((holder, metric.clone())).or_default() += 1;
        }
    };
    let path_of: std::collections::HashMap<i64, (&str, bool)> = studios
        .iter()
        .map(|(id, status, _, path)| (*id, (path.as_str(), status != "revoked")))
        .collect();
    for (_, status, level, path) in &studios {
        if status != "revoked" {
            count(
                path,
                format!("level:{}", level.as_deref().unwrap_or("none")),
            );
        }
    }
    for (studio, field) in &fields {
        let (path, live) = path_of[studio];
        if live {
            count(path, format!("field:{field}"));
        }
    }
    for (studio, named_on, level) in &namings {
        count(
            path_of[studio].0,
            format!("named:{}:{level}", &named_on[..4]),
        );
    }
    let counted: Vec<Row> = counted.into_iter().map(|((o, m), n)| (o, m, n)).collect();
    assert!(counted.len() > 10, "{} rows", counted.len());
    crate::audit::same(kept, counted);
}
