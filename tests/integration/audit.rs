//! The audit log: every change recorded with who, when, where, before and after, and read only
//! within one's own subtrees.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

async fn each_federation_reads_its_own_audit_log(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let jinzhou = app.sign_in_demo("jz.admin").await;
    let dalian = app.sign_in_demo("dl.admin").await;
    let parent = app.org_id("CN-LN-JZ").await.to_string();
    let r = jinzhou
        .post_form(
            "/orgs",
            &[
                ("parent_id", &parent),
                ("code", "JZ-AUD"),
                ("name", "审计测试企业"),
                ("kind", "enterprise"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (status, html) = jinzhou.page("/audit?action=org.").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("审计测试企业"),
        "the creation is listed with the organisation's name"
    );
    assert!(html.contains("jz.admin"));
    let (_, html) = dalian.page("/audit?action=org.").await;
    assert!(
        !html.contains("审计测试企业"),
        "Dalian does not see Jinzhou's records"
    );
    let (_, html) = dalian.page(&format!("/audit?org={parent}")).await;
    assert!(
        html.contains("无权"),
        "asking for another city's log is refused: {html}"
    );

    // The row holds where it came from and the state after.
    let api = app.api_as("admin").await;
    let (_, rows) = api.get("/audit?action=org.create&per_page=1").await;
    let row = &rows["items"][0];
    assert_eq!(row["actor_label"], "jz.admin");
    assert_eq!(row["channel"], "web");
    assert_eq!(row["ip"], "127.0.0.1");
    assert!(row["request_id"].as_str().is_some_and(|id| id.len() >= 8));
    assert_eq!(row["after"]["code"], "JZ-AUD");
    assert_eq!(row["object_label"], "审计测试企业");

    // Filters: by day range and actor; bad dates are named.
    let (status, html) = jinzhou.page("/audit?from=2020-13-01").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("不是日期"));
    let (_, html) = jinzhou.page("/audit?actor=nobody-at-all").await;
    assert!(html.contains("没有用户名为 nobody-at-all 的人员"));
    // Every bad value at once, not only the first.
    let (_, html) = jinzhou
        .page("/audit?from=2020-13-01&actor=nobody-at-all")
        .await;
    assert!(html.contains("不是日期"), "{html}");
    assert!(html.contains("没有用户名为 nobody-at-all 的人员"), "{html}");
    let csv = jinzhou
        .get("/audit/export?action=org.")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("org.create") && csv.contains("JZ-AUD"));
    // Failed sign-ins with unknown names belong to nobody's subtree: only the top sees them.
    let visitor = app.visitor().await;
    visitor
        .post_form(
            "/login",
            &[("username", "ghost"), ("password", "whatever1234")],
        )
        .await;
    let (_, top) = api.get("/audit?action=auth.sign_in_failed").await;
    assert_eq!(top["total"], 1);
    let (_, html) = jinzhou.page("/audit?action=auth.").await;
    assert!(!html.contains("ghost"));
}
on_both!(each_federation_reads_its_own_audit_log);

async fn the_dashboard_figures_lead_to_their_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.sign_in_demo("nm.admin").await;
    let (_, html) = admin.page("/").await;
    // Inner Mongolia: the federation, 2 cities, 5 enterprises, 1 branch, 257 external bodies
    // (the science department and the Breakthrough project's 256 universities and institutes).
    assert!(
        html.contains("data-testid=\"stat-orgs\"><div class=\"value\">266</div>"),
        "{html}"
    );
    assert!(html.contains("href=\"/orgs?scope=mine&amp;kind=enterprise\""));
    let (_, list) = admin.page("/orgs?scope=mine&kind=enterprise").await;
    assert_eq!(list.matches("data-testid=\"org-row\"").count(), 5);
    assert!(html.contains("data-testid=\"stat-users\"><div class=\"value\">4</div>"));
    let (_, people) = admin.page("/users").await;
    assert_eq!(people.matches("data-testid=\"user-row\"").count(), 4);
}
on_both!(the_dashboard_figures_lead_to_their_records);

