//! A campaign's contact person: set through the API and through the call form, read back by
//! both, and refused by name, with nothing saved, when longer than 100 characters.

use super::codes;
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

const LONG_NAME_CHARS: usize = 101;

fn call(org_id: i64, title: &str, contact_person: &str) -> Value {
    json!({
        "org_id": org_id, "kind": "achievement_award", "title": title,
        "edition": 1, "year": 2024, "cadence": "annual",
        "reviewers_per_declaration": 2, "min_load": 0, "max_load": 3, "score_scale": 10,
        "declaration_closes": "2024-03-31", "check_closes": "2024-04-15",
        "review_closes": "2024-05-31", "publicity_days": 7, "announce_on": "2024-06-30",
        "units": [{ "org_code": "CN-NM-BT", "quota": 1 }],
        "rubric": [{ "name": "创新性", "weight": 100 }],
        "first": "1", "contact_person": contact_person
    })
}

/// The call form as a browser sends it, textareas and all.
fn call_form<'a>(
    org_id: &'a str,
    title: &'a str,
    contact_person: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("org_id", org_id),
        ("kind", "achievement_award"),
        ("title", title),
        ("edition", "1"),
        ("year", "2024"),
        ("cadence", "annual"),
        ("required_fields", "summary"),
        ("reviewers_per_declaration", "2"),
        ("min_load", "0"),
        ("max_load", "3"),
        ("score_scale", "10"),
        ("divergence", "15"),
        ("declaration_closes", "2024-03-31"),
        ("check_closes", "2024-04-15"),
        ("review_closes", "2024-05-31"),
        ("publicity_days", "7"),
        ("announce_on", "2024-06-30"),
        ("units", "CN-NM-BT: 1"),
        ("rubric", "创新性: 100"),
        ("first", "1"),
        ("contact_person", contact_person),
    ]
}

async fn the_contact_person_is_saved_and_shown(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let nm = app.api_as("nm.admin").await;
    let nm_id = app.org_id("CN-NM").await;

    // Through the API, trimmed, and read back.
    let (s, c) = nm
        .post(
            "/campaigns",
            call(nm_id, "经由接口", " 王老师 0471-1234567 "),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["campaign"]["contact_person"], "王老师 0471-1234567");
    let id = c["campaign"]["id"].as_i64().unwrap();
    let (_, read) = nm.get(&format!("/campaigns/{id}")).await;
    assert_eq!(read["campaign"]["contact_person"], "王老师 0471-1234567");

    // Too long: a problem of that field, and no campaign.
    let campaigns = app.count("SELECT COUNT(*) FROM campaigns").await;
    let long = "人".repeat(LONG_NAME_CHARS);
    let (s, body) = nm.post("/campaigns", call(nm_id, "太长", &long)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(codes(&body), ["too_long"]);
    assert_eq!(body["fields"][0]["field"], "contact_person");
    assert_eq!(app.count("SELECT COUNT(*) FROM campaigns").await, campaigns);

    // Through the call form, shown on the campaign's page and by the API.
    let page = app.sign_in_demo("nm.admin").await;
    let org = nm_id.to_string();
    let r = page
        .post_form("/campaigns", &call_form(&org, "经由表单", "李老师"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (s, html) = page.page(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(r#"data-testid="campaign-contact-person">李老师</dd>"#),
        "{html}"
    );
    let (_, read) = nm.get(&to).await;
    assert_eq!(read["campaign"]["contact_person"], "李老师");

    // Too long on the form: the form again with the problem under the contact person's input.
    let campaigns = app.count("SELECT COUNT(*) FROM campaigns").await;
    let r = page
        .post_form("/campaigns", &call_form(&org, "表单太长", &long))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let input = html.find(r#"id="contact_person""#).expect("the input");
    let after = &html[input..];
    let next_label = after.find("<label").unwrap_or(after.len());
    assert!(
        after[..next_label].contains(r#"class="field-error""#),
        "{html}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM campaigns").await, campaigns);
}
on_both!(the_contact_person_is_saved_and_shown);
