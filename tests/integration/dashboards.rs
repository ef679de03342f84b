//! The landing page by role on both databases: each person's own work, a reviewer's queue, what
//! waits for finance, a union's year with its figures (the same as its annual summary) and the
//! campaigns in progress; each count the same as the list it leads to.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

/// The number shown in a section's heading: `<h2>Title (12)</h2>`.
fn heading_count(html: &str, testid: &str) -> String {
    let at = html
        .find(&format!("data-testid=\"{testid}\""))
        .unwrap_or_else(|| panic!("no {testid}"));
    let h2 = &html[at..];
    let open = h2.find('(').unwrap();
    let close = h2[open..].find(')').unwrap();
    h2[open + 1..open + close].to_string()
}

async fn each_role_lands_on_its_work(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // A reviewer: their queue, as many as the list of proposals waiting for them.
    let reviewer = app.sign_in_demo("ref.reviewer").await;
    let (s, html) = reviewer.page("/").await;
    assert_eq!(s, StatusCode::OK);
    let (_, list) = app
        .api_as("ref.reviewer")
        .await
        .get("/proposals?view=to_review&per_page=1")
        .await;
    assert_eq!(
        heading_count(&html, "to-review"),
        list["total"].to_string(),
        "{html}"
    );
    assert!(!html.contains("data-testid=\"to-verify\""));
    assert!(
        !html.contains("data-testid=\"scope-year\""),
        "a reviewer runs no union"
    );

    // Finance: implemented proposals whose benefit waits for verification.
    let finance = app.sign_in_demo("ref.finance").await;
    let (_, html) = finance.page("/").await;
    let (_, list) = app
        .api_as("ref.finance")
        .await
        .get("/proposals?view=all&status=implemented&per_page=1")
        .await;
    assert_eq!(heading_count(&html, "to-verify"), list["total"].to_string());
    assert!(!html.contains("data-testid=\"to-review\""));

    // An employee: their own proposals and records, nothing of anyone else's work.
    let employee = app.sign_in_demo("li.ming").await;
    let (_, html) = employee.page("/").await;
    let (_, mine) = app
        .api_as("li.ming")
        .await
        .get("/proposals?view=mine&per_page=1")
        .await;
    assert_eq!(heading_count(&html, "my-work"), mine["total"].to_string());
    for other in [
        "to-review",
        "to-verify",
        "scope-year",
        "campaigns-in-progress",
    ] {
        assert!(
            !html.contains(&format!("data-testid=\"{other}\"")),
            "{other}"
        );
    }

    // A worker named on records: the counts are the records their page lists.
    let worker = app.sign_in_demo("dl.liu.gang").await;
    let (_, html) = worker.page("/").await;
    let id = app.user_id("dl.liu.gang").await;
    let (_, held) = app
        .api_as("dl.liu.gang")
        .await
        .get(&format!("/people/{id}/records"))
        .await;
    let achievements = held["achievements"].as_array().unwrap().len();
    assert!(achievements > 0, "{held}");
    let at = html.find("data-testid=\"my-records\"").unwrap();
    assert!(
        html[at..].contains(&format!("成果 {achievements} 项")),
        "{}",
        &html[at..at + 400]
    );

    // A city federation: its year, each tile the same as its annual summary.
    let city = app.sign_in_demo("dl.admin").await;
    let (_, html) = city.page("/").await;
    assert!(html.contains("data-testid=\"scope-year\""), "{html}");
    let year = time_year();
    let dalian = app.org_id("CN-LN-DL").await;
    let (_, summary) = app
        .api_as("dl.admin")
        .await
        .get(&format!(
            "/reports/annual-summary?unit_id={dalian}&year={year}"
        ))
        .await;
    let put_forward = summary["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["figure"] == "proposals.put_forward")
        .unwrap()["value"]
        .clone();
    let tiles_at = html.find("data-testid=\"scope-tiles\"").unwrap();
    let first_tile = &html[tiles_at..];
    let value_at = first_tile.find("class=\"value\">").unwrap() + "class=\"value\">".len();
    let value_end = first_tile[value_at..].find('<').unwrap();
    assert_eq!(
        &first_tile[value_at..value_at + value_end],
        put_forward.to_string()
    );
    assert!(html.contains("id=\"chart-months\""));
}
on_both!(each_role_lands_on_its_work);

/// The year the server counts in (China Standard Time), as the dashboard does.
fn time_year() -> i64 {
    let today = ingot_domain::time::Date::of(
        ingot_domain::Timestamp::now(),
        ingot_domain::time::CHINA_STANDARD_OFFSET_MS,
    );
    i64::from(today.year)
}
