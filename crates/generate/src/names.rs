//! Chinese names for generated organisations and people, unique among siblings by construction
//! (a sibling's index picks its syllables), so the tree never breaks the sibling-name rule.

pub const PROVINCES: [&str; 31] = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
];

const PLACE: [&str; 40] = [
    "安", "宝", "昌", "长", "大", "东", "丰", "阜", "广", "海", "和", "华", "建", "江", "金", "锦",
    "景", "开", "临", "龙", "南", "宁", "平", "庆", "泉", "瑞", "山", "盛", "泰", "天", "通", "新",
    "兴", "阳", "宜", "永", "裕", "元", "远", "中",
];

const INDUSTRY: [&str; 20] = [
    "钢铁",
    "化工",
    "机械",
    "电力",
    "煤业",
    "石化",
    "汽车",
    "纺织",
    "建材",
    "电子",
    "船舶",
    "有色金属",
    "轨道交通",
    "水务",
    "燃气",
    "港务",
    "制药",
    "食品",
    "造纸",
    "重工",
];

const COMPANY: [&str; 3] = ["有限公司", "集团有限公司", "股份有限公司"];

pub const BRANCHES: [&str; 8] = [
    "第一车间",
    "第二车间",
    "技术中心",
    "设备部",
    "安全环保部",
    "质量部",
    "动力厂",
    "运输部",
];

const SURNAMES: [&str; 30] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];

const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞",
    "平", "刚", "鹏", "辉", "华", "建", "峰", "达",
];

/// Two place syllables from a sibling index: 1,600 different names before a number is added.
fn place(index: usize) -> String {
    let n = PLACE.len();
    let mut name = format!("{}{}", PLACE[index % n], PLACE[(index / n) % n]);
    if index >= n * n {
        name.push_str(&(index / (n * n)).to_string());
    }
    name
}

pub fn city(index: usize) -> String {
    format!("{}市总工会", place(index))
}

pub fn district(index: usize) -> String {
    format!("{}区总工会", place(index))
}

pub fn province(index: usize) -> String {
    format!("{}总工会", PROVINCES[index])
}

/// An enterprise's name; `index` is its place among its district's enterprises and `salt`
/// varies the place name between districts.
pub fn enterprise(index: usize, salt: usize) -> String {
    let industry = INDUSTRY[index % INDUSTRY.len()];
    let company = COMPANY[(index / INDUSTRY.len()) % COMPANY.len()];
    let place = place(salt * 7 + index / (INDUSTRY.len() * COMPANY.len()));
    format!("{place}{industry}{company}")
}

pub fn person(a: usize, b: usize, c: usize) -> String {
    format!(
        "{}{}{}",
        SURNAMES[a % SURNAMES.len()],
        GIVEN[b % GIVEN.len()],
        GIVEN[c % GIVEN.len()]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn siblings_never_share_a_name() {
        let cities: HashSet<String> = (0..5_000).map(city).collect();
        assert_eq!(cities.len(), 5_000);
        let firms: HashSet<String> = (0..3_000).map(|i| enterprise(i, 11)).collect();
        assert_eq!(firms.len(), 3_000);
    }
}
