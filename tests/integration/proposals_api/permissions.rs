//! Who may see and do what with proposals.

use super::{DEMO_TITLE, demo_proposal_id, fields, id_of, png, unrelated, user};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

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
