//! The storage layer on both databases: migrations, named constraints, the append-only audit
//! log, subtree ranges and moves.

use crate::on_both;
use crate::support::{Backend, TestDb};
use ingot_domain::org::NewOrg;
use ingot_domain::{AppError, OrgKind, OrgScope, Timestamp};
use ingot_store::orgs::{self, OrgFilter};
use ingot_store::users::{self, NewUser};
use ingot_store::{Db, DbOptions, Page, Sql};

async fn fresh(backend: Backend) -> Option<(TestDb, Db)> {
    let test_db = TestDb::new(backend).await?;
    let db = Db::open(&test_db.url, &DbOptions::default()).await.unwrap();
    Some((test_db, db))
}

/// Inserts an organisation under `parent` in one call.
async fn add(
    tx: &mut ingot_store::Tx,
    code: &str,
    name: &str,
    kind: OrgKind,
    parent: Option<&ingot_domain::org::Organisation>,
) -> ingot_domain::org::Organisation {
    orgs::insert(
        tx,
        &new_org(code, name, kind, parent),
        parent,
        Timestamp::now(),
    )
    .await
    .unwrap()
}

fn new_org(
    code: &str,
    name: &str,
    kind: OrgKind,
    parent: Option<&ingot_domain::org::Organisation>,
) -> NewOrg {
    NewOrg {
        parent_id: parent.map(|p| p.id),
        code: code.into(),
        name: name.into(),
        name_en: None,
        kind,
    }
}

/// The tables a migration's text creates, in order: not those it rebuilds (drops and creates
/// again, as SQLite must to change a column's type).
fn tables_created_by(text: &str) -> Vec<&str> {
    let after = |statement: &str| -> Vec<&str> {
        text.split(statement)
            .skip(1)
            .filter_map(|rest| {
                rest.split(|c: char| c.is_whitespace() || c == ';' || c == '(')
                    .next()
            })
            .collect()
    };
    let dropped = after("DROP TABLE ");
    after("CREATE TABLE ")
        .into_iter()
        .filter(|table| !dropped.contains(table))
        .collect()
}

async fn migrations_run_once_when_servers_start_together_on_an_empty_database(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    // Several servers starting at the same moment on an empty database: each either applies
    // migrations or waits for the one that does; none fails, none applies one twice.
    let servers = 4;
    let together = std::sync::Arc::new(tokio::sync::Barrier::new(servers));
    let starts = (0..servers).map(|_| {
        let url = test_db.url.clone();
        let together = together.clone();
        async move {
            // Every server reaches the barrier, even one whose connection failed, so that a
            // failure is reported rather than leaving the others waiting for ever.
            let connected = Db::connect(&url, &DbOptions::default()).await;
            together.wait().await;
            let db = connected?;
            let applied = ingot_store::migrate::run(&db).await;
            db.close().await;
            applied
        }
    });
    let mut applied: Vec<i64> = futures_join(starts)
        .await
        .into_iter()
        .flat_map(|r| r.expect("a concurrent start migrates or waits"))
        .collect();
    applied.sort();
    let every: Vec<i64> = ingot_store::migrate::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(
        applied, every,
        "each migration applied by exactly one server"
    );

    let db = Db::open(&test_db.url, &DbOptions::default()).await.unwrap();
    assert!(
        ingot_store::migrate::run(&db).await.unwrap().is_empty(),
        "nothing left to apply"
    );
    let mut tx = db.read().await.unwrap();
    let recorded: Vec<(i64, String)> = tx
        .fetch_all(Sql::new(
            "SELECT version, name FROM schema_migrations ORDER BY version",
        ))
        .await
        .unwrap();
    let expected: Vec<(i64, String)> = ingot_store::migrate::MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_string()))
        .collect();
    assert_eq!(recorded, expected);
    // The schema is whole: every table of every migration is there (and empty).
    let mut tables = 0;
    for m in ingot_store::migrate::MIGRATIONS {
        let text = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        for table in tables_created_by(text) {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let n: i64 = match &db {
                Db::Sqlite { readers, .. } => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(readers)
                    .await
                    .unwrap_or_else(|e| panic!("{table} of {}: {e}", m.name)),
                Db::Postgres { pool, .. } => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await
                    .unwrap_or_else(|e| panic!("{table} of {}: {e}", m.name)),
            };
            assert_eq!(n, 0, "{table}");
            tables += 1;
        }
    }
    assert!(tables >= 69, "{tables} tables found in the migrations");
}
on_both!(migrations_run_once_when_servers_start_together_on_an_empty_database);

