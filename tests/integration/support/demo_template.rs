//! The demo, loaded once per test process and database, then copied for every test that spawns
//! the application: loading takes seconds, a copy a fraction of one. On SQLite the copy is of
//! the file (after a checkpoint has moved everything out of the write-ahead log); on PostgreSQL
//! it is `CREATE DATABASE ... TEMPLATE`, which needs the template to have no sessions, so the
//! pool that loaded it is closed first. The demo writes no attachments: only the database is
//! copied.

use super::scratch::{
    admin_execute, postgres_run_started, scratch_dir, scratch_name, with_database,
};
use ingot_store::{Db, DbOptions};
use tokio::sync::OnceCell;

pub struct DemoTemplate {
    /// The SQLite file or the PostgreSQL database to copy.
    pub source: String,
    /// The password of every demo account (set when the demo is loaded into a fresh database).
    pub password: String,
}

pub async fn sqlite() -> &'static DemoTemplate {
    static TEMPLATE: OnceCell<DemoTemplate> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let file = scratch_dir("demo").join("ingot.db");
            let db = Db::open(&format!("sqlite://{}", file.display()), &options())
                .await
                .expect("open and migrate the demo template");
            let password = load(&db).await;
            let Db::Sqlite { writer, .. } = &db else {
                unreachable!("a SQLite URL opens SQLite")
            };
            let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(writer)
                .await
                .unwrap();
            assert_eq!(busy, 0, "the demo template's log was checkpointed whole");
            db.close().await;
            DemoTemplate {
                source: file.display().to_string(),
                password,
            }
        })
        .await
}

pub async fn postgres(admin_url: &str) -> &'static DemoTemplate {
    static TEMPLATE: OnceCell<DemoTemplate> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            postgres_run_started(admin_url).await;
            let name = scratch_name("demo");
            admin_execute(admin_url, format!("CREATE DATABASE {name}")).await;
            let db = Db::open(&with_database(admin_url, &name), &options())
                .await
                .expect("open and migrate the demo template");
            let password = load(&db).await;
            db.close().await;
            DemoTemplate {
                source: name,
                password,
            }
        })
        .await
}

fn options() -> DbOptions {
    DbOptions {
        max_connections: 2,
        ..DbOptions::default()
    }
}

async fn load(db: &Db) -> String {
    let report = ingot_app::demo::load(db, false).await.expect("demo data");
    // On PostgreSQL the demo's records are queued for the search index: indexed once here,
    // not by every test.
    let offset_ms = ingot_web::config::Config::default().utc_offset_ms();
    ingot_app::search::SearchService::build(db, offset_ms)
        .await
        .expect("search service")
        .index_all_queued(db)
        .await
        .expect("index the demo");
    report.password.expect("a fresh demo sets a password")
}
