//! The generated access test. Every route of the router (`ingot_web::access::routes()`, which
//! the pages and the API register through) and every operation of the OpenAPI document is
//! called as six people who have no business with the target records: nobody, an employee of
//! another enterprise, an administrator of another province, an expert assigned to nothing, the
//! blind reviewer of the target proposal, and a finance officer of another enterprise. Each must
//! be refused (401, 403, 404, or the sign-in page) where the route names a record, and no answer
//! anywhere may carry the targets' confidential text (titles, names, numbers). A route with no
//! line in `EXPECTATIONS` fails the test, so a new route is covered the day it is added.
//!
//! Targets are in Liaoning (a proposal of the Jinzhou refractory company, Dalian records, the
//! Zhao Pengda studio's naming application, a programme created here); the people are from
//! Inner Mongolia, except the blind reviewer, who sits in the company's technical centre.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_app::Caller;
use ingot_domain::Role;
use ingot_domain::audit::RequestOrigin;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Persona {
    Nobody,
    Employee,
    Admin,
    Expert,
    Blind,
    Finance,
}

const PERSONAS: [Persona; 6] = [
    Persona::Nobody,
    Persona::Employee,
    Persona::Admin,
    Persona::Expert,
    Persona::Blind,
    Persona::Finance,
];

/// What a route must answer the personas.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Refused to everyone: the route names a target record none of them may reach.
    Refused,
    /// Refused to everyone but the listed personas, who may legitimately call it (the blind
    /// reviewer on the proposal they review; an administrator creating within their own
    /// province): they get any answer but a server error, with nothing of the targets in it.
    RefusedBut(&'static [Persona]),
    /// For anyone signed in (lists, search, one's account); refused to nobody-signed-in.
    Open,
    /// For anyone at all (public pages); nothing of the targets in it.
    Public,
}

use Expect::{Open, Public, Refused, RefusedBut};
const BLIND: &[Persona] = &[Persona::Blind];
const ADMIN: &[Persona] = &[Persona::Admin];

