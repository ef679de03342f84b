//! A studio's outputs counted from its members' records, on both databases: an achievement of a
//! member finished while a member counts (and its linked patent by type, and whether it went
//! into production), one from before the studio or after the member left does not, a skill
//! counts; each is linked from the studio's page, while the public sees the figures only.

use super::{ZHAO, create_studio, zhao_id};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// (achievements, transformations, invention patents, utility models, patents applied, skills).
fn figures(d: &Value) -> [i64; 6] {
    let t = &d["totals"];
    [
        "achievements",
        "transformations",
        "invention_patents",
        "utility_model_patents",
        "patents_applied",
        "skill_methods",
    ]
    .map(|k| t[k].as_i64().unwrap())
}

fn ids(d: &Value, list: &str) -> Vec<i64> {
    d["record_outputs"][list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect()
}

async fn a_studios_outputs_are_counted_from_its_members_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The demo's Zhao Pengda studio: its figures come from records, none typed by hand.
    let union = app.api_as("ref.union").await;
    let zhao = zhao_id(&app).await;
    let (_, d) = union.get(&format!("/studios/{zhao}")).await;
    assert_eq!(figures(&d)[..5], [4, 4, 1, 3, 4], "{ZHAO}: {}", d["totals"]);
    assert_eq!(ids(&d, "achievements").len(), 4);
    assert_eq!(ids(&d, "patents").len(), 4);
    assert!(
        d["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["kind"] != "achievement" && o["kind"] != "patent"),
        "no manual rows for what records hold: {}",
        d["outputs"]
    );

    // A studio founded on 1 March 2020 with Li Ming as a member from that day.
    let id = create_studio(&app, &union, "李明职工创新工作室", "sun.qiang").await;
    let (status, _) = union
        .post(
            &format!("/studios/{id}/members"),
            json!({ "username": "li.ming", "joined_on": "2020-03-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let path = format!("/studios/{id}");
    let (_, before) = union.get(&path).await;
    let base = figures(&before);
    let company = app.org_id("CN-LN-JZ-REF").await;
    let achievement = |title: &str, finished: &str, patents: Vec<i64>| {
        json!({"unit_id": company, "title": title, "summary": "窑炉节能改造。", "field": "耐火材料",
               "kind": "process", "finished_on": finished, "in_production_since": "2023-09-01",
               "completers": ["li.ming"], "patent_ids": patents})
    };
    let (s, p) = union
        .post(
            "/patents",
            json!({"unit_id": company, "number": "CN202310456789.0", "title": "一种窑炉节能燃烧器",
                   "inventors": "李明", "applied_on": "2023-04-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let patent = p["id"].as_i64().unwrap();
    let (s, a) = union
        .post(
            "/achievements",
            achievement("窑炉燃烧系统节能改造", "2023-06-30", vec![patent]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let counted = a["achievement"]["id"].as_i64().unwrap();
    // Finished before the studio was founded: not the studio's.
    let (s, a) = union
        .post(
            "/achievements",
            achievement("窑炉测温改进", "2019-05-01", vec![]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let too_early = a["achievement"]["id"].as_i64().unwrap();
    let (s, k) = union
        .post(
            "/skills",
            json!({"unit_id": company, "kind": "operation_method", "name": "李明窑炉看火操作法",
                   "creator": "li.ming", "description": "看火色判断窑温。", "used_where": "隧道窑",
                   "year": 2023}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let skill = k["id"].as_i64().unwrap();

    let (_, d) = union.get(&path).await;
    let now = figures(&d);
    let added: Vec<i64> = now.iter().zip(base).map(|(n, b)| n - b).collect();
    assert_eq!(added, [1, 1, 1, 0, 1, 1], "{}", d["totals"]);
    assert!(ids(&d, "achievements").contains(&counted));
    assert!(!ids(&d, "achievements").contains(&too_early));
    assert!(ids(&d, "patents").contains(&patent));
    assert!(ids(&d, "skills").contains(&skill));

    // Li Ming leaves at the end of 2023: what he finishes afterwards is not the studio's.
    let member = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "li.ming")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, e) = union
        .post(
            &format!("/studios/{id}/members/{member}/leave"),
            json!({ "left_on": "2023-12-31" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let (s, a) = union
        .post(
            "/achievements",
            achievement("窑炉余热回收", "2024-06-01", vec![]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (_, d) = union.get(&path).await;
    assert_eq!(figures(&d), now, "nothing after he left");

    // The page links each record behind the figures.
    let clerk = app.sign_in_demo("ref.union").await;
    let (status, page) = clerk.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/achievements/{counted}\"")),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"/patents/{patent}\"")));
    assert!(page.contains(&format!("href=\"/skills/{skill}\"")));
    assert!(page.contains("data-testid=\"record-outputs\""));

    // The public sees the same figures, but not which records stand behind them.
    let (status, public) = app.visitor().await.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !public.contains("data-testid=\"record-outputs\""),
        "{public}"
    );
    assert!(!public.contains("窑炉燃烧系统节能改造"));
    let r = reqwest::get(app.url(&format!("/api/v1/studios/{id}")))
        .await
        .unwrap();
    let (_, d) = crate::support::json_of(r).await;
    assert_eq!(figures(&d), now);
    assert!(ids(&d, "achievements").is_empty());
}
on_both!(a_studios_outputs_are_counted_from_its_members_records);
