//! Innovation studios end to end on both databases: the Zhao Pengda studio of the demo as in
//! the domain notes; a studio taken from founding through municipal and provincial naming with
//! on-site reviews, funding, a failed assessment and revocation; every rule's refusal (in the
//! caller's language, nothing saved); the public page and the forms.

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ZHAO: &str = "赵鹏达劳模创新工作室";

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

async fn zhao_pengda_studio_is_in_the_demo(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The command line's demo adds generated studios to the facts the harness loads.
    let report = ingot_app::demo::load_with_samples(&app.db, false)
        .await
        .unwrap();
    assert!(report.studios_created >= 30);
    let admin = app.api_as("admin").await;
    let id = zhao_id(&app).await;
    let (status, d) = admin.get(&format!("/studios/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["founded_on"].as_str().unwrap()[..7], *"2017-10");
    assert_eq!(d["studio"]["kind"], "model_worker");
    assert_eq!(d["studio"]["lead_name"], "赵鹏达");
    assert_eq!(d["studio"]["level"], "provincial");
    let current = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["left_on"].is_null())
        .count();
    assert_eq!(current, 7);
    assert_eq!(
        d["fields"],
        json!(["metallurgy", "refractories", "resources_environment"])
    );
    assert_eq!(d["lead_honours"][0]["title"], "全国五一劳动奖章");
    assert_eq!(d["lead_honours"][0]["level"], "national");
    let namings = d["namings"].as_array().unwrap();
    assert_eq!(namings.len(), 2);
    assert_eq!(namings[0]["level"], "municipal");
    assert_eq!(namings[0]["org_name"], "锦州市总工会");
    assert_eq!(namings[0]["named_on"], "2021-12-07");
    assert_eq!(namings[1]["level"], "provincial");
    assert_eq!(namings[1]["org_name"], "辽宁省总工会");
    assert!(
        namings[1]["named_on"]
            .as_str()
            .unwrap()
            .starts_with("2022-")
    );
    assert!(namings[1]["application_id"].is_i64());
    assert!(d["funding"][0]["granted_cents"].as_i64().unwrap() > 0);
    let t = &d["totals"];
    assert_eq!(
        (
            t["achievements"].as_i64(),
            t["transformations"].as_i64(),
            t["invention_patents"].as_i64(),
            t["utility_model_patents"].as_i64(),
            t["patents_applied"].as_i64()
        ),
        (Some(4), Some(4), Some(1), Some(3), Some(4))
    );
    // The provincial naming followed an on-site review.
    let app_id = namings[1]["application_id"].as_i64().unwrap();
    let (status, a) = admin.get(&format!("/naming-applications/{app_id}")).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["application"]["status"], "approved");
    assert!(a["review"]["score"].as_i64().unwrap() > 0);
    assert_eq!(a["snapshot"]["member_count"], 7);
    // A few dozen generated studios across every level, and the statistics count them.
    let (_, list) = admin.get("/studios?per_page=100").await;
    assert!(list["total"].as_i64().unwrap() >= 30, "{}", list["total"]);
    let (_, national) = admin.get("/studios?level=national").await;
    assert!(national["total"].as_i64().unwrap() >= 1);
    let (_, stats) = admin.get("/studios/stats").await;
    let levels: Vec<&str> = stats["by_level"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["level"].as_str())
        .collect();
    for l in ["enterprise", "municipal", "provincial", "national"] {
        assert!(levels.contains(&l), "{stats}");
    }
    // A city federation counts only its own city's studios.
    let jz = app.api_as("jz.admin").await;
    let (_, jz_stats) = jz.get("/studios/stats").await;
    let total = |s: &Value| -> i64 {
        s["by_level"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["studios"].as_i64().unwrap())
            .sum()
    };
    assert!(total(&jz_stats) < total(&stats));
    assert!(total(&jz_stats) >= 1);
    // Each federation's studios by level: Liaoning holds Jinzhou's, and the Zhao Pengda studio
    // is provincial.
    let row = |s: &Value, name: &str| -> Value {
        s["by_federation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing: {s}"))
    };
    let liaoning = row(&stats, "辽宁省总工会");
    let jinzhou = row(&jz_stats, "锦州市总工会");
    assert!(liaoning["provincial"].as_i64().unwrap() >= 1);
    assert!(jinzhou["provincial"].as_i64().unwrap() >= 1);
    let sum = |f: &Value| -> i64 {
        [
            "enterprise",
            "municipal",
            "provincial",
            "national",
            "not_named",
        ]
        .iter()
        .map(|k| f[k].as_i64().unwrap())
        .sum()
    };
    assert!(sum(&liaoning) >= sum(&jinzhou));
    assert_eq!(sum(&jinzhou), total(&jz_stats));
    assert!(
        jz_stats["by_federation"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "辽宁省总工会"),
        "a city sees only its own subtree"
    );
    // The company's studios form an alliance led by the Zhao Pengda studio, which also mentors one.
    let (_, d) = admin.get(&format!("/studios/{id}")).await;
    let kinds: Vec<&str> = d["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{}", d["alliances"]);
    assert!(kinds.contains(&"alliance") && kinds.contains(&"pairing"));
    let alliance = d["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "alliance")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, a) = admin.get(&format!("/alliances/{alliance}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["lead_studio_id"], id);
    assert!(a["studios"].as_array().unwrap().len() >= 2);
    let (status, html) = app
        .visitor()
        .await
        .page(&format!("/studios/alliances/{alliance}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(ZHAO));
    // A pair is two studios; an alliance only of studios in the federation's area.
    let jz = app.api_as("jz.admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let members: Vec<i64> = a["studios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["studio_id"].as_i64().unwrap())
        .collect();
    let (status, e) = jz
        .post(
            "/alliances",
            json!({ "org_id": jinzhou, "kind": "pairing", "name": "三方结对", "lead_studio_id": id,
                "studio_ids": members, "founded_on": "2024-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"pairing_needs_two".to_string()), "{e}");
    let (_, baotou) = admin
        .get(&format!(
            "/studios?unit={}&per_page=1",
            app.org_id("CN-NM-BT-NRE").await
        ))
        .await;
    let outsider = baotou["items"][0]["id"].as_i64().unwrap();
    let (status, e) = jz
        .post(
            "/alliances",
            json!({ "org_id": jinzhou, "kind": "alliance", "name": "跨省联盟", "lead_studio_id": id,
                "studio_ids": [outsider], "founded_on": "2024-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        codes(&e).contains(&"studio_outside_call".to_string()),
        "{e}"
    );

    // The public page, without signing in, shows the whole history.
    let visitor = app.visitor().await;
    let (status, html) = visitor.page(&format!("/studios/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "锦工发〔2021〕28号",
        "2021-12-07",
        "辽宁省总工会",
        "全国五一劳动奖章",
    ] {
        assert!(html.contains(text), "public page lacks {text}");
    }
    assert!(!html.contains("申报说明"), "no forms for the public");
}
on_both!(zhao_pengda_studio_is_in_the_demo);

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

async fn a_studio_is_named_twice_assessed_and_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    let jz = app.api_as("jz.admin").await;
    let ln = app.api_as("ln.admin").await;
    let expert = app.api_as("expert.li").await;
    let id = create_studio(&app, &union, "王芳职工创新工作室", "wang.fang").await;
    let (status, _) = union
        .post(
            &format!("/studios/{id}/honours"),
            json!({ "title": "锦州市劳动模范", "awarded_by": "锦州市人民政府", "level": "municipal", "year": "2019" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = union
        .post(
            &format!("/studios/{id}/members"),
            json!({ "username": "chen.jing", "joined_on": "2020-03-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, d) = union
        .post(
            &format!("/studios/{id}/outputs"),
            json!({ "kind": "patent", "title": "一种窑车密封结构", "on_date": "2023-06-01", "count": "1",
                "patent_type": "utility_model", "patent_stage": "granted" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["totals"]["patents_granted"], 1);

    // Its particulars change, once: a stale version is refused.
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    let version = d["studio"]["version"].as_i64();
    let body = json!({ "kind": "model_worker", "name": "王芳劳模创新工作室", "founded_on": "2020-03-01",
        "address": "技术中心三楼", "fields": ["refractories", "materials"], "version": version });
    let (status, d) = union
        .send(
            reqwest::Method::PATCH,
            &format!("/studios/{id}"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["name"], "王芳劳模创新工作室");
    assert_eq!(d["fields"], json!(["materials", "refractories"]));
    let (status, e) = union
        .send(reqwest::Method::PATCH, &format!("/studios/{id}"), body)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"], "studio_changed");

    // Provincial before municipal: out of order, explained, nothing saved.
    let provincial = call(&app, &ln, "CN-LN", "省级劳模创新工作室命名").await;
    let before = app.count("SELECT COUNT(*) FROM naming_applications").await;
    let (status, e) = union
        .post(
            &format!("/naming-calls/{provincial}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        codes(&e).contains(&"naming_out_of_order".to_string()),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("Municipal"), "{e}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM naming_applications").await,
        before
    );

    // Municipal: apply, review on site, approve with a notice.
    let municipal = call(&app, &jz, "CN-LN-JZ", "市级劳模创新工作室命名").await;
    let (status, a) = union
        .post(
            &format!("/naming-calls/{municipal}/applications"),
            json!({ "studio_id": id, "statement": "申报" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["snapshot"]["member_count"], 2);
    let app_id = a["application"]["id"].as_i64().unwrap();
    // Approving before the on-site review is refused.
    let (status, e) = jz
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "锦工发〔2024〕9号", "notice_date": "2024-06-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"], "site_review_required");
    // The signature must be the reviewer's own name.
    let (status, e) = expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("别人"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"signature_mismatch".to_string()), "{e}");
    let (status, r) = expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("李专家"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["application"]["status"], "reviewed");
    assert_eq!(r["review"]["signature"], "李专家");
    let (status, n) = jz
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "锦工发〔2024〕9号", "notice_date": "2024-06-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{n}");
    assert_eq!(n["naming"]["notice_number"], "锦工发〔2024〕9号");

    // Provincial now, with special funding.
    let (status, a) = union
        .post(
            &format!("/naming-calls/{provincial}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let app_id = a["application"]["id"].as_i64().unwrap();
    let (status, _) = expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("李专家"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = ln
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "辽工发〔2024〕3号", "notice_date": "2024-09-01", "funding": "50000" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    assert_eq!(d["studio"]["level"], "provincial");
    let funding = d["funding"][0]["id"].as_i64().unwrap();
    assert_eq!(d["funding"][0]["granted_cents"], 5_000_000);

    // Spending beyond the grant is refused; within it, recorded.
    let entries = app.count("SELECT COUNT(*) FROM funding_entries").await;
    let (status, e) = union
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "spending", "category": "equipment", "amount": "60000", "on_date": "2024-10-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        codes(&e).contains(&"spending_exceeds_grant".to_string()),
        "{e}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM funding_entries").await,
        entries
    );
    let (status, _) = ln
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "payment", "amount": "50000", "on_date": "2024-09-15" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, d) = union
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "spending", "category": "equipment", "amount": "20000", "on_date": "2024-10-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["funding"][0]["spent_cents"], 2_000_000);
    assert_eq!(
        d["funding"][0]["spent_by_category"],
        json!({ "equipment": 2_000_000 })
    );
    assert_eq!(d["funding"][0]["paid_cents"], 5_000_000);
    // The studio may not pay itself.
    let (status, _) = union
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "payment", "amount": "1", "on_date": "2024-10-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The province assesses: a fail takes the provincial title away, the municipal one stands.
    let (status, r) = ln
        .post(
            &format!("/studios/{id}/assessments"),
            json!({ "period": "2025", "assessed_on": "2025-12-01",
                "scores": { "achievements": 40, "proposals": 50, "patents": 30, "people_trained": 40, "conditions": 50 } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["result"], "fail");
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    assert_eq!(d["studio"]["level"], "municipal");
    assert_eq!(d["namings"][1]["status"], "lost");
    // The lost title cannot be assessed again.
    let lost = d["namings"][1]["id"].as_i64().unwrap();
    let (status, e) = ln
        .post(
            &format!("/studios/{id}/assessments"),
            json!({ "naming_id": lost, "period": "2026", "assessed_on": "2026-12-01", "scores": {} }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "no_standing_naming");

    // Jinzhou revokes it: every title is lost, and revocation is final.
    let (status, d) = jz
        .post(
            &format!("/studios/{id}/status"),
            json!({ "status": "revoked", "reason": "弄虚作假", "on_date": "2026-01-05" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["status"], "revoked");
    assert!(d["studio"]["level"].is_null());
    let kinds: Vec<&str> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    for k in [
        "founded",
        "member_joined",
        "applied",
        "site_reviewed",
        "named",
        "funding_granted",
        "assessed",
        "title_lost",
        "revoked",
    ] {
        assert!(kinds.contains(&k), "history lacks {k}: {kinds:?}");
    }
    let (status, _) = jz
        .post(
            &format!("/studios/{id}/status"),
            json!({ "status": "active", "reason": "恢复", "on_date": "2026-01-06" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Every change left an audit row.
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'studio.%'")
        .await;
    assert!(audited >= 12, "{audited}");
}
on_both!(a_studio_is_named_twice_assessed_and_revoked);

async fn every_rule_refuses_with_a_clear_message_and_saves_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    let jz = app.api_as("jz.admin").await;
    let token_zh = {
        let origin = ingot_domain::audit::RequestOrigin::cli();
        let caller = ingot_app::Caller::system(&origin);
        let mut tx = app.db.begin().await.unwrap();
        let u = ingot_store::users::get_by_username(&mut tx, "ref.union")
            .await
            .unwrap()
            .unwrap();
        let (_, t) = ingot_app::account::create_token(&mut tx, &caller, u.id, "zh")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        t
    };
    let union_zh = ApiClient::new(&app.base, &token_zh, "zh-CN");
    // A lead with no honour: ineligible for a municipal naming, explained in each language.
    let id = create_studio(&app, &union, "孙强工匠创新工作室", "sun.qiang").await;
    let municipal = call(&app, &jz, "CN-LN-JZ", "市级命名").await;
    let (status, e) = union
        .post(
            &format!("/naming-calls/{municipal}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"lead_lacks_honour".to_string()), "{e}");
    assert!(e["message"].as_str().unwrap().contains("honour"), "{e}");
    let (_, e) = union_zh
        .post(
            &format!("/naming-calls/{municipal}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert!(e["message"].as_str().unwrap().contains("荣誉"), "{e}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM naming_applications WHERE status = 'submitted'")
            .await,
        0
    );

    // After the deadline, no one applies.
    let closed = {
        let jinzhou = app.org_id("CN-LN-JZ").await;
        let (status, c) = jz
            .post(
                "/naming-calls",
                json!({ "org_id": jinzhou, "title": "已截止的命名", "deadline": "2020-01-01", "min_honour": "none" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        c["call"]["id"].as_i64().unwrap()
    };
    let (status, e) = union
        .post(
            &format!("/naming-calls/{closed}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"], "call_closed");

    // A federation sets its own assessment standard; weights must add up to 100.
    let ln = app.api_as("ln.admin").await;
    let province = app.org_id("CN-LN").await;
    let (status, e) = ln
        .send(
            reqwest::Method::PUT,
            &format!("/orgs/{province}/assessment-standard"),
            json!({ "criteria": [{ "code": "achievements", "weight": 50 }, { "code": "conditions", "weight": 40 }],
                "excellent_min": 85, "pass_min": 60 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"weights_not_100".to_string()), "{e}");
    let standard = json!({ "criteria": [{ "code": "achievements", "weight": 60 }, { "code": "conditions", "weight": 40 }],
        "excellent_min": 85, "pass_min": 60 });
    let (status, _) = union
        .send(
            reqwest::Method::PUT,
            &format!("/orgs/{province}/assessment-standard"),
            standard.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ln
        .send(
            reqwest::Method::PUT,
            &format!("/orgs/{province}/assessment-standard"),
            standard.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, got) = ln
        .get(&format!("/orgs/{province}/assessment-standard"))
        .await;
    assert_eq!(got, standard);
    // The Zhao Pengda studio is assessed against it: 60% of 90 and 40% of 80 make 86, excellent.
    let zhao = zhao_id(&app).await;
    let (status, r) = ln
        .post(
            &format!("/studios/{zhao}/assessments"),
            json!({ "period": "2023", "assessed_on": "2023-12-20", "scores": { "achievements": 90, "conditions": 80 } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        (r["total"].as_i64(), r["result"].as_str()),
        (Some(86), Some("excellent"))
    );

    // A reviewer who is a member of the studio may not review it.
    let id = create_studio(&app, &union, "李明职工创新工作室", "li.ming").await;
    for body in [
        json!({ "title": "锦州市技术创新能手", "awarded_by": "锦州市总工会", "level": "municipal", "year": "2020" }),
    ] {
        let (status, _) = union.post(&format!("/studios/{id}/honours"), body).await;
        assert_eq!(status, StatusCode::OK);
    }
    // Members come from the studio's enterprise, so the expert who is a member is one of its
    // engineers whom the city federation made an expert.
    let (status, g) = jz
        .post(
            &format!("/users/{}/grants", app.user_id("liu.hong").await),
            json!({ "role": "expert", "org_id": app.org_id("CN-LN-JZ").await }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{g}");
    let member_expert = app.api_as("liu.hong").await;
    let (status, e) = union
        .post(
            &format!("/studios/{id}/members"),
            json!({ "username": "expert.li", "joined_on": "2021-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        codes(&e).contains(&"member_outside_unit".to_string()),
        "{e}"
    );
    let (status, e) = union
        .post(
            &format!("/studios/{id}/members"),
            json!({ "username": "liu.hong", "joined_on": "2021-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{e}");
    // A membership made after a call opened does not disqualify a reviewer by itself (a lead
    // could otherwise enrol a likely reviewer); one made before the call does.
    let municipal = call(&app, &jz, "CN-LN-JZ", "市级命名（第二批）").await;
    let (status, a) = union
        .post(
            &format!("/naming-calls/{municipal}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let app_id = a["application"]["id"].as_i64().unwrap();
    let (status, e) = member_expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("刘红"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(codes(&e).contains(&"reviewer_is_member".to_string()), "{e}");
    assert_eq!(app.count("SELECT COUNT(*) FROM site_reviews").await, 2);
    // Applying twice to one call is refused.
    let (status, e) = union
        .post(
            &format!("/naming-calls/{municipal}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"already_applied".to_string()), "{e}");

    // The federation reviews it itself, then tries a notice number it already used.
    let (status, _) = jz
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("锦州市总工会管理员"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let namings = app.count("SELECT COUNT(*) FROM studio_namings").await;
    let (status, e) = jz
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "锦工发〔2021〕28号", "notice_date": "2024-06-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        codes(&e).contains(&"notice_number_taken".to_string()),
        "{e}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM studio_namings").await,
        namings
    );
    // Another federation may use the same number.
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (status, d) = union
        .post(
            &format!("/studios/{id}/namings"),
            json!({ "org_id": company, "notice_number": "锦工发〔2021〕28号", "notice_date": "2022-01-10" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["level"], "enterprise");
    // Recording a provincial naming with no municipal one is out of order.
    let ln = app.api_as("ln.admin").await;
    let province = app.org_id("CN-LN").await;
    let (status, e) = ln
        .post(
            &format!("/studios/{id}/namings"),
            json!({ "org_id": province, "notice_number": "辽工发〔2024〕77号", "notice_date": "2024-01-10" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        codes(&e).contains(&"naming_out_of_order".to_string()),
        "{e}"
    );

    // Who may do what: an employee cannot call for namings or register studios; another
    // city's federation cannot name a Jinzhou studio.
    let li = app.api_as("li.ming").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let (status, _) = li
        .post(
            "/naming-calls",
            json!({ "org_id": jinzhou, "title": "x", "deadline": "2099-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = li
        .post(
            "/studios",
            json!({ "unit_id": company, "lead": "li.ming", "kind": "employee", "name": "私设工作室",
                "founded_on": "2020-01-01", "address": "x", "fields": ["other"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let dl = app.api_as("dl.admin").await;
    let dalian = app.org_id("CN-LN-DL").await;
    // A federation that oversees neither the studio nor its unit is refused before anything
    // is read; the province, which does, is told what is wrong with naming it as Dalian.
    let (status, _) = dl
        .post(
            &format!("/studios/{id}/namings"),
            json!({ "org_id": dalian, "notice_number": "大工发1号", "notice_date": "2024-01-10" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, e) = ln
        .post(
            &format!("/studios/{id}/namings"),
            json!({ "org_id": dalian, "notice_number": "大工发1号", "notice_date": "2024-01-10" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        codes(&e).contains(&"studio_outside_call".to_string()),
        "{e}"
    );
    let (status, _) = dl
        .post(
            &format!("/studios/{id}/namings"),
            json!({ "org_id": jinzhou, "notice_number": "大工发1号", "notice_date": "2024-01-10" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Bad input names each field.
    let (status, e) = union
        .post(
            "/studios",
            json!({ "unit_id": company, "lead": "nobody", "kind": "x", "name": "", "founded_on": "2020-13-01",
                "address": "", "fields": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["name", "address", "kind", "founded_on", "fields", "lead"] {
        assert!(fields.contains(&f), "{f} not reported: {e}");
    }
}
on_both!(every_rule_refuses_with_a_clear_message_and_saves_nothing);

async fn the_pages_are_public_and_the_forms_protected(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let visitor = app.visitor().await;
    let (status, html) = visitor.page("/studios?level=provincial").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(ZHAO));
    let (status, _) = visitor.page("/studios/calls").await;
    assert_eq!(status, StatusCode::OK);
    let union = app.sign_in_demo("ref.union").await;
    let company = app.org_id("CN-LN-JZ-REF").await.to_string();
    let fields = [
        ("unit_id", company.as_str()),
        ("lead", "zhou.jie"),
        ("kind", "craftsman"),
        ("name", "周杰工匠创新工作室"),
        ("founded_on", "2021-05-01"),
        ("address", "公司本部"),
        ("fields", "machinery"),
        ("fields", "energy"),
    ];
    let r = union.post_form_without_csrf("/studios", &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = union.post_form("/studios", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (status, html) = visitor.page(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("周杰工匠创新工作室"));
    assert!(
        html.contains("机械") && html.contains("能源"),
        "fields shown"
    );
    // Its particulars can be edited; a visitor cannot even see the form.
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (status, html) = union.page(&format!("/studios/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"version\" value=\"1\""));
    let r = union
        .post_form(
            &format!("/studios/{id}/edit"),
            &[
                ("version", "1"),
                ("name", "周杰工匠创新工作室"),
                ("kind", "craftsman"),
                ("founded_on", "2021-05-01"),
                ("address", "公司本部二楼"),
                ("fields", "machinery"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = visitor.page(&format!("/studios/{id}")).await;
    assert!(html.contains("公司本部二楼") && !html.contains("能源"));
    // The form is not for visitors: they are sent to sign in first.
    let r = visitor.get(&format!("/studios/{id}/edit")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/login?next=%2Fstudios%2F{id}%2Fedit&reason=unauthenticated").as_str()
    );
    // A bad form comes back with the problem named, in the user's language.
    let r = union
        .post_form(
            "/studios",
            &[
                ("unit_id", company.as_str()),
                ("lead", "zhou.jie"),
                ("kind", "craftsman"),
                ("name", "x"),
                ("founded_on", "2999-01-01"),
                ("address", "a"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("不能晚于今天"),
        "future founding date explained"
    );
    assert!(html.contains("专业领域"), "missing fields named");
    // A federation edits its assessment standard on a page; weights must add up to 100.
    let ln = app.sign_in_demo("ln.admin").await;
    let province = app.org_id("CN-LN").await;
    let (status, html) = ln.page("/studios/standards").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("achievements"));
    let path = format!("/studios/standards/{province}");
    let r = ln
        .post_form(
            &path,
            &[
                ("code", "achievements"),
                ("weight", "70"),
                ("code", "conditions"),
                ("weight", "20"),
                ("excellent_min", "90"),
                ("pass_min", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("合计为 90"));
    let r = ln
        .post_form(
            &path,
            &[
                ("code", "achievements"),
                ("weight", "70"),
                ("code", "conditions"),
                ("weight", "30"),
                ("excellent_min", "90"),
                ("pass_min", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = union
        .post_form(
            &path,
            &[
                ("code", "achievements"),
                ("weight", "100"),
                ("excellent_min", "90"),
                ("pass_min", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM assessment_standards").await,
        1
    );
    // Photos: an image is accepted, anything else refused by its contents.
    let png: Vec<u8> = (0..crate::studios::PNG.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&crate::studios::PNG[i..i + 2], 16).unwrap())
        .collect();
    let api = app.api_as("ref.union").await;
    let (status, d) = api
        .post_multipart(&format!("/studios/{id}/photos"), "kiln.png", png)
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["photos"].as_array().unwrap().len(), 1);
    let (status, e) = api
        .post_multipart(
            &format!("/studios/{id}/photos"),
            "kiln.png",
            b"not a png".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = api
        .post_multipart(
            &format!("/studios/{id}/photos"),
            "notes.pdf",
            b"%PDF-1.4 x".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"photo_not_image".to_string()), "{e}");
    let url = d["photos"][0]["url"].as_str().unwrap();
    let r = visitor.get(url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
}
on_both!(the_pages_are_public_and_the_forms_protected);

pub const PNG: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082";
