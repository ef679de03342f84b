//! Studios and innovation records in proportion to the proposals. Every third enterprise runs
//! an innovation studio, named by its enterprise; a third of those are named again by their
//! city, a third of those by their province and one in ten of those nationally, each naming
//! under a notice of the naming federation and with its step in the studio's history. Each enterprise records about one
//! achievement and half a patent a year, completed and invented by its staff.

use crate::names;
use crate::proposals::Enterprise;
use crate::tree::Plan;
use ingot_domain::innovation::{AchievementKind, ApplicationNumber, ClaimedLevel, PatentKind};
use ingot_domain::studio::{FocusField, Level, MemberRole, StudioEvent, StudioKind};
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_domain::{OrgId, OrgKind};
use ingot_store::bulk::{self, Rows};
use ingot_store::{Arg, Result, Tx, record_tally, studio_tally, studios};
use rand::{RngExt, SeedableRng};
use rand_xorshift::XorShiftRng;
use std::collections::HashMap;

/// Themes a studio or an achievement is about, with its field (as a studio's code and as an
/// achievement names it).
const THEMES: [(&str, FocusField, &str); 12] = [
    ("设备点检", FocusField::Machinery, "机械制造"),
    ("节能降耗", FocusField::Energy, "能源"),
    ("焊接工艺", FocusField::Metallurgy, "冶金"),
    ("数控加工", FocusField::Machinery, "机械制造"),
    ("电气自动化", FocusField::Electrical, "电气"),
    ("耐火材料", FocusField::Refractories, "耐火材料"),
    ("环保治理", FocusField::ResourcesEnvironment, "资源环境"),
    ("化工安全", FocusField::Chemicals, "化工"),
    ("智能运维", FocusField::Information, "信息技术"),
    ("新材料应用", FocusField::Materials, "材料"),
    ("桥梁施工", FocusField::Construction, "建筑"),
    ("轨道检修", FocusField::Transport, "交通运输"),
];

const ACHIEVEMENT_SUBJECTS: [&str; 10] = [
    "高炉炉衬快速修补技术",
    "皮带机智能巡检系统",
    "大型电机在线监测装置",
    "余热回收利用工艺",
    "焊缝缺陷自动识别方法",
    "耐磨衬板复合材料",
    "轧机液压伺服控制改进",
    "除尘系统节能运行方法",
    "变电站无人值守改造",
    "数控刀具寿命预测软件",
];

const PATENT_SUBJECTS: [&str; 10] = [
    "一种托辊快速更换装置",
    "一种管道法兰密封结构",
    "一种电缆桥架防坠支架",
    "一种料仓防堵振打器",
    "一种焊接烟尘收集罩",
    "一种阀门远程操作机构",
    "一种皮带跑偏自动纠正装置",
    "一种轴承温度报警器",
    "一种配电柜防误操作锁具",
    "一种起重吊具防脱钩结构",
];

/// Where an enterprise stands: the organisations that may name its studio, by level.
#[derive(Debug, Clone, Copy)]
pub struct Namers {
    pub enterprise: i64,
    pub city: i64,
    pub province: i64,
    pub national: i64,
}

impl Namers {
    fn at(&self, level: Level) -> i64 {
        match level {
            Level::Enterprise => self.enterprise,
            Level::Municipal => self.city,
            Level::Provincial => self.province,
            Level::National => self.national,
        }
    }
}

/// The naming organisations of each enterprise of the plan.
pub fn namers(plan: &Plan, ids: &[i64]) -> Vec<Namers> {
    let above = |from: usize, kind: OrgKind| -> i64 {
        let mut at = from;
        while plan.orgs[at].kind != kind {
            at = plan.orgs[at].parent.unwrap_or(0);
            if at == 0 {
                break;
            }
        }
        ids[at]
    };
    plan.enterprises
        .iter()
        .map(|slots| Namers {
            enterprise: ids[slots[0]],
            city: above(slots[0], OrgKind::City),
            province: above(slots[0], OrgKind::Province),
            national: ids[0],
        })
        .collect()
}

