//! Innovation studios (劳模/职工/工匠创新工作室): the registry, naming levels and their order,
//! eligibility of a naming application, on-site review checklists, special funding, periodic
//! assessment against a weighted standard, and the outputs ledger. No I/O.

use crate::error::{AppError, FieldError};
use crate::ids::UserId;
use crate::org::OrgKind;
use serde::{Deserialize, Serialize};

/// An enum stored and sent as a stable snake_case code.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// The codes, comma-separated, for messages listing what is allowed.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "sqlx")]
        $crate::stored_code::stored_as_code!($name);

        impl $crate::validate::Coded for $name {
            fn from_code(raw: &str) -> Option<Self> {
                Self::parse(raw)
            }
            fn allowed() -> String {
                Self::codes()
            }
        }
    };
}

/// Shared with the other modules whose enums are stored as codes.
pub(crate) use code_enum;

code_enum!(
    /// Whose name the studio carries.
    StudioKind { ModelWorker = "model_worker", Employee = "employee", Craftsman = "craftsman" }
);

code_enum!(
    /// The level of a naming (and of an honour): it rises over time, each from the federation
    /// (or, at the first level, the enterprise union) of that level.
    Level { Enterprise = "enterprise", Municipal = "municipal", Provincial = "provincial", National = "national" }
);

/// One step of a studio's history. Stored as its `kind` code beside the other fields as JSON;
/// readers match on the variant instead of picking keys out of JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StudioEvent {
    Founded {
        lead: String,
    },
    MemberJoined {
        name: String,
    },
    MemberLeft {
        name: String,
    },
    Applied {
        level: Level,
        org: String,
        application: i64,
    },
    Rejected {
        level: Level,
        org: String,
    },
    SiteReviewed {
        level: Level,
        org: String,
        score: i64,
    },
    Named {
        level: Level,
        org: String,
        notice: String,
    },
    FundingGranted {
        level: Level,
        org: String,
        cents: i64,
    },
    Assessed {
        level: Level,
        org: String,
        period: String,
        total: i64,
        result: AssessmentResult,
    },
    TitleLost {
        level: Level,
        org: String,
        notice: String,
    },
    Revoked {
        reason: String,
    },
    Suspended {
        reason: String,
    },
    Reactivated {
        reason: String,
    },
    /// (The alliance's own kind, alliance or pairing, is on the alliance.)
    JoinedAlliance {
        alliance: String,
    },
    /// The lead handed over (a lead retires, moves or falls ill).
    LeadChanged {
        from: String,
        to: String,
        reason: String,
    },
    /// The studio moved to another unit (its unit merged or reorganised).
    UnitChanged {
        from: String,
        to: String,
        reason: String,
    },
}

impl StudioEvent {
    /// The kind code the event is stored and sent under (serde's tag).
    pub fn kind(&self) -> &'static str {
        match self {
            StudioEvent::Founded { .. } => "founded",
            StudioEvent::MemberJoined { .. } => "member_joined",
            StudioEvent::MemberLeft { .. } => "member_left",
            StudioEvent::Applied { .. } => "applied",
            StudioEvent::Rejected { .. } => "rejected",
            StudioEvent::SiteReviewed { .. } => "site_reviewed",
            StudioEvent::Named { .. } => "named",
            StudioEvent::FundingGranted { .. } => "funding_granted",
            StudioEvent::Assessed { .. } => "assessed",
            StudioEvent::TitleLost { .. } => "title_lost",
            StudioEvent::Revoked { .. } => "revoked",
            StudioEvent::Suspended { .. } => "suspended",
            StudioEvent::Reactivated { .. } => "reactivated",
            StudioEvent::JoinedAlliance { .. } => "joined_alliance",
            StudioEvent::LeadChanged { .. } => "lead_changed",
            StudioEvent::UnitChanged { .. } => "unit_changed",
        }
    }
}

code_enum!(
    StudioStatus { Active = "active", Suspended = "suspended", Revoked = "revoked" }
);

code_enum!(
    /// A naming application: submitted, reviewed on site, then approved (named) or rejected.
    ApplicationStatus { Submitted = "submitted", Reviewed = "reviewed", Approved = "approved", Rejected = "rejected" }
);

code_enum!(
    /// Whether a naming still stands; it is lost by a failed assessment or a revocation.
    NamingStatus { Active = "active", Lost = "lost" }
);

