//! Every form control a person fills in has a name a screen reader can say: a `<label for>`, a
//! label around it, or an `aria-label`. Checked on the pages with forms, as the administrator
//! who sees every form, on both databases. (The automated crawl of the accessibility issue found
//! the studio page's photo input without one.)

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

/// The form controls of `html` that have no label, as their opening tags.
fn unlabelled(html: &str) -> Vec<String> {
    let mut missing = Vec::new();
    let mut inside_label = 0usize;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        let lower = tag.to_ascii_lowercase();
        if lower.starts_with("<label") {
            if !lower.contains(" for=") {
                inside_label += 1;
            }
        } else if lower.starts_with("</label") {
            inside_label = inside_label.saturating_sub(1);
        } else if ["<input", "<select", "<textarea"]
            .iter()
            .any(|t| lower.starts_with(t))
        {
            let exempt = ["hidden", "submit", "button", "reset", "image"]
                .iter()
                .any(|t| lower.contains(&format!("type=\"{t}\"")));
            let named = lower.contains("aria-label=") || lower.contains("aria-labelledby=");
            let id = attribute(tag, "id");
            let labelled_by_for = id.is_some_and(|id| html.contains(&format!("for=\"{id}\"")));
            if !exempt && !named && inside_label == 0 && !labelled_by_for {
                missing.push(tag.to_string());
            }
        }
        rest = &rest[end..];
    }
    missing
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

#[test]
fn the_checker_tells_labelled_from_unlabelled() {
    let html = r#"<label for="a">A</label><input id="a" name="a">
        <label>B <input name="b"></label><input name="c" aria-label="C">
        <input type="hidden" name="_csrf"><input type="file" name="file"><select name="s"></select>"#;
    assert_eq!(
        unlabelled(html),
        [r#"<input type="file" name="file">"#, r#"<select name="s">"#]
    );
}

async fn every_form_control_has_a_label(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.sign_in_demo("admin").await;
    let liaoning = app.org_id("CN-LN").await;
    let return_id = {
        let ln = app.api_as("ln.admin").await;
        let (_, r) = ln
            .post(
                "/returns",
                serde_json::json!({"org_id": liaoning, "year": 2020, "title": "年报",
                    "due_on": "2021-01-15"}),
            )
            .await;
        r["id"].as_i64().unwrap()
    };
    let city = app.sign_in_demo("dl.admin").await;
    let pages = [
        (&admin, "/".to_string()),
        (&admin, "/studios".to_string()),
        (&admin, "/studios/1".to_string()),
        (&admin, "/studios/new".to_string()),
        (&admin, "/proposals".to_string()),
        (&admin, "/proposals/new".to_string()),
        (&admin, "/achievements".to_string()),
        (&admin, "/patents".to_string()),
        (&admin, "/skills".to_string()),
        (&admin, "/titles".to_string()),
        (&admin, "/campaigns".to_string()),
        (&admin, "/campaigns/1".to_string()),
        (&admin, "/reports/annual".to_string()),
        (&admin, "/reports/rankings".to_string()),
        (&admin, "/returns".to_string()),
        (&admin, format!("/returns/{return_id}")),
        (&city, format!("/returns/{return_id}")),
        (&admin, "/orgs".to_string()),
        (&admin, "/users".to_string()),
        (&admin, "/account".to_string()),
    ];
    let mut found = Vec::new();
    for (who, path) in pages {
        let (s, html) = who.page(&path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        for tag in unlabelled(&html) {
            found.push(format!("{path}: {tag}"));
        }
    }
    assert!(
        found.is_empty(),
        "controls without a label:\n{}",
        found.join("\n")
    );
}
on_both!(every_form_control_has_a_label);
