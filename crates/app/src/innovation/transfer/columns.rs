//! The columns of each kind of record as a spreadsheet. The template, the export and the import
//! share them, so that an exported file imports again unchanged. Headings and coded values are
//! named by catalogue keys; the web layer reads them in both languages into a [`Vocabulary`].

use ingot_domain::Role;
use ingot_domain::innovation::{AchievementKind, ClaimedLevel, HonourLevel, SkillKind};
use ingot_domain::studio::{FocusField, StudioKind};
use std::collections::HashMap;

/// A kind of record that moves in and out as a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Achievements,
    Skills,
    Titles,
    /// People with the roles they hold on their organisation.
    People,
    /// Studios with their members.
    Studios,
}

impl RecordKind {
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Achievements,
        RecordKind::Skills,
        RecordKind::Titles,
        RecordKind::People,
        RecordKind::Studios,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Achievements => "achievements",
            RecordKind::Skills => "skills",
            RecordKind::Titles => "titles",
            RecordKind::People => "people",
            RecordKind::Studios => "studios",
        }
    }

    pub fn parse(raw: &str) -> Option<RecordKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == raw.trim())
    }

    /// The columns an import reads, in the order the template and the export write them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            RecordKind::Achievements => ACHIEVEMENT_COLUMNS,
            RecordKind::Skills => SKILL_COLUMNS,
            RecordKind::Titles => TITLE_COLUMNS,
            RecordKind::People => PEOPLE_COLUMNS,
            RecordKind::Studios => STUDIO_COLUMNS,
        }
    }
}

/// A closed set of codes, shown by the labels under a catalogue prefix.
#[derive(Debug)]
pub struct Values {
    /// `<labels>.<code>` names each code in the catalogues.
    pub labels: &'static str,
    pub codes: fn() -> Vec<&'static str>,
}

#[derive(Debug)]
pub struct Column {
    /// The column's name in the API, and a heading every import accepts.
    pub key: &'static str,
    /// The catalogue key of its heading.
    pub label: &'static str,
    /// A row without it is refused; a file without the column too (the unit excepted, which a
    /// default unit can stand for).
    pub required: bool,
    pub values: Option<Values>,
    /// A cell holds several values, separated by commas.
    pub many: bool,
}

pub(super) const fn column(key: &'static str, label: &'static str, required: bool) -> Column {
    Column {
        key,
        label,
        required,
        values: None,
        many: false,
    }
}

const fn coded(key: &'static str, label: &'static str, required: bool, values: Values) -> Column {
    Column {
        key,
        label,
        required,
        values: Some(values),
        many: false,
    }
}

/// A column whose cell lists several codes.
const fn coded_list(
    key: &'static str,
    label: &'static str,
    required: bool,
    values: Values,
) -> Column {
    Column {
        many: true,
        ..coded(key, label, required, values)
    }
}

fn codes_of<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

/// The column naming a record's unit by its organisation code.
pub const UNIT_CODE: &str = "unit_code";

const ACHIEVEMENT_COLUMNS: &[Column] = &[
    column(UNIT_CODE, "records.col.unit_code", true),
    column("title", "records.col.title", true),
    column("summary", "records.col.summary", true),
    column("field", "records.col.field", true),
    coded(
        "kind",
        "records.col.kind",
        true,
        Values {
            labels: "records.kind",
            codes: || codes_of(AchievementKind::ALL, AchievementKind::as_str),
        },
    ),
    coded(
        "claimed_level",
        "records.col.level",
        false,
        Values {
            labels: "records.level",
            codes: || codes_of(ClaimedLevel::ALL, ClaimedLevel::as_str),
        },
    ),
    column("started_on", "records.col.started_on", false),
    column("finished_on", "records.col.finished_on", false),
    column("year", "records.col.year", false),
    column("award", "records.col.award", false),
    column(
        "in_production_since",
        "records.col.in_production_since",
        false,
    ),
    column("production_site", "records.col.production_site", false),
    column("completers", "records.col.completer_usernames", true),
];

