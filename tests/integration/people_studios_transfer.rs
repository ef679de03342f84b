//! People with their roles, and studios with their members, in and out as spreadsheets: an
//! export imports again as new people and studios with the same particulars, roles and members;
//! a wrong file is refused row by row and column, in the reader's language; an imported person
//! cannot sign in until a password is set; a studio's members can be named when it is registered.

use crate::on_both;
use crate::records_transfer::{client, import_columns, json_import, sorted_rows, table_at};
use crate::support::{Backend, TestApp};
use ingot_office::Table;
use ingot_store::Sql;
use reqwest::StatusCode;
use serde_json::json;

/// The Jinzhou refractories company of the demo, with Zhao Pengda's studio.
const COMPANY: &str = "CN-LN-JZ-REF";

/// The table's rows with `column` changed by `change`, as a CSV file with the same headings.
fn changed(table: &Table, column: usize, change: impl Fn(&str) -> String) -> (Table, Vec<u8>) {
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            (0..table.headers.len())
                .map(|c| {
                    let cell = r.get(c);
                    if c == column {
                        change(cell)
                    } else {
                        cell.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let heads: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    let file = ingot_office::write_csv(&heads, &rows);
    let table = ingot_office::read_table(&file, 100_000).unwrap();
    (table, file)
}

fn codes_of(report: &serde_json::Value) -> Vec<(i64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn people_exported_import_again_as_new_people_with_their_roles(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let city = client(&app, "jz.admin", "zh").await;
    let company = app.org_id(COMPANY).await;
    let path = format!("/users/export?org={company}&format=xlsx");
    let before = table_at(&city, &path).await;
    let in_company = app
        .count(
            "SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.org_id
             WHERE o.code = 'CN-LN-JZ-REF' OR o.code LIKE 'CN-LN-JZ-REF-%'",
        )
        .await;
    assert_eq!(before.rows.len() as i64, in_company);
    assert!(in_company >= 8, "{in_company}");
    let columns = import_columns(&city, "people").await;
    assert_eq!(columns, 5, "{:?}", before.headers);
    // Zhao Pengda's row names his two roles in Chinese.
    let zhao = before
        .rows
        .iter()
        .find(|r| r.get(1) == "zhaopengda")
        .expect("zhaopengda exported");
    assert_eq!(zhao.get(0), "CN-LN-JZ-REF-TC");
    assert_eq!(zhao.get(2), "赵鹏达");
    let mut roles: Vec<&str> = zhao.get(4).split(", ").collect();
    roles.sort_unstable();
    assert_eq!(roles, ["工作室领办人", "职工"]);

    // The same file again: every row's username is taken, and nothing is saved.
    let (_, _, file) = city.get_file(&path).await;
    let (status, report) = json_import(&city, "kind=people", file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let problems = codes_of(&report);
    assert_eq!(problems.len(), before.rows.len(), "{report}");
    assert!(
        problems
            .iter()
            .all(|(_, column, code)| code == "username_taken" && column == "用户名"),
        "{report}"
    );

    // Under new usernames the file makes new people with the same particulars and roles.
    let (renamed, file) = changed(&before, 1, |u| format!("copy.{u}"));
    let (status, report) = json_import(&city, "kind=people", file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["saved"], before.rows.len());
    let after = table_at(&city, "/users/export?q=copy.&format=csv").await;
    assert_eq!(after.headers, before.headers);
    assert_eq!(sorted_rows(&after, columns), sorted_rows(&renamed, columns));
    let originals = app
        .count(
            "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id
             JOIN organisations o ON o.id = u.org_id
             WHERE g.org_id = u.org_id AND u.username NOT LIKE 'copy.%'
               AND (o.code = 'CN-LN-JZ-REF' OR o.code LIKE 'CN-LN-JZ-REF-%')",
        )
        .await;
    let copies = app
        .count(
            "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id
             WHERE g.org_id = u.org_id AND u.username LIKE 'copy.%'",
        )
        .await;
    assert_eq!(copies, originals);
    crate::audit::assert_audit_tally_is_exact(&app).await;

    // Nobody knows an imported person's password: not even an empty one signs in, until an
    // administrator sets one.
    for password in ["", "!unset", "copy.zhaopengda"] {
        let attempt = app
            .visitor()
            .await
            .post_form(
                "/login",
                &[("username", "copy.zhaopengda"), ("password", password)],
            )
            .await;
        assert_ne!(attempt.status(), StatusCode::SEE_OTHER, "{password:?}");
    }
    let id = app.user_id("copy.zhaopengda").await;
    let (status, reset) = city.post(&format!("/users/{id}/password"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let password = reset["generated_password"].as_str().unwrap();
    app.visitor()
        .await
        .sign_in("copy.zhaopengda", password)
        .await;
}
on_both!(people_exported_import_again_as_new_people_with_their_roles);

async fn a_wrong_people_file_is_refused_row_by_row_in_the_readers_language(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The company's union administrator, with headings as a clerk would write them.
    let union = client(&app, "ref.union", "zh").await;
    let file = "单位编码,用户名,姓名,邮箱,角色\n\
        CN-LN-JZ-REF,new.one,新一,not-an-email,职工\n\
        CN-LN-JZ-REF,ZhaoPengDa,重名,,\n\
        CN-LN-JZ-REF,new.two,新二,,魔法师\n\
        CN-NM-BT-NRE,new.three,新三,,\n\
        CN-LN-JZ-REF,new.four,新四,,工会管理员\n\
        CN-LN-JZ-REF-TC,new.five,新五,five@example.com,审核人、职工\n";
    let people = "SELECT COUNT(*) FROM users";
    let before = app.count(people).await;
    let (status, report) = json_import(&union, "kind=people", file.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let expected: Vec<(i64, String, String)> = [
        (2, "邮箱", "invalid_email"),
        (3, "用户名", "username_taken"),
        (4, "角色", "unknown_option"),
        (5, "单位编码", "unit_outside_scope"),
        (6, "角色", "role_not_grantable"),
    ]
    .iter()
    .map(|(r, c, code)| (*r, c.to_string(), code.to_string()))
    .collect();
    assert_eq!(codes_of(&report), expected, "{report}");
    let messages: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages[2].starts_with("角色："), "{messages:?}");
    assert!(messages[4].contains("federation_admin") || messages[4].contains("工会管理员"));
    assert_eq!(app.count(people).await, before, "nothing saved");

    // Only the right rows, when asked: the fifth person, with both roles, on their unit.
    let (status, report) = json_import(
        &union,
        "kind=people&keep_valid=true",
        file.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["saved"], 1);
    assert_eq!(app.count(people).await, before + 1);
    let id = app.user_id("new.five").await;
    let (_, person) = union.get(&format!("/users/{id}")).await;
    let mut roles: Vec<&str> = person["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["role"].as_str().unwrap())
        .collect();
    roles.sort_unstable();
    assert_eq!(roles, ["employee", "reviewer"], "{person}");
    assert_eq!(person["user"]["email"], "five@example.com");
}
on_both!(a_wrong_people_file_is_refused_row_by_row_in_the_readers_language);

async fn studios_exported_import_again_with_their_members(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let city = client(&app, "jz.admin", "en").await;
    let company = app.org_id(COMPANY).await;
    let path = format!("/studios/export?unit={company}&format=xlsx");
    let before = table_at(&city, &path).await;
    let in_company = app
        .count(
            "SELECT COUNT(*) FROM studios s JOIN organisations o ON o.id = s.unit_id
             WHERE o.code = 'CN-LN-JZ-REF' OR o.code LIKE 'CN-LN-JZ-REF-%'",
        )
        .await;
    assert!(in_company >= 1);
    assert_eq!(before.rows.len() as i64, in_company);
    let columns = import_columns(&city, "studios").await;
    assert_eq!(columns, 9, "{:?}", before.headers);
    // Zhao Pengda's studio: its fields by name and its present members by username.
    let zhao = before
        .rows
        .iter()
        .find(|r| r.get(3) == "zhaopengda")
        .expect("Zhao Pengda's studio exported");
    assert_eq!(
        zhao.get(6),
        "Metallurgy, Refractories, Resources and environment"
    );
    let present = app
        .count(
            "SELECT COUNT(*) FROM studio_members m JOIN studios s ON s.id = m.studio_id
             JOIN users u ON u.id = s.lead_id
             WHERE u.username = 'zhaopengda' AND m.left_on IS NULL AND m.role = 'member'",
        )
        .await;
    assert!(present >= 3, "{present}");
    assert_eq!(zhao.get(8).split(", ").count() as i64, present);

    // Under other names the file registers the same studios again, with the same members.
    let (renamed, file) = changed(&before, 1, |name| format!("{name} II"));
    let (status, report) = json_import(&city, "kind=studios", file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["saved"], before.rows.len());
    let after = table_at(
        &city,
        &format!("/studios/export?unit={company}&q=%20II&format=csv"),
    )
    .await;
    assert_eq!(sorted_rows(&after, columns), sorted_rows(&renamed, columns));
    crate::studios::assert_studio_tally_is_exact(&app).await;
    crate::audit::assert_audit_tally_is_exact(&app).await;

    // A wrong file: a member from another enterprise, a field nobody knows, a lead nobody is.
    let heads: Vec<&str> = before.headers.iter().map(String::as_str).collect();
    let first = &renamed.rows[0];
    let row = |column: usize, value: &str| {
        let mut r: Vec<String> = (0..heads.len()).map(|c| first.get(c).to_string()).collect();
        r[1] = format!("Wrong {column}");
        r[column] = value.to_string();
        r
    };
    let rows = vec![
        row(8, "dl.liu.gang"),
        row(6, "Metallurgy, Alchemy"),
        row(3, "nobody.here"),
    ];
    let studios = "SELECT COUNT(*) FROM studios";
    let count = app.count(studios).await;
    let file = ingot_office::write_csv(&heads, &rows);
    let (status, report) = json_import(&city, "kind=studios", file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let expected: Vec<(i64, String, String)> = vec![
        (2, heads[8].to_string(), "member_outside_unit".to_string()),
        (3, heads[6].to_string(), "unknown_option".to_string()),
        (4, heads[3].to_string(), "unknown_user".to_string()),
    ];
    assert_eq!(codes_of(&report), expected, "{report}");
    assert_eq!(app.count(studios).await, count);
}
on_both!(studios_exported_import_again_with_their_members);

async fn a_studio_is_registered_with_its_members_on_the_form(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = app.sign_in_demo("ref.union").await;
    let unit = app.org_id("CN-LN-JZ-REF-KILN").await.to_string();
    let form = |members: &'static str| {
        vec![
            ("name", "窑炉节能创新工作室"),
            ("kind", "employee"),
            ("unit_id", unit.as_str()),
            ("lead", "li.ming"),
            ("founded_on", "2023-03-01"),
            ("address", "窑炉车间"),
            ("fields", "energy"),
            ("members", members),
        ]
    };
    // Someone of another enterprise is refused, by name, and nothing is registered.
    let studios = "SELECT COUNT(*) FROM studios";
    let before = app.count(studios).await;
    let refused = union
        .post_form("/studios", &form("sun.qiang\ndl.liu.gang"))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("data-testid=\"error-members\""), "{page}");
    assert!(page.contains("dl.liu.gang"), "the member is named");
    assert!(page.contains("sun.qiang"), "the form keeps what was typed");
    assert_eq!(app.count(studios).await, before);

    let made = union
        .post_form("/studios", &form("sun.qiang\nwang.fang"))
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let mut tx = app.db.read().await.unwrap();
    let members: Vec<(String, String, String)> = tx
        .fetch_all(Sql::new(
            "SELECT u.username, m.role, m.joined_on FROM studio_members m
             JOIN users u ON u.id = m.user_id JOIN studios s ON s.id = m.studio_id
             WHERE s.name = '窑炉节能创新工作室' ORDER BY u.username",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let day = "2023-03-01".to_string();
    assert_eq!(
        members,
        vec![
            ("li.ming".to_string(), "lead".to_string(), day.clone()),
            ("sun.qiang".to_string(), "member".to_string(), day.clone()),
            ("wang.fang".to_string(), "member".to_string(), day),
        ]
    );
}
on_both!(a_studio_is_registered_with_its_members_on_the_form);
