//! The proposal API end to end: the whole workflow with a blind step, benefit and reward;
//! bad input, conflicts and files; who may see and do what; statistics of the demo company.

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp, json_of};
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

async fn a_proposal_goes_all_the_way_through_the_api(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let li_id = app.user_id("li.ming").await;
    let li = user(&app, "li.ming").await;
    let sun = user(&app, "sun.qiang").await;
    let kiln_head = user(&app, "kiln.head").await;
    let tc_reviewer = user(&app, "ref.reviewer").await;
    let union = user(&app, "ref.union").await;
    let finance = user(&app, "ref.finance").await;

    // A near copy of a demo proposal, with a co-proposer taking 40%.
    let d = li
        .draft(json!({
            "title": "隧道窑窑车密封砂槽改用耐火纤维毡密封条",
            "problem": "隧道窑窑车两侧砂封槽依靠石英砂密封，砂子随窑车运行不断流失，每班需人工补砂约0.3吨；砂封不严时车下漏风，车下温度常超过120℃，窑车轴承和车架变形加快。",
            "proposed_change": "在窑车裙板下沿加装1260型耐火纤维毡密封条，压缩量控制在20毫米，与窑墙曲封砖配合形成柔性迷宫密封；砂封槽保留作辅助密封。",
            "expected_effect": "车下温度降至80℃以下，补砂量下降约80%。",
            "category": "small_innovation",
            "unit_id": kiln,
            "co_proposers": [{ "username": "sun.qiang", "share": "40" }],
        }))
        .await;
    let id = id_of(&d);
    assert_eq!(d["proposal"]["status"], "draft");
    let people: Vec<(&str, i64)> = d["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["username"].as_str().unwrap(),
                p["share_bp"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(people, vec![("li.ming", 6000), ("sun.qiang", 4000)]);
    assert!(d["access"]["submit"].as_bool().unwrap());

    // Submitting stops at the similar proposal, changing nothing.
    let (status, body) = li
        .post(
            &format!("/proposals/{id}/submit"),
            json!({ "version": d["version"], "seen_similar": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "similar_proposals_found");
    assert!(body["message"].is_string() && body["request_id"].is_string());
    let similar = body["similar"].as_array().unwrap();
    assert_eq!(similar[0]["title"], DEMO_TITLE, "{body}");
    assert!(
        similar[0]["number"]
            .as_str()
            .unwrap()
            .starts_with("CN-LN-JZ-REF-2021-")
    );
    assert_eq!(similar[0]["status"], "rewarded");
    assert!(similar[0]["submitted_at"].is_i64());
    assert!(similar[0]["similarity"].as_f64().unwrap() >= 0.25);
    let (_, listed) = li.get(&format!("/proposals/{id}/similar")).await;
    assert_eq!(listed[0]["title"], DEMO_TITLE);
    let (_, unchanged) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(unchanged["proposal"]["status"], "draft");
    assert_eq!(unchanged["version"], d["version"]);

    // Having seen them, the proposer submits: step 1 of the company's three.
    let d = li.submit(&d).await;
    assert_eq!(d["proposal"]["current_step"], 1);
    assert!(
        d["proposal"]["number"]
            .as_str()
            .unwrap()
            .starts_with("CN-LN-JZ-REF-")
    );
    let steps = d["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["org_id"], kiln);
    assert_eq!(steps[1]["blind"], true);
    assert_eq!(steps[2]["role"], "unit_admin");

    // Step 1: the kiln's reviewer sees who proposed it and forwards.
    let (_, seen) = kiln_head.get(&format!("/proposals/{id}")).await;
    assert!(seen["access"]["review"].as_bool().unwrap());
    assert_eq!(seen["people"].as_array().unwrap().len(), 2);
    let (status, d) = kiln_head.review(&seen, "forward", "").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["current_step"], 2);

    // Step 2 is blind: no people, the enterprise instead of the unit, no proposer in lists.
    let (status, seen) = tc_reviewer.get(&format!("/proposals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["access"]["blind"], true, "{}", seen["access"]);
    assert_eq!(seen["access"]["review"], true);
    assert_eq!(seen["people"], json!([]));
    assert_eq!(seen["unit"]["id"], company);
    for e in seen["events"].as_array().unwrap() {
        assert_ne!(e["actor_id"], li_id, "the proposer is hidden: {e}");
        assert_ne!(e["actor_name"], "李明");
    }
    let (_, queue) = tc_reviewer.get("/proposals?view=to_review").await;
    let item = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .expect("waiting for the technical centre");
    assert_eq!(item["blind"], true);
    assert!(item["proposer_name"].is_null() && item["unit_id"].is_null());
    let (status, d) = tc_reviewer.review(&seen, "forward", "技术可行").await;
    assert_eq!(status, StatusCode::OK, "{d}");

    // Step 3: the union adopts, then records the implementation as done.
    let (_, seen) = union.get(&format!("/proposals/{id}")).await;
    let (status, d) = union.review(&seen, "adopt", "").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "adopted");
    let (status, d) = union
        .post(
            &format!("/proposals/{id}/implementation"),
            json!({ "owner": "li.ming", "due": "2030-06-30", "status": "done", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "implemented");
    assert_eq!(d["impl_owner"]["username"], "li.ming");

    // The proposer claims the benefit by cost; finance corrects and locks it.
    let (status, d) = li
        .post(
            &format!("/proposals/{id}/benefit"),
            json!({ "method": "cost", "old_cost": "38.50", "new_cost": "31.20", "volume": "12000",
                    "note": "按补砂和维修费用对比", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["benefit_claimed_cents"], 8_760_000);
    assert_eq!(d["proposal"]["benefit"]["method"], "cost");
    let (status, d) = finance
        .post(
            &format!("/proposals/{id}/benefit/verify"),
            json!({ "corrected_amount": "80000.00", "note": "按实际车次核减", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "verified");
    assert_eq!(d["proposal"]["benefit_verified_cents"], 8_000_000);
    let (status, body) = li
        .post(
            &format!("/proposals/{id}/benefit"),
            json!({ "method": "free", "amount": "999999", "note": "再报", "version": d["version"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("benefit_locked"))
    );

    // The union rewards by grade; the parts split 60/40 and add up exactly.
    let (_, settings) = union
        .get(&format!("/enterprises/{company}/proposal-settings"))
        .await;
    let third = settings["grades"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grade"] == "third")
        .unwrap()["amount_cents"]
        .as_i64()
        .unwrap();
    let (status, d) = union
        .post(
            &format!("/proposals/{id}/reward"),
            json!({ "basis": "grade", "grade": "third", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "rewarded");
    assert_eq!(d["proposal"]["reward_cents"], third);
    let parts: Vec<i64> = d["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reward_cents"].as_i64().unwrap())
        .collect();
    assert_eq!(parts.iter().sum::<i64>(), third);
    assert_eq!(parts, vec![third * 6 / 10, third * 4 / 10]);
    let number = d["proposal"]["number"].as_str().unwrap().to_string();

    // The payroll list: as JSON, and as CSV with both names.
    let query = format!("/proposals/rewards?org={company}&from=2000-01-01&to=2100-12-31");
    let (status, lines) = finance.get(&query).await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    let mine: Vec<(&str, i64)> = lines["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["number"] == number.as_str())
        .map(|l| {
            (
                l["username"].as_str().unwrap(),
                l["amount_cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(mine, vec![("li.ming", parts[0]), ("sun.qiang", parts[1])]);
    let (status, headers, csv) = finance.fetch(&format!("/api/v1{query}&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(csv).unwrap();
    let row = |name: &str| {
        csv.lines()
            .find(|l| l.contains(number.as_str()) && l.contains(name))
            .unwrap_or_else(|| panic!("{name} in {csv}"))
            .to_string()
    };
    assert!(row("李明").contains(&format!("{}.00", parts[0] / 100)));
    assert!(row("孙强").contains(&format!("{}.00", parts[1] / 100)));
    let (status, _) = li.get(&query).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "employees do not export payroll"
    );

    // Notifications: one per event someone else caused since submission.
    let (_, d) = li.get(&format!("/proposals/{id}")).await;
    let mut by_others: Vec<String> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_id"] != li_id)
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        by_others,
        vec![
            "forwarded",
            "forwarded",
            "adopted",
            "implemented",
            "benefit_verified",
            "rewarded"
        ]
    );
    let (status, inbox) = li.get("/notifications?per_page=100").await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["unread"], by_others.len());
    assert_eq!(inbox["total"], by_others.len());
    let mut kinds: Vec<String> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["proposal_id"], id);
            assert_eq!(n["read"], false);
            n["kind"].as_str().unwrap().to_string()
        })
        .collect();
    kinds.sort();
    by_others.sort();
    assert_eq!(kinds, by_others);
    // The co-proposer also hears of the proposer's own claim.
    let (_, theirs) = sun.get("/notifications").await;
    assert_eq!(theirs["unread"], by_others.len() + 2, "{theirs}");

    let first = inbox["items"][0]["id"].as_i64().unwrap();
    let (status, marked) = li.post("/notifications/read", json!({ "id": first })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(marked["marked"], 1);
    assert_eq!(marked["unread"], by_others.len() - 1);
    let (_, marked) = li.post("/notifications/read", json!({})).await;
    assert_eq!(marked["unread"], 0);
    let (_, inbox) = li.get("/notifications?unread=true").await;
    assert_eq!(
        (inbox["total"].as_i64(), inbox["unread"].as_i64()),
        (Some(0), Some(0))
    );

    let (_, digest) = li.get("/notifications/digest").await;
    assert_eq!(digest["daily_digest"], false);
    let (status, digest) = li
        .api
        .send(
            Method::PUT,
            "/notifications/digest",
            json!({ "daily_digest": true }),
        )
        .await;
    assert_eq!(
        (status, &digest["daily_digest"]),
        (StatusCode::OK, &json!(true))
    );
    let (_, digest) = li.get("/notifications/digest").await;
    assert_eq!(digest["daily_digest"], true);
    let (status, digests) = li.get("/notifications/digests").await;
    assert_eq!((status, digests), (StatusCode::OK, json!([])));
}
on_both!(a_proposal_goes_all_the_way_through_the_api);

async fn bad_input_and_conflicts_are_refused_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let li = user(&app, "li.ming").await;
    let kiln_head = user(&app, "kiln.head").await;
    let ref_office = user(&app, "ref.office").await;
    let proposals_before = app.count("SELECT COUNT(*) FROM proposals").await;

    // Shares must add up to 100; an empty title is required.
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": "窑车密封", "problem": "窑车漏风", "proposed_change": "加装密封条",
                    "category": "small_innovation", "unit_id": kiln, "proposer_share": "50",
                    "co_proposers": [{ "username": "sun.qiang", "share": 40 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(
        fields(&body),
        vec![("shares".into(), "shares_not_whole".into())]
    );
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": " ", "problem": "窑车漏风", "proposed_change": "加装密封条",
                    "category": "small_innovation", "unit_id": kiln }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), vec![("title".into(), "required".into())]);
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": "超长", "problem": "长".repeat(4001), "proposed_change": "x",
                    "category": "small_innovation", "unit_id": kiln }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), vec![("problem".into(), "too_long".into())]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM proposals").await,
        proposals_before
    );

    // Bad list filters name their parameter.
    let (status, body) = li
        .get("/proposals?view=everything&from=2022-13&status=lost&page=x")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<String> = fields(&body).into_iter().map(|f| f.0).collect();
    assert_eq!(named, vec!["view", "from", "status", "page"]);

    // Reviewing: a reason to reject, the order of steps, the version read.
    let d = li.draft(unrelated(kiln, "食堂增设自助取餐窗口")).await;
    let id = id_of(&d);
    let d = li.submit(&d).await;
    let version = d["version"].as_i64().unwrap();
    let (status, body) = kiln_head.review(&d, "reject", "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body)[0].0, "comment");
    let (status, body) = kiln_head.review(&d, "adopt", "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("review_out_of_order"))
    );
    let (status, body) = kiln_head
        .post(
            &format!("/proposals/{id}/review"),
            json!({ "action": "forward", "version": version - 1 }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("proposal_changed"))
    );
    let (_, now) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(now["proposal"]["status"], "in_review");
    assert_eq!(now["proposal"]["current_step"], 1);
    assert_eq!(now["version"], version);

    // Two reviewers act on the same version at once: exactly one wins.
    let (a, b) = tokio::join!(
        kiln_head.review(&d, "forward", ""),
        ref_office.review(&d, "return", "请补充成本测算")
    );
    let mut statuses = vec![a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        vec![StatusCode::OK, StatusCode::CONFLICT],
        "{a:?} {b:?}"
    );
    let loser = if a.0 == StatusCode::CONFLICT {
        &a.1
    } else {
        &b.1
    };
    assert_eq!(loser["error"], "proposal_changed");
    let (_, now) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(now["version"], version + 1);
    let decided = now["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "forwarded" || e["kind"] == "returned")
        .count();
    assert_eq!(decided, 1);

    // Files: checked by type, contents and size; a good one comes back byte for byte.
    let d = li.draft(unrelated(kiln, "更衣室加装储物柜")).await;
    let id = id_of(&d);
    let (status, body) = li
        .upload(id, "run.exe", b"MZ\x90\x00 program".to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        vec![("file".into(), "file_type_not_allowed".into())]
    );
    let (status, body) = li.upload(id, "scan.pdf", png()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        vec![("file".into(), "file_content_mismatch".into())]
    );
    let mut big = png();
    big.resize(ingot_app::files::MAX_FILE_BYTES + 1, 0);
    let (status, body) = li.upload(id, "big.png", big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        fields(&body),
        vec![("file".into(), "file_too_large".into())]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);

    let bytes = png();
    let (status, a) = li.upload(id, "窑车 密封.png", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["sha256"], ingot_app::files::sha256_hex(&bytes));
    assert_eq!(a["size"], bytes.len());
    assert_eq!(a["content_type"], "image/png");
    assert_eq!(a["filename"], "窑车 密封.png");
    let url = a["download_url"].as_str().unwrap();
    assert_eq!(url, format!("/api/v1/attachments/{}", a["id"]));
    let (status, headers, body) = li.fetch(url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename*=UTF-8''%E7%AA%91%E8%BD%A6%20%E5%AF%86%E5%B0%81.png"
    );
    let (_, d) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(d["attachments"][0]["sha256"], a["sha256"]);
}
on_both!(bad_input_and_conflicts_are_refused_and_change_nothing);

/// Every problem is reported at once: a missing title does not hide shares that do not add up.
async fn every_problem_of_a_proposal_is_reported_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let li = user(&app, "li.ming").await;
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": " ", "problem": "窑车漏风", "proposed_change": "加装密封条",
                    "category": "small_innovation", "unit_id": kiln, "proposer_share": "50",
                    "co_proposers": [{ "username": "sun.qiang", "share": 40 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let found = fields(&body);
    assert!(
        found.contains(&("title".into(), "required".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("shares".into(), "shares_not_whole".into())),
        "shares are checked together with the other fields: {found:?}"
    );
}
on_both!(every_problem_of_a_proposal_is_reported_at_once);

async fn people_see_and_do_only_what_they_may(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let li = user(&app, "li.ming").await;
    let sun = user(&app, "sun.qiang").await;
    let finance = user(&app, "ref.finance").await;
    let union = user(&app, "ref.union").await;
    let outsider = user(&app, "zhangwenbin").await;

    // Another enterprise learns nothing about this one's proposals or files.
    let demo = demo_proposal_id(&app, DEMO_TITLE).await;
    let (status, body) = outsider.get(&format!("/proposals/{demo}")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let d = li.draft(unrelated(kiln, "车间饮水点增设净水器")).await;
    let (status, a) = li.upload(id_of(&d), "plan.png", png()).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let (status, _, _) = outsider.fetch(a["download_url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, list) = outsider.get("/proposals?view=all&per_page=100").await;
    assert_eq!(status, StatusCode::OK);
    for item in list["items"].as_array().unwrap() {
        assert!(
            !item["number"].as_str().unwrap_or("").starts_with("CN-LN-"),
            "{item}"
        );
    }
    let (_, mine) = outsider
        .get(&format!("/proposals?view=all&unit={company}"))
        .await;
    assert_eq!(mine["total"], 0);

    // An employee sees neither a colleague's draft nor reviews their own proposal.
    let draft = sun.draft(unrelated(kiln, "班组交接班记录电子化")).await;
    let (status, _) = li.get(&format!("/proposals/{}", id_of(&draft))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = li.get("/proposals?view=all&per_page=100").await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != draft["proposal"]["id"])
    );
    let mine = li.submit(&d).await;
    let (status, body) = li.review(&mine, "forward", "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("own_record"))
    );
    // Finance reads it but does not review.
    let (status, seen) = finance.get(&format!("/proposals/{}", id_of(&mine))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["access"]["review"], false);
    let (status, _) = finance.review(&mine, "forward", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, now) = li.get(&format!("/proposals/{}", id_of(&mine))).await;
    assert_eq!(now["version"], mine["version"], "refusals change nothing");

    // Statistics of the demo company, from the rollup.
    let (status, s) = union
        .get(&format!(
            "/proposals/stats?org={company}&from=2022-01&to=2022-12"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["totals"]["put_forward"], 35);
    assert_eq!(s["totals"]["implemented"], 30);
    assert_eq!(s["totals"]["implementation_rate_bp"], 8571);
    assert_eq!(s["from"], "2022-01");
    let per_unit: i64 = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["put_forward"].as_i64().unwrap())
        .sum();
    assert_eq!(per_unit, 35);
    let per_month: i64 = s["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["put_forward"].as_i64().unwrap())
        .sum();
    assert_eq!(per_month, 35);
    let (_, s) = finance
        .get(&format!(
            "/proposals/stats?org={company}&from=2021-08&to=2021-10"
        ))
        .await;
    assert_eq!(
        (
            s["totals"]["put_forward"].as_i64(),
            s["totals"]["implemented"].as_i64()
        ),
        (Some(22), Some(22))
    );
    assert_eq!(s["totals"]["implementation_rate_bp"], 10000);
    let (status, body) = outsider
        .get(&format!(
            "/proposals/stats?org={company}&from=2022-01&to=2022-12"
        ))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, body) = union
        .get(&format!("/proposals/stats?org={company}&from=2022-13"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body)[0].0, "from");

    // Settings: the company's people read them, its union changes them, others neither.
    let path = format!("/enterprises/{company}/proposal-settings");
    let (status, settings) = li.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["steps"].as_array().unwrap().len(), 3);
    assert_eq!(settings["can_configure"], false);
    let (status, _) = outsider.get(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let one_step = json!({ "steps": [{ "name": "工会审批", "role": "unit_admin", "org_id": company, "due_days": 7, "blind": false }] });
    let (status, _) = li.api.send(Method::PUT, &path, one_step.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, settings) = union.api.send(Method::PUT, &path, one_step).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["steps"].as_array().unwrap().len(), 1);
    let (status, settings) = union
        .api
        .send(
            Method::PUT,
            &format!("/enterprises/{company}/reward-grades"),
            json!({ "grades": { "first": "2500.50" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let first = settings["grades"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grade"] == "first")
        .unwrap()
        .clone();
    assert_eq!(first["amount_cents"], 250_050);
    let (status, settings) = union
        .post(
            &format!("/enterprises/{company}/proposal-categories"),
            json!({ "code": "safety", "name": "安全改善", "name_en": "Safety" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{settings}");
    assert!(
        settings["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "safety" && c["name_en"] == "Safety")
    );
    // Only the proposer edits, and only while it can be edited.
    let (status, _) = sun
        .patch(
            &format!("/proposals/{}", id_of(&draft)),
            json!({ "title": "班组交接班记录电子化（修订）", "problem": "纸质记录易丢失", "proposed_change": "改用平板记录",
                    "category": "safety", "unit_id": kiln, "version": draft["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = li
        .patch(
            &format!("/proposals/{}", id_of(&mine)),
            json!({ "title": "改", "problem": "改", "proposed_change": "改", "category": "safety",
                    "unit_id": kiln, "version": now["version"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("proposal_not_editable"))
    );
}
on_both!(people_see_and_do_only_what_they_may);

/// Every schema the proposal endpoints refer to is in the document.
#[test]
fn the_proposal_endpoints_are_documented() {
    let doc = serde_json::to_value(ingot_web::api::openapi()).unwrap();
    for path in [
        "/proposals",
        "/proposals/{id}",
        "/proposals/{id}/submit",
        "/proposals/{id}/review",
        "/proposals/{id}/attachments",
        "/attachments/{id}",
        "/proposals/stats",
        "/proposals/rewards",
        "/proposals/export",
        "/enterprises/{org_id}/proposal-settings",
        "/notifications",
        "/notifications/read",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let conflict = &doc["paths"]["/proposals/{id}/submit"]["post"]["responses"]["409"];
    assert_eq!(
        conflict["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/SimilarFoundBody"
    );
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        // "#/components/schemas/X", or "#/components/responses/X" for the shared 429.
        let mut parts = r.trim_start_matches("#/components/").splitn(2, '/');
        let (kind, name) = (parts.next().unwrap(), parts.next().unwrap_or(""));
        assert!(
            doc["components"][kind][name].is_object(),
            "{r} is not in the document"
        );
    }
}
