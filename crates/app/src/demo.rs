//! The demo data set, built from the facts in the domain notes: the organisations of the award
//! exchange, the Dalian summary, the Zhao Pengda studio and the Breakthrough programme, and one
//! person for each role. Loading twice changes nothing.

use crate::audit::{Change, record};
use crate::orgs::insert_checked;
use crate::{Caller, Result, passwords, secrets};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::org::NewOrg;
use ingot_domain::{AppError, OrgKind, Role, Timestamp};
use ingot_store::users::NewUser;
use ingot_store::{Db, grants, orgs, users};

pub mod campaigns;
pub mod innovation;
pub mod programmes;
mod proposals;
pub mod studios;

/// (code, parent code, kind, Chinese name, English name)
type OrgRow = (
    &'static str,
    Option<&'static str>,
    OrgKind,
    &'static str,
    &'static str,
);

/// The Jinzhou company is not named in the source facts; its name here is a stand-in.
pub const ZHAO_PENGDA_COMPANY: &str = "CN-LN-JZ-REF";

const ORGS: &[OrgRow] = &[
    (
        "CN",
        None,
        OrgKind::National,
        "中华全国总工会",
        "All-China Federation of Trade Unions",
    ),
    (
        "CN-NM",
        Some("CN"),
        OrgKind::Province,
        "内蒙古自治区总工会",
        "Inner Mongolia Federation of Trade Unions",
    ),
    (
        "CN-NM-BT",
        Some("CN-NM"),
        OrgKind::City,
        "包头市总工会",
        "Baotou Federation of Trade Unions",
    ),
    (
        "CN-NM-BT-NRE",
        Some("CN-NM-BT"),
        OrgKind::Enterprise,
        "中国北方稀土（集团）高科技股份有限公司",
        "China North Rare Earth (Group) High-Tech Co., Ltd.",
    ),
    (
        "CN-NM-BT-NRE-SMELT",
        Some("CN-NM-BT-NRE"),
        OrgKind::Branch,
        "冶炼分公司",
        "Smelting Branch",
    ),
    (
        "CN-NM-BT-NHI",
        Some("CN-NM-BT"),
        OrgKind::Enterprise,
        "内蒙古北方重工业集团有限公司",
        "Inner Mongolia North Heavy Industry Group Co., Ltd.",
    ),
    (
        "CN-NM-HH",
        Some("CN-NM"),
        OrgKind::City,
        "呼和浩特市总工会",
        "Hohhot Federation of Trade Unions",
    ),
    (
        "CN-NM-HH-TKT",
        Some("CN-NM-HH"),
        OrgKind::Enterprise,
        "内蒙古大唐国际托克托发电有限责任公司",
        "Inner Mongolia Datang International Tuoketuo Power Generation Co., Ltd.",
    ),
    (
        "CN-NM-HH-CMCC",
        Some("CN-NM-HH"),
        OrgKind::Enterprise,
        "中国移动通信集团内蒙古有限公司",
        "China Mobile Group Inner Mongolia Co., Ltd.",
    ),
    (
        "CN-NM-QM",
        Some("CN-NM"),
        OrgKind::Enterprise,
        "内蒙古青蒙石墨烯科技有限公司",
        "Inner Mongolia Qingmeng Graphene Technology Co., Ltd.",
    ),
    (
        "CN-NM-DST",
        Some("CN-NM"),
        OrgKind::External,
        "内蒙古自治区科学技术厅",
        "Department of Science and Technology of Inner Mongolia",
    ),
    (
        "CN-LN",
        Some("CN"),
        OrgKind::Province,
        "辽宁省总工会",
        "Liaoning Federation of Trade Unions",
    ),
    (
        "CN-LN-JZ",
        Some("CN-LN"),
        OrgKind::City,
        "锦州市总工会",
        "Jinzhou Federation of Trade Unions",
    ),
    (
        ZHAO_PENGDA_COMPANY,
        Some("CN-LN-JZ"),
        OrgKind::Enterprise,
        "锦州冶金耐火材料有限公司",
        "Jinzhou Metallurgical Refractories Co., Ltd.",
    ),
    (
        "CN-LN-JZ-REF-TC",
        Some(ZHAO_PENGDA_COMPANY),
        OrgKind::Department,
        "技术中心",
        "Technology Centre",
    ),
    (
        "CN-LN-JZ-REF-KILN",
        Some(ZHAO_PENGDA_COMPANY),
        OrgKind::Department,
        "窑炉车间",
        "Kiln Workshop",
    ),
    (
        "CN-LN-DL",
        Some("CN-LN"),
        OrgKind::City,
        "大连市总工会",
        "Dalian Federation of Trade Unions",
    ),
    (
        "CN-LN-DL-GJZ",
        Some("CN-LN-DL"),
        OrgKind::District,
        "甘井子区总工会",
        "Ganjingzi District Federation of Trade Unions",
    ),
    (
        "CN-LN-DL-XG",
        Some("CN-LN-DL"),
        OrgKind::District,
        "西岗区总工会",
        "Xigang District Federation of Trade Unions",
    ),
    (
        "CN-LN-DL-ZS",
        Some("CN-LN-DL"),
        OrgKind::District,
        "中山区总工会",
        "Zhongshan District Federation of Trade Unions",
    ),
    // Stand-ins for the Dalian enterprises behind the city's 2020 figures (none is named).
    (
        "CN-LN-DL-GJZ-MW",
        Some("CN-LN-DL-GJZ"),
        OrgKind::Enterprise,
        "大连甘井子机械制造有限公司",
        "Dalian Ganjingzi Machinery Co., Ltd.",
    ),
    (
        "CN-LN-DL-XG-PW",
        Some("CN-LN-DL-XG"),
        OrgKind::Enterprise,
        "大连西岗港口装备有限公司",
        "Dalian Xigang Port Equipment Co., Ltd.",
    ),
    (
        "CN-LN-DL-ZS-SW",
        Some("CN-LN-DL-ZS"),
        OrgKind::Enterprise,
        "大连中山软件有限公司",
        "Dalian Zhongshan Software Co., Ltd.",
    ),
];