const STUDIO_COLUMNS: &[&str] = &[
    "id",
    "unit_id",
    "lead_id",
    "kind",
    "name",
    "founded_on",
    "address",
    "description",
    "status",
    "level",
    "named_year",
    "version",
    "created_at",
    "updated_at",
];
const FIELD_COLUMNS: &[&str] = &["studio_id", "field"];
const MEMBER_COLUMNS: &[&str] = &["studio_id", "user_id", "role", "joined_on", "recorded_at"];
const NOTICE_COLUMNS: &[&str] = &["id", "org_id", "number", "issued_on", "title", "created_at"];
const NAMING_COLUMNS: &[&str] = &[
    "studio_id",
    "level",
    "org_id",
    "notice_id",
    "named_on",
    "status",
];
const EVENT_COLUMNS: &[&str] = &[
    "studio_id",
    "at",
    "on_date",
    "kind",
    "actor_id",
    "detail",
    "public",
];

/// The enterprises of one part, with their place in the plan.
pub struct Block<'a> {
    /// Plan position of the first enterprise.
    pub first: usize,
    pub enterprises: &'a [Enterprise],
    pub namers: &'a [Namers],
    /// Enterprise names, for the studios' addresses.
    pub names: &'a [String],
}

/// Studios of one block of enterprises, named up to the end of `last_year`; how many.
pub async fn write_studios(
    tx: &mut Tx,
    block: &Block<'_>,
    seed: u64,
    first_year: i32,
) -> Result<i64> {
    let mut rng = XorShiftRng::seed_from_u64(seed ^ 0x5354_5544 ^ ((block.first as u64) << 20));
    let mut next_studio = bulk::next_id(tx, "studios").await?;
    let mut next_notice = bulk::next_id(tx, "naming_notices").await?;
    let mut rows = StudioRows {
        studios: Rows::new("studios", STUDIO_COLUMNS),
        fields: Rows::new("studio_fields", FIELD_COLUMNS),
        members: Rows::new("studio_members", MEMBER_COLUMNS),
        notices: Rows::new("naming_notices", NOTICE_COLUMNS),
        namings: Rows::new("studio_namings", NAMING_COLUMNS),
        events: Rows::new("studio_events", EVENT_COLUMNS),
    };
    // What each studio counts for in the studio statistics.
    let mut counted: Vec<(OrgId, Vec<String>)> = Vec::new();
    // One notice per naming federation, year and level within the part.
    let mut notices: HashMap<(i64, i32, Level), (i64, String)> = HashMap::new();
    for (i, enterprise) in block.enterprises.iter().enumerate() {
        let e = block.first + i;
        if !e.is_multiple_of(3) {
            continue;
        }
        // Every third studio is named by its city too, every ninth by its province, every
        // ninetieth nationally; founded early enough for each naming to follow the one below.
        let n = e / 3;
        let above: usize = [3, 9, 90]
            .iter()
            .filter(|every| n.is_multiple_of(**every))
            .count();
        let id = next_studio;
        next_studio += 1;
        let founded_year = first_year - 1 - 2 * above as i32 - rng.random_range(0..=1);
        let founded = Date {
            year: founded_year,
            month: rng.random_range(3..=10),
            day: rng.random_range(1..=28),
        };
        let created = founded.start(CHINA_STANDARD_OFFSET_MS);
        // The lead is one of the staff past the administrator and the reviewer.
        let k = 2 + rng.random_range(0..enterprise.staff.len() - 2);
        let lead = enterprise.staff[k];
        let lead_name = names::person(e + k, e / 3 + k, e / 5 + 2 * k);
        let (theme, field, _) = THEMES[rng.random_range(0..THEMES.len())];
        let kind = StudioKind::ALL[rng.random_range(0..StudioKind::ALL.len())];
        let mut levels = vec![(
            Level::Enterprise,
            founded.plus_days(rng.random_range(30..200)),
        )];
        for level in [Level::Municipal, Level::Provincial, Level::National]
            .into_iter()
            .take(above)
        {
            let (_, before) = levels[levels.len() - 1];
            levels.push((level, before.plus_days(rng.random_range(300..700))));
        }
        let (top, top_on) = levels[levels.len() - 1];
        rows.studios.push([
            id.into(),
            lead.unit_id.into(),
            lead.user_id.into(),
            kind.as_str().into(),
            format!("{lead_name}{theme}创新工作室").into(),
            Arg::Date(Some(founded)),
            format!("{}生产区", block.names[i]).into(),
            format!("围绕{theme}开展技术攻关、合理化建议和师带徒。").into(),
            "active".into(),
            top.as_str().into(),
            i64::from(top_on.year).into(),
            1i64.into(),
            created.into(),
            top_on.start(CHINA_STANDARD_OFFSET_MS).into(),
        ]);
        rows.fields.push([id.into(), field.as_str().into()]);
        let mut metrics = vec![
            studio_tally::level_metric(Some(top.as_str())),
            studio_tally::field_metric(field.as_str()),
        ];
        let members = rng.random_range(3..=7).min(enterprise.staff.len() - 2);
        for m in 0..members {
            let (user, role) = if m == 0 {
                (lead.user_id, MemberRole::Lead)
            } else {
                let other = 2 + (k - 2 + m) % (enterprise.staff.len() - 2);
                (enterprise.staff[other].user_id, MemberRole::Member)
            };
            rows.members.push([
                id.into(),
                user.into(),
                role.as_str().into(),
                Arg::Date(Some(founded)),
                created.into(),
            ]);
        }
        rows.event(
            id,
            founded,
            &StudioEvent::Founded {
                lead: lead_name.clone(),
            },
        );
        for (level, on) in levels {
            let org = block.namers[i].at(level);
            let (notice, number) = notices
                .entry((org, on.year, level))
                .or_insert_with(|| {
                    let notice = next_notice;
                    next_notice += 1;
                    let number = format!("工发〔{}〕{}{}号", on.year, level.rank(), block.first);
                    let issued = Date {
                        year: on.year,
                        month: 12,
                        day: 20,
                    };
                    rows.notices.push([
                        notice.into(),
                        org.into(),
                        number.clone().into(),
                        Arg::Date(Some(issued)),
                        format!(
                            "关于命名{}年度{}创新工作室的通知",
                            on.year,
                            level_name(level)
                        )
                        .into(),
                        issued.start(CHINA_STANDARD_OFFSET_MS).into(),
                    ]);
                    (notice, number)
                })
                .clone();
            let named_on = on.to_string();
            metrics.push(studio_tally::naming_metric(&named_on, level.as_str()));
            rows.namings.push([
                id.into(),
                level.as_str().into(),
                org.into(),
                notice.into(),
                Arg::Date(Some(on)),
                "active".into(),
            ]);
            rows.event(
                id,
                on,
                &StudioEvent::Named {
                    level,
                    org: level_name(level).to_string(),
                    notice: number,
                },
            );
        }
        counted.push((OrgId(lead.unit_id), metrics));
    }
    let written = rows.studios.len() as i64;
    for table in [
        &rows.studios,
        &rows.fields,
        &rows.members,
        &rows.notices,
        &rows.namings,
        &rows.events,
    ] {
        bulk::write(tx, table).await?;
    }
    for table in [
        "studios",
        "studio_members",
        "naming_notices",
        "studio_namings",
        "studio_events",
    ] {
        bulk::sync_identity(tx, table).await?;
    }
    studio_tally::count_new(tx, &counted).await?;
    Ok(written)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Enterprise => "企业级",
        Level::Municipal => "市级",
        Level::Provincial => "省级",
        Level::National => "全国",
    }
}

