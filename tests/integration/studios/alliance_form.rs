//! A federation forms an alliance or a mentoring pair on a page (it was API-only): the form
//! offers the active studios of its area, names a wrong choice, and the alliance's page and each
//! studio's history show the result.

use super::{ZHAO, create_studio, zhao_id};
use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

async fn a_mentoring_pair_is_formed_on_the_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("jz.admin").await;
    let young = create_studio(&app, &api, "青年技术攻关职工创新工作室", "sun.qiang").await;
    let third = create_studio(&app, &api, "检测技术职工创新工作室", "wang.fang").await;
    let zhao = zhao_id(&app).await;
    let jinzhou = app.org_id("CN-LN-JZ").await.to_string();
    let city = app.sign_in_demo("jz.admin").await;

    // The form offers the area's active studios.
    let (status, html) = city
        .page(&format!("/studios/alliances/new?org={jinzhou}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for id in [zhao, young, third] {
        assert!(
            html.contains(&format!("data-testid=\"alliance-studio-{id}\"")),
            "{id}"
        );
    }
    assert!(html.contains(ZHAO));

    // A pair of three is refused, naming the studios' field; nothing is formed.
    let (zhao_s, young_s, third_s) = (zhao.to_string(), young.to_string(), third.to_string());
    let mut fields = vec![
        ("org_id", jinzhou.as_str()),
        ("kind", "pairing"),
        ("name", "赵鹏达工作室带教青年攻关工作室"),
        ("founded_on", "2024-05-01"),
        ("lead_studio_id", zhao_s.as_str()),
        ("studio_ids", young_s.as_str()),
        ("studio_ids", third_s.as_str()),
        ("description", ""),
    ];
    let refused = city.post_form("/studios/alliances", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("data-testid=\"error-studio_ids\""), "{page}");
    assert_eq!(app.count("SELECT COUNT(*) FROM alliances WHERE kind = 'pairing' AND name LIKE '赵鹏达工作室带教%'").await, 0);

    // The pair of two is formed, and shown.
    fields.retain(|(k, v)| !(*k == "studio_ids" && *v == third_s));
    let made = city.post_form("/studios/alliances", &fields).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let to = made.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/studios/alliances/"), "{to}");
    let (_, shown) = app.visitor().await.page(&to).await;
    assert!(shown.contains("赵鹏达工作室带教青年攻关工作室"));
    assert!(shown.contains("青年技术攻关职工创新工作室") && shown.contains(ZHAO));
    let (_, studio) = app.visitor().await.page(&format!("/studios/{young}")).await;
    assert!(
        studio.contains("赵鹏达工作室带教青年攻关工作室"),
        "in the studio's page"
    );

    // Someone who runs no namings is refused the form.
    let clerk = app.sign_in_demo("li.ming").await;
    let (status, _) = clerk.page("/studios/alliances/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
on_both!(a_mentoring_pair_is_formed_on_the_page);
