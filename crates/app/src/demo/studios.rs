//! The demo studios: the Zhao Pengda Model Worker Innovation Studio with its whole history as in
//! the domain notes (founded October 2017, 7 members, municipal naming by Jinzhou decided on
//! 7 December 2021, provincial naming by Liaoning in 2022 after an on-site review, with special
//! funding; 4 achievements, 4 transformed, 1 invention and 3 utility model patent applications),
//! written through the same use cases as live studios, as the people who did each step; and a
//! few dozen generated studios across the levels so lists and statistics have something to show.
//! Notice numbers, the application and review dates and the funding amount are not in the source
//! facts: they are stand-ins, like the company's name.

use crate::studios::{
    self as cases, ApplyInput, CallInput, DecisionInput, HonourInput, MemberInput,
    RecordNamingInput, ReviewInput, StudioInput,
};
use crate::{Caller, Result};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, Role, StudioId, Timestamp};
use ingot_store::studios::{self as store, Filter};
use ingot_store::users::NewUser;
use ingot_store::{Db, Page, Tx, grants, orgs, users};

pub const ZHAO_STUDIO: &str = "赵鹏达劳模创新工作室";

fn date(s: &str) -> Result<Date> {
    Date::parse(s).ok_or_else(|| AppError::internal(format!("demo date {s}")))
}

async fn actor(tx: &mut Tx, username: &str) -> Result<ingot_domain::Actor> {
    let u = users::get_by_username(tx, username)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo user {username}")))?;
    let (_, actor) = crate::auth::load_actor(tx, u.id)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo actor {username}")))?;
    Ok(actor)
}

async fn org_id(tx: &mut Tx, code: &str) -> Result<OrgId> {
    Ok(orgs::get_by_code(tx, code)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo org {code}")))?
        .id)
}

/// Loads the Zhao Pengda studio unless it is there already. Returns how many it created.
pub async fn load(db: &Db, system: &Caller<'_>) -> Result<usize> {
    let mut tx = db.begin().await?;
    if exists(&mut tx, ZHAO_STUDIO).await? {
        return Ok(0);
    }
    zhao_pengda(&mut tx, system.origin).await?;
    tx.commit().await?;
    Ok(1)
}

/// Loads the generated studios unless they are there already. Returns how many it created.
pub async fn load_generated(db: &Db, system: &Caller<'_>, password_hash: &str) -> Result<usize> {
    let mut tx = db.begin().await?;
    if users::get_by_username(&mut tx, "lead01").await?.is_some() {
        return Ok(0);
    }
    let n = generated(&mut tx, system, password_hash).await?;
    alliances(&mut tx, system).await?;
    tx.commit().await?;
    Ok(n)
}

/// The Jinzhou company's studios in an alliance led by the Zhao Pengda studio, which also
/// mentors the youngest of them.
async fn alliances(tx: &mut Tx, system: &Caller<'_>) -> Result<()> {
    let company = orgs::get_by_code(tx, super::ZHAO_PENGDA_COMPANY)
        .await?
        .ok_or_else(|| AppError::internal("demo company"))?;
    let (studios, _) = store::list(
        tx,
        &Filter {
            unit: Some(company.path.clone()),
            ..Default::default()
        },
        Page::new(Some(1), Some(100), 100),
    )
    .await?;
    let Some(zhao) = studios.iter().find(|s| s.name == ZHAO_STUDIO) else {
        return Ok(());
    };
    let others: Vec<StudioId> = studios
        .iter()
        .filter(|s| s.id != zhao.id)
        .map(|s| s.id)
        .collect();
    let Some(youngest) = studios
        .iter()
        .filter(|s| s.id != zhao.id)
        .max_by_key(|s| s.founded_on)
    else {
        return Ok(());
    };
    let jinzhou = org_id(tx, "CN-LN-JZ").await?;
    cases::create_alliance(
        tx,
        system,
        &cases::AllianceInput {
            org_id: Some(jinzhou),
            kind: "alliance".into(),
            name: "锦州冶金耐火创新工作室联盟".into(),
            lead_studio_id: Some(zhao.id),
            studio_ids: others,
            founded_on: "2023-04-28".into(),
            description: "由赵鹏达劳模创新工作室牵头，联合公司各创新工作室开展技术攻关与人才培养。"
                .into(),
        },
    )
    .await?;
    cases::create_alliance(
        tx,
        system,
        &cases::AllianceInput {
            org_id: Some(jinzhou),
            kind: "pairing".into(),
            name: format!("{}结对帮扶{}", ZHAO_STUDIO, youngest.name),
            lead_studio_id: Some(zhao.id),
            studio_ids: vec![youngest.id],
            founded_on: "2023-05-10".into(),
            description: String::new(),
        },
    )
    .await?;
    Ok(())
}

