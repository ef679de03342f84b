//! What scripts/fuzz-api (schemathesis against the OpenAPI document) found, each kept as a test
//! that failed before its fix, on both databases.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

/// A year anywhere in i64's range is a year with nothing in it for a list, and a year a unit's
/// figures refuse by name. Before, `year * 10000` (the studios' naming filter) and `year * 100`
/// (a unit's figures) overflowed: the request's task panicked and the client's connection was
/// dropped.
async fn extreme_years_find_nothing_rather_than_crash(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.api_as("admin").await;
    let unit = app.org_id("CN").await;
    for year in [i64::MIN, -1, i64::MAX] {
        let (status, body) = admin.get(&format!("/studios?year={year}")).await;
        assert_eq!(status, StatusCode::OK, "{year}: {body}");
        assert_eq!(body["total"], 0, "{year}: {body}");
        let (status, body) = admin
            .get(&format!("/innovation/figures?unit_id={unit}&year={year}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{year}: {body}");
        assert_eq!(body["fields"][0]["field"], "year", "{year}: {body}");
    }
}
on_both!(extreme_years_find_nothing_rather_than_crash);

fn schema<'a>(doc: &'a Value, reference: &Value) -> &'a Value {
    let name = reference["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("not a reference: {reference}"))
        .trim_start_matches("#/components/schemas/");
    &doc["components"]["schemas"][name]
}

/// The served document describes what the server sends. Before, `/studios/stats` was documented
/// with the proposals' statistics (two types named `StatsDto`), and an import refused for its
/// file (no header row) answered an error body where the document promised a row report.
async fn the_document_describes_the_answers_the_fuzzer_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = app.api_as("admin").await;

    let (status, stats) = admin.get("/studios/stats").await;
    assert_eq!(status, StatusCode::OK);
    let documented = schema(
        &doc,
        &doc["paths"]["/studios/stats"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
    );
    for field in documented["required"].as_array().unwrap() {
        let field = field.as_str().unwrap();
        assert!(stats.get(field).is_some(), "{field} missing from {stats}");
    }

    let (status, refused) = admin
        .post_bytes("/orgs/import?dry_run=true", "text/csv", b"[0]".to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["fields"][0]["code"], "file_no_header", "{refused}");
    for path in ["/orgs/import", "/patents/import"] {
        let documented = schema(
            &doc,
            &doc["paths"][path]["post"]["responses"]["422"]["content"]["application/json"]["schema"],
        );
        let variants: Vec<&str> = documented["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: {documented}"))
            .iter()
            .filter_map(|v| v["$ref"].as_str())
            .collect();
        assert!(
            variants.contains(&"#/components/schemas/ErrorBody"),
            "{path}: {variants:?}"
        );
    }
}
on_both!(the_document_describes_the_answers_the_fuzzer_checked);

/// A submission refused for a stale version is a plain conflict: the document's 409 body does
/// not require `similar`, which only `similar_proposals_found` carries. Before, it did.
async fn a_stale_submission_matches_its_documented_conflict(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let li = app.api_as("li.ming").await;
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let (status, draft) = li
        .post(
            "/proposals",
            serde_json::json!({"title": "托辊测温", "problem": "托辊损坏无人发现。",
                "proposed_change": "加装温度贴片。", "expected_effect": "减少停机。",
                "category": "small_innovation", "unit_id": kiln}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let stale = draft["version"].as_i64().unwrap() - 1;
    let (status, refused) = li
        .post(
            &format!("/proposals/{}/submit", draft["proposal"]["id"]),
            serde_json::json!({"version": stale, "seen_similar": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "proposal_changed", "{refused}");
    assert!(refused.get("similar").is_none());

    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let documented = schema(
        &doc,
        &doc["paths"]["/proposals/{id}/submit"]["post"]["responses"]["409"]["content"]["application/json"]
            ["schema"],
    );
    let required: Vec<&Value> = documented["allOf"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|part| part["required"].as_array())
        .flatten()
        .collect();
    assert!(!required.contains(&&Value::from("similar")), "{documented}");
}
on_both!(a_stale_submission_matches_its_documented_conflict);

/// A method a route does not have is answered 405 with the methods it does have. Before, the
/// access gate found no gate for it, logged "route without a gate" as an error and answered 403,
/// so a fuzzer's PUTs and TRACEs filled the log with false alarms.
async fn a_method_a_route_lacks_is_405_with_allow(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = app.token_for("admin").await;
    let client = reqwest::Client::new();
    for (method, path, allow) in [
        ("PUT", "/api/v1/users", "GET, POST"),
        ("TRACE", "/api/v1/me/tokens/1", "DELETE"),
        ("DELETE", "/api/v1/studios/stats", "GET"),
    ] {
        let r = client
            .request(method.parse().unwrap(), app.url(path))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
    }
}
on_both!(a_method_a_route_lacks_is_405_with_allow);

/// Weights anywhere in i64's range are refused naming them. Before, adding them up overflowed
/// and the request's task panicked (found by the domain's decoding properties).
async fn huge_assessment_weights_are_refused_naming_them(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ln = app.api_as("ln.admin").await;
    let province = app.org_id("CN-LN").await;
    let (status, refused) = ln
        .send(
            reqwest::Method::PUT,
            &format!("/orgs/{province}/assessment-standard"),
            serde_json::json!({ "criteria": [
                    { "code": "achievements", "weight": i64::MAX },
                    { "code": "conditions", "weight": i64::MAX }],
                "excellent_min": 85, "pass_min": 60 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"criteria[0].weight"), "{refused}");
}
on_both!(huge_assessment_weights_are_refused_naming_them);
