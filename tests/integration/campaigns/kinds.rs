//! The other campaign kinds through the same declaration, check, review, tiers, publicity and
//! announcement: best proposals (implemented proposals of the declaring unit, their verified
//! benefit shown to the declarer and the reviewers) and titles (people, their records listed
//! for the reviewers, the title won becoming a title record that the record pages, the annual
//! summary and honour eligibility count; none for a withdrawn or unawarded declaration).

use super::{codes, today};
use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A call of `kind` by the federation `org_id` for `units`, reviewed by two with one criterion.
fn call(org_id: i64, kind: &str, title: &str, units: Value) -> Value {
    json!({
        "org_id": org_id, "kind": kind, "title": title, "edition": 1, "year": 2024,
        "cadence": "annual", "required_fields": ["summary"],
        "reviewers_per_declaration": 2, "min_load": 0, "max_load": 5, "score_scale": 10,
        "blind": false, "declaration_closes": "2024-03-31", "check_closes": "2024-04-15",
        "review_closes": "2024-05-31", "publicity_days": 7, "announce_on": "2024-06-30",
        "units": units, "rubric": [{ "name": "综合", "weight": 100 }],
        "first": "1", "second": "1"
    })
}

async fn declare(client: &ApiClient, campaign: i64, record: i64) -> (StatusCode, Value) {
    client
        .post(
            &format!("/campaigns/{campaign}/declarations"),
            json!({ "record_id": record }),
        )
        .await
}

/// Whether the person holds a provincial-or-higher honour (studio naming eligibility: a
/// provincial naming asks it of the lead).
async fn holds_provincial(client: &ApiClient, person: i64) -> bool {
    let (s, b) = client
        .get(&format!("/people/{person}/honours?at_least=provincial"))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["holds"].as_bool().unwrap()
}

