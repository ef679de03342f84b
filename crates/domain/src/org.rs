//! The organisation tree: kinds, materialised paths and subtree scopes.

use crate::error::FieldError;
use crate::ids::OrgId;
use crate::time::Timestamp;
use crate::validate::Validator;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    National,
    Province,
    City,
    District,
    Enterprise,
    Branch,
    Department,
    /// Universities, institutes, government departments and other bodies outside the union tree.
    External,
}

impl OrgKind {
    pub const ALL: [OrgKind; 8] = [
        OrgKind::National,
        OrgKind::Province,
        OrgKind::City,
        OrgKind::District,
        OrgKind::Enterprise,
        OrgKind::Branch,
        OrgKind::Department,
        OrgKind::External,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::National => "national",
            OrgKind::Province => "province",
            OrgKind::City => "city",
            OrgKind::District => "district",
            OrgKind::Enterprise => "enterprise",
            OrgKind::Branch => "branch",
            OrgKind::Department => "department",
            OrgKind::External => "external",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        let s = s.trim().to_ascii_lowercase();
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn rank(self) -> u8 {
        match self {
            OrgKind::National => 0,
            OrgKind::Province => 1,
            OrgKind::City => 2,
            OrgKind::District => 3,
            OrgKind::Enterprise => 4,
            OrgKind::Branch => 5,
            OrgKind::Department => 6,
            OrgKind::External => 7,
        }
    }

    /// Whether a `self` may sit directly under a `parent`. Levels may be skipped (an enterprise
    /// directly under a city) and repeated below the enterprise level (a group's subsidiaries,
    /// workshops inside departments), but never reversed (no province under a city).
    /// External bodies may sit anywhere, or at the top; nothing of the union tree sits under them
    /// except their own departments.
    pub fn may_sit_under(self, parent: Option<OrgKind>) -> bool {
        match (self, parent) {
            (OrgKind::National | OrgKind::External, None) => true,
            (_, None) => false,
            (OrgKind::External, Some(_)) => true,
            (OrgKind::Department, Some(OrgKind::External)) => true,
            (_, Some(OrgKind::External)) => false,
            (OrgKind::National, Some(_)) => false,
            (child, Some(parent)) => {
                let repeatable = child.rank() >= OrgKind::Enterprise.rank();
                child.rank() > parent.rank() || (repeatable && child.rank() == parent.rank())
            }
        }
    }
}

/// The materialised path of an organisation: its ancestors' ids and its own, e.g. `/1/5/23/`.
/// A subtree is every path that starts with the root's path, which both databases answer from
/// a plain b-tree index as the range `[path, path_end)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(transparent)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: OrgId) -> Self {
        OrgPath(format!("/{}/", id.0))
    }

    pub fn child(&self, id: OrgId) -> Self {
        OrgPath(format!("{}{}/", self.0, id.0))
    }

    /// Wraps a path read from the database.
    pub fn from_stored(path: String) -> Self {
        OrgPath(path)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &OrgPath) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// True when `self` lies strictly below `ancestor`.
    pub fn is_strictly_within(&self, ancestor: &OrgPath) -> bool {
        self.0.len() > ancestor.0.len() && self.is_within(ancestor)
    }

    /// The exclusive upper bound of the subtree range: the trailing '/' raised to '0', the next
    /// byte, so every descendant path sorts inside `[path, path_end)` in byte order.
    pub fn subtree_end(&self) -> String {
        let mut end = self.0.clone();
        end.pop();
        end.push('0');
        end
    }

    /// Ids from the root down to and including this organisation.
    pub fn ids(&self) -> Vec<OrgId> {
        self.0
            .split('/')
            .filter_map(|p| p.parse().ok())
            .map(OrgId)
            .collect()
    }

    pub fn depth(&self) -> usize {
        self.ids().len().saturating_sub(1)
    }
}

/// A set of subtrees an actor may act in, normalised so that no root lies inside another.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrgScope {
    roots: Vec<OrgPath>,
}

