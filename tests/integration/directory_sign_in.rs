//! Directory sign-in against a real OpenLDAP server (issue #18, item 6), on both databases.
//!
//! The server is the private slapd that `scripts/ldap-test-server` starts with the directory of
//! `tests/ldap/directory.ldif`; its URL is INGOT_TEST_LDAP_URL. Without it these tests fail, as
//! PostgreSQL's do without INGOT_TEST_DATABASE_URL, unless INGOT_TEST_SKIP_LDAP=1 skips them
//! knowingly outside CI.

use crate::on_both;
use crate::support::{Backend, Session, TestApp, json_of};
use ingot_app::directory::{DirectoryConfig, GroupRole};
use ingot_app::throttle::{Limit, ThrottlePolicy};
use ingot_domain::{OrgId, Role, Timestamp, UserId};
use ingot_store::Sql;
use ldap3::{LdapConnAsync, Mod};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

/// The organisation where new directory people are placed and where their groups give roles.
const COMPANY: &str = "CN-LN-JZ-REF";
const BASE: &str = "dc=example,dc=cn";
const SERVICE_DN: &str = "cn=ingot,ou=services,dc=example,dc=cn";
const SERVICE_PASSWORD: &str = "service-secret";
/// The test directory's administrator (scripts/ldap-test-server), to change memberships.
const ADMIN_DN: &str = "cn=admin,dc=example,dc=cn";
const ADMIN_PASSWORD: &str = "admin-secret";

/// The directory's URL, or `None` when the tests are knowingly skipped (never under CI).
fn ldap_url() -> Option<String> {
    if let Ok(url) = std::env::var("INGOT_TEST_LDAP_URL") {
        return Some(url);
    }
    let in_ci = std::env::var_os("CI").is_some();
    let skip = std::env::var("INGOT_TEST_SKIP_LDAP").is_ok_and(|v| v == "1");
    assert!(
        skip && !in_ci,
        "INGOT_TEST_LDAP_URL is not set: the directory sign-in tests need an OpenLDAP server \
         (scripts/ldap-test-server starts one). Outside CI, set INGOT_TEST_SKIP_LDAP=1 to skip \
         them knowingly{}",
        if in_ci { "; CI never skips them" } else { "" }
    );
    None
}

fn rule(text: &str) -> GroupRole {
    GroupRole::parse(text).unwrap()
}

fn directory(url: &str) -> DirectoryConfig {
    let mut config = DirectoryConfig::new(url, BASE, COMPANY);
    config.bind_dn = Some(SERVICE_DN.into());
    config.bind_password = SERVICE_PASSWORD.into();
    config.group_roles = vec![
        rule("cn=innovation-office,ou=groups,dc=example,dc=cn => unit_admin@CN-LN-JZ-REF"),
        rule("CN=Reviewers, OU=groups, DC=example, DC=cn => reviewer@CN-LN-JZ-REF"),
        rule("* => employee@CN-LN-JZ-REF"),
    ];
    config.timeout = Duration::from_secs(3);
    config
}

async fn app_with(
    backend: Backend,
    config: DirectoryConfig,
    more: impl FnOnce(&mut ingot_web::Config),
) -> Option<TestApp> {
    TestApp::spawn_with(backend, |c| {
        c.directory = Some(std::sync::Arc::new(config));
        more(c);
    })
    .await
}

async fn try_sign_in(visitor: &Session, username: &str, password: &str) -> (StatusCode, String) {
    let r = visitor
        .post_form("/login", &[("username", username), ("password", password)])
        .await;
    (r.status(), r.text().await.unwrap())
}

