//! Programmes through the API on both databases: the Breakthrough project's overview figures
//! read back from its individual records, each figure's drill-down list saying the same, the
//! exports; bad input (over budget without a reason, negative amounts, an output on another
//! programme's task, a milestone due before its task starts) refused whole; who may see and
//! change a programme.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn has(body: &Value, field: &str, code: &str) -> bool {
    body["fields"]
        .as_array()
        .is_some_and(|a| a.iter().any(|f| f["field"] == field && f["code"] == code))
}

/// A raw GET (for files) with a fresh token of `user`.
async fn fetch(app: &TestApp, user: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let caller = ingot_app::Caller::system(&origin);
    let mut tx = app.db.begin().await.unwrap();
    let u = ingot_store::users::get_by_username(&mut tx, user)
        .await
        .unwrap()
        .unwrap();
    let (_, token) = ingot_app::account::create_token(&mut tx, &caller, u.id, "t")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

async fn breakthrough_id(api: &crate::support::ApiClient) -> i64 {
    let (s, list) = api.get("/programmes").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "NM-BREAKTHROUGH")
        .expect("the demo programme is listed")["id"]
        .as_i64()
        .unwrap()
}

fn sum(items: &Value, field: &str) -> i64 {
    items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_i64().unwrap())
        .sum()
}

