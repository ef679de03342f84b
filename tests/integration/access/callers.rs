//! The personas' clients: a browser session for pages and a token for the API.

use super::{Persona, token_of};
use crate::support::TestApp;
use reqwest::{Client, Method, StatusCode};
use serde_json::json;

/// One person calling routes: a browser session for pages, a token for the API.
pub(super) struct Caller_ {
    pub(super) persona: Persona,
    browser: Client,
    csrf: String,
    /// `None` for nobody: API calls carry no credentials.
    token: Option<String>,
    pub(super) username: Option<&'static str>,
}

impl Caller_ {
    pub(super) async fn new(app: &TestApp, persona: Persona) -> Caller_ {
        let username = match persona {
            Persona::Nobody => None,
            Persona::Employee => Some("zhangwenbin"),
            Persona::Admin => Some("nm.admin"),
            Persona::Expert => Some("nm.expert.t"),
            Persona::Blind => Some("ref.reviewer"),
            Persona::Finance => Some("nm.finance.t"),
        };
        let session = match username {
            Some(u) => app.sign_in_demo(u).await,
            None => app.visitor().await,
        };
        let token = match username {
            Some(u) => Some(token_of(app, u).await),
            None => None,
        };
        Caller_ {
            persona,
            browser: session.client,
            csrf: session.csrf,
            token,
            username,
        }
    }

    /// Calls a route with an empty body of the kind it expects; returns status and everything
    /// the answer carries (headers and body) as text.
    pub(super) async fn call(
        &self,
        app: &TestApp,
        method: &str,
        path: &str,
    ) -> (StatusCode, String) {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let url = app.url(path);
        let request = if path.starts_with("/api/") {
            let client = Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let mut r = client.request(method.clone(), &url);
            if let Some(t) = &self.token {
                r = r.bearer_auth(t);
            }
            if method != Method::GET && method != Method::DELETE {
                r = r.json(&json!({}));
            }
            r
        } else {
            let mut r = self.browser.request(method.clone(), &url);
            if method != Method::GET {
                r = r.form(&[("_csrf", self.csrf.as_str())]);
            }
            r
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        let mut text = String::new();
        for (name, value) in response.headers() {
            text.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        let bytes = response.bytes().await.unwrap();
        text.push_str(&String::from_utf8_lossy(&bytes));
        (status, text)
    }
}
