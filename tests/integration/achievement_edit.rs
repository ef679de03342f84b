//! An achievement changed after it was recorded, on its page and through the API, on both
//! databases: a completer added, its level and year corrected (the tally kept exact), a wrong
//! link removed, a stale or invalid change refused with nothing written; and once it has won an
//! award, a change only with its reason, which the award's public certificate then shows.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_store::Sql;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn an_achievement_is_changed_and_after_an_award_only_with_its_reason(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let (s, p) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN202110987654.8", "title": "套圈检测夹具",
                   "inventors": "刘刚", "applied_on": "2021-05-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let patent = p["id"].as_i64().unwrap();
    let (s, d) = union
        .post(
            "/achievements",
            json!({"unit_id": unit, "title": "大型轴承套圈在线检测装置",
                   "summary": "在线检测，降低废品率。", "field": "机械制造", "kind": "equipment",
                   "claimed_level": "domestic_first", "started_on": "2021-01-10",
                   "finished_on": "2021-11-30", "completers": ["dl.liu.gang"],
                   "patent_ids": [patent]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["achievement"]["id"].as_i64().unwrap();
    let path = format!("/achievements/{id}");

    // On its page: the form shows it as it is.
    let clerk = app.sign_in_demo("dl.union").await;
    let (status, page) = clerk.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"achievement-edit\""), "{page}");
    let (status, form) = clerk.page(&format!("{path}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"dl.liu.gang\""), "the team as it is");
    assert!(
        form.contains(&format!(
            "value=\"{patent}\" checked data-testid=\"keep-patent-{patent}\""
        )),
        "the link kept unless unticked: {form}"
    );

    // A completer was missing, the level was claimed too high, it was finished a year later,
    // and the patent was linked by mistake (its box unticked).
    let unit_s = unit.to_string();
    let fields = vec![
        ("version", "1"),
        ("unit_id", unit_s.as_str()),
        ("title", "大型轴承套圈在线检测装置"),
        ("summary", "在线检测，降低废品率。"),
        ("field", "机械制造"),
        ("kind", "equipment"),
        ("claimed_level", "domestic_leading"),
        ("started_on", "2021-01-10"),
        ("finished_on", "2022-03-01"),
        ("year", ""),
        ("award", ""),
        ("in_production_since", ""),
        ("production_site", "二车间"),
        ("completers", "dl.liu.gang"),
        ("completers", "dl.wang.lei"),
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
    assert_eq!(d["achievement"]["version"], 2);
    assert_eq!(d["achievement"]["claimed_level"], "domestic_leading");
    assert_eq!(
        d["achievement"]["year"], 2022,
        "counted in the year it finished"
    );
    assert_eq!(d["achievement"]["production_site"], "二车间");
    let team: Vec<&str> = d["completers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["username"].as_str().unwrap())
        .collect();
    assert_eq!(team, ["dl.liu.gang", "dl.wang.lei"]);
    assert!(d["patents"].as_array().unwrap().is_empty(), "{d}");
    assert!(d["awards"].as_array().unwrap().is_empty());
    crate::reports::assert_record_tally_is_exact(&app).await;
    let (_, page) = clerk.page(&path).await;
    assert!(
        page.contains("<del>2021</del> → <ins>2022</ins>"),
        "the history shows the year's change: {page}"
    );
    // The same form again: the version it read is gone.
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Wrong particulars are named by field, and nothing is written.
    let body = json!({"version": 2, "unit_id": unit, "title": "", "summary": "在线检测，降低废品率。",
        "field": "机械制造", "kind": "equipment", "completers": ["dl.wang.lei"]});
    let (s, e) = union.send(Method::PATCH, &path, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let text = e.to_string();
    assert!(text.contains("\"title\""), "{e}");
    assert!(text.contains("first_completer_outside_unit"), "{e}");
    let (_, d) = union.get(&path).await;
    assert_eq!(d["achievement"]["version"], 2);
    assert_eq!(d["completers"].as_array().unwrap().len(), 2);

    // It wins a first prize in an announced campaign.
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
             SELECT $1, COALESCE(MAX(number), 0) + 1, $2, 'achievement', $3, $2,
                '大型轴承套圈在线检测装置', '在线检测', 'machinery', 'accepted', 'first', 0, 0
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
    assert_eq!(d["awards"][0]["tier"], "first");

    // Now a change needs its reason, on the page and through the API; nothing changes without.
    let mut fields = fields;
    fields[0].1 = "2";
    fields[2].1 = "大型轴承套圈在线自动检测装置";
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("data-testid=\"error-reason\""), "{page}");
    assert!(page.contains("data-testid=\"achievement-awarded\""));
    let body = json!({"version": 2, "unit_id": unit, "title": "大型轴承套圈在线自动检测装置",
        "summary": "在线检测，降低废品率。", "field": "机械制造", "kind": "equipment",
        "claimed_level": "domestic_leading", "started_on": "2021-01-10",
        "finished_on": "2022-03-01", "production_site": "二车间",
        "completers": ["dl.liu.gang", "dl.wang.lei"]});
    let (s, e) = union.send(Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("reason_required_after_award"), "{e}");
    assert_eq!(
        union.get(&path).await.1["achievement"]["title"],
        "大型轴承套圈在线检测装置"
    );
    let mut with_reason = body.clone();
    with_reason["reason"] = json!("名称按鉴定证书更正");
    let (s, d) = union.send(Method::PATCH, &path, with_reason).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["achievement"]["title"], "大型轴承套圈在线自动检测装置");
    assert_eq!(d["achievement"]["version"], 3);

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
    assert!(cert.contains("名称按鉴定证书更正"));

    // Someone of another enterprise cannot change it.
    let outsider = app.api_as("ref.union").await;
    let (s, _) = outsider.send(Method::PATCH, &path, body).await;
    assert!(
        matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{s}"
    );
    let (_, d) = union.get(&path).await;
    let history = d["history"].as_array().unwrap();
    assert_eq!(history[0]["after"]["reason"], "名称按鉴定证书更正");
    assert_eq!(history[0]["before"]["title"], "大型轴承套圈在线检测装置");
    assert_eq!(history[1]["before"]["claimed_level"], "domestic_first");
}
on_both!(an_achievement_is_changed_and_after_an_award_only_with_its_reason);
