//! Upgrades: a database written by an earlier version of Ingot (its schema made by the
//! migrations of that version, its rows written with plain SQL as that version wrote them) is
//! brought up to the newest schema on both databases, keeps every record with its values, gains
//! the new tables, and the application works on it: old passwords, sessions and tokens included.

mod dates;

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp, TestDb};
use ingot_store::migrate::{self, MIGRATIONS};
use ingot_store::{Db, DbOptions, Sql, Tx};
use reqwest::StatusCode;
use std::collections::BTreeMap;

/// Instants of the old rows: 2020, long before the upgrade.
const THEN: i64 = 1_600_000_000_000;
const FAR_FUTURE: i64 = 4_000_000_000_000;

/// The secrets behind the old rows' digests.
struct Foundation {
    admin_password: String,
    session: String,
    token: String,
    revoked_token: String,
    cn: i64,
    enterprise: i64,
    admin: i64,
    worker: i64,
}

async fn id(tx: &mut Tx, sql: Sql) -> i64 {
    let (id,): (i64,) = tx.fetch_one(sql).await.unwrap();
    id
}

async fn org(tx: &mut Tx, parent: Option<(i64, &str)>, code: &str, kind: &str) -> (i64, String) {
    let id = id(
        tx,
        Sql::new(
            "INSERT INTO organisations (parent_id, code, name, name_en, kind, path, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id",
        )
        .bind(parent.map(|p| p.0))
        .bind(code)
        .bind(format!("{code} 名称"))
        .bind((kind == "enterprise").then(|| format!("{code} Ltd")))
        .bind(kind)
        .bind(THEN),
    )
    .await;
    let path = format!("{}{id}/", parent.map_or("/", |p| p.1));
    tx.execute(
        Sql::new("UPDATE organisations SET path = $1 WHERE id = $2")
            .bind(&path)
            .bind(id),
    )
    .await
    .unwrap();
    (id, path)
}