struct StudioRows {
    studios: Rows,
    fields: Rows,
    members: Rows,
    notices: Rows,
    namings: Rows,
    events: Rows,
}

impl StudioRows {
    fn event(&mut self, studio: i64, on: Date, event: &StudioEvent) {
        let (kind, detail) = studios::event_parts(event);
        self.events.push([
            studio.into(),
            on.start(CHINA_STANDARD_OFFSET_MS).into(),
            Arg::Date(Some(on)),
            kind.into(),
            Arg::Int(None),
            detail.to_string().into(),
            true.into(),
        ]);
    }
}

const ACHIEVEMENT_COLUMNS: &[&str] = &[
    "id",
    "unit_id",
    "title",
    "summary",
    "field",
    "kind",
    "claimed_level",
    "started_on",
    "finished_on",
    "year",
    "created_by",
    "version",
    "created_at",
    "updated_at",
];
const COMPLETER_COLUMNS: &[&str] = &["achievement_id", "rank", "user_id"];
const PATENT_COLUMNS: &[&str] = &[
    "id",
    "unit_id",
    "kind",
    "number",
    "title",
    "inventors",
    "applied_on",
    "granted_on",
    "status",
    "year",
    "created_by",
    "created_at",
    "updated_at",
];

/// Records (achievements and patents) counted in `year`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordsWritten {
    pub achievements: i64,
    pub patents: i64,
}

