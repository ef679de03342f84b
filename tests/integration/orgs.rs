//! The organisation tree through the pages: browse, create with bad input, rename, move,
//! archive, restore, delete, import from real CSV and XLSX files, export.

use crate::on_both;
use crate::support::{Backend, TestApp};
use ingot_domain::org::NewOrg;
use ingot_domain::{OrgKind, Role};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

async fn browse_down_to_the_zhao_pengda_company(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let session = app.sign_in_demo("zhangwenbin").await;
    let (_, tree) = session.page("/orgs").await;
    assert!(tree.contains("中华全国总工会"));
    let mut at = app.org_id("CN").await;
    for next in ["辽宁省总工会", "锦州市总工会", "锦州冶金耐火材料有限公司"]
    {
        let (status, page) = session.page(&format!("/orgs/{at}")).await;
        assert_eq!(status, StatusCode::OK);
        let link = page
            .split("data-testid=\"child-link\">")
            .find(|part| part.starts_with(next))
            .is_some();
        assert!(link, "{next} is listed below");
        let code = match next {
            "辽宁省总工会" => "CN-LN",
            "锦州市总工会" => "CN-LN-JZ",
            _ => "CN-LN-JZ-REF",
        };
        at = app.org_id(code).await;
    }
    let (_, company) = session.page(&format!("/orgs/{at}")).await;
    assert!(company.contains("技术中心") && company.contains("data-testid=\"breadcrumb\""));
    // An employee may browse but not change the tree.
    assert!(!company.contains("data-testid=\"org-edit\""));
    assert!(!company.contains("data-testid=\"org-add-child\""));
    // The tree's nodes open through an htmx fragment.
    let (status, fragment) = session
        .page(&format!("/orgs/{}/children", app.org_id("CN-LN-JZ").await))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        fragment.starts_with("<li")
            && fragment.contains("锦州冶金耐火材料有限公司")
            && !fragment.contains("<html")
    );
}
on_both!(browse_down_to_the_zhao_pengda_company);