/// The people titled `TITLE` in 2024 in a unit's subtree, as the annual summary reports them.
async fn figures(client: &ApiClient, unit: i64) -> i64 {
    let (s, f) = client
        .get(&format!(
            "/innovation/figures?unit_id={unit}&year=2024&title={TITLE_QUERY}"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    f["titled_people"].as_i64().unwrap()
}

async fn ids(app: &TestApp, sql: &'static str) -> Vec<i64> {
    let mut tx = app.db.read().await.unwrap();
    let rows: Vec<(i64,)> = tx.fetch_all(ingot_store::Sql::new(sql)).await.unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

/// From the declarations' check to the assignment: every declaration accepted, the two pool
/// experts of other provinces on the panel (with whoever else is on it already), the
/// assignment run. Returns the assignment.
async fn to_review(staff: &ApiClient, id: i64, declared: &[i64]) -> Value {
    let (s, b) = staff
        .post(&format!("/campaigns/{id}/advance"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    for d in declared {
        let (s, b) = staff
            .post(
                &format!("/declarations/{d}/check"),
                json!({ "decision": "accept" }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    }
    let (s, b) = staff
        .post(&format!("/campaigns/{id}/advance"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    for (username, fields) in [("expert.wang", "冶金"), ("expert.zhao", "信息技术")] {
        let (s, b) = staff
            .post(
                &format!("/campaigns/{id}/experts"),
                json!({ "username": username, "fields": [fields] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (s, a) = staff
        .post(&format!("/campaigns/{id}/assignment"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    a
}

/// From the scores to the announcement: the two pool experts scoring each declaration in the
/// order given (the first highest), the panel deciding as proposed, publicity, an objection
/// upheld against `withdraw` if named, the announcement. Returns the announced list.
async fn score_to_announcement(
    app: &TestApp,
    staff: &ApiClient,
    id: i64,
    ranked: &[i64],
    withdraw: Option<i64>,
) -> Value {
    for username in ["expert.wang", "expert.zhao"] {
        let expert = app.api_as(username).await;
        for (rank, d) in ranked.iter().enumerate() {
            let mark = 9 - 2 * rank as i64;
            let (s, b) = expert
                .post(
                    &format!("/declarations/{d}/score"),
                    json!({ "marks": [mark], "comment": "" }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{username} on {d}: {b}");
        }
    }
    let (s, b) = staff
        .post(
            &format!("/campaigns/{id}/decision"),
            json!({ "note": "按得分" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = staff
        .post(
            &format!("/campaigns/{id}/publicity"),
            json!({ "start": today().to_string(), "days": 7 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    if let Some(d) = withdraw {
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/campaigns/{id}/objections", app.base))
            .json(&json!({ "declaration_id": d, "name": "赵某", "contact": "13800000000", "text": "材料不实" }))
            .send()
            .await
            .unwrap();
        let (s, b) = crate::support::json_of(r).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let objection = b["id"].as_i64().unwrap();
        let (s, b) = staff
            .post(
                &format!("/objections/{objection}/outcome"),
                json!({ "status": "upheld", "outcome": "经查属实，撤销。" }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    }
    app.execute(
        ingot_store::Sql::new("UPDATE campaigns SET publicity_start = $1 WHERE id = $2")
            .bind(today().plus_days(-8).to_string())
            .bind(id),
    )
    .await;
    let (s, b) = staff
        .post(
            &format!("/campaigns/{id}/announcement"),
            json!({ "notice_number": format!("工发〔2024〕{id}号"), "announced_on": today().to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["campaign"]["stage"], "announced");
    b
}

async fn best_proposals(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ln = app.api_as("ln.admin").await;
    let units =
        json!([{ "org_code": "CN-LN-JZ-REF", "quota": 2 }, { "org_code": "CN-LN-DL", "quota": 1 }]);
    let (s, c) = ln
        .post(
            "/campaigns",
            call(
                app.org_id("CN-LN").await,
                "proposals",
                "2024年全省优秀合理化建议评选",
                units,
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["campaign"]["id"].as_i64().unwrap();
    assert_eq!(c["campaign"]["kind"], "proposals");

    // The company's union is offered its implemented proposals, with their verified benefit.
    let union = app.api_as("ref.union").await;
    let (s, offered) = union.get(&format!("/campaigns/{id}/declarable")).await;
    assert_eq!(s, StatusCode::OK, "{offered}");
    let offered = offered.as_array().unwrap().clone();
    let implemented = ids(
        &app,
        "SELECT p.id FROM proposals p JOIN organisations o ON o.id = p.unit_id
         WHERE o.code LIKE 'CN-LN-JZ-REF%' AND p.status IN ('implemented', 'verified', 'rewarded')
         ORDER BY p.id",
    )
    .await;
    let mut offered_ids: Vec<i64> = offered.iter().map(|o| o["id"].as_i64().unwrap()).collect();
    offered_ids.sort_unstable();
    assert!(!implemented.is_empty());
    assert_eq!(
        offered_ids, implemented,
        "only implemented proposals, all of them"
    );
    let best = offered
        .iter()
        .filter(|o| o["benefit_verified_cents"].is_i64())
        .max_by_key(|o| o["benefit_verified_cents"].as_i64())
        .expect("a proposal with verified benefit")
        .clone();
    let p_best = best["id"].as_i64().unwrap();
    let benefit = best["benefit_verified_cents"].as_i64().unwrap();
    let p_other = *implemented.iter().find(|p| **p != p_best).unwrap();

    // Refused, nothing saved: a proposal outside the declarer's unit (Dalian's union declaring
    // the Jinzhou company's), and a proposal not implemented.
    let (s, b) = declare(&app.api_as("dl.union").await, id, p_best).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let pending = ids(
        &app,
        "SELECT p.id FROM proposals p JOIN organisations o ON o.id = p.unit_id
         WHERE o.code LIKE 'CN-LN-JZ-REF%' AND p.status IN ('in_review', 'adopted', 'rejected')
         ORDER BY p.id",
    )
    .await;
    let (s, b) = declare(&union, id, pending[0]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(codes(&b), vec!["proposal_not_implemented"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM declarations WHERE record_type = 'proposal'")
            .await,
        0
    );

    let (s, d_best) = declare(&union, id, p_best).await;
    assert_eq!(s, StatusCode::CREATED, "{d_best}");
    let (s, d_other) = declare(&union, id, p_other).await;
    assert_eq!(s, StatusCode::CREATED, "{d_other}");
    let (d_best, d_other) = (
        d_best["id"].as_i64().unwrap(),
        d_other["id"].as_i64().unwrap(),
    );
    let (_, offered) = union.get(&format!("/campaigns/{id}/declarable")).await;
    assert!(
        offered
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["id"] != p_best && o["id"] != p_other),
        "declared proposals are no longer offered: {offered}"
    );
    // The campaign's page shows the declarer each proposal linked, with its verified benefit.
    let page = app.sign_in_demo("ref.union").await;
    let (s, html) = page.page(&format!("/campaigns/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!("href=\"/proposals/{p_best}\"")),
        "{html}"
    );
    let yuan = format!("{:.2}", benefit as f64 / 100.0);
    assert!(
        html.contains(&yuan),
        "the verified benefit {yuan} on the page"
    );

    to_review(&ln, id, &[d_best, d_other]).await;
    // The reviewers see the proposal's verified benefit.
    let (_, mine) = app
        .api_as("expert.zhao")
        .await
        .get(&format!("/campaigns/{id}/reviews"))
        .await;
    let item = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["declaration_id"] == d_best)
        .unwrap_or_else(|| panic!("{mine}"))
        .clone();
    assert_eq!(
        (
            item["record_type"].as_str(),
            item["benefit_verified_cents"].as_i64()
        ),
        (Some("proposal"), Some(benefit))
    );
    let announced = score_to_announcement(&app, &ln, id, &[d_best, d_other], None).await;
    let entries = announced["entries"].as_array().unwrap();
    let won: Vec<(i64, &str, i64)> = entries
        .iter()
        .map(|e| {
            assert_eq!(e["record_type"], "proposal");
            (
                e["declaration_id"].as_i64().unwrap(),
                e["tier"].as_str().unwrap(),
                e["record_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        won,
        vec![(d_best, "first", p_best), (d_other, "second", p_other)]
    );
    assert_eq!(entries[0]["benefit_verified_cents"], benefit);
    // The public announcement page lists the winning proposals by title.
    let title = entries[1]["title"].as_str().unwrap().to_string();
    let r = reqwest::get(format!("{}/campaigns/{id}/announcement", app.base))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(&title), "{title} announced");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM titles WHERE declaration_id IS NOT NULL")
            .await,
        0,
        "a proposals campaign confers no title"
    );
}
on_both!(best_proposals);

const TITLE: &str = "辽宁省职工技术创新能手";
const TITLE_QUERY: &str = "%E8%BE%BD%E5%AE%81%E7%9C%81%E8%81%8C%E5%B7%A5%E6%8A%80%E6%9C%AF%E5%88%9B%E6%96%B0%E8%83%BD%E6%89%8B";

async fn titles_won_become_title_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // Liaoning's federation titles the province's technical innovation experts; Dalian's
    // Ganjingzi district takes part.
    let ln = app.api_as("ln.admin").await;
    let liaoning = app.org_id("CN-LN").await;
    let dl = app.api_as("dl.admin").await;
    let dalian = app.org_id("CN-LN-DL").await;
    let units = json!([{ "org_code": "CN-LN-DL-GJZ", "quota": 3 }]);
    let base = call(
        liaoning,
        "titles",
        "2024年辽宁省职工技术创新能手评选",
        units,
    );
    // A titling call names the title it confers and its level.
    let (s, b) = ln.post("/campaigns", base.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let mut missing = codes(&b);
    missing.sort();
    assert_eq!(missing, vec!["required", "unknown_honour_level"], "{b}");
    let mut good = base;
    good["title_name"] = json!(TITLE);
    good["title_level"] = json!("provincial");
    let (s, c) = ln.post("/campaigns", good).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["campaign"]["id"].as_i64().unwrap();
    assert_eq!(c["campaign"]["title_name"], TITLE);

    // The machinery works' union is offered its people who hold records.
    let union = app.api_as("dl.union").await;
    let (s, offered) = union.get(&format!("/campaigns/{id}/declarable")).await;
    assert_eq!(s, StatusCode::OK, "{offered}");
    let people: Vec<i64> = offered
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    let mw = app.org_id("CN-LN-DL-GJZ-MW").await;
    assert!(people.len() >= 3, "{offered}");
    // The winner-to-be holds no provincial honour yet, so that winning is what gives them one.
    let mut winner = None;
    for p in &people {
        if !holds_provincial(&union, *p).await {
            winner = Some(*p);
            break;
        }
    }
    let winner = winner.expect("someone with records but no provincial honour");
    let others: Vec<i64> = people
        .iter()
        .copied()
        .filter(|p| *p != winner)
        .take(2)
        .collect();
    let (withdrawn, unawarded) = (others[0], others[1]);
    assert_eq!(figures(&union, mw).await, 0);
    assert_eq!(figures(&dl, dalian).await, 0);

    // A person of another district's enterprise is outside the union's units: refused.
    let (s, b) = declare(&union, id, app.user_id("dl.wang.lei").await).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let mut declared = Vec::new();
    for person in [winner, withdrawn, unawarded] {
        let (s, d) = declare(&union, id, person).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        declared.push(d["id"].as_i64().unwrap());
    }
    let (d_winner, d_withdrawn) = (declared[0], declared[1]);
    let (_, detail) = union.get(&format!("/campaigns/{id}")).await;
    let first = &detail["declarations"][0];
    assert_eq!(first["record_type"], "person");
    assert_eq!(first["record_id"], winner);

    // The declared person, made an expert and put on the panel, may not review themselves:
    // the conflicts name them as the declaration's own person, and staff cannot assign them.
    let winner_name: String = {
        let mut tx = app.db.read().await.unwrap();
        let (name,): (String,) = tx
            .fetch_one(
                ingot_store::Sql::new("SELECT username FROM users WHERE id = $1").bind(winner),
            )
            .await
            .unwrap();
        name
    };
    app.execute(
        ingot_store::Sql::new(
            "INSERT INTO role_grants (user_id, role, org_id, granted_at) VALUES ($1, 'expert', $2, 0)",
        )
        .bind(winner)
        .bind(mw),
    )
    .await;
    let (s, b) = ln
        .post(
            &format!("/campaigns/{id}/experts"),
            json!({ "username": winner_name, "fields": ["机械"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let a = to_review(&ln, id, &declared).await;
    // Once the declarations are accepted, the conflicts name the person's own declaration.
    let (_, panel) = ln.get(&format!("/campaigns/{id}/experts")).await;
    let own = panel["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["declaration_id"] == d_winner && p["expert_id"] == winner)
        .unwrap_or_else(|| panic!("the pair listed: {panel}"));
    assert!(
        own["conflicts"]
            .as_array()
            .unwrap()
            .contains(&json!("completer")),
        "{own}"
    );

    // The assignment leaves them out, staff cannot put them on their own declaration, and
    // their own score is refused.
    let pairs = a["pairs"].as_array().unwrap();
    assert!(
        pairs.iter().all(|p| p["expert_id"] != winner),
        "the declared person reviews nothing of their own unit: {a}"
    );
    let (s, b) = ln
        .post(
            &format!("/campaigns/{id}/assignment/override"),
            json!({ "declaration_id": d_winner, "remove": "expert.wang", "add": winner_name }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app
        .api_as(&winner_name)
        .await
        .post(
            &format!("/declarations/{d_winner}/score"),
            json!({ "marks": [10], "comment": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    // The reviewers read each declared person's records, in the API and on the review page.
    let (_, mine) = app
        .api_as("expert.wang")
        .await
        .get(&format!("/campaigns/{id}/reviews"))
        .await;
    let item = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["declaration_id"] == d_winner)
        .unwrap_or_else(|| panic!("{mine}"))
        .clone();
    assert_eq!(item["record_type"], "person");
    assert!(!item["held"].as_array().unwrap().is_empty(), "{item}");
    let page = app.sign_in_demo("expert.wang").await;
    let (s, html) = page.page(&format!("/campaigns/{id}/review")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-testid=\"review-held\""), "{html}");

    // Ranked winner, withdrawn (an objection upheld), unawarded (beyond the two tiers).
    let announced = score_to_announcement(&app, &ln, id, &declared, Some(d_withdrawn)).await;
    let entries = announced["entries"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        1,
        "the withdrawn award is not announced: {announced}"
    );
    assert_eq!(entries[0]["record_id"], winner);

    // The winner holds the title as a record: on their records page, in the unit's summary
    // figures for the year, and as a provincial honour for studio naming eligibility.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM titles WHERE declaration_id IS NOT NULL")
            .await,
        1
    );
    let (s, held) = union.get(&format!("/people/{winner}/records")).await;
    assert_eq!(s, StatusCode::OK, "{held}");
    let titles = held["titles"].as_array().unwrap();
    let won = titles
        .iter()
        .find(|t| t["name"] == TITLE)
        .unwrap_or_else(|| panic!("the title among {held}"));
    assert_eq!(
        (won["year"].as_i64(), won["level"].as_str()),
        (Some(2024), Some("provincial"))
    );
    assert_eq!(won["granted_by"], liaoning);
    assert_eq!(
        won["declaration_id"], d_winner,
        "the title keeps the declaration it was won by"
    );
    let page = app.sign_in_demo("dl.union").await;
    let (s, html) = page.page(&format!("/records/people/{winner}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(TITLE), "the records page shows the title");
    assert!(
        html.contains(&format!(r#"href="/certificates/{d_winner}""#)),
        "with the award's certificate: {html}"
    );
    assert_eq!(figures(&union, mw).await, 1);
    assert_eq!(figures(&dl, dalian).await, 1);
    assert!(holds_provincial(&union, winner).await);
    // Nothing for the withdrawn or the unawarded declaration.
    for person in [withdrawn, unawarded] {
        let (_, held) = union.get(&format!("/people/{person}/records")).await;
        assert!(
            held["titles"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["name"] != TITLE),
            "{person}: {held}"
        );
    }
}
on_both!(titles_won_become_title_records);

/// The titling call from the call form, refused blind and without its level, then declared to
/// from the campaign's page, where the people with records are offered.
async fn a_titles_campaign_from_the_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let page = app.sign_in_demo("ln.admin").await;
    let org = app.org_id("CN-LN").await.to_string();
    let form = |blind: &'static str, level: &'static str| {
        vec![
            ("org_id", org.clone()),
            ("kind", "titles".to_string()),
            ("title", "2024年辽宁省职工技术创新能手评选".to_string()),
            ("edition", "1".to_string()),
            ("year", "2024".to_string()),
            ("cadence", "annual".to_string()),
            ("required_fields", "summary".to_string()),
            ("reviewers_per_declaration", "2".to_string()),
            ("min_load", "0".to_string()),
            ("max_load", "3".to_string()),
            ("score_scale", "10".to_string()),
            ("blind", blind.to_string()),
            ("declaration_closes", "2024-03-31".to_string()),
            ("check_closes", "2024-04-15".to_string()),
            ("review_closes", "2024-05-31".to_string()),
            ("publicity_days", "7".to_string()),
            ("announce_on", "2024-06-30".to_string()),
            ("units", "CN-LN-DL-GJZ: 2".to_string()),
            ("rubric", "综合: 100".to_string()),
            ("first", "1".to_string()),
            ("title_name", TITLE.to_string()),
            ("title_level", level.to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let page = &page;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            page.post_form("/campaigns", &fields).await
        }
    };
    let before = app.count("SELECT COUNT(*) FROM campaigns").await;
    let r = send(form("true", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for field in [r#"name="blind""#, r#"id="title_level""#] {
        let at = html
            .find(field)
            .unwrap_or_else(|| panic!("{field} on the form"));
        let after = &html[at..];
        let end = after.find("<label").unwrap_or(after.len());
        assert!(
            after[..end].contains(r#"class="field-error""#),
            "{field}: {html}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM campaigns").await, before);

    let r = send(form("false", "provincial")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (s, html) = page.page(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!(
            r#"data-testid="campaign-title-conferred">{TITLE}"#
        )),
        "{html}"
    );

    // The machinery works' union declares a person from the campaign's page.
    let union = app.sign_in_demo("dl.union").await;
    let (s, html) = union.page(&to).await;
    assert_eq!(s, StatusCode::OK);
    let person = app.user_id("dl.liu.gang").await;
    assert!(
        html.contains(&format!(r#"<option value="{person}""#)),
        "刘刚 offered: {html}"
    );
    let outsider = app.user_id("dl.wang.lei").await;
    assert!(
        !html.contains(&format!(r#"<option value="{outsider}""#)),
        "a person of another district is not offered"
    );
    let r = union
        .post_form(
            &format!("{to}/declare"),
            &[("record_id", &person.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = union.page(&to).await;
    assert!(
        html.contains(&format!(r#"href="/records/people/{person}""#)),
        "the declared person linked: {html}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM declarations WHERE record_type = 'person'")
            .await,
        1
    );
}
on_both!(a_titles_campaign_from_the_pages);
