//! The holes found in the security review, one test each (issue #14), on both databases. Each
//! failed before its fix; the comment above it says how.

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A spreadsheet of a few hundred bytes whose cells are A1 and XFD1048576: a reader that
/// builds the dense range between them asks for ~1.7e10 cells.
fn sparse_bomb_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "code").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

fn multipart(name: &str, bytes: Vec<u8>, fields: &[(&str, &str)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    )
}

/// Hole 1: `POST /orgs/import` parsed the upload before knowing the caller, and a CSRF token
/// the visitor chose passed for an anonymous client; the API imports parsed it for anyone
/// signed in. Before the fix the anonymous request reached the reader (and crashed it).
async fn spreadsheets_reach_no_parser_before_the_caller_is_allowed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // An anonymous visitor with a CSRF cookie and field of their own choosing.
    let chosen = "a".repeat(43);
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anonymous
        .post(app.url("/orgs/import"))
        .header("cookie", format!("ingot_csrf={chosen}"))
        .multipart(multipart(
            "bomb.xlsx",
            sparse_bomb_xlsx(),
            &[("_csrf", &chosen)],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sent to sign in");
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?")
    );
    // The chosen token does not pass even where anonymous posts are allowed (signing in).
    let r = anonymous
        .post(app.url("/login"))
        .header("cookie", format!("ingot_csrf={chosen}"))
        .form(&[
            ("_csrf", chosen.as_str()),
            ("username", "admin"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Signed in without the right to import: refused before the file is read.
    for (user, path) in [
        ("li.ming", "/orgs/import"),
        ("li.ming", "/patents/import"),
        ("expert.li", "/orgs/import"),
    ] {
        let api = app.api_as(user).await;
        let (status, body) = api
            .post_bytes(
                path,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                sparse_bomb_xlsx(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user} {path}: {body}");
    }
    // Allowed: the reader refuses the sheet by its size, at once, naming the cell.
    let admin = app.api_as("nm.admin").await;
    let started = std::time::Instant::now();
    let (status, body) = admin
        .post_bytes(
            "/orgs/import",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            sparse_bomb_xlsx(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("sheet_too_large"), "{body}");
    assert!(started.elapsed().as_secs() < 5);
    // The server is still there.
    let health = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
on_both!(spreadsheets_reach_no_parser_before_the_caller_is_allowed);

fn texts(value: &Value) -> String {
    value.to_string()
}

async fn page_text(session: &crate::support::Session, path: &str) -> String {
    let (status, html) = session.page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

async fn proposal(li: &ApiClient, unit: i64, title: &str) -> Value {
    let (status, d) = li
        .post(
            "/proposals",
            json!({"title": title, "problem": "皮带机托辊损坏后无人及时发现，常在夜班停机。",
                "proposed_change": "托辊轴承加装温度贴片，超温报警。", "expected_effect": "减少停机。",
                "category": "small_innovation", "unit_id": unit}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let (status, d) = li
        .post(
            &format!("/proposals/{}/submit", d["proposal"]["id"]),
            json!({"version": d["version"], "seen_similar": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

/// Hole 2: the technical centre's blind reviewer learnt the proposer's unit from the step list
/// (a "department concerned" step held at 窑炉车间), the forwarding head's name (窑炉车间主任)
/// from the timeline and notifications, and the proposer's name from the "submitted"
/// notification when the first step was blind.
async fn a_blind_reviewer_never_learns_who_proposed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let li = app.api_as("li.ming").await;
    let head = app.api_as("kiln.head").await;
    let reviewer = app.api_as("ref.reviewer").await;
    let reviewer_pages = app.sign_in_demo("ref.reviewer").await;
    let hidden = ["李明", "li.ming", "窑炉车间", "孙强"];
    let assert_hidden = |what: &str, text: &str| {
        for h in hidden {
            assert!(!text.contains(h), "{what} shows {h}");
        }
    };

    let d = proposal(&li, kiln, "托辊温度监测报警装置").await;
    let id = d["proposal"]["id"].as_i64().unwrap();
    let (status, d) = head
        .post(
            &format!("/proposals/{id}/review"),
            json!({"action": "forward", "comment": "", "version": d["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");

    let (status, seen) = reviewer.get(&format!("/proposals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["access"]["blind"], true);
    assert_eq!(seen["proposal"]["title"], "托辊温度监测报警装置");
    assert_hidden("the API's proposal", &texts(&seen));
    assert_hidden(
        "the proposal's page",
        &page_text(&reviewer_pages, &format!("/proposals/{id}")).await,
    );
    let (_, notes) = reviewer.get("/notifications").await;
    assert!(texts(&notes).contains("托辊温度监测报警装置"), "{notes}");
    assert_hidden("the API's notifications", &texts(&notes));
    assert_hidden(
        "the notifications page",
        &page_text(&reviewer_pages, "/notifications").await,
    );
    let (_, queue) = reviewer.get("/proposals?view=to_review").await;
    assert_hidden("the review queue", &texts(&queue));
    assert_hidden(
        "the export",
        &page_text(
            &reviewer_pages,
            "/proposals/export?view=to_review&format=csv",
        )
        .await,
    );
    let (_, found) = reviewer
        .get("/search?q=%E6%89%98%E8%BE%8A%E6%B8%A9%E5%BA%A6")
        .await;
    assert_hidden("search", &texts(&found));

    // A workflow whose first step is blind: the "submitted" notice does not name the proposer.
    let union = app.api_as("ref.union").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let tc = app.org_id("CN-LN-JZ-REF-TC").await;
    let (status, body) = union
        .send(
            reqwest::Method::PUT,
            &format!("/enterprises/{company}/proposal-settings"),
            json!({"steps": [
                {"name": "技术中心盲评", "role": "reviewer", "org_id": tc, "due_days": 10, "blind": true},
                {"name": "工会审批", "role": "unit_admin", "org_id": company, "due_days": 7, "blind": false}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    proposal(&li, kiln, "窑头除尘器滤袋更换工装").await;
    let (_, notes) = reviewer.get("/notifications").await;
    let submitted = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["proposal_title"] == "窑头除尘器滤袋更换工装")
        .unwrap_or_else(|| panic!("the reviewer is told: {notes}"))
        .clone();
    assert_eq!(submitted["kind"], "submitted");
    assert!(submitted["actor_name"].is_null(), "{submitted}");
    assert_hidden("the submitted notice", &texts(&notes));
}
on_both!(a_blind_reviewer_never_learns_who_proposed);

fn files_in(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_in(&e.path())
            } else {
                1
            }
        })
        .sum()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// Hole 3: the on-site review form stored its photos before knowing who sent them.
async fn uploads_are_not_stored_for_callers_who_may_not_act(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (application,): (i64,) = {
        let mut tx = app.db.read().await.unwrap();
        tx.fetch_one(ingot_store::Sql::new(
            "SELECT MAX(id) FROM naming_applications",
        ))
        .await
        .unwrap()
    };
    let before = files_in(&app.files_dir);
    let path = format!("/studios/applications/{application}/review");
    // Nobody, with a valid pre-session token.
    let visitor = app.visitor().await;
    let r = visitor
        .client
        .post(app.url(&path))
        .multipart(multipart(
            "site.png",
            PNG.to_vec(),
            &[("_csrf", &visitor.csrf)],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Signed in, but no reviewer of this call.
    for user in ["li.ming", "nm.admin"] {
        let session = app.sign_in_demo(user).await;
        let r = session
            .client
            .post(app.url(&path))
            .multipart(multipart(
                "site.png",
                PNG.to_vec(),
                &[("_csrf", &session.csrf)],
            ))
            .send()
            .await
            .unwrap();
        assert!(
            matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{user}: {}",
            r.status()
        );
        let api = app.api_as(user).await;
        let (status, _) = api
            .post_multipart(
                &format!("/naming-applications/{application}/review"),
                "site.png",
                PNG.to_vec(),
            )
            .await;
        assert!(matches!(
            status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ));
    }
    assert_eq!(files_in(&app.files_dir), before, "nothing was stored");
}
on_both!(uploads_are_not_stored_for_callers_who_may_not_act);

/// Hole 5: nobody named on a proposal or achievement reviews it, verifies its benefit or
/// awards it; nobody grants a role to themselves.
async fn nobody_acts_on_their_own_record(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let li = app.api_as("li.ming").await;
    // The workshop's head, named as co-proposer, may not pass it at his own step.
    let (status, d) = li
        .post(
            "/proposals",
            json!({"title": "窑车轮对润滑周期优化", "problem": "轮对润滑靠经验，时多时少。",
                "proposed_change": "按里程定周期润滑。", "expected_effect": "延长轮对寿命。",
                "category": "small_innovation", "unit_id": kiln,
                "co_proposers": [{"username": "kiln.head", "share": "50"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["proposal"]["id"].as_i64().unwrap();
    let (status, d) = li
        .post(
            &format!("/proposals/{id}/submit"),
            json!({"version": d["version"], "seen_similar": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let head = app.api_as("kiln.head").await;
    let (_, seen) = head.get(&format!("/proposals/{id}")).await;
    assert_eq!(seen["access"]["review"], false, "{}", seen["access"]);
    let (status, body) = head
        .post(
            &format!("/proposals/{id}/review"),
            json!({"action": "adopt", "comment": "", "version": d["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "own_record");
    let (_, after) = head.get(&format!("/proposals/{id}")).await;
    assert_eq!(after["proposal"]["current_step"], 1, "nothing moved");

    // Finance named on a proposal may not verify its benefit; the union named may not reward.
    let finance_named =
        proposal_to_implemented(&app, kiln, "ref.finance", "窑车裙板快换结构").await;
    let finance = app.api_as("ref.finance").await;
    let (_, d) = li.get(&format!("/proposals/{finance_named}")).await;
    let (status, d) = li
        .post(
            &format!("/proposals/{finance_named}/benefit"),
            json!({"method": "free", "amount": "5000", "note": "节约维修费", "version": d["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["access"]["verify_benefit"], false);
    let (_, seen) = finance.get(&format!("/proposals/{finance_named}")).await;
    assert_eq!(seen["access"]["verify_benefit"], false);
    let (status, body) = finance
        .post(
            &format!("/proposals/{finance_named}/benefit/verify"),
            json!({"corrected_amount": "", "note": "", "version": d["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "own_record");
    let (_, after) = li.get(&format!("/proposals/{finance_named}")).await;
    assert!(
        after["proposal"]["benefit_verified_cents"].is_null(),
        "nothing verified"
    );

    let union_named = proposal_to_implemented(&app, kiln, "zhou.jie", "窑门密封条改型").await;
    // zhou.jie is an employee; the union (ref.union) is not named, so it may reward...
    let union = app.api_as("ref.union").await;
    let (_, seen) = union.get(&format!("/proposals/{union_named}")).await;
    assert_eq!(seen["access"]["reward"], true);
    // ...but not one it is named on: the union's account is a co-proposer, and a second union
    // officer (liu.hong, made one here) takes the review step.
    grant(
        &app,
        "liu.hong",
        ingot_domain::Role::UnitAdmin,
        "CN-LN-JZ-REF",
    )
    .await;
    let reward_own = proposal_to_implemented(&app, kiln, "ref.union", "窑门开关限位改进").await;
    let (_, seen) = union.get(&format!("/proposals/{reward_own}")).await;
    assert_eq!(seen["access"]["reward"], false);
    let (status, body) = union
        .post(
            &format!("/proposals/{reward_own}/reward"),
            json!({"basis": "grade", "grade": "third", "version": seen["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "own_record");

    // Nobody grants a role to themselves, even one they could grant to anybody else.
    let admin = app.api_as("jz.admin").await;
    let me = app.user_id("jz.admin").await;
    let company = app.org_id("CN-LN-JZ-REF").await;
    let (status, body) = admin
        .post(
            &format!("/users/{me}/grants"),
            json!({"role": "finance_officer", "org_id": company}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "cannot_grant_own_role");
    let other = app.user_id("li.ming").await;
    let (status, body) = admin
        .post(
            &format!("/users/{other}/grants"),
            json!({"role": "finance_officer", "org_id": company}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
on_both!(nobody_acts_on_their_own_record);

/// Drives a new proposal by li.ming with `co` as co-proposer through the company's three
/// steps to implemented; returns its id. Where `co` holds a step, the union passes it instead.
async fn proposal_to_implemented(app: &TestApp, kiln: i64, co: &str, title: &str) -> i64 {
    let li = app.api_as("li.ming").await;
    let (status, d) = li
        .post(
            "/proposals",
            json!({"title": title, "problem": "维修停机时间长，影响窑车周转。",
                "proposed_change": "改用快换结构。", "expected_effect": "缩短停机。",
                "category": "small_innovation", "unit_id": kiln,
                "co_proposers": [{"username": co, "share": "30"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["proposal"]["id"].as_i64().unwrap();
    let (status, mut d) = li
        .post(
            &format!("/proposals/{id}/submit"),
            json!({"version": d["version"], "seen_similar": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    // Where the union's own account is named, a second union officer adopts it.
    let adopter = if co == "ref.union" {
        "liu.hong"
    } else {
        "ref.union"
    };
    for (user, action) in [
        ("kiln.head", "forward"),
        ("ref.reviewer", "forward"),
        (adopter, "adopt"),
    ] {
        let api = app.api_as(user).await;
        let (status, next) = api
            .post(
                &format!("/proposals/{id}/review"),
                json!({"action": action, "comment": "", "version": d["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{user} {action}: {next}");
        d = next;
    }
    let union = app.api_as(adopter).await;
    let (status, d) = union
        .post(
            &format!("/proposals/{id}/implementation"),
            json!({"owner": "li.ming", "due": "2030-06-30", "status": "done", "version": d["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    id
}

/// Hole 8: a studio's manager enrolled anyone in the country and recorded honours for them
/// that counted for another studio's naming; a lead kept a likely reviewer away by enrolling
/// them after the call opened.
async fn studio_members_and_honours_stay_within_reach(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (studio,): (i64,) = {
        let mut tx = app.db.read().await.unwrap();
        tx.fetch_one(ingot_store::Sql::new(
            "SELECT id FROM studios WHERE name = '赵鹏达劳模创新工作室'",
        ))
        .await
        .unwrap()
    };
    let union = app.api_as("ref.union").await;
    // Someone of another province, and an expert of the province who might review it.
    for outsider in ["zhangwenbin", "expert.li"] {
        let (status, body) = union
            .post(
                &format!("/studios/{studio}/members"),
                json!({"username": outsider, "joined_on": "2024-01-01"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{outsider}: {body}"
        );
        assert!(texts(&body).contains("member_outside_unit"), "{body}");
        let (status, body) = union
            .post(
                &format!("/studios/{studio}/honours"),
                json!({"username": outsider, "title": "全国五一劳动奖章", "awarded_by": "中华全国总工会",
                    "level": "national", "year": 2024}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let members = app
        .count("SELECT COUNT(*) FROM studio_members m JOIN users u ON u.id = m.user_id WHERE u.username IN ('zhangwenbin', 'expert.li')")
        .await;
    assert_eq!(members, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM honours h JOIN users u ON u.id = h.user_id WHERE u.username IN ('zhangwenbin', 'expert.li')").await,
        0
    );
    // A colleague of the company may join, and be honoured.
    let (status, body) = union
        .post(
            &format!("/studios/{studio}/members"),
            json!({"username": "ref.office", "joined_on": "2024-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A national call; the studio applies. Two employees of the company are national experts:
    // zhou.jie, a member since before the call, is barred; one enrolled after it opened is not.
    let admin = app.api_as("admin").await;
    let cn = app.org_id("CN").await;
    let (status, c) = admin
        .post(
            "/naming-calls",
            json!({"org_id": cn, "title": "全国示范性劳模创新工作室命名", "deadline": "2099-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let call = c["call"]["id"].as_i64().unwrap();
    let (status, a) = union
        .post(
            &format!("/naming-calls/{call}/applications"),
            json!({"studio_id": studio}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let application = a["application"]["id"].as_i64().unwrap();
    let company = app.org_id("CN-LN-JZ-REF").await;
    national_expert(&app, "zhou.jie", None).await;
    national_expert(&app, "late.expert", Some(company)).await;
    let (status, body) = union
        .post(
            &format!("/studios/{studio}/members"),
            json!({"username": "late.expert", "joined_on": "2020-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let review = |signature: &str| {
        json!({"visited_on": "2024-05-10", "checklist": ["premises", "team"], "score": 90,
            "comments": "与申报一致。", "signature": signature, "confirm": true})
    };
    let (status, body) = app
        .api_as("zhou.jie")
        .await
        .post(
            &format!("/naming-applications/{application}/review"),
            review("周杰"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(texts(&body).contains("reviewer_is_member"), "{body}");
    let (status, body) = app
        .api_as("late.expert")
        .await
        .post(
            &format!("/naming-applications/{application}/review"),
            review("后来的专家"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
on_both!(studio_members_and_honours_stay_within_reach);

async fn grant(app: &TestApp, username: &str, role: ingot_domain::Role, org: &str) {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let system = ingot_app::Caller::system(&origin);
    let user = ingot_domain::UserId(app.user_id(username).await);
    let org = ingot_domain::OrgId(app.org_id(org).await);
    let mut tx = app.db.begin().await.unwrap();
    let input = ingot_app::users::GrantInput { role, org_id: org };
    ingot_app::users::grant(&mut tx, &system, user, &input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Makes `username` an expert of the national federation, creating them in `new_in` first.
async fn national_expert(app: &TestApp, username: &str, new_in: Option<i64>) {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let system = ingot_app::Caller::system(&origin);
    if let Some(org) = new_in {
        let input = ingot_app::users::NewUserInput {
            org_id: Some(ingot_domain::OrgId(org)),
            username: username.into(),
            display_name: "后来的专家".into(),
            email: None,
            password: None,
            role: Some(ingot_domain::Role::Employee),
            lang: None,
        };
        ingot_app::users::create(&app.db, &system, &input)
            .await
            .unwrap();
    }
    grant(app, username, ingot_domain::Role::Expert, "CN").await;
}
