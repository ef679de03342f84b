//! The Zhao Pengda studio of the demo, as in the domain notes.

use super::{ZHAO, codes, zhao_id};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn zhao_pengda_studio_is_in_the_demo(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The command line's demo adds generated studios to the facts the harness loads.
    let report = ingot_app::demo::load_with_samples(&app.db, false)
        .await
        .unwrap();
    assert!(report.studios_created >= 30);
    let admin = app.api_as("admin").await;
    let id = zhao_id(&app).await;
    let (status, d) = admin.get(&format!("/studios/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["founded_on"].as_str().unwrap()[..7], *"2017-10");
    assert_eq!(d["studio"]["kind"], "model_worker");
    assert_eq!(d["studio"]["lead_name"], "赵鹏达");
    assert_eq!(d["studio"]["level"], "provincial");
    let current = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["left_on"].is_null())
        .count();
    assert_eq!(current, 7);
    assert_eq!(
        d["fields"],
        json!(["metallurgy", "refractories", "resources_environment"])
    );
    assert_eq!(d["lead_honours"][0]["title"], "全国五一劳动奖章");
    assert_eq!(d["lead_honours"][0]["level"], "national");
    let namings = d["namings"].as_array().unwrap();
    assert_eq!(namings.len(), 2);
    assert_eq!(namings[0]["level"], "municipal");
    assert_eq!(namings[0]["org_name"], "锦州市总工会");
    assert_eq!(namings[0]["named_on"], "2021-12-07");
    assert_eq!(namings[1]["level"], "provincial");
    assert_eq!(namings[1]["org_name"], "辽宁省总工会");
    assert!(
        namings[1]["named_on"]
            .as_str()
            .unwrap()
            .starts_with("2022-")
    );
    assert!(namings[1]["application_id"].is_i64());
    assert!(d["funding"][0]["granted_cents"].as_i64().unwrap() > 0);
    let t = &d["totals"];
    assert_eq!(
        (
            t["achievements"].as_i64(),
            t["transformations"].as_i64(),
            t["invention_patents"].as_i64(),
            t["utility_model_patents"].as_i64(),
            t["patents_applied"].as_i64()
        ),
        (Some(4), Some(4), Some(1), Some(3), Some(4))
    );
    // The provincial naming followed an on-site review.
    let app_id = namings[1]["application_id"].as_i64().unwrap();
    let (status, a) = admin.get(&format!("/naming-applications/{app_id}")).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["application"]["status"], "approved");
    assert!(a["review"]["score"].as_i64().unwrap() > 0);
    assert_eq!(a["snapshot"]["member_count"], 7);
    // A few dozen generated studios across every level, and the statistics count them from
    // a tally that equals the studios.
    super::assert_studio_tally_is_exact(&app).await;
    let (_, list) = admin.get("/studios?per_page=100").await;
    assert!(list["total"].as_i64().unwrap() >= 30, "{}", list["total"]);
    let (_, national) = admin.get("/studios?level=national").await;
    assert!(national["total"].as_i64().unwrap() >= 1);
    let (_, stats) = admin.get("/studios/stats").await;
    let levels: Vec<&str> = stats["by_level"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["level"].as_str())
        .collect();
    for l in ["enterprise", "municipal", "provincial", "national"] {
        assert!(levels.contains(&l), "{stats}");
    }
    // Lowest level first, as the federations' table reads.
    assert_eq!(
        levels,
        ["enterprise", "municipal", "provincial", "national"],
        "{stats}"
    );
    // A city federation counts only its own city's studios.
    let jz = app.api_as("jz.admin").await;
    let (_, jz_stats) = jz.get("/studios/stats").await;
    let total = |s: &Value| -> i64 {
        s["by_level"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["studios"].as_i64().unwrap())
            .sum()
    };
    assert!(total(&jz_stats) < total(&stats));
    assert!(total(&jz_stats) >= 1);
    // Each federation's studios by level: Liaoning holds Jinzhou's, and the Zhao Pengda studio
    // is provincial.
    let row = |s: &Value, name: &str| -> Value {
        s["by_federation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing: {s}"))
    };
    let liaoning = row(&stats, "辽宁省总工会");
    let jinzhou = row(&jz_stats, "锦州市总工会");
    assert!(liaoning["provincial"].as_i64().unwrap() >= 1);
    assert!(jinzhou["provincial"].as_i64().unwrap() >= 1);
    let sum = |f: &Value| -> i64 {
        [
            "enterprise",
            "municipal",
            "provincial",
            "national",
            "not_named",
        ]
        .iter()
        .map(|k| f[k].as_i64().unwrap())
        .sum()
    };
    assert!(sum(&liaoning) >= sum(&jinzhou));
    assert_eq!(sum(&jinzhou), total(&jz_stats));
    assert!(
        jz_stats["by_federation"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "辽宁省总工会"),
        "a city sees only its own subtree"
    );
    // The company's studios form an alliance led by the Zhao Pengda studio, which also mentors one.
    let (_, d) = admin.get(&format!("/studios/{id}")).await;
    let kinds: Vec<&str> = d["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{}", d["alliances"]);
    assert!(kinds.contains(&"alliance") && kinds.contains(&"pairing"));
    let alliance = d["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "alliance")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, a) = admin.get(&format!("/alliances/{alliance}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["lead_studio_id"], id);
    assert!(a["studios"].as_array().unwrap().len() >= 2);
    let (status, html) = app
        .visitor()
        .await
        .page(&format!("/studios/alliances/{alliance}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(ZHAO));
    // A pair is two studios; an alliance only of studios in the federation's area.
    let jz = app.api_as("jz.admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let members: Vec<i64> = a["studios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["studio_id"].as_i64().unwrap())
        .collect();
    let (status, e) = jz
        .post(
            "/alliances",
            json!({ "org_id": jinzhou, "kind": "pairing", "name": "三方结对", "lead_studio_id": id,
                "studio_ids": members, "founded_on": "2024-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"pairing_needs_two".to_string()), "{e}");
    let (_, baotou) = admin
        .get(&format!(
            "/studios?unit={}&per_page=1",
            app.org_id("CN-NM-BT-NRE").await
        ))
        .await;
    let outsider = baotou["items"][0]["id"].as_i64().unwrap();
    let (status, e) = jz
        .post(
            "/alliances",
            json!({ "org_id": jinzhou, "kind": "alliance", "name": "跨省联盟", "lead_studio_id": id,
                "studio_ids": [outsider], "founded_on": "2024-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        codes(&e).contains(&"studio_outside_call".to_string()),
        "{e}"
    );

    // The public page, without signing in, shows the whole history.
    let visitor = app.visitor().await;
    let (status, html) = visitor.page(&format!("/studios/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "锦工发〔2021〕28号",
        "2021-12-07",
        "辽宁省总工会",
        "全国五一劳动奖章",
    ] {
        assert!(html.contains(text), "public page lacks {text}");
    }
    assert!(!html.contains("申报说明"), "no forms for the public");
}
on_both!(zhao_pengda_studio_is_in_the_demo);