/// (username, display name, organisation code, roles)
type UserRow = (&'static str, &'static str, &'static str, &'static [Role]);

const USERS: &[UserRow] = &[
    ("admin", "系统管理员", "CN", &[Role::FederationAdmin]),
    (
        "nm.admin",
        "内蒙古总工会管理员",
        "CN-NM",
        &[Role::FederationAdmin],
    ),
    (
        "ln.admin",
        "辽宁省总工会管理员",
        "CN-LN",
        &[Role::FederationAdmin],
    ),
    (
        "jz.admin",
        "锦州市总工会管理员",
        "CN-LN-JZ",
        &[Role::FederationAdmin],
    ),
    (
        "dl.admin",
        "大连市总工会管理员",
        "CN-LN-DL",
        &[Role::FederationAdmin],
    ),
    (
        "nre.union",
        "北方稀土工会",
        "CN-NM-BT-NRE",
        &[Role::UnitAdmin],
    ),
    (
        "zhangwenbin",
        "张文斌",
        "CN-NM-BT-NRE-SMELT",
        &[Role::Employee],
    ),
    (
        "ref.union",
        "锦州冶金耐火工会",
        ZHAO_PENGDA_COMPANY,
        &[Role::UnitAdmin],
    ),
    (
        "zhaopengda",
        "赵鹏达",
        "CN-LN-JZ-REF-TC",
        &[Role::Employee, Role::StudioLead],
    ),
    (
        "ref.reviewer",
        "技术中心审核人",
        "CN-LN-JZ-REF-TC",
        &[Role::Reviewer],
    ),
    (
        "ref.finance",
        "财务部核算员",
        ZHAO_PENGDA_COMPANY,
        &[Role::FinanceOfficer],
    ),
    (
        "ref.office",
        "企管部审核人",
        ZHAO_PENGDA_COMPANY,
        &[Role::Reviewer],
    ),
    (
        "kiln.head",
        "窑炉车间主任",
        "CN-LN-JZ-REF-KILN",
        &[Role::Reviewer],
    ),
    ("li.ming", "李明", "CN-LN-JZ-REF-KILN", &[Role::Employee]),
    ("sun.qiang", "孙强", "CN-LN-JZ-REF-KILN", &[Role::Employee]),
    ("wang.fang", "王芳", "CN-LN-JZ-REF-TC", &[Role::Employee]),
    ("chen.jing", "陈静", "CN-LN-JZ-REF-TC", &[Role::Employee]),
    ("zhou.jie", "周杰", ZHAO_PENGDA_COMPANY, &[Role::Employee]),
    ("liu.hong", "刘红", "CN-LN-JZ-REF-TC", &[Role::Employee]),
    ("expert.li", "李专家", "CN-LN", &[Role::Expert]),
    (
        "dl.union",
        "大连甘井子机械工会",
        "CN-LN-DL-GJZ-MW",
        &[Role::UnitAdmin],
    ),
    (
        "dl.finance",
        "大连甘井子机械财务",
        "CN-LN-DL-GJZ-MW",
        &[Role::FinanceOfficer],
    ),
    ("dl.liu.gang", "刘刚", "CN-LN-DL-GJZ-MW", &[Role::Employee]),
    ("dl.wang.lei", "王磊", "CN-LN-DL-XG-PW", &[Role::Employee]),
    ("dl.zhang.hua", "张华", "CN-LN-DL-ZS-SW", &[Role::Employee]),
    ("dl.zhao.min", "赵敏", "CN-LN-DL-GJZ-MW", &[Role::Employee]),
    ("dl.sun.tao", "孙涛", "CN-LN-DL-XG-PW", &[Role::Employee]),
    ("dl.zhou.bin", "周斌", "CN-LN-DL-ZS-SW", &[Role::Employee]),
    ("dl.wu.yan", "吴岩", "CN-LN-DL-GJZ-MW", &[Role::Employee]),
    ("dl.zheng.kai", "郑凯", "CN-LN-DL-XG-PW", &[Role::Employee]),
    ("dl.feng.jun", "冯军", "CN-LN-DL-ZS-SW", &[Role::Employee]),
    ("dl.chen.yu", "陈宇", "CN-LN-DL-GJZ-MW", &[Role::Employee]),
    (
        "nm.programme",
        "科技厅项目官员",
        "CN-NM-DST",
        &[Role::ProgrammeOfficer],
    ),
];

