//! Records in and out as spreadsheets: an export imports again as the same records, a template
//! filled in imports, a wrong file is refused row by row (or sent back marked), the right rows
//! alone are saved when asked (and the rows left out are in the audit log), and a unit outside
//! the importer's reach is a problem of its row.

use crate::on_both;
use crate::support::{ApiClient, Backend, TestApp};
use ingot_office::{Table, read_table};
use ingot_store::Sql;
use reqwest::StatusCode;

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) async fn client(app: &TestApp, username: &str, lang: &str) -> ApiClient {
    ApiClient::new(&app.base, &app.token_for(username).await, lang)
}

/// The file at `path`, read back as a table.
pub(crate) async fn table_at(api: &ApiClient, path: &str) -> Table {
    let (status, content_type, bytes) = api.get_file(path).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        content_type.starts_with(XLSX) || content_type.starts_with("text/csv"),
        "{content_type}"
    );
    read_table(&bytes, 100_000).unwrap()
}

/// The rows' first `columns` cells (those the import reads), sorted.
pub(crate) fn sorted_rows(table: &Table, columns: usize) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| (0..columns).map(|c| r.get(c).to_string()).collect())
        .collect();
    rows.sort();
    rows
}

/// How many columns the import of `kind` reads: those of its template, which the export
/// writes first. (The export's other columns, such as the benefit finance verified, are not
/// typed in: an imported record starts unverified.)
pub(crate) async fn import_columns(api: &ApiClient, kind: &str) -> usize {
    let template = table_at(
        api,
        &format!("/records/import/template?kind={kind}&format=csv"),
    )
    .await;
    template.headers.len()
}

