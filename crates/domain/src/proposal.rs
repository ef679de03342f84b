//! Improvement proposals: their lifecycle, the review actions, co-proposers' shares, benefit
//! calculations and rewards. Pure rules; storage and permissions live elsewhere.

pub use crate::benefit::{Benefit, BenefitMethod, MAX_BENEFIT_CENTS, format_money, parse_fixed2};
use crate::error::{AppError, FieldError};
use crate::ids::{OrgId, ProposalId, UserId};
use crate::role::Role;
use crate::time::Timestamp;
use crate::validate::Validator;
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 120;
pub const TEXT_MAX: usize = 4000;
pub const REASON_MAX: usize = 1000;
pub const MAX_PEOPLE: usize = 10;
/// The whole of a share, in basis points.
pub const WHOLE_SHARE: i64 = 10_000;

/// The "five small" kinds every enterprise has; enterprises may add their own categories.
pub const BUILTIN_CATEGORIES: [&str; 5] = [
    "small_invention",
    "small_creation",
    "small_innovation",
    "small_design",
    "small_suggestion",
];

/// Where a proposal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = ProposalStatus))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InReview,
    Returned,
    Rejected,
    Adopted,
    Implemented,
    Verified,
    Rewarded,
    Withdrawn,
    Duplicate,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Draft,
        Status::InReview,
        Status::Returned,
        Status::Rejected,
        Status::Adopted,
        Status::Implemented,
        Status::Verified,
        Status::Rewarded,
        Status::Withdrawn,
        Status::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in_review",
            Status::Returned => "returned",
            Status::Rejected => "rejected",
            Status::Adopted => "adopted",
            Status::Implemented => "implemented",
            Status::Verified => "verified",
            Status::Rewarded => "rewarded",
            Status::Withdrawn => "withdrawn",
            Status::Duplicate => "duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The proposer may still change the text.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Counted as put forward: submitted at least once and not withdrawn or folded into another.
    pub fn is_put_forward(self) -> bool {
        !matches!(self, Status::Draft | Status::Withdrawn | Status::Duplicate)
    }

    pub fn is_adopted(self) -> bool {
        matches!(
            self,
            Status::Adopted | Status::Implemented | Status::Verified | Status::Rewarded
        )
    }

    pub fn is_implemented(self) -> bool {
        matches!(
            self,
            Status::Implemented | Status::Verified | Status::Rewarded
        )
    }
}

/// What a reviewer does at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// Pass to the next step (not at the last).
    Forward,
    /// Accept the proposal (at the last step).
    Adopt,
    /// Turn it down, with a reason.
    Reject,
    /// Send it back to the proposer for changes.
    Return,
}

impl ReviewAction {
    pub fn parse(s: &str) -> Option<ReviewAction> {
        match s.trim() {
            "forward" => Some(ReviewAction::Forward),
            "adopt" => Some(ReviewAction::Adopt),
            "reject" => Some(ReviewAction::Reject),
            "return" => Some(ReviewAction::Return),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Forward => "forward",
            ReviewAction::Adopt => "adopt",
            ReviewAction::Reject => "reject",
            ReviewAction::Return => "return",
        }
    }

    /// The proposal's status after this action at step `position` of `steps`.
    pub fn outcome(self, position: i64, steps: i64) -> Result<Status, AppError> {
        let last = position >= steps;
        match self {
            ReviewAction::Forward if last => {
                Err(AppError::conflict_on("action", "review_out_of_order"))
            }
            ReviewAction::Adopt if !last => {
                Err(AppError::conflict_on("action", "review_out_of_order"))
            }
            ReviewAction::Forward => Ok(Status::InReview),
            ReviewAction::Adopt => Ok(Status::Adopted),
            ReviewAction::Reject => Ok(Status::Rejected),
            ReviewAction::Return => Ok(Status::Returned),
        }
    }
}

/// A review step of an enterprise's workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = StepConfigDto))]
#[serde(deny_unknown_fields)]
pub struct StepConfig {
    pub name: String,
    pub role: Role,
    /// The organisation whose holders of `role` act; null means the unit the proposal
    /// concerns.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schema(value_type = Option<i64>))]
    pub org_id: Option<OrgId>,
    /// 1 to 365.
    pub due_days: i64,
    /// Reviewers at this step do not see who proposed it.
    #[serde(default)]
    pub blind: bool,
}

pub const MAX_STEPS: usize = 8;

