//! A title or honour changed after it was recorded, on its page and through the API, on both
//! databases: the level and year corrected (the tally and the honour check that naming
//! eligibility asks follow), a stale change or a duplicate refused with nothing written; a title
//! won in a campaign changed only with its reason.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_store::Sql;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn a_title_is_changed_and_one_won_in_a_campaign_only_with_its_reason(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("dl.union").await;
    let city = app.org_id("CN-LN-DL").await;
    let province = app.org_id("CN-LN").await;
    let (s, t) = union
        .post(
            "/titles",
            json!({"holder": "dl.liu.gang", "name": "技术创新能手", "granted_by": city,
                   "year": 2022, "level": "municipal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let id = t["id"].as_i64().unwrap();
    let person = t["user_id"].as_i64().unwrap();
    let path = format!("/titles/{id}");
    let (_, held) = union
        .get(&format!("/people/{person}/honours?at_least=provincial"))
        .await;
    let held_before = held["holds"].as_bool().unwrap();

    // The list links the title's page, which offers the change.
    let clerk = app.sign_in_demo("dl.union").await;
    let (_, list) = clerk.page("/titles").await;
    assert!(list.contains(&format!("href=\"/titles/{id}\"")), "{list}");
    let (status, page) = clerk.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"title-edit\""));
    let (status, form) = clerk.page(&format!("{path}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"dl.liu.gang\""), "{form}");

    // It was the province's title, of 2023.
    let province_s = province.to_string();
    let mut fields = vec![
        ("version", "1"),
        ("holder", "dl.liu.gang"),
        ("name", "技术创新能手"),
        ("granted_by", province_s.as_str()),
        ("year", "2023"),
        ("level", "provincial"),
        ("reason", "按省总工会文件更正"),
    ];
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (_, d) = union.get(&path).await;
    assert_eq!(d["title"]["version"], 2);
    assert_eq!(d["title"]["level"], "provincial");
    assert_eq!(d["title"]["year"], 2023);
    assert_eq!(d["title"]["granted_by"], province);
    assert_eq!(d["history"][0]["before"]["level"], "municipal");
    assert_eq!(d["history"][0]["after"]["reason"], "按省总工会文件更正");
    crate::reports::assert_record_tally_is_exact(&app).await;
    let (_, held) = union
        .get(&format!("/people/{person}/honours?at_least=provincial"))
        .await;
    assert_eq!(held["holds"], true, "eligibility reads the changed level");
    assert!(!held_before || held["holds"] == true);
    let (_, page) = clerk.page(&path).await;
    assert!(page.contains("<del>2022</del> → <ins>2023</ins>"), "{page}");
    // The same form again: the version it read is gone.
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // A second title may not become a copy of the first.
    let (s, other) = union
        .post(
            "/titles",
            json!({"holder": "dl.liu.gang", "name": "优秀技术工人", "granted_by": city,
                   "year": 2023, "level": "municipal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let other_path = format!("/titles/{}", other["id"]);
    let copy = json!({"version": 1, "holder": "dl.liu.gang", "name": "技术创新能手",
        "granted_by": city, "year": 2023, "level": "municipal"});
    let (s, e) = union.send(Method::PATCH, &other_path, copy).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("title_exists"), "{e}");
    assert_eq!(
        union.get(&other_path).await.1["title"]["name"],
        "优秀技术工人"
    );

    // Won in a campaign: a change needs its reason, kept as an amendment.
    let (declaration,): (i64,) = {
        let mut tx = app.db.begin().await.unwrap();
        let row = tx
            .fetch_one(Sql::new("SELECT MIN(id) FROM declarations"))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        row
    };
    app.execute(
        Sql::new("UPDATE titles SET declaration_id = $1 WHERE id = $2")
            .bind(declaration)
            .bind(id),
    )
    .await;
    fields[0].1 = "2";
    fields[2].1 = "技术创新能手（省级）";
    fields[6].1 = "";
    let r = clerk.post_form(&format!("{path}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("data-testid=\"error-reason\""), "{page}");
    assert!(page.contains("data-testid=\"title-won\""));
    let body = json!({"version": 2, "holder": "dl.liu.gang", "name": "技术创新能手（省级）",
        "granted_by": province, "year": 2023, "level": "provincial", "reason": "名称按证书更正"});
    let (s, d) = union.send(Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["name"], "技术创新能手（省级）");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM record_amendments WHERE record_type = 'title'")
            .await,
        1
    );

    // Someone of another enterprise cannot change it, nor read it.
    let outsider = app.api_as("ref.union").await;
    let (s, _) = outsider.send(Method::PATCH, &path, body).await;
    assert!(
        matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{s}"
    );
    let (s, _) = outsider.get(&path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
on_both!(a_title_is_changed_and_one_won_in_a_campaign_only_with_its_reason);