/// A visitor whose browser asks for English.
async fn english_visitor(app: &TestApp) -> Session {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("accept-language", "en".parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    Session::visit(client, &app.base).await
}

/// Roles held as (role, organisation code, given by the directory).
async fn grants_of(app: &TestApp, username: &str) -> BTreeSet<(String, String, bool)> {
    let mut tx = app.db.read().await.unwrap();
    let rows: Vec<(String, String, bool)> = tx
        .fetch_all(
            Sql::new(
                "SELECT g.role, o.code, g.from_directory FROM role_grants g
                 JOIN organisations o ON o.id = g.org_id JOIN users u ON u.id = g.user_id
                 WHERE u.username = $1",
            )
            .bind(username),
        )
        .await
        .unwrap();
    rows.into_iter().collect()
}

fn held(role: &str, from_directory: bool) -> (String, String, bool) {
    (role.to_string(), COMPANY.to_string(), from_directory)
}

async fn account_of(app: &TestApp, username: &str) -> Option<(String, Option<String>)> {
    let mut tx = app.db.read().await.unwrap();
    tx.fetch_optional(
        Sql::new("SELECT password_hash, directory_dn FROM users WHERE username = $1")
            .bind(username),
    )
    .await
    .unwrap()
}

async fn audit_count(app: &TestApp, action: &str, object_label: &str) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_label = $2")
                .bind(action)
                .bind(object_label),
        )
        .await
        .unwrap();
    n
}

/// A person of the directory signs in on the form, is created with the roles their groups
/// give (groupOfNames found by `member`, as OpenLDAP without the memberof overlay has it), and
/// then uses the API with their session and with a token made from it.
async fn a_directory_person_signs_in_with_the_roles_of_their_groups(backend: Backend) {
    let Some(url) = ldap_url() else { return };
    let Some(app) = app_with(backend, directory(&url), |_| {}).await else {
        return;
    };
    assert_eq!(account_of(&app, "zhou.min").await, None);
    let session = app.sign_in("Zhou.Min", "zhou-min-password").await;
    let (hash, dn) = account_of(&app, "zhou.min").await.unwrap();
    assert_eq!(
        dn.as_deref(),
        Some("uid=zhou.min,ou=people,dc=example,dc=cn")
    );
    assert_eq!(hash, ingot_app::passwords::UNUSABLE, "no local password");
    let expected = BTreeSet::from([
        held("unit_admin", true),
        held("reviewer", true),
        held("employee", true),
    ]);
    assert_eq!(grants_of(&app, "zhou.min").await, expected);
    assert_eq!(audit_count(&app, "user.create", "zhou.min").await, 1);
    assert_eq!(audit_count(&app, "user.grant", "zhou.min").await, 3);

    // The session works for the API, and makes a token that works alone.
    let r = session.get("/api/v1/me").await;
    let (status, me) = json_of(r).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["username"], "zhou.min");
    assert_eq!(me["user"]["display_name"], "周敏");
    assert_eq!(me["grants"].as_array().unwrap().len(), 3, "{me}");
    let r = session
        .client
        .post(session.url("/api/v1/me/tokens"))
        .header("x-csrf-token", &session.csrf)
        .json(&json!({ "name": "directory person's script" }))
        .send()
        .await
        .unwrap();
    let (status, created) = json_of(r).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let token = created["secret"].as_str().unwrap();
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (status, me) = json_of(r).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["username"], "zhou.min");

    // Signing in again changes nothing: no second account, no duplicate roles.
    app.sign_in("zhou.min", "zhou-min-password").await;
    assert_eq!(grants_of(&app, "zhou.min").await, expected);
    assert_eq!(audit_count(&app, "user.create", "zhou.min").await, 1);
    assert_eq!(audit_count(&app, "user.grant", "zhou.min").await, 3);

    // A person in one group, and one in none (the `*` rule still makes them an employee).
    app.sign_in("chen.jie", "chen-jie-password").await;
    assert_eq!(
        grants_of(&app, "chen.jie").await,
        BTreeSet::from([held("reviewer", true), held("employee", true)])
    );
    app.sign_in("liu.yang", "liu-yang-password").await;
    assert_eq!(
        grants_of(&app, "liu.yang").await,
        BTreeSet::from([held("employee", true)])
    );
    // And local accounts sign in as before.
    app.sign_in_demo("li.ming").await;
}
on_both!(a_directory_person_signs_in_with_the_roles_of_their_groups);

