//! Statements per page: every list, dashboard and record page runs a small, fixed number of
//! statements, whatever the number of rows it shows, so an N+1 (a statement per row) fails here.
//! Counted by the server itself (`X-Ingot-Queries`).

use crate::support::{Backend, Session, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const HEADER: &str = "x-ingot-queries";

async fn statements(session: &Session, path: &str) -> u64 {
    let response = session.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response
        .headers()
        .get(HEADER)
        .unwrap_or_else(|| panic!("{path} tells its statements"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The pages people open most, with the statements each may run at most: a per-row statement
/// would exceed these on pages of twenty rows.
const PAGES: &[(&str, &str, u64)] = &[
    ("admin", "/", 24),
    ("admin", "/proposals?view=all", 12),
    ("admin", "/proposals/stats", 12),
    ("admin", "/proposals/10", 14),
    ("admin", "/studios", 10),
    // The studio's page also counts its members' records (three statements, whatever their number).
    ("admin", "/studios/1", 26),
    ("admin", "/orgs", 10),
    ("admin", "/users", 10),
    ("admin", "/achievements", 10),
    ("admin", "/patents", 10),
    ("admin", "/campaigns", 10),
    ("admin", "/campaigns/1", 12),
    ("admin", "/campaigns/1/results", 16),
    ("admin", "/programmes", 10),
    ("admin", "/programmes/1", 14),
    ("admin", "/programmes/1/tasks/1", 18),
    ("admin", "/patents/1", 10),
    ("admin", "/achievements/1", 14),
    ("admin", "/audit", 10),
    ("admin", "/reports/annual?year=2020", 10),
    ("admin", "/reports/rankings?year=2023", 12),
    ("admin", "/returns", 10),
    // An expert's review list: the conflicts and a declared person's records are read for all
    // the assigned declarations at once.
    ("expert.wang", "/campaigns/1/review", 16),
];

async fn pages_run_few_statements_whatever_their_rows(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.count_queries = true).await else {
        return;
    };
    let mut sessions = std::collections::HashMap::new();
    let mut over = Vec::new();
    for (user, path, budget) in PAGES {
        if !sessions.contains_key(user) {
            sessions.insert(*user, app.sign_in_demo(user).await);
        }
        let n = statements(&sessions[user], path).await;
        if n > *budget {
            over.push(format!("{path}: {n} statements (at most {budget})"));
        }
    }
    assert!(over.is_empty(), "{over:#?}");

    // The same list with two rows and with a full page: the same statements.
    let li = app.sign_in_demo("li.ming").await;
    let few = statements(&li, "/proposals").await;
    let api = app.api_as("li.ming").await;
    let (_, me) = api.get("/me").await;
    let unit = me["user"]["org_id"].clone();
    let api_few = api_statements(&app, "li.ming", "/api/v1/proposals?per_page=50").await;
    for i in 0..25 {
        let (status, body) = api
            .post(
                "/proposals",
                json!({
                    "title": format!("托辊改用密封轴承之{i}"),
                    "problem": "托辊卡死造成皮带跑偏。",
                    "proposed_change": "改用密封轴承托辊。",
                    "expected_effect": "减少停机。",
                    "category": "small_innovation",
                    "unit_id": unit,
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(statements(&li, "/proposals").await, few, "/proposals");
    assert_eq!(
        api_statements(&app, "li.ming", "/api/v1/proposals?per_page=50").await,
        api_few,
        "/api/v1/proposals"
    );
}
crate::on_both!(pages_run_few_statements_whatever_their_rows);

async fn api_statements(app: &TestApp, username: &str, path: &str) -> u64 {
    let token = app.token_for(username).await;
    let response = TestApp::client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.headers()[HEADER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}
