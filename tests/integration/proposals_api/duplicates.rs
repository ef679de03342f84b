//! Marking a proposal as a duplicate of an earlier one: only a reviewer of its unit may, only
//! of an earlier proposal of the same enterprise that is still standing; the duplicate leaves
//! review, points to the original on its page and in the API, its proposer hears of it, and it
//! cannot be marked twice.

use super::{DEMO_TITLE, id_of, user};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_later_copy_is_marked_a_duplicate_of_the_earlier_proposal(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let sun = user(&app, "sun.qiang").await;
    let li = user(&app, "li.ming").await;
    let reviewer = user(&app, "kiln.head").await;
    let body = |title: &str| {
        json!({
            "title": title,
            "problem": "隧道窑窑车两侧砂封槽依靠石英砂密封，砂子随窑车运行不断流失，车下漏风。",
            "proposed_change": "在窑车裙板下沿加装耐火纤维毡密封条，与窑墙曲封砖配合形成柔性迷宫密封。",
            "category": "small_innovation",
            "unit_id": kiln,
        })
    };
    let copy = sun
        .submit(&sun.draft(body("窑车砂封槽改用纤维毡密封")).await)
        .await;
    let later = li.submit(&li.draft(body("窑车砂封改纤维毡")).await).await;
    let (id, later_id) = (id_of(&copy), id_of(&later));
    let mut tx = app.db.read().await.unwrap();
    let (original,): (i64,) = tx
        .fetch_one(
            ingot_store::Sql::new("SELECT id FROM proposals WHERE title = $1").bind(DEMO_TITLE),
        )
        .await
        .unwrap();
    let (elsewhere,): (i64,) = tx
        .fetch_one(ingot_store::Sql::new(
            "SELECT p.id FROM proposals p JOIN organisations e ON e.id = p.enterprise_id
             WHERE e.code <> 'CN-LN-JZ-REF' ORDER BY p.id LIMIT 1",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let path = format!("/proposals/{id}/duplicate");

    // A colleague who is no reviewer does not even see it.
    let (status, _) = li.post(&path, json!({ "of": original })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Not earlier, or not of this enterprise: refused, naming the field.
    for (of, code) in [
        (later_id, "duplicate_not_earlier"),
        (elsewhere, "unknown_proposal"),
    ] {
        let (status, e) = reviewer.post(&path, json!({ "of": of })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["fields"][0]["field"], "duplicate_of", "{e}");
        assert_eq!(e["fields"][0]["code"], code, "{e}");
    }
    let (_, still) = reviewer.get(&format!("/proposals/{id}")).await;
    assert_eq!(still["proposal"]["status"], "in_review");

    // Of the demo's earlier (rewarded) proposal: out of review, pointing to it.
    let (status, d) = reviewer
        .post(
            &path,
            json!({ "of": original, "version": still["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "duplicate");
    assert_eq!(d["proposal"]["duplicate_of"], original, "{d}");
    assert!(d["proposal"]["current_step"].is_null(), "{d}");
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.duplicate'")
            .await
            >= 1
    );
    // The proposer hears of it, and sees the original on the page.
    let (_, heard) = sun.get("/notifications").await;
    let kinds: Vec<&str> = heard["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["proposal_id"] == id)
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"marked_duplicate"), "{heard}");
    let page = app.sign_in_demo("sun.qiang").await;
    let (_, html) = page.page(&format!("/proposals/{id}")).await;
    assert!(
        html.contains(&format!(
            "href=\"/proposals/{original}\" data-testid=\"duplicate-of\""
        )),
        "the original linked"
    );
    // Once marked, it is no longer open to marking.
    let (status, e) = reviewer.post(&path, json!({ "of": original })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "proposal_not_open");
}
on_both!(a_later_copy_is_marked_a_duplicate_of_the_earlier_proposal);
