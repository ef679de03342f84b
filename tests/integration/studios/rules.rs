//! Every rule's refusal, in the caller's language, with nothing saved.

use super::{call, codes, create_studio, review_body, zhao_id};
use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

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
            json!({ "period": "2023", "assessed_on": "2023-12-20", "scores": { "achievements": 90, "conditions": 80 },
                "note": "年度考核" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        (r["total"].as_i64(), r["result"].as_str()),
        (Some(86), Some("excellent"))
    );
    // The note's earlier name, `note`, is still taken.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM studio_assessments WHERE note = '年度考核'")
            .await,
        1
    );
    // On the page every row's score is checked, all at once, and nothing is saved until each is
    // a whole number from 0 to 100.
    let page = app.sign_in_demo("ln.admin").await;
    let assessments = app.count("SELECT COUNT(*) FROM studio_assessments").await;
    let path = format!("/studios/{zhao}/assess");
    let assess = async |achievements: &str, conditions: &str| {
        let fields = [
            ("period", "2024"),
            ("assessed_on", "2024-12-20"),
            ("criterion", "achievements"),
            ("score", achievements),
            ("criterion", "conditions"),
            ("score", conditions),
        ];
        page.post_form(&path, &fields).await
    };
    for (achievements, conditions) in [("九十", "八十"), ("101", "80")] {
        let r = assess(achievements, conditions).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("必须是 0 到 100 的整数"));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM studio_assessments").await,
        assessments
    );
    assert_eq!(assess("70", "60").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM studio_assessments WHERE period = '2024' AND total = 66")
            .await,
        1
    );

    // A reviewer who is a member of the studio may not review it.
    let id = create_studio(&app, &union, "李明职工创新工作室", "li.ming").await;
    for body in [
        json!({ "title": "锦州市技术创新能手", "awarded_by": "锦州市总工会", "level": "municipal", "year": 2020 }),
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
