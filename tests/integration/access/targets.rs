//! The records the routes are called on (created or found in the demo) and the confidential
//! text of them that no answer may carry.

use super::token_of;
use crate::support::TestApp;
use ingot_app::Caller;
use ingot_domain::Role;
use ingot_domain::audit::RequestOrigin;
use reqwest::Client;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The records the routes are called on, and what must never leak of them.
pub(super) struct Targets {
    /// A path parameter's value, by the literal segment before it (`proposals` → the proposal).
    ids: HashMap<&'static str, String>,
    /// Confidential text of the targets: shown to none of the personas anywhere.
    pub(super) secrets: Vec<String>,
    /// What the blind reviewer may see of the targets: the proposal they review.
    pub(super) seen_by_blind: Vec<String>,
}

async fn scalar(app: &TestApp, sql: &'static str) -> (i64, String) {
    let mut tx = app.db.read().await.unwrap();
    tx.fetch_one(ingot_store::Sql::new(sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
}

/// The id a query finds, or one no record has (the route is then called on nothing).
async fn optional_id(app: &TestApp, sql: &'static str) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let row: Option<(i64,)> = tx.fetch_optional(ingot_store::Sql::new(sql)).await.unwrap();
    row.map_or(i64::MAX, |r| r.0)
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = Client::new()
        .post(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "setup POST {path}: {status} {v}");
    v
}

async fn upload(app: &TestApp, token: &str, path: &str, name: &str, bytes: &[u8]) -> Value {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
    let r = Client::new()
        .post(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "setup upload {path}: {status} {v}");
    v
}

/// Creates a person through the use case, as the command line would, with a known password.
async fn add_user(app: &TestApp, username: &str, display_name: &str, org: &str, role: Role) {
    let origin = RequestOrigin::cli();
    let caller = Caller::system(&origin);
    let input = ingot_app::users::NewUserInput {
        org_id: Some(ingot_domain::OrgId(app.org_id(org).await)),
        username: username.into(),
        display_name: display_name.into(),
        email: None,
        password: Some(app.demo_password.clone()),
        role: Some(role),
        lang: None,
    };
    ingot_app::users::create(&app.db, &caller, &input)
        .await
        .unwrap();
}

const PROPOSER: &str = "access.proposer";
const PROPOSER_NAME: &str = "门禁测试提案人";
const SECRET_TITLE: &str = "门禁测试保密提案窑车轴承温升监测";
const PROGRAMME_NAME: &str = "门禁测试辽宁保密科技项目";
const TASK_TITLE: &str = "门禁测试保密关键任务";

pub(super) async fn prepare(app: &TestApp) -> Targets {
    // People of Inner Mongolia who have no business in Liaoning.
    add_user(app, "nm.expert.t", "测试专家", "CN-NM", Role::Expert).await;
    add_user(
        app,
        "nm.finance.t",
        "测试财务",
        "CN-NM-BT-NRE",
        Role::FinanceOfficer,
    )
    .await;
    // The proposer: a kiln worker on no public list (a studio's page names its members).
    add_user(
        app,
        PROPOSER,
        PROPOSER_NAME,
        "CN-LN-JZ-REF-KILN",
        Role::Employee,
    )
    .await;

    let mut ids: HashMap<&'static str, String> = HashMap::new();
    let mut secrets: Vec<String> = vec![
        SECRET_TITLE.into(),
        PROGRAMME_NAME.into(),
        TASK_TITLE.into(),
    ];

    // The proposal: drafted by a worker of the kiln workshop with a file, submitted, forwarded
    // by the workshop's head to the technical centre's blind step.
    let proposer = token_of(app, PROPOSER).await;
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let d = api_post(
        app,
        &proposer,
        "/proposals",
        json!({"title": SECRET_TITLE, "problem": "窑车轴承温度无人监测，轴承损坏前没有预警。",
            "proposed_change": "在每台窑车轴承座加装无线温度贴片，超温报警。",
            "expected_effect": "轴承事故减少。", "category": "small_innovation", "unit_id": kiln}),
    )
    .await;
    let proposal = d["proposal"]["id"].as_i64().unwrap();
    let file = upload(
        app,
        &proposer,
        &format!("/proposals/{proposal}/attachments"),
        "门禁测试附件.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    .await;
    let d = api_post(
        app,
        &proposer,
        &format!("/proposals/{proposal}/submit"),
        json!({"version": d["version"], "seen_similar": true}),
    )
    .await;
    let head = token_of(app, "kiln.head").await;
    let d = api_post(
        app,
        &head,
        &format!("/proposals/{proposal}/review"),
        json!({"action": "forward", "comment": "转技术中心", "version": d["version"]}),
    )
    .await;
    assert_eq!(d["proposal"]["current_step"], 2, "at the blind step: {d}");
    ids.insert("proposals", proposal.to_string());
    ids.insert("attachments", file["id"].as_i64().unwrap().to_string());
    let number = d["proposal"]["number"].as_str().unwrap().to_string();
    // The blind reviewer may read the proposal itself (title, number), never who proposed it.
    let seen_by_blind = vec![SECRET_TITLE.to_string(), number.clone()];
    secrets.push(number);
    secrets.push(PROPOSER_NAME.into());
    secrets.push(PROPOSER.into());

    // The company, the proposer, a grant and a token of theirs.
    let company = app.org_id("CN-LN-JZ-REF").await;
    for seg in ["orgs", "settings", "standards", "enterprises"] {
        ids.insert(seg, company.to_string());
    }
    let proposer_id = app.user_id(PROPOSER).await;
    for seg in ["users", "people"] {
        ids.insert(seg, proposer_id.to_string());
    }
    let (grant, _) = scalar(
        app,
        "SELECT g.id, u.username FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'access.proposer'",
    )
    .await;
    ids.insert("grants", grant.to_string());
    let (token, _) = scalar(
        app,
        "SELECT t.id, t.name FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'access.proposer'",
    )
    .await;
    ids.insert("tokens", token.to_string());

    // A Dalian achievement with a file, its unit, a Dalian patent and skill.
    let (achievement, title) = scalar(
        app,
        "SELECT a.id, a.title FROM achievements a JOIN organisations o ON o.id = a.unit_id
         WHERE o.code LIKE 'CN-LN-DL-%' ORDER BY a.id LIMIT 1",
    )
    .await;
    secrets.push(title);
    ids.insert("achievements", achievement.to_string());
    let (unit, _) = scalar(
        app,
        "SELECT a.unit_id, a.title FROM achievements a JOIN organisations o ON o.id = a.unit_id
         WHERE o.code LIKE 'CN-LN-DL-%' ORDER BY a.id LIMIT 1",
    )
    .await;
    ids.insert("records/orgs", unit.to_string());
    let dl = token_of(app, "dl.union").await;
    let file = upload(
        app,
        &dl,
        &format!("/achievements/{achievement}/attachments"),
        "门禁测试成果附件.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    .await;
    ids.insert(
        "achievement-files",
        file["id"].as_i64().unwrap().to_string(),
    );
    let (patent, number) = scalar(
        app,
        "SELECT p.id, p.number FROM patents p JOIN organisations o ON o.id = p.unit_id
         WHERE o.code LIKE 'CN-LN-DL-%' ORDER BY p.id LIMIT 1",
    )
    .await;
    secrets.push(number);
    ids.insert("patents", patent.to_string());
    let (skill, title) = scalar(
        app,
        "SELECT s.id, s.name FROM skills s JOIN organisations o ON o.id = s.unit_id
         WHERE o.code LIKE 'CN-LN-DL-%' ORDER BY s.id LIMIT 1",
    )
    .await;
    secrets.push(title);
    ids.insert("skills", skill.to_string());
    // A title's name ("技术创新能手") is no secret: it is printed in reports of every city.
    let (title, _) = scalar(
        app,
        "SELECT t.id, t.name FROM titles t JOIN organisations o ON o.id = t.unit_id
         WHERE o.code LIKE 'CN-LN-DL-%' ORDER BY t.id LIMIT 1",
    )
    .await;
    ids.insert("titles", title.to_string());
    // A webhook of Dalian's union (its name is its secret).
    let (dalian_union, _) = scalar(
        app,
        "SELECT g.org_id, u.username FROM role_grants g JOIN users u ON u.id = g.user_id
         WHERE u.username = 'dl.union' ORDER BY g.id LIMIT 1",
    )
    .await;
    let hook = api_post(
        app,
        &dl,
        "/webhooks",
        json!({"org_id": dalian_union, "name": "门禁测试推送", "url": "http://127.0.0.1:9/hook",
            "format": "ingot", "secret": "门禁测试推送的密钥至少十六个字符"}),
    )
    .await;
    ids.insert("webhooks", hook["id"].as_i64().unwrap().to_string());
    secrets.push("门禁测试推送".into());

    // The Zhao Pengda studio (public), its provincial application and on-site review (not).
    let (studio, _) = scalar(
        app,
        "SELECT id, name FROM studios WHERE name = '赵鹏达劳模创新工作室'",
    )
    .await;
    ids.insert("studios", studio.to_string());
    let (application, comments) = scalar(
        app,
        "SELECT a.id, r.comments FROM naming_applications a JOIN site_reviews r ON r.application_id = a.id
         JOIN studios s ON s.id = a.studio_id WHERE s.name = '赵鹏达劳模创新工作室' ORDER BY a.id LIMIT 1",
    )
    .await;
    secrets.push(comments);
    for seg in ["applications", "naming-applications"] {
        ids.insert(seg, application.to_string());
    }
    let (call, _) = scalar(
        app,
        "SELECT call_id, status FROM naming_applications WHERE id = (SELECT MAX(a.id) FROM naming_applications a
         JOIN studios s ON s.id = a.studio_id WHERE s.name = '赵鹏达劳模创新工作室')",
    )
    .await;
    for seg in ["calls", "naming-calls"] {
        ids.insert(seg, call.to_string());
    }
    let (member, _) = scalar(
        app,
        "SELECT m.id, u.username FROM studio_members m JOIN users u ON u.id = m.user_id
         JOIN studios s ON s.id = m.studio_id WHERE s.name = '赵鹏达劳模创新工作室' ORDER BY m.id LIMIT 1",
    )
    .await;
    ids.insert("members", member.to_string());
    let (funding, _) = scalar(
        app,
        "SELECT f.id, s.name FROM studio_funding f JOIN studios s ON s.id = f.studio_id
         WHERE s.name = '赵鹏达劳模创新工作室' ORDER BY f.id LIMIT 1",
    )
    .await;
    ids.insert("funding", funding.to_string());
    let photo = optional_id(
        app,
        "SELECT id FROM studio_photos WHERE review_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .await;
    ids.insert("photos", photo.to_string());
    let alliance = optional_id(app, "SELECT id FROM alliances ORDER BY id LIMIT 1").await;
    ids.insert("alliances", alliance.to_string());
    // A naming notice of the demo (public, as published notices are).
    let notice = optional_id(app, "SELECT id FROM naming_notices ORDER BY id LIMIT 1").await;
    ids.insert("notices", notice.to_string());
    ids.insert("naming-notices", notice.to_string());

    // The national exchange (announced) and a declaration that won nothing, of neither
    // Liaoning nor Inner Mongolia; no objection exists, so the route is called on none.
    let (campaign, _) = scalar(app, "SELECT id, title FROM campaigns ORDER BY id LIMIT 1").await;
    ids.insert("campaigns", campaign.to_string());
    let (declaration, title) = scalar(
        app,
        "SELECT d.id, d.title FROM declarations d JOIN organisations o ON o.id = d.unit_id
         WHERE d.tier IS NULL AND o.code NOT LIKE 'CN-NM%' AND o.code NOT LIKE 'CN-LN%' ORDER BY d.id LIMIT 1",
    )
    .await;
    secrets.push(title);
    for seg in ["declarations", "certificates"] {
        ids.insert(seg, declaration.to_string());
    }
    ids.insert("objections", i64::MAX.to_string());

    // A programme of Liaoning's science department, created here.
    let dst = {
        let origin = RequestOrigin::cli();
        let caller = Caller::system(&origin);
        let mut tx = app.db.begin().await.unwrap();
        let parent = ingot_domain::OrgId(app.org_id("CN-LN").await);
        let org = ingot_app::orgs::create(
            &mut tx,
            &caller,
            &ingot_domain::org::OrgInput {
                parent_id: Some(parent),
                code: "CN-LN-DST".into(),
                name: "辽宁省科学技术厅".into(),
                name_en: None,
                kind: "external".into(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        org.id.0
    };
    add_user(
        app,
        "ln.programme.t",
        "测试项目官员",
        "CN-LN-DST",
        Role::ProgrammeOfficer,
    )
    .await;
    let officer = token_of(app, "ln.programme.t").await;
    let p = api_post(
        app,
        &officer,
        "/programmes",
        json!({"owner_org_id": dst, "code": "LN-T", "name": PROGRAMME_NAME, "start_year": 2024,
            "summary": "门禁测试", "areas": [{"code": "a", "name": "领域A"}]}),
    )
    .await;
    let programme = p["programme"]["id"].as_i64().unwrap();
    let area = p["areas"][0]["area"]["id"].as_i64().unwrap();
    let t = api_post(
        app,
        &officer,
        &format!("/programmes/{programme}/tasks"),
        json!({"area_id": area, "code": "T-1", "title": TASK_TITLE, "lead_org_id": company,
            "leader_name": "门禁测试负责人", "starts_on": "2024-01-01", "budget_cents": 1000}),
    )
    .await;
    ids.insert("programmes", programme.to_string());
    ids.insert("tasks", t["id"].as_i64().unwrap().to_string());
    let m = api_post(
        app,
        &officer,
        &format!("/programmes/{programme}/milestones"),
        json!({"task_id": t["id"], "title": "门禁测试节点", "due_on": "2024-06-30"}),
    )
    .await;
    ids.insert("milestones", m["id"].as_i64().unwrap().to_string());
    secrets.push("门禁测试负责人".into());

    // A return Liaoning opened for its cities, and Dalian's row of it.
    let ln = token_of(app, "ln.admin").await;
    let r = api_post(
        app,
        &ln,
        "/returns",
        json!({"org_id": app.org_id("CN-LN").await, "year": 2020, "title": "门禁测试统计年报",
            "due_on": "2021-01-15"}),
    )
    .await;
    ids.insert("returns", r["id"].as_i64().unwrap().to_string());
    ids.insert("units", app.org_id("CN-LN-DL").await.to_string());
    secrets.push("门禁测试统计年报".into());

    Targets {
        ids,
        secrets,
        seen_by_blind,
    }
}

/// The path with each `{param}` replaced by the target named by the segment before it.
pub(super) fn concrete(path: &str, targets: &Targets) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        if !(seg.starts_with('{') && seg.ends_with('}')) {
            out.push(seg.to_string());
            continue;
        }
        let before = if i > 0 { segments[i - 1] } else { "" };
        let two_before = if i > 1 { segments[i - 2] } else { "" };
        let value = match (*seg, two_before, before) {
            ("{version}", _, _) => "0".to_string(),
            ("{name}", _, _) => "app.css".to_string(),
            ("{list}", _, _) => "tasks".to_string(),
            (_, "records", "orgs") => targets.ids["records/orgs"].clone(),
            (_, "records", "people") => targets.ids["people"].clone(),
            (_, _, key) => targets
                .ids
                .get(key)
                .unwrap_or_else(|| panic!("no target for {path} ({key})"))
                .clone(),
        };
        out.push(value);
    }
    out.join("/")
}
