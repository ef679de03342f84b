//! An award's certificate as a PDF: the Chinese font embedded, the words on it as the announcement
//! gives them, and a QR code that, decoded from the printed page, opens the award's public
//! verification page, which says who won what, which tier and notice, and that it stands.
//! Poppler's tools read the PDF as any reader would: `pdftotext` for its words, `pdffonts` for its
//! fonts, `pdftoppm` for the page as pixels, which `rqrr` decodes.

use crate::on_both;
use crate::support::pdf::{
    embedded_chinese_font, fetch_pdf, fetch_zh, laid_out_lines, qr_codes, words,
};
use crate::support::{Backend, TestApp};
use ingot_store::Sql;
use reqwest::StatusCode;

async fn a_certificate_prints_with_its_font_and_its_qr_code_opens_the_award(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut tx = app.db.begin().await.unwrap();
    let (id, title, tier): (i64, String, String) = tx
        .fetch_one(Sql::new(
            "SELECT d.id, d.title, d.tier FROM declarations d JOIN campaigns c ON c.id = d.campaign_id
             WHERE c.stage = 'announced' AND d.tier = 'first' ORDER BY d.id LIMIT 1",
        ))
        .await
        .unwrap();
    let (unawarded,): (i64,) = tx
        .fetch_one(Sql::new(
            "SELECT d.id FROM declarations d WHERE d.tier IS NULL ORDER BY d.id LIMIT 1",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(tier, "first");

    // Nobody signed in: a certificate is public, in the reader's language.
    let file = fetch_pdf(&app, &format!("/api/v1/certificates/{id}/pdf"), None).await;
    let dir = file.parent().unwrap().to_path_buf();
    let public = reqwest::Client::new();

    let words = words(&file);
    for expected in [
        "荣誉证书",
        "一等奖",
        "扫码核验",
        &title.replace(char::is_whitespace, ""),
    ] {
        assert!(words.contains(expected), "{expected} not in {words}");
    }
    embedded_chinese_font(&file);

    let codes = qr_codes(&file);
    assert_eq!(codes, vec![app.url(&format!("/certificates/{id}"))]);

    // The address on the paper opens the award's public page: who, what, tier, that it stands.
    let page = public
        .get(&codes[0])
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(&title), "{html}");
    assert!(
        html.contains("data-testid=\"certificate-status\""),
        "{html}"
    );
    assert!(html.contains("一等奖"));
    let r = public
        .get(app.url(&format!("/api/v1/certificates/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let award: serde_json::Value = r.json().await.unwrap();
    assert_eq!(award["title"], title);
    assert_eq!(award["tier"], "first");
    assert_eq!(award["stands"], true);
    assert!(
        award["notice_number"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );

    // A declaration that won nothing has no certificate, on paper or on the page.
    for path in [
        format!("/api/v1/certificates/{unawarded}/pdf"),
        format!("/certificates/{unawarded}/pdf"),
        format!("/certificates/{unawarded}"),
    ] {
        let r = public.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    std::fs::remove_dir_all(dir).ok();
}
on_both!(a_certificate_prints_with_its_font_and_its_qr_code_opens_the_award);

async fn the_announcement_prints_its_notice_and_every_winner(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut tx = app.db.begin().await.unwrap();
    let (campaign, notice): (i64, String) = tx
        .fetch_one(Sql::new(
            "SELECT id, notice_number FROM campaigns WHERE stage = 'announced' ORDER BY id LIMIT 1",
        ))
        .await
        .unwrap();
    let winners: Vec<(String, String)> = tx
        .fetch_all(
            Sql::new(
                "SELECT title, tier FROM declarations WHERE campaign_id = $1 AND tier IS NOT NULL",
            )
            .bind(campaign),
        )
        .await
        .unwrap();
    let losers: Vec<(String,)> = tx
        .fetch_all(
            Sql::new("SELECT title FROM declarations WHERE campaign_id = $1 AND tier IS NULL")
                .bind(campaign),
        )
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(winners.len() >= 50 && !losers.is_empty());
    let path = format!("/api/v1/campaigns/{campaign}/announcement/pdf");
    let file = fetch_pdf(&app, &path, None).await;
    embedded_chinese_font(&file);
    let printed = words(&file);
    assert!(
        printed.contains(&notice.replace(char::is_whitespace, "")),
        "{printed}"
    );
    let rows = laid_out_lines(&file);
    for (title, tier) in &winners {
        let tier = match tier.as_str() {
            "first" => "一等奖",
            "second" => "二等奖",
            "third" => "三等奖",
            _ => "优秀成果",
        };
        // A long title wraps within its cell: its first characters share the line with its tier.
        let start: String = title
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(6)
            .collect();
        let row = format!("{tier}{start}");
        assert!(
            rows.iter().any(|l| l.starts_with(&row)),
            "{row} not in {rows:?}"
        );
    }
    for (title,) in &losers {
        assert!(
            !printed.contains(&title.replace(char::is_whitespace, "")),
            "{title}"
        );
    }
    std::fs::remove_dir_all(file.parent().unwrap()).ok();

    // The same as a Word document for the clerks: the notice and every winner, as text.
    let path = format!("/campaigns/{campaign}/announcement/docx");
    let (status, content_type, bytes) = fetch_zh(&app, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.contains("wordprocessingml"), "{content_type}");
    let text = crate::support::pdf::docx_text(bytes);
    assert!(text.contains(&notice), "{text}");
    for (title, _) in &winners {
        assert!(text.contains(title.as_str()), "{title} not in {text}");
    }
    for (title,) in &losers {
        assert!(!text.contains(title.as_str()), "{title}");
    }
}

on_both!(the_announcement_prints_its_notice_and_every_winner);