/// Rows in every table of `0001_foundation`, as the first version of Ingot wrote them.
async fn populate_foundation(db: &Db) -> Foundation {
    let admin_password = "Old-version-pass-2020".to_string();
    let hash = ingot_app::passwords::hash(admin_password.clone())
        .await
        .unwrap();
    let (session, token, revoked_token) = (
        "old-session-secret".to_string(),
        "ingot_old-token-secret".to_string(),
        "ingot_old-revoked-secret".to_string(),
    );
    let digest = ingot_app::secrets::digest;
    let mut tx = db.begin().await.unwrap();
    let cn = org(&mut tx, None, "CN", "national").await;
    let nm = org(&mut tx, Some((cn.0, &cn.1)), "CN-NM", "province").await;
    let city = org(&mut tx, Some((nm.0, &nm.1)), "CN-NM-BT", "city").await;
    let enterprise = org(&mut tx, Some((city.0, &city.1)), "OLD-ENT", "enterprise").await;
    let closed = org(
        &mut tx,
        Some((enterprise.0, &enterprise.1)),
        "OLD-DEPT",
        "department",
    )
    .await;
    tx.execute(
        Sql::new("UPDATE organisations SET archived_at = $1 WHERE id = $2")
            .bind(THEN + 1000)
            .bind(closed.0),
    )
    .await
    .unwrap();
    let user = |org: i64, name: &'static str, email: Option<&'static str>, lang: &'static str| {
        Sql::new(
            "INSERT INTO users (org_id, username, display_name, email, password_hash, lang,
                 active, failed_logins, locked_until, password_changed_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id",
        )
        .bind(org)
        .bind(name)
        .bind(format!("{name} 姓名"))
        .bind(email)
        .bind(hash.as_str())
        .bind(lang)
    };
    let admin = id(
        &mut tx,
        user(cn.0, "old.admin", Some("admin@example.org"), "zh")
            .bind(true)
            .bind(0_i64)
            .bind(None::<i64>)
            .bind(THEN),
    )
    .await;
    let worker = id(
        &mut tx,
        user(enterprise.0, "old.worker", None, "en")
            .bind(false)
            .bind(3_i64)
            .bind(Some(THEN + 900_000))
            .bind(THEN),
    )
    .await;
    for (user, role, org, by) in [
        (admin, "federation_admin", cn.0, None),
        (worker, "employee", enterprise.0, Some(admin)),
    ] {
        tx.execute(
            Sql::new(
                "INSERT INTO role_grants (user_id, role, org_id, granted_by, granted_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user)
            .bind(role)
            .bind(org)
            .bind(by)
            .bind(THEN),
        )
        .await
        .unwrap();
    }
    tx.execute(
        Sql::new(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,
                 expires_at, ip, user_agent)
             VALUES ($1, $2, 'old-csrf', $3, $3, $4, '10.0.0.1', 'Old Browser/1.0')",
        )
        .bind(digest(&session))
        .bind(admin)
        // Begun an hour before the upgrade: sessions end seven days after they begin.
        .bind(ingot_domain::Timestamp::now().millis() - 3_600_000)
        .bind(FAR_FUTURE),
    )
    .await
    .unwrap();
    for (secret, owner, revoked) in [(&token, admin, None), (&revoked_token, worker, Some(THEN))] {
        tx.execute(
            Sql::new(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, last_used_at,
                     revoked_at)
                 VALUES ($1, 'nightly', $2, $3, $4, $4, $5)",
            )
            .bind(owner)
            .bind(digest(secret))
            .bind(secret.chars().take(12).collect::<String>())
            .bind(THEN)
            .bind(revoked),
        )
        .await
        .unwrap();
    }
    for (action, object, object_id) in [
        ("org.create", "organisation", enterprise.0),
        ("user.create", "user", worker),
    ] {
        tx.execute(
            Sql::new(
                "INSERT INTO audit_log (at, actor_user_id, actor_label, channel, ip, user_agent,
                     request_id, action, object_type, object_id, object_label, org_id,
                     before_json, after_json)
                 VALUES ($1, $2, 'old.admin', 'web', '10.0.0.1', 'Old Browser/1.0', 'req-1', $3, $4,
                     $5, '旧记录', $6, NULL, '{\"v\":1}')",
            )
            .bind(THEN)
            .bind(admin)
            .bind(action)
            .bind(object)
            .bind(object_id)
            .bind(enterprise.0),
        )
        .await
        .unwrap();
        tx.execute(
            Sql::new(
                "INSERT INTO change_log (at, object_type, object_id, op) VALUES ($1, $2, $3, 'upsert')",
            )
            .bind(THEN)
            .bind(object)
            .bind(object_id),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    Foundation {
        admin_password,
        session,
        token,
        revoked_token,
        cn: cn.0,
        enterprise: enterprise.0,
        admin,
        worker,
    }
}

