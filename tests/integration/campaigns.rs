//! Award campaigns through the API on both databases: the 2023 national exchange of the demo
//! (Inner Mongolia's entries at their tiers, 3/15/30/52 awards, its unit near the top of 34);
//! and a small campaign run from the call to the announcement, with each kind of bad input
//! refused with a clear error and nothing saved.

mod conflicts;
mod contact_person;
mod kinds;

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use reqwest::StatusCode;
use serde_json::{Value, json};

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

fn today() -> Date {
    Date::of(ingot_domain::Timestamp::now(), CHINA_STANDARD_OFFSET_MS)
}

async fn exchange_id(app: &TestApp) -> i64 {
    let admin = app.api_as("admin").await;
    let (s, list) = admin.get("/campaigns").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == ingot_app::demo::campaigns::EXCHANGE_TITLE)
        .expect("the 2023 exchange")["id"]
        .as_i64()
        .unwrap()
}

async fn the_2023_exchange(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let id = exchange_id(&app).await;
    // The public list, without credentials.
    let r = reqwest::get(format!("{}/api/v1/campaigns/{id}/publicity", app.base))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().await.unwrap();
    assert_eq!(list["campaign"]["stage"], "announced");
    assert_eq!(list["campaign"]["edition"], 7);
    assert_eq!(list["campaign"]["cadence"], "triennial");
    assert!(
        list["campaign"]["notice_number"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    let entries = list["entries"].as_array().unwrap();
    let count = |tier: &str| entries.iter().filter(|e| e["tier"] == tier).count();
    assert_eq!(
        (
            count("first"),
            count("second"),
            count("third"),
            count("excellent")
        ),
        (3, 15, 30, 52)
    );
    let tier_of = |title: &str| {
        entries
            .iter()
            .find(|e| e["title"] == title)
            .unwrap_or_else(|| panic!("{title} listed"))["tier"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        tier_of("万吨级轻稀土碳酸盐连续化生产工艺研究及产业化"),
        "first"
    );
    assert_eq!(tier_of("大直径开式齿轮高效电弧加工技术"), "third");
    assert_eq!(tier_of("煤电机组亚临界升级及增效改造"), "third");
    assert_eq!(tier_of("年产2000吨低成本散热膜用氧化石墨烯前驱体"), "third");
    assert_eq!(tier_of("分布式内存数据库技术研究"), "excellent");
    let first = entries
        .iter()
        .find(|e| e["tier"] == "first" && e["first_completer_name"] == "张文斌");
    assert!(
        first.is_some(),
        "Zhang Wenbin's team, attached from the record"
    );

    // 34 units ranked; Inner Mongolia among the top with four awards of third class or above.
    let r = reqwest::get(format!("{}/api/v1/campaigns/{id}/ranking", app.base))
        .await
        .unwrap();
    let ranking: Value = r.json().await.unwrap();
    let rows = ranking.as_array().unwrap();
    assert_eq!(rows.len(), 34);
    let nm_id = app.org_id("CN-NM").await;
    let nm = rows.iter().find(|r| r["org_id"] == nm_id).unwrap();
    assert_eq!(nm["prizes"], 4);
    assert_eq!(nm["first"], 1);
    assert_eq!(nm["excellent"], 1);
    assert!(nm["rank"].as_i64().unwrap() <= 3, "{nm}");
    let points: i64 = rows.iter().map(|r| r["points"].as_i64().unwrap()).sum();
    assert_eq!(points, 3 * 10 + 15 * 6 + 30 * 3 + 52);

    // Raw and calibrated scores side by side; harsh and lenient reviewers found.
    let admin = app.api_as("admin").await;
    let (s, results) = admin.get(&format!("/campaigns/{id}/results")).await;
    assert_eq!(s, StatusCode::OK, "{results}");
    assert!(
        results["method"]
            .as_str()
            .unwrap()
            .contains("least-squares")
    );
    let offsets: Vec<f64> = results["offsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["offset"].as_f64().unwrap())
        .collect();
    assert_eq!(offsets.len(), 13);
    assert!(offsets.iter().sum::<f64>().abs() < 1e-6);
    assert!(offsets.iter().any(|o| *o > 1.0) && offsets.iter().any(|o| *o < -1.0));
    let row = &results["rows"][0];
    assert_eq!(row["rank"], 1);
    assert_eq!(row["sheets"].as_array().unwrap().len(), 3);
    // Each sheet's calibrated score is its raw score less its reviewer's offset.
    for sheet in row["sheets"].as_array().unwrap() {
        let off = results["offsets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["expert_id"] == sheet["expert_id"])
            .unwrap()["offset"]
            .as_f64()
            .unwrap();
        let (raw, cal) = (
            sheet["raw"].as_f64().unwrap(),
            sheet["calibrated"].as_f64().unwrap(),
        );
        assert!((raw - off - cal).abs() < 1e-6);
    }
    // Scores are not public.
    let (s, _) = app
        .api_as("nm.admin")
        .await
        .get(&format!("/campaigns/{id}/results"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The assignment respects k and the loads, and no expert reviews an entry they have a
    // conflict with, as worked out here from the database's rows.
    let (_, a) = admin.get(&format!("/campaigns/{id}/assignment")).await;
    let pairs = a["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 110 * 3);
    let conflicts = conflicts::Conflicts::of(&app, id).await;
    assert!(
        conflicts.pairs > 0,
        "the exchange has conflicted pairs for the assignment to avoid"
    );
    for p in pairs {
        let (declaration, expert) = (
            p["declaration_id"].as_i64().unwrap(),
            p["expert_id"].as_i64().unwrap(),
        );
        assert_eq!(
            conflicts.between(expert, declaration),
            None,
            "expert {expert} assigned declaration {declaration}"
        );
    }
    // The experts page lists the same conflicts.
    let (_, panel) = admin.get(&format!("/campaigns/{id}/experts")).await;
    let listed = panel["pairs"].as_array().unwrap();
    for info in listed {
        let (declaration, expert) = (
            info["declaration_id"].as_i64().unwrap(),
            info["expert_id"].as_i64().unwrap(),
        );
        assert_eq!(
            conflicts.between(expert, declaration).is_some(),
            !info["conflicts"].as_array().unwrap().is_empty(),
            "{info}: {:?}",
            conflicts.between(expert, declaration)
        );
    }
    assert_eq!(
        listed
            .iter()
            .filter(|i| !i["conflicts"].as_array().unwrap().is_empty())
            .count(),
        conflicts.pairs
    );
    for e in panel["experts"].as_array().unwrap() {
        let load = pairs
            .iter()
            .filter(|p| p["expert_id"] == e["user_id"])
            .count();
        assert!((20..=30).contains(&load), "{} has {load}", e["username"]);
    }
}
on_both!(the_2023_exchange);

async fn a_small_campaign_from_call_to_announcement(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let nm = app.api_as("nm.admin").await;
    let nm_id = app.org_id("CN-NM").await;
    let base = json!({
        "org_id": nm_id, "kind": "achievement_award", "title": "2024年自治区职工技术创新成果评选",
        "edition": 1, "year": 2024, "cadence": "annual", "rules": "近两年成果",
        "min_record_year": 2023, "max_record_year": 2024, "required_fields": ["summary"],
        "reviewers_per_declaration": 2, "min_load": 0, "max_load": 3, "score_scale": 10,
        "blind": true, "declaration_closes": "2024-03-31", "check_closes": "2024-04-15",
        "review_closes": "2024-05-31", "publicity_days": 7, "announce_on": "2024-06-30",
        "units": [{ "org_code": "CN-NM-BT", "quota": 1 }, { "org_code": "CN-NM-HH", "quota": 3 }, { "org_code": "CN-NM-QM", "quota": 1 }],
        "rubric": [{ "name": "创新性", "weight": 40 }, { "name": "效益", "weight": 35 }, { "name": "推广价值", "weight": 25 }],
        "first": "1", "second": "1", "third": "1"
    });
    // A rubric that does not add up to 100 and an unknown unit: nothing is created.
    let mut bad = base.clone();
    bad["rubric"] = json!([{ "name": "创新性", "weight": 40 }, { "name": "效益", "weight": 40 }]);
    bad["units"] = json!([{ "org_code": "CN-NOWHERE", "quota": 2 }]);
    let (s, body) = nm.post("/campaigns", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(codes(&body).contains(&"rubric_weights_not_100".to_string()));
    assert!(codes(&body).contains(&"unknown_org_code".to_string()));
    // Numbers are JSON numbers, units and the rubric are lists, and a misspelt field is refused
    // by name rather than dropped.
    for (field, value, code) in [
        ("edition", json!("1"), "wrong_type"),
        ("units", json!("CN-NM-BT: 1"), "wrong_type"),
        ("tittle", json!("x"), "unknown_field"),
    ] {
        let mut bad = base.clone();
        bad[field] = value;
        let (s, body) = nm.post("/campaigns", bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let first = &body["fields"][0];
        assert_eq!(
            (first["field"].as_str(), first["code"].as_str()),
            (Some(field), Some(code)),
            "{body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM campaigns").await, 1);
    // Only the federation's administrators issue calls.
    let (s, _) = app
        .api_as("nre.union")
        .await
        .post("/campaigns", base.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The national round this one forwards its winners to, one place for Inner Mongolia.
    let admin = app.api_as("admin").await;
    let mut national = base.clone();
    national["org_id"] = json!(app.org_id("CN").await);
    national["title"] = json!("2024年全国职工技术创新成果评选");
    national["units"] =
        json!([{ "org_code": "CN-NM", "quota": 1 }, { "org_code": "CN-LN", "quota": 1 }]);
    let (s, parent) = admin.post("/campaigns", national).await;
    assert_eq!(s, StatusCode::CREATED, "{parent}");
    let parent = parent["campaign"]["id"].as_i64().unwrap();
    let mut base = base;
    base["parent_id"] = json!(parent);
    let (s, c) = nm.post("/campaigns", base).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["campaign"]["id"].as_i64().unwrap();
    assert_eq!(c["campaign"]["stage"], "declaration");

    let record = |title: &'static str| {
        let db = app.db.clone();
        async move {
            let mut tx = db.read().await.unwrap();
            let (id,): (i64,) = tx
                .fetch_one(
                    ingot_store::Sql::new("SELECT id FROM achievements WHERE title = $1")
                        .bind(title),
                )
                .await
                .unwrap();
            id
        }
    };
    let zhang = record("万吨级轻稀土碳酸盐连续化生产工艺研究及产业化").await;
    let gears = record("大直径开式齿轮高效电弧加工技术").await;
    let coal = record("煤电机组亚临界升级及增效改造").await;
    let database = record("分布式内存数据库技术研究").await;
    let graphene = record("年产2000吨低成本散热膜用氧化石墨烯前驱体").await;
    let declare = |record: i64| {
        let nm = &nm;
        async move {
            nm.post(
                &format!("/campaigns/{id}/declarations"),
                json!({ "record_id": record }),
            )
            .await
        }
    };
    let (s, d_zhang) = declare(zhang).await;
    assert_eq!(s, StatusCode::CREATED, "{d_zhang}");
    // Beyond the unit's quota (Baotou has one place).
    let (s, body) = declare(gears).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&body), vec!["quota_exceeded"]);
    assert!(body["fields"][0]["message"].as_str().unwrap().contains('1'));
    // The same record twice.
    let (s, body) = declare(zhang).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // An ineligible first completer: the Tuoketuo record's first completer now works elsewhere.
    let zhang_user = app.user_id("zhangwenbin").await;
    app.execute(
        ingot_store::Sql::new(
            "INSERT INTO achievement_completers (achievement_id, rank, user_id) VALUES ($1, 1, $2)",
        )
        .bind(coal)
        .bind(zhang_user),
    )
    .await;
    let (s, body) = declare(coal).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        codes(&body).contains(&"first_completer_not_in_unit".to_string()),
        "{body}"
    );
    assert!(
        codes(&body).contains(&"first_completer_already_declared".to_string()),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM declarations").await,
        110 + 1
    );
    let (_, d_db) = declare(database).await;
    let (_, d_gr) = declare(graphene).await;
    let (d_zhang, d_db, d_gr) = (
        d_zhang["id"].as_i64().unwrap(),
        d_db["id"].as_i64().unwrap(),
        d_gr["id"].as_i64().unwrap(),
    );

    // Formal check: one returned with reasons, corrected, accepted.
    let (s, _) = nm
        .post(&format!("/campaigns/{id}/advance"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = nm
        .post(
            &format!("/declarations/{d_gr}/check"),
            json!({ "decision": "return" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&body).contains(&"required".to_string()));
    let by = today().plus_days(5).to_string();
    let (s, _) = nm
        .post(
            &format!("/declarations/{d_gr}/check"),
            json!({ "decision": "return", "reasons": "缺少应用证明", "correct_by": by }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, body) = nm
        .post(&format!("/campaigns/{id}/advance"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "declarations_unchecked");
    let (s, _) = nm
        .post(&format!("/declarations/{d_gr}/resubmit"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    for d in [d_zhang, d_db, d_gr] {
        let (s, b) = nm
            .post(
                &format!("/declarations/{d}/check"),
                json!({ "decision": "accept" }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    }
    let (s, _) = nm
        .post(&format!("/campaigns/{id}/advance"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);

    // The panel: the national federation's experts; an expert of the pool declares a conflict.
    for (username, fields) in [
        ("expert.li", json!(["冶金", "稀土冶炼"])),
        // One entry may list several, as the page's one input sends them.
        ("expert.wang", json!(["稀土冶炼,材料"])),
    ] {
        let (s, b) = nm
            .post(
                &format!("/campaigns/{id}/experts"),
                json!({ "username": username, "fields": fields }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (s, b) = nm
        .post(
            &format!("/campaigns/{id}/experts"),
            json!({ "username": "li.ming", "fields": ["x"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&b), vec!["not_an_expert"]);
    let wang = app.api_as("expert.wang").await;
    let (s, _) = wang
        .post(
            &format!("/campaigns/{id}/conflicts"),
            json!({ "declaration_id": d_zhang, "reason": "曾参与该项目咨询" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Infeasible: Zhang's declaration needs two reviewers but only one may review it.
    let (s, body) = nm
        .post(&format!("/campaigns/{id}/assignment"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(codes(&body), vec!["too_few_reviewers"]);
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("万吨级轻稀土"),
        "{body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 330);
    let (s, _) = nm
        .post(
            &format!("/campaigns/{id}/experts"),
            json!({ "username": "expert.zhao", "fields": ["信息技术", "数据库"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, a) = nm
        .post(&format!("/campaigns/{id}/assignment"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let mut pairs = a["pairs"].as_array().unwrap().clone();
    assert_eq!(pairs.len(), 6);
    let wang_id = app.user_id("expert.wang").await;
    let zhao_id = app.user_id("expert.zhao").await;
    let li_id = app.user_id("expert.li").await;
    assert!(
        !pairs
            .iter()
            .any(|p| p["declaration_id"] == d_zhang && p["expert_id"] == wang_id)
    );
    // The optimum gives the database declaration to the information-technology expert.
    assert!(
        pairs
            .iter()
            .any(|p| p["declaration_id"] == d_db && p["expert_id"] == zhao_id)
    );

    // With a minimum load of 0, one of the equally good optima may leave expert.wang without
    // a declaration: staff then give him one by a manual swap, so the checks below have
    // something of his to refuse.
    if !pairs.iter().any(|p| p["expert_id"] == wang_id) {
        let taken = pairs
            .iter()
            .find(|p| p["declaration_id"] != d_zhang)
            .unwrap()
            .clone();
        let holder = if taken["expert_id"] == li_id {
            "expert.li"
        } else {
            "expert.zhao"
        };
        let (s, a) = nm
            .post(
                &format!("/campaigns/{id}/assignment/override"),
                json!({ "declaration_id": taken["declaration_id"], "remove": holder, "add": "expert.wang" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        pairs = a["pairs"].as_array().unwrap().clone();
    }
    // Scoring: not assigned, conflicted, outside the scale — all refused, nothing saved.
    let (s, b) = wang
        .post(
            &format!("/declarations/{d_zhang}/score"),
            json!({ "marks": [8, 8, 8] }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(b["error"], "not_assigned");
    let on = |e: i64| -> Vec<i64> {
        pairs
            .iter()
            .filter(|p| p["expert_id"] == e)
            .map(|p| p["declaration_id"].as_i64().unwrap())
            .collect()
    };
    let wang_first = on(wang_id)[0];
    let (s, b) = wang
        .post(
            &format!("/declarations/{wang_first}/score"),
            json!({ "marks": [11, 8, 8] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&b), vec!["score_outside_scale"]);
    let (s, _) = wang
        .post(
            &format!("/campaigns/{id}/conflicts"),
            json!({ "declaration_id": wang_first, "reason": "同一课题组" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = wang
        .post(
            &format!("/declarations/{wang_first}/score"),
            json!({ "marks": [8, 8, 8] }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(b["error"], "expert_conflicted");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM score_sheets WHERE campaign_id > 1")
            .await,
        0
    );
    // A manual override must respect the rules: adding a conflicted expert is refused ...
    let (s, b) = nm
        .post(
            &format!("/campaigns/{id}/assignment/override"),
            json!({ "declaration_id": d_zhang, "remove": "expert.li", "add": "expert.wang" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // ... swapping the now conflicted expert for a free one is accepted.
    let free = if on(li_id).contains(&wang_first) {
        "expert.zhao"
    } else {
        "expert.li"
    };
    let (s, a) = nm
        .post(
            &format!("/campaigns/{id}/assignment/override"),
            json!({ "declaration_id": wang_first, "remove": "expert.wang", "add": free }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let pairs = a["pairs"].as_array().unwrap().clone();
    // Everyone scores what they hold now: expert.li harsh, the others lenient.
    for (username, marks) in [("expert.li", 6), ("expert.wang", 9), ("expert.zhao", 9)] {
        let client = app.api_as(username).await;
        let me = app.user_id(username).await;
        let (_, mine) = client.get(&format!("/campaigns/{id}/reviews")).await;
        let mine = mine.as_array().unwrap();
        assert_eq!(
            mine.len(),
            pairs.iter().filter(|p| p["expert_id"] == me).count()
        );
        // Blind: the expert does not see the unit.
        assert!(mine.iter().all(|m| m["unit_name"].is_null()));
        for m in mine {
            let d = m["declaration_id"].as_i64().unwrap();
            let bump = i64::from(d == d_db);
            let (s, b) = client
                .post(
                    &format!("/declarations/{d}/score"),
                    json!({ "marks": [marks + bump, marks, marks], "comment": "ok" }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{b}");
        }
    }
    let (s, r) = nm.get(&format!("/campaigns/{id}/results")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["missing"] == 0)
    );
    assert_eq!(r["rows"][0]["declaration"]["id"], d_db);
    // Too many first prizes for the quota.
    let (s, b) = nm
        .post(
            &format!("/campaigns/{id}/decision"),
            json!({ "tiers": [{ "declaration_id": d_zhang, "tier": "first" }, { "declaration_id": d_db, "tier": "first" }] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&b), vec!["tier_over_quota"]);
    let (s, r) = nm
        .post(
            &format!("/campaigns/{id}/decision"),
            json!({ "note": "按校准得分" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["decided"].as_bool().unwrap());

    // Publicity: anyone objects while it runs; not after it.
    let (s, p) = nm
        .post(
            &format!("/campaigns/{id}/publicity"),
            json!({ "start": today().to_string(), "days": 7 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p["open"].as_bool().unwrap());
    let public = reqwest::Client::new();
    let object = |body: Value| {
        let public = public.clone();
        let url = format!("{}/api/v1/campaigns/{id}/objections", app.base);
        async move {
            let r = public.post(url).json(&body).send().await.unwrap();
            crate::support::json_of(r).await
        }
    };
    let (s, b) = object(
        json!({ "declaration_id": d_zhang, "name": "王某", "contact": "", "text": "数据有误" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&b), vec!["required"]);
    let (s, b) = object(json!({ "declaration_id": d_zhang, "name": "王某", "contact": "13800000000", "text": "数据有误" })).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let objection = b["id"].as_i64().unwrap();
    // The announcement waits for the outcome of every objection.
    let (s, b) = nm
        .post(&format!("/campaigns/{id}/announcement"), json!({ "notice_number": "内工发〔2024〕1号", "announced_on": today().plus_days(7).to_string() }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"], "objections_open");
    let (s, _) = nm
        .post(
            &format!("/objections/{objection}/outcome"),
            json!({ "status": "dismissed", "outcome": "经核实，数据无误。" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // An upheld objection withdraws the award: the graphene declaration leaves the winners,
    // and the outcome stands (it cannot be decided again).
    let (_, c) = nm.get(&format!("/campaigns/{id}")).await;
    let tier_of = |c: &Value, d: i64| {
        c["declarations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == d)
            .map(|x| x["tier"].clone())
            .unwrap_or_else(|| panic!("{d} in {c}"))
    };
    assert!(tier_of(&c, d_gr).is_string(), "a winner before: {c}");
    let (s, b) = object(json!({ "declaration_id": d_gr, "name": "赵某", "contact": "zhao@example.com", "text": "该成果已在往年获奖" })).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let upheld = b["id"].as_i64().unwrap();
    let outcome = format!("/objections/{upheld}/outcome");
    let (s, _) = nm
        .post(
            &outcome,
            json!({ "status": "upheld", "outcome": "经查属实，取消其奖励。" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = nm
        .post(
            &outcome,
            json!({ "status": "dismissed", "outcome": "改判" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"], "objection_decided");
    let (_, c) = nm.get(&format!("/campaigns/{id}")).await;
    assert!(tier_of(&c, d_gr).is_null(), "withdrawn: {c}");
    assert!(tier_of(&c, d_db).is_string(), "the others keep theirs: {c}");
    // The period ends: a late objection is refused and nothing is saved.
    app.execute(
        ingot_store::Sql::new("UPDATE campaigns SET publicity_start = $1 WHERE id = $2")
            .bind(today().plus_days(-8).to_string())
            .bind(id),
    )
    .await;
    let (s, b) = object(json!({ "declaration_id": d_zhang, "name": "李某", "contact": "li@example.com", "text": "迟到的异议" })).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(b["error"], "publicity_closed");
    assert_eq!(app.count("SELECT COUNT(*) FROM objections").await, 2);
    let (s, b) = nm
        .post(
            &format!("/campaigns/{id}/announcement"),
            json!({ "notice_number": "内工发〔2024〕1号", "announced_on": today().to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["campaign"]["stage"], "announced");
    let entries = b["entries"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        2,
        "the withdrawn award is not announced: {b}"
    );
    assert!(entries.iter().all(|e| e["id"] != d_gr), "{b}");
    let r = reqwest::get(format!("{}/api/v1/campaigns/{id}/ranking", app.base))
        .await
        .unwrap();
    let ranking: Value = r.json().await.unwrap();
    let prizes: i64 = ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row["first"].as_i64().unwrap()
                + row["second"].as_i64().unwrap()
                + row["third"].as_i64().unwrap()
                + row["excellent"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(
        prizes, 2,
        "the ranking counts the two awards that stand: {ranking}"
    );
    let hh = app.org_id("CN-NM-HH").await;
    assert_eq!(ranking[0]["org_id"], hh, "{ranking}");

    // Forwarding the winners up, from the campaign's page (a button by each of the two
    // winners): within Inner Mongolia's one place in the national round.
    let page = app.sign_in_demo("nm.admin").await;
    let (_, html) = page.page(&format!("/campaigns/{id}")).await;
    assert_eq!(html.matches("data-testid=\"forward\"").count(), 2);
    let sent = page
        .post_form(&format!("/declarations/{d_db}/forward"), &[])
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (s, b) = nm
        .post(&format!("/declarations/{d_zhang}/forward"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(codes(&b), vec!["quota_exceeded"]);
    let (_, p) = admin.get(&format!("/campaigns/{parent}")).await;
    let forwarded = &p["declarations"][0];
    assert_eq!(forwarded["forwarded_from"], d_db);
    assert_eq!(forwarded["participant_id"], nm_id);
    assert_eq!(forwarded["title"], "分布式内存数据库技术研究");
    // Only the lower federation forwards its winners; to anyone else the declaration does not
    // exist, and nothing is forwarded.
    let forwarded_before = app
        .count("SELECT COUNT(*) FROM declarations WHERE forwarded_from IS NOT NULL")
        .await;
    let (s, body) = app
        .api_as("nre.union")
        .await
        .post(&format!("/declarations/{d_gr}/forward"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM declarations WHERE forwarded_from IS NOT NULL")
            .await,
        forwarded_before
    );
}
on_both!(a_small_campaign_from_call_to_announcement);
