//! Proposals through the pages: another enterprise sees nothing; bad input is reported in the
//! user's language with nothing saved; two reviewers at once; the statistics rollup always
//! equals a recount of the base table; the daily digest is made once.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

/// The id in a `/proposals/{id}` redirect.
fn proposal_id_of(location: &str) -> i64 {
    location
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a proposal location: {location}"))
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn first_ref_proposal(app: &TestApp) -> i64 {
    app.count("SELECT MIN(p.id) FROM proposals p JOIN organisations o ON o.id = p.enterprise_id WHERE o.code = 'CN-LN-JZ-REF'")
        .await
}

async fn another_enterprise_sees_nothing_unpublished(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let outsider = app.sign_in_demo("zhangwenbin").await;
    let id = first_ref_proposal(&app).await;
    let (status, _) = outsider.page(&format!("/proposals/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = outsider.page(&format!("/proposals/{id}/edit")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all) = outsider.page("/proposals?view=all").await;
    assert!(
        !all.contains("CN-LN-JZ-REF-"),
        "another company's proposals listed"
    );
    // Their own enterprise's proposal is there.
    assert!(all.contains("CN-NM-BT-NRE-2022-"), "{all}");
    let (_, export) = outsider.page("/proposals/export?view=all&format=csv").await;
    assert!(!export.contains("隧道窑"));
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (status, _) = outsider
        .page(&format!(
            "/proposals/stats?org={company}&from=2022-01&to=2022-12"
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = outsider
        .page(&format!(
            "/proposals/rewards?org={company}&from=2022-01-01&to=2022-12-31"
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Acting on it is as impossible as seeing it.
    let r = outsider
        .post_form(
            &format!("/proposals/{id}/review"),
            &[("action", "reject"), ("comment", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A colleague in the same company sees the company's proposals only through their role:
    // an employee sees their own, not a co-worker's draft.
    let li = app.sign_in_demo("li.ming").await;
    let r = li
        .post_form(
            "/proposals",
            &[
                ("title", "混练机加料口加装防尘罩"),
                ("problem", "加料时粉尘外逸"),
                ("proposed_change", "加装可翻转防尘罩"),
                ("category", "small_creation"),
                (
                    "unit_id",
                    &app.org_id("CN-LN-JZ-REF-KILN").await.to_string(),
                ),
                ("intent", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let draft = proposal_id_of(&location(&r));
    let sun = app.sign_in_demo("sun.qiang").await;
    let (status, _) = sun.page(&format!("/proposals/{draft}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let union = app.sign_in_demo("ref.union").await;
    let (status, _) = union.page(&format!("/proposals/{draft}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a draft is the proposer's alone"
    );
}
on_both!(another_enterprise_sees_nothing_unpublished);

async fn bad_input_is_named_in_the_users_language_and_nothing_is_saved(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let before = app.count("SELECT COUNT(*) FROM proposals").await;
    let li = app.sign_in_demo("li.ming").await;
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await.to_string();
    let long = "长".repeat(4001);
    let r = li
        .post_form(
            "/proposals",
            &[
                ("title", ""),
                ("problem", &long),
                ("proposed_change", "改"),
                ("category", "small_creation"),
                ("unit_id", &kiln),
                ("proposer_share", "50"),
                ("co1_username", "sun.qiang"),
                ("co1_share", "30"),
                ("co2_username", "zhangwenbin"),
                ("co2_share", "20"),
                ("intent", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    // Each message sits under its field; those of other fields are listed at the top.
    assert!(
        html.contains("data-testid=\"error-title\">不能为空"),
        "title required"
    );
    assert!(
        html.contains("data-testid=\"error-problem\">过长（4001"),
        "problem too long"
    );
    assert!(
        html.contains("共同建议人 #2：zhangwenbin 不是本企业在职人员"),
        "another enterprise's person, named by row"
    );
    // What was typed is kept for correcting.
    assert!(html.contains("sun.qiang"));
    assert_eq!(app.count("SELECT COUNT(*) FROM proposals").await, before);

    // Shares not adding up to 100% are named with their total.
    let r = li
        .post_form(
            "/proposals",
            &[
                ("title", "窑车密封"),
                ("problem", "漏风"),
                ("proposed_change", "加装密封条"),
                ("category", "small_creation"),
                ("unit_id", &kiln),
                ("proposer_share", "50"),
                ("co1_username", "sun.qiang"),
                ("co1_share", "30"),
                ("intent", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("合计为80%，须恰好为100%"), "shares total");
    // A unit of another enterprise is refused.
    let smelt = app.org_id("CN-NM-BT-NRE-SMELT").await.to_string();
    let r = li
        .post_form(
            "/proposals",
            &[
                ("title", "窑车密封"),
                ("problem", "漏风"),
                ("proposed_change", "加装密封条"),
                ("category", "small_creation"),
                ("unit_id", &smelt),
                ("intent", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不是本企业的单位"));
    assert_eq!(app.count("SELECT COUNT(*) FROM proposals").await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM proposal_people").await,
        app.count(
            "SELECT COUNT(*) FROM proposal_people pp JOIN proposals p ON p.id = pp.proposal_id"
        )
        .await
    );
}
on_both!(bad_input_is_named_in_the_users_language_and_nothing_is_saved);

/// Submits a fresh proposal as li.ming through the pages and returns its id and version.
pub(crate) async fn submitted(app: &TestApp) -> (i64, i64) {
    let li = app.sign_in_demo("li.ming").await;
    let r = li
        .post_form(
            "/proposals",
            &[
                ("title", "成品库叉车充电区加装通风"),
                ("problem", "充电时氢气积聚"),
                ("proposed_change", "加装防爆排风扇并设联锁"),
                ("category", "small_design"),
                (
                    "unit_id",
                    &app.org_id("CN-LN-JZ-REF-KILN").await.to_string(),
                ),
                ("intent", "draft"),
            ],
        )
        .await;
    let id = proposal_id_of(&location(&r));
    let version = app.count_proposal_version(id).await;
    let r = li
        .post_form(
            &format!("/proposals/{id}/submit"),
            &[("version", &version.to_string()), ("seen_similar", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (id, app.count_proposal_version(id).await)
}

impl TestApp {
    async fn count_proposal_version(&self, id: i64) -> i64 {
        let mut tx = self.db.read().await.unwrap();
        let (v,): (i64,) = tx
            .fetch_one(
                ingot_store::Sql::new("SELECT version FROM proposals WHERE id = $1").bind(id),
            )
            .await
            .unwrap();
        v
    }
}

async fn two_reviewers_at_once_the_second_is_told(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (id, version) = submitted(&app).await;
    // Both see the same version of step 1 (the kiln head and the company's office).
    let head = app.sign_in_demo("kiln.head").await;
    let office = app.sign_in_demo("ref.office").await;
    let v = version.to_string();
    let path = format!("/proposals/{id}/review");
    let forward = [
        ("action", "forward"),
        ("version", v.as_str()),
        ("comment", ""),
    ];
    let reject = [
        ("action", "reject"),
        ("version", v.as_str()),
        ("comment", "不同意"),
    ];
    let (first, second) = tokio::join!(
        head.post_form(&path, &forward),
        office.post_form(&path, &reject),
    );
    let statuses = [first.status(), second.status()];
    assert!(
        statuses.contains(&StatusCode::SEE_OTHER) && statuses.contains(&StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let head_won = first.status() == StatusCode::SEE_OTHER;
    let loser = if first.status() == StatusCode::CONFLICT {
        first
    } else {
        second
    };
    assert!(loser.text().await.unwrap().contains("已被他人改动"));
    // Exactly one review was recorded.
    let mut tx = app.db.read().await.unwrap();
    let (reviews,): (i64,) = tx
        .fetch_one(
            ingot_store::Sql::new(
                "SELECT COUNT(*) FROM proposal_events WHERE proposal_id = $1 AND kind IN ('forwarded', 'rejected')",
            )
            .bind(id),
        )
        .await
        .unwrap();
    assert_eq!(reviews, 1);
    drop(tx);
    // An out-of-order action by the kiln head: adopting at step 1 of 3.
    let v = app.count_proposal_version(id).await.to_string();
    let r = head
        .post_form(
            &format!("/proposals/{id}/review"),
            &[("action", "adopt"), ("version", &v)],
        )
        .await;
    // Forwarded, the proposal waits at step 2, which is not the kiln head's to decide; rejected,
    // it is closed, and nothing more can happen to it.
    let expected = if head_won {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::CONFLICT
    };
    assert_eq!(r.status(), expected, "head won the race: {head_won}");
}
on_both!(two_reviewers_at_once_the_second_is_told);

/// The rollup is what a recount of the base table gives, unit by unit and month by month.
async fn assert_rollup_matches_base(app: &TestApp) {
    let mut tx = app.db.read().await.unwrap();
    let rollup: Vec<(i64, i64, String, i64, i64, i64, i64)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT org_id, period, category, put_forward, adopted, implemented, benefit_cents
             FROM proposal_rollup WHERE put_forward <> 0 OR adopted <> 0 OR implemented <> 0 OR benefit_cents <> 0
             ORDER BY org_id, period, category",
        ))
        .await
        .unwrap();
    let recount: Vec<(i64, i64, String, i64, i64, i64, i64)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT unit_id, period, category, CAST(COUNT(*) AS BIGINT),
                CAST(SUM(CASE WHEN status IN ('adopted', 'implemented', 'verified', 'rewarded') THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN status IN ('implemented', 'verified', 'rewarded') THEN 1 ELSE 0 END) AS BIGINT),
                CAST(COALESCE(SUM(benefit_verified_cents), 0) AS BIGINT)
             FROM proposals WHERE period IS NOT NULL AND status NOT IN ('draft', 'withdrawn', 'duplicate')
             GROUP BY unit_id, period, category ORDER BY unit_id, period, category",
        ))
        .await
        .unwrap();
    assert_eq!(rollup, recount);
}

async fn statistics_follow_every_change(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_rollup_matches_base(&app).await;
    let union = app.sign_in_demo("ref.union").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (status, html) = union
        .page(&format!(
            "/proposals/stats?org={company}&from=2022-01&to=2022-12"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("data-testid=\"stat-put-forward\">35<"),
        "35 put forward in 2022"
    );
    assert!(html.contains("data-testid=\"stat-implemented\">30<"));
    assert!(html.contains("85.71%"));
    let (_, html) = union
        .page(&format!(
            "/proposals/stats?org={company}&from=2021-08&to=2021-10"
        ))
        .await;
    assert!(html.contains("data-testid=\"stat-put-forward\">22<"));
    assert!(html.contains("data-testid=\"stat-implemented\">22<"));
    assert!(html.contains("100%"));
    // A new proposal submitted, then withdrawn: counted, then not; the rollup stays exact.
    let (id, version) = submitted(&app).await;
    assert_rollup_matches_base(&app).await;
    let li = app.sign_in_demo("li.ming").await;
    let r = li
        .post_form(
            &format!("/proposals/{id}/withdraw"),
            &[("version", &version.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_rollup_matches_base(&app).await;
    // The federation above sees the same company figure inside its city's.
    let jinzhou = app.sign_in_demo("jz.admin").await;
    let city = app.org_id("CN-LN-JZ").await;
    let (_, html) = jinzhou
        .page(&format!(
            "/proposals/stats?org={city}&from=2022-01&to=2022-12"
        ))
        .await;
    assert!(html.contains("data-testid=\"stat-put-forward\">35<"));
}
on_both!(statistics_follow_every_change);

async fn notifications_are_one_per_event_and_digested_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let li = app.sign_in_demo("li.ming").await;
    let r = li
        .post_form("/notifications/digest", &[("daily_digest", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (id, version) = submitted(&app).await;
    // kiln.head is a reviewer of the kiln and of nothing else: one notification, though the
    // step could have reached them twice.
    let head_id = app.user_id("kiln.head").await;
    let mut tx = app.db.read().await.unwrap();
    let (n,): (i64,) = tx
        .fetch_one(
            ingot_store::Sql::new(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND proposal_id = $2",
            )
            .bind(head_id)
            .bind(id),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    drop(tx);
    let head = app.sign_in_demo("kiln.head").await;
    let (_, page) = head.page("/proposals?view=to_review").await;
    assert!(
        page.contains("data-testid=\"bell-count\">1<"),
        "the bell shows one"
    );
    let r = head
        .post_form(
            &format!("/proposals/{id}/review"),
            &[
                ("action", "return"),
                ("version", &version.to_string()),
                ("comment", "请补充风量数据"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The proposer heard of it (not of their own submission).
    let (_, page) = li.page("/notifications").await;
    assert!(page.contains("退回修改"));
    assert!(!page.contains("data-testid=\"bell-count\">2<"));
    // Opening the proposal reads its notifications.
    li.page(&format!("/proposals/{id}")).await;
    let (_, page) = li.page("/notifications").await;
    assert!(!page.contains("data-testid=\"bell-count\""));
    // Today's digest for the subscriber, made once however often the job runs.
    let offset = ingot_domain::time::CHINA_STANDARD_OFFSET_MS;
    let today = ingot_domain::time::Date::of(ingot_domain::Timestamp::now(), offset);
    let made = ingot_app::notifications::make_digests(&app.db, today, offset, false)
        .await
        .unwrap();
    assert_eq!(made, 1);
    let again = ingot_app::notifications::make_digests(&app.db, today, offset, false)
        .await
        .unwrap();
    assert_eq!(again, 0);
    let (_, page) = li.page("/notifications").await;
    assert!(
        page.contains("成品库叉车充电区加装通风 — returned"),
        "digest body lists the event"
    );
}
on_both!(notifications_are_one_per_event_and_digested_once);

/// A federation administrator opening the review settings from the proposals page is offered
/// the enterprises of their city, each leading to its settings; before, the page answered
/// "Organisation: is not inside an enterprise".
async fn a_federation_chooses_an_enterprise_for_review_settings(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let city = app.sign_in_demo("dl.admin").await;
    let (s, html) = city.page("/proposals/settings").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("data-testid=\"choose-enterprise\""), "{html}");
    let enterprise = app.org_id("CN-LN-DL-GJZ-MW").await;
    let link = format!("href=\"/proposals/settings?org={enterprise}\"");
    assert!(html.contains(&link), "{html}");
    assert!(!html.contains(&format!("org={}\"", app.org_id("CN-LN-JZ-REF").await)));
    let (s, html) = city
        .page(&format!("/proposals/settings?org={enterprise}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-testid=\"workflow-form\""), "{html}");
}
on_both!(a_federation_chooses_an_enterprise_for_review_settings);
