//! The annual summary on both databases: Dalian's 2020 figures reproduced from the records,
//! each line leading to a list that holds exactly its records, the tally following every change
//! (records, benefit, a campaign's awards, a unit moving), and its page and workbook.

use crate::on_both;
use crate::support::pdf::{embedded_chinese_font, fetch_pdf, fetch_zh, laid_out_lines, words};
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The record tally recounted here from the base tables, independently of the code that keeps
/// it: every record counted at its unit and every organisation above it.
pub(crate) async fn assert_record_tally_is_exact(app: &TestApp) {
    type Row = (i64, String, i64);
    /// A record's unit path, year, code, second code and amount.
    type Record = (String, i64, Option<String>, Option<String>, Option<i64>);
    let mut tx = app.db.read().await.unwrap();
    let mut fetch = async |sql: &'static str| -> Vec<Record> {
        tx.fetch_all(ingot_store::Sql::new(sql)).await.unwrap()
    };
    let achievements = fetch(
        "SELECT o.path, x.year, x.claimed_level, NULL, x.benefit_verified_cents
         FROM achievements x JOIN organisations o ON o.id = x.unit_id",
    )
    .await;
    let patents = fetch(
        "SELECT o.path, x.year, x.kind, x.status, NULL
         FROM patents x JOIN organisations o ON o.id = x.unit_id",
    )
    .await;
    let skills = fetch(
        "SELECT o.path, x.year, x.kind, NULL, NULL FROM skills x JOIN organisations o ON o.id = x.unit_id",
    )
    .await;
    let titles = fetch(
        "SELECT o.path, x.year, x.level, x.name, NULL FROM titles x JOIN organisations o ON o.id = x.unit_id",
    )
    .await;
    let awards = fetch(
        "SELECT o.path, c.year, f.kind, d.tier, NULL FROM declarations d
         JOIN campaigns c ON c.id = d.campaign_id JOIN organisations f ON f.id = c.org_id
         JOIN organisations o ON o.id = d.unit_id
         WHERE c.stage = 'announced' AND d.tier IS NOT NULL",
    )
    .await;
    let kept: Vec<Row> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT org_id, metric, n FROM record_tally WHERE n <> 0",
        ))
        .await
        .unwrap();
    drop(tx);
    let mut counted = BTreeMap::<(i64, String), i64>::new();
    let mut count = |path: &str, metric: String, by: i64| {
        for holder in crate::audit::ids_on(path) {
            *counted.entry((holder, metric.clone())).or_default() += by;
        }
    };
    for (path, year, level, _, cents) in &achievements {
        count(path, format!("{year}:achievements"), 1);
        if let Some(level) = level {
            count(path, format!("{year}:achievements:{level}"), 1);
        }
        count(path, format!("{year}:benefit"), cents.unwrap_or(0));
    }
    for (path, year, kind, status, _) in &patents {
        let kind = kind.as_deref().unwrap();
        count(path, format!("{year}:patents:{kind}"), 1);
        if status.as_deref() == Some("granted") {
            count(path, format!("{year}:patents_granted:{kind}"), 1);
        }
    }
    for (path, year, kind, _, _) in &skills {
        count(
            path,
            format!("{year}:skills:{}", kind.as_deref().unwrap()),
            1,
        );
    }
    for (path, year, level, name, _) in &titles {
        count(
            path,
            format!("{year}:titles:{}", level.as_deref().unwrap()),
            1,
        );
        count(
            path,
            format!("{year}:title:{}", name.as_deref().unwrap()),
            1,
        );
    }
    for (path, year, kind, tier, _) in &awards {
        let (kind, tier) = (kind.as_deref().unwrap(), tier.as_deref().unwrap());
        count(path, format!("{year}:awards:{kind}:{tier}"), 1);
    }
    let counted: Vec<Row> = counted
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((o, m), n)| (o, m, n))
        .collect();
    assert!(counted.len() > 10, "{} rows", counted.len());
    crate::audit::same(kept, counted);
}

