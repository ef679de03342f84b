//! The demo programme: Inner Mongolia's "Breakthrough" project as reported on 6 November, owned
//! by the region's Department of Science and Technology, since 2023, in the "7+1" layout.
//! The facts give totals only: 75 critical tasks; fiscal investment of 670 million yuan
//! leveraging 2.8 billion of social funding; 10 pilot rare-earth lines with 21 new products;
//! energy-saving coatings used by 10 steel and rare-earth companies for 300 million yuan of added
//! output; beta-casein purified above 80% with a 20% higher yield; 24 academicians and over 4,000
//! researchers from 261 universities, institutes and enterprises; 15.2% of the region's top
//! science awards and 20% of its youth innovation prizes. So the task titles (beyond those the
//! facts name), leaders, per-task and per-year amounts, milestones, the people and 256 of the
//! institutions are generated, deterministically, so that their totals are exactly those figures.
//! The plan link and the award totals (19 of 125, 10 of 50) are stand-ins with those shares.
//! Rows are written in bulk, in one transaction, so loading stays fast for the tests.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::programme::{FundingSource, OutputKind, TaskStatus};
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, OrgKind, ProgrammeId, TaskId, Timestamp};
use ingot_store::org_tally;
use ingot_store::programmes::{
    self as store, Area, AwardTally, FUNDING_INSERT, MILESTONE_INSERT, NewFunding, NewMilestone,
    NewOutput, NewProgramme, NewTask, OUTPUT_INSERT, PERSON_INSERT, TASK_INSERT,
};
use ingot_store::{Arg, Db, Sql, Tx, orgs};

pub const BREAKTHROUGH: &str = "NM-BREAKTHROUGH";
pub const OWNER: &str = "CN-NM-DST";
pub const TASKS: i64 = 75;
/// 670 million and 2.8 billion yuan, in fen.
pub const FISCAL_CENTS: i64 = 67_000_000_000;
pub const SOCIAL_CENTS: i64 = 280_000_000_000;
pub const PILOT_LINES: i64 = 10;
pub const NEW_PRODUCTS: i64 = 21;
pub const COATING_COMPANIES: i64 = 10;
/// 300 million yuan, in fen.
pub const COATING_ADDED_VALUE_CENTS: i64 = 30_000_000_000;
pub const ACADEMICIANS: i64 = 24;
pub const RESEARCHERS: i64 = 4_024;
pub const INSTITUTIONS: i64 = 261;

/// (code, Chinese name, English name, infrastructure, tasks)
const AREAS: [(&str, &str, &str, bool, usize); 8] = [
    (
        "energy_storage",
        "储能与新型电力系统",
        "Energy storage and new power systems",
        false,
        12,
    ),
    ("rare_earth", "稀土", "Rare earths", false, 14),
    ("hydrogen", "氢能", "Hydrogen energy", false, 10),
    ("dairy", "特色乳业", "Specialty dairy", false, 8),
    ("ai_plus", "“人工智能+”", "\"AI+\"", false, 9),
    ("low_altitude", "低空经济", "Low-altitude economy", false, 7),
    ("biotech", "生物技术", "Biotechnology", false, 9),
    (
        "infrastructure",
        "重大科技基础设施",
        "Major scientific infrastructure",
        true,
        6,
    ),
];

/// Subjects the generated task titles are made from, per area.
const SUBJECTS: [[&str; 3]; 8] = [
    ["大规模储能电站", "构网型新能源并网", "长时储能材料"],
    ["稀土功能材料", "稀土永磁", "稀土冶炼分离"],
    ["风光制氢", "氢能储运", "燃料电池"],
    ["特色乳品", "乳源功能蛋白", "奶业种源"],
    ["工业大模型", "智能矿山", "算力调度"],
    ["无人机物流", "低空飞行保障", "通用航空装备"],
    ["合成生物", "生物育种", "动物疫苗"],
    ["大科学装置", "野外观测台站", "科学数据中心"],
];

/// The union-tree enterprises that lead tasks, by area.
const LEADS: [&str; 8] = [
    "CN-NM-HH-TKT",
    "CN-NM-BT-NRE",
    "CN-NM-QM",
    "CN-NM-BT-NHI",
    "CN-NM-HH-CMCC",
    "CN-NM-BT-NHI",
    "CN-NM-QM",
    "CN-NM-BT-NRE",
];
/// The tree's organisations among the 261 (the rest are external bodies, generated).
const TREE_INSTITUTIONS: [&str; 5] = [
    "CN-NM-BT-NRE",
    "CN-NM-BT-NHI",
    "CN-NM-HH-TKT",
    "CN-NM-HH-CMCC",
    "CN-NM-QM",
];

