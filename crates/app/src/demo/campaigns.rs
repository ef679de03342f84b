//! The 2023 national exchange (the seventh, held every three years since 2004) run by the
//! national federation through the campaign use cases, from the call to the announcement:
//! 34 participating units, 110 declarations, 100 awards (3 first, 15 second, 30 third,
//! 52 excellent). The Inner Mongolia entries are the demo achievement records, declared as
//! they are, and reach their real tiers. The other 32 units (stand-ins for the provinces and
//! national industry unions that took part), their records, the experts, the scores, dates
//! and notice number are generated deterministically: the facts do not give them.

use crate::audit::{Change, record};
use crate::campaigns as cases;
use crate::{Caller, Result};
use ingot_domain::innovation::{AchievementKind, ClaimedLevel};
use ingot_domain::org::NewOrg;
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_domain::{AppError, DeclarationId, OrgKind, Role, Timestamp};
use ingot_store::innovation::{self as records, AchievementText};
use ingot_store::users::NewUser;
use ingot_store::{Db, Sql, Tx, grants, orgs, users};

pub const EXCHANGE_TITLE: &str = "第七届全国职工优秀技术创新成果交流活动";

/// The stand-in participating units besides Inner Mongolia and Liaoning: (code, name, English).
pub const STAND_IN_UNITS: [(&str, &str, &str); 32] = [
    (
        "CN-BJ",
        "北京市总工会",
        "Beijing Federation of Trade Unions",
    ),
    (
        "CN-TJ",
        "天津市总工会",
        "Tianjin Federation of Trade Unions",
    ),
    ("CN-HE", "河北省总工会", "Hebei Federation of Trade Unions"),
    ("CN-SX", "山西省总工会", "Shanxi Federation of Trade Unions"),
    ("CN-JL", "吉林省总工会", "Jilin Federation of Trade Unions"),
    (
        "CN-HL",
        "黑龙江省总工会",
        "Heilongjiang Federation of Trade Unions",
    ),
    (
        "CN-SH",
        "上海市总工会",
        "Shanghai Federation of Trade Unions",
    ),
    (
        "CN-JS",
        "江苏省总工会",
        "Jiangsu Federation of Trade Unions",
    ),
    (
        "CN-ZJ",
        "浙江省总工会",
        "Zhejiang Federation of Trade Unions",
    ),
    ("CN-AH", "安徽省总工会", "Anhui Federation of Trade Unions"),
    ("CN-FJ", "福建省总工会", "Fujian Federation of Trade Unions"),
    (
        "CN-JX",
        "江西省总工会",
        "Jiangxi Federation of Trade Unions",
    ),
    (
        "CN-SD",
        "山东省总工会",
        "Shandong Federation of Trade Unions",
    ),
    ("CN-HA", "河南省总工会", "Henan Federation of Trade Unions"),
    ("CN-HB", "湖北省总工会", "Hubei Federation of Trade Unions"),
    ("CN-HN", "湖南省总工会", "Hunan Federation of Trade Unions"),
    (
        "CN-GD",
        "广东省总工会",
        "Guangdong Federation of Trade Unions",
    ),
    (
        "CN-GX",
        "广西壮族自治区总工会",
        "Guangxi Federation of Trade Unions",
    ),
    ("CN-HI", "海南省总工会", "Hainan Federation of Trade Unions"),
    (
        "CN-CQ",
        "重庆市总工会",
        "Chongqing Federation of Trade Unions",
    ),
    (
        "CN-SC",
        "四川省总工会",
        "Sichuan Federation of Trade Unions",
    ),
    (
        "CN-GZ",
        "贵州省总工会",
        "Guizhou Federation of Trade Unions",
    ),
    ("CN-YN", "云南省总工会", "Yunnan Federation of Trade Unions"),
    (
        "CN-XZ",
        "西藏自治区总工会",
        "Tibet Federation of Trade Unions",
    ),
    (
        "CN-SN",
        "陕西省总工会",
        "Shaanxi Federation of Trade Unions",
    ),
    ("CN-GS", "甘肃省总工会", "Gansu Federation of Trade Unions"),
    (
        "CN-QH",
        "青海省总工会",
        "Qinghai Federation of Trade Unions",
    ),
    (
        "CN-NX",
        "宁夏回族自治区总工会",
        "Ningxia Federation of Trade Unions",
    ),
    (
        "CN-XJ",
        "新疆维吾尔自治区总工会",
        "Xinjiang Federation of Trade Unions",
    ),
    ("CN-RAIL", "中国铁路工会", "China Railway Trade Union"),
    (
        "CN-ENERGY",
        "中国能源化学地质工会",
        "China Energy, Chemical and Geological Trade Union",
    ),
    (
        "CN-MECH",
        "中国机械冶金建材工会",
        "China Machinery, Metallurgy and Building Materials Trade Union",
    ),
];