pub(crate) async fn json_import(
    api: &ApiClient,
    query: &str,
    bytes: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let (status, _, body) = api
        .post_file(&format!("/records/import?{query}"), bytes)
        .await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("{status}: {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// How many records of `kind` belong to units in Dalian, counted in the database.
async fn in_dalian(app: &TestApp, kind: &str) -> usize {
    let sql = match kind {
        "achievements" => {
            "SELECT COUNT(*) FROM achievements r JOIN organisations u ON u.id = r.unit_id WHERE u.code LIKE 'CN-LN-DL%'"
        }
        "skills" => {
            "SELECT COUNT(*) FROM skills r JOIN organisations u ON u.id = r.unit_id WHERE u.code LIKE 'CN-LN-DL%'"
        }
        _ => {
            "SELECT COUNT(*) FROM titles r JOIN organisations u ON u.id = r.unit_id WHERE u.code LIKE 'CN-LN-DL%'"
        }
    };
    let n = app.count(sql).await;
    assert!(n >= 10, "{kind}: {n}");
    usize::try_from(n).unwrap()
}

async fn exported_records_import_again_as_the_same_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = client(&app, "dl.admin", "zh").await;
    let dalian = app.org_id("CN-LN-DL").await;

    // Achievements and skills: importing the export adds each record a second time, field for
    // field (the export after the import holds every row twice).
    for (kind, format) in [("achievements", "xlsx"), ("skills", "csv")] {
        let columns = import_columns(&union, kind).await;
        let path = format!("/{kind}/export?unit_id={dalian}&format={format}");
        let before = table_at(&union, &path).await;
        assert_eq!(before.rows.len(), in_dalian(&app, kind).await, "{kind}");
        let (_, _, file) = union.get_file(&path).await;
        let (status, report) = json_import(&union, &format!("kind={kind}"), file).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {report}");
        assert_eq!(report["saved"], before.rows.len(), "{kind}");
        let after = table_at(&union, &path).await;
        assert_eq!(after.headers, before.headers, "{kind}");
        assert_eq!(after.headers[..columns].len(), columns);
        let mut twice = sorted_rows(&before, columns);
        twice.extend(sorted_rows(&before, columns));
        twice.sort();
        assert_eq!(sorted_rows(&after, columns), twice, "{kind}");
    }

    // An import writes the tallies it counts into once, at its end: they are exact, recounted
    // from the records and from the audit log.
    crate::reports::assert_record_tally_is_exact(&app).await;
    crate::audit::assert_audit_tally_is_exact(&app).await;

    // Titles are held once per person, name and year: the export imports into a database
    // without them and gives the same file again.
    let path = format!("/titles/export?unit_id={dalian}&format=xlsx");
    let before = table_at(&union, &path).await;
    assert_eq!(before.rows.len(), in_dalian(&app, "titles").await);
    let (_, _, file) = union.get_file(&path).await;
    // The same file again is refused: every title is already held.
    let (status, report) = json_import(&union, "kind=titles", file.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert!(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "title_exists"),
        "{report}"
    );
    app.execute(Sql::new("DELETE FROM titles")).await;
    let (status, report) = json_import(&union, "kind=titles", file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let after = table_at(&union, &path).await;
    assert_eq!(after.headers, before.headers);
    let all = before.headers.len();
    assert_eq!(sorted_rows(&after, all), sorted_rows(&before, all));
}
on_both!(exported_records_import_again_as_the_same_records);

async fn a_wrong_file_is_refused_row_by_row_and_can_come_back_marked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = client(&app, "dl.union", "zh").await;
    let count = "SELECT COUNT(*) FROM achievements";
    let before = app.count(count).await;
    // Chinese headings in another order, GB18030 as Chinese Excel saves CSV; row 3 has a year
    // in words and a kind nobody knows, row 4 a completer nobody knows.
    let csv = "成果名称,单位编码,成果简介,所属领域,类型,年度,完成人\n\
               轴承套圈在线检测,CN-LN-DL-GJZ-MW,在线检测降低废品率,机械制造,装备,2024,dl.liu.gang\n\
               吊具快速换装,CN-LN-DL-GJZ-MW,换装时间减半,港口物流,魔法,二〇二四,dl.liu.gang\n\
               焊接变形控制,CN-LN-DL-GJZ-MW,变形减少三成,船舶,工艺,2024,nobody.here\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(csv);
    let (status, report) = json_import(&union, "kind=achievements", gbk.to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["saved"], 0);
    let errors = report["errors"].as_array().unwrap();
    let at = |row: i64, column: &str, code: &str| {
        errors
            .iter()
            .any(|e| e["row"] == row && e["column"] == column && e["code"] == code)
    };
    assert!(at(3, "年度", "number_out_of_range"), "{report}");
    assert!(at(4, "完成人", "unknown_person"), "{report}");
    assert!(errors.iter().all(|e| e["row"] != 2), "{report}");
    // Row 3's kind is reported once its year is a number.
    let fixed = csv.replace("二〇二四", "2024");
    let (_, report) = json_import(&union, "kind=achievements", fixed.clone().into_bytes()).await;
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["row"] == 3
            && e["column"] == "类型"
            && e["code"] == "unknown_achievement_kind"),
        "{report}"
    );
    assert_eq!(app.count(count).await, before, "nothing saved");

    // The same file sent back, each wrong cell explained in the last column.
    let (status, content_type, bytes) = union
        .post_file(
            "/records/import?kind=achievements&marked=true",
            fixed.clone().into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(content_type.starts_with(XLSX), "{content_type}");
    let marked = read_table(&bytes, 10).unwrap();
    assert_eq!(marked.headers.len(), 8);
    assert_eq!(marked.headers[7], "问题");
    assert_eq!(marked.rows[0].cells[0], "轴承套圈在线检测");
    assert_eq!(marked.rows[0].get(7), "", "a right row has no problem");
    assert!(
        marked.rows[1].get(7).contains("类型"),
        "{:?}",
        marked.rows[1]
    );
    assert!(
        marked.rows[2].get(7).contains("nobody.here"),
        "{:?}",
        marked.rows[2]
    );

    // Only the right rows, when asked: one saved, the others named in the audit log.
    let (status, report) = json_import(
        &union,
        "kind=achievements&keep_valid=true",
        fixed.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["saved"], 1);
    assert_eq!(app.count(count).await, before + 1);
    let mut tx = app.db.begin().await.unwrap();
    let (after,): (String,) = tx
        .fetch_one(Sql::new(
            "SELECT after_json FROM audit_log WHERE action = 'records.import'",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["left_out_rows"], serde_json::json!([3, 4]), "{after}");
    assert_eq!(after["saved"], 1);
}
on_both!(a_wrong_file_is_refused_row_by_row_and_can_come_back_marked);

async fn a_filled_template_imports_and_reach_is_checked_per_row(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let union = client(&app, "dl.union", "en").await;
    let template = table_at(&union, "/records/import/template?kind=skills&format=csv").await;
    assert!(template.rows.is_empty());
    // Fill the template by its own headings: the test does not know them beforehand.
    let value = |heading: &str| -> String {
        let lower = heading.to_lowercase();
        if lower.contains("code") {
            "CN-LN-DL-GJZ-MW".into()
        } else if lower.contains("type") {
            "Advanced operation method".into()
        } else if lower.starts_with("creator (") {
            "dl.liu.gang".into()
        } else if lower.contains("trained (") {
            "dl.wang.lei, dl.zhang.hua".into()
        } else if lower.contains("trained") {
            "12".into()
        } else if lower.contains("year") {
            "2024".into()
        } else if lower.contains("creator") {
            String::new()
        } else {
            format!("{heading} 内容")
        }
    };
    let row: Vec<String> = template.headers.iter().map(|h| value(h)).collect();
    let heads: Vec<&str> = template.headers.iter().map(String::as_str).collect();
    let file = ingot_office::write_csv(&heads, std::slice::from_ref(&row));
    let skills = "SELECT COUNT(*) FROM skills";
    let before = app.count(skills).await;
    let (status, report) = json_import(&union, "kind=skills&dry_run=true", file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["saved"], 0);
    assert_eq!(app.count(skills).await, before, "a check saves nothing");
    let (status, report) = json_import(&union, "kind=skills", file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(app.count(skills).await, before + 1);
    let mut tx = app.db.begin().await.unwrap();
    let (kind, trained, creator): (String, i64, String) = tx
        .fetch_one(Sql::new(
            "SELECT kind, trained_count, creator_name FROM skills ORDER BY id DESC LIMIT 1",
        ))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!((kind.as_str(), trained), ("operation_method", 12));
    assert_eq!(creator, "刘刚", "the creator's name from their account");

    // Someone who keeps Inner Mongolia's records may not put rows into a Dalian unit.
    let other = client(&app, "nm.admin", "en").await;
    let heads: Vec<&str> = template.headers.iter().map(String::as_str).collect();
    let file = ingot_office::write_csv(&heads, &[row]);
    let (status, report) = json_import(&other, "kind=skills", file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(
        report["errors"][0]["code"], "unit_outside_scope",
        "{report}"
    );
    assert_eq!(report["errors"][0]["row"], 2);
    assert_eq!(app.count(skills).await, before + 1);

    // A file of another format, and a kind nobody knows.
    let (status, report) = json_import(&union, "kind=skills", b"%PDF-1.4 binary".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let (status, report) = json_import(&union, "kind=proposals", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["fields"][0]["field"], "kind", "{report}");
}
on_both!(a_filled_template_imports_and_reach_is_checked_per_row);