/// Rows in every table of `0007_campaigns`, as the version that ended there wrote them: a
/// campaign in its publicity period with one declaration, scored and objected to.
async fn populate_campaigns(db: &Db, old: &Foundation) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let campaign = id(
        &mut tx,
        Sql::new(
            "INSERT INTO campaigns (org_id, parent_id, kind, title, edition, year, cadence, rules,
                 min_record_year, max_record_year, required_fields, required_documents,
                 reviewers_per_declaration, min_load, max_load, score_scale, blind,
                 divergence_hundredths, declaration_closes, check_closes, review_closes,
                 publicity_days, announce_on, stage, publicity_start, decision_note, decided_by,
                 decided_at, notice_number, announced_on, created_by, created_at, updated_at)
             VALUES ($1, NULL, 'achievement_award', '2023年旧版评选', 1, 2023, 'annual', '近两年成果',
                 2022, 2023, 'summary', 0, 1, 0, 5, 10, TRUE, 1500, '2023-03-31', '2023-04-15',
                 '2023-05-31', 7, '2023-06-30', 'publicity', '2023-06-01', '同意', $2, $3, NULL,
                 NULL, $2, $3, $3)
             RETURNING id",
        )
        .bind(old.cn)
        .bind(old.admin)
        .bind(THEN),
    )
    .await;
    let statements = [
        "INSERT INTO campaign_units (campaign_id, org_id, quota) VALUES ($1, $2, 2)",
        "INSERT INTO campaign_criteria (campaign_id, position, name, weight) VALUES ($1, 1, '创新性', 60)",
        "INSERT INTO campaign_criteria (campaign_id, position, name, weight) VALUES ($1, 2, '效益', 40)",
        "INSERT INTO campaign_tiers (campaign_id, tier, quota_count, share_bp) VALUES ($1, 'first', 1, NULL)",
        "INSERT INTO campaign_tiers (campaign_id, tier, quota_count, share_bp) VALUES ($1, 'excellent', NULL, 2000)",
    ];
    for sql in statements {
        tx.execute(Sql::new(sql).bind(campaign).bind(old.enterprise))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let declaration = id(
        &mut tx,
        Sql::new(
            "INSERT INTO declarations (campaign_id, number, participant_id, record_type, record_id,
                 unit_id, title, summary, field, first_completer_id, status, return_reasons,
                 correct_by, forwarded_from, tier, declared_by, created_at, updated_at)
             VALUES ($1, 1, $2, 'achievement', 77, $2, '旧成果', '摘要', '冶金', $3, 'accepted', NULL,
                 NULL, NULL, 'first', $4, $5, $5)
             RETURNING id",
        )
        .bind(campaign)
        .bind(old.enterprise)
        .bind(old.worker)
        .bind(old.admin)
        .bind(THEN),
    )
    .await;
    let statements = [
        "INSERT INTO experts (user_id, fields, profile, created_at) VALUES ($3, '冶金,化工', '高级工程师', $4)",
        "INSERT INTO experts (user_id, fields, profile, created_at) VALUES ($5, '冶金', '技师', $4)",
        "INSERT INTO campaign_experts (campaign_id, user_id) VALUES ($1, $3)",
        "INSERT INTO campaign_experts (campaign_id, user_id) VALUES ($1, $5)",
        "INSERT INTO expert_conflicts (campaign_id, user_id, declaration_id, source, reason, created_by, created_at)
         VALUES ($1, $5, $2, 'declared', '本人完成', $5, $4)",
        "INSERT INTO assignments (campaign_id, declaration_id, user_id, affinity, manual) VALUES ($1, $2, $3, 130, FALSE)",
        "INSERT INTO score_sheets (declaration_id, user_id, campaign_id, marks, total_hundredths, comment, submitted_at)
         VALUES ($2, $3, $1, '[9,8]', 8600, '好', $4)",
        "INSERT INTO objections (campaign_id, declaration_id, name, contact, text, lodged_at, status,
             outcome, decided_by, decided_at)
         VALUES ($1, $2, '王某', '13800000000', '数据有误', $4, 'dismissed', '经核实无误', $3, $4)",
    ];
    for sql in statements {
        tx.execute(
            Sql::new(sql)
                .bind(campaign)
                .bind(declaration)
                .bind(old.admin)
                .bind(THEN)
                .bind(old.worker),
        )
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    tx.commit().await.unwrap();
    campaign
}

/// Runs one catalog query returning text on either backend.
async fn texts(db: &Db, sql: String, bind: Option<&str>) -> Vec<String> {
    let sql = sqlx::AssertSqlSafe(sql);
    match db {
        Db::Sqlite { readers, .. } => {
            let q = sqlx::query_scalar(sql);
            let q = match bind {
                Some(b) => q.bind(b.to_string()),
                None => q,
            };
            q.fetch_all(readers).await.unwrap()
        }
        Db::Postgres { pool, .. } => {
            let q = sqlx::query_scalar(sql);
            let q = match bind {
                Some(b) => q.bind(b.to_string()),
                None => q,
            };
            q.fetch_all(pool).await.unwrap()
        }
    }
}