impl OrgScope {
    pub fn nothing() -> Self {
        OrgScope { roots: Vec::new() }
    }

    pub fn of(paths: impl IntoIterator<Item = OrgPath>) -> Self {
        let mut paths: Vec<OrgPath> = paths.into_iter().collect();
        // Shorter paths first, so an ancestor is kept before its descendants are considered.
        paths.sort_by_key(|p| p.as_str().len());
        let mut roots: Vec<OrgPath> = Vec::new();
        for p in paths {
            if !roots.iter().any(|r| p.is_within(r)) {
                roots.push(p);
            }
        }
        roots.sort();
        OrgScope { roots }
    }

    pub fn roots(&self) -> &[OrgPath] {
        &self.roots
    }

    /// The organisations at the top of the subtrees.
    pub fn root_ids(&self) -> Vec<OrgId> {
        self.roots
            .iter()
            .filter_map(|root| root.ids().last().copied())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    pub fn contains(&self, path: &OrgPath) -> bool {
        self.roots.iter().any(|r| path.is_within(r))
    }

    /// The part of this scope that lies inside the subtree at `path`.
    pub fn within_subtree(&self, path: &OrgPath) -> OrgScope {
        if self.contains(path) {
            return OrgScope {
                roots: vec![path.clone()],
            };
        }
        OrgScope::of(self.roots.iter().filter(|r| r.is_within(path)).cloned())
    }
}

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    pub path: OrgPath,
    pub archived_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Organisation {
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

pub const ORG_NAME_MAX: usize = 200;
pub const ORG_CODE_MAX: usize = 64;

/// A new organisation's fields, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrg {
    pub parent_id: Option<OrgId>,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OrgKind,
}

/// Raw fields as typed into a form, an API body or an import row: the command that creates an
/// organisation. The kind stays text so that an unknown one is reported beside the other fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = CreateOrgBody))]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    /// Omit for a new top-level organisation (root administrators only). An import row names
    /// its parent by code instead.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schema(value_type = Option<i64>))]
    pub parent_id: Option<OrgId>,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schema(value_type = OrgKind))]
    pub kind: String,
}

impl OrgInput {
    /// Validates the fields that do not depend on the database.
    pub fn validate(&self, parent_id: Option<OrgId>) -> Result<NewOrg, Vec<FieldError>> {
        let mut v = Validator::new();
        let code = validate_code(&mut v, &self.code);
        let name = v.required_text("name", &self.name, ORG_NAME_MAX);
        let name_en = v.optional_text("name_en", self.name_en.as_deref(), ORG_NAME_MAX);
        let kind = OrgKind::parse(&self.kind);
        if self.kind.trim().is_empty() {
            v.add(FieldError::new("kind", "required"));
        } else if kind.is_none() {
            v.add(FieldError::new("kind", "unknown_org_kind").with("value", self.kind.trim()));
        }
        match (v.finish(), kind) {
            (Ok(()), Some(kind)) => Ok(NewOrg {
                parent_id,
                code,
                name,
                name_en,
                kind,
            }),
            (Err(crate::AppError::Validation(errors)), _) => Err(errors),
            _ => Err(Vec::new()),
        }
    }
}

/// Codes identify organisations in imports and URLs that people type: letters, digits, `-_.`.
pub fn validate_code(v: &mut Validator, raw: &str) -> String {
    let code = raw.trim();
    if code.is_empty() {
        v.add(FieldError::new("code", "required"));
    } else if code.chars().count() > ORG_CODE_MAX {
        v.add(FieldError::new("code", "too_long").with("max", ORG_CODE_MAX));
    } else if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        v.add(FieldError::new("code", "invalid_code"));
    }
    code.to_string()
}