const CITIES: [(&str, &str); 10] = [
    ("呼和浩特", "Hohhot"),
    ("包头", "Baotou"),
    ("鄂尔多斯", "Ordos"),
    ("赤峰", "Chifeng"),
    ("通辽", "Tongliao"),
    ("乌海", "Wuhai"),
    ("巴彦淖尔", "Bayannur"),
    ("乌兰察布", "Ulanqab"),
    ("呼伦贝尔", "Hulunbuir"),
    ("锡林郭勒", "Xilingol"),
];
const FIELDS: [(&str, &str); 8] = [
    ("储能", "Energy Storage"),
    ("稀土", "Rare Earth"),
    ("氢能", "Hydrogen"),
    ("乳业", "Dairy"),
    ("智能", "Intelligent Systems"),
    ("航空", "Aviation"),
    ("生物", "Biotechnology"),
    ("材料", "Materials"),
];
const BODIES: [(&str, &str); 4] = [
    ("研究院", "Research Institute"),
    ("大学", "University"),
    ("科技有限公司", "Technology Co., Ltd."),
    ("重点实验室", "Key Laboratory"),
];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "华",
];

fn person_name(i: usize) -> String {
    // Numbered, so that two generated people never share a name.
    format!(
        "{}{}{}（{:04}）",
        SURNAMES[i % SURNAMES.len()],
        GIVEN[(i / SURNAMES.len()) % GIVEN.len()],
        GIVEN[(i / 7) % GIVEN.len()],
        i + 1
    )
}

/// Splits `total` in proportion to `weights`, exactly: the last part takes the remainder.
fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights
        .iter()
        .map(|w| (i128::from(total) * i128::from(*w) / i128::from(sum)) as i64)
        .collect();
    let given: i64 = parts.iter().sum();
    if let Some(last) = parts.last_mut() {
        *last += total - given;
    }
    parts
}

fn day(year: i32, month: u32, day: u32) -> Date {
    Date { year, month, day }
}

async fn org_id(tx: &mut Tx, code: &str) -> Result<OrgId> {
    Ok(orgs::get_by_code(tx, code)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo org {code}")))?
        .id)
}