async fn create_rename_move_archive_restore_delete(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.sign_in_demo("jz.admin").await;
    let jinzhou = app.org_id("CN-LN-JZ").await.to_string();

    // Bad input: every problem named, in Chinese, nothing saved.
    let before = app.count("SELECT COUNT(*) FROM organisations").await;
    let r = admin
        .post_form(
            "/orgs",
            &[
                ("parent_id", &jinzhou),
                ("code", "has space"),
                ("name", " "),
                ("kind", "enterprise"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("名称：不能为空") || html.contains("不能为空"),
        "{html}"
    );
    assert!(html.contains("只能包含字母、数字"));
    let r = admin
        .post_form(
            "/orgs",
            &[
                ("parent_id", &jinzhou),
                ("code", "JZ-PROV"),
                ("name", "错误层级"),
                ("kind", "province"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不能直接隶属于"));
    let r = admin
        .post_form(
            "/orgs",
            &[
                ("parent_id", &jinzhou),
                ("code", "CN-LN"),
                ("name", "重复编码"),
                ("kind", "enterprise"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("已有其他组织使用该编码"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        before
    );

    // Create.
    let r = admin
        .post_form(
            "/orgs",
            &[
                ("parent_id", &jinzhou),
                ("code", "JZ-NEW"),
                ("name", "锦州新材料公司"),
                ("name_en", "Jinzhou New Materials"),
                ("kind", "enterprise"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = app.org_id("JZ-NEW").await;
    assert_eq!(r.headers()["location"], format!("/orgs/{id}").as_str());
    let (_, page) = admin.page(&format!("/orgs/{id}")).await;
    assert!(
        page.contains("组织机构已创建"),
        "a one-time message is shown"
    );
    let (_, page) = admin.page(&format!("/orgs/{id}")).await;
    assert!(!page.contains("组织机构已创建"), "and only once");

    // Rename, with the audit row holding before and after.
    let r = admin
        .post_form(
            &format!("/orgs/{id}/rename"),
            &[("name", "锦州新材料科技公司"), ("name_en", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'org.rename' AND before_json LIKE '%锦州新材料公司%' AND after_json LIKE '%锦州新材料科技公司%'").await, 1);

    // Move under a district of another city is outside a Jinzhou administrator's reach...
    let r = admin
        .post_form(
            &format!("/orgs/{id}/move"),
            &[("parent_code", "CN-LN-DL-GJZ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // ...moving below itself is refused, and an unknown parent is named.
    let r = admin
        .post_form(
            &format!("/orgs/{}/move", app.org_id("CN-LN-JZ-REF").await),
            &[("parent_code", "CN-LN-JZ-REF-TC")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post_form(&format!("/orgs/{id}/move"), &[("parent_code", "NO-SUCH")])
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("NO-SUCH"));
    assert!(
        html.contains("没有编码为 NO-SUCH 的组织") && !html.contains("文件和系统"),
        "the move form does not talk about a file"
    );
    // The province's administrator may move it.
    let province = app.sign_in_demo("ln.admin").await;
    let r = province
        .post_form(
            &format!("/orgs/{id}/move"),
            &[("parent_code", "CN-LN-DL-GJZ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = province.page(&format!("/orgs/{id}")).await;
    assert!(
        page.contains("甘井子区总工会"),
        "the breadcrumb follows the move"
    );

    // Archive a company with departments: the whole subtree goes, and comes back.
    let company = app.org_id("CN-LN-JZ-REF").await;
    let r = admin
        .post_form(&format!("/orgs/{company}/archive"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations WHERE archived_at IS NOT NULL")
            .await,
        3
    );
    let r = admin
        .post_form(&format!("/orgs/{company}/archive"), &[])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "archiving twice is refused"
    );
    assert!(r.text().await.unwrap().contains("该组织已经归档"));
    let r = admin
        .post_form(&format!("/orgs/{company}/restore"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations WHERE archived_at IS NOT NULL")
            .await,
        0
    );

    // Delete: refused while people belong to it, allowed for an empty one.
    let r = admin
        .post_form(&format!("/orgs/{company}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请改为归档"));
    let r = province.post_form(&format!("/orgs/{id}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations WHERE code = 'JZ-NEW'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'org.delete'")
            .await,
        1
    );
}
on_both!(create_rename_move_archive_restore_delete);

fn xlsx(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn upload(
    session: &crate::support::Session,
    name: &str,
    bytes: Vec<u8>,
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut form = Form::new().text("_csrf", session.csrf.clone());
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
    let r = session
        .client
        .post(session.url("/orgs/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn import_a_tree_from_csv_and_xlsx(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.sign_in_demo("dl.admin").await;
    let before = app.count("SELECT COUNT(*) FROM organisations").await;

    // A bad file: each problem listed by row and column, and nothing saved.
    let bad = "编码,名称,类型,上级编码\n\
               DL-A,大连甲公司,企业,CN-LN-DL\n\
               DL-A,重复编码公司,企业,CN-LN-DL\n\
               DL-B,,企业,CN-LN-DL\n\
               DL-C,未知上级,企业,NOPE\n\
               DL-D,错误类型,星系,CN-LN-DL\n\
               DL-E,越权单位,企业,CN-LN-JZ\n\
               DL-F,循环一,部门,DL-G\n\
               DL-G,循环二,部门,DL-F\n\
               DL-H,倒置,省,DL-A\n\
               DL-I,,星系,NOPE3\n";
    let (status, html) = upload(&admin, "bad.csv", bad.as_bytes().to_vec(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (row, text) in [
        ("3", "在文件中重复出现（首次出现在第 2 行）"),
        ("4", "不能为空"),
        ("5", "文件和系统中都没有编码为 NOPE 的组织"),
        ("6", "未知的组织类型"),
        ("7", "您无权在 CN-LN-JZ 之下新增组织"),
        ("8", "形成循环"),
        ("10", "不能直接隶属于"),
        ("11", "没有编码为 NOPE3 的组织"),
    ] {
        assert!(
            html.contains(&format!("<td class=\"num\" data-label=\"行\">{row}</td>")),
            "row {row} listed"
        );
        assert!(html.contains(text), "row {row}: {text}");
    }
    // A row with several problems lists them all: empty name, unknown kind, unknown parent.
    assert_eq!(
        html.matches("<td class=\"num\" data-label=\"行\">11</td>")
            .count(),
        3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        before,
        "nothing saved"
    );

    // A good CSV as Chinese Excel saves it (GBK), under the Dalian federation.
    let (gbk, _, _) = encoding_rs::GBK.encode(
        "编码,名称,英文名称,类型,上级编码\n\
         DL-SHIP,大连造船示范企业,Dalian Shipbuilding Demo,企业,\n\
         DL-SHIP-W1,第一车间,Workshop 1,部门,DL-SHIP\n",
    );
    let gbk = gbk.into_owned();
    let under = app.org_id("CN-LN-DL").await.to_string();
    let dry_run = [("under", under.as_str()), ("dry_run", "1")];
    let (status, html) = upload(&admin, "good.csv", gbk.clone(), &dry_run).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("全部 2 行检查无误"), "{html}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        before,
        "a dry run saves nothing"
    );
    let (status, html) = upload(&admin, "good.csv", gbk, &[("under", &under)]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已导入 2 个组织机构"));
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations o JOIN organisations p ON p.id = o.parent_id WHERE o.code = 'DL-SHIP-W1' AND p.code = 'DL-SHIP'").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'org.import'")
            .await,
        1
    );

    // An XLSX file with English headers.
    let book = xlsx(&[
        ["code", "name", "name_en", "kind", "parent_code"],
        [
            "DL-PORT",
            "大连港示范企业",
            "Dalian Port Demo",
            "enterprise",
            "CN-LN-DL-ZS",
        ],
        [
            "DL-PORT-1",
            "码头分公司",
            "Terminal Branch",
            "branch",
            "DL-PORT",
        ],
    ]);
    let (status, html) = upload(&admin, "tree.xlsx", book, &[]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations WHERE code IN ('DL-PORT', 'DL-PORT-1')")
            .await,
        2
    );

    // Not a spreadsheet at all; a spreadsheet in disguise; an empty file.
    let (status, html) = upload(&admin, "notes.pdf", b"%PDF-1.7\n\0\0\0binary".to_vec(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("必须是 CSV 或 XLSX 文件"));
    let (status, _) = upload(
        &admin,
        "tree.csv",
        xlsx(&[["code", "name", "name_en", "kind", "parent_code"]]),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, html) = upload(&admin, "empty.csv", Vec::new(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("是空文件"));
    // A file without the needed columns.
    let (status, html) = upload(&admin, "cols.csv", "名称\n甲\n".as_bytes().to_vec(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("文件中缺少 code / 编码 列"), "{html}");
}
on_both!(import_a_tree_from_csv_and_xlsx);

/// Someone with `role` at the organisation `code`; returns the generated password.
async fn person(app: &TestApp, username: &str, code: &str, role: Role) -> String {
    let origin = ingot_domain::audit::RequestOrigin::cli();
    let input = ingot_app::users::NewUserInput {
        org_id: Some(ingot_domain::OrgId(app.org_id(code).await)),
        username: username.into(),
        display_name: username.into(),
        role: Some(role),
        ..Default::default()
    };
    ingot_app::users::create(&app.db, &ingot_app::Caller::system(&origin), &input)
        .await
        .unwrap()
        .generated_password
        .unwrap()
}

/// Every live organisation of the subtree under `code` as (code, name, English name, kind,
/// parent's code), read from the database.
async fn subtree(
    app: &TestApp,
    code: &str,
) -> Vec<(String, String, Option<String>, String, String)> {
    let root = app.org_id(code).await;
    let mut tx = app.db.read().await.unwrap();
    let mut rows: Vec<(String, String, Option<String>, String, String, String)> = tx
        .fetch_all(ingot_store::Sql::new(
            "SELECT o.code, o.name, o.name_en, o.kind, p.code, o.path
             FROM organisations o JOIN organisations p ON p.id = o.parent_id
             WHERE o.archived_at IS NULL",
        ))
        .await
        .unwrap();
    // Paths list the ids from the root down: the subtree is what has the root's id in its path.
    rows.retain(|r| r.5.split('/').any(|id| id == root.to_string()));
    let mut rows: Vec<_> = rows
        .into_iter()
        .map(|(code, name, name_en, kind, parent, _)| (code, name, name_en, kind, parent))
        .collect();
    rows.sort();
    rows
}

async fn export_round_trips_through_import(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.sign_in_demo("nm.admin").await;
    let r = admin.get("/orgs/export?format=xlsx&scope=mine").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let table = ingot_office::read_table(&bytes, 1000).unwrap();
    assert_eq!(
        table.headers,
        vec!["code", "name", "name_en", "kind", "parent_code"]
    );
    let codes: Vec<&str> = table.rows.iter().map(|r| r.get(0)).collect();
    assert!(
        codes.contains(&"CN-NM-BT-NRE-SMELT") && !codes.contains(&"CN-LN"),
        "only Inner Mongolia: {codes:?}"
    );
    let smelting = table
        .rows
        .iter()
        .find(|r| r.get(0) == "CN-NM-BT-NRE-SMELT")
        .unwrap();
    assert_eq!(
        (smelting.get(1), smelting.get(3), smelting.get(4)),
        ("冶炼分公司", "branch", "CN-NM-BT-NRE")
    );

    let r = admin
        .get("/orgs/export?format=csv&kind=enterprise&scope=mine")
        .await;
    let text = r.text().await.unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "Excel needs the BOM to read UTF-8"
    );
    assert_eq!(
        text.lines().count(),
        1 + 5,
        "five enterprises in Inner Mongolia: {text}"
    );

    // The export, re-imported as it is, is refused row by row (the codes exist): nothing doubles.
    let before = app.count("SELECT COUNT(*) FROM organisations").await;
    let (status, html) = upload(&admin, "export.xlsx", bytes.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("已被其他组织使用"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations").await,
        before
    );

    // Imported into a new installation, under its national federation...
    let other = TestApp::spawn_empty(backend).await.unwrap();
    let mut tx = other.db.begin().await.unwrap();
    let new_root = NewOrg {
        parent_id: None,
        code: "CN".into(),
        name: "中华全国总工会".into(),
        name_en: None,
        kind: OrgKind::National,
    };
    ingot_store::orgs::insert(&mut tx, &new_root, None, ingot_domain::Timestamp::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let password = person(&other, "root.admin", "CN", Role::FederationAdmin).await;
    let root_admin = other.sign_in("root.admin", &password).await;
    let (status, html) = upload(&root_admin, "export.xlsx", bytes, &[]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!("已导入 {} 个组织机构", table.rows.len())),
        "{html}"
    );
    // ...the same tree is exported again, cell by cell...
    let password = person(&other, "nm.admin", "CN-NM", Role::FederationAdmin).await;
    let nm_admin = other.sign_in("nm.admin", &password).await;
    let r = nm_admin.get("/orgs/export?format=xlsx&scope=mine").await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = ingot_office::read_table(&r.bytes().await.unwrap(), 1000).unwrap();
    assert_eq!(again.headers, table.headers);
    let cells = |t: &ingot_office::Table| -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| (0..t.headers.len()).map(|i| r.get(i).to_string()).collect())
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(cells(&again), cells(&table));
    // ...and every record has the fields it had.
    let originals = subtree(&app, "CN-NM").await;
    assert_eq!(originals.len(), table.rows.len());
    assert_eq!(subtree(&other, "CN-NM").await, originals);
}
on_both!(export_round_trips_through_import);