code_enum!(
    AssessmentResult { Excellent = "excellent", Pass = "pass", Fail = "fail" }
);

code_enum!(
    /// What a row of the outputs ledger records.
    OutputKind {
        Proposal = "proposal",
        Achievement = "achievement",
        Transformation = "transformation",
        Patent = "patent",
        SkillMethod = "skill_method",
        PeopleTrained = "people_trained",
        EconomicBenefit = "economic_benefit",
    }
);

code_enum!(
    PatentType { Invention = "invention", UtilityModel = "utility_model", Design = "design" }
);

code_enum!(
    PatentStage { Applied = "applied", Granted = "granted" }
);

code_enum!(
    /// A member's part in a studio: the one whose name it carries, or a member.
    MemberRole { Lead = "lead", Member = "member" }
);

code_enum!(
    /// Studios joined in an alliance, or a mentoring pair (the lead studio mentors the other).
    AllianceKind { Alliance = "alliance", Pairing = "pairing" }
);

code_enum!(
    /// A line of special funding: a payment by the granting federation, or spending by the
    /// studio.
    EntryKind { Payment = "payment", Spending = "spending" }
);

code_enum!(
    /// What special funding may be spent on.
    SpendCategory {
        Equipment = "equipment",
        Materials = "materials",
        Training = "training",
        Research = "research",
        Other = "other",
    }
);

code_enum!(
    /// Focus fields of a studio, as codes so lists and statistics can group by them.
    FocusField {
        Metallurgy = "metallurgy",
        Refractories = "refractories",
        ResourcesEnvironment = "resources_environment",
        Machinery = "machinery",
        Electrical = "electrical",
        Energy = "energy",
        Chemicals = "chemicals",
        Materials = "materials",
        Information = "information",
        Construction = "construction",
        Transport = "transport",
        Other = "other",
    }
);

code_enum!(
    /// The items an on-site reviewer ticks off.
    ChecklistItem {
        Premises = "premises",
        Equipment = "equipment",
        Team = "team",
        Records = "records",
        Outputs = "outputs",
        Training = "training",
    }
);

impl Level {
    pub fn rank(self) -> u8 {
        match self {
            Level::Enterprise => 1,
            Level::Municipal => 2,
            Level::Provincial => 3,
            Level::National => 4,
        }
    }

    /// The level at which an organisation names studios: an enterprise union its own, a city,
    /// province or national federation at its level. Districts and departments do not name.
    pub fn of_org(kind: OrgKind) -> Option<Level> {
        match kind {
            OrgKind::Enterprise => Some(Level::Enterprise),
            OrgKind::City => Some(Level::Municipal),
            OrgKind::Province => Some(Level::Provincial),
            OrgKind::National => Some(Level::National),
            _ => None,
        }
    }

    /// The naming a studio must already hold before it may be named at this level.
    pub fn prerequisite(self) -> Option<Level> {
        match self {
            Level::Provincial => Some(Level::Municipal),
            Level::National => Some(Level::Provincial),
            Level::Enterprise | Level::Municipal => None,
        }
    }

    /// The honour the lead must hold by default for a call at this level: none for an
    /// enterprise's own naming, municipal or higher for the federations' namings.
    pub fn default_min_honour(self) -> Option<Level> {
        match self {
            Level::Enterprise => None,
            _ => Some(Level::Municipal),
        }
    }
}

/// Why a studio may not apply to a call, each problem against the field it concerns. Empty
/// when eligible. `held` are the levels of the studio's standing namings.
pub fn eligibility(
    level: Level,
    min_honour: Option<Level>,
    lead_honours: &[Level],
    held: &[Level],
    status: StudioStatus,
) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if status != StudioStatus::Active {
        problems.push(
            FieldError::new("studio_id", "studio_not_active").with("status", status.as_str()),
        );
    }
    if held.contains(&level) {
        problems.push(
            FieldError::new("studio_id", "already_named_at_level").with("level", level.as_str()),
        );
    }
    if let Some(min) = min_honour
        && !lead_honours.iter().any(|h| h.rank() >= min.rank())
    {
        problems
            .push(FieldError::new("studio_id", "lead_lacks_honour").with("level", min.as_str()));
    }
    if let Some(needed) = level.prerequisite()
        && !held.iter().any(|h| h.rank() >= needed.rank())
    {
        problems.push(
            FieldError::new("studio_id", "naming_out_of_order")
                .with("level", level.as_str())
                .with("needed", needed.as_str()),
        );
    }
    problems
}

