//! A patent changed after it was recorded, on its page and through the API, on both databases:
//! granted at last (which moves it to the year of its grant in the tally the annual summary
//! reads, kept exact), a mistyped number refused by its check digit or as another patent's, a
//! change made meanwhile refused, and the history on the page with who, what and why.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn a_patent_is_granted_corrected_and_its_history_kept(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("dl.union").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    let (s, p) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN202010566088.9", "title": "图像处理方法",
                   "inventors": "刘刚", "applied_on": "2020-06-19"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["status"], "applied");
    assert_eq!(p["year"], 2020);
    let id = p["id"].as_i64().unwrap();
    crate::reports::assert_record_tally_is_exact(&app).await;

    // Granted, on the page: the form holds what the patent holds, with the version read.
    let clerk = app.sign_in_demo("dl.union").await;
    let (status, page) = clerk.page(&format!("/patents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"patent-edit\""));
    let (status, form) = clerk.page(&format!("/patents/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"CN202010566088.9\""));
    let unit_s = unit.to_string();
    let mut fields = vec![
        ("version", "1"),
        ("unit_id", unit_s.as_str()),
        ("kind", "invention"),
        ("number", "CN202010566088.9"),
        ("title", "图像处理方法"),
        ("inventors", "刘刚，赵敏"),
        ("applied_on", "2020-06-19"),
        ("granted_on", "2020-01-02"),
        ("status", "granted"),
        ("reason", "收到授权通知书"),
    ];
    // A grant before the application is named; nothing changes.
    let r = clerk
        .post_form(&format!("/patents/{id}/edit"), &fields)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"error-granted_on\"")
    );
    fields[7].1 = "2021-03-02";
    let r = clerk
        .post_form(&format!("/patents/{id}/edit"), &fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, d) = union.get(&format!("/patents/{id}")).await;
    assert_eq!(d["patent"]["status"], "granted");
    assert_eq!(d["patent"]["granted_on"], "2021-03-02");
    assert_eq!(
        d["patent"]["year"], 2021,
        "counted in the year of its grant"
    );
    assert_eq!(d["patent"]["inventors"], "刘刚，赵敏");
    assert_eq!(d["patent"]["version"], 2);
    crate::reports::assert_record_tally_is_exact(&app).await;

    // The same form again: the version it read is gone.
    let r = clerk
        .post_form(&format!("/patents/{id}/edit"), &fields)
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"form-error\"")
    );

    // Through the API: a mistyped check digit, then another patent's number, are refused.
    let (s, other) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN201811564288.X", "title": "大规模接入方法",
                   "inventors": "齐俏", "applied_on": "2018-12-20"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let mut body = json!({"version": 2, "unit_id": unit, "kind": "invention",
        "number": "CN202010566088.8", "title": "图像处理方法", "inventors": "刘刚，赵敏",
        "applied_on": "2020-06-19", "granted_on": "2021-03-02", "status": "granted"});
    let path = format!("/patents/{id}");
    let (s, e) = union.send(Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("patent_number_check"), "{e}");
    body["number"] = json!("CN201811564288.X");
    let (s, e) = union.send(Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "patent_number_taken");
    // Lapsed, with its reason.
    body["number"] = json!("CN202010566088.9");
    body["status"] = json!("lapsed");
    body["reason"] = json!("未缴年费");
    let (s, changed) = union.send(Method::PATCH, &path, body).await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["version"], 3);
    crate::reports::assert_record_tally_is_exact(&app).await;

    // Someone of another enterprise cannot change it, nor learn that it exists.
    let outsider = app.api_as("ref.union").await;
    let (s, _) = outsider
        .send(Method::PATCH, &path, json!({"version": 3}))
        .await;
    assert!(
        matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{s}"
    );
    assert_eq!(union.get(&path).await.1["patent"]["status"], "lapsed");

    // The history: both changes, newest first, with before, after and why.
    let (_, d) = union.get(&path).await;
    let history = d["history"].as_array().unwrap();
    assert_eq!(history[0]["action"], "patent.update");
    assert_eq!(history[0]["after"]["status"], "lapsed");
    assert_eq!(history[0]["after"]["reason"], "未缴年费");
    assert_eq!(history[1]["before"]["status"], "applied");
    assert_eq!(history[1]["after"]["status"], "granted");
    assert_eq!(history[2]["action"], "patent.create");
    let (_, page) = clerk.page(&path).await;
    assert!(
        page.contains("未缴年费") && page.contains("收到授权通知书"),
        "{page}"
    );
    assert!(page.contains("data-testid=\"history-change\""));
}
on_both!(a_patent_is_granted_corrected_and_its_history_kept);