/// Every table (but the migrations' record) with its columns, as the database lists them.
async fn schema(db: &Db) -> BTreeMap<String, Vec<String>> {
    let (tables, columns) = match db.backend() {
        ingot_store::Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT name FROM pragma_table_info($1) ORDER BY cid",
        ),
        ingot_store::Backend::Postgres => (
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        ),
    };
    let mut out = BTreeMap::new();
    for table in texts(db, tables.into(), None).await {
        if table != "schema_migrations" {
            let cols = texts(db, columns.into(), Some(&table)).await;
            out.insert(table, cols);
        }
    }
    out
}

/// Every row of the given tables, restricted to the given columns, each as one line of text,
/// sorted: what must survive an upgrade unchanged.
async fn rows(db: &Db, tables: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (table, columns) in tables {
        let line = columns
            .iter()
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '∅')"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let mut lines = texts(db, format!("SELECT {line} FROM {table}"), None).await;
        lines.sort();
        out.insert(table.clone(), lines);
    }
    out
}

/// The tables a migration creates, by its text: not those it rebuilds (drops and creates
/// again, as SQLite must to change a column's type).
fn created_by(m: &migrate::Migration, backend: Backend) -> Vec<String> {
    let text = match backend {
        Backend::Sqlite => m.sqlite,
        Backend::Postgres => m.postgres,
    };
    let dropped: Vec<&str> = tables_after(text, "DROP TABLE ").collect();
    tables_after(text, "CREATE TABLE ")
        .filter(|table| !dropped.contains(table))
        .map(str::to_string)
        .collect()
}

/// The names following each occurrence of `statement` in a migration's text.
fn tables_after<'a>(text: &'a str, statement: &str) -> impl Iterator<Item = &'a str> {
    text.split(statement).skip(1).filter_map(|rest| {
        rest.split(|c: char| c.is_whitespace() || c == ';' || c == '(')
            .next()
    })
}

/// Upgrades from `from` (a migration's name) to the newest and checks that nothing was lost:
/// every row of every table keeps its values, and every table of a later migration is there.
async fn upgrade_keeps_every_row(
    backend: Backend,
    test_db: &TestDb,
    db: &Db,
    from: &str,
    populated_by_the_old_version: &[String],
) {
    let old_schema = schema(db).await;
    for table in populated_by_the_old_version {
        assert!(old_schema.contains_key(table), "{table} is in {from}");
    }
    let before = rows(db, &old_schema).await;
    for table in populated_by_the_old_version {
        assert!(!before[table].is_empty(), "{table} was populated");
    }
    let applied = migrate::run(db).await.unwrap();
    let later: Vec<&migrate::Migration> = MIGRATIONS
        .iter()
        .skip_while(|m| m.name != from)
        .skip(1)
        .collect();
    assert_eq!(
        applied,
        later.iter().map(|m| m.version).collect::<Vec<_>>(),
        "{} upgraded from {from}",
        test_db.url
    );
    // The same rows, with the same values, in the columns they had.
    let after = rows(db, &old_schema).await;
    for (table, lines) in &before {
        assert_eq!(
            &after[table], lines,
            "{table} after the upgrade from {from}"
        );
    }
    let new_schema = schema(db).await;
    for (table, columns) in &old_schema {
        let now = &new_schema[table];
        assert!(
            columns.iter().all(|c| now.contains(c)),
            "{table} kept its columns"
        );
    }
    for m in later {
        for table in created_by(m, backend) {
            assert!(new_schema.contains_key(&table), "{table} of {}", m.name);
            assert!(!old_schema.contains_key(&table), "{table} is new");
        }
    }
}