/// The 256 generated external bodies under the region, written in bulk. Returns their ids.
async fn external_institutions(tx: &mut Tx, now: Timestamp) -> Result<Vec<OrgId>> {
    let region = orgs::get_by_code(tx, "CN-NM")
        .await?
        .ok_or_else(|| AppError::internal("demo org CN-NM"))?;
    let count = (INSTITUTIONS as usize) - TREE_INSTITUTIONS.len();
    let rows: Vec<Vec<Arg>> = (0..count)
        .map(|i| {
            // Mixed-radix digits of i, so every name is different.
            let (city, city_en) = CITIES[i % CITIES.len()];
            let (field, field_en) = FIELDS[(i / CITIES.len()) % FIELDS.len()];
            let (body, body_en) = BODIES[(i / (CITIES.len() * FIELDS.len())) % BODIES.len()];
            vec![
                region.id.into(),
                format!("NM-TP-INST-{:03}", i + 1).into(),
                format!("{city}{field}{body}").into(),
                format!("{city_en} {field_en} {body_en}").into(),
                OrgKind::External.into(),
                "".into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    store::insert_rows(
        tx,
        "INSERT INTO organisations (parent_id, code, name, name_en, kind, path, created_at, updated_at) VALUES ",
        rows,
    )
    .await?;
    // Each path holds the new id, known only now.
    tx.execute(
        Sql::new(
            "UPDATE organisations SET path = $1 || CAST(id AS TEXT) || '/' WHERE parent_id = $2 AND path = ''",
        )
        .bind(region.path.as_str())
        .bind(region.id),
    )
    .await?;
    count_institutions(tx, region.id).await?;
    let ids: Vec<(i64,)> = tx
        .fetch_all(Sql::new(
            "SELECT id FROM organisations WHERE code LIKE 'NM-TP-INST-%' ORDER BY code",
        ))
        .await?;
    let rows: Vec<Vec<Arg>> = ids
        .iter()
        .map(|(id,)| {
            vec![
                now.into(),
                "organisation".into(),
                (*id).into(),
                "upsert".into(),
            ]
        })
        .collect();
    store::insert_rows(
        tx,
        "INSERT INTO change_log (at, object_type, object_id, op) VALUES ",
        rows,
    )
    .await?;
    Ok(ids.into_iter().map(|(id,)| OrgId(id)).collect())
}

/// Loads the Breakthrough project unless it is there already. Returns how many organisations
/// (the generated external bodies) and tasks it created.
pub async fn load(db: &Db, caller: &Caller<'_>) -> Result<(usize, usize)> {
    let mut tx = db.begin().await?;
    if store::programme_by_code(&mut tx, BREAKTHROUGH)
        .await?
        .is_some()
    {
        return Ok((0, 0));
    }
    let now = Timestamp::now();
    let owner = org_id(&mut tx, OWNER).await?;
    let externals = external_institutions(&mut tx, now).await?;
    let mut institutions = Vec::new();
    for code in TREE_INSTITUTIONS {
        institutions.push(org_id(&mut tx, code).await?);
    }
    institutions.extend(externals.iter().copied());

    let programme = store::insert_programme(
        &mut tx,
        &NewProgramme {
            owner_org_id: owner,
            code: BREAKTHROUGH.to_string(),
            name: "内蒙古科技“突破”工程".to_string(),
            name_en: Some("Inner Mongolia science and technology \"Breakthrough\" project".to_string()),
            start_year: 2023,
            plan_name: Some("内蒙古自治区“十四五”科技创新规划".to_string()),
            plan_url: Some("/programmes".to_string()),
            summary: "“7+1”布局：储能与新型电力系统、稀土、氢能、特色乳业、“人工智能+”、低空经济、生物技术七个产业领域，加重大科技基础设施。"
                .to_string(),
        },
        None,
        now,
    )
    .await?;
    let mut area_ids = Vec::new();
    for (i, (code, name, name_en, infrastructure, _)) in AREAS.iter().enumerate() {
        let area = Area {
            id: 0,
            code: code.to_string(),
            name: name.to_string(),
            name_en: Some(name_en.to_string()),
            position: i as i64 + 1,
            infrastructure: *infrastructure,
        };
        area_ids.push(store::insert_area(&mut tx, programme, &area).await?);
    }

    let tasks = tasks(&mut tx, programme, &area_ids, &externals).await?;
    let created = tasks.len();
    let task_ids = insert_tasks(&mut tx, programme, &tasks, now).await?;
    participants(&mut tx, &task_ids, &externals).await?;
    funding(&mut tx, &tasks, &task_ids, now).await?;
    milestones(&mut tx, &tasks, &task_ids, now).await?;
    outputs(&mut tx, programme, &task_ids, now).await?;
    people(&mut tx, programme, &task_ids, &institutions, now).await?;
    for (award, region_total, programme_won) in [
        ("自治区科学技术奖最高档次奖项", 125, 19),
        ("自治区青年科技创新奖", 50, 10),
    ] {
        store::upsert_award(
            &mut tx,
            programme,
            &AwardTally {
                award: award.to_string(),
                region_total,
                programme_won,
            },
        )
        .await?;
    }
    record(
        &mut tx,
        caller,
        Change::new("programme.create", "programme", programme.0)
            .label(BREAKTHROUGH)
            .org(owner)
            .after(&serde_json::json!({"tasks": created, "institutions_created": externals.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok((externals.len(), created))
}

/// A generated task with its share of the money (in whole yuan, as fen).
struct DemoTask {
    new: NewTask,
    fiscal_cents: i64,
    social_cents: i64,
}

async fn tasks(
    tx: &mut Tx,
    programme: ProgrammeId,
    area_ids: &[i64],
    externals: &[OrgId],
) -> Result<Vec<DemoTask>> {
    let total: usize = AREAS.iter().map(|a| a.4).sum();
    if total as i64 != TASKS {
        return Err(AppError::internal("demo areas do not add up to 75 tasks"));
    }
    // Weights 3 to 7 spread the money unevenly but deterministically; amounts are whole yuan.
    let weights: Vec<i64> = (0..total).map(|i| 3 + (i as i64 * 7) % 5).collect();
    let fiscal = split(FISCAL_CENTS / 100, &weights);
    let social = split(SOCIAL_CENTS / 100, &weights);
    let mut out = Vec::new();
    let mut n = 0usize;
    for (a, (_, _, _, _, count)) in AREAS.iter().enumerate() {
        let lead = org_id(tx, LEADS[a]).await?;
        for k in 0..*count {
            let title = match (a, k) {
                (1, 0) => "稀土功能材料中试线建设与新产品开发".to_string(),
                (1, 1) => "稀土节能涂层在钢铁和稀土企业的推广应用".to_string(),
                (3, 0) => "β-酪蛋白高效纯化技术".to_string(),
                _ => format!("{}关键技术攻关（{}）", SUBJECTS[a][k % 3], k / 3 + 1),
            };
            // Most tasks are led by the area's enterprise; every third by an external platform.
            let lead_org = if k % 3 == 2 {
                externals[(n * 7) % externals.len()]
            } else {
                lead
            };
            let starts = day(2023, 3 + (n % 9) as u32, 1);
            let status = match n % 10 {
                0 => TaskStatus::Completed,
                9 => TaskStatus::Planned,
                _ => TaskStatus::InProgress,
            };
            out.push(DemoTask {
                new: NewTask {
                    programme_id: programme,
                    area_id: area_ids[a],
                    code: format!("TP-{:02}-{:02}", a + 1, k + 1),
                    title,
                    lead_org_id: lead_org,
                    leader_name: person_name(n * 53),
                    starts_on: starts,
                    ends_on: Some(day(2026, 12, 31)),
                    status,
                    budget_cents: (fiscal[n] + social[n]) * 100,
                },
                fiscal_cents: fiscal[n] * 100,
                social_cents: social[n] * 100,
            });
            n += 1;
        }
    }
    Ok(out)
}

async fn insert_tasks(
    tx: &mut Tx,
    programme: ProgrammeId,
    tasks: &[DemoTask],
    now: Timestamp,
) -> Result<Vec<TaskId>> {
    let rows = tasks.iter().map(|t| t.new.row(now)).collect();
    store::insert_rows(tx, TASK_INSERT, rows).await?;
    let ids: Vec<(i64,)> = tx
        .fetch_all(
            Sql::new("SELECT id FROM programme_tasks WHERE programme_id = $1 ORDER BY id")
                .bind(programme.0),
        )
        .await?;
    Ok(ids.into_iter().map(|(id,)| TaskId(id)).collect())
}

/// Two external participants per task.
async fn participants(tx: &mut Tx, task_ids: &[TaskId], externals: &[OrgId]) -> Result<()> {
    let rows = task_ids
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            [
                vec![
                    Arg::from(t.0),
                    Arg::from(externals[(i * 3) % externals.len()]),
                ],
                vec![
                    Arg::from(t.0),
                    Arg::from(externals[(i * 3 + 1) % externals.len()]),
                ],
            ]
        })
        .collect();
    store::insert_rows(
        tx,
        "INSERT INTO programme_task_orgs (task_id, org_id) VALUES ",
        rows,
    )
    .await
}

/// Each task's money over 2023-2025 (3:4:3), planned as spent.
async fn funding(
    tx: &mut Tx,
    tasks: &[DemoTask],
    task_ids: &[TaskId],
    now: Timestamp,
) -> Result<()> {
    let mut rows = Vec::new();
    for (t, id) in tasks.iter().zip(task_ids) {
        for (source, cents) in [
            (FundingSource::Fiscal, t.fiscal_cents),
            (FundingSource::Social, t.social_cents),
        ] {
            let years = split(cents / 100, &[3, 4, 3]);
            for (y, yuan) in years.iter().enumerate() {
                let f = NewFunding {
                    task_id: *id,
                    year: 2023 + y as i64,
                    source,
                    planned_cents: yuan * 100,
                    actual_cents: yuan * 100,
                    overrun_reason: None,
                };
                rows.push(f.row(None, now));
            }
        }
    }
    store::insert_rows(tx, FUNDING_INSERT, rows).await
}

/// Two milestones per task: the plan review 90 days in (done), the mid-term check (done for
/// tasks that started early enough).
async fn milestones(
    tx: &mut Tx,
    tasks: &[DemoTask],
    task_ids: &[TaskId],
    now: Timestamp,
) -> Result<()> {
    let mut rows = Vec::new();
    for (i, (t, id)) in tasks.iter().zip(task_ids).enumerate() {
        let starts = t.new.starts_on;
        let review = starts.plus_days(90);
        rows.push(
            NewMilestone {
                task_id: *id,
                title: "实施方案评审".to_string(),
                due_on: review,
                done_on: Some(review),
                evidence: Some(format!("评审意见 TP-R-{:03}", i + 1)),
            }
            .row(now),
        );
        let done = i % 3 != 2;
        rows.push(
            NewMilestone {
                task_id: *id,
                title: "中期检查".to_string(),
                due_on: day(2025, 6, 30),
                done_on: done.then(|| day(2025, 6, 20)),
                evidence: done.then(|| format!("中期检查报告 TP-M-{:03}", i + 1)),
            }
            .row(now),
        );
    }
    store::insert_rows(tx, MILESTONE_INSERT, rows).await
}

/// The outputs the facts name, on the rare-earth and dairy tasks.
async fn outputs(
    tx: &mut Tx,
    programme: ProgrammeId,
    task_ids: &[TaskId],
    now: Timestamp,
) -> Result<()> {
    // Rare earths are the second area: tasks 12 to 25 in order.
    let rare_earth = &task_ids[12..26];
    let dairy = task_ids[12 + 14 + 10];
    let coatings = rare_earth[1];
    let mut rows = Vec::new();
    let output = |task: TaskId,
                  kind: OutputKind,
                  title: String,
                  quantity: i64,
                  value: i64,
                  note: Option<&str>| {
        NewOutput {
            programme_id: programme,
            task_id: task,
            kind,
            title,
            quantity,
            value_cents: value,
            achievement_id: None,
            patent_id: None,
            note: note.map(str::to_string),
            recorded_on: day(2025, 11, 6),
        }
        .row(now)
    };
    // Ten pilot lines, one per rare-earth task except the coatings task, with 21 new products
    // (three from the first line, two from each other).
    let line_tasks: Vec<TaskId> = rare_earth
        .iter()
        .copied()
        .filter(|t| *t != coatings)
        .take(PILOT_LINES as usize)
        .collect();
    for (i, t) in line_tasks.iter().enumerate() {
        rows.push(output(
            *t,
            OutputKind::PilotLine,
            format!("稀土中试线 {}号", i + 1),
            1,
            0,
            None,
        ));
        let products = if i == 0 { 3 } else { 2 };
        for p in 0..products {
            rows.push(output(
                *t,
                OutputKind::NewProduct,
                format!("稀土新产品 {}-{}", i + 1, p + 1),
                1,
                0,
                None,
            ));
        }
    }
    for i in 0..COATING_COMPANIES {
        let sector = if i < 6 { "钢铁" } else { "稀土" };
        rows.push(output(
            coatings,
            OutputKind::AdoptingCompany,
            format!("节能涂层应用企业 {}（{sector}）", i + 1),
            1,
            0,
            None,
        ));
    }
    rows.push(output(
        coatings,
        OutputKind::AddedValue,
        "节能涂层带动新增产值".to_string(),
        0,
        COATING_ADDED_VALUE_CENTS,
        Some("10家钢铁和稀土企业应用"),
    ));
    rows.push(output(
        dairy,
        OutputKind::Achievement,
        "β-酪蛋白纯化：纯度80%以上，收率较国际同类产品高20%".to_string(),
        1,
        0,
        Some("purity above 80%, yield 20% higher than international competitors"),
    ));
    store::insert_rows(tx, OUTPUT_INSERT, rows).await
}

/// 24 academicians and 4,000 researchers, spread over the 261 institutions; each works on one
/// task, and every tenth on a second one too (and is still one person).
async fn people(
    tx: &mut Tx,
    programme: ProgrammeId,
    task_ids: &[TaskId],
    institutions: &[OrgId],
    now: Timestamp,
) -> Result<()> {
    let rows: Vec<Vec<Arg>> = (0..RESEARCHERS as usize)
        .map(|i| {
            vec![
                programme.0.into(),
                person_name(i).into(),
                ((i as i64) < ACADEMICIANS).into(),
                institutions[i % institutions.len()].into(),
                now.into(),
            ]
        })
        .collect();
    store::insert_rows(tx, PERSON_INSERT, rows).await?;
    let ids = store::person_ids(tx, programme).await?;
    let mut pairs = Vec::new();
    for (i, person) in ids.iter().enumerate() {
        pairs.push((task_ids[i % task_ids.len()], *person));
        if i % 10 == 0 {
            pairs.push((task_ids[(i + 1) % task_ids.len()], *person));
        }
    }
    store::link_people(tx, &pairs).await
}

/// Counts the institutions just written in the organisation tally, as `orgs::insert` would.
async fn count_institutions(tx: &mut Tx, region: OrgId) -> Result<()> {
    let rows: Vec<(String, String)> = tx
        .fetch_all(
            Sql::new(
                "SELECT path, kind FROM organisations WHERE parent_id = $1 AND code LIKE 'NM-TP-INST-%'",
            )
            .bind(region),
        )
        .await?;
    org_tally::count_orgs(tx, rows, 1).await
}