const SKILL_COLUMNS: &[Column] = &[
    column(UNIT_CODE, "records.col.unit_code", true),
    coded(
        "kind",
        "records.col.kind",
        true,
        Values {
            labels: "records.skill",
            codes: || codes_of(SkillKind::ALL, SkillKind::as_str),
        },
    ),
    column("name", "records.col.name", true),
    column("creator", "records.col.creator", false),
    column("creator_name", "records.col.creator_name", false),
    column("description", "records.col.description", true),
    column("used_where", "records.col.used_where", true),
    column("trained_count", "records.col.trained_count", false),
    column("trainees", "records.col.trainees", false),
    column("year", "records.col.year", false),
];

const TITLE_COLUMNS: &[Column] = &[
    column("holder", "records.col.holder", true),
    column("name", "records.col.title_name", true),
    column("granted_by_code", "records.col.granted_by_code", true),
    column("year", "records.col.year", false),
    coded(
        "level",
        "records.col.honour_level",
        true,
        Values {
            labels: "records.honour",
            codes: || codes_of(HonourLevel::ALL, HonourLevel::as_str),
        },
    ),
];

const PEOPLE_COLUMNS: &[Column] = &[
    column(UNIT_CODE, "records.col.unit_code", true),
    column("username", "records.col.username", true),
    column("display_name", "records.col.display_name", true),
    column("email", "records.col.email", false),
    coded_list(
        "roles",
        "records.col.roles",
        false,
        Values {
            labels: "role",
            codes: || codes_of(&Role::ALL, Role::as_str),
        },
    ),
];

const STUDIO_COLUMNS: &[Column] = &[
    column(UNIT_CODE, "records.col.unit_code", true),
    column("name", "records.col.studio_name", true),
    coded(
        "kind",
        "records.col.studio_kind",
        true,
        Values {
            labels: "skind",
            codes: || codes_of(StudioKind::ALL, StudioKind::as_str),
        },
    ),
    column("lead", "records.col.lead", true),
    column("founded_on", "records.col.founded_on", true),
    column("address", "records.col.address", true),
    coded_list(
        "fields",
        "records.col.fields",
        true,
        Values {
            labels: "ffield",
            codes: || codes_of(FocusField::ALL, FocusField::as_str),
        },
    ),
    column("description", "records.col.studio_description", false),
    column("members", "records.col.members", false),
];

/// Headings people write in their own spreadsheets for a column, besides ours in either
/// language and the key.
fn aliases(kind: RecordKind, key: &str) -> &'static [&'static str] {
    match (kind, key) {
        (_, "unit_code") => &["单位编码", "组织编码", "unit"],
        (RecordKind::Achievements, "title") => &["成果名称", "项目名称"],
        (RecordKind::Achievements, "summary") => &["成果简介"],
        (RecordKind::Achievements, "field") => &["所属领域", "领域"],
        (RecordKind::Achievements, "kind") => &["成果类别", "类别"],
        (RecordKind::Achievements, "claimed_level") => &["技术水平", "水平", "level"],
        (RecordKind::Achievements, "completers") => &["完成人", "主要完成人"],
        (RecordKind::Skills, "name") => &["绝招绝技名称", "操作法名称"],
        (RecordKind::Skills, "kind") => &["类别"],
        (RecordKind::Skills, "creator_name") => &["创造人", "创造者"],
        (RecordKind::Titles, "holder") => &["用户名"],
        (RecordKind::Titles, "name") => &["称号", "荣誉称号"],
        (RecordKind::People, "username") => &["用户名", "工号", "账号"],
        (RecordKind::People, "display_name") => &["姓名", "name"],
        (RecordKind::People, "email") => &["邮箱", "电子邮箱", "e-mail"],
        (RecordKind::People, "roles") => &["角色", "role"],
        (RecordKind::Studios, "name") => &["工作室名称", "名称"],
        (RecordKind::Studios, "kind") => &["工作室类型", "类型"],
        (RecordKind::Studios, "lead") => &["领办人", "领衔人", "领办人用户名"],
        (RecordKind::Studios, "founded_on") => &["成立日期", "成立时间"],
        (RecordKind::Studios, "address") => &["地址"],
        (RecordKind::Studios, "fields") => &["专业领域", "领域"],
        (RecordKind::Studios, "members") => &["成员", "团队成员"],
        (_, "year") => &["年份"],
        _ => &[],
    }
}