/// Validates a new name for rename.
pub fn validate_name(
    name: &str,
    name_en: Option<&str>,
) -> Result<(String, Option<String>), crate::AppError> {
    let mut v = Validator::new();
    let name = v.required_text("name", name, ORG_NAME_MAX);
    let name_en = v.optional_text("name_en", name_en, ORG_NAME_MAX);
    v.finish()?;
    Ok((name, name_en))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> OrgPath {
        OrgPath::from_stored(s.to_string())
    }

    #[test]
    fn subtree_range_contains_exactly_the_descendants() {
        let root = p("/1/5/");
        let end = root.subtree_end();
        for inside in ["/1/5/", "/1/5/9/", "/1/5/90/12/"] {
            assert!(inside >= root.as_str() && inside < end.as_str(), "{inside}");
            assert!(p(inside).is_within(&root));
        }
        for outside in ["/1/50/", "/1/", "/1/6/", "/1/4/", "/2/5/"] {
            assert!(
                !(outside >= root.as_str() && outside < end.as_str()),
                "{outside}"
            );
            assert!(!p(outside).is_within(&root));
        }
        assert!(!root.is_strictly_within(&root));
        assert!(p("/1/5/9/").is_strictly_within(&root));
        assert_eq!(p("/1/5/9/").ids(), vec![OrgId(1), OrgId(5), OrgId(9)]);
        assert_eq!(p("/1/5/9/").depth(), 2);
    }

    #[test]
    fn scope_drops_nested_roots() {
        let s = OrgScope::of([p("/1/5/9/"), p("/1/5/"), p("/1/7/"), p("/1/5/")]);
        assert_eq!(s.roots(), &[p("/1/5/"), p("/1/7/")]);
        assert!(s.contains(&p("/1/5/9/3/")));
        assert!(!s.contains(&p("/1/")));
        assert!(!s.contains(&p("/1/50/")));
    }

    #[test]
    fn scope_within_a_subtree() {
        let s = OrgScope::of([p("/1/5/"), p("/1/7/8/")]);
        assert_eq!(s.within_subtree(&p("/1/5/9/")).roots(), &[p("/1/5/9/")]);
        assert_eq!(s.within_subtree(&p("/1/7/")).roots(), &[p("/1/7/8/")]);
        assert_eq!(
            s.within_subtree(&p("/1/")).roots(),
            &[p("/1/5/"), p("/1/7/8/")]
        );
        assert!(s.within_subtree(&p("/2/")).is_empty());
    }

    #[test]
    fn kinds_never_reverse_but_may_skip_and_repeat_below_enterprise() {
        use OrgKind::*;
        assert!(Province.may_sit_under(Some(National)));
        assert!(Enterprise.may_sit_under(Some(City)));
        assert!(Enterprise.may_sit_under(Some(Enterprise)));
        assert!(Department.may_sit_under(Some(Department)));
        assert!(!City.may_sit_under(Some(City)));
        assert!(!Province.may_sit_under(Some(City)));
        assert!(!National.may_sit_under(Some(National)));
        assert!(!City.may_sit_under(None));
        assert!(National.may_sit_under(None));
        assert!(External.may_sit_under(None));
        assert!(External.may_sit_under(Some(Province)));
        assert!(Department.may_sit_under(Some(External)));
        assert!(!Enterprise.may_sit_under(Some(External)));
    }

    #[test]
    fn org_input_reports_each_bad_field() {
        let input = OrgInput {
            parent_id: None,
            code: "bad code!".into(),
            name: " ".into(),
            name_en: None,
            kind: "galaxy".into(),
        };
        let errors = input.validate(None).unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("code", "invalid_code"),
                ("name", "required"),
                ("kind", "unknown_org_kind")
            ]
        );
        let ok = OrgInput {
            parent_id: None,
            code: "CN-LN".into(),
            name: " 辽宁省总工会 ".into(),
            name_en: Some("".into()),
            kind: "Province".into(),
        };
        let org = ok.validate(None).unwrap();
        assert_eq!(
            (org.name.as_str(), org.kind, org.name_en),
            ("辽宁省总工会", OrgKind::Province, None)
        );
    }
}