async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn named_constraints_become_user_facing_conflicts(backend: Backend) {
    let Some((_t, db)) = fresh(backend).await else {
        return;
    };
    let now = Timestamp::now();
    let mut tx = db.begin().await.unwrap();
    orgs::insert(
        &mut tx,
        &new_org("CN", "中华全国总工会", OrgKind::National, None),
        None,
        now,
    )
    .await
    .unwrap();
    let err = orgs::insert(
        &mut tx,
        &new_org("CN", "另一个", OrgKind::National, None),
        None,
        now,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Conflict {
                code: "org_code_taken",
                field: Some("code")
            }
        ),
        "{err:?}"
    );
    tx.rollback().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let root = orgs::insert(
        &mut tx,
        &new_org("CN", "中华全国总工会", OrgKind::National, None),
        None,
        now,
    )
    .await
    .unwrap();
    orgs::insert(
        &mut tx,
        &new_org("CN-LN", "辽宁省总工会", OrgKind::Province, Some(&root)),
        Some(&root),
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let err = orgs::insert(
        &mut tx,
        &new_org("CN-LN2", "辽宁省总工会", OrgKind::Province, Some(&root)),
        Some(&root),
        now,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Conflict {
                code: "org_name_taken",
                field: Some("name")
            }
        ),
        "{err:?}"
    );
    tx.rollback().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let user = NewUser {
        org_id: root.id,
        username: "dup",
        display_name: "A",
        email: None,
        password_hash: "x",
        lang: None,
    };
    users::insert(&mut tx, &user, now).await.unwrap();
    let err = users::insert(&mut tx, &user, now).await.unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Conflict {
                code: "username_taken",
                field: Some("username")
            }
        ),
        "{err:?}"
    );
    tx.rollback().await.unwrap();

    // A CHECK constraint reports its name on both databases.
    let mut tx = db.begin().await.unwrap();
    let err = tx
        .execute(Sql::new(
            "UPDATE organisations SET kind = 'galaxy' WHERE code = 'CN'",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Conflict {
                code: "unknown_org_kind",
                ..
            }
        ),
        "{err:?}"
    );
}
on_both!(named_constraints_become_user_facing_conflicts);