/// The experts of the panel besides `expert.li`: (username, name, unit code, fields).
pub const EXPERTS: [(&str, &str, &str, &str); 12] = [
    ("expert.wang", "王建国", "CN-BJ", "稀土冶炼,冶金,材料"),
    ("expert.zhao", "赵立新", "CN-SH", "信息技术,软件,数据库"),
    ("expert.qian", "钱文华", "CN-JS", "机械制造,工业,加工"),
    ("expert.sun", "孙海燕", "CN-ZJ", "电力,能源,工业"),
    ("expert.zhou", "周明远", "CN-SD", "化工,材料,石墨烯"),
    ("expert.wu", "吴志强", "CN-HB", "机械制造,冶金,工业"),
    ("expert.zheng", "郑晓东", "CN-GD", "信息技术,电力,通信"),
    ("expert.feng", "冯玉兰", "CN-SC", "稀土冶炼,化工,环境"),
    ("expert.chen", "陈国栋", "CN-SN", "电力,机械制造,能源"),
    ("expert.chu", "褚红梅", "CN-HA", "材料,化工,工业"),
    ("expert.wei", "卫振华", "CN-RAIL", "机械制造,交通,工业"),
    ("expert.jiang", "蒋立平", "CN-ENERGY", "能源,化工,电力"),
];

/// The Inner Mongolia records' titles and their places in the final ranking (1 is best).
const INNER_MONGOLIA_RANKS: [(&str, usize); 5] = [
    ("万吨级轻稀土碳酸盐连续化生产工艺研究及产业化", 2),
    ("大直径开式齿轮高效电弧加工技术", 20),
    ("煤电机组亚临界升级及增效改造", 25),
    ("年产2000吨低成本散热膜用氧化石墨烯前驱体", 30),
    ("分布式内存数据库技术研究", 60),
];

const FIELDS: [&str; 6] = ["稀土冶炼", "信息技术", "工业", "电力", "机械制造", "化工"];
const SUBJECTS: [&str; 10] = [
    "高炉煤气余热回收系统",
    "智能巡检机器人",
    "大型铸件缺陷在线检测",
    "输电线路带电作业工具",
    "化工装置能效优化",
    "数控机床精度补偿方法",
    "矿井通风智能控制",
    "钢轨焊缝超声探伤装置",
    "工业互联网数据采集平台",
    "新型耐磨衬板材料",
];

pub const DECLARATIONS: usize = 110;

/// A declaration's quality for its intended final rank, in whole points. Neighbours may share a
/// value, but never across a tier boundary (after ranks 3, 18, 48 and 100).
fn quality_for_rank(rank: usize) -> i64 {
    let boundaries = [3, 18, 48, 100].iter().filter(|&&b| rank > b).count() as i64;
    99 - ((rank as i64 - 1) / 2) - boundaries
}

/// A reviewer's leniency (+) or harshness (−) in whole points.
fn offset_of_expert(i: usize) -> i64 {
    (i % 5) as i64 - 2
}

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

/// What the campaign demo created: organisations, accounts, declarations.
#[derive(Debug, Default, Clone, Copy)]
pub struct Created {
    pub orgs: usize,
    pub users: usize,
    pub declarations: usize,
}