/// How people write headings and coded values: every heading in either language (and the API
/// key) names its column; every label of a code in either language stands for the code.
#[derive(Debug, Default)]
pub struct Vocabulary {
    headings: HashMap<&'static str, Vec<String>>,
    values: HashMap<&'static str, HashMap<String, &'static str>>,
}

fn folded(raw: &str) -> String {
    raw.trim().to_lowercase()
}

impl Vocabulary {
    /// The vocabulary of `kind`, with `labels(key)` giving a catalogue key's text in every
    /// language.
    pub fn of(kind: RecordKind, labels: impl Fn(&str) -> Vec<String>) -> Vocabulary {
        let mut v = Vocabulary::default();
        for c in kind.columns() {
            let mut names = vec![c.key.to_string()];
            names.extend(labels(c.label));
            names.extend(aliases(kind, c.key).iter().map(|a| a.to_string()));
            v.headings.insert(c.key, names);
            if let Some(values) = &c.values {
                let words = v.values.entry(c.key).or_default();
                for code in (values.codes)() {
                    words.insert(folded(code), code);
                    for label in labels(&format!("{}.{code}", values.labels)) {
                        words.insert(folded(&label), code);
                    }
                }
            }
        }
        v
    }

    /// The headings that name `key`'s column.
    pub fn headings(&self, key: &str) -> Vec<&str> {
        self.headings
            .get(key)
            .map(|names| names.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The codes a cell of a column of several values stands for, each as [`Self::code`] reads it.
    pub fn codes(&self, key: &str, raw: &str) -> Vec<String> {
        // Not split at spaces, which labels have ("Resources and environment").
        raw.split([',', '，', '、', ';', '；', '\n'])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| self.code(key, item))
            .collect()
    }

    /// The code a cell of `key`'s column stands for: a label's code, or the cell as written (the
    /// record's own rules know the codes and their Chinese synonyms, and name a wrong one).
    pub fn code(&self, key: &str, raw: &str) -> String {
        self.values
            .get(key)
            .and_then(|words| words.get(&folded(raw)))
            .map_or_else(|| raw.trim().to_string(), |code| code.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(key: &str) -> Vec<String> {
        match key {
            "records.col.kind" => vec!["Type".into(), "类型".into()],
            "records.kind.process" => vec!["Process".into(), "工艺".into()],
            _ => Vec::new(),
        }
    }

    #[test]
    fn labels_in_either_language_stand_for_their_code() {
        let v = Vocabulary::of(RecordKind::Achievements, labels);
        assert_eq!(v.code("kind", " process "), "process");
        assert_eq!(v.code("kind", "PROCESS"), "process");
        assert_eq!(v.code("kind", "工艺"), "process");
        // Unknown words pass through for the record's rules to name.
        assert_eq!(v.code("kind", "magic"), "magic");
        let fields = Vocabulary::of(RecordKind::Studios, |key| match key {
            "ffield.resources_environment" => vec!["Resources and environment".into()],
            "ffield.metallurgy" => vec!["冶金".into()],
            _ => Vec::new(),
        });
        assert_eq!(
            fields.codes("fields", "冶金、Resources and environment, energy"),
            ["metallurgy", "resources_environment", "energy"]
        );
        assert_eq!(
            v.headings("kind"),
            vec!["kind", "Type", "类型", "成果类别", "类别"]
        );
    }

    #[test]
    fn every_kind_names_each_column_once_and_parses_back() {
        for kind in RecordKind::ALL {
            let keys: Vec<&str> = kind.columns().iter().map(|c| c.key).collect();
            let mut unique = keys.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), keys.len(), "{kind:?}");
            assert_eq!(RecordKind::parse(kind.as_str()), Some(*kind));
        }
    }
}