/// Follows every counted line's link to its API list and checks that the list holds exactly
/// that many records; returns how many lines it followed.
async fn lines_lead_to_their_records(client: &crate::support::ApiClient, summary: &Value) -> usize {
    let mut followed = 0;
    for line in summary["lines"].as_array().unwrap() {
        let Some(link) = line["records"].as_str() else {
            continue;
        };
        if line["unit"] != "count" {
            continue;
        }
        let path = link.strip_prefix("/api/v1").unwrap();
        let (s, list) = client.get(&format!("{path}&per_page=1")).await;
        assert_eq!(s, StatusCode::OK, "{link}: {list}");
        assert_eq!(
            list["total"], line["value"],
            "{link} for {}",
            line["figure"]
        );
        followed += 1;
    }
    followed
}

/// The summary's lines by figure code: (value, previous).
fn lines(summary: &Value) -> BTreeMap<String, (i64, i64)> {
    summary["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no lines: {summary}"))
        .iter()
        .map(|l| {
            (
                l["figure"].as_str().unwrap().to_string(),
                (
                    l["value"].as_i64().unwrap(),
                    l["previous"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

async fn dalian_2020_summary_reproduces_every_published_figure(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_record_tally_is_exact(&app).await;
    let dl = app.api_as("dl.admin").await;
    let dalian = app.org_id("CN-LN-DL").await;
    let (s, summary) = dl
        .get(&format!(
            "/reports/annual-summary?unit_id={dalian}&year=2020"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    let l = lines(&summary);
    // The published figures: 209 achievements, 30 skills and methods, 460 suggestions, 32
    // national patents, 10 experts titled by the city, 1.662 billion yuan.
    assert_eq!(l["achievements"].0, 209);
    assert_eq!(l["skills"].0, 30);
    assert_eq!(l["proposals.put_forward"].0, 460);
    assert_eq!(l["patents"].0, 32);
    assert_eq!(l["titles"].0, 10);
    assert_eq!(l["titles.municipal"].0, 10);
    assert_eq!(l["benefit"].0, 166_200_000_000);
    // The details add up to their totals.
    assert_eq!(
        l["skills.unique_skill"].0 + l["skills.operation_method"].0,
        30
    );
    assert_eq!(
        l["patents.invention"].0 + l["patents.utility_model"].0 + l["patents.design"].0,
        32
    );
    // Nothing was recorded for 2019, so every change is the figure itself.
    assert!(l.values().all(|(_, previous)| *previous == 0), "{l:?}");
    let share = summary["leading_share_permille"].as_i64().unwrap();
    assert_eq!(
        share,
        (l["achievements.domestic_first"].0 + l["achievements.domestic_leading"].0) * 1000 / 209
    );

    // Every line that names its records leads to a list holding exactly that many.
    assert!(lines_lead_to_their_records(&dl, &summary).await >= 15);
    // Liaoning's 2022: the Zhao Pengda studio named at the provincial level, found by its list.
    let ln = app.api_as("ln.admin").await;
    let liaoning = app.org_id("CN-LN").await;
    let (s, province) = ln
        .get(&format!(
            "/reports/annual-summary?unit_id={liaoning}&year=2022"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{province}");
    assert!(
        lines(&province)["studios_named.provincial"].0 >= 1,
        "{province}"
    );
    lines_lead_to_their_records(&ln, &province).await;
    // Dalian named no studio that year: its links must narrow to Dalian (a filter the list
    // ignored would find Jinzhou's).
    let (_, dalian_2022) = dl
        .get(&format!(
            "/reports/annual-summary?unit_id={dalian}&year=2022"
        ))
        .await;
    assert_eq!(lines(&dalian_2022)["studios_named.provincial"].0, 0);
    lines_lead_to_their_records(&dl, &dalian_2022).await;
    // The verified benefit is the sum of the achievements' verified benefits in that list.
    let (_, all) = dl
        .get(&format!(
            "/achievements?unit_id={dalian}&year=2020&per_page=500"
        ))
        .await;
    let sum: i64 = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["benefit_verified_cents"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(sum, l["benefit"].0);

    // The older figures endpoint reads the same tallies.
    let (s, f) = dl
        .get(&format!("/innovation/figures?unit_id={dalian}&year=2020"))
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["titled_people"], 10);

    // Someone outside Dalian learns nothing of it; bad values are named together.
    let nm = app.api_as("nm.admin").await;
    let (s, _) = nm
        .get(&format!(
            "/reports/annual-summary?unit_id={dalian}&year=2020"
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = dl
        .get("/reports/annual-summary?unit_id=999999999&year=1800")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["unit_id", "year"], "{e}");
}
on_both!(dalian_2020_summary_reproduces_every_published_figure);

async fn the_summary_follows_every_change(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let dl = app.api_as("dl.admin").await;
    let union = app.api_as("dl.union").await;
    let dalian = app.org_id("CN-LN-DL").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let unit = app.org_id("CN-LN-DL-GJZ-MW").await;
    // The national administrator reads every unit's summary.
    let admin = app.api_as("admin").await;
    let summary = async |org: i64| {
        let (s, v) = admin
            .get(&format!("/reports/annual-summary?unit_id={org}&year=2021"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        lines(&v)
    };
    let before = summary(dalian).await;

    // An achievement claiming a domestic first, its benefit claimed and verified.
    let (s, d) = union
        .post(
            "/achievements",
            json!({"unit_id": unit, "title": "轴承套圈在线检测装置", "summary": "降低废品率。",
                   "field": "机械制造", "kind": "equipment", "claimed_level": "domestic_first",
                   "started_on": "2021-01-10", "finished_on": "2021-11-30",
                   "completers": ["dl.liu.gang"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["achievement"]["id"].as_i64().unwrap();
    let (s, a) = union
        .post(
            &format!("/achievements/{id}/benefit"),
            json!({"method": "cost", "old_cost": "12.50", "new_cost": "10.00", "volume": "40000"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let after_claim = summary(dalian).await;
    assert_eq!(
        after_claim["benefit"], before["benefit"],
        "a claim is not verified benefit"
    );
    let finance = app.api_as("dl.finance").await;
    let (s, a) = finance
        .post(
            &format!("/achievements/{id}/benefit/verify"),
            json!({"corrected_amount": 90000, "note": "按实际产量核减"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    // A granted utility model, a skill and a title.
    let (s, p) = union
        .post(
            "/patents",
            json!({"unit_id": unit, "number": "CN202120566088.9", "title": "夹具",
                   "inventors": "刘刚", "applied_on": "2021-03-01", "granted_on": "2021-09-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, k) = union
        .post(
            "/skills",
            json!({"unit_id": unit, "kind": "operation_method", "name": "刘刚对中法",
                   "creator": "dl.liu.gang", "description": "对中", "used_where": "磨削工段",
                   "trained_count": 3, "year": 2021}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let (s, t) = dl
        .post(
            "/titles",
            json!({"holder": "dl.liu.gang", "name": "大连市技术创新能手", "granted_by": dalian,
                   "year": 2021, "level": "municipal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");

    let after = summary(dalian).await;
    let grew = |figure: &str| after[figure].0 - before[figure].0;
    assert_eq!(grew("achievements"), 1);
    assert_eq!(grew("achievements.domestic_first"), 1);
    assert_eq!(grew("benefit"), 9_000_000);
    assert_eq!(grew("patents"), 1);
    assert_eq!(grew("patents.utility_model"), 1);
    assert_eq!(grew("patents.granted"), 1);
    assert_eq!(grew("skills.operation_method"), 1);
    assert_eq!(grew("titles.municipal"), 1);
    // The enterprise's own summary counts them too, the province's as well.
    let own = summary(unit).await;
    assert!(
        own["achievements"].0 >= 1 && own["benefit"].0 >= 9_000_000,
        "{own:?}"
    );
    assert_record_tally_is_exact(&app).await;

    // The enterprise moves to Jinzhou: what it counts leaves Dalian and joins Jinzhou; the
    // province, above both, keeps it.
    let liaoning = app.org_id("CN-LN").await;
    let province_before = summary(liaoning).await;
    let jinzhou_before = summary(jinzhou).await;
    let (s, m) = admin
        .post(&format!("/orgs/{unit}/move"), json!({"parent_id": jinzhou}))
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let dalian_after = summary(dalian).await;
    let jinzhou_after = summary(jinzhou).await;
    for figure in ["achievements", "benefit", "patents", "skills", "titles"] {
        let moved = own[figure].0;
        assert_eq!(dalian_after[figure].0, after[figure].0 - moved, "{figure}");
        assert_eq!(
            jinzhou_after[figure].0,
            jinzhou_before[figure].0 + moved,
            "{figure}"
        );
    }
    assert_eq!(summary(liaoning).await, province_before);
    assert_record_tally_is_exact(&app).await;
}
on_both!(the_summary_follows_every_change);

async fn the_summary_page_and_workbook(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let dalian = app.org_id("CN-LN-DL").await;
    let web = app.sign_in_demo("dl.admin").await;
    let (s, html) = web
        .page(&format!("/reports/annual?unit={dalian}&year=2020"))
        .await;
    assert_eq!(s, StatusCode::OK);
    // The published figures, each leading to its records.
    assert!(
        html.contains(&format!(
            "href=\"/achievements?unit={dalian}&#38;year=2020\" data-testid=\"value\">209<"
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "href=\"/patents?unit={dalian}&#38;year=2020\" data-testid=\"value\">32<"
    )));
    assert!(html.contains(">1,662,000,000.00<"), "the benefit in yuan");
    // The list a figure leads to holds exactly its records, on the page too.
    let (s, list) = web
        .page(&format!("/patents?unit={dalian}&year=2020&kind=invention"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let inventions = list.matches("data-testid=\"patent-row\"").count();
    assert!(inventions > 0, "{list}");
    assert!(html.contains(&format!(
        "href=\"/patents?unit={dalian}&#38;year=2020&#38;kind=invention\" data-testid=\"value\">{inventions}<"
    )));
    // A year out of range is named, in the reader's language.
    let (s, html) = web
        .page(&format!("/reports/annual?unit={dalian}&year=1800"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("年份"), "{html}");

    // The workbook: a real XLSX, headed and labelled in the caller's language.
    let token = app.token_for("dl.admin").await;
    let export = format!("/api/v1/reports/annual-summary/export?unit_id={dalian}&year=2020");
    let (status, _, bytes) = fetch_zh(&app, &format!("{export}&format=xlsx"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let table = ingot_office::read_table(&bytes, 100).unwrap();
    assert_eq!(table.headers, ["项目", "2020", "2019", "增减"]);
    let row = |label: &str| {
        table
            .rows
            .iter()
            .find(|r| r.get(0).trim() == label)
            .unwrap_or_else(|| panic!("no row {label}: {:?}", table.rows))
            .get(1)
            .to_string()
    };
    assert_eq!(row("职工技术创新成果"), "209");
    assert_eq!(row("提出合理化建议"), "460");
    assert_eq!(row("申请专利"), "32");
    assert_eq!(row("成果创造经济效益（核定）"), "1,662,000,000.00");

    // Printed: the same figures on paper under the unit's name, the font embedded.
    let file = fetch_pdf(&app, &format!("{export}&format=pdf"), Some(&token)).await;
    embedded_chinese_font(&file);
    assert!(words(&file).contains("大连市总工会2020年度汇总"));
    let printed = laid_out_lines(&file);
    for (label, value) in [
        ("职工技术创新成果", "209"),
        ("提出合理化建议", "460"),
        ("申请专利", "32"),
        ("成果创造经济效益（核定）", "1,662,000,000.00"),
    ] {
        let row = format!("{label}{value}");
        assert!(
            printed.iter().any(|l| l.starts_with(&row)),
            "{row}: {printed:?}"
        );
    }
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}
on_both!(the_summary_page_and_workbook);

/// Migration 0026 counts the records a database already holds: on the demo's, with the tally
/// and the migration's row taken away and the migration run again, the tally is exact.
async fn the_migration_counts_the_records_already_there(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    app.execute(ingot_store::Sql::new("DROP TABLE record_tally"))
        .await;
    app.execute(ingot_store::Sql::new(
        "DELETE FROM schema_migrations WHERE name = '0026_record_tally'",
    ))
    .await;
    let applied = ingot_store::migrate::run(&app.db).await.unwrap();
    assert_eq!(applied, [26]);
    assert_record_tally_is_exact(&app).await;
}
on_both!(the_migration_counts_the_records_already_there);

/// The national exchange of 2023 ranks the provinces by awards: Inner Mongolia's four awards of
/// third class or above (one first, three third) and an excellent achievement are 20 points;
/// the Liaoning cities of 2020 rank by their proposals as their summaries count them.
async fn rankings_come_from_the_same_tallies(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.api_as("admin").await;
    let national = app.org_id("CN").await;
    let nm = app.org_id("CN-NM").await;
    let (s, r) = admin
        .get(&format!(
            "/reports/rankings?unit_id={national}&year=2023&by=awards"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let first = &r["rows"][0];
    assert_eq!(first["org_id"], nm, "{r}");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["prizes"], 4);
    assert_eq!(first["points"], 10 + 3 * 3 + 1);
    // The campaign's own points table (from its declarations) says the same.
    let (_, campaigns) = admin.get("/campaigns?year=2023").await;
    let exchange = campaigns
        .as_array()
        .or(campaigns["items"].as_array())
        .unwrap_or_else(|| panic!("{campaigns}"))
        .iter()
        .find(|c| c["stage"] == "announced")
        .unwrap_or_else(|| panic!("{campaigns}"))["id"]
        .as_i64()
        .unwrap();
    let (_, table) = admin.get(&format!("/campaigns/{exchange}/ranking")).await;
    let nm_points = table
        .as_array()
        .unwrap_or_else(|| table["rows"].as_array().unwrap())
        .iter()
        .find(|row| row["org_id"] == nm)
        .unwrap_or_else(|| panic!("{table}"))["points"]
        .clone();
    assert_eq!(first["points"], nm_points);

    let ln = app.api_as("ln.admin").await;
    let liaoning = app.org_id("CN-LN").await;
    let (s, r) = ln
        .get(&format!(
            "/reports/rankings?unit_id={liaoning}&year=2020&by=implementation_rate"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    for row in r["rows"].as_array().unwrap() {
        let (_, summary) = ln
            .get(&row["summary"].as_str().unwrap()["/api/v1".len()..])
            .await;
        let put_forward = lines(&summary)["proposals.put_forward"].0;
        assert_eq!(row["put_forward"], put_forward, "{row}");
    }
    assert_eq!(r["rows"][0]["org_id"], app.org_id("CN-LN-DL").await);
    assert_eq!(r["rows"][0]["rate_bp"], 10_000, "460 of 460 implemented");
    let (s, e) = ln
        .get(&format!(
            "/reports/rankings?unit_id={liaoning}&year=2020&by=height"
        ))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["fields"][0]["field"], "by");

    // The page: a chart with its table, each unit leading to its summary.
    let web = app.sign_in_demo("admin").await;
    let (s, html) = web
        .page(&format!(
            "/reports/rankings?unit={national}&year=2023&by=awards"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"chart-rank\""), "{html}");
    assert!(html.contains(&format!(
        "href=\"/reports/annual?unit={nm}&amp;year=2023\" data-testid=\"rank-unit\""
    )));
}
on_both!(rankings_come_from_the_same_tallies);
