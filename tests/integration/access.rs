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
//!
//! The table of expectations, the targets and the personas' clients each have their own file
//! below; this one keeps the personas, how a refusal looks, and the test.

mod callers;
mod expectations;
mod targets;

use crate::on_both;
use crate::support::{Backend, TestApp};
use callers::Caller_;
use expectations::Expect::{Open, Public, Refused, RefusedBut};
use expectations::{EXPECTATIONS, Expect};
use ingot_app::Caller;
use ingot_domain::audit::RequestOrigin;
use reqwest::StatusCode;
use std::collections::BTreeMap;
use targets::{concrete, prepare};

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
