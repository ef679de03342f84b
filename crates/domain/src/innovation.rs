//! Innovation records: achievements with their ranked completers, patents (with Chinese
//! application numbers checked), skills and methods named after their creators, and talent
//! titles and honours with the level that eligibility rules ask about. Pure rules.

use crate::error::{AppError, FieldError};
use crate::ids::{OrgId, UserId};
use crate::time::Date;
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;
pub const MAX_COMPLETERS: usize = 15;

/// Declares a closed set of codes with `as_str`, `parse` and `ALL`.
macro_rules! codes {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The code, or one of the Chinese words spreadsheets use for it.
            pub fn parse(raw: &str) -> Option<$name> {
                let raw = raw.trim();
                match raw {
                    $($code $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        #[cfg(feature = "sqlx")]
        $crate::stored_code::stored_as_code!($name);

        impl $crate::validate::Coded for $name {
            fn from_code(raw: &str) -> Option<Self> {
                Self::parse(raw)
            }
            fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}
pub(crate) use codes;

codes!(
    /// What kind of technical work an achievement is.
    AchievementKind {
        Process = "process" | "工艺",
        Equipment = "equipment" | "装备" | "设备",
        Material = "material" | "材料",
        Method = "method" | "方法",
        Software = "software" | "软件",
    }
);

codes!(
    /// The level a unit claims for its achievement.
    ClaimedLevel {
        InternationalLeading = "international_leading" | "国际领先",
        InternationalAdvanced = "international_advanced" | "国际先进",
        DomesticFirst = "domestic_first" | "国内首创",
        DomesticLeading = "domestic_leading" | "国内领先",
        DomesticAdvanced = "domestic_advanced" | "国内先进",
        IndustryLeading = "industry_leading" | "行业领先",
    }
);

codes!(
    /// Patent types under Chinese patent law.
    PatentKind {
        Invention = "invention" | "发明" | "发明专利",
        UtilityModel = "utility_model" | "实用新型" | "实用新型专利",
        Design = "design" | "外观设计" | "外观设计专利",
    }
);

codes!(
    /// Where a patent stands.
    PatentStatus {
        Applied = "applied" | "申请中" | "已申请",
        Granted = "granted" | "授权" | "已授权",
        Rejected = "rejected" | "驳回" | "已驳回",
        Lapsed = "lapsed" | "失效" | "已失效",
    }
);

codes!(
    /// The level of the body granting a title or honour, lowest first, so that levels compare.
    HonourLevel {
        Enterprise = "enterprise" | "企业级",
        Municipal = "municipal" | "市级",
        Provincial = "provincial" | "省级",
        National = "national" | "国家级" | "全国",
    }
);

codes!(
    /// A skill or method: a "trick, stunt, unique skill" (绝招绝技) or an advanced operation method.
    SkillKind {
        UniqueSkill = "unique_skill" | "绝招绝技" | "绝招" | "绝技",
        OperationMethod = "operation_method" | "先进操作法" | "操作法",
    }
);

/// A Chinese patent application number, checked and written the canonical way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationNumber {
    /// The digits without the check character, e.g. `202110123456`.
    pub digits: String,
    /// `0`-`9` or `X`.
    pub check: char,
}

impl ApplicationNumber {
    /// Reads `CN202110123456.X`, `ZL 2021 1 0123456.X`, `202110123456X` (12 digits, since
    /// 2003) or `ZL97123456.7` (8 digits, before). The check character is the weighted sum of
    /// the digits (weights 2 to 9, then 2 to 5 again) mod 11, with 10 written `X`.
    pub fn parse(raw: &str) -> Result<ApplicationNumber, &'static str> {
        let mut s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        for prefix in ["CN", "ZL"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
            }
        }
        let s: String = s.chars().filter(|c| *c != '.').collect();
        if s.len() < 2 || !s.is_ascii() {
            return Err("patent_number_format");
        }
        let (digits, check) = s.split_at(s.len() - 1);
        let check = check.chars().next().unwrap_or(' ');
        if !digits.chars().all(|c| c.is_ascii_digit()) || !(check.is_ascii_digit() || check == 'X')
        {
            return Err("patent_number_format");
        }
        let kind = match digits.len() {
            12 => {
                let year: u32 = digits[..4].parse().map_err(|_| "patent_number_format")?;
                if !(2003..=2099).contains(&year) {
                    return Err("patent_number_format");
                }
                &digits[4..5]
            }
            8 => &digits[2..3],
            _ => return Err("patent_number_format"),
        };
        if !matches!(kind, "1" | "2" | "3" | "8" | "9") {
            return Err("patent_number_type");
        }
        if check_char(digits) != check {
            return Err("patent_number_check");
        }
        Ok(ApplicationNumber {
            digits: digits.to_string(),
            check,
        })
    }

    /// The type of patent the number says: 1 invention, 2 utility model, 3 design; PCT
    /// applications entering China (8 invention, 9 utility model).
    pub fn kind(&self) -> PatentKind {
        let pos = if self.digits.len() == 12 { 4 } else { 2 };
        match &self.digits[pos..pos + 1] {
            "2" | "9" => PatentKind::UtilityModel,
            "3" => PatentKind::Design,
            _ => PatentKind::Invention,
        }
    }
}

impl std::fmt::Display for ApplicationNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CN{}.{}", self.digits, self.check)
    }
}

/// The check character of an application number's digits.
pub fn check_char(digits: &str) -> char {
    const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = digits
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('0'),
    }
}

/// A patent's dates and status must agree: no grant before the application, a granted patent
/// has its grant date.
pub fn check_patent_dates(
    application: Option<Date>,
    grant: Option<Date>,
    status: PatentStatus,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let (Some(a), Some(g)) = (application, grant)
        && g < a
    {
        errors.push(FieldError::new("granted_on", "grant_before_application"));
    }
    if status == PatentStatus::Granted && grant.is_none() {
        errors.push(FieldError::new("granted_on", "grant_date_required"));
    }
    errors
}

/// A completer of an achievement, by rank (1 is the first completer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completer {
    pub user_id: UserId,
    pub rank: i64,
}

/// Completers are ranked 1, 2, 3 ... with nobody twice; at least one, at most fifteen.
pub fn validate_completers(completers: &[Completer]) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if completers.is_empty() || completers.len() > MAX_COMPLETERS {
        errors.push(FieldError::new("completers", "completer_count").with("max", MAX_COMPLETERS));
    }
    for (i, c) in completers.iter().enumerate() {
        if completers[..i].iter().any(|d| d.user_id == c.user_id) {
            errors.push(FieldError::new(format!("completers[{i}]"), "person_twice"));
        }
        if c.rank != i as i64 + 1 {
            errors.push(FieldError::new(
                format!("completers[{i}].rank"),
                "rank_out_of_order",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Does a person holding honours at these levels hold one at `at_least` or higher?
pub fn holds_level(levels: &[HonourLevel], at_least: HonourLevel) -> bool {
    levels.iter().any(|l| *l >= at_least)
}

/// The summary figures of a unit's (or a city's) innovation records for a year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearFigures {
    pub achievements: i64,
    pub skills: i64,
    pub proposals: i64,
    pub patents: i64,
    pub titled_people: i64,
    pub verified_benefit_cents: i64,
}

/// Where an achievement belongs, for the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub unit_id: OrgId,
}

#[cfg(test)]
mod tests;