async fn exists(tx: &mut Tx, name: &str) -> Result<bool> {
    let (_, total) = store::list(
        tx,
        &Filter {
            text: Some(name.to_string()),
            ..Default::default()
        },
        Page::new(Some(1), Some(1), 1),
    )
    .await?;
    Ok(total.count > 0)
}

/// The Zhao Pengda studio's records since its founding, entered as the company's union would.
/// Titles, numbers and dates are stand-ins: the source gives only the counts.
async fn zhao_records(tx: &mut Tx, as_union: &Caller<'_>, company: OrgId) -> Result<()> {
    use crate::innovation::{self as records, AchievementInput, PatentInput};
    use ingot_domain::PatentId;
    /// (type digit, serial, title, applied on).
    type Patent = (u32, u32, &'static str, &'static str);
    /// (title, field, kind, started, finished, in production since, completers, patents).
    type Record = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        [&'static str; 3],
        Patent,
    );
    let achievements: [Record; 4] = [
        (
            "钢包用低碳镁碳砖研制",
            "耐火材料",
            "material",
            "2017-11-01",
            "2018-10-30",
            "2018-12-01",
            ["zhaopengda", "wang.fang", "chen.jing"],
            (1, 316_021, "一种低碳镁碳砖及其制备方法", "2018-09-12"),
        ),
        (
            "转炉出钢口快换装置",
            "冶金设备",
            "equipment",
            "2019-03-01",
            "2019-11-20",
            "2020-01-06",
            ["zhaopengda", "zhou.jie", "li.ming"],
            (2, 218_443, "一种转炉出钢口快换装置", "2019-08-26"),
        ),
        (
            "含铬废耐材资源化再利用工艺",
            "资源与环境",
            "process",
            "2020-02-15",
            "2020-12-18",
            "2021-03-01",
            ["zhaopengda", "sun.qiang", "liu.hong"],
            (2, 221_907, "一种废耐材破碎分选装置", "2020-10-15"),
        ),
        (
            "中间包干式料快速烘烤方法",
            "冶金工艺",
            "method",
            "2021-03-10",
            "2021-12-25",
            "2022-02-20",
            ["zhaopengda", "wang.fang", "zhou.jie"],
            (2, 230_118, "一种中间包快速烘烤器", "2021-09-08"),
        ),
    ];
    for (title, field, kind, started, finished, producing, team, patent) in achievements {
        let (digit, serial, patent_title, applied) = patent;
        let digits = format!("{}{digit}{serial:07}", &applied[..4]);
        let number = format!(
            "CN{digits}.{}",
            ingot_domain::innovation::check_char(&digits)
        );
        let p = records::create_patent(
            tx,
            as_union,
            &PatentInput {
                unit_id: Some(company),
                number,
                title: patent_title.into(),
                inventors: "赵鹏达".into(),
                applied_on: applied.into(),
                ..Default::default()
            },
        )
        .await?;
        records::create_achievement(
            tx,
            as_union,
            &AchievementInput {
                unit_id: Some(company),
                title: title.into(),
                summary: format!("{title}，已在公司生产线推广应用。"),
                field: field.into(),
                kind: kind.into(),
                started_on: started.into(),
                finished_on: finished.into(),
                in_production_since: producing.into(),
                production_site: "锦州冶金耐火材料有限公司".into(),
                completers: team.map(String::from).to_vec(),
                patent_ids: vec![PatentId(p.id)],
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

async fn zhao_pengda(tx: &mut Tx, origin: &RequestOrigin) -> Result<StudioId> {
    let union = actor(tx, "ref.union").await?;
    let jz = actor(tx, "jz.admin").await?;
    let ln = actor(tx, "ln.admin").await?;
    let expert = actor(tx, "expert.li").await?;
    let as_union = Caller::user(&union, origin);
    let company = org_id(tx, super::ZHAO_PENGDA_COMPANY).await?;
    let id = cases::create(
        tx,
        &as_union,
        &StudioInput {
            unit_id: Some(company),
            lead: "zhaopengda".into(),
            kind: "model_worker".into(),
            name: ZHAO_STUDIO.into(),
            founded_on: "2017-10-01".into(),
            address: "锦州冶金耐火材料有限公司技术中心".into(),
            description: "2017年10月成立，由全国五一劳动奖章获得者赵鹏达博士领衔，专注冶金、耐火材料、资源与环境领域的技术攻关。".into(),
            fields: vec!["metallurgy".into(), "refractories".into(), "resources_environment".into()],
            members: Vec::new(),
        },
    )
    .await?;
    for username in [
        "wang.fang",
        "chen.jing",
        "zhou.jie",
        "li.ming",
        "sun.qiang",
        "liu.hong",
    ] {
        cases::add_member(
            tx,
            &as_union,
            id,
            &MemberInput {
                username: username.into(),
                joined_on: "2017-10-01".into(),
            },
        )
        .await?;
    }
    cases::add_honour(
        tx,
        &as_union,
        id,
        &HonourInput {
            username: String::new(),
            title: "全国五一劳动奖章".into(),
            awarded_by: "中华全国总工会".into(),
            level: "national".into(),
            year: None,
        },
    )
    .await?;
    // Its outputs come from the members' records: four achievements, all put into production,
    // and the patent applications linked to them (one invention, three utility models). The
    // lead's proposals count from the proposals themselves.
    zhao_records(tx, &as_union, company).await?;

    // Municipal naming by the Jinzhou federation, decision printed 7 December 2021.
    let jinzhou = org_id(tx, "CN-LN-JZ").await?;
    let as_jz = Caller::user(&jz, origin);
    let call = cases::create_call(
        tx,
        &as_jz,
        &CallInput {
            org_id: Some(jinzhou),
            title: "2021年锦州市劳模创新工作室命名".into(),
            rules: "领办人须获市级及以上劳模或技术创新荣誉；须经现场考察。".into(),
            deadline: "2021-11-15".into(),
            min_honour: String::new(),
        },
    )
    .await?;
    let application = cases::apply_at(
        tx,
        &as_union,
        call,
        &ApplyInput {
            studio_id: Some(id),
            statement: "申报锦州市劳模创新工作室。".into(),
        },
        date("2021-11-10")?,
    )
    .await?;
    let as_expert = Caller::user(&expert, origin);
    cases::review(
        tx,
        &as_expert,
        application,
        &ReviewInput {
            visited_on: "2021-11-24".into(),
            checklist: [
                "premises",
                "equipment",
                "team",
                "records",
                "outputs",
                "training",
            ]
            .map(String::from)
            .to_vec(),
            score: Some(92),
            comments: "场所、设备、团队与申报一致，成果台账完整。".into(),
            signature: expert.display_name.clone(),
            confirm: true,
            version: None,
        },
        &[],
    )
    .await?;
    cases::decide(
        tx,
        &as_jz,
        application,
        &DecisionInput {
            outcome: "approve".into(),
            notice_number: "锦工发〔2021〕28号".into(),
            notice_date: "2021-12-07".into(),
            notice_title: "关于命名2021年锦州市劳模创新工作室的决定".into(),
            ..Default::default()
        },
    )
    .await?;

    // Provincial naming by the Liaoning federation in 2022, after an on-site review, with funding.
    let liaoning = org_id(tx, "CN-LN").await?;
    let as_ln = Caller::user(&ln, origin);
    let call = cases::create_call(
        tx,
        &as_ln,
        &CallInput {
            org_id: Some(liaoning),
            title: "2022年辽宁省劳模创新工作室命名".into(),
            rules: "须已获市级命名；领办人须获市级及以上荣誉；须经现场考察。".into(),
            deadline: "2022-09-05".into(),
            min_honour: String::new(),
        },
    )
    .await?;
    let application = cases::apply_at(
        tx,
        &as_union,
        call,
        &ApplyInput {
            studio_id: Some(id),
            statement: "申报辽宁省劳模创新工作室。".into(),
        },
        date("2022-08-31")?,
    )
    .await?;
    cases::review(
        tx,
        &as_expert,
        application,
        &ReviewInput {
            visited_on: "2022-09-20".into(),
            checklist: [
                "premises",
                "equipment",
                "team",
                "records",
                "outputs",
                "training",
            ]
            .map(String::from)
            .to_vec(),
            score: Some(95),
            comments: "工作室运行规范，成果转化成效显著。".into(),
            signature: expert.display_name.clone(),
            confirm: true,
            version: None,
        },
        &[],
    )
    .await?;
    cases::decide(
        tx,
        &as_ln,
        application,
        &DecisionInput {
            outcome: "approve".into(),
            notice_number: "辽工发〔2022〕37号".into(),
            notice_date: "2022-10-28".into(),
            notice_title: "关于命名2022年辽宁省劳模创新工作室的决定".into(),
            funding: "100000".into(),
            ..Default::default()
        },
    )
    .await?;
    Ok(id)
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
];
const GIVEN: &[&str] = &[
    "建国", "志强", "海涛", "丽娟", "伟", "桂英", "明", "军", "红梅", "文斌", "磊", "静", "国庆",
    "晓东", "春燕",
];
const FOCUS: &[&str] = &[
    "machinery",
    "electrical",
    "energy",
    "chemicals",
    "materials",
    "information",
    "metallurgy",
    "construction",
    "transport",
    "refractories",
];
/// (enterprise code, city federation code, province code, notice prefix of the enterprise union)
const UNITS: &[(&str, &str, &str, &str)] = &[
    ("CN-NM-BT-NRE", "CN-NM-BT", "CN-NM", "北方稀土工字"),
    ("CN-NM-BT-NHI", "CN-NM-BT", "CN-NM", "北重工字"),
    ("CN-NM-HH-TKT", "CN-NM-HH", "CN-NM", "托电工字"),
    ("CN-NM-HH-CMCC", "CN-NM-HH", "CN-NM", "内蒙古移动工字"),
    (super::ZHAO_PENGDA_COMPANY, "CN-LN-JZ", "CN-LN", "锦耐工字"),
];

/// 32 studios: a quarter not named, the rest named up to enterprise, municipal, provincial or
/// national level, each naming recorded from a notice by the organisation at that level.
async fn generated(tx: &mut Tx, system: &Caller<'_>, password_hash: &str) -> Result<usize> {
    let now = Timestamp::now();
    let kinds = ["model_worker", "employee", "craftsman"];
    let count = 32;
    for i in 0..count {
        let (unit_code, city, province, prefix) = UNITS[i % UNITS.len()];
        let unit = org_id(tx, unit_code).await?;
        let username = format!("lead{:02}", i + 1);
        let name = format!(
            "{}{}",
            SURNAMES[i % SURNAMES.len()],
            GIVEN[(i * 7 + i / SURNAMES.len()) % GIVEN.len()]
        );
        let user = match users::get_by_username(tx, &username).await? {
            Some(u) => u.id,
            None => {
                let id = users::insert(
                    tx,
                    &NewUser {
                        org_id: unit,
                        username: &username,
                        display_name: &name,
                        email: None,
                        password_hash,
                        lang: None,
                    },
                    now,
                )
                .await?;
                grants::insert(tx, id, Role::StudioLead, unit, None, now).await?;
                id
            }
        };
        let _ = user;
        let kind = kinds[i % kinds.len()];
        let kind_name = match kind {
            "model_worker" => "劳模创新工作室",
            "employee" => "职工创新工作室",
            _ => "工匠创新工作室",
        };
        let founded = 2010 + (i % 10) as i32;
        let id = cases::create(
            tx,
            system,
            &StudioInput {
                unit_id: Some(unit),
                lead: username.clone(),
                kind: kind.into(),
                name: format!("{name}{kind_name}"),
                founded_on: format!("{founded}-0{}-15", 1 + i % 9),
                address: "厂区技术楼".into(),
                description: String::new(),
                fields: vec![
                    FOCUS[i % FOCUS.len()].into(),
                    FOCUS[(i + 3) % FOCUS.len()].into(),
                ],
                members: Vec::new(),
            },
        )
        .await?;
        cases::add_honour(
            tx,
            system,
            id,
            &HonourInput {
                title: if i % 2 == 0 {
                    "劳动模范".into()
                } else {
                    "技术创新能手".into()
                },
                awarded_by: "市总工会".into(),
                level: "municipal".into(),
                year: Some(i64::from(founded) + 1),
                ..Default::default()
            },
        )
        .await?;
        let depth = match i % 8 {
            0 | 4 => 0,
            1 | 5 => 1,
            2 | 6 => 2,
            3 => 3,
            _ => 4,
        };
        let chain = [
            (unit_code, prefix),
            (city, "工发"),
            (province, "省工发"),
            ("CN", "总工发"),
        ];
        for (level, (code, p)) in chain.iter().enumerate().take(depth) {
            let year = founded + 2 + level as i32;
            let org = org_id(tx, code).await?;
            cases::record_naming(
                tx,
                system,
                id,
                &RecordNamingInput {
                    org_id: Some(org),
                    notice_number: format!("{p}〔{year}〕{}号", 100 + i),
                    notice_date: format!("{year}-0{}-20", 1 + (i + level) % 9),
                    notice_title: String::new(),
                    funding: if level >= 2 {
                        "50000".into()
                    } else {
                        String::new()
                    },
                },
            )
            .await?;
        }
    }
    Ok(count)
}
