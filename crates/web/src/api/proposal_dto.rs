//! Request and response bodies of the proposal and notification endpoints. Money is integer fen
//! (`_cents`), shares and rates are basis points (`_bp`, 10000 = 100%), instants are
//! milliseconds since the Unix epoch.
//!
//! This module keeps the codes the query strings share (view, sort, format); the domain's own
//! enums (status, review action, benefit method, ...) serve the bodies as they are;
//! the bodies live in `lists`, `writing`, `reading`, `reports`, `settings` and `notifications`,
//! all re-exported here so that callers name them `proposal_dto::X`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// A report's file: a spreadsheet, or a PDF to print.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormatDto {
    Csv,
    Xlsx,
    Pdf,
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