/// Checks a workflow: one to eight named steps with sensible due dates.
pub fn validate_steps(steps: &[StepConfig]) -> Result<(), AppError> {
    let mut v = Validator::new();
    if steps.is_empty() || steps.len() > MAX_STEPS {
        v.add(FieldError::new("steps", "step_count").with("max", MAX_STEPS));
    }
    for (i, step) in steps.iter().enumerate() {
        let field = format!("steps[{i}]");
        v.required_text(&format!("{field}.name"), &step.name, 60);
        if !(1..=365).contains(&step.due_days) {
            v.add(
                FieldError::new(format!("{field}.due_days"), "out_of_range")
                    .with("min", 1)
                    .with("max", 365),
            );
        }
    }
    v.finish()
}

/// The default workflow when an enterprise has configured none: its union decides.
pub fn default_steps(enterprise: OrgId) -> Vec<StepConfig> {
    vec![StepConfig {
        name: "工会审核 Union review".into(),
        role: Role::UnitAdmin,
        org_id: Some(enterprise),
        due_days: 14,
        blind: false,
    }]
}

/// A person named on a proposal and their share of the credit and reward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub user_id: UserId,
    pub share_bp: i64,
}

/// Parses a share typed as a percentage ("40", "33.33", "12.5%") into basis points.
pub fn parse_share(raw: &str) -> Option<i64> {
    let raw = raw.trim().trim_end_matches('%').trim();
    let cents = parse_fixed2(raw)?;
    (cents > 0 && cents <= WHOLE_SHARE).then_some(cents)
}

/// Checks co-proposers: the proposer first, at most ten people, nobody twice, shares adding up to
/// exactly 100%.
pub fn validate_people(people: &[Person]) -> Result<(), AppError> {
    let mut v = Validator::new();
    if people.is_empty() || people.len() > MAX_PEOPLE {
        v.add(FieldError::new("people", "people_count").with("max", MAX_PEOPLE));
    }
    for (i, p) in people.iter().enumerate() {
        if people[..i].iter().any(|q| q.user_id == p.user_id) {
            v.add(FieldError::new(format!("people[{i}]"), "person_twice"));
        }
        if p.share_bp <= 0 || p.share_bp > WHOLE_SHARE {
            v.add(FieldError::new(
                format!("people[{i}].share"),
                "share_out_of_range",
            ));
        }
    }
    let total: i64 = people.iter().map(|p| p.share_bp).sum();
    if total != WHOLE_SHARE {
        v.add(FieldError::new("shares", "shares_not_whole").with("total", format_percent(total)));
    }
    v.finish()
}

pub fn format_percent(bp: i64) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        format!("{whole}%")
    } else {
        format!("{whole}.{frac:02}%")
    }
}

/// Reward grades with their default amounts in fen; an enterprise may set its own amounts.
pub const REWARD_GRADES: [(&str, i64); 5] = [
    ("special", 500_000),
    ("first", 200_000),
    ("second", 100_000),
    ("third", 50_000),
    ("encouragement", 20_000),
];

pub fn grade_default(grade: &str) -> Option<i64> {
    REWARD_GRADES
        .iter()
        .find(|(g, _)| *g == grade)
        .map(|(_, amount)| *amount)
}

/// Splits a reward among people by share, in whole fen, so that the parts add up exactly: each
/// gets the floor of their share and the fen left over go, one each, to the largest remainders
/// (earlier names first on ties).
pub fn split_reward(total_cents: i64, shares_bp: &[i64]) -> Vec<i64> {
    let mut parts: Vec<i64> = shares_bp
        .iter()
        .map(|s| total_cents * s / WHOLE_SHARE)
        .collect();
    let mut left = total_cents - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..shares_bp.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse((total_cents * shares_bp[i]) % WHOLE_SHARE),
            i,
        )
    });
    for i in order {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// What a proposal contributes to the statistics rollup: the unit and period it is counted in,
/// and what it has reached. Changes apply as the difference between before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub unit_id: OrgId,
    pub period: i64,
    pub category: String,
    pub put_forward: i64,
    pub adopted: i64,
    pub implemented: i64,
    pub benefit_cents: i64,
}

impl Contribution {
    /// `None` for proposals that are not counted (drafts, withdrawn, duplicates).
    pub fn of(
        unit_id: OrgId,
        period: Option<i64>,
        category: &str,
        status: Status,
        verified_benefit_cents: Option<i64>,
    ) -> Option<Contribution> {
        let period = period?;
        if !status.is_put_forward() {
            return None;
        }
        Some(Contribution {
            unit_id,
            period,
            category: category.to_string(),
            put_forward: 1,
            adopted: i64::from(status.is_adopted()),
            implemented: i64::from(status.is_implemented()),
            benefit_cents: verified_benefit_cents.unwrap_or(0),
        })
    }

