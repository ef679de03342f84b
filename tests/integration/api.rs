//! The JSON API: tokens, the same policy as the pages, errors with stable codes in the caller's
//! language, and the OpenAPI document as a snapshot.

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp, json_of};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn tokens_authenticate_scripts_until_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("nre.union").await;
    let (status, me) = api.get("/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["username"], "nre.union");
    assert_eq!(me["grants"][0]["role"], "unit_admin");

    let (status, created) = api
        .post("/me/tokens", json!({ "name": "nightly export" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ingot_"));
    let second = ApiClient::new(&app.base, &secret, "zh-CN");
    assert_eq!(second.get("/me").await.0, StatusCode::OK);
    // Only a digest is stored.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE 'ingot_%'")
            .await,
        0
    );

    let id = created["token"]["id"].as_i64().unwrap();
    let (status, _) = api.delete(&format!("/me/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = second.get("/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "token_invalid");
    assert!(
        body["message"].as_str().unwrap().contains("令牌"),
        "in the caller's language: {body}"
    );

    let nobody = ApiClient::new(&app.base, "ingot_not-a-real-token", "en");
    let (status, body) = nobody.get("/orgs").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_invalid"))
    );
    let r = reqwest::get(app.url("/api/v1/orgs")).await.unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
}
on_both!(tokens_authenticate_scripts_until_revoked);

async fn the_api_applies_the_same_policy(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let nre = app.api_as("nre.union").await;
    let smelting = app.org_id("CN-NM-BT-NRE-SMELT").await;
    let other_firm = app.org_id("CN-NM-BT-NHI").await;

    // Inside the enterprise: allowed.
    let (status, org) = nre.post("/orgs", json!({ "parent_id": smelting, "code": "NRE-LAB", "name": "分析化验室", "kind": "department" })).await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    assert_eq!(org["kind"], "department");
    // Another enterprise: refused, with a stable code and nothing written.
    let (status, body) = nre.post("/orgs", json!({ "parent_id": other_firm, "code": "NHI-X", "name": "越权", "kind": "department" })).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations WHERE code = 'NHI-X'")
            .await,
        0
    );
    // Its own root is renamed by the level above, not by itself.
    let nre_org = app.org_id("CN-NM-BT-NRE").await;
    let (status, _) = nre
        .send(
            Method::PATCH,
            &format!("/orgs/{nre_org}"),
            json!({ "name": "改名" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // People: an enterprise union sees its own people only; an employee sees none.
    let (status, list) = nre.get("/users").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["user"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["nre.union", "zhangwenbin"]);
    let employee = app.api_as("zhangwenbin").await;
    let (status, body) = employee.get("/users").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let admin_id = app.user_id("admin").await;
    let (status, _) = employee.get(&format!("/users/{admin_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = employee.get("/audit").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );

    // The federation at the top sees everything; a city sees its city.
    let top = app.api_as("admin").await;
    let (_, all) = top.get("/users?per_page=500").await;
    // 33 people of the foundation's demo and the 12 experts of the 2023 exchange's panel.
    assert_eq!(all["total"], 45);
    let dalian = app.api_as("dl.admin").await;
    let (_, city) = dalian.get("/users").await;
    assert_eq!(city["total"], 13);
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let (status, _) = dalian.get(&format!("/users?org={jinzhou}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
on_both!(the_api_applies_the_same_policy);

async fn bad_input_gets_clear_errors_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("ln.admin").await;
    let before = app.count("SELECT COUNT(*) FROM organisations").await;
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let dalian = app.org_id("CN-LN-DL").await;

    let (status, body) = api
        .post_bytes("/orgs", "application/json", b"{not json".to_vec())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
    );
    assert_eq!(body["fields"][0]["field"], "body");
    assert_eq!(body["fields"][0]["code"], "json_malformed");
    let (status, body) = api
        .post(
            "/orgs",
            json!({ "parent_id": dalian, "code": "X", "name": "甲", "kind": "galaxy" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("galaxy"),
        "{body}"
    );
    let long = "长".repeat(201);
    let (status, body) = api
        .post(
            "/orgs",
            json!({ "parent_id": dalian, "code": "bad code", "name": long, "kind": "enterprise" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(&str, &str)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, vec![("code", "invalid_code"), ("name", "too_long")]);
    assert_eq!(
        body["fields"][1]["message"],
        "Name: is too long (201 characters; at most 200)."
    );
    let (status, body) = api
        .post(
            "/orgs",
            json!({ "parent_id": 999999, "code": "X1", "name": "甲", "kind": "enterprise" }),
        )
        .await;
    assert_eq!(
        (status, body["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_org"))
    );
    let (status, body) = api
        .post(
            "/orgs",
            json!({ "parent_id": dalian, "code": "CN-LN-JZ", "name": "甲", "kind": "enterprise" }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("org_code_taken"))
    );
    let (status, body) = api
        .post(
            "/users",
            json!({ "org_id": dalian, "username": "admin", "display_name": "重名" }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("username_taken"))
    );
    let (status, body) = api.get("/orgs/424242").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = api.get("/no/such/endpoint").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log").await,
        audit_before,
        "failed changes leave no audit rows"
    );

    // Import through the API: the same row-by-row report.
    let csv = "code,name,kind,parent_code\nDL-API,接口导入企业,enterprise,CN-LN-DL\nDL-API,重复,enterprise,CN-LN-DL\n";
    let (status, report) = api
        .post_bytes("/orgs/import", "text/csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report["errors"][0]["row"], 3);
    assert_eq!(report["errors"][0]["code"], "duplicate_in_file");
    let csv = "code,name,kind,parent_code\nDL-API,接口导入企业,enterprise,CN-LN-DL\n";
    let (status, report) = api
        .post_bytes("/orgs/import", "text/csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["created"][0]["code"], "DL-API");
}
on_both!(bad_input_gets_clear_errors_and_changes_nothing);

async fn people_and_roles_through_the_api(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("ln.admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let (status, created) = api.post("/users", json!({ "org_id": jinzhou, "username": "jz.expert", "display_name": "锦州专家", "role": "expert" })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let password = created["generated_password"].as_str().unwrap().to_string();
    let id = created["user"]["id"].as_i64().unwrap();
    app.sign_in("jz.expert", &password).await;
    let (status, detail) = api.get(&format!("/users/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["grants"][0]["role"], "expert");
    let grant = detail["grants"][0]["id"].as_i64().unwrap();
    let (status, _) = api.delete(&format!("/grants/{grant}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = api
        .post(
            &format!("/users/{id}/password"),
            json!({ "password": "jz.expert" }),
        )
        .await;
    assert_eq!(
        (status, body["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password_too_short"))
    );
    let (status, body) = api.post(&format!("/users/{id}/password"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    app.sign_in("jz.expert", body["generated_password"].as_str().unwrap())
        .await;
    let (status, user) = api
        .send(
            Method::PATCH,
            &format!("/users/{id}"),
            json!({ "display_name": "锦州评审专家", "email": "expert@example.cn" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["display_name"], "锦州评审专家");
    let (_, history) = api
        .get(&format!("/audit?object_type=user&object_id={id}"))
        .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "user.create",
        "user.grant",
        "user.revoke",
        "user.reset_password",
        "user.update",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let update = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "user.update")
        .unwrap();
    assert_eq!(update["before"]["display_name"], "锦州专家");
    assert_eq!(update["after"]["display_name"], "锦州评审专家");
    assert_eq!(update["channel"], "api");
}
on_both!(people_and_roles_through_the_api);

/// The OpenAPI document is generated from the code; this snapshot makes every change to the
/// API visible in review. Refresh it with `INGOT_UPDATE_SNAPSHOTS=1`.
#[test]
fn the_openapi_document_matches_its_snapshot() {
    let document = serde_json::to_string_pretty(&ingot_web::api::openapi()).unwrap() + "\n";
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var_os("INGOT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &document).unwrap();
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        snapshot == document,
        "the OpenAPI document changed; review it and run with INGOT_UPDATE_SNAPSHOTS=1"
    );
    let value: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert!(value["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/orgs",
        "/orgs/{id}",
        "/orgs/import",
        "/users",
        "/users/{id}/grants",
        "/grants/{id}",
        "/me/tokens",
        "/audit",
    ] {
        assert!(value["paths"][path].is_object(), "{path} documented");
    }
}

async fn the_openapi_document_is_served(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let served: serde_json::Value = r.json().await.unwrap();
    // What is served is the reviewed snapshot (the test above keeps the snapshot current).
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        served == snapshot,
        "the served OpenAPI document differs from tests/snapshots/openapi.json"
    );
    assert!(served["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(served["servers"][0]["url"], "/api/v1");
    assert_eq!(
        served["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Every documented collection is routed and answers a token that may read everything.
    let admin = app.api_as("admin").await;
    let mut checked = 0;
    for (path, operations) in served["paths"].as_object().unwrap() {
        if path.contains('{') || operations.get("get").is_none() {
            continue;
        }
        let (status, body) = admin.get(path).await;
        // Without its parameters, a call may only be refused for a parameter documented as
        // required.
        let needs_parameters = operations["get"]["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["required"] == true));
        assert!(
            status == StatusCode::OK
                || (needs_parameters
                    && (status == StatusCode::BAD_REQUEST
                        || status == StatusCode::UNPROCESSABLE_ENTITY)),
            "GET {path}: {status} {body}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} paths checked");
    // And an undocumented one is not found, so the check above can tell.
    let (status, _) = admin.get("/no-such-collection").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let health: serde_json::Value = reqwest::get(app.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["database"],
        match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    );
}
on_both!(the_openapi_document_is_served);

/// PostgreSQL text cannot hold U+0000 (schemathesis found a 500 from `kind=%00` on the skills
/// list): a NUL in a query parameter or a JSON field is refused on both databases, naming it,
/// and nothing is saved.
async fn a_nul_character_is_refused_naming_its_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("nre.union").await;
    let (status, body) = api.get("/skills?kind=a%00b&page=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "kind");
    assert_eq!(body["fields"][0]["code"], "invalid_characters");
    let tokens = app.count("SELECT COUNT(*) FROM api_tokens").await;
    let (status, body) = api
        .post("/me/tokens", json!({ "name": "nightly\u{0}export" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "name");
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, tokens);
    // The pages answer the same way, in the reader's language.
    let visitor = app.visitor().await;
    let (status, _) = visitor.page("/search?q=%00").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
on_both!(a_nul_character_is_refused_naming_its_field);

/// The account's small commands take the domain's own values: a language is `zh`, `en` or
/// null (follow the browser), anything else is refused against `lang` and changes nothing.
async fn the_interface_language_is_one_of_two_or_none(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("li.ming").await;
    let (status, body) = api
        .send(reqwest::Method::PUT, "/me/lang", json!({ "lang": "en" }))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, me) = api.get("/me").await;
    assert_eq!(me["user"]["lang"], "en");
    for sent in [json!({ "lang": "fr" }), json!({ "lang": 7 })] {
        let (status, body) = api
            .send(reqwest::Method::PUT, "/me/lang", sent.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent} {body}");
        assert_eq!(body["fields"][0]["field"], "lang", "{sent}");
        assert_eq!(body["fields"][0]["code"], "wrong_type", "{sent}");
    }
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            "/me/lang",
            json!({ "language": "zh" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "unknown_field");
    let (_, me) = api.get("/me").await;
    assert_eq!(me["user"]["lang"], "en", "nothing changed");
    let (status, _) = api
        .send(reqwest::Method::PUT, "/me/lang", json!({ "lang": null }))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, me) = api.get("/me").await;
    assert!(me["user"]["lang"].is_null(), "{me}");
}
on_both!(the_interface_language_is_one_of_two_or_none);
