//! Signing in and out, lock-out, expired sessions, CSRF, language, and sessions shared by
//! several servers.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_store::Sql;
use reqwest::StatusCode;

async fn sign_in_see_the_dashboard_and_sign_out(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let visitor = app.visitor().await;
    let (status, landing) = visitor.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(landing.contains("data-testid=\"landing-sign-in\""));
    // People who are not signed in are sent to sign in, and brought back.
    let r = visitor.get("/orgs").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Forgs&reason=unauthenticated"
    );

    let session = app.sign_in_demo("admin").await;
    let (status, html) = session.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"dashboard-title\""), "{html}");
    assert!(
        html.contains("中华全国总工会"),
        "the administrator's scope is named"
    );

    let cookie_before = session
        .client
        .get(session.url("/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(cookie_before.status(), StatusCode::OK);
    let r = session.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = session.get("/account").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the session is gone after signing out"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_out'")
            .await,
        1
    );
}
on_both!(sign_in_see_the_dashboard_and_sign_out);

async fn wrong_passwords_lock_the_account(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let visitor = app.visitor().await;
    for attempt in 1..=5 {
        let r = visitor
            .post_form(
                "/login",
                &[
                    ("username", "zhangwenbin"),
                    ("password", "not the password"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        let html = r.text().await.unwrap();
        // One answer for every failure, locked or not (the audit log tells them apart).
        assert!(
            html.contains("用户名或密码错误"),
            "attempt {attempt}: {html}"
        );
    }
    // Even the right password is refused while locked.
    let password = app.demo_password.clone();
    let r = visitor
        .post_form(
            "/login",
            &[("username", "zhangwenbin"), ("password", &password)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_failed'")
            .await,
        5
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.locked'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_refused_locked'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);

    // An unknown username gets the same answer, and is audited without an organisation.
    let r = visitor
        .post_form(
            "/login",
            &[("username", "nobody"), ("password", "whatever-long")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));

    // The administrator of the enterprise unlocks the account.
    let admin = app.sign_in_demo("nre.union").await;
    let id = app.user_id("zhangwenbin").await;
    let (_, page) = admin.page(&format!("/users/{id}")).await;
    assert!(page.contains("data-testid=\"user-locked\""));
    let r = admin.post_form(&format!("/users/{id}/unlock"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.sign_in("zhangwenbin", &password).await;
}
on_both!(wrong_passwords_lock_the_account);

async fn an_expired_session_asks_to_sign_in_again(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let session = app.sign_in_demo("jz.admin").await;
    assert_eq!(session.get("/orgs").await.status(), StatusCode::OK);
    app.execute(Sql::new("UPDATE sessions SET expires_at = 1"))
        .await;
    let r = session.get("/orgs").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Forgs&reason=session_expired"
    );
    let (_, html) = session
        .page("/login?next=%2Forgs&reason=session_expired")
        .await;
    assert!(html.contains("登录已过期"), "{html}");
    // The API says the same thing, as JSON with a stable code.
    let r = session
        .client
        .get(session.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unauthenticated");
    // The next sign-in, by anyone, sweeps expired sessions away.
    app.sign_in_demo("dl.admin").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE expires_at = 1")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
}
on_both!(an_expired_session_asks_to_sign_in_again);

async fn forged_or_missing_csrf_tokens_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let session = app.sign_in_demo("admin").await;
    let parent = app.org_id("CN-LN-JZ").await.to_string();
    let orgs_before = app.count("SELECT COUNT(*) FROM organisations").await;
    let fields = [
        ("parent_id", parent.as_str()),
        ("code", "FORGED"),
        ("name", "伪造单位"),
        ("kind", "enterprise"),
    ];

    let r = session.post_form_without_csrf("/orgs", &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("安全令牌"));

    let mut forged = vec![("_csrf", "forged-token-forged-token-forged-token")];
    forged.extend_from_slice(&fields);
    let r = session
        .client
        .post(session.url("/orgs"))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The right token from another site is refused too.
    let mut good = vec![("_csrf", session.csrf.as_str())];
    good.extend_from_slice(&fields);
    let r = session
        .client
        .post(session.url("/orgs"))
        .header("origin", "https://evil.example")
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = session
        .client
        .post(session.url("/orgs"))
        .header("sec-fetch-site", "cross-site")
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The API called with the session cookie needs the header.
    let r = session.client.post(session.url("/api/v1/orgs")).json(&serde_json::json!({
        "parent_id": parent.parse::<i64>().unwrap(), "code": "FORGED", "name": "伪造单位", "kind": "enterprise"
    })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "csrf_failed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        orgs_before,
        "nothing was created"
    );

    // With the token, the same form works.
    let r = session.post_form("/orgs", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = session.client.post(session.url("/api/v1/orgs")).header("x-csrf-token", &session.csrf).json(&serde_json::json!({
        "parent_id": parent.parse::<i64>().unwrap(), "code": "FORGED2", "name": "第二个", "kind": "enterprise"
    })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        orgs_before + 2
    );

    // Signing in is protected as well, by the pre-session token.
    let visitor = app.visitor().await;
    let r = visitor
        .post_form_without_csrf("/login", &[("username", "admin"), ("password", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
on_both!(forged_or_missing_csrf_tokens_change_nothing);

async fn the_language_follows_the_browser_then_the_choice(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let english = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = english
        .get(app.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in to Ingot") && html.contains("lang=\"en\""));
    let html = english
        .get(app.url("/login"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("登录 Ingot") && html.contains("lang=\"zh-CN\""));

    let session = app.sign_in_demo("zhaopengda").await;
    let r = session
        .post_form("/lang", &[("lang", "en"), ("next", "/orgs")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/orgs");
    let (_, html) = session.page("/orgs").await;
    assert!(
        html.contains(">Organisations<"),
        "the page is in English now"
    );
    // The choice is kept on the account: a new browser signing in gets English too.
    let again = app.sign_in_demo("zhaopengda").await;
    let (_, html) = again.page("/").await;
    assert!(html.contains("Dashboard"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'zhaopengda' AND lang = 'en'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.set_language'")
            .await,
        1
    );
    // An unknown language is refused with a message.
    let r = session.post_form("/lang", &[("lang", "fr")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A redirect elsewhere is not followed.
    let r = session
        .post_form(
            "/lang",
            &[("lang", "zh"), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/");
}
on_both!(the_language_follows_the_browser_then_the_choice);

async fn servers_share_sessions_through_the_database(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let session = app.sign_in_demo("ln.admin").await;
    let (second, _stop) = app.second_server().await;
    // The same cookie jar, sent to the other process.
    let r = session
        .client
        .get(format!("{second}/orgs"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a session made by one server is valid on another"
    );
    let r = session
        .client
        .post(format!("{second}/logout"))
        .form(&[("_csrf", session.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        session.get("/orgs").await.status(),
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
}
on_both!(servers_share_sessions_through_the_database);

async fn changing_a_password_ends_other_sessions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let phone = app.sign_in_demo("ref.reviewer").await;
    let desk = app.sign_in_demo("ref.reviewer").await;
    let old = app.demo_password.clone();
    let r = desk
        .post_form(
            "/account/password",
            &[
                ("current_password", "wrong one"),
                ("new_password", "a new long passphrase"),
                ("confirm_password", "a new long passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("当前密码"));
    let r = desk
        .post_form(
            "/account/password",
            &[
                ("current_password", &old),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("至少需要 10 个字符"));
    // The form asks twice; a second one left empty does not match.
    let r = desk
        .post_form(
            "/account/password",
            &[
                ("current_password", &old),
                ("new_password", "a new long passphrase"),
                ("confirm_password", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("与新密码不一致"));
    let r = desk
        .post_form(
            "/account/password",
            &[
                ("current_password", &old),
                ("new_password", "a new long passphrase"),
                ("confirm_password", "a new long passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        desk.get("/account").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        phone.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other one ends"
    );
    app.sign_in("ref.reviewer", "a new long passphrase").await;
}
on_both!(changing_a_password_ends_other_sessions);

async fn tokens_are_made_and_revoked_on_the_account_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let session = app.sign_in_demo("expert.li").await;
    let r = session.post_form("/account/tokens", &[("name", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不能为空"));
    let r = session
        .post_form("/account/tokens", &[("name", "评审脚本")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let secret: String = html
        .split("<div class=\"secret\">")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(secret.starts_with("ingot_"));
    let api = crate::support::ApiClient::new(&app.base, &secret, "zh");
    assert_eq!(api.get("/me").await.1["user"]["username"], "expert.li");
    let (_, page) = session.page("/account").await;
    assert!(
        page.contains("评审脚本") && !page.contains(&secret),
        "the secret is never shown again"
    );
    let id = app.count("SELECT MAX(id) FROM api_tokens").await;
    let r = session
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(api.get("/me").await.0, StatusCode::UNAUTHORIZED);
    // Someone else's token cannot be revoked from here.
    let other = app.sign_in_demo("zhangwenbin").await;
    let r = other
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
on_both!(tokens_are_made_and_revoked_on_the_account_page);
