//! A science department's officer sets up a programme and fills it in on its pages alone (it
//! was API-only): the programme with its areas, a task led and joined by organisations named by
//! code, its funding in yuan (over budget only with a reason), a milestone, an output, a
//! researcher and an award tally. Each form refuses bad input by field with nothing saved, and
//! the overview and the API then show what was entered. Others are refused the forms.

use crate::on_both;
use crate::support::{ApiClient, Backend, Session, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

/// Posts a form and returns where it led (a 303), or panics with the page it showed instead.
async fn saved(session: &Session, path: &str, fields: &[(&str, &str)]) -> String {
    let r = session.post_form(path, fields).await;
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {body}");
    location.unwrap()
}

/// Posts a form that must be refused (422) and returns the page shown again.
async fn refused(session: &Session, path: &str, fields: &[(&str, &str)]) -> String {
    let r = session.post_form(path, fields).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
    body
}

fn id_after(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['/', '#', '?']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}<id>"))
}

async fn overview(api: &ApiClient, id: i64) -> Value {
    let (s, o) = api.get(&format!("/programmes/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o
}

async fn a_programme_is_set_up_and_filled_in_on_its_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let officer = app.sign_in_demo("nm.programme").await;
    let api = app.api_as("nm.programme").await;
    let department = app.org_id("CN-NM-DST").await.to_string();

    let (status, list) = officer.page("/programmes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("data-testid=\"programme-new\""));
    let (status, form) = officer.page("/programmes/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(&format!("value=\"{department}\"")),
        "the department is offered"
    );

    // A year that is no number, a link that is no web address and an area code used twice are
    // named by field and row; nothing is set up.
    let mut fields = vec![
        ("owner_org_id", department.as_str()),
        ("code", "NM-GRID-2025"),
        ("name", "新型电力系统攻坚工程"),
        ("name_en", "New Power System Project"),
        ("start_year", "2O25"),
        ("plan_name", "自治区新型电力系统建设规划"),
        ("plan_url", "ftp://plans.example/grid"),
        (
            "summary",
            "以新型电力系统为主线，部署关键核心技术攻关任务。",
        ),
        ("area_code", "storage"),
        ("area_name", "新型储能"),
        ("area_name_en", "Energy storage"),
        ("area_code", "storage"),
        ("area_name", "智能电网"),
        ("area_name_en", ""),
        ("area_code", ""),
        ("area_name", ""),
        ("area_name_en", ""),
        ("area_infrastructure", "1"),
    ];
    let page = refused(&officer, "/programmes", &fields).await;
    for testid in ["error-start_year", "error-plan_url", "error-area-1"] {
        assert!(
            page.contains(&format!("data-testid=\"{testid}\"")),
            "{testid}: {page}"
        );
    }
    assert!(
        !page.contains("data-testid=\"error-area-0\""),
        "the first row is fine"
    );
    assert!(
        page.contains("新型电力系统攻坚工程"),
        "what was typed is kept"
    );
    let (_, list) = api.get("/programmes").await;
    assert!(!list.to_string().contains("NM-GRID-2025"));

    // Corrected, it is set up with its two areas, the second one infrastructure.
    for (k, v) in fields.iter_mut() {
        match *k {
            "start_year" => *v = "2025",
            "plan_url" => *v = "https://plans.example/grid",
            _ => {}
        }
    }
    fields[11].1 = "grid";
    let to = saved(&officer, "/programmes", &fields).await;
    let id = id_after(&to, "/programmes/");
    let o = overview(&api, id).await;
    assert_eq!(o["programme"]["code"], "NM-GRID-2025");
    assert_eq!(o["programme"]["start_year"], 2025);
    let areas = o["areas"].as_array().unwrap();
    let codes: Vec<&str> = areas
        .iter()
        .map(|a| a["area"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["storage", "grid"]);
    assert_eq!(areas[0]["area"]["infrastructure"], false);
    assert_eq!(areas[1]["area"]["infrastructure"], true);
    let storage = areas[0]["area"]["id"].as_i64().unwrap().to_string();
    let base = format!("/programmes/{id}");
    let (_, shown) = officer.page(&base).await;
    assert!(
        shown.contains("data-testid=\"task-new\"") && shown.contains("data-testid=\"award-form\"")
    );

    // A task: an organisation code nobody has and a budget that is no amount are named.
    let (status, _) = officer.page(&format!("{base}/tasks/new")).await;
    assert_eq!(status, StatusCode::OK);
    let mut task = vec![
        ("area_id", storage.as_str()),
        ("code", "GRID-01"),
        ("title", "百兆瓦级液流电池储能系统集成"),
        ("lead_org", "NM-NOBODY"),
        ("participants", "CN-NM-BT-NHI，CN-NM-BT-NRE-SMELT"),
        ("leader_name", "高晓峰"),
        ("starts_on", "2025-03-01"),
        ("ends_on", "2027-12-31"),
        ("status", "in_progress"),
        ("budget", "5,000,000.5x"),
    ];
    let page = refused(&officer, &format!("{base}/tasks"), &task).await;
    assert!(page.contains("data-testid=\"error-lead_org_id\""), "{page}");
    assert!(
        page.contains("data-testid=\"error-budget_cents\""),
        "{page}"
    );
    assert_eq!(overview(&api, id).await["figures"]["tasks"], 0);
    task[3].1 = "CN-NM-BT-NRE";
    task[9].1 = "5,000,000";
    let to = saved(&officer, &format!("{base}/tasks"), &task).await;
    let task_id = id_after(&to, &format!("{base}/tasks/"));
    let task_path = format!("{base}/tasks/{task_id}");
    let (_, t) = api.get(&task_path).await;
    assert_eq!(t["task"]["budget_cents"], 500_000_000i64, "typed in yuan");
    assert_eq!(t["task"]["lead_org_id"], app.org_id("CN-NM-BT-NRE").await);
    assert_eq!(t["participants"].as_array().unwrap().len(), 2);
    assert_eq!(t["task"]["status"], "in_progress");

    // Funding beyond the budget needs its reason; with it, it is recorded and flagged.
    let t_id = task_id.to_string();
    let mut funding = vec![
        ("task_id", t_id.as_str()),
        ("year", "2025"),
        ("source", "fiscal"),
        ("planned", "4,000,000"),
        ("actual", "6,000,000"),
        ("overrun_reason", ""),
    ];
    let page = refused(&officer, &format!("{base}/funding"), &funding).await;
    assert!(
        page.contains("data-testid=\"error-overrun_reason\""),
        "{page}"
    );
    assert!(
        page.contains("data-testid=\"task-title\""),
        "shown again on the task's page"
    );
    funding[5].1 = "追加电堆中试线设备";
    saved(&officer, &format!("{base}/funding"), &funding).await;
    let (_, t) = api.get(&task_path).await;
    assert_eq!(t["funding"][0]["actual_cents"], 600_000_000i64);
    assert_eq!(t["funding"][0]["planned_cents"], 400_000_000i64);
    assert_eq!(t["funding"][0]["overrun_reason"], "追加电堆中试线设备");
    let (_, page) = officer.page(&task_path).await;
    assert!(page.contains("data-testid=\"over-budget\""));

    // A milestone reached needs its evidence.
    let mut milestone = vec![
        ("task_id", t_id.as_str()),
        ("title", "完成10兆瓦示范系统验收"),
        ("due_on", "2025-12-31"),
        ("done_on", "2025-12-20"),
        ("evidence", ""),
    ];
    let page = refused(&officer, &format!("{base}/milestones"), &milestone).await;
    assert!(page.contains("data-testid=\"error-evidence\""), "{page}");
    milestone[4].1 = "验收报告 NM-YS-2025-118";
    saved(&officer, &format!("{base}/milestones"), &milestone).await;

    // An output naming a patent number nobody holds is refused; a pilot line is counted.
    let mut output = vec![
        ("task_id", t_id.as_str()),
        ("kind", "patent"),
        ("title", "液流电池电堆密封结构"),
        ("quantity", "1"),
        ("value", ""),
        ("achievement_id", ""),
        ("patent_number", "CN000000000X"),
        ("note", ""),
        ("recorded_on", "2025-11-02"),
    ];
    let page = refused(&officer, &format!("{base}/outputs"), &output).await;
    assert!(page.contains("data-testid=\"error-patent_id\""), "{page}");
    output[1].1 = "pilot_line";
    output[2].1 = "液流电池电堆中试线";
    output[6].1 = "";
    saved(&officer, &format!("{base}/outputs"), &output).await;

    // A researcher of an institution named by code.
    let person = [
        ("task_ids", t_id.as_str()),
        ("name", "高晓峰"),
        ("academician", "true"),
        ("institution", "CN-NM-BT-NRE"),
    ];
    saved(&officer, &format!("{base}/people"), &person).await;

    // An award tally where the programme won more than there were is refused.
    let mut award = vec![
        ("award", "自治区科技进步奖一等奖"),
        ("region_total", "10"),
        ("programme_won", "12"),
    ];
    let page = refused(&officer, &format!("{base}/awards"), &award).await;
    assert!(
        page.contains("data-testid=\"error-programme_won\""),
        "{page}"
    );
    assert!(
        page.contains("data-testid=\"programme-title\""),
        "shown again on the overview"
    );
    award[2].1 = "3";
    saved(&officer, &format!("{base}/awards"), &award).await;

    // The overview counts what was entered on the pages.
    let o = overview(&api, id).await;
    let f = &o["figures"];
    assert_eq!(f["tasks"], 1);
    assert_eq!(f["fiscal_actual_cents"], 600_000_000i64);
    assert_eq!(f["pilot_lines"], 1);
    assert_eq!(f["milestones"], 1);
    assert_eq!(o["talent"]["academicians"], 1);
    assert_eq!(o["awards"][0]["share_bp"], 3000);
    let (_, shown) = officer.page(&base).await;
    assert!(
        shown.contains("自治区科技进步奖一等奖") && shown.contains("30%"),
        "{shown}"
    );
}
on_both!(a_programme_is_set_up_and_filled_in_on_its_pages);