/// The stand-in units and experts (accounts with the demo password hash).
async fn load_people(db: &Db, caller: &Caller<'_>, hash: &str, reset: bool) -> Result<Created> {
    let mut created = Created::default();
    let mut tx = db.begin().await?;
    let national = org(&mut tx, "CN").await?;
    for (code, name, name_en) in STAND_IN_UNITS {
        if orgs::get_by_code(&mut tx, code).await?.is_some() {
            continue;
        }
        let new = NewOrg {
            parent_id: Some(national.id),
            code: code.into(),
            name: name.into(),
            name_en: Some(name_en.into()),
            kind: OrgKind::Province,
        };
        crate::orgs::insert_checked(&mut tx, caller, &new, Some(&national)).await?;
        created.orgs += 1;
    }
    let now = Timestamp::now();
    for (username, name, code, _) in EXPERTS {
        if let Some(u) = users::get_by_username(&mut tx, username).await? {
            if reset {
                users::set_password(&mut tx, u.id, hash, now).await?;
                users::clear_failures(&mut tx, u.id).await?;
            }
            continue;
        }
        let unit = org(&mut tx, code).await?;
        let id = users::insert(
            &mut tx,
            &NewUser {
                org_id: unit.id,
                username,
                display_name: name,
                email: None,
                password_hash: hash,
                lang: None,
            },
            now,
        )
        .await?;
        grants::insert(&mut tx, id, Role::Expert, unit.id, None, now).await?;
        record(
            &mut tx,
            caller,
            Change::new("user.create", "user", id.0)
                .label(username)
                .org(unit.id),
        )
        .await?;
        created.users += 1;
    }
    tx.commit().await?;
    Ok(created)
}

/// Generated records of the stand-in units (and of Liaoning), 2022–2023.
async fn stand_in_records(tx: &mut Tx, codes: &[&str]) -> Result<Vec<i64>> {
    let announced = at("2023-05-31")?;
    let mut ids = Vec::new();
    for i in 0..DECLARATIONS - INNER_MONGOLIA_RANKS.len() {
        // Round-robin over the units, so that each has three or four declarations.
        let unit = org(tx, codes[i % codes.len()]).await?;
        let subject = SUBJECTS[i % SUBJECTS.len()];
        let text = AchievementText {
            unit_id: unit.id,
            title: format!(
                "{subject}研究与应用（{}）",
                unit.name.trim_end_matches("总工会")
            ),
            summary: format!("{subject}：针对生产现场难题开展的技术攻关，已在本单位推广应用。"),
            field: FIELDS[i % FIELDS.len()].into(),
            kind: AchievementKind::Process,
            claimed_level: Some(ClaimedLevel::DomesticLeading),
            started_on: None,
            finished_on: None,
            year: 2022 + (i % 2) as i64,
            award: None,
            in_production_since: None,
            production_site: None,
        };
        ids.push(records::insert_achievement(tx, &text, None, announced).await?);
    }
    Ok(ids)
}

