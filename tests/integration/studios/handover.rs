//! A studio handed over: to a new lead (only the unit's administrators may, the new lead comes
//! from the studio's enterprise, the memberships and the history say who led when, the namings
//! stay with the studio, a stale form is refused), and to another unit (its people must work in
//! the new unit's enterprise, and what it counts for moves with it); the page's forms do the same.

use super::{ZHAO, codes, zhao_id};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// (username, role, joined, left) of every membership, in the order the studio lists them.
fn memberships(d: &Value) -> Vec<(String, String, String, Option<String>)> {
    d["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
                m["joined_on"].as_str().unwrap().to_string(),
                m["left_on"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn held_by<'a>(
    all: &'a [(String, String, String, Option<String>)],
    username: &str,
) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
    all.iter()
        .filter(|m| m.0 == username)
        .map(|m| (m.1.as_str(), m.2.as_str(), m.3.as_deref()))
        .collect()
}

async fn a_studio_is_handed_to_a_new_lead(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let id = zhao_id(&app).await;
    let path = format!("/studios/{id}/lead");
    let union = app.api_as("ref.union").await;
    let (_, before) = union.get(&format!("/studios/{id}")).await;
    let namings = before["namings"].as_array().unwrap().len();
    assert!(namings >= 2, "{before}");
    let version = before["studio"]["version"].as_i64().unwrap();

    // The lead cannot hand their own studio over: the unit's administrators do.
    let lead = app.api_as("zhaopengda").await;
    let (status, _) = lead
        .post(
            &path,
            json!({ "username": "wang.fang", "on": "2024-03-01", "reason": "调任" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every problem at once, each against its field; nothing changes.
    let (status, e) = union
        .post(
            &path,
            json!({ "username": "dl.liu.gang", "on": "2017-01-01", "reason": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let mut found = codes(&e);
    found.sort();
    assert_eq!(
        found,
        ["date_before_founding", "member_outside_unit", "required"],
        "{e}"
    );
    for (username, code) in [
        ("zhaopengda", "already_lead"),
        ("nobody.here", "unknown_user"),
    ] {
        let (status, e) = union
            .post(
                &path,
                json!({ "username": username, "on": "2024-03-01", "reason": "调任" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(codes(&e), [code], "{e}");
    }

    // The studio lead's role is Zhao Pengda's, not yet Wang Fang's.
    const LEAD_ROLES_OF_ZHAO: &str =
        "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id
        WHERE u.username = 'zhaopengda' AND g.role = 'studio_lead'";
    const LEAD_ROLES_OF_WANG: &str =
        "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id
        WHERE u.username = 'wang.fang' AND g.role = 'studio_lead'";
    assert_eq!(app.count(LEAD_ROLES_OF_ZHAO).await, 1);
    assert_eq!(app.count(LEAD_ROLES_OF_WANG).await, 0);

    // Handed to Wang Fang, a member since the founding; Zhao Pengda stays on as a member.
    let (status, d) = union
        .post(
            &path,
            json!({ "username": "wang.fang", "on": "2024-03-01", "reason": "赵鹏达调任集团总工程师",
                "former_stays": true, "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["lead_name"], "王芳");
    let all = memberships(&d);
    assert_eq!(
        held_by(&all, "zhaopengda"),
        [
            ("member", "2024-03-01", None),
            ("lead", "2017-10-01", Some("2024-03-01"))
        ]
    );
    let wang = held_by(&all, "wang.fang");
    assert!(wang.contains(&("lead", "2024-03-01", None)), "{wang:?}");
    assert!(
        wang.iter()
            .any(|(role, _, left)| *role == "member" && *left == Some("2024-03-01")),
        "{wang:?}"
    );
    assert_eq!(
        all.iter()
            .filter(|m| m.1 == "lead" && m.3.is_none())
            .count(),
        1,
        "one lead at a time: {all:?}"
    );
    assert_eq!(d["namings"].as_array().unwrap().len(), namings);
    // The role follows the studio: Wang Fang holds it now; Zhao Pengda, who leads no other
    // studio, no longer does.
    assert_eq!(app.count(LEAD_ROLES_OF_WANG).await, 1);
    assert_eq!(app.count(LEAD_ROLES_OF_ZHAO).await, 0);
    assert_eq!(d["studio"]["level"], before["studio"]["level"]);
    let handed = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "lead_changed")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(handed["on_date"], "2024-03-01");
    assert_eq!(handed["detail"]["from"], "赵鹏达");
    assert_eq!(handed["detail"]["to"], "王芳");
    assert_eq!(handed["detail"]["reason"], "赵鹏达调任集团总工程师");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'studio.lead_changed'")
            .await,
        1
    );

    // A form read before the change is refused.
    let (status, e) = union
        .post(
            &path,
            json!({ "username": "chen.jing", "on": "2024-04-01", "reason": "再次更换",
                "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "studio_changed");
    crate::studios::assert_studio_tally_is_exact(&app).await;

    // On the page: the union clerk's form, a missing reason named, then handed back.
    let page = app.sign_in_demo("ref.union").await;
    let (_, html) = page.page(&format!("/studios/{id}")).await;
    assert!(html.contains("data-testid=\"lead-form\""));
    let refused = page
        .post_form(
            &path,
            &[
                ("username", "zhaopengda"),
                ("on", "2024-06-01"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("原因"), "the reason named in Chinese");
    let done = page
        .post_form(
            &path,
            &[
                ("username", "zhaopengda"),
                ("on", "2024-06-01"),
                ("reason", "王芳退休"),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    assert_eq!(d["studio"]["lead_name"], "赵鹏达");
    assert_eq!(d["studio"]["name"], ZHAO);
    let all = memberships(&d);
    assert_eq!(
        held_by(&all, "wang.fang"),
        [
            ("lead", "2024-03-01", Some("2024-06-01")),
            ("member", "2017-10-01", Some("2024-03-01"))
        ],
        "without former_stays Wang Fang leaves"
    );
    let (_, html) = page.page(&format!("/studios/{id}")).await;
    assert!(html.contains("王芳退休"), "the history shows why");
}
on_both!(a_studio_is_handed_to_a_new_lead);

async fn a_studio_moves_to_another_unit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let id = zhao_id(&app).await;
    let path = format!("/studios/{id}/unit");
    let union = app.api_as("ref.union").await;
    let centre = app.org_id("CN-LN-JZ-REF-TC").await;

    // Wrong units and a missing reason, each named.
    for (body, expected) in [
        (
            json!({ "unit_code": "CN-LN-JZ", "on": "2024-03-01", "reason": "" }),
            vec!["required", "studio_unit_not_enterprise"],
        ),
        (
            json!({ "unit_code": "CN-LN-JZ-REF", "on": "2024-03-01", "reason": "合并" }),
            vec!["unit_unchanged"],
        ),
        (
            json!({ "unit_code": "XX-NOWHERE", "on": "2024-03-01", "reason": "合并" }),
            vec!["unknown_unit_code"],
        ),
    ] {
        let (status, e) = union.post(&path, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let mut found = codes(&e);
        found.sort();
        assert_eq!(found, expected, "{e}");
    }
    // A unit in Dalian: not the Jinzhou company's to give; and for the national federation,
    // who may, the studio's people do not work there, each named.
    let dalian = app.org_id("CN-LN-DL-GJZ-MW").await;
    let body = json!({ "unit_id": dalian, "on": "2024-03-01", "reason": "合并" });
    let (status, _) = union.post(&path, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, e) = app.api_as("admin").await.post(&path, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let named: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default())
        .collect();
    assert!(named.iter().any(|m| m.contains("zhaopengda")), "{e}");
    assert_eq!(
        codes(&e)
            .iter()
            .filter(|c| *c == "member_outside_unit")
            .count(),
        named.len()
    );
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    let present = memberships(&d).iter().filter(|m| m.3.is_none()).count();
    assert_eq!(named.len(), present, "every present member named: {e}");

    // Into the company's technology centre, which absorbed the studio's old unit.
    let version = d["studio"]["version"].as_i64().unwrap();
    let (status, d) = union
        .post(
            &path,
            json!({ "unit_id": centre, "on": "2024-03-01", "reason": "公司技术部门并入技术中心",
                "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["unit_id"], centre);
    let moved = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "unit_changed")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(moved["detail"]["reason"], "公司技术部门并入技术中心");
    crate::studios::assert_studio_tally_is_exact(&app).await;
    let (_, listed) = union.get(&format!("/studios?unit={centre}")).await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id),
        "{listed}"
    );

    // A form read before the move is refused; the page's form moves it back.
    let (status, _) = union
        .post(
            &path,
            json!({ "unit_code": "CN-LN-JZ-REF", "on": "2024-04-01", "reason": "恢复",
                "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let page = app.sign_in_demo("ref.union").await;
    let (_, html) = page.page(&format!("/studios/{id}")).await;
    assert!(html.contains("data-testid=\"unit-form\""));
    let done = page
        .post_form(
            &path,
            &[
                ("unit_code", "CN-LN-JZ-REF"),
                ("on", "2024-04-01"),
                ("reason", "恢复原单位"),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    assert_eq!(d["studio"]["unit_id"], app.org_id("CN-LN-JZ-REF").await);
    crate::studios::assert_studio_tally_is_exact(&app).await;
}
on_both!(a_studio_moves_to_another_unit);