#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub orgs_created: usize,
    pub users_created: usize,
    /// The password of every demo account, when this run set it.
    pub password: Option<String>,
    pub usernames: Vec<&'static str>,
    pub proposals_created: usize,
    pub studios_created: usize,
    /// Innovation records (achievements, patents, skills, titles, the Dalian suggestions).
    pub records_created: usize,
    /// Declarations of the 2023 national exchange.
    pub declarations_created: usize,
    /// Critical tasks of the demo programme.
    pub programme_tasks_created: usize,
}

impl DemoReport {
    pub fn created_anything(&self) -> bool {
        self.orgs_created
            + self.users_created
            + self.proposals_created
            + self.studios_created
            + self.records_created
            + self.declarations_created
            + self.programme_tasks_created
            > 0
    }
}

/// The demo data with, besides the facts, a few dozen generated studios (and their leads, whose
/// accounts have an unknown password) so that studio lists and statistics have something to
/// show. The test harness loads only the facts, whose counts its tests rely on.
pub async fn load_with_samples(db: &Db, reset_passwords: bool) -> Result<DemoReport> {
    let mut report = load(db, reset_passwords).await?;
    let origin = RequestOrigin {
        channel: "demo",
        utc_offset_ms: ingot_domain::time::CHINA_STANDARD_OFFSET_MS,
        ..Default::default()
    };
    let hash = passwords::hash(secrets::random_password()).await?;
    let samples = studios::load_generated(db, &Caller::system(&origin), &hash).await?;
    if samples > 0 {
        crate::search::queue_everything(db).await?;
    }
    report.studios_created += samples;
    Ok(report)
}