/// One line per route (method, path as registered, with `/api/v1` for the API).
const EXPECTATIONS: &[(&str, &str, Expect)] = &[
    ("GET", "/assets/{version}/{name}", Public),
    ("GET", "/healthz", Public),
    // Pages.
    ("GET", "/", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Public),
    ("POST", "/lang", Public),
    ("GET", "/account", Open),
    ("POST", "/account/lang", Open),
    ("POST", "/account/password", Open),
    ("POST", "/account/tokens", Open),
    ("POST", "/account/tokens/{id}/revoke", Refused),
    ("GET", "/orgs", Open),
    ("POST", "/orgs", RefusedBut(ADMIN)),
    ("GET", "/orgs/new", Open),
    ("GET", "/orgs/export", Open),
    ("GET", "/orgs/import", Open),
    ("POST", "/orgs/import", RefusedBut(ADMIN)),
    ("GET", "/orgs/{id}", Open),
    ("GET", "/orgs/{id}/children", Open),
    ("POST", "/orgs/{id}/rename", Refused),
    ("POST", "/orgs/{id}/move", Refused),
    ("POST", "/orgs/{id}/archive", Refused),
    ("POST", "/orgs/{id}/restore", Refused),
    ("POST", "/orgs/{id}/delete", Refused),
    ("GET", "/campaigns", Public),
    ("POST", "/campaigns", RefusedBut(ADMIN)),
    ("GET", "/campaigns/new", Open),
    ("GET", "/campaigns/{id}", Public),
    ("POST", "/campaigns/{id}/advance", Refused),
    ("POST", "/campaigns/{id}/declare", RefusedBut(ADMIN)),
    ("POST", "/declarations/{id}/check", Refused),
    ("POST", "/declarations/{id}/resubmit", Refused),
    ("POST", "/declarations/{id}/score", Refused),
    ("GET", "/campaigns/{id}/experts", Refused),
    ("POST", "/campaigns/{id}/experts", Refused),
    ("POST", "/campaigns/{id}/conflicts", Refused),
    ("GET", "/campaigns/{id}/assignment", Refused),
    ("POST", "/campaigns/{id}/assignment", Refused),
    ("POST", "/campaigns/{id}/assignment/override", Refused),
    ("GET", "/campaigns/{id}/review", Open),
    ("GET", "/campaigns/{id}/results", Refused),
    ("POST", "/campaigns/{id}/decision", Refused),
    ("GET", "/campaigns/{id}/publicity", Public),
    ("POST", "/campaigns/{id}/publicity", Refused),
    ("POST", "/campaigns/{id}/objections", Public),
    ("POST", "/objections/{id}/outcome", Refused),
    ("POST", "/campaigns/{id}/objections/dismiss", Refused),
    ("POST", "/campaigns/{id}/announce", Refused),
    ("GET", "/campaigns/{id}/announcement", Public),
    ("GET", "/campaigns/{id}/ranking", Public),
    ("GET", "/certificates/{id}", Refused),
    ("GET", "/users", Open),
    ("POST", "/users", RefusedBut(ADMIN)),
    ("GET", "/users/new", Open),
    ("GET", "/users/{id}", Refused),
    ("POST", "/users/{id}", Refused),
    ("POST", "/users/{id}/password", Refused),
    ("POST", "/users/{id}/unlock", Refused),
    ("POST", "/users/{id}/activate", Refused),
    ("POST", "/users/{id}/deactivate", Refused),
    ("POST", "/users/{id}/grants", Refused),
    ("POST", "/users/{id}/grants/{grant}/revoke", Refused),
    ("GET", "/achievements", Open),
    ("POST", "/achievements", RefusedBut(ADMIN)),
    ("GET", "/achievements/{id}", Refused),
    ("POST", "/achievements/{id}/link", Refused),
    ("POST", "/achievements/{id}/benefit", Refused),
    ("POST", "/achievements/{id}/verify", Refused),
    ("POST", "/achievements/{id}/attachments", Refused),
    ("GET", "/achievement-files/{id}", Refused),
    ("GET", "/patents", Open),
    ("POST", "/patents", RefusedBut(ADMIN)),
    ("POST", "/patents/import", RefusedBut(ADMIN)),
    ("GET", "/skills", Open),
    ("POST", "/skills", RefusedBut(ADMIN)),
    ("GET", "/titles", Open),
    ("POST", "/titles", RefusedBut(ADMIN)),
    ("GET", "/records/people/{id}", Refused),
    ("GET", "/records/orgs/{id}", Open),
    ("GET", "/proposals", Open),
    ("POST", "/proposals", Open),
    ("GET", "/proposals/new", Open),
    ("GET", "/proposals/export", Open),
    ("GET", "/proposals/stats", Open),
    ("GET", "/proposals/rewards", Open),
    ("GET", "/proposals/settings", Open),
    ("POST", "/proposals/settings/{org}/workflow", Refused),
    ("POST", "/proposals/settings/{org}/categories", Refused),
    ("POST", "/proposals/settings/{org}/grades", Refused),
    ("GET", "/proposals/{id}", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}", RefusedBut(BLIND)),
    ("GET", "/proposals/{id}/edit", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/submit", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/withdraw", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/review", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/duplicate", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/implementation", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/benefit", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/verify", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/reward", RefusedBut(BLIND)),
    ("POST", "/proposals/{id}/attachments", RefusedBut(BLIND)),
    ("GET", "/attachments/{id}", RefusedBut(BLIND)),
    ("GET", "/studios", Public),
    ("POST", "/studios", RefusedBut(ADMIN)),
    ("GET", "/studios/new", Open),
    ("GET", "/studios/stats", Open),
    ("GET", "/studios/standards", Open),
    ("POST", "/studios/standards/{org}", Refused),
    ("GET", "/studios/calls", Public),
    ("POST", "/studios/calls", RefusedBut(ADMIN)),
    ("GET", "/studios/calls/{id}", Public),
    ("POST", "/studios/calls/{id}/apply", Open),
    ("GET", "/studios/applications/{id}", Refused),
    ("POST", "/studios/applications/{id}/review", Refused),
    ("POST", "/studios/applications/{id}/decide", Refused),
    ("GET", "/studios/photos/{id}", Refused),
    ("GET", "/studios/alliances/{id}", Public),
    ("GET", "/studios/{id}", Public),
    ("GET", "/studios/{id}/edit", Refused),
    ("POST", "/studios/{id}/edit", Refused),
    ("POST", "/studios/{id}/members", Refused),
    ("POST", "/studios/{id}/members/{member}/leave", Refused),
    ("POST", "/studios/{id}/honours", Refused),
    ("POST", "/studios/{id}/outputs", Refused),
    ("POST", "/studios/{id}/photos", Refused),
    ("POST", "/studios/{id}/status", Refused),
    ("POST", "/studios/{id}/namings", Refused),
    ("POST", "/studios/{id}/assess", Refused),
    ("POST", "/studios/{id}/funding/{funding}/entries", Refused),
    ("GET", "/programmes", Open),
    ("GET", "/programmes/{id}", Refused),
    ("GET", "/programmes/{id}/tasks/{task}", Refused),
    ("GET", "/programmes/{id}/{list}", Refused),
    ("GET", "/notifications", Open),
    ("POST", "/notifications/read", Open),
    ("POST", "/notifications/digest", Open),
    ("GET", "/search", Open),
    ("GET", "/audit", Open),
    ("GET", "/audit/export", Open),
    // The API.
    ("GET", "/api/v1/openapi.json", Public),
    ("GET", "/api/v1/me", Open),
    ("PUT", "/api/v1/me/lang", Open),
    ("POST", "/api/v1/me/password", Open),
    ("GET", "/api/v1/me/tokens", Open),
    ("POST", "/api/v1/me/tokens", Open),
    ("DELETE", "/api/v1/me/tokens/{id}", Refused),
    ("GET", "/api/v1/orgs", Open),
    ("POST", "/api/v1/orgs", RefusedBut(ADMIN)),
    ("POST", "/api/v1/orgs/import", RefusedBut(ADMIN)),
    ("GET", "/api/v1/orgs/{id}", Open),
    ("PATCH", "/api/v1/orgs/{id}", Refused),
    ("DELETE", "/api/v1/orgs/{id}", Refused),
    ("POST", "/api/v1/orgs/{id}/move", Refused),
    ("POST", "/api/v1/orgs/{id}/archive", Refused),
    ("POST", "/api/v1/orgs/{id}/restore", Refused),
    ("GET", "/api/v1/orgs/{id}/records", Open),
    ("GET", "/api/v1/orgs/{id}/assessment-standard", Open),
    ("PUT", "/api/v1/orgs/{id}/assessment-standard", Refused),
    ("GET", "/api/v1/users", Open),
    ("POST", "/api/v1/users", RefusedBut(ADMIN)),
    ("GET", "/api/v1/users/{id}", Refused),
    ("PATCH", "/api/v1/users/{id}", Refused),
    ("POST", "/api/v1/users/{id}/activate", Refused),
    ("POST", "/api/v1/users/{id}/deactivate", Refused),
    ("POST", "/api/v1/users/{id}/grants", Refused),
    ("POST", "/api/v1/users/{id}/password", Refused),
    ("POST", "/api/v1/users/{id}/unlock", Refused),
    ("DELETE", "/api/v1/grants/{id}", Refused),
    ("GET", "/api/v1/people/{id}/honours", Refused),
    ("GET", "/api/v1/people/{id}/records", Refused),
    ("GET", "/api/v1/audit", Open),
    ("GET", "/api/v1/search", Open),
    ("GET", "/api/v1/notifications", Open),
    ("POST", "/api/v1/notifications/read", Open),
    ("GET", "/api/v1/notifications/digest", Open),
    ("PUT", "/api/v1/notifications/digest", Open),
    ("GET", "/api/v1/notifications/digests", Open),
    ("GET", "/api/v1/proposals", Open),
    ("POST", "/api/v1/proposals", Open),
    ("GET", "/api/v1/proposals/export", Open),
    ("GET", "/api/v1/proposals/rewards", Open),
    ("GET", "/api/v1/proposals/stats", Open),
    ("GET", "/api/v1/proposals/{id}", RefusedBut(BLIND)),
    ("PATCH", "/api/v1/proposals/{id}", RefusedBut(BLIND)),
    (
        "POST",
        "/api/v1/proposals/{id}/attachments",
        RefusedBut(BLIND),
    ),
    ("POST", "/api/v1/proposals/{id}/benefit", RefusedBut(BLIND)),
    (
        "POST",
        "/api/v1/proposals/{id}/benefit/verify",
        RefusedBut(BLIND),
    ),
    (
        "POST",
        "/api/v1/proposals/{id}/duplicate",
        RefusedBut(BLIND),
    ),
    (
        "POST",
        "/api/v1/proposals/{id}/implementation",
        RefusedBut(BLIND),
    ),
    ("POST", "/api/v1/proposals/{id}/review", RefusedBut(BLIND)),
    ("POST", "/api/v1/proposals/{id}/reward", RefusedBut(BLIND)),
    ("GET", "/api/v1/proposals/{id}/similar", RefusedBut(BLIND)),
    ("POST", "/api/v1/proposals/{id}/submit", RefusedBut(BLIND)),
    ("POST", "/api/v1/proposals/{id}/withdraw", RefusedBut(BLIND)),
    ("GET", "/api/v1/attachments/{id}", RefusedBut(BLIND)),
    (
        "GET",
        "/api/v1/enterprises/{org_id}/proposal-settings",
        RefusedBut(BLIND), // the company's own people read its workflow
    ),
    (
        "PUT",
        "/api/v1/enterprises/{org_id}/proposal-settings",
        Refused,
    ),
    (
        "POST",
        "/api/v1/enterprises/{org_id}/proposal-categories",
        Refused,
    ),
    ("PUT", "/api/v1/enterprises/{org_id}/reward-grades", Refused),
    ("GET", "/api/v1/studios", Open),
    ("POST", "/api/v1/studios", RefusedBut(ADMIN)),
    ("GET", "/api/v1/studios/stats", Open),
    ("GET", "/api/v1/studios/{id}", Open),
    ("PATCH", "/api/v1/studios/{id}", Refused),
    ("POST", "/api/v1/studios/{id}/assessments", Refused),
    (
        "POST",
        "/api/v1/studios/{id}/funding/{funding}/entries",
        Refused,
    ),
    ("POST", "/api/v1/studios/{id}/honours", Refused),
    ("POST", "/api/v1/studios/{id}/members", Refused),
    (
        "POST",
        "/api/v1/studios/{id}/members/{member}/leave",
        Refused,
    ),
    ("POST", "/api/v1/studios/{id}/namings", Refused),
    ("POST", "/api/v1/studios/{id}/outputs", Refused),
    ("POST", "/api/v1/studios/{id}/photos", Refused),
    ("POST", "/api/v1/studios/{id}/status", Refused),
    ("GET", "/api/v1/naming-calls", Open),
    ("POST", "/api/v1/naming-calls", RefusedBut(ADMIN)),
    ("GET", "/api/v1/naming-calls/{id}", Open),
    ("POST", "/api/v1/naming-calls/{id}/applications", Open),
    ("GET", "/api/v1/naming-applications/{id}", Refused),
    ("POST", "/api/v1/naming-applications/{id}/decision", Refused),
    ("POST", "/api/v1/naming-applications/{id}/review", Refused),
    ("POST", "/api/v1/alliances", RefusedBut(ADMIN)),
    ("GET", "/api/v1/alliances/{id}", Open),
    ("GET", "/api/v1/achievements", Open),
    ("POST", "/api/v1/achievements", RefusedBut(ADMIN)),
    ("GET", "/api/v1/achievements/export", Open),
    ("GET", "/api/v1/achievements/{id}", Refused),
    ("POST", "/api/v1/achievements/{id}/attachments", Refused),
    ("POST", "/api/v1/achievements/{id}/benefit", Refused),
    ("POST", "/api/v1/achievements/{id}/benefit/verify", Refused),
    ("POST", "/api/v1/achievements/{id}/patents", Refused),
    ("POST", "/api/v1/achievements/{id}/proposals", Refused),
    ("GET", "/api/v1/achievement-files/{id}", Refused),
    ("GET", "/api/v1/patents", Open),
    ("POST", "/api/v1/patents", RefusedBut(ADMIN)),
    ("GET", "/api/v1/patents/export", Open),
    ("POST", "/api/v1/patents/import", RefusedBut(ADMIN)),
    ("GET", "/api/v1/patents/{id}", Refused),
    ("GET", "/api/v1/skills", Open),
    ("POST", "/api/v1/skills", RefusedBut(ADMIN)),
    ("GET", "/api/v1/skills/export", Open),
    ("GET", "/api/v1/skills/{id}", Refused),
    ("GET", "/api/v1/titles", Open),
    ("POST", "/api/v1/titles", RefusedBut(ADMIN)),
    ("GET", "/api/v1/titles/export", Open),
    ("GET", "/api/v1/innovation/figures", Open),
    ("GET", "/api/v1/campaigns", Open),
    ("POST", "/api/v1/campaigns", RefusedBut(ADMIN)),
    ("GET", "/api/v1/campaigns/{id}", Public),
    ("POST", "/api/v1/campaigns/{id}/advance", Refused),
    ("POST", "/api/v1/campaigns/{id}/announcement", Refused),
    ("GET", "/api/v1/campaigns/{id}/assignment", Refused),
    ("POST", "/api/v1/campaigns/{id}/assignment", Refused),
    (
        "POST",
        "/api/v1/campaigns/{id}/assignment/override",
        Refused,
    ),
    ("POST", "/api/v1/campaigns/{id}/conflicts", Refused),
    ("POST", "/api/v1/campaigns/{id}/decision", Refused),
    (
        "POST",
        "/api/v1/campaigns/{id}/declarations",
        RefusedBut(ADMIN),
    ),
    ("GET", "/api/v1/campaigns/{id}/experts", Refused),
    ("POST", "/api/v1/campaigns/{id}/experts", Refused),
    ("GET", "/api/v1/campaigns/{id}/objections", Refused),
    ("POST", "/api/v1/campaigns/{id}/objections", Public),
    ("GET", "/api/v1/campaigns/{id}/publicity", Public),
    ("POST", "/api/v1/campaigns/{id}/publicity", Refused),
    ("GET", "/api/v1/campaigns/{id}/ranking", Public),
    ("GET", "/api/v1/campaigns/{id}/results", Refused),
    ("GET", "/api/v1/campaigns/{id}/reviews", Open),
    ("POST", "/api/v1/declarations/{id}/check", Refused),
    ("POST", "/api/v1/declarations/{id}/forward", Refused),
    ("POST", "/api/v1/declarations/{id}/resubmit", Refused),
    ("POST", "/api/v1/declarations/{id}/score", Refused),
    ("POST", "/api/v1/objections/{id}/outcome", Refused),
    ("POST", "/api/v1/campaigns/{id}/objections/dismiss", Refused),
    ("GET", "/api/v1/programmes", Open),
    ("POST", "/api/v1/programmes", Refused),
    ("GET", "/api/v1/programmes/{id}", Refused),
    ("POST", "/api/v1/programmes/{id}/awards", Refused),
    ("GET", "/api/v1/programmes/{id}/export/{list}", Refused),
    ("GET", "/api/v1/programmes/{id}/funding", Refused),
    ("POST", "/api/v1/programmes/{id}/funding", Refused),
    ("GET", "/api/v1/programmes/{id}/institutions", Refused),
    ("GET", "/api/v1/programmes/{id}/milestones", Refused),
    ("POST", "/api/v1/programmes/{id}/milestones", Refused),
    ("GET", "/api/v1/programmes/{id}/outputs", Refused),
    ("POST", "/api/v1/programmes/{id}/outputs", Refused),
    ("GET", "/api/v1/programmes/{id}/people", Refused),
    ("POST", "/api/v1/programmes/{id}/people", Refused),
    ("GET", "/api/v1/programmes/{id}/tasks", Refused),
    ("POST", "/api/v1/programmes/{id}/tasks", Refused),
    ("GET", "/api/v1/programmes/{id}/tasks/{task}", Refused),
];

