//! One date type (`0014_one_date_type`): a database of the version before it, whose studios,
//! memberships, naming calls, reviews, notices, namings, funding, assessments, outputs,
//! timeline, alliances and digests hold their days as yyyymmdd numbers, comes out with every
//! day as 'YYYY-MM-DD' text, the same day; the application reads them, and the demo loads on it.

use super::{Foundation, THEN, id, populate_foundation, texts};
use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp, TestDb};
use ingot_store::migrate;
use ingot_store::{Db, DbOptions, Sql};
use reqwest::StatusCode;

/// Every column that held a yyyymmdd number before the migration.
const DATE_COLUMNS: &[(&str, &str)] = &[
    ("studios", "founded_on"),
    ("studio_members", "joined_on"),
    ("studio_members", "left_on"),
    ("naming_calls", "deadline"),
    ("site_reviews", "visited_on"),
    ("naming_notices", "issued_on"),
    ("studio_namings", "named_on"),
    ("studio_namings", "lost_on"),
    ("funding_entries", "on_date"),
    ("studio_assessments", "assessed_on"),
    ("studio_outputs", "on_date"),
    ("studio_events", "on_date"),
    ("alliances", "founded_on"),
    ("alliance_members", "joined_on"),
    ("digests", "day"),
];

/// What the old version wrote: the ids the checks read back.
struct OldStudio {
    studio: i64,
    call: i64,
    application: i64,
    alliance: i64,
}

/// A studio with a row in every table that held a date, written as the version before
/// `0014_one_date_type` wrote them. Year 987 checks that short years keep their zeros.
async fn populate_studio(db: &Db, old: &Foundation) -> OldStudio {
    let mut tx = db.begin().await.unwrap();
    let studio = id(
        &mut tx,
        Sql::new(
            "INSERT INTO studios (unit_id, lead_id, kind, name, founded_on, address, description,
                 status, level, named_year, version, created_at, updated_at)
             VALUES ($1, $2, 'model_worker', '旧劳模创新工作室', 20170105, '一号楼', '旧版写的',
                 'active', 'municipal', 2020, 1, $3, $3)
             RETURNING id",
        )
        .bind(old.enterprise)
        .bind(old.worker)
        .bind(THEN),
    )
    .await;
    let call = id(
        &mut tx,
        Sql::new(
            "INSERT INTO naming_calls (org_id, level, title, rules, deadline, min_honour, created_by, created_at)
             VALUES ($1, 'provincial', '2019年省级命名', '规则', 20190331, NULL, $2, $3) RETURNING id",
        )
        .bind(old.cn)
        .bind(old.admin)
        .bind(THEN),
    )
    .await;
    let application = id(
        &mut tx,
        Sql::new(
            "INSERT INTO naming_applications (call_id, studio_id, status, statement, snapshot,
                 applied_by, applied_at, decided_at, decision_note, version)
             VALUES ($1, $2, 'approved', '申请', '{}', $3, $4, $4, NULL, 1) RETURNING id",
        )
        .bind(call)
        .bind(studio)
        .bind(old.worker)
        .bind(THEN),
    )
    .await;
    let notice = id(
        &mut tx,
        Sql::new(
            "INSERT INTO naming_notices (org_id, number, issued_on, title, created_at)
             VALUES ($1, '旧发〔2019〕1号', 20190520, '命名通知', $2) RETURNING id",
        )
        .bind(old.cn)
        .bind(THEN),
    )
    .await;
    let lost = Sql::new(
        "INSERT INTO studio_namings (studio_id, level, org_id, application_id, notice_id, named_on,
             status, lost_on, lost_reason)
         VALUES ($1, 'provincial', $2, $3, $4, 20190520, 'lost', 20221231, 'assessment_failed')",
    );
    tx.execute(
        lost.bind(studio)
            .bind(old.cn)
            .bind(application)
            .bind(notice),
    )
    .await
    .unwrap();
    let standing = id(
        &mut tx,
        Sql::new(
            "INSERT INTO studio_namings (studio_id, level, org_id, application_id, notice_id, named_on,
                 status, lost_on, lost_reason)
             VALUES ($1, 'municipal', $2, NULL, $3, 20200601, 'active', NULL, NULL) RETURNING id",
        )
        .bind(studio)
        .bind(old.cn)
        .bind(notice),
    )
    .await;
    let funding = id(
        &mut tx,
        Sql::new(
            "INSERT INTO studio_funding (studio_id, naming_id, org_id, granted_cents, created_at)
             VALUES ($1, $2, $3, 1000000, $4) RETURNING id",
        )
        .bind(studio)
        .bind(standing)
        .bind(old.cn)
        .bind(THEN),
    )
    .await;
    let alliance = id(
        &mut tx,
        Sql::new(
            "INSERT INTO alliances (org_id, kind, name, lead_studio_id, founded_on, description, created_at)
             VALUES ($1, 'alliance', '旧联盟', $2, 20220808, '联盟', $3) RETURNING id",
        )
        .bind(old.cn)
        .bind(studio)
        .bind(THEN),
    )
    .await;
    // $1 studio, $2 lead, $3 member, $4 application, $5 funding, $6 standing naming,
    // $7 org, $8 alliance, $9 then.
    let statements = [
        "INSERT INTO studio_members (studio_id, user_id, role, joined_on, left_on, recorded_at)
         VALUES ($1, $2, 'lead', 20170105, NULL, NULL)",
        "INSERT INTO studio_members (studio_id, user_id, role, joined_on, left_on, recorded_at)
         VALUES ($1, $3, 'member', 9870102, 20191231, $9)",
        "INSERT INTO site_reviews (application_id, reviewer_id, visited_on, checklist, score,
             comments, signature, signed_at)
         VALUES ($4, $3, 20190415, '[]', 90, '现场良好', 'sig', $9)",
        "INSERT INTO funding_entries (funding_id, kind, category, amount_cents, on_date, note, created_by, created_at)
         VALUES ($5, 'payment', NULL, 500000, 20200701, '拨付', $3, $9)",
        "INSERT INTO funding_entries (funding_id, kind, category, amount_cents, on_date, note, created_by, created_at)
         VALUES ($5, 'spending', 'equipment', 120000, 20201015, '设备', $3, $9)",
        "INSERT INTO studio_assessments (studio_id, naming_id, org_id, period, assessed_on, scores,
             total, result, note, assessed_by, created_at)
         VALUES ($1, $6, $7, '2021', 20211220, '{}', 88, 'pass', '', $3, $9)",
        "INSERT INTO studio_outputs (studio_id, kind, title, on_date, count, amount_cents,
             patent_type, patent_stage, proposal_id, created_by, created_at)
         VALUES ($1, 'achievement', '旧成果', 20210909, 1, NULL, NULL, NULL, NULL, $3, $9)",
        "INSERT INTO studio_events (studio_id, at, on_date, kind, actor_id, detail, public)
         VALUES ($1, $9, 20170105, 'founded', $3, '{\"lead\":\"old.worker 姓名\"}', TRUE)",
        "INSERT INTO alliance_members (alliance_id, studio_id, joined_on) VALUES ($8, $1, 20220901)",
        "INSERT INTO digests (user_id, day, items, body, created_at) VALUES ($3, 20240229, 3, '摘要', $9)",
    ];
    for sql in statements {
        tx.execute(
            Sql::new(sql)
                .bind(studio)
                .bind(old.worker)
                .bind(old.admin)
                .bind(application)
                .bind(funding)
                .bind(standing)
                .bind(old.cn)
                .bind(alliance)
                .bind(THEN),
        )
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    tx.commit().await.unwrap();
    OldStudio {
        studio,
        call,
        application,
        alliance,
    }
}

