//! Innovation records through the API on both databases: the Dalian 2020 summary read back from
//! the individual demo records; patents with checked application numbers and an all-or-nothing
//! import; achievements with ranked completers, links and the verified benefit shared with
//! proposals; titles with the eligibility question; skills and methods; exports; scoping.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or("").to_string(),
                        f["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn has(body: &Value, field: &str, code: &str) -> bool {
    field_codes(body)
        .iter()
        .any(|(f, c)| f == field && c == code)
}

async fn fetch(app: &TestApp, token_user: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let caller = ingot_app::Caller::system(&origin);
    let mut tx = app.db.begin().await.unwrap();
    let user = ingot_store::users::get_by_username(&mut tx, token_user)
        .await
        .unwrap()
        .unwrap();
    let (_, token) = ingot_app::account::create_token(&mut tx, &caller, user.id, "t")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

async fn dalian_2020_figures_come_from_the_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let dl = app.api_as("dl.admin").await;
    let dalian = app.org_id("CN-LN-DL").await;
    let (s, f) = dl
        .get(&format!(
            "/innovation/figures?unit_id={dalian}&year=2020&title=%E5%A4%A7%E8%BF%9E%E5%B8%82%E6%8A%80%E6%9C%AF%E5%88%9B%E6%96%B0%E8%83%BD%E6%89%8B"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["achievements"], 209);
    assert_eq!(f["skills"], 30);
    assert_eq!(f["proposals"], 460);
    assert_eq!(f["patents"], 32);
    assert_eq!(f["titled_people"], 10);
    // 1.662 billion yuan, in fen.
    assert_eq!(f["verified_benefit_cents"], 166_200_000_000i64);
    // The figures are the records: the lists say the same.
    let (_, list) = dl
        .get(&format!(
            "/achievements?unit_id={dalian}&year=2020&per_page=1"
        ))
        .await;
    assert_eq!(list["total"], 209);
    let (_, list) = dl
        .get(&format!("/patents?unit_id={dalian}&year=2020"))
        .await;
    assert_eq!(list["total"], 32);
    let (_, list) = dl.get(&format!("/skills?unit_id={dalian}&year=2020")).await;
    assert_eq!(list["total"], 30);
    let (_, list) = dl.get(&format!("/titles?unit_id={dalian}&year=2020")).await;
    assert_eq!(list["total"], 10);

    // The Inner Mongolia entries of the 2023 exchange, by name, with Zhang Wenbin's team first.
    let nm = app.api_as("nm.admin").await;
    let (_, list) = nm.get("/achievements?year=2023").await;
    assert_eq!(list["total"], 5, "{list}");
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"万吨级轻稀土碳酸盐连续化生产工艺研究及产业化"));
    assert!(titles.contains(&"分布式内存数据库技术研究"));
    let first = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap().starts_with("万吨级"))
        .unwrap();
    assert_eq!(first["first_completer"], "张文斌");
    // Dalian's federation sees none of Inner Mongolia's, and the reverse.
    let (_, list) = dl.get("/achievements?year=2023").await;
    assert_eq!(list["total"], 0);
    let (_, list) = nm.get("/patents").await;
    assert_eq!(list["total"], 0);
}
on_both!(dalian_2020_figures_come_from_the_records);

