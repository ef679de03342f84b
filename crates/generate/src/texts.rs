//! Proposal texts: a workshop's equipment, its problem and the change proposed, from pools large
//! enough that unrelated proposals rarely look alike, plus near-duplicates of earlier proposals
//! (a few characters changed), which the duplicate check must find.

use rand::RngExt;
use rand_xorshift::XorShiftRng;

const EQUIPMENT: [&str; 32] = [
    "皮带输送机",
    "液压站",
    "冷却水泵",
    "焊接工装",
    "配电柜",
    "桥式起重机",
    "炉前操作台",
    "数控车床",
    "空压机",
    "除尘器",
    "循环水系统",
    "变频器",
    "减速机",
    "托辊",
    "风机叶轮",
    "加热炉",
    "轧辊",
    "阀门组",
    "润滑系统",
    "传动轴",
    "检测探头",
    "包装线",
    "叉车",
    "电解槽",
    "鼓风机",
    "过滤器",
    "翻车机",
    "料仓",
    "烧结机",
    "高压开关柜",
    "热交换器",
    "机器人夹具",
];

const PROBLEM: [&str; 16] = [
    "磨损严重，每月更换备件",
    "频繁漏油，污染现场",
    "能耗偏高，电费居高不下",
    "故障停机频繁，影响产量",
    "操作繁琐，效率低下",
    "存在夹伤的安全隐患",
    "温度波动大，产品合格率下降",
    "噪声超标，员工反映强烈",
    "点检困难，需停机登高作业",
    "粉尘外逸，环境不达标",
    "备件通用性差，库存积压",
    "人工搬运劳动强度大",
    "定位不准，返工率高",
    "冬季易冻裂，检修量大",
    "信号干扰，误报警多",
    "清理周期短，占用大量人工",
];

const MEASURE: [&str; 16] = [
    "加装自动润滑装置",
    "改用耐磨衬板",
    "增设变频控制",
    "优化控制程序逻辑",
    "改造为快换结构",
    "加装防护罩和联锁",
    "增设在线温度监测",
    "更换为低噪声电机",
    "增设检修平台",
    "加装密封和负压收尘",
    "统一备件规格",
    "增设电动助力搬运车",
    "加装激光定位",
    "增加伴热保温",
    "改用屏蔽电缆并单独接地",
    "加装自动清扫装置",
];

const EFFECT: [&str; 8] = [
    "减少停机时间",
    "降低备件消耗",
    "节约电能",
    "减轻劳动强度",
    "消除安全隐患",
    "提高产品合格率",
    "改善作业环境",
    "缩短检修周期",
];

const CONTEXT: [&str; 16] = [
    "夜班人手少时尤为突出",
    "上月因此发生两次非计划停机",
    "点检记录显示问题逐月加重",
    "班组多次在班前会上提出",
    "雨季前后情况明显恶化",
    "新员工操作时更容易出错",
    "设备厂家已不再供应原型号配件",
    "外委维修费用逐年上升",
    "质量部抽检时多次发现",
    "安全检查中被列为整改项",
    "满负荷生产时问题最明显",
    "相邻工序也因此受到影响",
    "冬季低温时故障率翻倍",
    "现有备件库存只够两个月",
    "操作工需要频繁离岗处理",
    "能源审计中被列为重点耗能点",
];

const DETAIL: [&str; 16] = [
    "材料利用车间库存的废旧钢板",
    "安装时间安排在月度检修期间",
    "由设备员负责日常点检",
    "先在一台设备上试用三个月再推广",
    "图纸由技术中心审核",
    "改造费用约两千元",
    "不改变原有工艺参数",
    "同时编写作业指导书",
    "利用现有控制柜的备用回路",
    "外购件选用国产成熟产品",
    "施工由班组利用业余时间完成",
    "改造后组织全员培训",
    "与安环部共同验收",
    "保留原有装置作为备用",
    "采用模块化设计便于更换",
    "参照兄弟单位的成功做法",
];

/// The four texts of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub problem: String,
    pub change: String,
    pub effect: String,
}

fn one<'a>(rng: &mut XorShiftRng, pool: &[&'a str]) -> &'a str {
    pool[rng.random_range(0..pool.len())]
}

/// Two different entries of a pool.
fn two<'a>(rng: &mut XorShiftRng, pool: &[&'a str]) -> (&'a str, &'a str) {
    let a = rng.random_range(0..pool.len());
    let b = (a + rng.random_range(1..pool.len())) % pool.len();
    (pool[a], pool[b])
}

pub fn fresh(rng: &mut XorShiftRng, workshop: &str) -> Texts {
    let equipment = one(rng, &EQUIPMENT);
    let problem = one(rng, &PROBLEM);
    let measure = one(rng, &MEASURE);
    let (first, second) = two(rng, &EFFECT);
    let (context, detail) = (one(rng, &CONTEXT), one(rng, &DETAIL));
    let other_detail = one(rng, &DETAIL);
    let line: u32 = rng.random_range(1..=12);
    let hours: u32 = rng.random_range(2..=480);
    let saving: u32 = rng.random_range(1..=120);
    let title = match rng.random_range(0..5) {
        0 => format!("关于{workshop}{equipment}{measure}的建议"),
        1 => format!("{line}号{equipment}{measure}"),
        2 => format!(
            "解决{equipment}{}的办法",
            &problem[..problem.find('，').unwrap_or(problem.len())]
        ),
        3 => format!("{workshop}{equipment}改造：{measure}"),
        _ => format!("{first}——{equipment}{measure}"),
    };
    let problem = match rng.random_range(0..3) {
        0 => format!("{workshop}{line}号{equipment}{problem}，{context}。"),
        1 => format!("目前{equipment}{problem}。{context}，全年影响约{hours}小时。"),
        _ => format!("{context}：{line}号线的{equipment}{problem}，累计停机{hours}小时。"),
    };
    let change = match rng.random_range(0..3) {
        0 => format!("{measure}，{detail}。"),
        1 => format!("对{equipment}{measure}；{detail}，{other_detail}。"),
        _ => format!("建议{measure}。{detail}。"),
    };
    Texts {
        title,
        problem,
        change,
        effect: format!("{first}，{second}，预计每年节约{saving}万元。"),
    }
}

/// A near-duplicate of `original`: the same proposal put forward again, a few characters
/// changed and a sentence added.
pub fn near_duplicate(rng: &mut XorShiftRng, original: &Texts) -> Texts {
    let mut problem: Vec<char> = original.problem.chars().collect();
    for _ in 0..rng.random_range(1..=2) {
        let at = rng.random_range(0..problem.len());
        problem[at] = '、';
    }
    Texts {
        title: original.title.replace("的建议", "的改进建议"),
        problem: problem.into_iter().collect(),
        change: original.change.clone(),
        effect: original.effect.clone(),
    }
}