/// Events within `root`'s subtree since `since`, counted from the log's rows and the
/// organisations' current places, the way the log's readers see them.
fn counted(
    log: &[(Option<i64>, i64)],
    paths: &std::collections::BTreeMap<i64, String>,
    root: &str,
    since: i64,
) -> i64 {
    log.iter()
        .filter(|(org, at)| {
            *at >= since
                && org
                    .and_then(|o| paths.get(&o))
                    .is_some_and(|p| p.starts_with(root))
        })
        .count() as i64
}

/// The audit tally recounted from the log's rows (an independent oracle): each row counts for
/// its organisation and every one above it, rows of no organisation under 0. Returns the rows
/// and the organisations' paths it read.
pub(crate) async fn assert_audit_tally_is_exact(
    app: &TestApp,
) -> (
    Vec<(Option<i64>, i64)>,
    std::collections::BTreeMap<i64, String>,
) {
    let mut tx = app.db.read().await.unwrap();
    let log: Vec<(Option<i64>, i64)> = tx
        .fetch_all(ingot_store::Sql::new("SELECT org_id, at FROM audit_log"))
        .await
        .unwrap();
    let paths = org_paths(&mut tx).await;
    let tally: Vec<(i64, i64, i64)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT org_id, quarter, events FROM audit_tally WHERE events <> 0 ORDER BY org_id, quarter",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(log.len() > 20, "{} rows", log.len());

    let mut expected = std::collections::BTreeMap::<(i64, i64), i64>::new();
    for (org, at) in &log {
        let quarter = at.div_euclid(900_000);
        let holders: Vec<i64> = match org {
            None => vec![0],
            Some(org) => match paths.get(org) {
                Some(path) => ids_on(path),
                None => Vec::new(),
            },
        };
        for holder in holders {
            *expected.entry((holder, quarter)).or_default() += 1;
        }
    }
    let expected: Vec<(i64, i64, i64)> = expected
        .into_iter()
        .map(|((org, quarter), n)| (org, quarter, n))
        .collect();
    assert_eq!(tally, expected);
    (log, paths)
}

