//! The studio registry and a studio's record are public over the API, as on the web: read
//! without credentials they show what the public page shows, members by name without their
//! sign-in names; with credentials, as before.

use super::{ZHAO, zhao_id};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

async fn anonymous(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let r = reqwest::get(app.url(&format!("/api/v1{path}")))
        .await
        .unwrap();
    crate::support::json_of(r).await
}

async fn studios_are_read_without_credentials(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, list) = anonymous(&app, "/studios?q=%E8%B5%B5%E9%B9%8F%E8%BE%BE").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == ZHAO),
        "{list}"
    );
    let id = zhao_id(&app).await;
    let (status, public) = anonymous(&app, &format!("/studios/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{public}");
    assert_eq!(public["studio"]["name"], ZHAO);
    let members = public["members"].as_array().unwrap();
    assert!(members.len() >= 4, "{public}");
    assert!(members.iter().all(|m| m["username"] == ""), "{public}");
    assert!(members.iter().any(|m| m["display_name"] == "赵鹏达"));
    // Signed in, the same studio with its people's usernames.
    let (status, signed) = app
        .api_as("jz.admin")
        .await
        .get(&format!("/studios/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        signed["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["username"] == "zhaopengda"),
        "{signed}"
    );
    // What is not public stays behind credentials.
    let (status, _) = anonymous(&app, "/studios/stats").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = anonymous(&app, "/studios/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both!(studios_are_read_without_credentials);