    pub fn negated(&self) -> Contribution {
        Contribution {
            put_forward: -self.put_forward,
            adopted: -self.adopted,
            implemented: -self.implemented,
            benefit_cents: -self.benefit_cents,
            ..self.clone()
        }
    }
}

crate::studio::code_enum!(
    /// What a reward is based on: a grade's amount, or a percentage of the verified benefit.
    RewardBasis { Grade = "grade", Benefit = "benefit" }
);

/// Implementation of an adopted proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImplStatus {
    Planned,
    InProgress,
    Done,
}

impl ImplStatus {
    pub fn parse(s: &str) -> Option<ImplStatus> {
        match s.trim() {
            "planned" => Some(ImplStatus::Planned),
            "in_progress" => Some(ImplStatus::InProgress),
            "done" => Some(ImplStatus::Done),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImplStatus::Planned => "planned",
            ImplStatus::InProgress => "in_progress",
            ImplStatus::Done => "done",
        }
    }
}

/// What the timeline and notifications say happened.
pub mod event {
    pub const CREATED: &str = "created";
    pub const SUBMITTED: &str = "submitted";
    pub const FORWARDED: &str = "forwarded";
    pub const ADOPTED: &str = "adopted";
    pub const REJECTED: &str = "rejected";
    pub const RETURNED: &str = "returned";
    pub const WITHDRAWN: &str = "withdrawn";
    pub const DUPLICATE: &str = "marked_duplicate";
    pub const IMPLEMENTATION: &str = "implementation";
    pub const IMPLEMENTED: &str = "implemented";
    pub const BENEFIT_CLAIMED: &str = "benefit_claimed";
    pub const BENEFIT_VERIFIED: &str = "benefit_verified";
    pub const REWARDED: &str = "rewarded";
    pub const ATTACHED: &str = "attached";

    pub const ALL: [&str; 14] = [
        CREATED,
        SUBMITTED,
        FORWARDED,
        ADOPTED,
        REJECTED,
        RETURNED,
        WITHDRAWN,
        DUPLICATE,
        IMPLEMENTATION,
        IMPLEMENTED,
        BENEFIT_CLAIMED,
        BENEFIT_VERIFIED,
        REWARDED,
        ATTACHED,
    ];
}

/// The text the duplicate check compares: title, problem and proposed change.
pub fn joined_text(title: &str, problem: &str, proposed_change: &str) -> String {
    format!("{title}\n{problem}\n{proposed_change}")
}

/// A proposal's number: the enterprise's code, the year, and its place in that year's sequence.
pub fn number(enterprise_code: &str, year: i32, n: i64) -> String {
    format!("{enterprise_code}-{year}-{n:04}")
}

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub id: ProposalId,
    pub enterprise_id: OrgId,
    pub unit_id: OrgId,
    pub proposer_id: UserId,
    pub number: Option<String>,
    pub title: String,
    pub problem: String,
    pub proposed_change: String,
    pub expected_effect: String,
    pub category: String,
    pub status: Status,
    pub current_step: Option<i64>,
    pub step_due_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub period: Option<i64>,
    pub decided_at: Option<Timestamp>,
    pub reject_reason: Option<String>,
    pub duplicate_of: Option<ProposalId>,
    pub impl_owner_id: Option<UserId>,
    pub impl_due_at: Option<Timestamp>,
    pub impl_status: Option<ImplStatus>,
    pub implemented_at: Option<Timestamp>,
    pub benefit: Option<Benefit>,
    pub benefit_note: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_claimed_at: Option<Timestamp>,
    pub benefit_verified_cents: Option<i64>,
    pub benefit_verified_by: Option<UserId>,
    pub benefit_verified_at: Option<Timestamp>,
    pub benefit_verify_note: Option<String>,
    pub reward_basis: Option<RewardBasis>,
    pub reward_grade: Option<String>,
    pub reward_percent_bp: Option<i64>,
    pub reward_cents: Option<i64>,
    pub rewarded_at: Option<Timestamp>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Proposal {
    pub fn contribution(&self) -> Option<Contribution> {
        Contribution::of(
            self.unit_id,
            self.period,
            &self.category,
            self.status,
            self.benefit_verified_cents,
        )
    }

    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status == Status::InReview && self.step_due_at.is_some_and(|due| due < now)
    }
}

#[cfg(test)]
mod tests;
