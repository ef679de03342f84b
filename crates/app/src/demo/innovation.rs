//! The demo innovation records. Dalian's 2020 summary (announced 9 December 2020): 209 awarded
//! achievements, 30 skills and methods, 460 rationalization suggestions, 32 national patents,
//! 10 workers titled "Dalian Technical Innovation Expert", 1.662 billion yuan of verified
//! benefit. The source gives only the totals, so the individual records are generated,
//! deterministically, so that they add up to exactly those figures. Then the Inner Mongolia
//! entries of the 2023 national exchange, by name. Loaded once; a second run finds them.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::innovation::{
    AchievementKind, ApplicationNumber, ClaimedLevel, Completer, HonourLevel, PatentKind,
    PatentStatus, SkillKind, check_char,
};
use ingot_domain::proposal::{Contribution, Status};
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_domain::{AppError, OrgId, Timestamp, UserId};
use ingot_store::innovation::{self as store, AchievementText, NewPatent, NewSkill, NewTitle};
use ingot_store::proposals::{self, NewProposal};
use ingot_store::{Db, Sql, Tx, orgs, proposal_stats, users};

pub const DALIAN: &str = "CN-LN-DL";
pub const DALIAN_YEAR: i64 = 2020;
pub const DALIAN_ACHIEVEMENTS: i64 = 209;
pub const DALIAN_SKILLS: i64 = 30;
pub const DALIAN_PROPOSALS: i64 = 460;
pub const DALIAN_PATENTS: i64 = 32;
pub const DALIAN_EXPERTS: i64 = 10;
/// 1.662 billion yuan, in fen.
pub const DALIAN_BENEFIT_CENTS: i64 = 166_200_000_000;
pub const DALIAN_EXPERT_TITLE: &str = "大连市技术创新能手";

/// The Dalian enterprises the generated records belong to (stand-ins: the summary names none).
pub const DALIAN_UNITS: [&str; 3] = ["CN-LN-DL-GJZ-MW", "CN-LN-DL-XG-PW", "CN-LN-DL-ZS-SW"];

/// The demo workers of Dalian, who hold the titles, lead the achievements and created the skills.
pub const DALIAN_WORKERS: [(&str, &str); 10] = [
    ("dl.liu.gang", "刘刚"),
    ("dl.wang.lei", "王磊"),
    ("dl.zhang.hua", "张华"),
    ("dl.zhao.min", "赵敏"),
    ("dl.sun.tao", "孙涛"),
    ("dl.zhou.bin", "周斌"),
    ("dl.wu.yan", "吴岩"),
    ("dl.zheng.kai", "郑凯"),
    ("dl.feng.jun", "冯军"),
    ("dl.chen.yu", "陈宇"),
];

const FIELDS: [&str; 6] = ["机械制造", "石油化工", "港口物流", "电力", "船舶", "软件"];
const SUBJECTS: [&str; 7] = [
    "大型轴承内圈磨削工艺优化",
    "换热器管束在线清洗装置",
    "集装箱吊具快速换装方法",
    "变电站巡检数据采集软件",
    "船体分段焊接变形控制",
    "催化剂装填均匀度改进",
    "数控刀具寿命预测",
];

/// The Inner Mongolia entries of the 2023 national exchange: (unit code, title, award, first
/// completer's username if the demo has them).
const EXCHANGE_2023: [(&str, &str, &str, Option<&str>); 5] = [
    (
        "CN-NM-BT-NRE-SMELT",
        "万吨级轻稀土碳酸盐连续化生产工艺研究及产业化",
        "一等奖 first prize",
        Some("zhangwenbin"),
    ),
    (
        "CN-NM-BT-NHI",
        "大直径开式齿轮高效电弧加工技术",
        "三等奖 third prize",
        None,
    ),
    (
        "CN-NM-HH-TKT",
        "煤电机组亚临界升级及增效改造",
        "三等奖 third prize",
        None,
    ),
    (
        "CN-NM-QM",
        "年产2000吨低成本散热膜用氧化石墨烯前驱体",
        "三等奖 third prize",
        None,
    ),
    (
        "CN-NM-HH-CMCC",
        "分布式内存数据库技术研究",
        "优秀成果 excellent achievement",
        None,
    ),
];

