//! A skill or method changed after it was recorded, on its page and through the API, on both
//! databases: a trainee added (the tally kept exact), a change made meanwhile refused; and once
//! it has won an award, a change only with its reason, which the award's public certificate then
//! shows beside the result.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_store::Sql;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn a_skill_is_changed_and_after_an_award_only_with_its_reason(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let (s, skill) = union
        .post(
            "/skills",
            json!({"unit_id": unit, "kind": "operation_method", "name": "刘刚门机快速对位操作法",
                   "creator": "dl.liu.gang", "description": "以标记线和对讲口令配合，门机一次对位。",
                   "used_where": "大连港集装箱码头", "trainees": ["dl.zhao.min"], "year": 2023}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{skill}");
    let id = skill["id"].as_i64().unwrap();
    let path = format!("/skills/{id}");

    // On its page: a trainee added and the count corrected.
    let clerk = app.sign_in_demo("dl.union").await;
    let (status, page) = clerk.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"skill-edit\""));
    let (status, form) = clerk.page(&format!("{path}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("value=\"dl.zhao.min\""),
        "the trainees as they are"
    );
    let unit_s = unit.to_string();
    let fields = vec![
        ("version", "1"),
        ("unit_id", unit_s.as_str()),
        ("kind", "operation_method"),
        ("name", "刘刚门机快速对位操作法"),
        ("creator_name", "刘刚"),
        ("description", "以标记线和对讲口令配合，门机一次对位。"),
        ("used_where", "大连港集装箱码头"),
        ("trained_count", "5"),
        ("trainees", "dl.zhao.min"),
        ("trainees", "dl.wu.yan"),
        ("year", "2023"),
        ("reason", ""),
    ];
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (_, d) = union.get(&path).await;
    assert_eq!(d["skill"]["trained_count"], 5);
    assert_eq!(d["skill"]["version"], 2);
    assert_eq!(d["trainees"].as_array().unwrap().len(), 2);
    assert!(d["awards"].as_array().unwrap().is_empty());
    crate::reports::assert_record_tally_is_exact(&app).await;
    // The same form again: the version it read is gone.
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // It wins a second prize in an announced campaign.
    let (campaign,): (i64,) = {
        let mut tx = app.db.begin().await.unwrap();
        let row = tx
            .fetch_one(Sql::new(
                "SELECT id FROM campaigns WHERE stage = 'announced' ORDER BY id LIMIT 1",
            ))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        row
    };
    app.execute(
        Sql::new(
            "INSERT INTO declarations (campaign_id, number, participant_id, record_type, record_id,
                unit_id, title, summary, field, status, tier, created_at, updated_at)
             SELECT $1, COALESCE(MAX(number), 0) + 1, $2, 'skill', $3, $2, '刘刚门机快速对位操作法',
                '门机一次对位', 'machinery', 'accepted', 'second', 0, 0
             FROM declarations WHERE campaign_id = $1",
        )
        .bind(campaign)
        .bind(unit)
        .bind(id),
    )
    .await;
    let (_, d) = union.get(&path).await;
    let award = d["awards"][0]["declaration_id"]
        .as_i64()
        .expect("the award is listed");
    assert_eq!(d["awards"][0]["tier"], "second");

    // Now a change needs its reason, on the page and through the API; nothing changes without.
    let mut fields = fields;
    fields[0].1 = "2";
    fields[3].1 = "刘刚门机一次对位操作法";
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("data-testid=\"error-reason\""), "{page}");
    assert!(page.contains("data-testid=\"skill-awarded\""));
    let body = json!({"version": 2, "unit_id": unit, "kind": "operation_method",
        "name": "刘刚门机一次对位操作法", "creator_name": "刘刚",
        "description": "以标记线和对讲口令配合，门机一次对位。", "used_where": "大连港集装箱码头",
        "trained_count": 5, "trainees": ["dl.zhao.min", "dl.wu.yan"], "year": 2023});
    let (s, e) = union.send(Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("reason_required_after_award"), "{e}");
    assert_eq!(
        union.get(&path).await.1["skill"]["name"],
        "刘刚门机快速对位操作法"
    );
    fields[11].1 = "名称按申报材料更正";
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        union.get(&path).await.1["skill"]["name"],
        "刘刚门机一次对位操作法"
    );

    // The award's public certificate shows the change and why, to anyone.
    let (status, cert) = app
        .visitor()
        .await
        .page(&format!("/certificates/{award}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        cert.contains("data-testid=\"certificate-amended\""),
        "{cert}"
    );
    assert!(cert.contains("名称按申报材料更正"));
    // The announcement marks the winner as changed since (its certificate says why).
    let (status, announced) = app
        .visitor()
        .await
        .page(&format!("/campaigns/{campaign}/announcement"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        announced.matches("data-testid=\"amended\"").count(),
        1,
        "{announced}"
    );
    // A change that was made before the award is not an amendment of it.
    assert_eq!(cert.matches("<li>").count(), 1, "{cert}");

    // Someone of another enterprise cannot change it.
    let outsider = app.api_as("ref.union").await;
    let (s, _) = outsider.send(Method::PATCH, &path, body).await;
    assert!(
        matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{s}"
    );
    let (_, d) = union.get(&path).await;
    let history = d["history"].as_array().unwrap();
    assert_eq!(history[0]["after"]["reason"], "名称按申报材料更正");
    assert_eq!(history[0]["before"]["name"], "刘刚门机快速对位操作法");
}
on_both!(a_skill_is_changed_and_after_an_award_only_with_its_reason);
