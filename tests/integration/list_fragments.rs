//! Lists answer htmx with their results only: the filters and the pager swap the results in
//! place, without the page around them, and the answer varies with the header that asks.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

async fn fragment(session: &crate::support::Session, path: &str, target: &str) -> String {
    let r = session
        .client
        .get(session.url(path))
        .header("HX-Request", "true")
        .header("HX-Target", target)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["vary"], "HX-Target");
    r.text().await.unwrap()
}

async fn lists_answer_htmx_with_their_results(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // Studios, public: the provincial ones, then the municipal ones, each only the results.
    let visitor = app.visitor().await;
    let (_, full) = visitor.page("/studios?level=provincial").await;
    assert!(full.contains("<html") && full.contains("studio-filters"));
    let provincial = fragment(&visitor, "/studios?level=provincial", "studio-results").await;
    assert!(
        provincial
            .trim_start()
            .starts_with("<div id=\"studio-results\"")
    );
    assert!(!provincial.contains("<html") && !provincial.contains("studio-filters"));
    assert!(provincial.contains(crate::studios::ZHAO));
    let municipal = fragment(&visitor, "/studios?level=municipal", "studio-results").await;
    assert!(!municipal.contains(crate::studios::ZHAO));
    // A bad filter is explained inside the results, where htmx puts them.
    let bad = fragment(&visitor, "/studios?year=abc", "studio-results").await;
    assert!(bad.contains("form-error"), "{bad}");
    // Two bad values are both named.
    let both = fragment(
        &visitor,
        "/studios?year=abc&unit=999999999",
        "studio-results",
    )
    .await;
    assert_eq!(
        both.matches("data-testid=\"form-error\"").count(),
        2,
        "{both}"
    );
    // Another target gets the whole page.
    let other = fragment(&visitor, "/studios?level=provincial", "elsewhere").await;
    assert!(other.contains("<html"));

    // Proposals, signed in: a search narrows the results, the filters stay out of the answer.
    let admin = app.sign_in_demo("admin").await;
    let (_, full) = admin.page("/proposals?view=all").await;
    assert!(full.contains("proposal-filters"));
    let all = fragment(&admin, "/proposals?view=all", "proposal-results").await;
    assert!(!all.contains("<html") && !all.contains("proposal-filters"));
    let rows = |html: &str| html.matches("data-testid=\"proposal-row\"").count();
    assert!(rows(&all) > 1, "{all}");
    let first_title = all
        .split("data-testid=\"proposal-link\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_string();
    let search = reqwest::Url::parse_with_params(
        &admin.url("/proposals"),
        &[("view", "all"), ("q", first_title.as_str())],
    )
    .unwrap();
    let found = fragment(
        &admin,
        &format!("/proposals?{}", search.query().unwrap()),
        "proposal-results",
    )
    .await;
    assert!(found.contains(&first_title), "{found}");

    // People, for an administrator: searching by name answers with the matching rows only.
    let (_, full) = admin.page("/users?q=expert").await;
    assert!(full.contains("<html"));
    let experts = fragment(&admin, "/users?q=expert", "user-results").await;
    assert!(
        experts
            .trim_start()
            .starts_with("<section class=\"card\" id=\"user-results\"")
    );
    assert!(
        experts.contains("expert.li") && !experts.contains("ref.union"),
        "{experts}"
    );
}

on_both!(lists_answer_htmx_with_their_results);