async fn the_audit_log_cannot_be_edited_or_deleted(backend: Backend) {
    let Some((_t, db)) = fresh(backend).await else {
        return;
    };
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let mut tx = db.begin().await.unwrap();
    ingot_store::audit::append(
        &mut tx,
        &ingot_store::audit::AuditRecord {
            at: Timestamp::now(),
            actor: None,
            actor_label: "system",
            origin: &origin,
            action: "org.create",
            object_type: "organisation",
            object_id: Some(1),
            object_label: Some("甲"),
            org_id: None,
            before: None,
            after: Some("{}".into()),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for statement in [
        "UPDATE audit_log SET actor_label = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let mut tx = db.begin().await.unwrap();
        let err = tx.execute(Sql::new(statement)).await.unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    let mut tx = db.read().await.unwrap();
    let (n, label): (i64, String) = tx
        .fetch_one(Sql::new("SELECT COUNT(*), MIN(actor_label) FROM audit_log"))
        .await
        .unwrap();
    assert_eq!((n, label.as_str()), (1, "system"));
}
on_both!(the_audit_log_cannot_be_edited_or_deleted);

async fn subtrees_follow_moves(backend: Backend) {
    let Some((_t, db)) = fresh(backend).await else {
        return;
    };
    let now = Timestamp::now();
    let mut tx = db.begin().await.unwrap();
    let cn = add(&mut tx, "CN", "全国", OrgKind::National, None).await;
    let ln = add(&mut tx, "LN", "辽宁", OrgKind::Province, Some(&cn)).await;
    let nm = add(&mut tx, "NM", "内蒙古", OrgKind::Province, Some(&cn)).await;
    let city = add(&mut tx, "JZ", "锦州", OrgKind::City, Some(&ln)).await;
    let firm = add(&mut tx, "F", "企业", OrgKind::Enterprise, Some(&city)).await;
    let dept = add(&mut tx, "D", "部门", OrgKind::Department, Some(&firm)).await;
    // Ids 1x and 1 share a prefix as text; the range must not confuse them.
    for i in 0..12 {
        add(
            &mut tx,
            &format!("X{i}"),
            &format!("单位{i}"),
            OrgKind::Enterprise,
            Some(&nm),
        )
        .await;
    }
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let within = |root: &ingot_domain::org::Organisation| OrgFilter {
        within: Some(OrgScope::of([root.path.clone()])),
        ..Default::default()
    };
    let page = Page::new(None, None, 100);
    let (ln_tree, n) = orgs::list(&mut tx, &within(&ln), page).await.unwrap();
    assert_eq!(n, 4);
    let codes: Vec<&str> = ln_tree.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, vec!["LN", "JZ", "F", "D"]);

    let moved = orgs::move_subtree(&mut tx, &city, &nm, now).await.unwrap();
    assert_eq!(moved, nm.path.child(city.id));
    let dept_after = orgs::get(&mut tx, dept.id).await.unwrap().unwrap();
    assert_eq!(
        dept_after.path.ids(),
        vec![cn.id, nm.id, city.id, firm.id, dept.id]
    );
    let (_, n) = orgs::list(&mut tx, &within(&ln), page).await.unwrap();
    assert_eq!(n, 1, "only Liaoning itself is left in its subtree");
    let (_, n) = orgs::list(&mut tx, &within(&nm), page).await.unwrap();
    assert_eq!(n, 1 + 12 + 3);

    let city_moved = orgs::get(&mut tx, city.id).await.unwrap().unwrap();
    assert_eq!(
        orgs::archive_subtree(&mut tx, &city_moved, now)
            .await
            .unwrap(),
        3
    );
    let city_now = orgs::get(&mut tx, city.id).await.unwrap().unwrap();
    assert_eq!(
        orgs::restore_subtree(&mut tx, &city_now, now)
            .await
            .unwrap(),
        3
    );
    assert!(
        !orgs::delete_if_unused(&mut tx, &firm).await.unwrap(),
        "a parent is never deleted"
    );
    assert!(orgs::delete_if_unused(&mut tx, &dept).await.unwrap());
    tx.commit().await.unwrap();
}
on_both!(subtrees_follow_moves);

/// A read handle reads only. On PostgreSQL it is a read-only session without BEGIN and
/// ROLLBACK (each statement its own snapshot): a write through it fails and leaves nothing. On
/// SQLite it is a transaction on the readers' pool: one snapshot for all its reads.
async fn a_read_handle_reads_only(backend: Backend) {
    let Some((_t, db)) = fresh(backend).await else {
        return;
    };
    let count = async |tx: &mut ingot_store::Tx| -> i64 {
        let (n,): (i64,) = tx
            .fetch_one(Sql::new("SELECT COUNT(*) FROM organisations"))
            .await
            .unwrap();
        n
    };
    let mut read = db.read().await.unwrap();
    let before = count(&mut read).await;
    match backend {
        Backend::Postgres => {
            let mut tx = db.read().await.unwrap();
            let err = add_through(&mut tx).await.unwrap_err();
            assert!(err.to_string().contains("read-only"), "{err}");
            tx.commit().await.unwrap();
            let mut check = db.begin().await.unwrap();
            assert_eq!(count(&mut check).await, before);
        }
        Backend::Sqlite => {
            let mut tx = db.begin().await.unwrap();
            add_through(&mut tx).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(count(&mut read).await, before, "one snapshot");
            let mut fresh_read = db.read().await.unwrap();
            assert_eq!(count(&mut fresh_read).await, before + 1);
        }
    }
}
on_both!(a_read_handle_reads_only);

async fn add_through(tx: &mut ingot_store::Tx) -> Result<u64, AppError> {
    tx.execute(Sql::new(
        "INSERT INTO organisations (code, name, kind, path, created_at, updated_at)
         VALUES ('RO-1', '只读', 'enterprise', '/9999/', 0, 0)",
    ))
    .await
}
