//! A studio taken from founding through municipal and provincial naming with on-site reviews,
//! funding, a failed assessment and revocation.

use super::{call, codes, create_studio, review_body};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_studio_is_named_twice_assessed_and_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    let jz = app.api_as("jz.admin").await;
    let ln = app.api_as("ln.admin").await;
    let expert = app.api_as("expert.li").await;
    let id = create_studio(&app, &union, "王芳职工创新工作室", "wang.fang").await;
    // A year is a number: text is the field's wrong type, a year before 1950 is no honour's.
    for (year, code) in [(json!("2019"), "wrong_type"), (json!(1800), "invalid_year")] {
        let (status, d) = union
            .post(
                &format!("/studios/{id}/honours"),
                json!({ "title": "锦州市劳动模范", "awarded_by": "锦州市人民政府", "level": "municipal", "year": year }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert_eq!(d["fields"][0]["field"], "year", "{d}");
        assert_eq!(d["fields"][0]["code"], code, "{d}");
    }
    let (status, _) = union
        .post(
            &format!("/studios/{id}/honours"),
            json!({ "title": "锦州市劳动模范", "awarded_by": "锦州市人民政府", "level": "municipal", "year": 2019 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = union
        .post(
            &format!("/studios/{id}/members"),
            json!({ "username": "chen.jing", "joined_on": "2020-03-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, d) = union
        .post(
            &format!("/studios/{id}/outputs"),
            json!({ "kind": "patent", "title": "一种窑车密封结构", "on_date": "2023-06-01", "count": 1,
                "patent_type": "utility_model", "patent_stage": "granted" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["totals"]["patents_granted"], 1);

    // Its particulars change, once: a stale version is refused.
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    let version = d["studio"]["version"].as_i64();
    let body = json!({ "kind": "model_worker", "name": "王芳劳模创新工作室", "founded_on": "2020-03-01",
        "address": "技术中心三楼", "fields": ["refractories", "materials"], "version": version });
    let (status, d) = union
        .send(
            reqwest::Method::PATCH,
            &format!("/studios/{id}"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["name"], "王芳劳模创新工作室");
    assert_eq!(d["fields"], json!(["materials", "refractories"]));
    let (status, e) = union
        .send(reqwest::Method::PATCH, &format!("/studios/{id}"), body)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"], "studio_changed");

    // Provincial before municipal: out of order, explained, nothing saved.
    let provincial = call(&app, &ln, "CN-LN", "省级劳模创新工作室命名").await;
    let before = app.count("SELECT COUNT(*) FROM naming_applications").await;
    let (status, e) = union
        .post(
            &format!("/naming-calls/{provincial}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        codes(&e).contains(&"naming_out_of_order".to_string()),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("Municipal"), "{e}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM naming_applications").await,
        before
    );

    // Municipal: apply, review on site, approve with a notice.
    let municipal = call(&app, &jz, "CN-LN-JZ", "市级劳模创新工作室命名").await;
    let (status, a) = union
        .post(
            &format!("/naming-calls/{municipal}/applications"),
            json!({ "studio_id": id, "statement": "申报" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["snapshot"]["member_count"], 2);
    let app_id = a["application"]["id"].as_i64().unwrap();
    // Approving before the on-site review is refused.
    let (status, e) = jz
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "锦工发〔2024〕9号", "notice_date": "2024-06-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"], "site_review_required");
    // The signature must be the reviewer's own name.
    let (status, e) = expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("别人"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"signature_mismatch".to_string()), "{e}");
    let (status, r) = expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("李专家"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["application"]["status"], "reviewed");
    assert_eq!(r["review"]["signature"], "李专家");
    let (status, n) = jz
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "锦工发〔2024〕9号", "notice_date": "2024-06-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{n}");
    assert_eq!(n["naming"]["notice_number"], "锦工发〔2024〕9号");

    // Provincial now, with special funding.
    let (status, a) = union
        .post(
            &format!("/naming-calls/{provincial}/applications"),
            json!({ "studio_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let app_id = a["application"]["id"].as_i64().unwrap();
    let (status, _) = expert
        .post(
            &format!("/naming-applications/{app_id}/review"),
            review_body("李专家"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = ln
        .post(
            &format!("/naming-applications/{app_id}/decision"),
            json!({ "outcome": "approve", "notice_number": "辽工发〔2024〕3号", "notice_date": "2024-09-01", "funding": 50000 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    assert_eq!(d["studio"]["level"], "provincial");
    let funding = d["funding"][0]["id"].as_i64().unwrap();
    assert_eq!(d["funding"][0]["granted_cents"], 5_000_000);

    // Spending beyond the grant is refused; within it, recorded.
    let entries = app.count("SELECT COUNT(*) FROM funding_entries").await;
    let (status, e) = union
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "spending", "category": "equipment", "amount": "60000", "on_date": "2024-10-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        codes(&e).contains(&"spending_exceeds_grant".to_string()),
        "{e}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM funding_entries").await,
        entries
    );
    let (status, _) = ln
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "payment", "amount": 50000, "on_date": "2024-09-15" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, d) = union
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "spending", "category": "equipment", "amount": "20000", "on_date": "2024-10-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["funding"][0]["spent_cents"], 2_000_000);
    assert_eq!(
        d["funding"][0]["spent_by_category"],
        json!({ "equipment": 2_000_000 })
    );
    assert_eq!(d["funding"][0]["paid_cents"], 5_000_000);
    // The grant is this studio's alone: under another studio's address it is not found, on the
    // API and the form alike, and nothing is recorded.
    let other = create_studio(&app, &union, "孙强工匠创新工作室", "sun.qiang").await;
    let entries = app.count("SELECT COUNT(*) FROM funding_entries").await;
    let (status, e) = union
        .post(
            &format!("/studios/{other}/funding/{funding}/entries"),
            json!({ "kind": "spending", "category": "equipment", "amount": "100", "on_date": "2024-10-02" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{e}");
    let browser = app.sign_in_demo("ref.union").await;
    let page = browser
        .post_form(
            &format!("/studios/{other}/funding/{funding}/entries"),
            &[
                ("kind", "spending"),
                ("category", "equipment"),
                ("amount", "100"),
                ("on_date", "2024-10-02"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM funding_entries").await,
        entries
    );
    // The studio may not pay itself.
    let (status, _) = union
        .post(
            &format!("/studios/{id}/funding/{funding}/entries"),
            json!({ "kind": "payment", "amount": "1", "on_date": "2024-10-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The province assesses: a fail takes the provincial title away, the municipal one stands.
    let (status, r) = ln
        .post(
            &format!("/studios/{id}/assessments"),
            json!({ "period": "2025", "assessed_on": "2025-12-01",
                "scores": { "achievements": 40, "proposals": 50, "patents": 30, "people_trained": 40, "conditions": 50 } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["result"], "fail");
    let (_, d) = union.get(&format!("/studios/{id}")).await;
    assert_eq!(d["studio"]["level"], "municipal");
    assert_eq!(d["namings"][1]["status"], "lost");
    // The lost title cannot be assessed again.
    let lost = d["namings"][1]["id"].as_i64().unwrap();
    let (status, e) = ln
        .post(
            &format!("/studios/{id}/assessments"),
            json!({ "naming_id": lost, "period": "2026", "assessed_on": "2026-12-01", "scores": {} }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "no_standing_naming");

    // Jinzhou revokes it: every title is lost, and revocation is final.
    let (status, d) = jz
        .post(
            &format!("/studios/{id}/status"),
            json!({ "status": "revoked", "reason": "弄虚作假", "on_date": "2026-01-05" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["studio"]["status"], "revoked");
    assert!(d["studio"]["level"].is_null());
    let kinds: Vec<&str> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    for k in [
        "founded",
        "member_joined",
        "applied",
        "site_reviewed",
        "named",
        "funding_granted",
        "assessed",
        "title_lost",
        "revoked",
    ] {
        assert!(kinds.contains(&k), "history lacks {k}: {kinds:?}");
    }
    let (status, _) = jz
        .post(
            &format!("/studios/{id}/status"),
            json!({ "status": "active", "reason": "恢复", "on_date": "2026-01-06" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Every change left an audit row.
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'studio.%'")
        .await;
    assert!(audited >= 12, "{audited}");

    // The statistics' tally followed every step, and follows the refinery when it moves to
    // another city: Jinzhou's figures lose its studios and Dalian's gain them.
    super::assert_studio_tally_is_exact(&app).await;
    let studios_seen = async |client: &crate::support::ApiClient| -> i64 {
        let (status, stats) = client.get("/studios/stats").await;
        assert_eq!(status, StatusCode::OK, "{stats}");
        stats["by_level"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["studios"].as_i64().unwrap())
            .sum()
    };
    let in_subtree = async |code: &str| -> i64 {
        let mut tx = app.db.read().await.unwrap();
        let (n,): (i64,) = tx
            .fetch_one(
                ingot_store::Sql::new(
                    "SELECT COUNT(*) FROM studios s JOIN organisations o ON o.id = s.unit_id
                     JOIN organisations c ON c.code = $1
                     WHERE o.path LIKE c.path || '%' AND s.status <> 'revoked'",
                )
                .bind(code),
            )
            .await
            .unwrap();
        n
    };
    let dl = app.api_as("dl.admin").await;
    assert_eq!(studios_seen(&jz).await, in_subtree("CN-LN-JZ").await);
    let (jinzhou, dalian) = (studios_seen(&jz).await, studios_seen(&dl).await);
    let refinery = app.org_id("CN-LN-JZ-REF").await;
    let moving = in_subtree("CN-LN-JZ-REF").await;
    assert!(moving >= 1, "the refinery runs a studio");
    let (status, moved) = app
        .api_as("admin")
        .await
        .post(
            &format!("/orgs/{refinery}/move"),
            json!({ "parent_id": app.org_id("CN-LN-DL").await }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(studios_seen(&jz).await, jinzhou - moving);
    assert_eq!(studios_seen(&dl).await, dalian + moving);
    super::assert_studio_tally_is_exact(&app).await;
}
on_both!(a_studio_is_named_twice_assessed_and_revoked);