fn at(date: &str) -> Result<Timestamp> {
    Date::parse(date)
        .map(|d| d.start(CHINA_STANDARD_OFFSET_MS))
        .ok_or_else(|| AppError::internal(format!("demo date {date}")))
}

async fn org(tx: &mut Tx, code: &str) -> Result<ingot_domain::org::Organisation> {
    orgs::get_by_code(tx, code)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo org {code}")))
}

async fn user(tx: &mut Tx, username: &str) -> Result<UserId> {
    Ok(users::get_by_username(tx, username)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo user {username}")))?
        .id)
}

/// A deterministic, valid 2020 application number of the kind's type digit.
fn number(kind_digit: u32, serial: u32) -> String {
    let digits = format!("2020{kind_digit}{serial:07}");
    let n = format!("CN{digits}.{}", check_char(&digits));
    debug_assert!(ApplicationNumber::parse(&n).is_ok());
    n
}

/// Loads the records unless they are there already; returns how many were created.
pub async fn load(db: &Db, caller: &Caller<'_>) -> Result<usize> {
    let mut tx = db.begin().await?;
    let (existing,): (i64,) = tx
        .fetch_one(Sql::new("SELECT COUNT(*) FROM achievements"))
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let mut created = 0;
    let dalian = org(&mut tx, DALIAN).await?;
    let mut units = Vec::new();
    for code in DALIAN_UNITS {
        units.push(org(&mut tx, code).await?);
    }
    let mut workers = Vec::new();
    for (username, _) in DALIAN_WORKERS {
        workers.push(user(&mut tx, username).await?);
    }
    let awarded = at("2020-12-09")?;

    // 209 achievements whose verified benefits add up to exactly 1.662 billion yuan.
    let weights: Vec<i64> = (0..DALIAN_ACHIEVEMENTS).map(|i| 1 + (i * 7) % 13).collect();
    let weight_sum: i64 = weights.iter().sum();
    let mut amounts: Vec<i64> = weights
        .iter()
        .map(|w| DALIAN_BENEFIT_CENTS / weight_sum * w)
        .collect();
    amounts[0] += DALIAN_BENEFIT_CENTS - amounts.iter().sum::<i64>();
    let kinds = AchievementKind::ALL;
    let levels = [
        ClaimedLevel::DomesticFirst,
        ClaimedLevel::DomesticLeading,
        ClaimedLevel::DomesticAdvanced,
        ClaimedLevel::InternationalAdvanced,
    ];
    let mut achievement_ids = Vec::new();
    for i in 0..DALIAN_ACHIEVEMENTS as usize {
        let unit = &units[i % units.len()];
        let text = AchievementText {
            unit_id: unit.id,
            title: format!(
                "{}（{}-{:03}）",
                SUBJECTS[i % SUBJECTS.len()],
                DALIAN_YEAR,
                i + 1
            ),
            summary: format!(
                "2020年大连市职工技术创新成果第{}项：{}。",
                i + 1,
                SUBJECTS[i % SUBJECTS.len()]
            ),
            field: FIELDS[i % FIELDS.len()].to_string(),
            kind: kinds[i % kinds.len()],
            claimed_level: Some(levels[i % levels.len()]),
            started_on: Some(Date {
                year: 2019,
                month: 3,
                day: 1,
            }),
            finished_on: Some(Date {
                year: 2020,
                month: 9,
                day: 30,
            }),
            year: DALIAN_YEAR,
            award: Some("2020年大连市职工技术创新成果".into()),
            in_production_since: Some("2020-10-15".into()),
            production_site: Some(unit.name.clone()),
        };
        let id = store::insert_achievement(&mut tx, &text, None, awarded).await?;
        // The first completer works at the unit.
        let first = workers[(i % units.len()) + 3 * ((i / 3) % 3)];
        let second = workers[9 - (i % 3)];
        let mut team = vec![Completer {
            user_id: first,
            rank: 1,
        }];
        if second != first {
            team.push(Completer {
                user_id: second,
                rank: 2,
            });
        }
        store::set_completers(&mut tx, id, &team).await?;
        store::set_verified_benefit(&mut tx, id, amounts[i], "2020年度核定", awarded).await?;
        achievement_ids.push(id);
        created += 1;
    }

    // 32 national patents: 12 inventions and 20 utility models, each linked to an achievement.
    for i in 0..DALIAN_PATENTS as u32 {
        let invention = i < 12;
        let unit = &units[i as usize % units.len()];
        let applied = Date {
            year: 2020,
            month: 1 + i % 9,
            day: 1 + i % 27,
        };
        let granted = Date {
            year: 2020,
            month: 10 + i % 3,
            day: 1 + i % 27,
        };
        let p = NewPatent {
            unit_id: unit.id,
            kind: if invention {
                PatentKind::Invention
            } else {
                PatentKind::UtilityModel
            },
            number: number(if invention { 1 } else { 2 }, 1_000_001 + i * 37),
            title: format!("{}装置", SUBJECTS[i as usize % SUBJECTS.len()]),
            inventors: DALIAN_WORKERS[i as usize % 10].1.to_string(),
            applied_on: applied,
            granted_on: Some(granted),
            status: PatentStatus::Granted,
            year: DALIAN_YEAR,
        };
        let id = store::insert_patent(&mut tx, &p, None, awarded).await?;
        store::link_patent(&mut tx, achievement_ids[i as usize * 6], id).await?;
        created += 1;
    }

    // 30 skills and methods, named after the workers who created them.
    for i in 0..DALIAN_SKILLS as usize {
        let (_, name) = DALIAN_WORKERS[i % 10];
        let unique = i % 2 == 0;
        let s = NewSkill {
            unit_id: units[i % units.len()].id,
            kind: if unique {
                SkillKind::UniqueSkill
            } else {
                SkillKind::OperationMethod
            },
            name: format!(
                "{name}{}（第{}项）",
                if unique { "绝技" } else { "操作法" },
                i / 10 + 1
            ),
            creator_id: Some(workers[i % 10]),
            creator_name: name.to_string(),
            description: format!("{}中的一项操作要领。", SUBJECTS[i % SUBJECTS.len()]),
            used_where: units[i % units.len()].name.clone(),
            trained_count: 20 + (i as i64 * 3) % 40,
            year: DALIAN_YEAR,
        };
        let trainees = [workers[(i + 1) % 10]];
        store::insert_skill(&mut tx, &s, &trainees, None, awarded).await?;
        created += 1;
    }

    // 10 workers titled "Dalian Technical Innovation Expert" by the city federation.
    for (i, worker) in workers.iter().enumerate() {
        let holder = users::get(&mut tx, *worker)
            .await?
            .ok_or_else(|| AppError::internal("demo worker"))?;
        store::insert_title(
            &mut tx,
            &NewTitle {
                user_id: *worker,
                unit_id: holder.org_id,
                name: DALIAN_EXPERT_TITLE.into(),
                granted_by: dalian.id,
                year: DALIAN_YEAR,
                level: HonourLevel::Municipal,
            },
            None,
            awarded,
        )
        .await?;
        let _ = i;
        created += 1;
    }

    // 460 rationalization suggestions put forward in 2020, all implemented.
    created += dalian_proposals(&mut tx, &units, &workers).await?;

    // The Inner Mongolia entries of the 2023 exchange.
    let announced = at("2023-11-20")?;
    for (code, title, award, first) in EXCHANGE_2023 {
        let unit = org(&mut tx, code).await?;
        let text = AchievementText {
            unit_id: unit.id,
            title: title.to_string(),
            summary: format!("第七届全国职工优秀技术创新成果交流活动 {award}。"),
            field: if code.contains("NRE") {
                "稀土冶炼".into()
            } else if code.contains("CMCC") {
                "信息技术".into()
            } else {
                "工业".into()
            },
            kind: if code.contains("CMCC") {
                AchievementKind::Software
            } else if code.contains("QM") {
                AchievementKind::Material
            } else {
                AchievementKind::Process
            },
            claimed_level: Some(ClaimedLevel::DomesticLeading),
            started_on: None,
            finished_on: None,
            year: 2023,
            award: Some(award.to_string()),
            in_production_since: None,
            production_site: None,
        };
        let id = store::insert_achievement(&mut tx, &text, None, announced).await?;
        if let Some(username) = first {
            let u = user(&mut tx, username).await?;
            store::set_completers(
                &mut tx,
                id,
                &[Completer {
                    user_id: u,
                    rank: 1,
                }],
            )
            .await?;
        }
        created += 1;
    }
    record(
        &mut tx,
        caller,
        Change::new("demo.innovation", "achievement", None)
            .after(&serde_json::json!({ "records": created })),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

async fn dalian_proposals(
    tx: &mut Tx,
    units: &[ingot_domain::org::Organisation],
    workers: &[UserId],
) -> Result<usize> {
    let mut rollup: std::collections::BTreeMap<(OrgId, i64), i64> = Default::default();
    let mut numbers = vec![0i64; units.len()];
    for i in 0..DALIAN_PROPOSALS as usize {
        let u = i % units.len();
        let unit = &units[u];
        let month = 1 + (i as u32 % 11);
        let submitted = at(&format!("2020-{month:02}-{:02}", 1 + i % 28))?;
        let subject = SUBJECTS[i % SUBJECTS.len()];
        let title = format!("关于{subject}的合理化建议（第{}号）", i + 1);
        let id = proposals::insert(
            tx,
            &NewProposal {
                enterprise_id: unit.id,
                unit_id: unit.id,
                proposer_id: workers[(u + 3 * (i % 3)) % workers.len()],
                title: &title,
                problem: "现有做法效率偏低。",
                proposed_change: subject,
                expected_effect: "提高效率，降低消耗。",
                category: "small_suggestion",
            },
            submitted,
        )
        .await?;
        // Its duplicate-check signature, as a live proposal gets at its first save.
        let text = crate::proposals::joined_text(&title, "现有做法效率偏低。", subject);
        crate::proposals::index_text(tx, id, unit.id, &text).await?;
        numbers[u] += 1;
        let number = format!("{}-2020-{:04}", unit.code, numbers[u]);
        let period = 2020 * 100 + i64::from(month);
        tx.execute(
            Sql::new(
                "UPDATE proposals SET number = $1, status = $2, submitted_at = $3, period = $4,
                    decided_at = $3, implemented_at = $3 WHERE id = $5",
            )
            .bind(number)
            .bind(Status::Implemented.as_str())
            .bind(submitted)
            .bind(period)
            .bind(id),
        )
        .await?;
        tx.execute(
            Sql::new(
                "INSERT INTO proposal_people (proposal_id, position, user_id, share_bp) VALUES ($1, 1, $2, 10000)",
            )
            .bind(id)
            .bind(workers[(u + 3 * (i % 3)) % workers.len()]),
        )
        .await?;
        *rollup.entry((unit.id, period)).or_default() += 1;
    }
    for (u, unit) in units.iter().enumerate() {
        tx.execute(
            Sql::new(
                "INSERT INTO proposal_numbers (enterprise_id, year, last_number) VALUES ($1, 2020, $2)",
            )
            .bind(unit.id)
            .bind(numbers[u]),
        )
        .await?;
    }
    for ((unit_id, period), n) in rollup {
        proposal_stats::add(
            tx,
            &Contribution {
                unit_id,
                period,
                category: "small_suggestion".into(),
                put_forward: n,
                adopted: n,
                implemented: n,
                benefit_cents: 0,
            },
        )
        .await?;
    }
    Ok(DALIAN_PROPOSALS as usize)
}