async fn breakthrough_figures_come_from_the_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("nm.programme").await;
    let id = breakthrough_id(&api).await;
    let (s, o) = api.get(&format!("/programmes/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    let f = &o["figures"];
    assert_eq!(f["tasks"], 75);
    assert_eq!(f["fiscal_actual_cents"], 67_000_000_000i64);
    assert_eq!(f["social_actual_cents"], 280_000_000_000i64);
    assert_eq!(f["leverage_x100"], 418);
    assert_eq!(f["pilot_lines"], 10);
    assert_eq!(f["new_products"], 21);
    assert_eq!(f["adopting_companies"], 10);
    assert_eq!(f["added_value_cents"], 30_000_000_000i64);
    assert_eq!(f["achievements"], 1);
    assert_eq!(o["talent"]["academicians"], 24);
    assert!(o["talent"]["researchers"].as_i64().unwrap() > 4000);
    assert_eq!(o["talent"]["institutions"], 261);
    let shares: Vec<i64> = o["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["share_bp"].as_i64().unwrap())
        .collect();
    assert_eq!(shares, vec![1520, 2000]);
    assert_eq!(o["can_manage"], true);

    // The "7+1" layout: eight areas, one of them infrastructure, adding up to the totals.
    let areas = o["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 8);
    assert_eq!(
        areas
            .iter()
            .filter(|a| a["area"]["infrastructure"] == true)
            .count(),
        1
    );
    let area_tasks: i64 = areas
        .iter()
        .map(|a| a["figures"]["tasks"].as_i64().unwrap())
        .sum();
    assert_eq!(area_tasks, 75);
    let area_social: i64 = areas
        .iter()
        .map(|a| a["figures"]["social_actual_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(area_social, 280_000_000_000i64);
    let rare_earth = areas
        .iter()
        .find(|a| a["area"]["code"] == "rare_earth")
        .unwrap();
    assert_eq!(rare_earth["figures"]["tasks"], 14);
    assert_eq!(rare_earth["figures"]["pilot_lines"], 10);
    let rare_earth_id = rare_earth["area"]["id"].as_i64().unwrap();

    // Each figure drills down to the records behind it.
    let (_, tasks) = api.get(&format!("/programmes/{id}/tasks?per_page=1")).await;
    assert_eq!(tasks["total"], 75);
    let (_, tasks) = api
        .get(&format!("/programmes/{id}/tasks?area_id={rare_earth_id}"))
        .await;
    assert_eq!(tasks["total"], 14);
    let (_, fiscal) = api
        .get(&format!(
            "/programmes/{id}/funding?kind=fiscal&per_page=500"
        ))
        .await;
    assert_eq!(fiscal["total"], 225, "75 tasks over three years");
    assert_eq!(sum(&fiscal, "actual_cents"), 67_000_000_000i64);
    let (_, social) = api
        .get(&format!(
            "/programmes/{id}/funding?kind=social&per_page=500"
        ))
        .await;
    assert_eq!(sum(&social, "actual_cents"), 280_000_000_000i64);
    let (_, lines) = api
        .get(&format!("/programmes/{id}/outputs?kind=pilot_line"))
        .await;
    assert_eq!(lines["total"], 10);
    let (_, products) = api
        .get(&format!("/programmes/{id}/outputs?kind=new_product"))
        .await;
    assert_eq!(sum(&products, "quantity"), 21);
    let (_, value) = api
        .get(&format!("/programmes/{id}/outputs?kind=added_value"))
        .await;
    assert_eq!(sum(&value, "value_cents"), 30_000_000_000i64);
    let (_, academicians) = api
        .get(&format!("/programmes/{id}/people?academician=true"))
        .await;
    assert_eq!(academicians["total"], 24);
    let (_, people) = api
        .get(&format!("/programmes/{id}/people?per_page=500"))
        .await;
    assert_eq!(people["total"], o["talent"]["researchers"]);
    // Some people work on two tasks and are still counted once.
    assert!(
        people["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["tasks"] == 2)
    );
    let (_, institutions) = api
        .get(&format!("/programmes/{id}/institutions?per_page=1"))
        .await;
    assert_eq!(institutions["total"], 261);
    let (_, external) = api
        .get(&format!(
            "/programmes/{id}/institutions?kind=external&per_page=1"
        ))
        .await;
    assert_eq!(external["total"], 256);
    let (s, bad) = api
        .get(&format!("/programmes/{id}/outputs?kind=rocket"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&bad, "kind", "unknown_option"), "{bad}");

    // The exports hold the same rows.
    let (s, csv) = fetch(
        &app,
        "nm.programme",
        &format!("/programmes/{id}/export/institutions?format=csv"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.trim_end().lines().count(), 262, "a header and 261 rows");
    let (s, xlsx) = fetch(
        &app,
        "nm.programme",
        &format!("/programmes/{id}/export/tasks?format=xlsx&area_id={rare_earth_id}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
}
on_both!(breakthrough_figures_come_from_the_records);

async fn bad_input_is_refused_whole(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("nm.programme").await;
    let id = breakthrough_id(&api).await;
    let (_, tasks) = api.get(&format!("/programmes/{id}/tasks?per_page=1")).await;
    let task = &tasks["items"][0];
    let task_id = task["id"].as_i64().unwrap();
    let budget = task["budget_cents"].as_i64().unwrap();
    let spent = task["fiscal_actual_cents"].as_i64().unwrap()
        + task["social_actual_cents"].as_i64().unwrap();
    assert_eq!(spent, budget, "the demo spends exactly its budgets");
    assert!(task["leverage_x100"].as_i64().unwrap() > 0);

    // Beyond the budget without a reason: refused, and the row is as it was.
    let (_, before) = api
        .get(&format!(
            "/programmes/{id}/funding?task_id={task_id}&kind=fiscal&year=2025"
        ))
        .await;
    let old = before["items"][0]["actual_cents"].as_i64().unwrap();
    let over = json!({"task_id": task_id, "year": 2025, "source": "fiscal",
        "planned_cents": old, "actual_cents": old + 100_000});
    let (s, e) = api
        .post(&format!("/programmes/{id}/funding"), over.clone())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        has(&e, "overrun_reason", "over_budget_reason_required"),
        "{e}"
    );
    assert!(e["message"].is_string());
    let (_, after) = api
        .get(&format!(
            "/programmes/{id}/funding?task_id={task_id}&kind=fiscal&year=2025"
        ))
        .await;
    assert_eq!(after["items"][0]["actual_cents"], old);
    // With a reason: accepted, flagged, and the reason kept.
    let mut with_reason = over.clone();
    with_reason["overrun_reason"] = json!("设备涨价");
    let (s, r) = api
        .post(&format!("/programmes/{id}/funding"), with_reason)
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["over_budget"], true);
    assert_eq!(r["spent_cents"], budget + 100_000);
    assert_eq!(r["funding"]["overrun_reason"], "设备涨价");
    let (_, o) = api.get(&format!("/programmes/{id}")).await;
    assert_eq!(o["figures"]["fiscal_actual_cents"], 67_000_100_000i64);

    // Negative amounts.
    let (s, e) = api
        .post(
            &format!("/programmes/{id}/funding"),
            json!({"task_id": task_id, "year": 2024, "source": "social",
                "planned_cents": -1, "actual_cents": -5}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "planned_cents", "negative_amount"), "{e}");
    assert!(has(&e, "actual_cents", "negative_amount"), "{e}");

    // A milestone due before its task starts; nothing is added.
    let (_, ms) = api
        .get(&format!("/programmes/{id}/milestones?task_id={task_id}"))
        .await;
    let (s, e) = api
        .post(
            &format!("/programmes/{id}/milestones"),
            json!({"task_id": task_id, "title": "提前验收", "due_on": "2022-12-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "due_on", "due_before_task_start"), "{e}");
    let (_, ms_after) = api
        .get(&format!("/programmes/{id}/milestones?task_id={task_id}"))
        .await;
    assert_eq!(ms_after["total"], ms["total"]);
    let (s, m) = api
        .post(
            &format!("/programmes/{id}/milestones"),
            json!({"task_id": task_id, "title": "验收", "due_on": "2026-12-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");

    // A second programme of the same department, with one task.
    let dst = app.org_id("CN-NM-DST").await;
    let (s, other) = api
        .post(
            "/programmes",
            json!({"owner_org_id": dst, "code": "NM-OTHER", "name": "另一项目", "start_year": 2024,
                "summary": "测试", "areas": [{"code": "a", "name": "领域A"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let other_id = other["programme"]["id"].as_i64().unwrap();
    let area = other["areas"][0]["area"]["id"].as_i64().unwrap();
    let lead = app.org_id("CN-NM-QM").await;
    let (s, t) = api
        .post(
            &format!("/programmes/{other_id}/tasks"),
            json!({"area_id": area, "code": "O-1", "title": "石墨烯散热膜", "lead_org_id": lead,
                "leader_name": "王工", "starts_on": "2024-01-01", "budget_cents": 1000}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let other_task = t["id"].as_i64().unwrap();

    // An output on the other programme's task: refused, nothing counted.
    let (s, e) = api
        .post(
            &format!("/programmes/{id}/outputs"),
            json!({"task_id": other_task, "kind": "pilot_line", "title": "中试线", "quantity": 1,
                "recorded_on": "2025-11-06"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "task_id", "task_of_other_programme"), "{e}");
    let (_, o) = api.get(&format!("/programmes/{id}")).await;
    assert_eq!(o["figures"]["pilot_lines"], 10);
    let (_, o2) = api.get(&format!("/programmes/{other_id}")).await;
    assert_eq!(o2["figures"]["pilot_lines"], 0);

    // A person on two tasks counts once; the institutions count does not grow for a known one.
    let (_, list) = api.get(&format!("/programmes/{id}/tasks?per_page=2")).await;
    let two: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    let nre = app.org_id("CN-NM-BT-NRE").await;
    let (s, p) = api
        .post(
            &format!("/programmes/{id}/people"),
            json!({"name": "新院士", "academician": true, "institution_id": nre, "task_ids": two}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["tasks"], 2);
    let (_, o) = api.get(&format!("/programmes/{id}")).await;
    assert_eq!(o["talent"]["academicians"], 25);
    assert_eq!(o["talent"]["institutions"], 261);

    // Award tallies: more won than there were is refused.
    let (s, e) = api
        .post(
            &format!("/programmes/{id}/awards"),
            json!({"award": "自治区青年科技创新奖", "region_total": 50, "programme_won": 51}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has(&e, "programme_won", "won_more_than_total"), "{e}");
}
on_both!(bad_input_is_refused_whole);

async fn only_the_department_and_its_federation_see_a_programme(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let officer = app.api_as("nm.programme").await;
    let id = breakthrough_id(&officer).await;
    let (_, tasks) = officer
        .get(&format!("/programmes/{id}/tasks?per_page=1"))
        .await;
    let task_id = tasks["items"][0]["id"].as_i64().unwrap();

    // The region's federation reads it but does not run it.
    let federation = app.api_as("nm.admin").await;
    let (s, o) = federation.get(&format!("/programmes/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(o["can_manage"], false);
    let (s, _) = federation
        .post(
            &format!("/programmes/{id}/funding"),
            json!({"task_id": task_id, "year": 2025, "source": "fiscal", "planned_cents": 0, "actual_cents": 0}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Another province's federation and an enterprise's employee do not know it exists.
    for user in ["ln.admin", "zhangwenbin", "nre.union"] {
        let api = app.api_as(user).await;
        let (s, _) = api.get(&format!("/programmes/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{user}");
        let (s, _) = api.get(&format!("/programmes/{id}/people")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{user}");
        let (_, list) = api.get("/programmes").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{user}");
    }
    let (s, _) = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/programmes/{id}")))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Pages: the overview for the officer, with every figure linking to its list.
    let session = app.sign_in_demo("nm.programme").await;
    let (s, html) = session.page(&format!("/programmes/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-testid=\"figure-tasks\""), "{html}");
    assert!(html.contains(&format!("/programmes/{id}/tasks")));
    assert!(html.contains("4.18"));
    let session = app.sign_in_demo("ln.admin").await;
    let (s, _) = session.page(&format!("/programmes/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
on_both!(only_the_department_and_its_federation_see_a_programme);
