//! Search in Chinese and English over what each person may see, following every change, on
//! each of several servers sharing one database.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn titles(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

async fn chinese_and_english_within_what_one_may_see(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    // A two-character Chinese word, no spaces anywhere.
    let (status, body) = union.get("/search?q=%E5%AF%86%E5%B0%81").await; // 密封
    assert_eq!(status, StatusCode::OK, "{body}");
    let found = titles(&body);
    assert!(
        found
            .iter()
            .any(|t| t.contains("隧道窑窑车密封砂槽改用耐火纤维毡密封")),
        "{found:?}"
    );
    let hit = &body["hits"][0];
    assert!(
        hit["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .chain(hit["title_pieces"].as_array().unwrap())
            .any(|p| p["marked"] == true && p["text"] == "密封"),
        "the match is marked: {hit}"
    );
    // Facets count the whole match; narrowing by year keeps only that year.
    let years = body["facets"]["years"].as_array().unwrap();
    assert!(
        years.iter().any(|y| y["value"] == "2021") && years.iter().any(|y| y["value"] == "2022"),
        "{years:?}"
    );
    let (_, only_2021) = union.get("/search?q=%E5%AF%86%E5%B0%81&year=2021").await;
    assert!(only_2021["total"].as_u64().unwrap() < body["total"].as_u64().unwrap());
    // A field prefix and a phrase.
    let (_, by_unit) = union
        .get("/search?q=unit%3A%E6%8A%80%E6%9C%AF%E4%B8%AD%E5%BF%83")
        .await; // unit:技术中心
    assert!(
        by_unit["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["unit"] == "技术中心")
    );
    assert!(by_unit["total"].as_u64().unwrap() >= 10);

    // Another enterprise's employee sees none of it, but their own proposal.
    let outsider = app.api_as("zhangwenbin").await;
    let (_, theirs) = outsider.get("/search?q=%E5%AF%86%E5%B0%81").await;
    assert_eq!(theirs["total"], 0, "{theirs}");
    let (_, own) = outsider.get("/search?q=%E7%A8%80%E5%9C%9F").await; // 稀土
    assert!(
        own["total"].as_u64().unwrap() >= 1,
        "their own enterprise's proposals: {own}"
    );
    // People are found by the unions that manage them.
    let (_, people) = union.get("/search?q=%E6%9D%8E%E6%98%8E&kind=person").await; // 李明
    assert!(titles(&people).contains(&"李明".to_string()), "{people}");
    let (_, people) = outsider.get("/search?q=%E6%9D%8E%E6%98%8E").await;
    assert_eq!(people["total"], 0);
}
on_both!(chinese_and_english_within_what_one_may_see);

async fn a_change_is_found_at_once_on_every_server(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (second, _stop) = app.second_server().await;
    let li = app.api_as("li.ming").await;
    let union = app.api_as("ref.union").await;
    let kiln = app.org_id("CN-LN-JZ-REF-KILN").await;
    let (status, created) = li
        .post(
            "/proposals",
            json!({ "title": "Kiln burner tuning for the tunnel kiln", "problem": "Burners run rich and waste natural gas",
                    "proposed_change": "Tune the air-fuel ratio of every burner", "category": "small_innovation", "unit_id": kiln }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["proposal"]["id"]
        .as_i64()
        .or_else(|| created["id"].as_i64())
        .expect("id");
    // The proposer finds their draft straight away, with a typo and another word form.
    let (_, mine) = li.get("/search?q=burnr%20tuned").await;
    assert_eq!(
        titles(&mine),
        vec!["Kiln burner tuning for the tunnel kiln".to_string()],
        "{mine}"
    );
    assert!(!mine["corrected"].as_array().unwrap().is_empty());
    // A draft is nobody else's business.
    let (_, theirs) = union.get("/search?q=burner").await;
    assert_eq!(theirs["total"], 0);
    let (status, _) = li
        .post(
            &format!("/proposals/{id}/submit"),
            json!({ "seen_similar": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Once submitted, the union finds it, on this server and on the other one.
    let (_, here) = union.get("/search?q=burner").await;
    assert_eq!(here["total"], 1, "{here}");
    let (_, there) = union.at(&second).get("/search?q=burner").await;
    assert_eq!(there["total"], 1, "the second server caught up: {there}");
}
on_both!(a_change_is_found_at_once_on_every_server);

async fn reindex_restores_what_was_lost(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    let bands = app.count("SELECT COUNT(*) FROM proposal_bands").await;
    assert!(bands > 0);
    // Lost behind the application's back: the duplicate check's band keys, and a title
    // changed without a change-log row, so no server knows of it. (The log is aged past the
    // window in which servers re-read recent changes.)
    app.execute(ingot_store::Sql::new(
        "UPDATE change_log SET at = at - 600000",
    ))
    .await;
    app.execute(ingot_store::Sql::new("DELETE FROM proposal_bands"))
        .await;
    app.execute(ingot_store::Sql::new(
        "UPDATE proposals SET title = 'Zirconia nozzle for the burner'
         WHERE id = (SELECT MIN(id) FROM proposals WHERE status = 'implemented')",
    ))
    .await;
    let (_, before) = union.get("/search?q=zirconia").await;
    assert_eq!(before["total"], 0, "{before}");
    let done = ingot_app::reindex::reindex(&app.db, 8 * 3_600_000)
        .await
        .expect("reindex");
    assert_eq!(
        done.signatures as i64,
        app.count("SELECT COUNT(*) FROM proposals").await
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM proposal_bands").await,
        bands
    );
    // The running server sees the marker and rebuilds its index from the database.
    let (_, after) = union.get("/search?q=zirconia").await;
    assert_eq!(after["total"], 1, "{after}");
}
on_both!(reindex_restores_what_was_lost);

async fn studios_are_found_by_anyone_and_follow_revocation(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // A studio's page is public: someone of another province finds it too. Zhang Wenbin, an
    // employee in Inner Mongolia, does not see the Liaoning company's proposals...
    let outsider = app.api_as("zhangwenbin").await;
    let (status, theirs) = outsider
        .get("/search?q=%E5%AF%86%E5%B0%81&kind=proposal") // 密封
        .await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert!(
        !titles(&theirs)
            .iter()
            .any(|t| t.contains("隧道窑窑车密封砂槽")),
        "{theirs}"
    );
    // ...but finds the studio of that company.
    let (status, found) = outsider
        .get("/search?q=%E8%B5%B5%E9%B9%8F%E8%BE%BE&kind=studio")
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(
        titles(&found).contains(&"赵鹏达劳模创新工作室".to_string()),
        "{found}"
    );
    assert!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "studio")
    );
    // Fields are searchable; a status change reaches the index through the change log.
    let (_, by_field) = outsider
        .get("/search?q=%E8%80%90%E7%81%AB%E6%9D%90%E6%96%99&kind=studio")
        .await;
    assert!(by_field["total"].as_i64().unwrap() >= 1, "{by_field}");
    let id = found["hits"][0]["id"].as_i64().unwrap();
    app.execute(ingot_store::Sql::new(
        "UPDATE change_log SET at = at - 600000",
    ))
    .await;
    let union = app.api_as("ref.union").await;
    let (status, d) = union
        .post(
            &format!("/studios/{id}/status"),
            json!({ "status": "suspended", "reason": "整改", "on_date": "2026-01-05" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let (_, after) = outsider
        .get("/search?q=%E8%B5%B5%E9%B9%8F%E8%BE%BE&kind=studio&status=suspended")
        .await;
    assert_eq!(after["total"], 1, "{after}");
}
on_both!(studios_are_found_by_anyone_and_follow_revocation);

async fn achievements_and_patents_are_found_within_scope(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.api_as("admin").await;
    // 轻稀土碳酸盐: the first prize of the 2023 exchange, an achievement of Inner Mongolia.
    let (_, found) = admin
        .get("/search?q=%E8%BD%BB%E7%A8%80%E5%9C%9F%E7%A2%B3%E9%85%B8%E7%9B%90&kind=achievement")
        .await;
    assert_eq!(
        titles(&found),
        vec!["万吨级轻稀土碳酸盐连续化生产工艺研究及产业化".to_string()],
        "{found}"
    );
    // Dalian's 32 patents of 2020 and the Jinzhou company's one, by the year prefix alone.
    let (_, patents) = admin.get("/search?q=year:2020&kind=patent").await;
    assert_eq!(patents["total"], 33, "{patents}");
    // Someone of the Liaoning company sees neither Inner Mongolia's achievements nor Dalian's
    // patents.
    let li = app.api_as("li.ming").await;
    let (_, theirs) = li
        .get("/search?q=%E8%BD%BB%E7%A8%80%E5%9C%9F%E7%A2%B3%E9%85%B8%E7%9B%90&kind=achievement")
        .await;
    assert_eq!(theirs["total"], 0, "{theirs}");
}
on_both!(achievements_and_patents_are_found_within_scope);

async fn odd_queries_get_a_result_or_a_clear_message(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.api_as("ref.union").await;
    let (status, body) = union.get("/search?q=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "q", "{body}");
    // Over the limit (a 100 KB query is refused by the parser the same way; see query.rs).
    let long = "kiln%20".repeat(600);
    let (status, body) = union.get(&format!("/search?q={long}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "query_too_long");
    // An emoji alone leaves nothing to search for; the rest are searched as text.
    let (status, body) = union.get("/search?q=%F0%9F%98%80").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "query_empty");
    for q in [
        "%27%3B%20DROP%20TABLE%20proposals%3B%20--",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%22unclosed",
        "unit%3A",
        "%F0%A0%80%80%E7%AA%91",
    ] {
        let (status, body) = union.get(&format!("/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
        assert!(body["hits"].is_array(), "{q}: {body}");
    }
    // The page escapes what it shows.
    let session = app.sign_in_demo("ref.union").await;
    let (status, html) = session
        .page("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%20%E5%AF%86%E5%B0%81")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert(1)"));
    let (status, html) = session.page("/search?q=%E5%AF%86%E5%B0%81").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<mark>密封</mark>"),
        "marked snippet on the page"
    );
    let (status, html) = session.page("/search?q=%20").await;
    assert_eq!(status, StatusCode::OK, "an empty box shows the empty page");
    assert!(html.contains("data-testid=\"search-form\""));
}
on_both!(odd_queries_get_a_result_or_a_clear_message);