/// A column's values as text, sorted, NULL as '∅'.
async fn column(db: &Db, table: &str, column: &str) -> Vec<String> {
    let sql = format!("SELECT COALESCE(CAST({column} AS TEXT), '∅') FROM {table}");
    let mut values = texts(db, sql, None).await;
    values.sort();
    values
}

/// A yyyymmdd number, as text, written as the day it stands for.
fn as_day(number: &str) -> String {
    match number.parse::<i64>() {
        Ok(n) => format!("{:04}-{:02}-{:02}", n / 10000, n / 100 % 100, n % 100),
        Err(_) => number.to_string(),
    }
}

/// How the database declares a column's type, lower case.
async fn declared_type(db: &Db, table: &str, column: &str) -> String {
    let sql = match db.backend() {
        ingot_store::Backend::Sqlite => {
            format!("SELECT type FROM pragma_table_info('{table}') WHERE name = $1")
        }
        ingot_store::Backend::Postgres => format!(
            "SELECT CAST(data_type AS TEXT) FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = '{table}' AND column_name = $1"
        ),
    };
    let types = texts(db, sql, Some(column)).await;
    assert_eq!(types.len(), 1, "{table}.{column}");
    types[0].to_lowercase()
}

async fn yyyymmdd_days_become_dates_on_upgrade(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .unwrap();
    let from = "0013_sign_in";
    migrate::run_until(&db, from).await.unwrap();
    let old = populate_foundation(&db).await;
    let studio = populate_studio(&db, &old).await;
    let mut before = Vec::new();
    for &(table, name) in DATE_COLUMNS {
        assert_eq!(
            declared_type(&db, table, name).await,
            "bigint",
            "{table}.{name}"
        );
        let values = column(&db, table, name).await;
        assert!(!values.is_empty(), "{table} was populated");
        before.push(values);
    }
    let applied = migrate::run(&db).await.unwrap();
    assert_eq!(applied.first(), Some(&14), "{}", test_db.url);
    for (&(table, name), old_values) in DATE_COLUMNS.iter().zip(&before) {
        assert_eq!(
            declared_type(&db, table, name).await,
            "text",
            "{table}.{name}"
        );
        let mut expected: Vec<String> = old_values.iter().map(|v| as_day(v)).collect();
        expected.sort();
        assert_eq!(column(&db, table, name).await, expected, "{table}.{name}");
    }
    assert_eq!(
        column(&db, "studio_members", "joined_on").await,
        ["0987-01-02", "2017-01-05"]
    );
    // Foreign keys held through the rebuilds, and the rows they join are all there.
    if backend == Backend::Sqlite {
        let broken = texts(
            &db,
            "SELECT \"table\" FROM pragma_foreign_key_check".into(),
            None,
        )
        .await;
        assert!(broken.is_empty(), "{broken:?}");
    }
    let mut tx = db.begin().await.unwrap();
    let err = tx
        .execute(Sql::new("DELETE FROM studios WHERE id = $1").bind(studio.studio))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ingot_domain::AppError::Conflict {
                code: "referenced_record_missing",
                ..
            }
        ),
        "{err:?}"
    );
    drop(tx);
    db.close().await;
    let app = TestApp::on(test_db, String::new()).await;
    the_application_reads_the_days(&app, &old, &studio).await;
    // The demo loads on the upgraded database, its studios' days typed like the old ones.
    let report = ingot_app::demo::load(&app.db, false).await.unwrap();
    assert!(report.studios_created >= 1, "{report:?}");
    // The studio statistics' tally (0023) counted the old studio, and the demo's as they came.
    crate::studios::assert_studio_tally_is_exact(&app).await;
    let admin = app.api_as("admin").await;
    let (status, list) = admin.get("/studios?per_page=500").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let founded: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["founded_on"].as_str().unwrap())
        .collect();
    assert!(founded.contains(&"2017-01-05"), "{founded:?}");
    assert!(
        founded
            .iter()
            .all(|d| ingot_domain::time::Date::parse_exact(d).is_some()),
        "{founded:?}"
    );
}
on_both!(yyyymmdd_days_become_dates_on_upgrade);

