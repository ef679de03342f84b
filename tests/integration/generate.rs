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
            && first.contains("8 parts written, 0 already there"),
        "{first}"
    );
    let second = generate(&url, "2");
    assert!(
        second.contains("Generated 2000 proposals")
            && second.contains("4 parts written, 8 already"),
        "{second}"
    );
    let third = generate(&url, "2");
    assert!(
        third.contains("Generated 0 proposals and 0 people")
            && third.contains("0 studios, 0 achievements and 0 patents")
            && third.contains("12 already there"),
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

    // Studios and records in proportion: a naming history that follows the rules (each level
    // above the enterprise's own needs the one below, the studio shows its highest), a lead
    // among its members, records of both years with their people.
    // Ten enterprises: the first, fourth, seventh and tenth run a studio; the first studio
    // rises to the national naming, the fourth (the second studio) stays its enterprise's.
    assert_eq!(app.count("SELECT COUNT(*) FROM studios").await, 4);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM studio_namings GROUP BY studio_id ORDER BY 1 DESC LIMIT 1")
            .await,
        4
    );
    for (sql, what) in [
        (
            "SELECT COUNT(*) FROM studios s WHERE s.level <> (SELECT n.level FROM studio_namings n WHERE n.studio_id = s.id ORDER BY n.named_on DESC LIMIT 1)",
            "a studio's level is its latest naming",
        ),
        (
            "SELECT COUNT(*) FROM studio_namings n WHERE n.level <> 'enterprise' AND NOT EXISTS (SELECT 1 FROM studio_namings b WHERE b.studio_id = n.studio_id AND b.named_on < n.named_on AND b.level = CASE n.level WHEN 'municipal' THEN 'enterprise' WHEN 'provincial' THEN 'municipal' ELSE 'provincial' END)",
            "each naming follows the one below it",
        ),
        (
            "SELECT COUNT(*) FROM studio_namings n JOIN naming_notices t ON t.id = n.notice_id WHERE t.org_id <> n.org_id",
            "a naming's notice is its federation's",
        ),
        (
            "SELECT COUNT(*) FROM studios s WHERE NOT EXISTS (SELECT 1 FROM studio_members m WHERE m.studio_id = s.id AND m.user_id = s.lead_id AND m.role = 'lead')",
            "the lead is a member",
        ),
        (
            "SELECT COUNT(*) FROM achievements a WHERE NOT EXISTS (SELECT 1 FROM achievement_completers c WHERE c.achievement_id = a.id)",
            "an achievement has its completers",
        ),
        (
            "SELECT COUNT(*) FROM patents WHERE (status = 'granted') <> (granted_on IS NOT NULL)",
            "a granted patent has its date",
        ),
    ] {
        assert_eq!(app.count(sql).await, 0, "{what}");
    }
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT year) FROM achievements")
            .await,
        2
    );
    assert!(app.count("SELECT COUNT(*) FROM patents").await > 3);
    crate::studios::assert_studio_tally_is_exact(&app).await;
    crate::reports::assert_record_tally_is_exact(&app).await;

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
    // A generated studio's page shows its rise, notice by notice.
    let national = app
        .count("SELECT id FROM studios WHERE level = 'national'")
        .await;
    let (status, studio) = admin.page(&format!("/studios/{national}")).await;
    assert_eq!(status, StatusCode::OK, "{studio}");
    let mut tx = app.db.read().await.unwrap();
    let notices: Vec<(String,)> = tx
        .fetch_all(
            Sql::new(
                "SELECT t.number FROM studio_namings n JOIN naming_notices t ON t.id = n.notice_id
                 WHERE n.studio_id = $1",
            )
            .bind(national),
        )
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(notices.len(), 4);
    for (number,) in notices {
        assert!(studio.contains(&number), "{number} on {studio}");
    }
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

    if backend == Backend::Postgres {
        counts_past_what_search_reads_are_near_the_truth(&app).await;
    }

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

/// The database's search reads the newest 1,000 matches of a common word and extrapolates the
/// rest from how much of the indexing order they span; a server holding its index in memory
/// (which counts up to 10,000 matches exactly) on the same database gives the truth. Also once
/// changes have left gaps in the order, as every edited record does.
async fn counts_past_what_search_reads_are_near_the_truth(app: &TestApp) {
    // Aged past the window in which a server re-reads recent changes: each record once.
    app.execute(Sql::new("UPDATE change_log SET at = at - 600000"))
        .await;
    let mut in_memory = app.config.clone();
    in_memory.search_in_memory = true;
    let (memory, _stop) = app.second_server_with(in_memory).await;
    let database = app.api_as("g5.admin").await;
    let memory = database.at(&memory);
    let path = "/search?q=%E5%BB%BA%E8%AE%AE"; // 建议, in about half of the proposals
    let (status, truth) = memory.get(path).await;
    assert_eq!(status, StatusCode::OK, "{truth}");
    let exact = truth["total"].as_u64().unwrap();
    assert!(exact > 1_500 && truth["estimated"] == false, "{truth}");
    for gaps in [false, true] {
        if gaps {
            let stretch = ingot_search::database::STRETCH;
            app.execute(
                Sql::new(
                    "UPDATE search_documents SET seq = seq * 3,
                         lexemes = ts_delete(lexemes, ARRAY['~t' || (seq / $1)])
                             || array_to_tsvector(ARRAY['~t' || (seq * 3 / $1)])",
                )
                .bind(stretch),
            )
            .await;
        }
        let (status, found) = database.get(path).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        let estimate = found["total"].as_u64().unwrap();
        assert!(
            found["estimated"] == true && estimate.abs_diff(exact) * 5 < exact,
            "gaps {gaps}: about {estimate} for {exact}"
        );
    }
}