async fn the_first_version_s_database_is_upgraded_with_every_record(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .unwrap();
    assert_eq!(
        migrate::run_until(&db, "0001_foundation").await.unwrap(),
        vec![1]
    );
    let old = populate_foundation(&db).await;
    let foundation = created_by(&MIGRATIONS[0], backend);
    assert_eq!(foundation.len(), 7, "{foundation:?}");
    upgrade_keeps_every_row(backend, &test_db, &db, "0001_foundation", &foundation).await;
    // Columns added later have their defaults for the old rows.
    let mut tx = db.read().await.unwrap();
    let digests: Vec<(i64, bool)> = tx
        .fetch_all(Sql::new("SELECT id, daily_digest FROM users ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(digests, vec![(old.admin, false), (old.worker, false)]);
    // The activity tally (0018) counts the two old rows for their enterprise and each
    // organisation above it.
    let tally: Vec<(String, i64, i64)> = tx
        .fetch_all(Sql::new(
            "SELECT o.code, t.quarter, t.events FROM audit_tally t
             JOIN organisations o ON o.id = t.org_id ORDER BY o.path",
        ))
        .await
        .unwrap();
    let quarter = THEN / 900_000;
    assert_eq!(
        tally,
        ["CN", "CN-NM", "CN-NM-BT", "OLD-ENT"].map(|code| (code.to_string(), quarter, 2))
    );
    drop(tx);
    // The audit log is still append-only.
    let mut tx = db.begin().await.unwrap();
    let err = tx
        .execute(Sql::new("DELETE FROM audit_log"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    drop(tx);
    db.close().await;
    application_works_for_the_old_accounts(TestApp::on(test_db, String::new()).await, &old).await;
}
on_both!(the_first_version_s_database_is_upgraded_with_every_record);

/// The upgraded database serves: the old password signs in, the old session and token still
/// authenticate, the revoked token and the disabled account still do not.
async fn application_works_for_the_old_accounts(app: TestApp, old: &Foundation) {
    let session = app.sign_in("old.admin", &old.admin_password).await;
    let (status, html) = session.page(&format!("/orgs/{}", old.enterprise)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("OLD-ENT 名称"), "{html}");
    let r = TestApp::client()
        .get(app.url("/account"))
        .header("cookie", format!("ingot_session={}", old.session))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the old session is still valid");
    let api = ApiClient::new(&app.base, &old.token, "en");
    let (status, me) = api.get("/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["username"], "old.admin");
    let (status, orgs) = api.get(&format!("/orgs/{}", old.cn)).await;
    assert_eq!(status, StatusCode::OK, "{orgs}");
    // The old records are found: on PostgreSQL the upgrade queued them for the database's
    // search index (migration 0021), on SQLite the server indexed them at start.
    let (status, found) = api.get("/search?q=%E5%90%8D%E7%A7%B0&kind=person").await; // 名称
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
    let revoked = ApiClient::new(&app.base, &old.revoked_token, "en");
    assert_eq!(revoked.get("/me").await.0, StatusCode::UNAUTHORIZED);
    let visitor = app.visitor().await;
    let r = visitor
        .post_form(
            "/login",
            &[
                ("username", "old.worker"),
                ("password", &old.admin_password),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled account stays out"
    );
}

async fn the_campaigns_version_s_database_is_upgraded_with_every_record(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .unwrap();
    // The version before programmes (0008): from there to the newest, whatever it is now.
    let from = "0007_campaigns";
    migrate::run_until(&db, from).await.unwrap();
    let old = populate_foundation(&db).await;
    let campaign = populate_campaigns(&db, &old).await;
    let mut populated = created_by(&MIGRATIONS[0], backend);
    let campaigns = MIGRATIONS.iter().find(|m| m.name == from).unwrap();
    populated.extend(created_by(campaigns, backend));
    assert_eq!(populated.len(), 7 + 11, "{populated:?}");
    upgrade_keeps_every_row(backend, &test_db, &db, from, &populated).await;
    db.close().await;
    let app = TestApp::on(test_db, String::new()).await;
    let api = ApiClient::new(&app.base, &old.token, "zh");
    let (status, body) = api.get(&format!("/campaigns/{campaign}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["campaign"]["title"], "2023年旧版评选", "{body}");
    application_works_for_the_old_accounts(app, &old).await;
}
on_both!(the_campaigns_version_s_database_is_upgraded_with_every_record);