/// Wrong and empty passwords, strangers and filter syntax are refused with the one answer
/// for every failed sign-in; a local password account is never looked up in the directory,
/// even when the directory has a person of that name.
async fn wrong_passwords_and_strangers_are_refused(backend: Backend) {
    let Some(url) = ldap_url() else { return };
    let Some(app) = app_with(backend, directory(&url), |_| {}).await else {
        return;
    };
    let visitor = app.visitor().await;
    for (username, password) in [
        ("chen.jie", "not-chen-jie-password"),
        // An empty password would be an unauthenticated bind, which directories may accept.
        ("chen.jie", ""),
        ("nobody.here", "any-password-at-all"),
        ("*", "chen-jie-password"),
        ("chen*", "chen-jie-password"),
    ] {
        let (status, page) = try_sign_in(&visitor, username, password).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{username:?} {password:?}"
        );
        assert!(page.contains("用户名或密码错误"), "{username:?}: {page}");
    }
    assert_eq!(account_of(&app, "chen.jie").await, None, "nothing created");

    // Known to Ingot, a wrong password counts towards the lock-out as a local one does.
    app.sign_in("chen.jie", "chen-jie-password").await;
    let (status, _) = try_sign_in(&visitor, "chen.jie", "wrong-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut tx = app.db.read().await.unwrap();
    let (failed,): (i64,) = tx
        .fetch_one(Sql::new(
            "SELECT failed_logins FROM users WHERE username = 'chen.jie'",
        ))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(failed, 1);

    // A local account named like a directory person keeps its own password.
    let hash = ingot_app::passwords::hash("local-liu-yang-password".into())
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let org = OrgId(app.org_id(COMPANY).await);
    ingot_store::users::insert(
        &mut tx,
        &ingot_store::users::NewUser {
            org_id: org,
            username: "liu.yang",
            display_name: "Local Liu",
            email: None,
            password_hash: &hash,
            lang: None,
        },
        Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (status, _) = try_sign_in(&visitor, "liu.yang", "liu-yang-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the directory's password");
    app.sign_in("liu.yang", "local-liu-yang-password").await;
    let (_, dn) = account_of(&app, "liu.yang").await.unwrap();
    assert_eq!(dn, None, "still a local account");
    assert_eq!(grants_of(&app, "liu.yang").await, BTreeSet::new());
}
on_both!(wrong_passwords_and_strangers_are_refused);

/// The directory's administrator, for changing memberships during a test.
async fn directory_admin(url: &str) -> ldap3::Ldap {
    let (conn, mut ldap) = LdapConnAsync::new(url).await.unwrap();
    ldap3::drive!(conn);
    ldap.simple_bind(ADMIN_DN, ADMIN_PASSWORD)
        .await
        .unwrap()
        .success()
        .unwrap();
    ldap
}

fn attrs<'a>(pairs: &[(&'a str, &[&'a str])]) -> Vec<(&'a str, HashSet<&'a str>)> {
    pairs
        .iter()
        .map(|(k, v)| (*k, v.iter().copied().collect()))
        .collect()
}

/// Leaving a group in the directory withdraws the role it gave at the next sign-in, and a
/// role given by hand stays. The person and the group are the test's own, so that tests
/// running at once do not see each other's changes.
async fn a_group_left_in_the_directory_withdraws_its_role(backend: Backend) {
    let Some(url) = ldap_url() else { return };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let uid = format!("leaver.{backend:?}.{nanos}").to_lowercase();
    let person = format!("uid={uid},ou=people,{BASE}");
    let group = format!("cn=team-{uid},ou=groups,{BASE}");
    let mut admin = directory_admin(&url).await;
    admin
        .add(
            &person,
            attrs(&[
                ("objectClass", &["inetOrgPerson"]),
                ("uid", &[&uid]),
                ("cn", &["Leaver"]),
                ("sn", &["Leaver"]),
                ("userPassword", &["leaver-password"]),
            ]),
        )
        .await
        .unwrap()
        .success()
        .unwrap();
    // A groupOfNames needs a member: the administrator stays in it.
    admin
        .add(
            &group,
            attrs(&[
                ("objectClass", &["groupOfNames"]),
                ("member", &[&person, ADMIN_DN]),
            ]),
        )
        .await
        .unwrap()
        .success()
        .unwrap();
    let mut config = directory(&url);
    config
        .group_roles
        .push(rule(&format!("{group} => finance_officer@{COMPANY}")));
    let Some(app) = app_with(backend, config, |_| {}).await else {
        return;
    };
    app.sign_in(&uid, "leaver-password").await;
    assert_eq!(
        grants_of(&app, &uid).await,
        BTreeSet::from([held("finance_officer", true), held("employee", true)])
    );
    // An administrator gives a role by hand.
    let user = UserId(app.user_id(&uid).await);
    let admin_user = UserId(app.user_id("ref.union").await);
    let mut tx = app.db.begin().await.unwrap();
    let org = OrgId(app.org_id(COMPANY).await);
    ingot_store::grants::insert(
        &mut tx,
        user,
        Role::StudioLead,
        org,
        Some(admin_user),
        Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    admin
        .modify(
            &group,
            vec![Mod::Delete("member", HashSet::from([person.as_str()]))],
        )
        .await
        .unwrap()
        .success()
        .unwrap();
    app.sign_in(&uid, "leaver-password").await;
    assert_eq!(
        grants_of(&app, &uid).await,
        BTreeSet::from([held("studio_lead", false), held("employee", true)])
    );
    assert_eq!(audit_count(&app, "user.revoke", &uid).await, 1);

    // Back in the group, the role comes back.
    admin
        .modify(
            &group,
            vec![Mod::Add("member", HashSet::from([person.as_str()]))],
        )
        .await
        .unwrap()
        .success()
        .unwrap();
    app.sign_in(&uid, "leaver-password").await;
    assert!(
        grants_of(&app, &uid)
            .await
            .contains(&held("finance_officer", true))
    );
    let _ = admin.delete(&group).await;
    let _ = admin.delete(&person).await;
    let _ = admin.unbind().await;
}
on_both!(a_group_left_in_the_directory_withdraws_its_role);

/// A directory that does not answer: directory people are told so in their language (503,
/// not a 500 and not "wrong password"), and local accounts sign in as always.
async fn a_directory_that_is_down_is_said_to_be_and_local_accounts_sign_in(backend: Backend) {
    // A port where nothing listens.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let down = directory(&format!("ldap://127.0.0.1:{port}"));
    let Some(app) = app_with(backend, down, |_| {}).await else {
        return;
    };
    app.sign_in_demo("li.ming").await;
    let visitor = app.visitor().await;
    let (status, page) = try_sign_in(&visitor, "zhou.min", "zhou-min-password").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
    assert!(page.contains("员工目录（LDAP）暂时无法访问"), "{page}");
    let english = english_visitor(&app).await;
    let (status, page) = try_sign_in(&english, "zhou.min", "zhou-min-password").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.contains("The staff directory (LDAP) does not answer"),
        "{page}"
    );
    assert_eq!(account_of(&app, "zhou.min").await, None);
    // A person the directory signed in before is told the same.
    let mut tx = app.db.begin().await.unwrap();
    let now = Timestamp::now();
    let id = ingot_store::users::insert(
        &mut tx,
        &ingot_store::users::NewUser {
            org_id: OrgId(app.org_id(COMPANY).await),
            username: "zhou.min",
            display_name: "周敏",
            email: None,
            password_hash: ingot_app::passwords::UNUSABLE,
            lang: None,
        },
        now,
    )
    .await
    .unwrap();
    let dn = "uid=zhou.min,ou=people,dc=example,dc=cn";
    ingot_store::users::set_directory_dn(&mut tx, id, dn, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (status, _) = try_sign_in(&visitor, "zhou.min", "zhou-min-password").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let mut tx = app.db.read().await.unwrap();
    let (n,): (i64,) = tx
        .fetch_one(Sql::new(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.directory_unavailable'",
        ))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(n, 3);
    // The local account again, after the directory failed.
    let (status, _) =
        try_sign_in(&app.visitor().await, "li.ming", &app.demo_password.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}
on_both!(a_directory_that_is_down_is_said_to_be_and_local_accounts_sign_in);

/// Sign-in throttling counts directory attempts as it counts local ones.
async fn directory_sign_in_is_throttled(backend: Backend) {
    let Some(url) = ldap_url() else { return };
    let Some(app) = app_with(backend, directory(&url), |c| {
        c.throttle = ThrottlePolicy {
            sign_in_per_account: Limit {
                max: 2,
                window: Duration::from_secs(1_000_000_000),
            },
            ..ThrottlePolicy::default()
        };
    })
    .await
    else {
        return;
    };
    let visitor = app.visitor().await;
    for _ in 0..2 {
        let (status, _) = try_sign_in(&visitor, "chen.jie", "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = try_sign_in(&visitor, "chen.jie", "chen-jie-password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(account_of(&app, "chen.jie").await, None);
}
on_both!(directory_sign_in_is_throttled);
