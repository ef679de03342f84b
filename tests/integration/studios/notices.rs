//! A naming notice names a batch of studios: recorded from one notice number and day, they are
//! listed on the notice's public page and in the API, and the notice prints as a PDF with its
//! Chinese font embedded and downloads as a Word document for the clerks.

use super::create_studio;
use crate::on_both;
use crate::support::pdf::{embedded_chinese_font, fetch_pdf, fetch_zh, words};
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const NUMBER: &str = "锦工发〔2024〕7号";
const TITLE: &str = "关于命名2024年度锦州市职工创新工作室的通知";

async fn one_notice_names_a_batch_of_studios_and_prints(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let city = app.api_as("jz.admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await;
    let kiln = create_studio(&app, &city, "窑炉节能职工创新工作室", "li.ming").await;
    let tests = create_studio(&app, &city, "检测技术职工创新工作室", "wang.fang").await;
    let mut notice_ids = Vec::new();
    for studio in [kiln, tests] {
        let (status, d) = city
            .post(
                &format!("/studios/{studio}/namings"),
                json!({ "org_id": jinzhou, "notice_number": NUMBER, "notice_date": "2024-05-20",
                    "notice_title": TITLE }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{d}");
        let naming = &d["namings"][0];
        assert_eq!(naming["notice_number"], NUMBER, "{d}");
        notice_ids.push(naming["notice_id"].as_i64().unwrap());
    }
    assert_eq!(notice_ids[0], notice_ids[1], "one notice for the batch");
    let id = notice_ids[0];
    assert_eq!(
        app.count("SELECT COUNT(*) FROM naming_notices WHERE number = '锦工发〔2024〕7号'")
            .await,
        1
    );

    // The notice over the API: who issued it, and both studios at the municipal level.
    let (status, notice) = city.get(&format!("/naming-notices/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{notice}");
    assert_eq!(notice["number"], NUMBER);
    assert_eq!(notice["title"], TITLE);
    assert_eq!(notice["issued_on"], "2024-05-20");
    assert_eq!(notice["org_id"], jinzhou);
    let named: Vec<(&str, &str)> = notice["studios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["level"].as_str().unwrap()))
        .collect();
    assert_eq!(
        named,
        [
            ("检测技术职工创新工作室", "municipal"),
            ("窑炉节能职工创新工作室", "municipal")
        ]
    );

    // The public page, reached from each studio's page.
    let visitor = app.visitor().await;
    let (status, page) = visitor.page(&format!("/studios/{kiln}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/studios/notices/{id}\"")),
        "{page}"
    );
    let (status, page) = visitor.page(&format!("/studios/notices/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("data-testid=\"notice-studio\"").count(), 2);
    for text in [
        TITLE,
        NUMBER,
        "窑炉节能职工创新工作室",
        "检测技术职工创新工作室",
    ] {
        assert!(page.contains(text), "{text} not on the page");
    }
    let (status, _) = visitor.page("/studios/notices/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Printed, without credentials: the title, the number and both studios, in the font.
    let pdf = fetch_pdf(&app, &format!("/api/v1/naming-notices/{id}/pdf"), None).await;
    embedded_chinese_font(&pdf);
    let printed = words(&pdf);
    for text in [
        TITLE,
        NUMBER,
        "窑炉节能职工创新工作室",
        "检测技术职工创新工作室",
        "市级",
    ] {
        assert!(printed.contains(text), "{text} not in {printed}");
    }
    std::fs::remove_dir_all(pdf.parent().unwrap()).ok();

    // As Word, for the clerks.
    let (status, content_type, bytes) =
        fetch_zh(&app, &format!("/studios/notices/{id}/docx"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.contains("wordprocessingml"), "{content_type}");
    let text = crate::support::pdf::docx_text(bytes);
    for studio in ["窑炉节能职工创新工作室", "检测技术职工创新工作室"] {
        assert!(text.contains(studio), "{studio} not in {text}");
    }
    assert!(text.contains(NUMBER), "{text}");
}
on_both!(one_notice_names_a_batch_of_studios_and_prints);