/// Every day of the old rows, as the API answers it after the upgrade.
async fn the_application_reads_the_days(app: &TestApp, old: &Foundation, studio: &OldStudio) {
    let api = ApiClient::new(&app.base, &old.token, "en");
    let (status, d) = api.get(&format!("/studios/{}", studio.studio)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["founded_on"], "2017-01-05", "{d}");
    let members: Vec<(&str, Option<&str>)> = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["joined_on"].as_str().unwrap(), m["left_on"].as_str()))
        .collect();
    assert_eq!(
        members,
        [("2017-01-05", None), ("0987-01-02", Some("2019-12-31"))],
        "{d}"
    );
    let namings: Vec<(&str, Option<&str>)> = d["namings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["named_on"].as_str().unwrap(), n["lost_on"].as_str()))
        .collect();
    assert_eq!(
        namings,
        [("2019-05-20", Some("2022-12-31")), ("2020-06-01", None)],
        "{d}"
    );
    let entries: Vec<&str> = d["funding"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["on_date"].as_str().unwrap())
        .collect();
    assert_eq!(entries, ["2020-07-01", "2020-10-15"], "{d}");
    assert_eq!(d["assessments"][0]["assessed_on"], "2021-12-20", "{d}");
    assert_eq!(d["outputs"][0]["on_date"], "2021-09-09", "{d}");
    assert_eq!(d["history"][0]["on_date"], "2017-01-05", "{d}");
    let (status, call) = api.get(&format!("/naming-calls/{}", studio.call)).await;
    assert_eq!(status, StatusCode::OK, "{call}");
    assert_eq!(call["call"]["deadline"], "2019-03-31", "{call}");
    let (status, application) = api
        .get(&format!("/naming-applications/{}", studio.application))
        .await;
    assert_eq!(status, StatusCode::OK, "{application}");
    assert_eq!(
        application["review"]["visited_on"], "2019-04-15",
        "{application}"
    );
    let (status, alliance) = api.get(&format!("/alliances/{}", studio.alliance)).await;
    assert_eq!(status, StatusCode::OK, "{alliance}");
    assert_eq!(alliance["founded_on"], "2022-08-08", "{alliance}");
    assert_eq!(
        alliance["studios"][0]["joined_on"], "2022-09-01",
        "{alliance}"
    );
    let (status, digests) = api.get("/notifications/digests").await;
    assert_eq!(status, StatusCode::OK, "{digests}");
    assert_eq!(digests[0]["day"], "2024-02-29", "{digests}");
    // The public page shows the days as they are written.
    let (status, html) = app
        .visitor()
        .await
        .page(&format!("/studios/{}", studio.studio))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2017-01-05"), "{html}");
}