async fn only_its_officers_fill_in_a_programme(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let api = app.api_as("nm.programme").await;
    let (_, list) = api.get("/programmes").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let before = overview(&api, id).await["figures"]["tasks"].clone();
    let task = [
        ("area_id", "1"),
        ("code", "X-01"),
        ("title", "不该出现的任务"),
        ("lead_org", "CN-NM-BT-NRE"),
        ("leader_name", "某人"),
        ("starts_on", "2025-01-01"),
        ("budget", "1"),
    ];
    // A union administrator elsewhere and an employee: the forms are not theirs.
    for user in ["jz.admin", "li.ming"] {
        let s = app.sign_in_demo(user).await;
        let (status, _) = s.page("/programmes/new").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        let (status, _) = s.page(&format!("/programmes/{id}/tasks/new")).await;
        assert!(
            matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{user}: {status}"
        );
        let r = s.post_form(&format!("/programmes/{id}/tasks"), &task).await;
        assert!(
            matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{user}: {}",
            r.status()
        );
    }
    assert_eq!(overview(&api, id).await["figures"]["tasks"], before);
}
on_both!(only_its_officers_fill_in_a_programme);

async fn a_task_is_changed_with_its_history_and_a_stale_change_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let officer = app.sign_in_demo("nm.programme").await;
    let api = app.api_as("nm.programme").await;
    let (_, list) = api.get("/programmes").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (_, tasks) = api
        .get(&format!(
            "/programmes/{id}/tasks?kind=in_progress&per_page=1"
        ))
        .await;
    let task = &tasks["items"][0];
    let task_id = task["id"].as_i64().unwrap();
    let path = format!("/programmes/{id}/tasks/{task_id}");
    let (_, before) = api.get(&path).await;
    let version = before["task"]["version"].as_i64().unwrap();
    let old_status = before["task"]["status"].as_str().unwrap().to_string();
    assert_ne!(old_status, "completed");
    let old_leader = before["task"]["leader_name"].as_str().unwrap().to_string();

    // The form holds what the task holds now, the lead organisation by its code.
    let (status, form) = officer.page(&format!("{path}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(&format!("value=\"{version}\"")),
        "the version read"
    );
    assert!(form.contains(task["code"].as_str().unwrap()));

    // Changed on the page: completed, a new leader, a bigger budget, one participant.
    let area = task["area_id"].as_i64().unwrap().to_string();
    let v = version.to_string();
    let lead = before["task"]["lead_org_id"].as_i64().unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let lead_code = ingot_store::orgs::get(&mut tx, ingot_domain::OrgId(lead))
        .await
        .unwrap()
        .unwrap()
        .code;
    drop(tx);
    let starts = before["task"]["starts_on"].as_str().unwrap().to_string();
    let fields = vec![
        ("version", v.as_str()),
        ("area_id", area.as_str()),
        ("code", task["code"].as_str().unwrap()),
        ("title", task["title"].as_str().unwrap()),
        ("lead_org", lead_code.as_str()),
        ("participants", "CN-NM-BT-NHI"),
        ("leader_name", "包钢稀土研究院 王立新"),
        ("starts_on", starts.as_str()),
        ("ends_on", ""),
        ("status", "completed"),
        ("budget", "123,456,789.01"),
    ];
    assert!(form.contains(&format!("value=\"{lead_code}\"")), "{form}");
    saved(&officer, &format!("{path}/edit"), &fields).await;
    let (_, after) = api.get(&path).await;
    assert_eq!(after["task"]["status"], "completed");
    assert_eq!(after["task"]["leader_name"], "包钢稀土研究院 王立新");
    assert_eq!(after["task"]["budget_cents"], 12_345_678_901i64);
    assert_eq!(after["task"]["version"], version + 1);
    let participants: Vec<i64> = after["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["org_id"].as_i64().unwrap())
        .collect();
    assert_eq!(participants, [app.org_id("CN-NM-BT-NHI").await]);

    // The same form sent again (the version it read is gone) is refused, nothing changed.
    let mut stale = fields.clone();
    stale[6].1 = "另一个人";
    let r = officer.post_form(&format!("{path}/edit"), &stale).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("data-testid=\"form-error\""), "{page}");
    let (_, still) = api.get(&path).await;
    assert_eq!(still["task"]["leader_name"], "包钢稀土研究院 王立新");

    // Through the API: an end before the start is named; then a change at the current version.
    let t = &still["task"];
    let mut body = serde_json::json!({
        "version": t["version"], "area_id": t["area_id"], "code": t["code"], "title": t["title"],
        "lead_org_id": t["lead_org_id"], "participant_org_ids": participants,
        "leader_name": t["leader_name"], "starts_on": t["starts_on"], "ends_on": "2000-01-01",
        "status": "completed", "budget_cents": t["budget_cents"],
    });
    let (s, e) = api.send(reqwest::Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("ends_on"), "{e}");
    body["ends_on"] = Value::from("");
    body["leader_name"] = Value::from(old_leader.as_str());
    let (s, changed) = api.send(reqwest::Method::PATCH, &path, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["version"], version + 2);
    let (s, _) = api.send(reqwest::Method::PATCH, &path, body).await;
    assert_eq!(s, StatusCode::CONFLICT, "the version sent is gone");

    // The history keeps both changes, newest first, with what was before; no addresses.
    let (_, detail) = api.get(&path).await;
    let history = detail["history"].as_array().unwrap();
    let updates: Vec<&Value> = history
        .iter()
        .filter(|h| h["action"] == "programme.task.update")
        .collect();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[1]["before"]["status"], old_status.as_str());
    assert_eq!(updates[1]["after"]["status"], "completed");
    assert_eq!(
        updates[1]["after"]["participants"],
        serde_json::json!(["CN-NM-BT-NHI"])
    );
    assert_eq!(updates[0]["after"]["leader_name"], old_leader.as_str());
    assert_eq!(
        updates[0]["after"]["area"], task["area_name"],
        "the area by its name"
    );
    assert!(history.iter().all(|h| h["ip"].is_null()));
    let (_, page) = officer.page(&path).await;
    assert!(page.contains("data-testid=\"history-change\""));
    assert!(
        page.contains("包钢稀土研究院 王立新"),
        "the leader before the last change"
    );
}
on_both!(a_task_is_changed_with_its_history_and_a_stale_change_is_refused);