async fn patents_are_checked_imported_and_exported(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    // A real granted invention: ZL202010566088.9.
    let (s, p) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "ZL 2020 1 0566088.9", "title": "图像处理方法",
                   "inventors": "刘刚", "applied_on": "2020-06-19", "granted_on": "2021-03-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["number"], "CN202010566088.9");
    assert_eq!(p["kind"], "invention");
    assert_eq!(p["status"], "granted");
    // A wrong check digit, a grant before the application: refused, naming field and rule.
    let (s, e) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN202010566088.8", "title": "x", "inventors": "y",
                   "applied_on": "2021-03-01", "granted_on": "2021-02-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "number", "patent_number_check"), "{e}");
    assert!(has(&e, "granted_on", "grant_before_application"), "{e}");
    assert!(e["message"].is_string());
    let (s, e) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN202010566088.9", "title": "again", "inventors": "y",
                   "applied_on": "2020-06-19"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "patent_number_taken");
    // Someone of another enterprise may not record a patent here.
    let other = app.api_as("ref.union").await;
    let (s, _) = other
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN201811564288.X", "title": "t", "inventors": "i",
                   "applied_on": "2018-12-20"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Import: one bad row refuses the whole file, by row and column.
    let before = app.count("SELECT COUNT(*) FROM patents").await;
    let bad = "申请号,专利名称,发明人,申请日,授权日\n\
               CN201811564288.X,大规模接入方法,齐俏,2018-12-20,2020-03-10\n\
               CN202322865413.4,真空泵,张晨,2023-10-24,\n\
               CN202510942578.7,动作序列生成,王磊,2025-07-01,2025-06-01\n";
    let (s, r) = union
        .post_bytes(
            &format!("/patents/import?unit_id={unit}"),
            "text/csv",
            bad.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let errors = r["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["row"] == 3
            && e["column"] == "申请号"
            && e["code"] == "patent_number_check")
    );
    assert!(errors.iter().any(|e| e["row"] == 4
        && e["column"] == "授权日"
        && e["code"] == "grant_before_application"));
    assert_eq!(app.count("SELECT COUNT(*) FROM patents").await, before);
    let good = "申请号,专利名称,发明人,申请日,授权日\n\
                CN201811564288.X,大规模接入方法,齐俏,2018-12-20,2020-03-10\n\
                CN202322865413.3,真空泵,张晨,2023-10-24,\n";
    let (s, r) = union
        .post_bytes(
            &format!("/patents/import?unit_id={unit}"),
            "text/csv",
            good.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["created"].as_array().unwrap().len(), 2);
    assert_eq!(r["created"][1]["kind"], "utility_model");
    assert_eq!(r["created"][1]["status"], "applied");
    assert_eq!(app.count("SELECT COUNT(*) FROM patents").await, before + 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'patent.import'")
            .await,
        2
    );

    // Export in CSV and XLSX.
    let (s, ct, body) = fetch(&app, "dl.union", "/patents/export?q=566088&format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let csv = String::from_utf8(body).unwrap();
    assert!(
        csv.contains("CN202010566088.9") || csv.contains("CN201811564288.X"),
        "{csv}"
    );
    let (s, ct, body) = fetch(&app, "dl.union", "/patents/export?format=xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert!(body.starts_with(b"PK"));
}
on_both!(patents_are_checked_imported_and_exported);

async fn achievements_have_a_team_links_and_a_verified_benefit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let base = json!({
        "unit_id": unit, "title": "大型轴承套圈在线检测装置", "summary": "在线检测，降低废品率。",
        "field": "机械制造", "kind": "equipment", "claimed_level": "domestic_first",
        "started_on": "2021-01-10", "finished_on": "2021-11-30",
        "in_production_since": "2021-12-01", "production_site": "二车间",
    });
    // The first completer must work at the unit: Wang Lei works at the Xigang company.
    let mut body = base.clone();
    body["completers"] = json!(["dl.wang.lei", "dl.liu.gang"]);
    let (s, e) = union.post("/achievements", body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        has(&e, "completers[0]", "first_completer_outside_unit"),
        "{e}"
    );
    let mut body = base.clone();
    body["completers"] = json!(["dl.liu.gang", "dl.liu.gang"]);
    body["kind"] = json!("teleportation");
    body["finished_on"] = json!("2020-01-01");
    let (s, e) = union.post("/achievements", body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "completers[1]", "person_twice"), "{e}");
    assert!(has(&e, "kind", "unknown_achievement_kind"), "{e}");
    assert!(has(&e, "finished_on", "finished_before_started"), "{e}");

    let (_, patents) = union
        .get(&format!("/patents?unit_id={unit}&per_page=1"))
        .await;
    let patent = patents["items"][0]["id"].as_i64().unwrap();
    let (_, proposals) = union
        .get(&format!("/proposals?unit_id={unit}&per_page=1"))
        .await;
    let proposal = proposals["items"][0]["id"].as_i64().unwrap();
    let mut body = base.clone();
    body["completers"] = json!(["dl.liu.gang", "dl.wang.lei"]);
    body["patent_ids"] = json!([patent]);
    let (s, d) = union.post("/achievements", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["achievement"]["id"].as_i64().unwrap();
    assert_eq!(d["achievement"]["year"], 2021);
    assert_eq!(d["completers"][0]["username"], "dl.liu.gang");
    assert_eq!(d["completers"][0]["rank"], 1);
    assert_eq!(d["completers"][1]["rank"], 2);
    assert_eq!(d["patents"][0]["id"], patent);
    let (s, d) = union
        .post(
            &format!("/achievements/{id}/proposals"),
            json!({ "proposal_id": proposal }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["proposals"][0]["id"], proposal);

    // The benefit: claimed with the proposals' calculation, verified by finance, then locked.
    let (s, e) = union
        .post(
            &format!("/achievements/{id}/benefit"),
            json!({"method": "free", "amount": "-5", "note": "n"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "amount", "not_a_number"), "{e}");
    let (s, e) = union
        .post(
            &format!("/achievements/{id}/benefit"),
            json!({"method": "free", "amount": "120000"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "note", "explanation_required"), "{e}");
    let (s, a) = union
        .post(
            &format!("/achievements/{id}/benefit"),
            json!({"method": "cost", "old_cost": "12.50", "new_cost": "10.00", "volume": "40000"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["benefit_claimed_cents"], 10_000_000);
    // Only finance verifies.
    let (s, _) = union
        .post(&format!("/achievements/{id}/benefit/verify"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let finance = app.api_as("dl.finance").await;
    let (s, a) = finance
        .post(
            &format!("/achievements/{id}/benefit/verify"),
            json!({"corrected_amount": 90000, "note": "按实际产量核减"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["benefit_verified_cents"], 9_000_000);
    assert_eq!(a["benefit_locked"], true);
    let (s, e) = union
        .post(
            &format!("/achievements/{id}/benefit"),
            json!({"method": "free", "amount": "1", "note": "n"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"], "benefit_locked");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('achievement.create', 'achievement.link_proposal', 'achievement.benefit_claim', 'achievement.benefit_verify') AND object_label = '大型轴承套圈在线检测装置'"
        )
        .await,
        4
    );

    // Another enterprise's people do not see it; the completer's record page lists it.
    let (s, _) = app
        .api_as("ref.union")
        .await
        .get(&format!("/achievements/{id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let liu = app.user_id("dl.liu.gang").await;
    let (s, h) = union.get(&format!("/people/{liu}/records")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h["achievements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == id)
    );
    let (s, h) = union.get(&format!("/orgs/{unit}/records")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["patents"].as_array().unwrap().len() >= 10);
    let (s, ct, body) = fetch(
        &app,
        "dl.union",
        "/achievements/export?year=2021&format=csv",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let csv = String::from_utf8(body).unwrap();
    assert!(
        csv.contains("大型轴承套圈在线检测装置") && csv.contains(",90000.00"),
        "{csv}"
    );
}
on_both!(achievements_have_a_team_links_and_a_verified_benefit);

async fn titles_answer_eligibility_and_skills_name_their_creators(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let nm = app.api_as("nm.admin").await;
    let zhang = app.user_id("zhangwenbin").await;
    let (_, before) = nm
        .get(&format!("/people/{zhang}/honours?at_least=municipal"))
        .await;
    assert_eq!(before["holds"], false);
    let national = app.org_id("CN").await;
    let (s, e) = nm
        .post(
            "/titles",
            json!({"holder": "zhangwenbin", "name": "全国五一劳动奖章", "granted_by": national,
                   "year": 2024, "level": "galactic"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "level", "unknown_honour_level"), "{e}");
    let (s, t) = nm
        .post(
            "/titles",
            json!({"holder": "zhangwenbin", "name": "全国五一劳动奖章", "granted_by": national,
                   "year": 2024, "level": "national"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let (_, after) = nm
        .get(&format!("/people/{zhang}/honours?at_least=provincial"))
        .await;
    assert_eq!(after["holds"], true);
    // The Dalian experts hold a municipal title: municipal-or-higher, not provincial.
    let dl = app.api_as("dl.admin").await;
    let liu = app.user_id("dl.liu.gang").await;
    let (_, h) = dl
        .get(&format!("/people/{liu}/honours?at_least=municipal"))
        .await;
    assert_eq!(h["holds"], true);
    let (_, h) = dl
        .get(&format!("/people/{liu}/honours?at_least=provincial"))
        .await;
    assert_eq!(h["holds"], false);
    // The use case itself, for eligibility rules elsewhere.
    let mut tx = app.db.read().await.unwrap();
    assert!(
        ingot_app::innovation::holds_honour_at_least(
            &mut tx,
            ingot_domain::UserId(zhang),
            ingot_domain::innovation::HonourLevel::National
        )
        .await
        .unwrap()
    );
    drop(tx);
    // Titles of another region are not recorded by Dalian.
    let (s, _) = dl
        .post(
            "/titles",
            json!({"holder": "zhangwenbin", "name": "x", "granted_by": national,
                   "year": 2024, "level": "national"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let (s, e) = union
        .post(
            "/skills",
            json!({"unit_id": unit, "kind": "unique_skill", "name": "刘刚盲调法", "creator": "dl.liu.gang",
                   "description": "凭手感调整主轴间隙", "used_where": "磨削工段", "trained_count": 1,
                   "trainees": ["dl.zhao.min", "dl.wu.yan"], "year": 2021}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "trained_count", "fewer_than_named"), "{e}");
    // The organisation code the form once took is no field of the command.
    let (s, e) = union
        .post("/skills", json!({"unit": "CN-LN-DL-GJZ-MW", "year": 2021}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "unit", "unknown_field"), "{e}");
    let (s, k) = union
        .post(
            "/skills",
            json!({"unit_id": unit, "kind": "unique_skill", "name": "刘刚盲调法", "creator": "dl.liu.gang",
                   "description": "凭手感调整主轴间隙", "used_where": "磨削工段", "trained_count": 12,
                   "trainees": ["dl.zhao.min", "dl.wu.yan"], "year": 2021}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    assert_eq!(k["creator_name"], "刘刚");
    let id = k["id"].as_i64().unwrap();
    let (_, d) = union.get(&format!("/skills/{id}")).await;
    assert_eq!(d["trainees"].as_array().unwrap().len(), 2);
    let (s, ct, body) = fetch(&app, "dl.union", "/skills/export?year=2021&format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    assert!(String::from_utf8(body).unwrap().contains("刘刚盲调法"));
    let (s, ct, _) = fetch(&app, "nm.admin", "/titles/export?format=xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"));
    let (_, h) = nm.get(&format!("/people/{zhang}/records")).await;
    assert_eq!(h["titles"][0]["name"], "全国五一劳动奖章");
    assert_eq!(h["achievements"].as_array().unwrap().len(), 1);
}
on_both!(titles_answer_eligibility_and_skills_name_their_creators);

async fn record_pages_check_csrf_scope_and_input(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.sign_in_demo("dl.union").await;
    for path in ["/achievements", "/patents", "/skills", "/titles"] {
        let (status, html) = union.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("name=\"_csrf\""), "{path} has the CSRF token");
    }
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await.to_string();
    let fields = [
        ("unit_id", unit.as_str()),
        ("number", "CN202010566088.8"),
        ("title", "图像处理方法"),
        ("inventors", "刘刚"),
        ("applied_on", "2020-06-19"),
    ];
    let refused = union.post_form_without_csrf("/patents", &fields).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let r = union.post_form("/patents", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"error-number\""), "{html}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM patents WHERE number = 'CN202010566088.8'")
            .await,
        0
    );
    // The skill form sends the wire struct the API takes: one input per trainee, numbers as
    // numbers, every problem at once.
    let mut skill = vec![
        ("unit_id", unit.as_str()),
        ("kind", "unique_skill"),
        ("name", "刘刚盲调法"),
        ("creator", "dl.liu.gang"),
        ("description", "凭手感调整主轴间隙"),
        ("used_where", ""),
        ("trained_count", "1"),
        ("trainees", "dl.zhao.min"),
        ("trainees", "dl.wu.yan"),
        ("trainees", ""),
        ("year", "2021"),
    ];
    let r = union.post_form("/skills", &skill).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"error-trained-count\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"dl.wu.yan\""),
        "what was typed is shown again"
    );
    assert!(
        html.matches("class=\"field-error\"").count() >= 2,
        "the empty place and the count are both named: {html}"
    );
    skill[5].1 = "磨削工段";
    skill[6].1 = "2";
    let r = union.post_form("/skills", &skill).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM skills WHERE name = '刘刚盲调法' AND trained_count = 2")
            .await,
        1
    );
    // Another enterprise's union sees none of Dalian's records (only its own), even by address.
    let other = app.sign_in_demo("ref.union").await;
    let (_, html) = other.page("/achievements?year=2020").await;
    assert!(!html.contains("大连"), "{html}");
    assert_eq!(
        html.matches("data-testid=\"achievement-row\"").count(),
        1,
        "the Jinzhou company's own achievement of 2020"
    );
    let (_, list) = app
        .api_as("dl.admin")
        .await
        .get("/achievements?year=2020&per_page=1")
        .await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (status, _) = other.page(&format!("/achievements/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = app
        .sign_in_demo("dl.admin")
        .await
        .page(&format!("/achievements/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"completers\""));
    // A patent number nobody registered is refused as that field's problem, named by its label.
    let r = app
        .sign_in_demo("dl.admin")
        .await
        .post_form(
            &format!("/achievements/{id}/link"),
            &[("patent_number", "CN209910000001.5"), ("proposal_id", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("专利申请号：不是您可查看的专利"), "{html}");
    let liu = app.user_id("dl.liu.gang").await;
    let (status, html) = union.page(&format!("/records/people/{liu}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("大连市技术创新能手"));
}
on_both!(record_pages_check_csrf_scope_and_input);

/// A valid 1x1 PNG.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082";

async fn achievements_take_files_checked_by_their_contents(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let png: Vec<u8> = (0..PNG_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap())
        .collect();
    let dl = app.api_as("dl.admin").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let (_, list) = dl
        .get(&format!("/achievements?unit_id={unit}&per_page=1"))
        .await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let caller = ingot_app::Caller::system(&origin);
    let mut tx = app.db.begin().await.unwrap();
    let user = ingot_store::users::get_by_username(&mut tx, "dl.union")
        .await
        .unwrap()
        .unwrap();
    let (_, token) = ingot_app::account::create_token(&mut tx, &caller, user.id, "t")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let url = format!("{}/api/v1/achievements/{id}/attachments", app.base);
        let token = token.clone();
        async move {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let (s, e) = upload("report.pdf", b"MZ not a pdf".to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, f) = upload("检测照片.png", png.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(f["content_type"], "image/png");
    let file = f["id"].as_i64().unwrap();
    let (s, ct, body) = fetch(&app, "dl.admin", &format!("/achievement-files/{file}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "image/png");
    assert_eq!(body, png);
    let (s, _, _) = fetch(&app, "ref.union", &format!("/achievement-files/{file}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, d) = dl.get(&format!("/achievements/{id}")).await;
    assert_eq!(d["attachments"][0]["filename"], "检测照片.png");
}
on_both!(achievements_take_files_checked_by_their_contents);
