//! People: creating, roles on subtrees, what each administrator may and may not do.

use crate::on_both;
use crate::support::{Backend, TestApp};
use reqwest::StatusCode;

async fn a_unit_admin_manages_their_own_people_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.sign_in_demo("ref.union").await;

    // Create a person with a generated password, shown once.
    let r = union
        .post_form(
            "/users",
            &[
                ("org_code", "CN-LN-JZ-REF-KILN"),
                ("username", "Wang.Li"),
                ("display_name", "王立"),
                ("email", ""),
                ("role", "employee"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"generated-password\""));
    let password: String = html
        .split("<div class=\"secret\">")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    let worker = app.sign_in("wang.li", &password).await;
    let (_, home) = worker.page("/").await;
    assert!(
        home.contains("窑炉车间"),
        "an employee's dashboard shows their own unit"
    );
    assert_eq!(worker.get("/users").await.status(), StatusCode::FORBIDDEN);

    // Bad input names each field; a taken username is a conflict on its field.
    let r = union
        .post_form(
            "/users",
            &[
                ("org_code", "CN-LN-JZ-REF"),
                ("username", "x"),
                ("display_name", ""),
                ("email", "not-mail"),
                ("role", "employee"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for text in [
        "长度须在 2 到 64 个字符之间",
        "不是有效的电子邮箱",
        "至少需要 10 个字符",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let r = union
        .post_form(
            "/users",
            &[
                ("org_code", "CN-LN-JZ-REF"),
                ("username", "zhaopengda"),
                ("display_name", "重名"),
                ("role", "employee"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("该用户名已被使用"));
    let r = union
        .post_form(
            "/users",
            &[
                ("org_code", "NO-SUCH-ORG"),
                ("username", "someone"),
                ("display_name", "某人"),
                ("role", "employee"),
            ],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("没有编码为 NO-SUCH-ORG 的组织")
    );

    // Outside the enterprise: another city's people are not even visible.
    let r = union
        .post_form(
            "/users",
            &[
                ("org_code", "CN-LN-DL"),
                ("username", "outsider"),
                ("display_name", "外人"),
                ("role", "employee"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin_id = app.user_id("dl.admin").await;
    assert_eq!(
        union.get(&format!("/users/{admin_id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Federation roles come from federations.
    let id = app.user_id("wang.li").await.to_string();
    let r = union
        .post_form(
            &format!("/users/{id}/grants"),
            &[("role", "federation_admin"), ("org_code", "CN-LN-JZ-REF")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = union
        .post_form(
            &format!("/users/{id}/grants"),
            &[("role", "reviewer"), ("org_code", "CN-LN-JZ-REF-KILN")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = union
        .post_form(
            &format!("/users/{id}/grants"),
            &[("role", "reviewer"), ("org_code", "CN-LN-JZ-REF-KILN")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the same grant twice"
    );
    assert!(r.text().await.unwrap().contains("已拥有这一角色"));

    // The list only holds the enterprise's people.
    let (_, list) = union.page("/users").await;
    assert!(
        list.contains("zhaopengda") && list.contains("wang.li") && !list.contains("zhangwenbin")
    );

    // Deactivated people cannot sign in (told only that sign-in failed); their sessions end.
    let r = union
        .post_form(&format!("/users/{id}/deactivate"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(worker.get("/account").await.status(), StatusCode::SEE_OTHER);
    let visitor = app.visitor().await;
    let r = visitor
        .post_form(
            "/login",
            &[("username", "wang.li"), ("password", &password)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_refused_disabled'")
            .await,
        1
    );
}
on_both!(a_unit_admin_manages_their_own_people_only);

async fn nobody_takes_over_a_more_powerful_account(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // A federation administrator registered inside an enterprise (unusual, but possible).
    let city = app.sign_in_demo("jz.admin").await;
    let union_user = app.user_id("ref.union").await.to_string();
    let r = city
        .post_form(
            &format!("/users/{union_user}/grants"),
            &[("role", "federation_admin"), ("org_code", "CN-LN-JZ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Now a colleague with only the enterprise's admin role cannot reset that account.
    let r = city
        .post_form(
            "/users",
            &[
                ("org_code", "CN-LN-JZ-REF"),
                ("username", "second.union"),
                ("display_name", "第二工会管理员"),
                ("role", "unit_admin"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let second = app.sign_in("second.union", "a long enough password").await;
    let r = second
        .post_form(&format!("/users/{union_user}/password"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nor withdraw their own role.
    let grant = app.count("SELECT MIN(g.id) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'second.union'").await;
    let own = app.user_id("second.union").await;
    let r = second
        .post_form(&format!("/users/{own}/grants/{grant}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不能撤销自己的角色"));
}
on_both!(nobody_takes_over_a_more_powerful_account);
