//! Upward statistical returns on both databases: a province opens a return for its cities; a
//! city submits figures computed from its records plus those it states, which freeze; the
//! records change and the province sees frozen beside live; it returns the row for correction,
//! the city corrects it with a reason as a new version, the province accepts; a second person
//! must accept; what a city's own units reported rolls up; the official form exports.

use crate::on_both;
use crate::support::pdf::{embedded_chinese_font, fetch_pdf, fetch_zh, laid_out_lines};
use crate::support::{ApiClient, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn fields(e: &Value) -> Vec<String> {
    e["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields: {e}"))
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect()
}

fn row<'a>(view: &'a Value, code: &str) -> &'a Value {
    view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["org_code"] == code)
        .unwrap_or_else(|| panic!("no row {code}: {view}"))
}

async fn view(client: &ApiClient, id: i64) -> Value {
    let (s, v) = client.get(&format!("/returns/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn a_return_goes_up_frozen_corrected_and_accepted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ln = app.api_as("ln.admin").await;
    let dl = app.api_as("dl.admin").await;
    let liaoning = app.org_id("CN-LN").await;
    let dalian = app.org_id("CN-LN-DL").await;

    // Opening: every bad value named at once; a city may not open one for its province.
    let (s, e) = ln
        .post(
            "/returns",
            json!({"org_id": liaoning, "year": 1800, "title": "", "due_on": "2021-13-01",
                   "columns": ["patents", "bogus"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let mut named = fields(&e);
    named.sort();
    assert_eq!(named, ["columns[1]", "due_on", "title", "year"]);
    let body = json!({"org_id": liaoning, "year": 2020, "title": "2020年度群众性技术创新统计年报",
                      "due_on": "2021-01-15"});
    let (s, _) = dl.post("/returns", body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, opened) = ln.post("/returns", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    let (s, e) = ln.post("/returns", body).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "return_exists");

    // The province sees every city, none submitted; Dalian sees its own row only.
    let v = view(&ln, id).await;
    assert_eq!(v["manages"], true);
    let cities = v["rows"].as_array().unwrap().len();
    assert!(cities >= 2, "{v}");
    assert_eq!(v["missing"], cities);
    let mine = view(&dl, id).await;
    assert_eq!(mine["manages"], false);
    assert_eq!(mine["rows"].as_array().unwrap().len(), 1, "{mine}");
    let dl_row = row(&mine, "CN-LN-DL");
    assert_eq!(dl_row["may_submit"], true);
    // The live figures are the records': Dalian's 2020 summary.
    assert_eq!(dl_row["live"]["proposals.put_forward"], 460);
    assert_eq!(dl_row["live"]["achievements"], 209);
    assert_eq!(dl_row["live"]["patents"], 32);
    assert_eq!(dl_row["live"]["benefit"], 166_200_000_000i64);
    let (_, summary) = dl
        .get(&format!(
            "/reports/annual-summary?unit_id={dalian}&year=2020"
        ))
        .await;
    let skills = summary["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["figure"] == "skills")
        .unwrap()["value"]
        .clone();
    assert_eq!(dl_row["live"]["skills"], skills);

    // The province reviews; it does not report for its cities.
    let submit = format!("/returns/{id}/units/{dalian}/submission");
    let (s, _) = ln
        .post(
            &submit,
            json!({"cooperation_projects": 1, "participants": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The figures records do not hold must be stated.
    let (s, e) = dl.post(&submit, json!({"participants": -5})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["cooperation_projects", "participants"]);
    let (s, r) = dl
        .post(
            &submit,
            json!({"cooperation_projects": 12, "participants": 35000, "note": "按年报口径"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["version"], 1);
    let (s, e) = dl
        .post(
            &submit,
            json!({"cooperation_projects": 12, "participants": 35000}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "return_not_open");

    // The records change after submission: the frozen figures stay, the live ones move.
    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let (s, a) = union
        .post(
            "/achievements",
            json!({"unit_id": unit, "title": "补录成果", "summary": "漏报", "field": "机械",
                   "kind": "method", "finished_on": "2020-12-20", "completers": ["dl.liu.gang"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let v = view(&ln, id).await;
    let dl_row = row(&v, "CN-LN-DL");
    assert_eq!(dl_row["status"], "submitted");
    assert_eq!(dl_row["frozen"]["achievements"], 209);
    assert_eq!(dl_row["frozen"]["participants"], 35000);
    assert_eq!(dl_row["live"]["achievements"], 210);
    assert_eq!(dl_row["changed_since"]["achievements"], 1);
    assert_eq!(v["missing"], cities - 1);

    // Returned for correction (saying what), corrected with a reason, accepted.
    let review = format!("/returns/{id}/units/{dalian}/review");
    let (s, e) = ln
        .post(&review, json!({"verdict": "return", "version": 1}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["note"]);
    let (s, r) = ln
        .post(
            &review,
            json!({"verdict": "return", "version": 1, "note": "成果数与记录不符，请更正"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "returned");
    let (s, e) = dl
        .post(
            &submit,
            json!({"cooperation_projects": 12, "participants": 35000}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["reason"]);
    let (s, r) = dl
        .post(
            &submit,
            json!({"cooperation_projects": 12, "participants": 35000, "reason": "补录一项成果"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["version"], 2);
    // A stale review (of version 1) is refused; the current one is accepted.
    let (s, e) = ln
        .post(&review, json!({"verdict": "accept", "version": 1}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, r) = ln
        .post(&review, json!({"verdict": "accept", "version": 2}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "accepted");
    let v = view(&ln, id).await;
    assert_eq!(row(&v, "CN-LN-DL")["frozen"]["achievements"], 210);
    assert_eq!(v["accepted_totals"]["achievements"], 210);
    assert_eq!(v["accepted_totals"]["participants"], 35000);

    // Both versions are kept, each with what it said.
    let (s, versions) = dl
        .get(&format!("/returns/{id}/units/{dalian}/versions"))
        .await;
    assert_eq!(s, StatusCode::OK, "{versions}");
    assert_eq!(versions[0]["figures"]["achievements"], 209);
    assert_eq!(versions[1]["figures"]["achievements"], 210);
    assert_eq!(versions[1]["reason"], "补录一项成果");
    // Someone of another province sees none of it.
    let nm = app.api_as("nm.admin").await;
    let (s, _) = nm.get(&format!("/returns/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = nm.get("/returns").await;
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");

    // The official form: one row per city, the accepted total last, in the reader's language.
    let token = app.token_for("ln.admin").await;
    let export = format!("/api/v1/returns/{id}/export");
    let (status, _, bytes) = fetch_zh(&app, &format!("{export}?format=xlsx"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let table = ingot_office::read_table(&bytes, 100).unwrap();
    assert_eq!(table.rows.len(), cities + 1);
    let achievements = table.column(&["职工技术创新成果"]).unwrap();
    let dalian_row = table
        .rows
        .iter()
        .find(|r| r.get(0) == "大连市总工会")
        .unwrap_or_else(|| panic!("{:?}", table.rows));
    assert_eq!(dalian_row.get(1), "已通过");
    assert_eq!(dalian_row.get(achievements), "210");
    assert_eq!(table.rows.last().unwrap().get(achievements), "210");

    // The same form printed: every city and the accepted total on paper, the font embedded.
    let file = fetch_pdf(&app, &format!("{export}?format=pdf"), Some(&token)).await;
    embedded_chinese_font(&file);
    let printed = laid_out_lines(&file);
    // Each unit's row as a line: its name, its state, its figures in the workbook's order.
    for row in &table.rows {
        let cells: String = row
            .cells
            .iter()
            .map(|c| c.replace(char::is_whitespace, ""))
            .collect();
        assert!(printed.contains(&cells), "{cells} not in {printed:?}");
    }
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}
on_both!(a_return_goes_up_frozen_corrected_and_accepted);

/// What a city's own enterprises reported (its return to them, accepted rows) is offered when
/// the city reports upward.
async fn stated_figures_roll_up_level_by_level(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let jz = app.api_as("jz.admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (s, opened) = jz
        .post(
            "/returns",
            json!({"org_id": jinzhou, "year": 2021, "title": "锦州市2021年报", "due_on": "2022-01-10"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{opened}");
    let city_return = opened["id"].as_i64().unwrap();
    let union = app.api_as("ref.union").await;
    let (s, r) = union
        .post(
            &format!("/returns/{city_return}/units/{company}/submission"),
            json!({"cooperation_projects": 3, "participants": 420}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = jz
        .post(
            &format!("/returns/{city_return}/units/{company}/review"),
            json!({"verdict": "accept", "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");

    let ln = app.api_as("ln.admin").await;
    let liaoning = app.org_id("CN-LN").await;
    let (s, opened) = ln
        .post(
            "/returns",
            json!({"org_id": liaoning, "year": 2021, "title": "辽宁省2021年报", "due_on": "2022-01-20"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{opened}");
    let province_return = opened["id"].as_i64().unwrap();
    let v = view(&jz, province_return).await;
    let jz_row = row(&v, "CN-LN-JZ");
    assert_eq!(jz_row["from_below"]["participants"], 420, "{v}");
    assert_eq!(jz_row["from_below"]["cooperation_projects"], 3);
    // The computed figures are Jinzhou's whole subtree, the company's included.
    let (_, company_summary) = jz
        .get(&format!(
            "/reports/annual-summary?unit_id={company}&year=2021"
        ))
        .await;
    let put_forward = company_summary["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["figure"] == "proposals.put_forward")
        .unwrap()["value"]
        .as_i64()
        .unwrap();
    assert!(jz_row["live"]["proposals.put_forward"].as_i64().unwrap() >= put_forward);
}
on_both!(stated_figures_roll_up_level_by_level);

/// In pages: the province opens a return, the city submits it through its form, the province
/// accepts it through the button.
async fn returns_in_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let liaoning = app.org_id("CN-LN").await.to_string();
    let dalian = app.org_id("CN-LN-DL").await;
    let province = app.sign_in_demo("ln.admin").await;
    let r = province
        .post_form(
            "/returns",
            &[
                ("org_id", &liaoning),
                ("year", "2020"),
                ("title", ""),
                ("due_on", "2021-01-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"error-title\""), "{html}");
    let r = province
        .post_form(
            "/returns",
            &[
                ("org_id", &liaoning),
                ("year", "2020"),
                ("title", "2020年度统计年报"),
                ("due_on", "2021-01-15"),
                ("columns", "proposals.put_forward"),
                ("columns", "achievements"),
                ("columns", "participants"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.trim_start_matches("/returns/").parse().unwrap();

    let city = app.sign_in_demo("dl.admin").await;
    let (s, html) = city.page(&at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-testid=\"submit-form\""), "{html}");
    assert!(
        !html.contains("data-testid=\"added-cooperation_projects\""),
        "not in this layout"
    );
    let submit = format!("/returns/{id}/units/{dalian}/submit");
    let r = city.post_form(&submit, &[("participants", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"error-participants\"")
    );
    let r = city
        .post_form(&submit, &[("participants", "35000"), ("note", "年报")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (_, html) = province.page(&at).await;
    assert!(html.contains("data-testid=\"accept-row\""), "{html}");
    let r = province
        .post_form(
            &format!("/returns/{id}/units/{dalian}/review"),
            &[("verdict", "accept"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = province.page(&at).await;
    assert!(html.contains("已通过"), "{html}");
    assert!(html.contains("35000"));
    let (_, list) = city.page("/returns").await;
    assert!(list.contains(&format!("href=\"/returns/{id}\"")));
}
on_both!(returns_in_pages);