/// Loads the exchange unless it is there; returns what it created.
pub async fn load(db: &Db, caller: &Caller<'_>, hash: &str, reset: bool) -> Result<Created> {
    let mut created = load_people(db, caller, hash, reset).await?;
    let mut tx = db.begin().await?;
    let (existing,): (i64,) = tx
        .fetch_one(Sql::new("SELECT COUNT(*) FROM campaigns WHERE title = $1").bind(EXCHANGE_TITLE))
        .await?;
    if existing > 0 {
        return Ok(created);
    }
    let national = org(&mut tx, "CN").await?;
    let units = ["CN-NM", "CN-LN"]
        .into_iter()
        .chain(STAND_IN_UNITS.iter().map(|(code, _, _)| *code))
        .map(|code| cases::UnitQuota {
            org_code: code.into(),
            quota: 5,
        })
        .collect();
    let criterion = |name: &str, weight| cases::RubricCriterion {
        name: name.into(),
        weight,
    };
    let input = cases::CampaignInput {
        org_id: Some(national.id),
        kind: "achievement_award".into(),
        title: EXCHANGE_TITLE.into(),
        edition: Some(7),
        year: Some(2023),
        cadence: "triennial".into(),
        rules: "每三年举办一次（自2004年起）。各参加单位按名额推荐近两年完成并已应用的职工技术创新成果；第一完成人须为本单位职工。"
            .into(),
        min_record_year: Some(2021),
        max_record_year: Some(2023),
        required_fields: vec!["summary".into()],
        required_documents: Some(0),
        reviewers_per_declaration: Some(3),
        min_load: Some(20),
        max_load: Some(30),
        score_scale: Some(100),
        blind: true,
        divergence: Some(10),
        declaration_closes: "2023-06-30".into(),
        check_closes: "2023-07-31".into(),
        review_closes: "2023-09-30".into(),
        publicity_days: Some(7),
        announce_on: "2023-11-20".into(),
        units,
        rubric: vec![
            criterion("创新性", 40),
            criterion("技术水平", 30),
            criterion("经济和社会效益", 30),
        ],
        first: "3".into(),
        second: "15".into(),
        third: "30".into(),
        excellent: "52".into(),
        ..Default::default()
    };
    let campaign = cases::create(&mut tx, caller, &input).await?;

    // Declarations: the Inner Mongolia records as they are, then the stand-ins.
    let mut codes: Vec<&str> = vec!["CN-LN"];
    codes.extend(STAND_IN_UNITS.iter().map(|u| u.0));
    let mut rank_of: Vec<(DeclarationId, usize)> = Vec::new();
    for (title, rank) in INNER_MONGOLIA_RANKS {
        let (record,): (i64,) = tx
            .fetch_one(Sql::new("SELECT id FROM achievements WHERE title = $1").bind(title))
            .await?;
        let d = cases::declare(
            &mut tx,
            caller,
            campaign,
            &cases::DeclareInput {
                record_id: Some(record),
            },
        )
        .await?;
        rank_of.push((d, rank));
    }
    let taken: Vec<usize> = INNER_MONGOLIA_RANKS.iter().map(|r| r.1).collect();
    let mut free_ranks = (1..=DECLARATIONS).filter(|r| !taken.contains(r));
    for record in stand_in_records(&mut tx, &codes).await? {
        let d = cases::declare(
            &mut tx,
            caller,
            campaign,
            &cases::DeclareInput {
                record_id: Some(record),
            },
        )
        .await?;
        rank_of.push((d, free_ranks.next().unwrap_or(DECLARATIONS)));
    }
    created.declarations = rank_of.len();
    let accept = cases::CheckInput {
        decision: "accept".into(),
        ..Default::default()
    };
    for (d, _) in &rank_of {
        cases::check(&mut tx, caller, *d, &accept).await?;
    }
    cases::advance(&mut tx, caller, campaign).await?;
    cases::advance(&mut tx, caller, campaign).await?;

    // The panel, the optimal assignment, and every expert's sheets.
    let mut panel = vec![("expert.li", "冶金,耐火材料,资源环境")];
    panel.extend(EXPERTS.iter().map(|e| (e.0, e.3)));
    for (username, fields) in &panel {
        cases::add_expert(
            &mut tx,
            caller,
            campaign,
            &cases::ExpertInput {
                username: (*username).into(),
                fields: vec![(*fields).into()],
                profile: format!("长期从事{fields}领域的技术研究与评审。"),
            },
        )
        .await?;
    }
    cases::run_assignment(&mut tx, caller, campaign).await?;
    let assignment = ingot_store::campaigns::assignment(&mut tx, campaign.0).await?;
    for (i, (username, _)) in panel.iter().enumerate() {
        let user = users::get_by_username(&mut tx, username)
            .await?
            .ok_or_else(|| AppError::internal("demo expert"))?;
        let (_, actor) = crate::auth::load_actor(&mut tx, user.id)
            .await?
            .ok_or_else(|| AppError::internal("demo expert actor"))?;
        let as_expert = Caller::user(&actor, caller.origin);
        for a in assignment.iter().filter(|a| a.user_id == user.id.0) {
            let rank = rank_of
                .iter()
                .find(|(d, _)| d.0 == a.declaration_id)
                .map_or(DECLARATIONS, |(_, r)| *r);
            let mark = (quality_for_rank(rank) + offset_of_expert(i)).clamp(0, 100);
            cases::score(
                &mut tx,
                &as_expert,
                DeclarationId(a.declaration_id),
                &cases::ScoreInput {
                    marks: vec![mark; 3],
                    comment: String::new(),
                },
            )
            .await?;
        }
    }
    cases::decide(
        &mut tx,
        caller,
        campaign,
        &cases::DecisionInput {
            tiers: Vec::new(),
            note: "评审委员会审定：按校准后得分排序，名额内确定等级。".into(),
        },
    )
    .await?;
    cases::open_publicity(
        &mut tx,
        caller,
        campaign,
        &cases::PublicityInput {
            start: "2023-10-16".into(),
            days: Some(7),
        },
    )
    .await?;
    cases::announce(
        &mut tx,
        caller,
        campaign,
        &cases::AnnounceInput {
            notice_number: "总工办发〔2023〕示例第7号".into(),
            announced_on: "2023-11-20".into(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualities_never_tie_across_a_tier_boundary() {
        for b in [3, 18, 48, 100] {
            assert!(
                quality_for_rank(b) > quality_for_rank(b + 1),
                "boundary {b}"
            );
        }
        for r in 1..DECLARATIONS {
            assert!(quality_for_rank(r) >= quality_for_rank(r + 1));
        }
        assert!(quality_for_rank(DECLARATIONS) + offset_of_expert(0) >= 0);
    }
}
