//! Campaign holes of issue 14, each through the API and the pages on both databases: results
//! withheld until the first day of publicity (hole 4), many objections dismissed at once
//! (hole 7), a blind panel's expert does not find the records behind their declarations
//! (hole 9), and a conflict found after scoring voids the score and ends the expert's access
//! (hole 11).

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> Date {
    Date::of(ingot_domain::Timestamp::now(), CHINA_STANDARD_OFFSET_MS)
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

/// Percent-encodes a query value (the titles are Chinese).
fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

const PANEL: [&str; 3] = ["expert.li", "expert.wang", "expert.zhao"];
const TITLES: [&str; 3] = [
    "万吨级轻稀土碳酸盐连续化生产工艺研究及产业化",
    "分布式内存数据库技术研究",
    "年产2000吨低成本散热膜用氧化石墨烯前驱体",
];

/// A blind Inner Mongolia campaign in review: three declarations, three experts, two reviews
/// each, assigned.
struct Review {
    id: i64,
    /// (declaration id, record id, title)
    declarations: Vec<(i64, i64, &'static str)>,
    nm: ApiClient,
}

impl Review {
    async fn start(app: &TestApp, title: &str) -> Review {
        let nm = app.api_as("nm.admin").await;
        let body = json!({
            "org_id": app.org_id("CN-NM").await, "kind": "achievement_award", "title": title,
            "edition": 1, "year": 2024, "cadence": "annual", "rules": "近两年成果",
            "min_record_year": 2023, "max_record_year": 2024, "required_fields": ["summary"],
            "reviewers_per_declaration": 2, "min_load": 1, "max_load": 3, "score_scale": 10,
            "blind": true, "declaration_closes": "2024-03-31", "check_closes": "2024-04-15",
            "review_closes": "2024-05-31", "publicity_days": 7, "announce_on": "2024-06-30",
            "units": [{ "org_code": "CN-NM-BT", "quota": 1 }, { "org_code": "CN-NM-HH", "quota": 3 }, { "org_code": "CN-NM-QM", "quota": 1 }],
            "rubric": [{ "name": "创新性", "weight": 40 }, { "name": "效益", "weight": 35 }, { "name": "推广价值", "weight": 25 }],
            "first": "1", "second": "1", "third": "1"
        });
        let (s, c) = nm.post("/campaigns", body).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["campaign"]["id"].as_i64().unwrap();
        let mut declarations = Vec::new();
        for title in TITLES {
            let record = record_id(app, title).await;
            let (s, d) = nm
                .post(
                    &format!("/campaigns/{id}/declarations"),
                    json!({ "record_id": record }),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{d}");
            declarations.push((d["id"].as_i64().unwrap(), record, title));
        }
        let (s, b) = nm
            .post(&format!("/campaigns/{id}/advance"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        for (d, _, _) in &declarations {
            let (s, b) = nm
                .post(
                    &format!("/declarations/{d}/check"),
                    json!({ "decision": "accept" }),
                )
                .await;
            assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        }
        let (s, b) = nm
            .post(&format!("/campaigns/{id}/advance"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        for username in PANEL {
            let (s, b) = nm
                .post(
                    &format!("/campaigns/{id}/experts"),
                    json!({ "username": username, "fields": ["冶金", "信息技术", "材料"] }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{b}");
        }
        let (s, a) = nm
            .post(&format!("/campaigns/{id}/assignment"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        Review {
            id,
            declarations,
            nm,
        }
    }

    /// The declarations assigned to `username`, as the database holds them.
    async fn assigned_to(&self, app: &TestApp, username: &str) -> Vec<i64> {
        let user = app.user_id(username).await;
        let mut tx = app.db.read().await.unwrap();
        let rows: Vec<(i64,)> = tx
            .fetch_all(
                ingot_store::Sql::new(
                    "SELECT declaration_id FROM assignments WHERE campaign_id = $1 AND user_id = $2 ORDER BY declaration_id",
                )
                .bind(self.id)
                .bind(user),
            )
            .await
            .unwrap();
        rows.into_iter().map(|r| r.0).collect()
    }

    /// Every expert scores what they hold: expert.li 6, the others 8, one more for the first
    /// declaration so that the ranking is strict.
    async fn score_all(&self, app: &TestApp) {
        for (username, mark) in [("expert.li", 6), ("expert.wang", 8), ("expert.zhao", 8)] {
            let client = app.api_as(username).await;
            for d in self.assigned_to(app, username).await {
                let bump = i64::from(d == self.declarations[0].0);
                let (s, b) = client
                    .post(
                        &format!("/declarations/{d}/score"),
                        json!({ "marks": [mark + bump, mark, mark], "comment": "ok" }),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{b}");
            }
        }
    }

    async fn decide(&self, note: &str) {
        let (s, r) = self
            .nm
            .post(
                &format!("/campaigns/{}/decision", self.id),
                json!({ "note": note }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }

    async fn publicity_from(&self, start: Date) {
        let (s, p) = self
            .nm
            .post(
                &format!("/campaigns/{}/publicity", self.id),
                json!({ "start": start.to_string(), "days": 7 }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
    }
}

async fn record_id(app: &TestApp, title: &str) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let (id,): (i64,) = tx
        .fetch_one(
            ingot_store::Sql::new("SELECT id FROM achievements WHERE title = $1")
                .bind(title.to_string()),
        )
        .await
        .unwrap();
    id
}

async fn public_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    crate::support::json_of(
        reqwest::get(format!("{}/api/v1{path}", app.base))
            .await
            .unwrap(),
    )
    .await
}

/// Hole 4: neither the public API nor a declaring unit's administrator learns the decision,
/// its note or a tier before the first day of publicity; a start date in the future publishes
/// nothing until it comes.
async fn results_stay_hidden_until_publicity_begins(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let review = Review::start(&app, "2024年结果保密测试评选").await;
    let id = review.id;
    // The administrator of the unit that holds two of the declarations.
    let admin = app.api_as("admin").await;
    let (s, created) = admin
        .post(
            "/users",
            json!({ "org_id": app.org_id("CN-NM-HH").await, "username": "hh.union",
                "display_name": "呼和浩特工会", "role": "unit_admin" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let password = created["generated_password"].as_str().unwrap().to_string();
    let unit = app.api_as("hh.union").await;
    let (_, seen) = unit.get(&format!("/campaigns/{id}")).await;
    let own = seen["declarations"].as_array().unwrap().len();
    assert!(own >= 1, "the unit sees its own declarations: {seen}");

    review.score_all(&app).await;
    let note = "评审委员会审定：按校准得分确定等级";
    review.decide(note).await;
    let tiers_seen = |body: &Value| -> usize {
        body["declarations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !d["tier"].is_null())
            .count()
    };
    // Staff see the decision; nobody else does.
    let (_, staff) = review.nm.get(&format!("/campaigns/{id}")).await;
    assert_eq!(staff["campaign"]["decided"], true);
    assert_eq!(tiers_seen(&staff), 3);
    let check_hidden = async |label: &str| {
        let (s, public) = public_get(&app, &format!("/campaigns/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{label}: {public}");
        assert_eq!(public["campaign"]["decided"], false, "{label}");
        assert!(public["campaign"]["decision_note"].is_null(), "{label}");
        assert_eq!(
            public["declarations"].as_array().unwrap().len(),
            0,
            "{label}"
        );
        // The list of calls needs a signed-in caller: one of the unit's.
        let (_, list) = unit.get("/campaigns").await;
        let listed = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(listed["decided"], false, "{label}");
        assert!(listed["decision_note"].is_null(), "{label}");
        let (_, mine) = unit.get(&format!("/campaigns/{id}")).await;
        assert_eq!(
            mine["declarations"].as_array().unwrap().len(),
            own,
            "{label}"
        );
        assert_eq!(tiers_seen(&mine), 0, "{label}: {mine}");
        assert!(mine["campaign"]["decision_note"].is_null(), "{label}");
        let (s, _) = public_get(&app, &format!("/campaigns/{id}/publicity")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{label}");
    };
    check_hidden("decided, in review").await;
    // The page the unit's administrator sees says nothing of the decision either.
    let session = app.sign_in("hh.union", &password).await;
    let (s, html) = session.page(&format!("/campaigns/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !html.contains(note),
        "the decision note leaks to the unit's page"
    );
    let (s, _) = session.page(&format!("/campaigns/{id}/publicity")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Publicity scheduled three days ahead: still nothing public.
    review.publicity_from(today().plus_days(3)).await;
    check_hidden("publicity scheduled").await;
    let (s, html) = session.page(&format!("/campaigns/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains(note));

    // The first day comes: the list, its tiers and the note are public.
    app.execute(
        ingot_store::Sql::new("UPDATE campaigns SET publicity_start = $1 WHERE id = $2")
            .bind(today().to_string())
            .bind(id),
    )
    .await;
    let (s, list) = public_get(&app, &format!("/campaigns/{id}/publicity")).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["entries"].as_array().unwrap().len(), 3);
    let (_, mine) = unit.get(&format!("/campaigns/{id}")).await;
    assert!(tiers_seen(&mine) >= 1, "{mine}");
    let (_, public) = public_get(&app, &format!("/campaigns/{id}")).await;
    assert_eq!(public["campaign"]["decision_note"], note);
    let (s, html) = session.page(&format!("/campaigns/{id}/publicity")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(TITLES[0]));
}
on_both!(results_stay_hidden_until_publicity_begins);

/// Hole 7: objections are throttled per client address; staff dismiss many at once, all or
/// none, and then announce.
async fn staff_dismiss_many_objections_at_once(backend: Backend) {
    // Three objections an hour from one address, so that the fourth is refused.
    let Some(app) = TestApp::spawn_with(backend, |config| {
        config.throttle.objections_per_address = ingot_app::throttle::Limit {
            max: 3,
            window: std::time::Duration::from_secs(3600),
        };
    })
    .await
    else {
        return;
    };
    let review = Review::start(&app, "2024年异议处理测试评选").await;
    let id = review.id;
    review.score_all(&app).await;
    review.decide("按校准得分").await;
    review.publicity_from(today()).await;
    let public = reqwest::Client::new();
    let mut ids = Vec::new();
    for (i, (d, _, _)) in review.declarations.iter().enumerate() {
        let r = public
            .post(format!("{}/api/v1/campaigns/{id}/objections", app.base))
            .json(&json!({ "declaration_id": d, "name": format!("匿名{i}"), "contact": "13800000000", "text": "重复异议" }))
            .send()
            .await
            .unwrap();
        let (s, b) = crate::support::json_of(r).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        ids.push(b["id"].as_i64().unwrap());
    }
    let open = "SELECT COUNT(*) FROM objections WHERE status = 'open'";
    assert_eq!(app.count(open).await, 3);
    // The fourth from the same address, through the API and through the page, is refused
    // with a time to wait, and nothing is saved.
    let r = public
        .post(format!("{}/api/v1/campaigns/{id}/objections", app.base))
        .json(&json!({ "declaration_id": review.declarations[0].0, "name": "匿名", "contact": "13800000000", "text": "又一条" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let visitor = app.visitor().await;
    let d0 = review.declarations[0].0.to_string();
    let r = visitor
        .post_form(
            &format!("/campaigns/{id}/objections"),
            &[
                ("declaration_id", &d0),
                ("name", "匿名"),
                ("contact", "13800000000"),
                ("text", "又一条"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("SELECT COUNT(*) FROM objections").await, 3);
    let path = format!("/campaigns/{id}/objections/dismiss");
    // One unknown id: nothing is dismissed, and the error names it.
    let mut with_unknown = ids.clone();
    with_unknown.push(i64::MAX);
    let (s, b) = review
        .nm
        .post(
            &path,
            json!({ "ids": with_unknown, "outcome": "经核实，异议不成立。" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(codes(&b), vec!["unknown_objection"]);
    assert_eq!(app.count(open).await, 3);
    // No outcome: refused, naming the field.
    let (s, b) = review
        .nm
        .post(&path, json!({ "ids": ids, "outcome": " " }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["fields"][0]["field"], "outcome");
    // Another federation's administrator may not.
    let (s, _) = app
        .api_as("ln.admin")
        .await
        .post(&path, json!({ "ids": ids, "outcome": "x" }))
        .await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
        "{s}"
    );
    assert_eq!(app.count(open).await, 3);
    // Two through the page's form, the third through the API.
    let staff = app.sign_in_demo("nm.admin").await;
    let (s, html) = staff.page(&format!("/campaigns/{id}/publicity")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-testid=\"bulk-dismiss-form\""), "{html}");
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    let r = staff
        .post_form(
            &path,
            &[
                ("ids", &a),
                ("ids", &b),
                ("outcome", "经核实，异议不成立。"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(open).await, 1);
    // An id already decided is refused with the others.
    let (s, b) = review
        .nm
        .post(&path, json!({ "ids": [ids[0], ids[2]], "outcome": "x" }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(codes(&b), vec!["objection_decided"]);
    assert_eq!(app.count(open).await, 1);
    let (s, b) = review
        .nm
        .post(
            &path,
            json!({ "ids": [ids[2]], "outcome": "经核实，异议不成立。" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["dismissed"], 1);
    assert_eq!(app.count(open).await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM objections WHERE status = 'dismissed' AND outcome = '经核实，异议不成立。'")
            .await,
        3
    );
    // Nothing holds up the announcement now.
    app.execute(
        ingot_store::Sql::new("UPDATE campaigns SET publicity_start = $1 WHERE id = $2")
            .bind(today().plus_days(-8).to_string())
            .bind(id),
    )
    .await;
    let (s, b) = review
        .nm
        .post(
            &format!("/campaigns/{id}/announcement"),
            json!({ "notice_number": "内工发〔2024〕9号", "announced_on": today().to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}
on_both!(staff_dismiss_many_objections_at_once);

/// Hole 9: an expert whose grant covers the declaring units finds their records, until a
/// blind campaign assigns them; then neither the lists, the record's page nor search show them.
async fn a_blind_expert_does_not_find_the_records_under_review(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // expert.wang (Beijing) is made an expert of Inner Mongolia too.
    let admin = app.api_as("admin").await;
    let (s, g) = admin
        .post(
            &format!("/users/{}/grants", app.user_id("expert.wang").await),
            json!({ "role": "expert", "org_id": app.org_id("CN-NM").await }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    let wang = app.api_as("expert.wang").await;
    let finds = async |title: &str, record: i64| -> (bool, bool, bool) {
        let (s, list) = wang
            .get(&format!("/achievements?q={}&per_page=100", enc(title)))
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let listed = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == record);
        let (s, _) = wang.get(&format!("/achievements/{record}")).await;
        let readable = s == StatusCode::OK;
        let (s, hits) = wang.get(&format!("/search?q={}", enc(title))).await;
        assert_eq!(s, StatusCode::OK, "{hits}");
        let found = hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "achievement" && h["id"] == record);
        (listed, readable, found)
    };
    for title in TITLES {
        let record = record_id(&app, title).await;
        assert_eq!(
            finds(title, record).await,
            (true, true, true),
            "before the campaign, {title}"
        );
    }
    let review = Review::start(&app, "2024年盲评测试评选").await;
    let mine = review.assigned_to(&app, "expert.wang").await;
    assert!(
        !mine.is_empty(),
        "min_load 1 gives expert.wang a declaration"
    );
    for (d, record, title) in &review.declarations {
        let seen = finds(title, *record).await;
        if mine.contains(d) {
            assert_eq!(seen, (false, false, false), "assigned: {title}");
        } else {
            assert_eq!(seen, (true, true, true), "not assigned: {title}");
        }
    }
    // The page list and the record's page agree with the API.
    let session = app.sign_in_demo("expert.wang").await;
    let (_, record, title) = review
        .declarations
        .iter()
        .find(|(d, _, _)| mine.contains(d))
        .unwrap();
    let (s, html) = session
        .page(&format!("/achievements?q={}", enc(title)))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !html.contains(&format!("/achievements/{record}\"")),
        "the records page links {title}"
    );
    let (s, _) = session.page(&format!("/achievements/{record}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, html) = session.page(&format!("/search?q={}", enc(title))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !html.contains(&format!("/achievements/{record}\"")),
        "search links the record"
    );
}
on_both!(a_blind_expert_does_not_find_the_records_under_review);

/// Hole 11: a conflict recorded after the expert scored leaves the score out of the results,
/// which say so, and the expert loses the declaration.
async fn a_conflict_found_after_scoring_voids_the_score(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let review = Review::start(&app, "2024年利益冲突测试评选").await;
    let id = review.id;
    review.score_all(&app).await;
    let (s, before) = review.nm.get(&format!("/campaigns/{id}/results")).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let wang_id = app.user_id("expert.wang").await;
    let d = review.assigned_to(&app, "expert.wang").await[0];
    let row_of = |r: &Value| -> Value {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["declaration"]["id"] == d)
            .unwrap()
            .clone()
    };
    let row = row_of(&before);
    assert_eq!(row["missing"], 0);
    assert!(
        row["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["excluded"].is_null())
    );
    // The other reviewer's raw total, worked out from the stored sheet.
    let other: f64 = {
        let mut tx = app.db.read().await.unwrap();
        let (t,): (i64,) = tx
            .fetch_one(
                ingot_store::Sql::new(
                    "SELECT total_hundredths FROM score_sheets WHERE declaration_id = $1 AND user_id <> $2",
                )
                .bind(d)
                .bind(wang_id),
            )
            .await
            .unwrap();
        t as f64 / 100.0
    };
    // Staff learn that expert.wang advised on the project.
    let (s, b) = review
        .nm
        .post(
            &format!("/campaigns/{id}/conflicts"),
            json!({ "declaration_id": d, "username": "expert.wang", "reason": "曾为该项目提供咨询" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (_, after) = review.nm.get(&format!("/campaigns/{id}/results")).await;
    let row = row_of(&after);
    let sheets = row["sheets"].as_array().unwrap();
    let wang_sheet = sheets.iter().find(|s| s["expert_id"] == wang_id).unwrap();
    assert_eq!(wang_sheet["excluded"], "manual", "{row}");
    assert_eq!(row["missing"], 1, "a replacement reviewer is needed: {row}");
    assert!(
        (row["raw_mean"].as_f64().unwrap() - other).abs() < 1e-9,
        "{row}"
    );
    // The decision waits for the replacement.
    let (s, b) = review
        .nm
        .post(&format!("/campaigns/{id}/decision"), json!({ "note": "x" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"], "scores_missing");
    // The results page shows the struck-out score and why.
    let staff = app.sign_in_demo("nm.admin").await;
    let (s, html) = staff.page(&format!("/campaigns/{id}/results")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-testid=\"excluded-score\""), "{html}");
    assert!(html.contains("data-testid=\"excluded-note\""));
    // expert.wang no longer has the declaration, and cannot score it again.
    let wang = app.api_as("expert.wang").await;
    let (_, reviews) = wang.get(&format!("/campaigns/{id}/reviews")).await;
    assert!(
        reviews
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["declaration_id"] != d),
        "{reviews}"
    );
    let (s, b) = wang
        .post(
            &format!("/declarations/{d}/score"),
            json!({ "marks": [9, 9, 9] }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"], "expert_conflicted");
    let session = app.sign_in_demo("expert.wang").await;
    let (s, html) = session.page(&format!("/campaigns/{id}/review")).await;
    assert_eq!(s, StatusCode::OK);
    let title = review
        .declarations
        .iter()
        .find(|(x, _, _)| *x == d)
        .unwrap()
        .2;
    assert!(!html.contains(title), "the review page still shows {title}");
}
on_both!(a_conflict_found_after_scoring_voids_the_score);
