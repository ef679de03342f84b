//! Concurrent requests racing for one limit or one record, on both databases: a unit's
//! declaration quota and a first completer declared once, a studio's funding cap, a reward, a
//! naming decision, and two edits of one versioned record. Exactly as many succeed as the rule
//! allows; every loser is told why (a field or conflict error, never a 500) and nothing is lost.

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Barrier;

/// Requests fired together in each race: more than the pool's 8 connections per server.
const RACERS: usize = 12;

/// Runs `n` requests at once (all released by one barrier) and returns their answers in order.
async fn at_once<F, Fut>(n: usize, request: F) -> Vec<(StatusCode, Value)>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = (StatusCode, Value)> + Send + 'static,
{
    let start = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let start = start.clone();
            let fut = request(i);
            tokio::spawn(async move {
                start.wait().await;
                fut.await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(n);
    for h in handles {
        answers.push(h.await.expect("request task"));
    }
    answers
}

/// How many answers had `status`.
fn with_status(answers: &[(StatusCode, Value)], status: StatusCode) -> usize {
    answers.iter().filter(|(s, _)| *s == status).count()
}

/// The field error codes of an answer, or its conflict code.
fn codes(body: &Value) -> Vec<String> {
    match body["fields"].as_array().filter(|f| !f.is_empty()) {
        Some(fields) => fields
            .iter()
            .map(|f| f["code"].as_str().unwrap_or("").to_string())
            .collect(),
        None => vec![body["error"].as_str().unwrap_or("").to_string()],
    }
}

/// Every loser got `status` with one of `allowed` codes (and so no 500).
fn losers_told(
    answers: &[(StatusCode, Value)],
    winner: StatusCode,
    status: StatusCode,
    allowed: &[&str],
) {
    for (s, body) in answers.iter().filter(|(s, _)| *s != winner) {
        assert_eq!(*s, status, "a loser got {s}: {body}");
        let c = codes(body);
        assert!(
            c.iter().any(|c| allowed.contains(&c.as_str())),
            "a loser got {c:?}, not one of {allowed:?}: {body}"
        );
        assert!(body["message"].is_string(), "{body}");
    }
}

async fn scalar(app: &TestApp, sql: ingot_store::Sql) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let (n,): (i64,) = tx.fetch_one(sql).await.unwrap();
    n
}

/// A Liaoning campaign in which Dalian takes part with `quota` places.
async fn dalian_campaign(app: &TestApp, ln: &ApiClient, title: &str, quota: i64) -> i64 {
    let (s, c) = ln
        .post(
            "/campaigns",
            json!({
                "org_id": app.org_id("CN-LN").await, "kind": "achievement_award", "title": title,
                "edition": 1, "year": 2021, "cadence": "annual", "rules": "近两年成果",
                "min_record_year": 2019, "max_record_year": 2021, "required_fields": ["summary"],
                "reviewers_per_declaration": 1, "min_load": 0, "max_load": 30,
                "score_scale": 10, "blind": false, "declaration_closes": "2021-03-31",
                "check_closes": "2021-04-15", "review_closes": "2021-05-31", "publicity_days": 7,
                "announce_on": "2021-06-30", "units": [{ "org_code": "CN-LN-DL", "quota": quota }],
                "rubric": [{ "name": "创新性", "weight": 50 }, { "name": "效益", "weight": 50 }],
                "first": "1", "second": "1", "third": "1"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["campaign"]["id"].as_i64().unwrap()
}

/// The Dalian achievement generated `n`-th (1-based), and its first completer.
async fn dalian_record(app: &TestApp, n: usize) -> (i64, i64) {
    let title_end = format!("%（2020-{n:03}）");
    let mut tx = app.db.read().await.unwrap();
    tx.fetch_one(
        ingot_store::Sql::new(
            "SELECT a.id, c.user_id FROM achievements a
             JOIN achievement_completers c ON c.achievement_id = a.id AND c.rank = 1
             WHERE a.title LIKE $1",
        )
        .bind(title_end),
    )
    .await
    .unwrap()
}

async fn declarations_never_exceed_a_units_quota(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ln = app.api_as("ln.admin").await;
    let dl = Arc::new(app.api_as("dl.admin").await);

    // Twelve eligible records with twelve different first completers... the demo has nine
    // Dalian workers leading records, so nine records race for three places.
    let quota = 3;
    let id = dalian_campaign(&app, &ln, "2021年辽宁省职工技术创新成果（名额）", quota).await;
    let mut records = Vec::new();
    for n in 1..=9 {
        records.push(dalian_record(&app, n).await);
    }
    let leads: std::collections::BTreeSet<i64> = records.iter().map(|r| r.1).collect();
    assert_eq!(leads.len(), 9, "distinct first completers");
    let answers = at_once(records.len(), |i| {
        let (dl, record) = (dl.clone(), records[i].0);
        async move {
            dl.post(
                &format!("/campaigns/{id}/declarations"),
                json!({ "record_id": record }),
            )
            .await
        }
    })
    .await;
    assert_eq!(
        with_status(&answers, StatusCode::CREATED),
        quota as usize,
        "{answers:?}"
    );
    losers_told(
        &answers,
        StatusCode::CREATED,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["quota_exceeded"],
    );
    let stored = scalar(
        &app,
        ingot_store::Sql::new("SELECT COUNT(*) FROM declarations WHERE campaign_id = $1").bind(id),
    )
    .await;
    assert_eq!(stored, quota);

    // One first completer, six of his records, places enough for all: one is declared.
    let id = dalian_campaign(&app, &ln, "2021年辽宁省职工技术创新成果（完成人）", 20).await;
    let mut same_lead = Vec::new();
    for n in [1, 10, 19, 28, 37, 46] {
        same_lead.push(dalian_record(&app, n).await);
    }
    assert!(
        same_lead.iter().all(|r| r.1 == same_lead[0].1),
        "{same_lead:?}"
    );
    let answers = at_once(same_lead.len(), |i| {
        let (dl, record) = (dl.clone(), same_lead[i].0);
        async move {
            dl.post(
                &format!("/campaigns/{id}/declarations"),
                json!({ "record_id": record }),
            )
            .await
        }
    })
    .await;
    assert_eq!(with_status(&answers, StatusCode::CREATED), 1, "{answers:?}");
    losers_told(
        &answers,
        StatusCode::CREATED,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["first_completer_already_declared"],
    );
}
on_both!(declarations_never_exceed_a_units_quota);

async fn funding_payments_and_spending_never_exceed_the_grant(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The Zhao Pengda studio's provincial funding: 100,000 yuan granted by Liaoning, none paid.
    let (funding, studio, granted): (i64, i64, i64) = {
        let mut tx = app.db.read().await.unwrap();
        tx.fetch_one(ingot_store::Sql::new(
            "SELECT f.id, f.studio_id, f.granted_cents FROM studio_funding f
             JOIN organisations o ON o.id = f.org_id
             JOIN studios s ON s.id = f.studio_id
             WHERE o.code = 'CN-LN' AND s.name = '赵鹏达劳模创新工作室'",
        ))
        .await
        .unwrap()
    };
    assert_eq!(granted, 10_000_000);
    let ln = Arc::new(app.api_as("ln.admin").await);
    // Each entry is 30,000 yuan: three of each kind fit, a fourth would exceed the grant.
    let answers = at_once(RACERS, |i| {
        let ln = ln.clone();
        let body = if i % 2 == 0 {
            json!({ "kind": "payment", "amount": "30000", "on_date": "2024-09-15" })
        } else {
            json!({ "kind": "spending", "category": "equipment", "amount": "30000", "on_date": "2024-10-01" })
        };
        async move {
            ln.post(&format!("/studios/{studio}/funding/{funding}/entries"), body)
                .await
        }
    })
    .await;
    assert_eq!(with_status(&answers, StatusCode::OK), 6, "{answers:?}");
    losers_told(
        &answers,
        StatusCode::OK,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["payment_exceeds_grant", "spending_exceeds_grant"],
    );
    for kind in ["payment", "spending"] {
        let total = scalar(
            &app,
            ingot_store::Sql::new(
                "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM funding_entries
                 WHERE funding_id = $1 AND kind = $2",
            )
            .bind(funding)
            .bind(kind),
        )
        .await;
        assert_eq!(total, 9_000_000, "{kind}");
    }
}
on_both!(funding_payments_and_spending_never_exceed_the_grant);

async fn a_reward_is_paid_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // A demo proposal whose benefit finance has verified, waiting for its reward.
    let (id, status): (i64, String) = {
        let mut tx = app.db.read().await.unwrap();
        tx.fetch_one(
            ingot_store::Sql::new("SELECT id, status FROM proposals WHERE title = $1")
                .bind("常温耐压强度试样切割夹具改进"),
        )
        .await
        .unwrap()
    };
    assert_eq!(status, "verified");
    let union = Arc::new(app.api_as("ref.union").await);
    let answers = at_once(RACERS, |i| {
        let union = union.clone();
        // Half by grade, half as a share of the benefit: whichever wins, it wins alone.
        let body = if i % 2 == 0 {
            json!({ "basis": "grade", "grade": "third" })
        } else {
            json!({ "basis": "benefit", "percent": "10" })
        };
        async move { union.post(&format!("/proposals/{id}/reward"), body).await }
    })
    .await;
    assert_eq!(with_status(&answers, StatusCode::OK), 1, "{answers:?}");
    losers_told(
        &answers,
        StatusCode::OK,
        StatusCode::CONFLICT,
        &["proposal_changed", "proposal_already_rewarded"],
    );
    let (_, winner) = answers.iter().find(|(s, _)| *s == StatusCode::OK).unwrap();
    let amount = winner["proposal"]["reward_cents"].as_i64().unwrap();
    let events = scalar(
        &app,
        ingot_store::Sql::new(
            "SELECT COUNT(*) FROM proposal_events WHERE proposal_id = $1 AND kind = 'rewarded'",
        )
        .bind(id),
    )
    .await;
    assert_eq!(events, 1);
    let parts = scalar(
        &app,
        ingot_store::Sql::new(
            "SELECT CAST(SUM(reward_cents) AS BIGINT) FROM proposal_people WHERE proposal_id = $1",
        )
        .bind(id),
    )
    .await;
    assert_eq!(parts, amount, "the parts are the winner's split");
    let audit = scalar(
        &app,
        ingot_store::Sql::new(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.reward' AND object_id = $1",
        )
        .bind(id),
    )
    .await;
    assert_eq!(audit, 1);
}
on_both!(a_reward_is_paid_once);

async fn a_naming_application_is_decided_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    let jz = Arc::new(app.api_as("jz.admin").await);
    let expert = app.api_as("expert.li").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (s, d) = union
        .post(
            "/studios",
            json!({ "unit_id": company, "lead": "wang.fang", "kind": "employee",
                "name": "王芳职工创新工作室", "founded_on": "2020-03-01", "address": "技术中心",
                "fields": ["refractories"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let studio = d["studio"]["id"].as_i64().unwrap();
    let (s, _) = union
        .post(
            &format!("/studios/{studio}/honours"),
            json!({ "title": "锦州市劳动模范", "awarded_by": "锦州市人民政府", "level": "municipal", "year": 2019 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, c) = jz
        .post(
            "/naming-calls",
            json!({ "org_id": app.org_id("CN-LN-JZ").await, "title": "市级劳模创新工作室命名", "deadline": "2099-12-31" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let call = c["call"]["id"].as_i64().unwrap();
    let (s, a) = union
        .post(
            &format!("/naming-calls/{call}/applications"),
            json!({ "studio_id": studio }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let application = a["application"]["id"].as_i64().unwrap();
    let (s, r) = expert
        .post(
            &format!("/naming-applications/{application}/review"),
            json!({ "visited_on": "2024-05-10", "checklist": ["premises", "team"], "score": 90,
                "comments": "属实。", "signature": "李专家", "confirm": true }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let notices_before = app.count("SELECT COUNT(*) FROM naming_notices").await;

    // Approvals with different notice numbers and a rejection race for the one decision.
    let answers = at_once(RACERS, |i| {
        let jz = jz.clone();
        let body = if i == RACERS - 1 {
            json!({ "outcome": "reject", "note": "材料不全" })
        } else {
            json!({ "outcome": "approve", "notice_number": format!("锦工发〔2024〕{}号", 100 + i),
                "notice_date": "2024-06-01", "funding": "10000" })
        };
        async move {
            jz.post(
                &format!("/naming-applications/{application}/decision"),
                body,
            )
            .await
        }
    })
    .await;
    assert_eq!(with_status(&answers, StatusCode::OK), 1, "{answers:?}");
    losers_told(
        &answers,
        StatusCode::OK,
        StatusCode::CONFLICT,
        &[
            "application_changed",
            "application_decided",
            "site_review_required",
        ],
    );
    let approved = answers[..RACERS - 1]
        .iter()
        .any(|(s, _)| *s == StatusCode::OK);
    let expected = i64::from(approved);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM naming_notices").await,
        notices_before + expected
    );
    let namings = scalar(
        &app,
        ingot_store::Sql::new("SELECT COUNT(*) FROM studio_namings WHERE studio_id = $1")
            .bind(studio),
    )
    .await;
    assert_eq!(namings, expected);
    let funding = scalar(
        &app,
        ingot_store::Sql::new("SELECT COUNT(*) FROM studio_funding WHERE studio_id = $1")
            .bind(studio),
    )
    .await;
    assert_eq!(funding, expected);
    let (status,): (String,) = {
        let mut tx = app.db.read().await.unwrap();
        tx.fetch_one(
            ingot_store::Sql::new("SELECT status FROM naming_applications WHERE id = $1")
                .bind(application),
        )
        .await
        .unwrap()
    };
    assert_eq!(status, if approved { "approved" } else { "rejected" });
}
on_both!(a_naming_application_is_decided_once);

async fn two_edits_of_one_record_never_lose_one_silently(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // A studio edited through the API by several people who all saw the same version.
    let union = Arc::new(app.api_as("ref.union").await);
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (s, d) = union
        .post(
            "/studios",
            json!({ "unit_id": company, "lead": "wang.fang", "kind": "employee",
                "name": "王芳职工创新工作室", "founded_on": "2020-03-01", "address": "技术中心",
                "fields": ["refractories"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let studio = d["studio"]["id"].as_i64().unwrap();
    let version = d["studio"]["version"].as_i64().unwrap();
    let answers = at_once(RACERS, |i| {
        let union = union.clone();
        let body = json!({ "kind": "employee", "name": format!("王芳职工创新工作室{i}"),
            "founded_on": "2020-03-01", "address": format!("技术中心{i}楼"),
            "fields": ["refractories"], "version": version });
        async move {
            union
                .send(reqwest::Method::PATCH, &format!("/studios/{studio}"), body)
                .await
        }
    })
    .await;
    assert_eq!(with_status(&answers, StatusCode::OK), 1, "{answers:?}");
    losers_told(
        &answers,
        StatusCode::OK,
        StatusCode::CONFLICT,
        &["studio_changed"],
    );
    let winner = answers
        .iter()
        .position(|(s, _)| *s == StatusCode::OK)
        .unwrap();
    let (_, d) = union.get(&format!("/studios/{studio}")).await;
    assert_eq!(d["studio"]["name"], format!("王芳职工创新工作室{winner}"));
    assert_eq!(d["studio"]["address"], format!("技术中心{winner}楼"));
    assert_eq!(d["studio"]["version"], version + 1);

    // A draft proposal edited from two browsers: the page form tells the later one.
    let li = app.api_as("li.ming").await;
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let (s, d) = li
        .post(
            "/proposals",
            json!({ "title": "食堂增设自助取餐窗口", "problem": "午餐高峰排队时间长。",
                "proposed_change": "增设两个自助取餐窗口。", "expected_effect": "排队时间减半。",
                "category": "small_suggestion", "unit_id": kiln }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let proposal = d["proposal"]["id"].as_i64().unwrap();
    let version = d["version"].as_i64().unwrap().to_string();
    let mut browsers = Vec::new();
    for _ in 0..4 {
        browsers.push(Arc::new(app.sign_in_demo("li.ming").await));
    }
    let kiln = kiln.to_string();
    let answers = at_once(browsers.len(), |i| {
        let (browser, version, kiln) = (browsers[i].clone(), version.clone(), kiln.clone());
        async move {
            let title = format!("食堂增设自助取餐窗口（第{i}稿）");
            let r = browser
                .post_form(
                    &format!("/proposals/{proposal}"),
                    &[
                        ("title", title.as_str()),
                        ("problem", "午餐高峰排队时间长。"),
                        ("proposed_change", "增设两个自助取餐窗口。"),
                        ("expected_effect", "排队时间减半。"),
                        ("category", "small_suggestion"),
                        ("unit_id", kiln.as_str()),
                        ("version", version.as_str()),
                        ("intent", "draft"),
                    ],
                )
                .await;
            let status = r.status();
            (status, Value::String(r.text().await.unwrap()))
        }
    })
    .await;
    let saved: Vec<usize> = (0..answers.len())
        .filter(|i| answers[*i].0 == StatusCode::SEE_OTHER)
        .collect();
    assert_eq!(saved.len(), 1, "{answers:?}");
    for (s, page) in answers.iter().filter(|(s, _)| *s != StatusCode::SEE_OTHER) {
        // The form comes back with the message (a conflict re-renders the form).
        assert!(
            *s == StatusCode::CONFLICT || *s == StatusCode::UNPROCESSABLE_ENTITY,
            "{s}: {page}"
        );
        assert!(
            page.as_str().unwrap().contains("Reload the page")
                || page.as_str().unwrap().contains("刷新"),
            "the page says what happened: {page}"
        );
    }
    let (_, d) = li.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(
        d["proposal"]["title"],
        format!("食堂增设自助取餐窗口（第{}稿）", saved[0])
    );
}
on_both!(two_edits_of_one_record_never_lose_one_silently);