/// Loads the demo data. Accounts get one shared password, generated and returned when they
/// are created (or when `reset_passwords` asks for a new one).
pub async fn load(db: &Db, reset_passwords: bool) -> Result<DemoReport> {
    let origin = RequestOrigin {
        channel: "demo",
        utc_offset_ms: ingot_domain::time::CHINA_STANDARD_OFFSET_MS,
        ..Default::default()
    };
    let caller = Caller::system(&origin);
    let password = secrets::random_password();
    let hash = passwords::hash(password.clone()).await?;
    let mut report = DemoReport {
        usernames: USERS.iter().map(|u| u.0).collect(),
        ..Default::default()
    };

    let mut tx = db.begin().await?;
    for &(code, parent, kind, name, name_en) in ORGS {
        if orgs::get_by_code(&mut tx, code).await?.is_some() {
            continue;
        }
        let parent = match parent {
            Some(p) => Some(
                orgs::get_by_code(&mut tx, p)
                    .await?
                    .ok_or_else(|| AppError::internal(format!("demo parent {p}")))?,
            ),
            None => None,
        };
        let new = NewOrg {
            parent_id: parent.as_ref().map(|p| p.id),
            code: code.to_string(),
            name: name.to_string(),
            name_en: Some(name_en.to_string()),
            kind,
        };
        insert_checked(&mut tx, &caller, &new, parent.as_ref()).await?;
        report.orgs_created += 1;
    }
    let now = Timestamp::now();
    for &(username, display_name, org_code, roles) in USERS {
        let org = orgs::get_by_code(&mut tx, org_code)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo org {org_code}")))?;
        let existing = users::get_by_username(&mut tx, username).await?;
        let id = match existing {
            Some(u) => {
                if reset_passwords {
                    users::set_password(&mut tx, u.id, &hash, now).await?;
                    users::clear_failures(&mut tx, u.id).await?;
                }
                u.id
            }
            None => {
                let new = NewUser {
                    org_id: org.id,
                    username,
                    display_name,
                    email: None,
                    password_hash: &hash,
                    lang: None,
                };
                let id = users::insert(&mut tx, &new, now).await?;
                record(
                    &mut tx,
                    &caller,
                    Change::new("user.create", "user", id.0)
                        .label(username)
                        .org(org.id),
                )
                .await?;
                report.users_created += 1;
                id
            }
        };
        let held = grants::of_user(&mut tx, id).await?;
        for &role in roles {
            if !held.iter().any(|g| g.role == role && g.org_id == org.id) {
                let grant = grants::insert(&mut tx, id, role, org.id, None, now).await?;
                record(
                    &mut tx,
                    &caller,
                    Change::new("user.grant", "user", id.0)
                        .label(username)
                        .org(org.id)
                        .after(&serde_json::json!({ "grant_id": grant, "role": role, "org_code": org_code })),
                )
                .await?;
            }
        }
    }
    if reset_passwords {
        record(
            &mut tx,
            &caller,
            Change::new("demo.reset_passwords", "user", None),
        )
        .await?;
    }
    tx.commit().await?;
    report.proposals_created = proposals::load(db, &caller).await?;
    // The records first: the studio's own records come after Dalian's, which the records'
    // loader looks for.
    report.records_created = innovation::load(db, &caller).await?;
    report.studios_created = studios::load(db, &caller).await?;
    let exchange = campaigns::load(db, &caller, &hash, reset_passwords).await?;
    report
        .usernames
        .extend(campaigns::EXPERTS.iter().map(|e| e.0));
    report.orgs_created += exchange.orgs;
    report.users_created += exchange.users;
    report.declarations_created = exchange.declarations;
    let (institutions, tasks) = programmes::load(db, &caller).await?;
    // The programme's external institutions are organisations of the tree too.
    report.orgs_created += institutions;
    report.programme_tasks_created = tasks;
    // A password is only worth printing if this run set it for some accounts.
    if reset_passwords || report.users_created > 0 {
        report.password = Some(password);
    }
    // Much of the demo is loaded in bulk, past the change log: every index takes it all in.
    if report.created_anything() {
        crate::search::queue_everything(db).await?;
    }
    Ok(report)
}
