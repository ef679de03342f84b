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
