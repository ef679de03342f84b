//! Everything a page can do, the API can do; and the reverse, which this test holds: every
//! operation of the API that changes something has a form on a page — at the same path, or at
//! the page path named below — or is listed as API-only with the reason. A new API operation
//! without a form, a form that disappears, or a listed gap that a page has since closed fails
//! here.

use std::collections::BTreeSet;

/// API operations whose form lives at another path: (method, API path, page path).
const PAGE_OF: &[(&str, &str, &str)] = &[
    (
        "DELETE",
        "/grants/{id}",
        "/users/{id}/grants/{grant}/revoke",
    ),
    ("DELETE", "/me/tokens/{id}", "/account/tokens/{id}/revoke"),
    ("POST", "/me/tokens", "/account/tokens"),
    ("POST", "/me/password", "/account/password"),
    ("PUT", "/me/lang", "/account/lang"),
    ("DELETE", "/orgs/{id}", "/orgs/{id}/delete"),
    ("PATCH", "/orgs/{id}", "/orgs/{id}/rename"),
    ("PATCH", "/studios/{id}", "/studios/{id}/edit"),
    ("PATCH", "/patents/{id}", "/patents/{id}/edit"),
    ("PATCH", "/skills/{id}", "/skills/{id}/edit"),
    ("PATCH", "/achievements/{id}", "/achievements/{id}/edit"),
    ("PATCH", "/titles/{id}", "/titles/{id}/edit"),
    (
        "PATCH",
        "/programmes/{id}/milestones/{milestone}",
        "/programmes/{id}/milestones/{milestone}/edit",
    ),
    (
        "PATCH",
        "/programmes/{id}/tasks/{task}",
        "/programmes/{id}/tasks/{task}/edit",
    ),
    (
        "POST",
        "/achievements/{id}/benefit/verify",
        "/achievements/{id}/verify",
    ),
    (
        "POST",
        "/achievements/{id}/patents",
        "/achievements/{id}/link",
    ),
    (
        "POST",
        "/achievements/{id}/proposals",
        "/achievements/{id}/link",
    ),
    ("POST", "/alliances", "/studios/alliances"),
    (
        "POST",
        "/campaigns/{id}/announcement",
        "/campaigns/{id}/announce",
    ),
    (
        "POST",
        "/campaigns/{id}/declarations",
        "/campaigns/{id}/declare",
    ),
    (
        "POST",
        "/enterprises/{org_id}/proposal-categories",
        "/proposals/settings/{org}/categories",
    ),
    (
        "PUT",
        "/enterprises/{org_id}/proposal-settings",
        "/proposals/settings/{org}/workflow",
    ),
    (
        "PUT",
        "/enterprises/{org_id}/reward-grades",
        "/proposals/settings/{org}/grades",
    ),
    (
        "POST",
        "/naming-applications/{id}/decision",
        "/studios/applications/{id}/decide",
    ),
    (
        "POST",
        "/naming-applications/{id}/review",
        "/studios/applications/{id}/review",
    ),
    ("POST", "/naming-calls", "/studios/calls"),
    (
        "POST",
        "/naming-calls/{id}/applications",
        "/studios/calls/{id}/apply",
    ),
    (
        "POST",
        "/proposals/{id}/benefit/verify",
        "/proposals/{id}/verify",
    ),
    (
        "POST",
        "/returns/{id}/units/{org}/submission",
        "/returns/{id}/units/{org}/submit",
    ),
    ("POST", "/studios/{id}/assessments", "/studios/{id}/assess"),
    (
        "PUT",
        "/orgs/{id}/assessment-standard",
        "/studios/standards/{org}",
    ),
];

/// API operations with no form yet, each with the reason.
const API_ONLY: &[(&str, &str, &str)] = &[];

#[test]
fn every_api_operation_that_changes_something_has_a_form() {
    let all = ingot_web::access::routes();
    let forms: BTreeSet<&str> = all
        .iter()
        .filter(|r| !r.path.starts_with("/api/") && r.method == "POST")
        .map(|r| r.path)
        .collect();
    let mut missing = Vec::new();
    for r in all.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let method = r.method.as_str();
        if method == "GET" {
            continue;
        }
        let path = &r.path["/api/v1".len()..];
        let mapped = PAGE_OF
            .iter()
            .find(|(m, p, _)| *m == method && *p == path)
            .map(|(_, _, page)| *page);
        let listed = API_ONLY.iter().any(|(m, p, _)| *m == method && *p == path);
        match mapped {
            Some(page) => assert!(forms.contains(page), "{method} {path}: no form at {page}"),
            None if forms.contains(path) => {
                assert!(
                    !listed,
                    "{method} {path} has a form now: take it off API_ONLY"
                );
            }
            None if listed => {}
            None => missing.push(format!("{method} {path}")),
        }
    }
    assert!(
        missing.is_empty(),
        "API operations without a form (add one, or list them in API_ONLY with the reason): {missing:#?}"
    );
    // Every line of both tables names an API operation that exists.
    for (method, path, _) in PAGE_OF.iter().chain(API_ONLY) {
        assert!(
            all.iter()
                .any(|r| r.method == *method && r.path == format!("/api/v1{path}")),
            "{method} {path} is no API operation"
        );
    }
}