/// The highest standing naming, which is the studio's level.
pub fn current_level(held: &[Level]) -> Option<Level> {
    held.iter().copied().max_by_key(|l| l.rank())
}

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;
pub const SHORT_MAX: usize = 200;
pub const SIGNATURE_MAX: usize = 100;

/// One criterion of an assessment standard with its weight in percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub weight: i64,
}

/// How a federation assesses its named studios: weighted criteria (weights add up to 100), each
/// scored 0-100, and the totals at or above which a studio is excellent or passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub criteria: Vec<Criterion>,
    pub excellent_min: i64,
    pub pass_min: i64,
}

/// The criteria every federation starts with.
pub const DEFAULT_CRITERIA: &[(&str, i64)] = &[
    ("achievements", 30),
    ("proposals", 20),
    ("patents", 20),
    ("people_trained", 15),
    ("conditions", 15),
];

impl Default for Standard {
    fn default() -> Self {
        Standard {
            criteria: DEFAULT_CRITERIA
                .iter()
                .map(|(code, weight)| Criterion {
                    code: (*code).to_string(),
                    weight: *weight,
                })
                .collect(),
            excellent_min: 90,
            pass_min: 60,
        }
    }
}

impl Standard {
    /// A standard as a form sends it: rows of criterion code and weight (blank rows left out)
    /// and the two thresholds. Returns what could be read, to show again, and a problem for each
    /// number that could not (`criteria[1].weight`, `pass_min`); `validate` checks the rest.
    pub fn from_rows<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str)>,
        excellent_min: &str,
        pass_min: &str,
    ) -> (Standard, Vec<FieldError>) {
        let mut problems = Vec::new();
        let mut criteria = Vec::new();
        for (i, (code, weight)) in rows.into_iter().enumerate() {
            let (code, weight) = (code.trim(), weight.trim());
            if code.is_empty() && weight.is_empty() {
                continue;
            }
            match weight.parse::<i64>() {
                Ok(weight) => criteria.push(Criterion {
                    code: code.to_string(),
                    weight,
                }),
                Err(_) => problems.push(FieldError::new(
                    format!("criteria[{i}].weight"),
                    "weight_invalid",
                )),
            }
        }
        let mut threshold = |field: &str, raw: &str| match raw.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                problems.push(FieldError::new(field, "not_a_whole_number"));
                0
            }
        };
        let excellent_min = threshold("excellent_min", excellent_min);
        let pass_min = threshold("pass_min", pass_min);
        let standard = Standard {
            criteria,
            excellent_min,
            pass_min,
        };
        (standard, problems)
    }

    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if self.criteria.is_empty() {
            errors.push(FieldError::new("criteria", "required"));
        }
        for (i, c) in self.criteria.iter().enumerate() {
            let code_ok = !c.code.is_empty()
                && c.code.len() <= 40
                && c.code
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_');
            if !code_ok {
                errors.push(FieldError::new(
                    format!("criteria[{i}].code"),
                    "criterion_code_invalid",
                ));
            }
            if !(1..=100).contains(&c.weight) {
                errors.push(FieldError::new(
                    format!("criteria[{i}].weight"),
                    "weight_invalid",
                ));
            }
        }
        // Saturating: weights come from a request body and may be any i64.
        let total = self
            .criteria
            .iter()
            .fold(0i64, |t, c| t.saturating_add(c.weight));
        if !self.criteria.is_empty() && total != 100 {
            errors.push(FieldError::new("criteria", "weights_not_100").with("total", total));
        }
        if !(0..=100).contains(&self.pass_min)
            || self.excellent_min < self.pass_min
            || self.excellent_min > 100
        {
            errors.push(FieldError::new("pass_min", "thresholds_invalid"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// The weighted total (0-100, rounded half up) and the result.
    pub fn assess(&self, scores: &[(String, i64)]) -> Result<(i64, AssessmentResult), AppError> {
        let mut errors = Vec::new();
        let mut weighted = 0;
        for c in &self.criteria {
            match scores.iter().find(|(code, _)| *code == c.code) {
                Some((_, s)) if (0..=100).contains(s) => weighted += s * c.weight,
                _ => errors.push(FieldError::new(
                    format!("score_{}", c.code),
                    "score_invalid",
                )),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let total = (weighted + 50) / 100;
        let result = if total >= self.excellent_min {
            AssessmentResult::Excellent
        } else if total >= self.pass_min {
            AssessmentResult::Pass
        } else {
            AssessmentResult::Fail
        };
        Ok((total, result))
    }
}

/// Totals of a studio's outputs ledger, which prefill an assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutputTotals {
    pub proposals: i64,
    pub achievements: i64,
    pub transformations: i64,
    pub patents_applied: i64,
    pub patents_granted: i64,
    pub invention_patents: i64,
    pub utility_model_patents: i64,
    pub design_patents: i64,
    pub skill_methods: i64,
    pub people_trained: i64,
    pub benefit_cents: i64,
}

impl OutputTotals {
    /// Suggested scores from the ledger: a starting point the assessor corrects, not a verdict.
    pub fn suggested_score(&self, criterion: &str) -> Option<i64> {
        let scale = |n: i64, full: i64| (n * 100 / full).clamp(0, 100);
        match criterion {
            "achievements" => Some(scale(self.achievements + self.transformations, 8)),
            "proposals" => Some(scale(self.proposals, 20)),
            "patents" => Some(scale(self.patents_applied + self.patents_granted, 4)),
            "people_trained" => Some(scale(self.people_trained, 20)),
            _ => None,
        }
    }
}

/// The people of a studio who may not review its application.
pub fn has_conflict(reviewer: UserId, lead: UserId, members: &[UserId]) -> bool {
    reviewer == lead || members.contains(&reviewer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standard_is_read_from_form_rows_with_each_bad_number_named() {
        let (standard, problems) = Standard::from_rows(
            [
                ("achievements", "60"),
                ("", " "),
                ("conditions", "四十"),
                ("patents", "40"),
            ],
            "85",
            "及格",
        );
        let fields: Vec<_> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("criteria[2].weight", "weight_invalid"),
                ("pass_min", "not_a_whole_number")
            ]
        );
        let codes: Vec<_> = standard.criteria.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["achievements", "patents"]);
        assert_eq!(standard.excellent_min, 85);
        let (standard, problems) =
            Standard::from_rows([("achievements", "60"), ("conditions", " 40 ")], "85", "60");
        assert!(problems.is_empty());
        assert!(standard.validate().is_ok());
    }

    #[test]
    fn namings_must_come_in_order() {
        let codes = |e: Vec<FieldError>| e.iter().map(|f| f.code).collect::<Vec<_>>();
        let honour = [Level::National];
        assert!(
            eligibility(
                Level::Municipal,
                Some(Level::Municipal),
                &honour,
                &[],
                StudioStatus::Active
            )
            .is_empty()
        );
        assert_eq!(
            codes(eligibility(
                Level::Provincial,
                Some(Level::Municipal),
                &honour,
                &[],
                StudioStatus::Active
            )),
            ["naming_out_of_order"]
        );
        assert!(
            eligibility(
                Level::Provincial,
                None,
                &[],
                &[Level::Municipal],
                StudioStatus::Active
            )
            .is_empty()
        );
        assert_eq!(
            codes(eligibility(
                Level::National,
                Some(Level::Provincial),
                &[Level::Municipal],
                &[Level::Municipal],
                StudioStatus::Revoked
            )),
            [
                "studio_not_active",
                "lead_lacks_honour",
                "naming_out_of_order"
            ]
        );
        assert_eq!(
            codes(eligibility(
                Level::Municipal,
                None,
                &[],
                &[Level::Municipal],
                StudioStatus::Active
            )),
            ["already_named_at_level"]
        );
        assert_eq!(Level::of_org(OrgKind::City), Some(Level::Municipal));
        assert_eq!(Level::of_org(OrgKind::District), None);
    }

    #[test]
    fn assessment_weighs_criteria() {
        let s = Standard::default();
        s.validate().unwrap();
        let all = |n: i64| {
            DEFAULT_CRITERIA
                .iter()
                .map(|(c, _)| ((*c).to_string(), n))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            s.assess(&all(95)).unwrap(),
            (95, AssessmentResult::Excellent)
        );
        assert_eq!(s.assess(&all(60)).unwrap(), (60, AssessmentResult::Pass));
        assert_eq!(s.assess(&all(59)).unwrap(), (59, AssessmentResult::Fail));
        assert!(s.assess(&all(101)).is_err());
        let bad = Standard {
            criteria: vec![Criterion {
                code: String::from("X"),
                weight: 50,
            }],
            ..Standard::default()
        };
        assert!(bad.validate().is_err());
    }
}
