//! The whole workflow through the API: a blind step, benefit and reward, files, and statistics
//! of the demo company.

use super::{DEMO_TITLE, id_of, user};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn a_proposal_goes_all_the_way_through_the_api(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let li_id = app.user_id("li.ming").await;
    let li = user(&app, "li.ming").await;
    let sun = user(&app, "sun.qiang").await;
    let kiln_head = user(&app, "kiln.head").await;
    let tc_reviewer = user(&app, "ref.reviewer").await;
    let union = user(&app, "ref.union").await;
    let finance = user(&app, "ref.finance").await;

    // A near copy of a demo proposal, with a co-proposer taking 40%.
    let d = li
        .draft(json!({
            "title": "隧道窑窑车密封砂槽改用耐火纤维毡密封条",
            "problem": "隧道窑窑车两侧砂封槽依靠石英砂密封，砂子随窑车运行不断流失，每班需人工补砂约0.3吨；砂封不严时车下漏风，车下温度常超过120℃，窑车轴承和车架变形加快。",
            "proposed_change": "在窑车裙板下沿加装1260型耐火纤维毡密封条，压缩量控制在20毫米，与窑墙曲封砖配合形成柔性迷宫密封；砂封槽保留作辅助密封。",
            "expected_effect": "车下温度降至80℃以下，补砂量下降约80%。",
            "category": "small_innovation",
            "unit_id": kiln,
            "co_proposers": [{ "username": "sun.qiang", "share": "40" }],
        }))
        .await;
    let id = id_of(&d);
    assert_eq!(d["proposal"]["status"], "draft");
    let people: Vec<(&str, i64)> = d["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["username"].as_str().unwrap(),
                p["share_bp"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(people, vec![("li.ming", 6000), ("sun.qiang", 4000)]);
    assert!(d["access"]["submit"].as_bool().unwrap());

    // Submitting stops at the similar proposal, changing nothing.
    let (status, body) = li
        .post(
            &format!("/proposals/{id}/submit"),
            json!({ "version": d["version"], "seen_similar": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "similar_proposals_found");
    assert!(body["message"].is_string() && body["request_id"].is_string());
    let similar = body["similar"].as_array().unwrap();
    assert_eq!(similar[0]["title"], DEMO_TITLE, "{body}");
    assert!(
        similar[0]["number"]
            .as_str()
            .unwrap()
            .starts_with("CN-LN-JZ-REF-2021-")
    );
    assert_eq!(similar[0]["status"], "rewarded");
    assert!(similar[0]["submitted_at"].is_i64());
    assert!(similar[0]["similarity"].as_f64().unwrap() >= 0.25);
    let (_, listed) = li.get(&format!("/proposals/{id}/similar")).await;
    assert_eq!(listed[0]["title"], DEMO_TITLE);
    let (_, unchanged) = li.get(&format!("/proposals/{id}")).await;
    assert_eq!(unchanged["proposal"]["status"], "draft");
    assert_eq!(unchanged["version"], d["version"]);

    // Having seen them, the proposer submits: step 1 of the company's three.
    let d = li.submit(&d).await;
    assert_eq!(d["proposal"]["current_step"], 1);
    assert!(
        d["proposal"]["number"]
            .as_str()
            .unwrap()
            .starts_with("CN-LN-JZ-REF-")
    );
    let steps = d["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["org_id"], kiln);
    assert_eq!(steps[1]["blind"], true);
    assert_eq!(steps[2]["role"], "unit_admin");

    // Step 1: the kiln's reviewer sees who proposed it and forwards.
    let (_, seen) = kiln_head.get(&format!("/proposals/{id}")).await;
    assert!(seen["access"]["review"].as_bool().unwrap());
    assert_eq!(seen["people"].as_array().unwrap().len(), 2);
    let (status, d) = kiln_head.review(&seen, "forward", "").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["current_step"], 2);

    // Step 2 is blind: no people, the enterprise instead of the unit, no proposer in lists.
    let (status, seen) = tc_reviewer.get(&format!("/proposals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["access"]["blind"], true, "{}", seen["access"]);
    assert_eq!(seen["access"]["review"], true);
    assert_eq!(seen["people"], json!([]));
    assert_eq!(seen["unit"]["id"], company);
    for e in seen["events"].as_array().unwrap() {
        assert_ne!(e["actor_id"], li_id, "the proposer is hidden: {e}");
        assert_ne!(e["actor_name"], "李明");
    }
    let (_, queue) = tc_reviewer.get("/proposals?view=to_review").await;
    let item = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .expect("waiting for the technical centre");
    assert_eq!(item["blind"], true);
    assert!(item["proposer_name"].is_null() && item["unit_id"].is_null());
    let (status, d) = tc_reviewer.review(&seen, "forward", "技术可行").await;
    assert_eq!(status, StatusCode::OK, "{d}");

    // Step 3: the union adopts, then records the implementation as done.
    let (_, seen) = union.get(&format!("/proposals/{id}")).await;
    let (status, d) = union.review(&seen, "adopt", "").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "adopted");
    let (status, d) = union
        .post(
            &format!("/proposals/{id}/implementation"),
            json!({ "owner": "li.ming", "due": "2030-06-30", "status": "done", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "implemented");
    assert_eq!(d["impl_owner"]["username"], "li.ming");

    // The proposer claims the benefit by cost; finance corrects and locks it.
    let (status, d) = li
        .post(
            &format!("/proposals/{id}/benefit"),
            json!({ "method": "cost", "old_cost": "38.50", "new_cost": "31.20", "volume": "12000",
                    "note": "按补砂和维修费用对比", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["benefit_claimed_cents"], 8_760_000);
    assert_eq!(d["proposal"]["benefit"]["method"], "cost");
    let (status, d) = finance
        .post(
            &format!("/proposals/{id}/benefit/verify"),
            json!({ "corrected_amount": "80000.00", "note": "按实际车次核减", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "verified");
    assert_eq!(d["proposal"]["benefit_verified_cents"], 8_000_000);
    let (status, body) = li
        .post(
            &format!("/proposals/{id}/benefit"),
            json!({ "method": "free", "amount": "999999", "note": "再报", "version": d["version"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("benefit_locked"))
    );

    // The union rewards by grade; the parts split 60/40 and add up exactly.
    let (_, settings) = union
        .get(&format!("/enterprises/{company}/proposal-settings"))
        .await;
    let third = settings["grades"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grade"] == "third")
        .unwrap()["amount_cents"]
        .as_i64()
        .unwrap();
    let (status, d) = union
        .post(
            &format!("/proposals/{id}/reward"),
            json!({ "basis": "grade", "grade": "third", "version": d["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["proposal"]["status"], "rewarded");
    assert_eq!(d["proposal"]["reward_cents"], third);
    let parts: Vec<i64> = d["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reward_cents"].as_i64().unwrap())
        .collect();
    assert_eq!(parts.iter().sum::<i64>(), third);
    assert_eq!(parts, vec![third * 6 / 10, third * 4 / 10]);
    let number = d["proposal"]["number"].as_str().unwrap().to_string();

    // The payroll list: as JSON, and as CSV with both names.
    let query = format!("/proposals/rewards?org={company}&from=2000-01-01&to=2100-12-31");
    let (status, lines) = finance.get(&query).await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    let mine: Vec<(&str, i64)> = lines["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["number"] == number.as_str())
        .map(|l| {
            (
                l["username"].as_str().unwrap(),
                l["amount_cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(mine, vec![("li.ming", parts[0]), ("sun.qiang", parts[1])]);
    let (status, headers, csv) = finance.fetch(&format!("/api/v1{query}&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(csv).unwrap();
    let row = |name: &str| {
        csv.lines()
            .find(|l| l.contains(number.as_str()) && l.contains(name))
            .unwrap_or_else(|| panic!("{name} in {csv}"))
            .to_string()
    };
    assert!(row("李明").contains(&format!("{}.00", parts[0] / 100)));
    assert!(row("孙强").contains(&format!("{}.00", parts[1] / 100)));
    let (status, _) = li.get(&query).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "employees do not export payroll"
    );

    // Notifications: one per event someone else caused since submission.
    let (_, d) = li.get(&format!("/proposals/{id}")).await;
    let mut by_others: Vec<String> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_id"] != li_id)
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        by_others,
        vec![
            "forwarded",
            "forwarded",
            "adopted",
            "implemented",
            "benefit_verified",
            "rewarded"
        ]
    );
    let (status, inbox) = li.get("/notifications?per_page=100").await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["unread"], by_others.len());
    assert_eq!(inbox["total"], by_others.len());
    let mut kinds: Vec<String> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["proposal_id"], id);
            assert_eq!(n["read"], false);
            n["kind"].as_str().unwrap().to_string()
        })
        .collect();
    kinds.sort();
    by_others.sort();
    assert_eq!(kinds, by_others);
    // The co-proposer also hears of the proposer's own claim.
    let (_, theirs) = sun.get("/notifications").await;
    assert_eq!(theirs["unread"], by_others.len() + 2, "{theirs}");

    let first = inbox["items"][0]["id"].as_i64().unwrap();
    let (status, marked) = li.post("/notifications/read", json!({ "id": first })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(marked["marked"], 1);
    assert_eq!(marked["unread"], by_others.len() - 1);
    let (_, marked) = li.post("/notifications/read", json!({})).await;
    assert_eq!(marked["unread"], 0);
    let (_, inbox) = li.get("/notifications?unread=true").await;
    assert_eq!(
        (inbox["total"].as_i64(), inbox["unread"].as_i64()),
        (Some(0), Some(0))
    );

    let (_, digest) = li.get("/notifications/digest").await;
    assert_eq!(digest["daily_digest"], false);
    let (status, digest) = li
        .api
        .send(
            Method::PUT,
            "/notifications/digest",
            json!({ "daily_digest": true }),
        )
        .await;
    assert_eq!(
        (status, &digest["daily_digest"]),
        (StatusCode::OK, &json!(true))
    );
    let (_, digest) = li.get("/notifications/digest").await;
    assert_eq!(digest["daily_digest"], true);
    let (status, digests) = li.get("/notifications/digests").await;
    assert_eq!((status, digests), (StatusCode::OK, json!([])));
}
on_both!(a_proposal_goes_all_the_way_through_the_api);
