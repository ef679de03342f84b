//! The proposal API end to end: the whole workflow with a blind step, benefit and reward;
//! bad input, conflicts and files; who may see and do what; statistics of the demo company.
//!
//! Each story has its own file below; this one keeps the API client and the helpers they
//! share.

mod documented;
mod duplicates;
mod permissions;
mod refusals;
mod workflow;

use crate::support::{ApiClient, TestApp, json_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The demo proposal the near copy below resembles.
const DEMO_TITLE: &str = "隧道窑窑车密封砂槽改用耐火纤维毡密封";

/// A valid 1x1 PNG.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap())
        .collect()
}

/// Someone calling the API with a token of their own: JSON calls, uploads and downloads.
struct User {
    api: ApiClient,
    http: reqwest::Client,
    base: String,
    token: String,
}

async fn user(app: &TestApp, username: &str) -> User {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let caller = ingot_app::Caller::system(&origin);
    let mut tx = app.db.begin().await.unwrap();
    let found = ingot_store::users::get_by_username(&mut tx, username)
        .await
        .unwrap()
        .expect("user exists");
    let (_, token) = ingot_app::account::create_token(&mut tx, &caller, found.id, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    User {
        api: ApiClient::new(&app.base, &token, "en"),
        http: reqwest::Client::new(),
        base: app.base.clone(),
        token,
    }
}

impl User {
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.api.get(path).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.api.post(path, body).await
    }

    async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.api.send(Method::PATCH, path, body).await
    }

    async fn upload(&self, proposal: i64, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = self
            .http
            .post(format!(
                "{}/api/v1/proposals/{proposal}/attachments",
                self.base
            ))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        json_of(r).await
    }

    /// A raw GET (files, exports): status, headers and bytes.
    async fn fetch(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    /// Creates a draft, asserting it worked.
    async fn draft(&self, body: Value) -> Value {
        let (status, d) = self.post("/proposals", body).await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        d
    }

    /// Submits past any similar-proposal warning.
    async fn submit(&self, d: &Value) -> Value {
        let (status, d) = self
            .post(
                &format!("/proposals/{}/submit", d["proposal"]["id"]),
                json!({ "version": d["version"], "seen_similar": true }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!(d["proposal"]["status"], "in_review");
        d
    }

    async fn review(&self, d: &Value, action: &str, comment: &str) -> (StatusCode, Value) {
        self.post(
            &format!("/proposals/{}/review", d["proposal"]["id"]),
            json!({ "action": action, "comment": comment, "version": d["version"] }),
        )
        .await
    }
}

fn id_of(d: &Value) -> i64 {
    d["proposal"]["id"].as_i64().unwrap()
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A proposal on a topic nothing in the demo data resembles.
fn unrelated(unit: i64, title: &str) -> Value {
    json!({
        "title": title,
        "problem": "食堂午餐高峰排队时间长，职工平均等候十五分钟以上。",
        "proposed_change": "增设两个自助取餐窗口并采用扫码预约分时段就餐。",
        "expected_effect": "排队时间缩短一半。",
        "category": "small_suggestion",
        "unit_id": unit,
    })
}

async fn demo_proposal_id(app: &TestApp, title: &str) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let (id,): (i64,) = tx
        .fetch_one(
            ingot_store::Sql::new("SELECT id FROM proposals WHERE title = $1 ORDER BY id")
                .bind(title),
        )
        .await
        .unwrap();
    id
}
