//! Request and response bodies of the proposal and notification endpoints. Money is integer fen
//! (`_cents`), shares and rates are basis points (`_bp`, 10000 = 100%), instants are
//! milliseconds since the Unix epoch.
//!
//! This module keeps the codes the bodies share (status, review action, benefit method, ...);
//! the bodies live in `lists`, `writing`, `reading`, `reports`, `settings` and `notifications`,
//! all re-exported here so that callers name them `proposal_dto::X`.

use super::dto::mirror;
use ingot_domain::proposal::{ImplStatus, ReviewAction, Status};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a proposal is in its life.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatusDto {
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

/// What a reviewer does at the current step: `forward` (not at the last step), `adopt` (at
/// the last step), `reject` or `return` (both with a reason in `comment`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReviewActionDto {
    Forward,
    Adopt,
    Reject,
    Return,
}

/// How far the implementation is; `done` makes an adopted proposal implemented.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ImplStatusDto {
    Planned,
    InProgress,
    Done,
}

mirror!(ProposalStatusDto, Status);

mirror!(ReviewActionDto, ReviewAction);

mirror!(ImplStatusDto, ImplStatus);

/// How a benefit is calculated: `cost` = (old_cost - new_cost) x volume; `time` = hours x
/// rate; `free` = an amount explained in the note.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BenefitMethodDto {
    Cost,
    Time,
    Free,
}

impl BenefitMethodDto {
    pub fn as_str(self) -> &'static str {
        match self {
            BenefitMethodDto::Cost => "cost",
            BenefitMethodDto::Time => "time",
            BenefitMethodDto::Free => "free",
        }
    }
}

/// What a reward is based on: a grade's amount, or a percentage of the verified benefit.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RewardBasisDto {
    Grade,
    Benefit,
}

impl RewardBasisDto {
    pub fn as_str(self) -> &'static str {
        match self {
            RewardBasisDto::Grade => "grade",
            RewardBasisDto::Benefit => "benefit",
        }
    }
}

/// Which proposals a list shows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProposalViewDto {
    /// Where the caller is proposer or co-proposer.
    Mine,
    /// Waiting at a review step the caller acts on.
    ToReview,
    /// Everything the caller may see.
    All,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProposalSortDto {
    Newest,
    Oldest,
    Title,
    Due,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SpreadsheetFormatDto {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RewardFormatDto {
    Json,
    Csv,
    Xlsx,
}

mod lists;
mod notifications;
mod reading;
mod reports;
mod settings;
mod writing;

pub use lists::*;
pub use notifications::*;
pub use reading::*;
pub use reports::*;
pub use settings::*;
pub use writing::*;