async fn a_row_entered_by_mistake_is_corrected_or_removed_with_its_reason(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let officer = app.sign_in_demo("nm.programme").await;
    let api = app.api_as("nm.programme").await;
    let (_, list) = api.get("/programmes").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (_, tasks) = api
        .get(&format!(
            "/programmes/{id}/tasks?kind=in_progress&per_page=1"
        ))
        .await;
    let task_id = tasks["items"][0]["id"].as_i64().unwrap();
    let path = format!("/programmes/{id}/tasks/{task_id}");
    let t_id = task_id.to_string();
    let fiscal_before = overview(&api, id).await["figures"]["fiscal_actual_cents"]
        .as_i64()
        .unwrap();

    // A fiscal funding row removed on the page: the reason is required, then the overview's
    // total drops by exactly that row and the history keeps what it held and why.
    let (_, detail) = api.get(&path).await;
    let row = detail["funding"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["source"] == "fiscal" && f["actual_cents"].as_i64().unwrap() > 0)
        .expect("the demo task has fiscal funding")
        .clone();
    let entry = row["id"].as_i64().unwrap().to_string();
    let mut removal = vec![
        ("task_id", t_id.as_str()),
        ("kind", "funding"),
        ("entry_id", entry.as_str()),
        ("reason", ""),
    ];
    let page = refused(&officer, &format!("/programmes/{id}/removals"), &removal).await;
    assert!(page.contains("data-testid=\"error-reason\""), "{page}");
    assert_eq!(
        overview(&api, id).await["figures"]["fiscal_actual_cents"],
        fiscal_before
    );
    removal[3].1 = "重复登记（与2024年度拨付合并）";
    saved(&officer, &format!("/programmes/{id}/removals"), &removal).await;
    let removed = row["actual_cents"].as_i64().unwrap();
    assert_eq!(
        overview(&api, id).await["figures"]["fiscal_actual_cents"],
        fiscal_before - removed
    );
    let (_, detail) = api.get(&path).await;
    assert!(
        !detail["funding"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == row["id"])
    );
    let gone = &detail["history"][0];
    assert_eq!(gone["action"], "programme.funding.remove");
    assert_eq!(gone["before"]["actual_cents"], removed);
    assert_eq!(gone["before"]["reason"], "重复登记（与2024年度拨付合并）");

    // A milestone reached, changed on its row: the evidence is required with the date.
    let (s, m) = api
        .post(
            &format!("/programmes/{id}/milestones"),
            serde_json::json!({"task_id": task_id, "title": "中试线联动试车", "due_on": "2026-06-30"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let m_id = m["id"].as_i64().unwrap();
    let mut change = vec![
        ("title", "中试线联动试车"),
        ("due_on", "2026-06-30"),
        ("done_on", "2026-06-18"),
        ("evidence", ""),
    ];
    let edit = format!("/programmes/{id}/milestones/{m_id}/edit");
    let page = refused(&officer, &edit, &change).await;
    assert!(page.contains("data-testid=\"error-evidence\""), "{page}");
    assert!(
        page.contains(&format!("data-testid=\"milestone-{m_id}\" open")),
        "the row's form opens"
    );
    change[3].1 = "试车报告 BT-SC-2026-07";
    saved(&officer, &edit, &change).await;
    let (_, ms) = api
        .get(&format!(
            "/programmes/{id}/milestones?task_id={task_id}&kind=done&per_page=200"
        ))
        .await;
    let reached = ms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == m_id)
        .unwrap()
        .clone();
    assert_eq!(reached["done_on"], "2026-06-18");
    assert_eq!(reached["evidence"], "试车报告 BT-SC-2026-07");

    // Through the API: a due date before the task starts is named; a wrong kind and a row of
    // no such programme are refused; a milestone removed.
    let (s, e) = api
        .send(
            reqwest::Method::PATCH,
            &format!("/programmes/{id}/milestones/{m_id}"),
            serde_json::json!({"title": "中试线联动试车", "due_on": "1990-01-01", "done_on": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("due_before_task_start"), "{e}");
    let removals = format!("/programmes/{id}/removals");
    let (s, e) = api
        .post(
            &removals,
            serde_json::json!({"kind": "task", "entry_id": m_id, "reason": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = api
        .post(
            &removals,
            serde_json::json!({"kind": "milestone", "entry_id": i64::MAX, "reason": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, r) = api
        .post(
            &removals,
            serde_json::json!({"kind": "milestone", "entry_id": m_id, "reason": "误建"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["task_id"], task_id);
    let (_, detail) = api.get(&path).await;
    assert!(
        !detail["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == m_id)
    );
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..2],
        ["programme.milestone.remove", "programme.milestone.update"]
    );
    let (_, page) = officer.page(&path).await;
    assert!(
        page.contains("重复登记（与2024年度拨付合并）"),
        "the reason shows in the history"
    );
}
on_both!(a_row_entered_by_mistake_is_corrected_or_removed_with_its_reason);
