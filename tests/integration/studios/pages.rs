//! The public page of a studio, and the forms and uploads only its managers may use.

use super::{ZHAO, codes};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn the_pages_are_public_and_the_forms_protected(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let visitor = app.visitor().await;
    let (status, html) = visitor.page("/studios?level=provincial").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(ZHAO));
    let (status, _) = visitor.page("/studios/calls").await;
    assert_eq!(status, StatusCode::OK);
    let union = app.sign_in_demo("ref.union").await;
    let company = app.org_id("CN-LN-JZ-REF").await.to_string();
    let fields = [
        ("unit_id", company.as_str()),
        ("lead", "zhou.jie"),
        ("kind", "craftsman"),
        ("name", "周杰工匠创新工作室"),
        ("founded_on", "2021-05-01"),
        ("address", "公司本部"),
        ("fields", "machinery"),
        ("fields", "energy"),
    ];
    let r = union.post_form_without_csrf("/studios", &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = union.post_form("/studios", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (status, html) = visitor.page(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("周杰工匠创新工作室"));
    assert!(
        html.contains("机械") && html.contains("能源"),
        "fields shown"
    );
    // Its particulars can be edited; a visitor cannot even see the form.
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (status, html) = union.page(&format!("/studios/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"version\" value=\"1\""));
    let r = union
        .post_form(
            &format!("/studios/{id}/edit"),
            &[
                ("version", "1"),
                ("name", "周杰工匠创新工作室"),
                ("kind", "craftsman"),
                ("founded_on", "2021-05-01"),
                ("address", "公司本部二楼"),
                ("fields", "machinery"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = visitor.page(&format!("/studios/{id}")).await;
    assert!(html.contains("公司本部二楼") && !html.contains("能源"));
    // The form is not for visitors: they are sent to sign in first.
    let r = visitor.get(&format!("/studios/{id}/edit")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/login?next=%2Fstudios%2F{id}%2Fedit&reason=unauthenticated").as_str()
    );
    // A bad form comes back with the problem named, in the user's language.
    let r = union
        .post_form(
            "/studios",
            &[
                ("unit_id", company.as_str()),
                ("lead", "zhou.jie"),
                ("kind", "craftsman"),
                ("name", "x"),
                ("founded_on", "2999-01-01"),
                ("address", "a"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("不能晚于今天"),
        "future founding date explained"
    );
    assert!(html.contains("专业领域"), "missing fields named");
    // A federation edits its assessment standard on a page; weights must add up to 100.
    let ln = app.sign_in_demo("ln.admin").await;
    let province = app.org_id("CN-LN").await;
    let (status, html) = ln.page("/studios/standards").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("achievements"));
    let path = format!("/studios/standards/{province}");
    let r = ln
        .post_form(
            &path,
            &[
                ("code", "achievements"),
                ("weight", "70"),
                ("code", "conditions"),
                ("weight", "20"),
                ("excellent_min", "90"),
                ("pass_min", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("合计为 90"));
    let r = ln
        .post_form(
            &path,
            &[
                ("code", "achievements"),
                ("weight", "70"),
                ("code", "conditions"),
                ("weight", "30"),
                ("excellent_min", "90"),
                ("pass_min", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = union
        .post_form(
            &path,
            &[
                ("code", "achievements"),
                ("weight", "100"),
                ("excellent_min", "90"),
                ("pass_min", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM assessment_standards").await,
        1
    );
    // Photos: an image is accepted, anything else refused by its contents.
    let png: Vec<u8> = (0..crate::studios::PNG.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&crate::studios::PNG[i..i + 2], 16).unwrap())
        .collect();
    let api = app.api_as("ref.union").await;
    let (status, d) = api
        .post_multipart(&format!("/studios/{id}/photos"), "kiln.png", png)
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["photos"].as_array().unwrap().len(), 1);
    let (status, e) = api
        .post_multipart(
            &format!("/studios/{id}/photos"),
            "kiln.png",
            b"not a png".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = api
        .post_multipart(
            &format!("/studios/{id}/photos"),
            "notes.pdf",
            b"%PDF-1.4 x".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(codes(&e).contains(&"photo_not_image".to_string()), "{e}");
    let url = d["photos"][0]["url"].as_str().unwrap();
    let r = visitor.get(url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
}
on_both!(the_pages_are_public_and_the_forms_protected);

/// A national registry holds tens of thousands of studios: the list counts to 1,000 and says
/// "more than" past it, in the page and the API, and still shows the highest levels first.
async fn a_large_registry_counts_to_a_thousand(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let before = app.count("SELECT COUNT(*) FROM studios").await;
    assert!(before < 1_000, "{before}");
    // Unnamed studios of the Zhao Pengda company, enough to pass the cap.
    app.execute(ingot_store::Sql::new(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
         INSERT INTO studios (unit_id, lead_id, kind, name, founded_on, address, description,
             status, version, created_at, updated_at)
         SELECT s.unit_id, s.lead_id, 'employee', '批量工作室' || CAST(n.i AS TEXT), '2020-01-01',
             'x', 'x', 'active', 1, 0, 0
         FROM n JOIN studios s ON s.name = '赵鹏达劳模创新工作室'",
    ))
    .await;
    let visitor = app.visitor().await;
    let (status, html) = visitor.page("/studios").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("超过 1000 条"), "{html}");
    let (status, list) = app.api_as("admin").await.get("/studios?per_page=5").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        (&list["total"], &list["total_exact"]),
        (&json!(1000), &json!(false))
    );
    // The named studio before the thousand unnamed ones.
    assert_eq!(list["items"][0]["name"], ZHAO, "{list}");
    // A narrower list is counted exactly, by name or lead (joined) as by level (not).
    let (_, named) = app
        .api_as("admin")
        .await
        .get("/studios?q=%E6%89%B9%E9%87%8F%E5%B7%A5%E4%BD%9C%E5%AE%A499") // 批量工作室99
        .await;
    assert_eq!(
        (&named["total"], &named["total_exact"]),
        (&json!(11), &json!(true))
    );
    let (_, provincial) = app
        .api_as("admin")
        .await
        .get("/studios?level=provincial")
        .await;
    assert_eq!(provincial["total_exact"], true);
    assert_eq!(
        provincial["total"].as_i64().unwrap(),
        app.count("SELECT COUNT(*) FROM studios WHERE level = 'provincial'")
            .await
    );
}
on_both!(a_large_registry_counts_to_a_thousand);