/// The dashboard's activity chart reads a tally of the log by subtree and quarter of an hour;
/// after organisations are created, moved and deleted the tally still equals the log.
async fn the_activity_tally_equals_the_log(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let root = app.api_as("admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let dalian = app.org_id("CN-LN-DL").await;
    let mut made = Vec::new();
    for code in ["TALLY-A", "TALLY-B"] {
        let (status, org) = root
            .post(
                "/orgs",
                serde_json::json!({ "parent_id": jinzhou, "code": code, "name": code, "kind": "enterprise" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        made.push(org["id"].as_i64().unwrap());
    }
    // A's history moves from Jinzhou to Dalian; B goes with everything it logged.
    let (status, moved) = root
        .post(
            &format!("/orgs/{}/move", made[0]),
            serde_json::json!({ "parent_id": dalian }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (status, gone) = root.delete(&format!("/orgs/{}", made[1])).await;
    assert!(status.is_success(), "{gone}");

    let (log, paths) = assert_audit_tally_is_exact(&app).await;

    // The Liaoning administrator's fortnight on the dashboard totals the log's rows of it.
    const DAY: i64 = 86_400_000;
    let offset = ingot_domain::time::CHINA_STANDARD_OFFSET_MS;
    let today = (ingot_domain::Timestamp::now().0 + offset) / DAY;
    let since = (today - 13) * DAY - offset;
    let liaoning = &paths[&app.org_id("CN-LN").await];
    let (_, html) = app.sign_in_demo("ln.admin").await.page("/").await;
    let chart = &html[html.find("chart-activity").unwrap()..html.find("chart-kinds").unwrap()];
    let shown: i64 = chart
        .split("<td class=\"num\">")
        .skip(1)
        .map(|cell| cell.split('<').next().unwrap().parse::<i64>().unwrap())
        .sum();
    let in_liaoning = counted(&log, &paths, liaoning, since);
    assert!(in_liaoning > 5, "{in_liaoning}");
    // The sign-in just now is one more row of Liaoning's.
    assert_eq!(shown, in_liaoning + 1, "{chart}");
}
on_both!(the_activity_tally_equals_the_log);

/// Every organisation's tally, computed here from the tree and the people: live organisations
/// by kind and active people, each counted for its organisation and every one above it.
async fn org_tally_from_the_tree(app: &TestApp) -> Vec<(i64, String, i64)> {
    let mut tx = app.db.read().await.unwrap();
    let orgs: Vec<(i64, String, String, Option<i64>)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT id, path, kind, archived_at FROM organisations",
        ))
        .await
        .unwrap();
    let people: Vec<(i64, bool)> = tx
        .fetch_all(ingot_store::Sql::new("SELECT org_id, active FROM users"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let paths: std::collections::BTreeMap<i64, &str> = orgs
        .iter()
        .map(|(id, path, _, _)| (*id, path.as_str()))
        .collect();
    let mut tally = std::collections::BTreeMap::<(i64, String), i64>::new();
    for (_, path, kind, archived_at) in &orgs {
        if archived_at.is_none() {
            for holder in ids_on(path) {
                *tally.entry((holder, kind.clone())).or_default() += 1;
            }
        }
    }
    for (org, active) in &people {
        if *active {
            for holder in ids_on(paths[org]) {
                *tally.entry((holder, "people".to_string())).or_default() += 1;
            }
        }
    }
    tally
        .into_iter()
        .map(|((org, metric), n)| (org, metric, n))
        .collect()
}

/// The dashboard's organisation and people counts read a tally per subtree; after
/// organisations are created, archived, restored, moved and deleted and people join, move and
/// leave, it still equals the tree.
async fn the_organisation_tally_equals_the_tree(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let tally = async || -> Vec<(i64, String, i64)> {
        let mut tx = app.db.read().await.unwrap();
        let rows = tx
            .fetch_all(ingot_store::Sql::new(
                "SELECT org_id, metric, n FROM org_tally WHERE n <> 0 ORDER BY org_id, metric",
            ))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        rows
    };
    // The demo, loaded by migrations and the demo loader alike.
    same(tally().await, org_tally_from_the_tree(&app).await);

    let root = app.api_as("admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let dalian = app.org_id("CN-LN-DL").await;
    let mut made = Vec::new();
    for (code, parent, kind) in [
        ("TALLY-ENT", None, "enterprise"),
        ("TALLY-DEPT", Some(0), "department"),
        ("TALLY-GONE", Some(0), "department"),
    ] {
        let parent_id = parent.map_or(jinzhou, |i: usize| made[i]);
        let (status, org) = root
            .post(
                "/orgs",
                serde_json::json!({ "parent_id": parent_id, "code": code, "name": code, "kind": kind }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        made.push(org["id"].as_i64().unwrap());
    }
    let mut people = Vec::new();
    for name in ["tally.one", "tally.two"] {
        let (status, user) = root
            .post(
                "/users",
                serde_json::json!({ "org_id": made[1], "username": name, "display_name": name }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        people.push(user["user"]["id"].as_i64().or(user["id"].as_i64()).unwrap());
    }
    for (path, body) in [
        (
            format!("/users/{}/deactivate", people[0]),
            serde_json::json!({}),
        ),
        (
            format!("/users/{}/activate", people[0]),
            serde_json::json!({}),
        ),
        (
            format!("/users/{}/deactivate", people[1]),
            serde_json::json!({}),
        ),
        (format!("/orgs/{}/archive", made[0]), serde_json::json!({})),
        (format!("/orgs/{}/restore", made[0]), serde_json::json!({})),
        (
            format!("/orgs/{}/move", made[0]),
            serde_json::json!({ "parent_id": dalian }),
        ),
    ] {
        let (status, answer) = root.post(&path, body).await;
        assert!(status.is_success(), "{path}: {answer}");
    }
    let (status, moved) = root
        .send(
            reqwest::Method::PATCH,
            &format!("/users/{}", people[0]),
            serde_json::json!({ "display_name": "tally.one", "org_id": jinzhou }),
        )
        .await;
    assert!(status.is_success(), "{moved}");
    let (status, gone) = root.delete(&format!("/orgs/{}", made[2])).await;
    assert!(status.is_success(), "{gone}");
    // Archived with its subtree, and counted nowhere while it is.
    // An enterprise with proposals moves to another city: its statistics go with it.
    let refinery = app.org_id("CN-LN-JZ-REF").await;
    let (status, moved) = root
        .post(
            &format!("/orgs/{refinery}/move"),
            serde_json::json!({ "parent_id": dalian }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (status, archived) = root
        .post(&format!("/orgs/{}/archive", made[0]), serde_json::json!({}))
        .await;
    assert!(status.is_success(), "{archived}");

    same(tally().await, org_tally_from_the_tree(&app).await);
    let (kept, summed) = rollup_tree(&app).await;
    assert!(kept.len() > 50, "{} rows", kept.len());
    assert_eq!(kept, summed);
}
on_both!(the_organisation_tally_equals_the_tree);

type TreeRow = (i64, i64, String, i64, i64, i64, i64);

/// The statistics rollup per subtree as kept, and as summed here from the per-unit rollup and
/// the organisations' current places.
pub async fn rollup_tree(app: &TestApp) -> (Vec<TreeRow>, Vec<TreeRow>) {
    let mut tx = app.db.read().await.unwrap();
    let kept: Vec<TreeRow> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT org_id, period, category, put_forward, adopted, implemented, benefit_cents
             FROM proposal_rollup_tree
             WHERE put_forward <> 0 OR adopted <> 0 OR implemented <> 0 OR benefit_cents <> 0
             ORDER BY org_id, period, category",
        ))
        .await
        .unwrap();
    let units: Vec<TreeRow> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT org_id, period, category, put_forward, adopted, implemented, benefit_cents
             FROM proposal_rollup",
        ))
        .await
        .unwrap();
    let paths = org_paths(&mut tx).await;
    tx.rollback().await.unwrap();
    let mut sums = std::collections::BTreeMap::<(i64, i64, String), [i64; 4]>::new();
    for (unit, period, category, a, b, c, d) in units {
        for holder in ids_on(&paths[&unit]) {
            let sum = sums.entry((holder, period, category.clone())).or_default();
            for (total, n) in sum.iter_mut().zip([a, b, c, d]) {
                *total += n;
            }
        }
    }
    let summed = sums
        .into_iter()
        .filter(|(_, s)| s.iter().any(|n| *n != 0))
        .map(|((org, period, category), [a, b, c, d])| (org, period, category, a, b, c, d))
        .collect();
    (kept, summed)
}

/// Fails with the rows that differ, not the thousand that agree.
pub(crate) fn same(kept: Vec<(i64, String, i64)>, counted: Vec<(i64, String, i64)>) {
    let only_kept: Vec<_> = kept.iter().filter(|r| !counted.contains(r)).collect();
    let only_counted: Vec<_> = counted.iter().filter(|r| !kept.contains(r)).collect();
    assert!(
        only_kept.is_empty() && only_counted.is_empty(),
        "tally rows {only_kept:?}, counted from the tree {only_counted:?}"
    );
}

/// Every organisation's stored path, by id.
async fn org_paths(tx: &mut ingot_store::Tx) -> std::collections::BTreeMap<i64, String> {
    tx.fetch_all::<(i64, String)>(ingot_store::Sql::new("SELECT id, path FROM organisations"))
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// The ids on a stored path (`/1/12/17/`), from the top down to the organisation itself.
pub(crate) fn ids_on(path: &str) -> Vec<i64> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}
