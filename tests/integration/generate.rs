//! `ingot generate`: a generated country is whole (every status with what it implies), exact
//! (the rollup equals the base table, numbers continue), resumable, and usable by the
//! application as if people had entered it.

use crate::support::{Backend, TestApp, TestDb};
use ingot_store::Sql;
use reqwest::StatusCode;
use serde_json::json;
use std::process::{Command, Output};

const PASSWORD: &str = "generated-password-7";

/// Last year and this one (in China), so that a proposal put forward today continues a
/// generated sequence.
fn first_year() -> String {
    let today = ingot_domain::time::Date::of(
        ingot_domain::Timestamp::now(),
        ingot_domain::time::CHINA_STANDARD_OFFSET_MS,
    );
    (today.year - 1).to_string()
}

fn generate(url: &str, years: &str) -> String {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_ingot"))
        .args([
            "generate",
            "--proposals",
            "2000",
            "--years",
            years,
            "--first-year",
            &first_year(),
            "--seed",
            "5",
            "--proposals-per-part",
            "700",
        ])
        .env("DATABASE_URL", url)
        .env("INGOT_GENERATE_PASSWORD", PASSWORD)
        .env("INGOT_LOG", "warn")
        .output()
        .expect("run ingot generate");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

type RollupRow = (i64, i64, String, i64, i64, i64, i64);

async fn a_generated_country_is_whole_exact_and_usable(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let url = test_db.url.clone();

    // One year, then two: the second run adds only the second year, a third adds nothing.
    let first = tokio::task::spawn_blocking({
        let url = url.clone();
        move || generate(&url, "1")
    })
    .await
    .unwrap();
    assert!(
        first.contains("Generated 2000 proposals")
            && first.contains("under 34 organisations")
            && first.contains("6 parts written, 0 already there"),
        "{first}"
    );
    let second = generate(&url, "2");
    assert!(
        second.contains("Generated 2000 proposals")
            && second.contains("3 parts written, 6 already"),
        "{second}"
    );
    let third = generate(&url, "2");
    assert!(
        third.contains("Generated 0 proposals and 0 people") && third.contains("9 already there"),
        "{third}"
    );

    let app = TestApp::on(test_db, String::new()).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM proposals").await, 4_000);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 34);
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT status) FROM proposals")
            .await,
        10,
        "every status occurs"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) - COUNT(DISTINCT number) FROM proposals WHERE number IS NOT NULL"
        )
        .await,
        0,
        "numbers are unique"
    );
    // Each status carries what it implies.
    for (sql, what) in [
        (
            "SELECT COUNT(*) FROM proposals WHERE status = 'draft' AND (number IS NOT NULL OR submitted_at IS NOT NULL)",
            "a draft has no number",
        ),
        (
            "SELECT COUNT(*) FROM proposals WHERE status <> 'draft' AND (number IS NULL OR period IS NULL)",
            "a submitted proposal has a number and a period",
        ),
        (
            "SELECT COUNT(*) FROM proposals WHERE status IN ('verified', 'rewarded') AND (benefit_verified_cents IS NULL OR implemented_at IS NULL)",
            "a verified proposal was implemented and has a benefit",
        ),
        (
            "SELECT COUNT(*) FROM proposals WHERE status = 'rewarded' AND (reward_cents IS NULL OR reward_cents <> (SELECT SUM(pp.reward_cents) FROM proposal_people pp WHERE pp.proposal_id = proposals.id))",
            "a reward is paid out to its people",
        ),
        (
            "SELECT COUNT(*) FROM proposals p WHERE p.status = 'duplicate' AND NOT EXISTS (SELECT 1 FROM proposals o WHERE o.id = p.duplicate_of AND o.enterprise_id = p.enterprise_id AND o.submitted_at < p.submitted_at)",
            "a duplicate names an earlier proposal of its enterprise",
        ),
        (
            "SELECT COUNT(*) FROM proposals p WHERE p.status <> 'draft' AND NOT EXISTS (SELECT 1 FROM proposal_steps s WHERE s.proposal_id = p.id)",
            "a submitted proposal has its review steps",
        ),
        (
            "SELECT COUNT(*) FROM proposals p WHERE NOT EXISTS (SELECT 1 FROM proposal_signatures s WHERE s.proposal_id = p.id)",
            "every proposal has a duplicate-check signature",
        ),
        (
            "SELECT COUNT(*) FROM proposal_numbers n WHERE n.last_number <> (SELECT COUNT(*) FROM proposals p WHERE p.enterprise_id = n.enterprise_id AND p.number LIKE '%-' || CAST(n.year AS TEXT) || '-%')",
            "each enterprise's sequence stands at its last generated number",
        ),
    ] {
        assert_eq!(app.count(sql).await, 0, "{what}");
    }
    assert!(
        app.count("SELECT COUNT(*) FROM proposals WHERE status = 'duplicate'")
            .await
            > 10,
        "near-duplicates are planted"
    );

    // The rollup equals the base table, aggregated here by the counting rules themselves: put
    // forward is every submitted proposal but the withdrawn and duplicates.
    let mut tx = app.db.read().await.unwrap();
    let rollup: Vec<RollupRow> = tx
        .fetch_all(Sql::new(
            "SELECT org_id, period, category, put_forward, adopted, implemented, benefit_cents
             FROM proposal_rollup ORDER BY org_id, period, category",
        ))
        .await
        .unwrap();
    let base: Vec<RollupRow> = tx
        .fetch_all(Sql::new(
            "SELECT unit_id, period, category, CAST(COUNT(*) AS BIGINT),
                CAST(SUM(CASE WHEN status IN ('adopted', 'implemented', 'verified', 'rewarded') THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN status IN ('implemented', 'verified', 'rewarded') THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(COALESCE(benefit_verified_cents, 0)) AS BIGINT)
             FROM proposals WHERE status NOT IN ('draft', 'withdrawn', 'duplicate')
             GROUP BY unit_id, period, category ORDER BY unit_id, period, category",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(base.len() > 100, "{} rollup rows", base.len());
    assert_eq!(rollup, base);
    // And the rollup per subtree sums it over each organisation's subtree.
    let (kept, summed) = crate::audit::rollup_tree(&app).await;
    assert!(kept.len() > base.len(), "{} subtree rows", kept.len());
    assert_eq!(kept, summed);

    // The application reads it as its own: the national administrator signs in and sees pages.
    let admin = app.sign_in("g5.admin", PASSWORD).await;
    let (status, home) = admin.page("/").await;
    assert_eq!(status, StatusCode::OK, "{home}");
    let rewarded = app
        .count("SELECT MAX(id) FROM proposals WHERE status = 'rewarded'")
        .await;
    let (status, page) = admin.page(&format!("/proposals/{rewarded}")).await;
    assert_eq!(status, StatusCode::OK);
    let mut tx = app.db.read().await.unwrap();
    let (title, number, reward): (String, String, i64) = tx
        .fetch_one(
            Sql::new("SELECT title, number, reward_cents FROM proposals WHERE id = $1")
                .bind(rewarded),
        )
        .await
        .unwrap();
    let (original, duplicate): (i64, i64) = tx
        .fetch_one(Sql::new(
            "SELECT duplicate_of, id FROM proposals WHERE status = 'duplicate' ORDER BY id LIMIT 1",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(page.contains(&title) && page.contains(&number), "{page}");

    let api = app.api_as("g5.admin").await;
    let (status, read) = api.get(&format!("/proposals/{rewarded}")).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["proposal"]["status"], "rewarded");
    assert_eq!(read["proposal"]["reward_cents"], reward);
    // Lists stop counting at 1,000, which a national list would pass by millions on every
    // request, and say so; the pages go on past it.
    let (status, all) = api.get("/proposals?view=all&per_page=100&page=12").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        (&all["total"], &all["total_exact"]),
        (&json!(1000), &json!(false))
    );
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        100,
        "page 12 is past the cap"
    );
    let (status, list) = admin.page("/proposals?view=all").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("超过 1000 条") && list.contains("page=2"),
        "{list}"
    );
    // Below the cap a list is counted exactly: a unit's, checked against the base table.
    let mut tx = app.db.read().await.unwrap();
    let (unit, in_unit): (i64, i64) = tx
        .fetch_one(Sql::new(
            "SELECT p.unit_id, COUNT(*) FROM proposals p
             WHERE p.status <> 'draft'
               AND NOT EXISTS (SELECT 1 FROM organisations c WHERE c.parent_id = p.unit_id)
             GROUP BY p.unit_id HAVING COUNT(*) BETWEEN 30 AND 999
             ORDER BY COUNT(*) DESC, p.unit_id LIMIT 1",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let (status, narrow) = api
        .get(&format!(
            "/proposals?view=all&unit={unit}&per_page=10&page=2"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{narrow}");
    assert_eq!(
        (&narrow["total"], &narrow["total_exact"]),
        (&json!(in_unit), &json!(true))
    );

    // The planted near-duplicate is found by the duplicate check.
    let (status, similar) = api.get(&format!("/proposals/{duplicate}/similar")).await;
    assert_eq!(status, StatusCode::OK, "{similar}");
    assert!(
        similar
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == original),
        "{original} among {similar}"
    );

    // A person of a generated enterprise puts forward a proposal: its number continues the
    // enterprise's sequence of this year and the rollup moves by one.
    let this_year: i64 = first_year().parse::<i64>().unwrap() + 1;
    let mut tx = app.db.read().await.unwrap();
    let (unit, last): (i64, i64) = tx
        .fetch_one(
            Sql::new(
                "SELECT u.org_id, n.last_number FROM users u
             JOIN organisations o ON o.code = 'G5.E0'
             JOIN proposal_numbers n ON n.enterprise_id = o.id AND n.year = $1
             WHERE u.username = 'g5.e0.2'",
            )
            .bind(this_year),
        )
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let employee = app.api_as("g5.e0.2").await;
    let (status, draft) = employee
        .post(
            "/proposals",
            json!({
                "title": "关于更换二号线皮带机托辊的建议",
                "problem": "托辊卡死造成皮带跑偏。",
                "proposed_change": "改用密封轴承托辊。",
                "expected_effect": "减少停机。",
                "category": "small_innovation",
                "unit_id": unit,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let put_forward_before = app
        .count("SELECT CAST(SUM(put_forward) AS BIGINT) FROM proposal_rollup")
        .await;
    let (status, submitted) = employee
        .post(
            &format!("/proposals/{}/submit", draft["proposal"]["id"]),
            json!({ "version": draft["version"], "seen_similar": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(
        submitted["proposal"]["number"],
        format!("G5.E0-{this_year}-{:04}", last + 1)
    );
    assert_eq!(
        app.count("SELECT CAST(SUM(put_forward) AS BIGINT) FROM proposal_rollup")
            .await,
        put_forward_before + 1
    );
}
crate::on_both!(a_generated_country_is_whole_exact_and_usable);
