//! The `ingot` binary's subcommands, run as a person would run them.

use crate::support::{Backend, TestApp, TestDb};
use std::process::{Command, Output, Stdio};

fn ingot(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ingot"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("INGOT_LOG", "warn")
        .output()
        .expect("run ingot")
}

fn ok(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

async fn subcommands(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let out = ok(&tokio::task::spawn_blocking({
        let url = url.clone();
        move || ingot(&url, &["migrate"])
    })
    .await
    .unwrap());
    assert!(out.contains("up to date"));

    let first = ok(&ingot(&url, &["demo"]));
    let password = first
        .lines()
        .find_map(|l| l.split("password ").nth(1))
        .expect("demo prints the admin password")
        .trim()
        .to_string();
    assert!(
        first.contains("311 organisations, 45 accounts and 60 proposals created"),
        "{first}"
    );
    let second = ok(&ingot(&url, &["demo"]));
    assert!(
        second.contains("0 organisations, 0 accounts and 0 proposals created")
            && second.contains("unchanged"),
        "idempotent: {second}"
    );

    let reindexed = ok(&ingot(&url, &["reindex"]));
    assert!(
        reindexed.contains("520 proposal signatures recomputed"),
        "{reindexed}"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_ingot"))
        .args([
            "user",
            "add",
            "li.gong",
            "--org",
            "CN-LN-JZ-REF-TC",
            "--role",
            "reviewer",
            "--display-name",
            "李工",
            "--password-stdin",
        ])
        .env("DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a password from stdin\n")
        .unwrap();
    let out = ok(&child.wait_with_output().unwrap());
    assert!(out.contains("li.gong") && !out.contains("Password:"));

    let generated = ok(&ingot(
        &url,
        &[
            "user", "add", "chen.ji", "--org", "CN-LN-DL", "--role", "expert",
        ],
    ));
    assert!(generated.contains("Password: "));
    let bad = ingot(
        &url,
        &[
            "user", "add", "li.gong", "--org", "CN-LN-DL", "--role", "expert",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("username_taken"));
    let bad = ingot(
        &url,
        &["user", "add", "x.y", "--org", "NOWHERE", "--role", "expert"],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("NOWHERE"));
    let bad = ingot(
        &url,
        &["user", "add", "x.y", "--org", "CN", "--role", "king"],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));

    let out = ok(&ingot(&url, &["token", "create", "li.gong"]));
    let token = out.lines().last().unwrap().trim().to_string();
    assert!(token.starts_with("ingot_"));

    // The token and the passwords work against a server on the same database.
    let db = ingot_store::Db::open(&url, &Default::default())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(ingot_web::serve(
        listener,
        ingot_web::AppState::new(db, Default::default())
            .await
            .unwrap(),
        std::future::pending(),
    ));
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["display_name"], "李工");
    server.abort();
    let _ = password;

    if backend == Backend::Postgres {
        let target = std::env::temp_dir().join(format!("ingot-backup-{}.dump", std::process::id()));
        let _ = std::fs::remove_file(&target);
        let out = ok(&ingot(&url, &["backup", target.to_str().unwrap()]));
        assert!(out.contains("Backup written"));
        let bytes = std::fs::read(&target).unwrap();
        assert!(
            bytes.starts_with(b"PGDMP"),
            "a pg_dump archive in the custom format"
        );
        let listing = Command::new("pg_restore")
            .arg("--list")
            .arg(&target)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&listing.stdout).contains("audit_log"));
        let _ = std::fs::remove_file(&target);
    }
    if backend == Backend::Sqlite {
        let target = std::env::temp_dir().join(format!("ingot-backup-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&target);
        let out = ok(&ingot(&url, &["backup", target.to_str().unwrap()]));
        assert!(out.contains("Backup written"));
        // The copy is a complete database.
        let copy = format!("sqlite://{}", target.display());
        let out = ok(&ingot(&copy, &["demo"]));
        assert!(
            out.contains("0 organisations, 0 accounts and 0 proposals created"),
            "the backup holds the data: {out}"
        );
        let again = ingot(&url, &["backup", target.to_str().unwrap()]);
        assert!(
            !again.status.success(),
            "an existing file is never overwritten"
        );
        let _ = std::fs::remove_file(&target);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subcommands_on_sqlite() {
    crate::support::within_limit(subcommands(Backend::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subcommands_on_postgres() {
    crate::support::within_limit(subcommands(Backend::Postgres)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_holds_the_studio_company_and_the_award_units() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let mut tx = app.db.read().await.unwrap();
    let company = ingot_store::orgs::get_by_code(&mut tx, ingot_app::demo::ZHAO_PENGDA_COMPANY)
        .await
        .unwrap()
        .unwrap();
    let chain: Vec<String> = ingot_store::orgs::ancestors(&mut tx, &company.path)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(
        chain,
        vec![
            "中华全国总工会",
            "辽宁省总工会",
            "锦州市总工会",
            "锦州冶金耐火材料有限公司"
        ]
    );
    for name in [
        "冶炼分公司",
        "内蒙古北方重工业集团有限公司",
        "内蒙古大唐国际托克托发电有限责任公司",
        "内蒙古青蒙石墨烯科技有限公司",
        "中国移动通信集团内蒙古有限公司",
        "大连市总工会",
    ] {
        let (list, n) = ingot_store::orgs::list(
            &mut tx,
            &ingot_store::orgs::OrgFilter {
                text: Some(name.into()),
                ..Default::default()
            },
            ingot_store::Page::new(None, None, 10),
        )
        .await
        .unwrap();
        assert_eq!(n, 1, "{name}");
        assert_eq!(list[0].name, name);
    }
}

/// `ingot assign solve` on a tiny instance written as CSV: the printed objective is the best
/// found by trying every subset of pairs; a malformed row is named by file, line and column.
#[test]
fn assign_solve_prints_the_optimum_and_names_bad_rows() {
    let dir = std::env::temp_dir().join(format!("ingot-cli-assign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // (submission, reviewer, affinity); reviewer loads 1..=2, two reviews per submission.
    let pairs = [
        (0, 0, 9),
        (0, 1, 4),
        (0, 2, 7),
        (1, 0, 8),
        (1, 1, 6),
        (1, 2, 1),
        (2, 0, 5),
        (2, 1, 2),
        (2, 2, 3),
    ];
    let (loads, reviews) = ((1u32, 2u32), 2u32);
    let mut best = None;
    for mask in 0u32..1 << pairs.len() {
        let chosen = pairs.iter().enumerate().filter(|(i, _)| mask & 1 << i != 0);
        let (mut per_submission, mut per_reviewer, mut total) = ([0u32; 3], [0u32; 3], 0);
        for (_, &(s, r, a)) in chosen {
            per_submission[s] += 1;
            per_reviewer[r] += 1;
            total += a;
        }
        if per_submission.iter().all(|&n| n == reviews)
            && per_reviewer
                .iter()
                .all(|&n| (loads.0..=loads.1).contains(&n))
        {
            best = best.max(Some(total));
        }
    }
    let best = best.expect("feasible");
    std::fs::write(
        dir.join("reviewers.csv"),
        "reviewer,min_load,max_load\n0,1,2\n1,1,2\n2,1,2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("submissions.csv"),
        "submission,reviews\n0,2\n1,2\n2,2\n",
    )
    .unwrap();
    let rows: String = pairs
        .iter()
        .map(|(s, r, a)| format!("{s},{r},{a}\n"))
        .collect();
    std::fs::write(
        dir.join("affinity.csv"),
        format!("submission,reviewer,affinity\n{rows}"),
    )
    .unwrap();

    let out_file = dir.join("assignment.csv");
    let dir_arg = dir.to_str().unwrap();
    let out = ok(&ingot(
        "",
        &[
            "assign",
            "solve",
            dir_arg,
            "--out",
            out_file.to_str().unwrap(),
        ],
    ));
    assert!(out.contains(&format!("objective: {best}\n")), "{out}");
    assert!(
        out.contains("peak RSS:") && out.contains("digest:"),
        "{out}"
    );
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(written.lines().count(), 1 + 6, "{written}");

    std::fs::write(
        dir.join("affinity.csv"),
        "submission,reviewer,affinity\n0,0,9\n0,1,4x\n",
    )
    .unwrap();
    let failed = ingot("", &["assign", "solve", dir_arg]);
    assert!(!failed.status.success());
    let message = String::from_utf8_lossy(&failed.stderr);
    assert!(
        message.contains("affinity.csv:3:5: expected an integer, found `4x`"),
        "{message}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