/// One person calling routes: a browser session for pages, a token for the API.
struct Caller_ {
    persona: Persona,
    browser: Client,
    csrf: String,
    /// `None` for nobody: API calls carry no credentials.
    token: Option<String>,
    username: Option<&'static str>,
}

/// The records the routes are called on, and what must never leak of them.
struct Targets {
    /// A path parameter's value, by the literal segment before it (`proposals` → the proposal).
    ids: HashMap<&'static str, String>,
    /// Confidential text of the targets: shown to none of the personas anywhere.
    secrets: Vec<String>,
    /// What the blind reviewer may see of the targets: the proposal they review.
    seen_by_blind: Vec<String>,
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

async fn token_of(app: &TestApp, username: &str) -> String {
    let origin = RequestOrigin::cli();
    let caller = Caller::system(&origin);
    let mut tx = app.db.begin().await.unwrap();
    let user = ingot_store::users::get_by_username(&mut tx, username)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {username}"));
    let (_, secret) = ingot_app::account::create_token(&mut tx, &caller, user.id, "access test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    secret
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

async fn prepare(app: &TestApp) -> Targets {
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
            Some(parent),
            &ingot_domain::org::OrgInput {
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
    secrets.push("门禁测试负责人".into());

    Targets {
        ids,
        secrets,
        seen_by_blind,
    }
}

/// The path with each `{param}` replaced by the target named by the segment before it.
fn concrete(path: &str, targets: &Targets) -> String {
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

impl Caller_ {
    async fn new(app: &TestApp, persona: Persona) -> Caller_ {
        let username = match persona {
            Persona::Nobody => None,
            Persona::Employee => Some("zhangwenbin"),
            Persona::Admin => Some("nm.admin"),
            Persona::Expert => Some("nm.expert.t"),
            Persona::Blind => Some("ref.reviewer"),
            Persona::Finance => Some("nm.finance.t"),
        };
        let session = match username {
            Some(u) => app.sign_in_demo(u).await,
            None => app.visitor().await,
        };
        let token = match username {
            Some(u) => Some(token_of(app, u).await),
            None => None,
        };
        Caller_ {
            persona,
            browser: session.client,
            csrf: session.csrf,
            token,
            username,
        }
    }

    /// Calls a route with an empty body of the kind it expects; returns status and everything
    /// the answer carries (headers and body) as text.
    async fn call(&self, app: &TestApp, method: &str, path: &str) -> (StatusCode, String) {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let url = app.url(path);
        let request = if path.starts_with("/api/") {
            let client = Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let mut r = client.request(method.clone(), &url);
            if let Some(t) = &self.token {
                r = r.bearer_auth(t);
            }
            if method != Method::GET && method != Method::DELETE {
                r = r.json(&json!({}));
            }
            r
        } else {
            let mut r = self.browser.request(method.clone(), &url);
            if method != Method::GET {
                r = r.form(&[("_csrf", self.csrf.as_str())]);
            }
            r
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        let mut text = String::new();
        for (name, value) in response.headers() {
            text.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        let bytes = response.bytes().await.unwrap();
        text.push_str(&String::from_utf8_lossy(&bytes));
        (status, text)
    }
}

fn refused(persona: Persona, path: &str, status: StatusCode, text: &str) -> bool {
    let sent_to_sign_in = persona == Persona::Nobody
        && !path.starts_with("/api/")
        && status == StatusCode::SEE_OTHER
        && text.contains("location: /login?");
    matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || sent_to_sign_in
}

async fn every_route_refuses_outsiders(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let targets = prepare(&app).await;
    let mut callers = Vec::new();
    for p in PERSONAS {
        callers.push(Caller_::new(&app, p).await);
    }

    // The routes the application serves, checked against the table both ways.
    let expectations: BTreeMap<(String, String), Expect> = EXPECTATIONS
        .iter()
        .map(|(m, p, e)| ((m.to_string(), p.to_string()), *e))
        .collect();
    assert_eq!(
        expectations.len(),
        EXPECTATIONS.len(),
        "a route is listed twice"
    );
    let mut routes: Vec<(String, String)> = ingot_web::access::routes()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let doc = serde_json::to_value(ingot_web::api::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let route = (method.to_uppercase(), format!("/api/v1{path}"));
            assert!(
                routes.contains(&route),
                "{route:?} is documented but not served"
            );
        }
    }
    let missing: Vec<_> = routes
        .iter()
        .filter(|r| !expectations.contains_key(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no line in the access test's EXPECTATIONS: {missing:?}"
    );
    let stale: Vec<_> = expectations
        .keys()
        .filter(|k| !routes.contains(k))
        .collect();
    assert!(
        stale.is_empty(),
        "EXPECTATIONS name routes that do not exist: {stale:?}"
    );
    // Signing out ends the session the other calls use: it goes last.
    routes.sort_by_key(|(m, p)| (p == "/logout", p.clone(), m.clone()));

    let mut failures = Vec::new();
    let mut calls = 0;
    for (method, route) in &routes {
        let expect = expectations[&(method.clone(), route.clone())];
        let path = concrete(route, &targets);
        for caller in &callers {
            let (status, text) = caller.call(&app, method, &path).await;
            calls += 1;
            let persona = caller.persona;
            let secrets: Vec<&String> = targets
                .secrets
                .iter()
                .filter(|s| persona != Persona::Blind || !targets.seen_by_blind.contains(s))
                .collect();
            let must_refuse = match expect {
                Refused => true,
                RefusedBut(allowed) => !allowed.contains(&persona),
                Open => persona == Persona::Nobody,
                Public => false,
            };
            let problem = if status.is_server_error() {
                Some(format!("server error {status}"))
            } else if must_refuse && !refused(persona, &path, status, &text) {
                Some(format!("not refused: {status}"))
            } else {
                secrets
                    .iter()
                    .find(|s| !s.is_empty() && text.contains(s.as_str()))
                    .map(|s| format!("{status}, shows {s:?}"))
            };
            if let Some(problem) = problem {
                failures.push(format!(
                    "{method} {path} as {persona:?} ({}): {problem}",
                    caller.username.unwrap_or("nobody")
                ));
            }
        }
    }
    eprintln!(
        "access test on {backend:?}: {} routes x {} people = {calls} calls",
        routes.len(),
        callers.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {calls} calls broke the access rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
on_both!(every_route_refuses_outsiders);
