//! Bad input and conflicts are refused, every problem at once, and nothing changes.

use super::{fields, id_of, png, unrelated, user};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn bad_input_and_conflicts_are_refused_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let li = user(&app, "li.ming").await;
    let kiln_head = user(&app, "kiln.head").await;
    let ref_office = user(&app, "ref.office").await;
    let proposals_before = app.count("SELECT COUNT(*) FROM proposals").await;

    // Shares must add up to 100; an empty title is required.
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": "窑车密封", "problem": "窑车漏风", "proposed_change": "加装密封条",
                    "category": "small_innovation", "unit_id": kiln, "proposer_share": "50",
                    "co_proposers": [{ "username": "sun.qiang", "share": 40 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(
        fields(&body),
        vec![("shares".into(), "shares_not_whole".into())]
    );
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": " ", "problem": "窑车漏风", "proposed_change": "加装密封条",
                    "category": "small_innovation", "unit_id": kiln }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), vec![("title".into(), "required".into())]);
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": "超长", "problem": "长".repeat(4001), "proposed_change": "x",
                    "category": "small_innovation", "unit_id": kiln }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), vec![("problem".into(), "too_long".into())]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM proposals").await,
        proposals_before
    );

    // Bad list filters name their parameter.
    let (status, body) = li
        .get("/proposals?view=everything&from=2022-13&status=lost&page=x")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<String> = fields(&body).into_iter().map(|f| f.0).collect();
    assert_eq!(named, vec!["view", "from", "status", "page"]);

    // Reviewing: a reason to reject, the order of steps, the version read.
    let d = li.draft(unrelated(kiln, "食堂增设自助取餐窗口")).await;
    let id = id_of(&d);
    let d = li.submit(&d).await;
    let version = d["version"].as_i64().unwrap();
    let (status, body) = kiln_head.review(&d, "reject", "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body)[0].0, "comment");
    let (status, body) = kiln_head.review(&d, "adopt", "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("review_out_of_order"))
    );
    let (status, body) = kiln_head
        .post(
            &format!("/proposals/{id}/review"),
            json!({ "action": "forward", "version": version - 1 }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("proposal_changed"))
    );
    // The command's wire struct: an action that is not one, a missing action, a field it does
    // not have; each names its field and changes nothing.
    for (sent, field, code) in [
        (json!({ "action": "approve" }), "action", "wrong_type"),
        (json!({ "comment": "好" }), "action", "required"),
        (
            json!({ "action": "forward", "approver": "me" }),
            "approver",
            "unknown_field",
        ),
    ] {
        let (status, body) = kiln_head
            .post(&format!("/proposals/{id}/review"), sent.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent} {body}");
        assert_eq!(fields(&body), vec![(field.into(), code.into())], "{sent}");
    }
    let (_, now) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(now["proposal"]["status"], "in_review");
    assert_eq!(now["proposal"]["current_step"], 1);
    assert_eq!(now["version"], version);

    // Two reviewers act on the same version at once: exactly one wins.
    let (a, b) = tokio::join!(
        kiln_head.review(&d, "forward", ""),
        ref_office.review(&d, "return", "请补充成本测算")
    );
    let mut statuses = vec![a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        vec![StatusCode::OK, StatusCode::CONFLICT],
        "{a:?} {b:?}"
    );
    let loser = if a.0 == StatusCode::CONFLICT {
        &a.1
    } else {
        &b.1
    };
    assert_eq!(loser["error"], "proposal_changed");
    let (_, now) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(now["version"], version + 1);
    let decided = now["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "forwarded" || e["kind"] == "returned")
        .count();
    assert_eq!(decided, 1);

    // Files: checked by type, contents and size; a good one comes back byte for byte.
    let d = li.draft(unrelated(kiln, "更衣室加装储物柜")).await;
    let id = id_of(&d);
    let (status, body) = li
        .upload(id, "run.exe", b"MZ\x90\x00 program".to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        vec![("file".into(), "file_type_not_allowed".into())]
    );
    let (status, body) = li.upload(id, "scan.pdf", png()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        vec![("file".into(), "file_content_mismatch".into())]
    );
    let mut big = png();
    big.resize(ingot_app::files::MAX_FILE_BYTES + 1, 0);
    let (status, body) = li.upload(id, "big.png", big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        fields(&body),
        vec![("file".into(), "file_too_large".into())]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);

    let bytes = png();
    let (status, a) = li.upload(id, "窑车 密封.png", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["sha256"], ingot_app::files::sha256_hex(&bytes));
    assert_eq!(a["size"], bytes.len());
    assert_eq!(a["content_type"], "image/png");
    assert_eq!(a["filename"], "窑车 密封.png");
    let url = a["download_url"].as_str().unwrap();
    assert_eq!(url, format!("/api/v1/attachments/{}", a["id"]));
    let (status, headers, body) = li.fetch(url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename*=UTF-8''%E7%AA%91%E8%BD%A6%20%E5%AF%86%E5%B0%81.png"
    );
    let (_, d) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(d["attachments"][0]["sha256"], a["sha256"]);
}
on_both!(bad_input_and_conflicts_are_refused_and_change_nothing);

/// Every problem is reported at once: a missing title does not hide shares that do not add up.
async fn every_problem_of_a_proposal_is_reported_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let li = user(&app, "li.ming").await;
    let (status, body) = li
        .post(
            "/proposals",
            json!({ "title": " ", "problem": "窑车漏风", "proposed_change": "加装密封条",
                    "category": "small_innovation", "unit_id": kiln, "proposer_share": "50",
                    "co_proposers": [{ "username": "sun.qiang", "share": 40 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let found = fields(&body);
    assert!(
        found.contains(&("title".into(), "required".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("shares".into(), "shares_not_whole".into())),
        "shares are checked together with the other fields: {found:?}"
    );
}
on_both!(every_problem_of_a_proposal_is_reported_at_once);