/// Achievements and patents of one block of enterprises in `year`.
pub async fn write_records(
    tx: &mut Tx,
    block: &Block<'_>,
    seed: u64,
    year: i32,
) -> Result<RecordsWritten> {
    let mut rng = XorShiftRng::seed_from_u64(
        seed ^ 0x5245_434f ^ ((block.first as u64) << 20) ^ ((year as u64) << 44),
    );
    let mut next_achievement = bulk::next_id(tx, "achievements").await?;
    let mut next_patent = bulk::next_id(tx, "patents").await?;
    let mut achievements = Rows::new("achievements", ACHIEVEMENT_COLUMNS);
    let mut completers = Rows::new("achievement_completers", COMPLETER_COLUMNS);
    let mut patents = Rows::new("patents", PATENT_COLUMNS);
    // What the block's records count for in the annual summary's tally, by unit.
    let mut counted: Vec<(OrgId, Vec<record_tally::Weighted>)> = Vec::new();
    let day = |rng: &mut XorShiftRng, year: i32| Date {
        year,
        month: rng.random_range(1..=12),
        day: rng.random_range(1..=28),
    };
    for (i, enterprise) in block.enterprises.iter().enumerate() {
        let e = block.first + i;
        let admin = enterprise.staff[0].user_id;
        let unit = enterprise.id;
        for _ in 0..rng.random_range(0..=2) {
            let id = next_achievement;
            next_achievement += 1;
            let subject = ACHIEVEMENT_SUBJECTS[rng.random_range(0..ACHIEVEMENT_SUBJECTS.len())];
            let finished = day(&mut rng, year);
            let started = finished.plus_days(-rng.random_range(90..700));
            let (_, _, field) = THEMES[rng.random_range(0..THEMES.len())];
            // Most claim no level; a few a domestic first or lead, as the city summary counts.
            let claimed = match rng.random_range(0..10) {
                0 => Some(ClaimedLevel::DomesticFirst),
                1 | 2 => Some(ClaimedLevel::DomesticLeading),
                3 => Some(ClaimedLevel::IndustryLeading),
                _ => None,
            };
            counted.push((
                OrgId(unit),
                record_tally::achievement_metrics(
                    i64::from(year),
                    claimed.map(|c| c.as_str()),
                    None,
                ),
            ));
            let at = finished.start(CHINA_STANDARD_OFFSET_MS);
            achievements.push([
                id.into(),
                unit.into(),
                format!("{subject}（{}）", block.names[i]).into(),
                format!("针对生产中的难题，研究{subject}，已在本单位推广应用。").into(),
                field.into(),
                AchievementKind::ALL[rng.random_range(0..AchievementKind::ALL.len())]
                    .as_str()
                    .into(),
                claimed.map(|c| c.as_str()).into(),
                Arg::Date(Some(started)),
                Arg::Date(Some(finished)),
                i64::from(year).into(),
                admin.into(),
                1i64.into(),
                at.into(),
                at.into(),
            ]);
            let team = rng.random_range(1..=3).min(enterprise.staff.len() - 2);
            let from = rng.random_range(0..enterprise.staff.len() - 2);
            for rank in 0..team {
                let member = 2 + (from + rank) % (enterprise.staff.len() - 2);
                completers.push([
                    id.into(),
                    (rank as i64 + 1).into(),
                    enterprise.staff[member].user_id.into(),
                ]);
            }
        }
        if rng.random_range(0..2) == 0 {
            let id = next_patent;
            next_patent += 1;
            let kind = match rng.random_range(0..10) {
                0..=2 => PatentKind::Invention,
                3..=8 => PatentKind::UtilityModel,
                _ => PatentKind::Design,
            };
            let applied = day(&mut rng, year);
            // Utility models and designs are granted within the year or so; inventions later.
            let granted = match kind {
                PatentKind::Invention => None,
                _ => Some(applied.plus_days(rng.random_range(120..300))).filter(|d| d.year == year),
            };
            let k = 2 + rng.random_range(0..enterprise.staff.len() - 2);
            counted.push((
                OrgId(unit),
                record_tally::patent_metrics(i64::from(year), kind.as_str(), granted.is_some()),
            ));
            let at = applied.start(CHINA_STANDARD_OFFSET_MS);
            patents.push([
                id.into(),
                unit.into(),
                kind.as_str().into(),
                application_number(seed, year, kind, e).into(),
                PATENT_SUBJECTS[rng.random_range(0..PATENT_SUBJECTS.len())].into(),
                names::person(e + k, e / 3 + k, e / 5 + 2 * k).into(),
                Arg::Date(Some(applied)),
                Arg::Date(granted),
                if granted.is_some() {
                    "granted"
                } else {
                    "applied"
                }
                .into(),
                i64::from(year).into(),
                admin.into(),
                at.into(),
                at.into(),
            ]);
        }
    }
    bulk::write(tx, &achievements).await?;
    bulk::write(tx, &completers).await?;
    bulk::write(tx, &patents).await?;
    bulk::sync_identity(tx, "achievements").await?;
    bulk::sync_identity(tx, "patents").await?;
    record_tally::count_new(tx, &counted).await?;
    Ok(RecordsWritten {
        achievements: achievements.len() as i64,
        patents: patents.len() as i64,
    })
}

/// A valid application number (with its check character) unique to the seed, year, type and
/// enterprise: `CN` year, type digit, then seven digits of which the last six are the
/// enterprise (a national country has 50,000) and the first the seed.
fn application_number(seed: u64, year: i32, kind: PatentKind, enterprise: usize) -> String {
    let digit = match kind {
        PatentKind::Invention => 1,
        PatentKind::UtilityModel => 2,
        PatentKind::Design => 3,
    };
    let serial = (seed % 10) * 1_000_000 + enterprise as u64 % 1_000_000;
    let digits = format!("{year}{digit}{serial:07}");
    "0123456789X"
        .chars()
        .find_map(|check| ApplicationNumber::parse(&format!("{digits}{check}")).ok())
        .map(|n| n.to_string())
        .unwrap_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_application_numbers_are_valid_and_say_their_type() {
        for (kind, e) in [
            (PatentKind::Invention, 0),
            (PatentKind::UtilityModel, 49_999),
            (PatentKind::Design, 123),
        ] {
            let number = application_number(7, 2024, kind, e);
            let parsed = ApplicationNumber::parse(&number).expect(&number);
            assert_eq!(parsed.kind(), kind, "{number}");
            assert!(number.starts_with("CN2024"), "{number}");
        }
        assert_ne!(
            application_number(1, 2024, PatentKind::Design, 5),
            application_number(2, 2024, PatentKind::Design, 5)
        );
    }
}
