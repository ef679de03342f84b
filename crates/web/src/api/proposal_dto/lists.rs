//! The proposal list: its filters (also those of its export) and its items.

use super::{ProposalSortDto, ProposalViewDto, ReportFormatDto, SpreadsheetFormatDto};
use ingot_domain::Timestamp;
use ingot_domain::proposal::Status;
use ingot_store::proposals::ListItem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters of the proposal list and its export. Invalid values are refused with 422 naming the
/// parameter.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ProposalListQuery {
    /// `mine`, `to_review` or `all` (the default).
    #[param(value_type = Option<ProposalViewDto>, inline)]
    pub view: Option<String>,
    /// Proposals concerning this organisation's subtree.
    #[param(value_type = Option<i64>)]
    pub unit: Option<String>,
    /// From this month (`YYYY-MM`, by submission), inclusive.
    pub from: Option<String>,
    /// Until this month (`YYYY-MM`), inclusive.
    pub to: Option<String>,
    /// A category code, e.g. `small_innovation`.
    pub category: Option<String>,
    #[param(value_type = Option<Status>, inline)]
    pub status: Option<String>,
    /// Only those in review past their step's due date.
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
    /// Text in the title or number.
    pub q: Option<String>,
    /// `newest` (the default), `oldest`, `title` or `due`.
    #[param(value_type = Option<ProposalSortDto>, inline)]
    pub sort: Option<String>,
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// At most 100.
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SpreadsheetQuery {
    /// `xlsx` (the default) or `csv`.
    #[param(value_type = Option<SpreadsheetFormatDto>, inline)]
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ReportFileQuery {
    /// `xlsx` (the default), `csv`, or `pdf` (printed with a Chinese font embedded).
    #[param(value_type = Option<ReportFormatDto>, inline)]
    pub format: Option<String>,
}

/// A proposal in a list. Where the caller reviews at a blind step, the proposer and unit are
/// left out (`blind` is true).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalListItemDto {
    pub id: i64,
    /// Given at first submission, e.g. `CN-LN-JZ-REF-2022-0007`.
    pub number: Option<String>,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub proposer_id: Option<i64>,
    pub proposer_name: Option<String>,
    pub blind: bool,
    pub submitted_at: Option<i64>,
    /// When the current review step is due.
    pub step_due_at: Option<i64>,
    pub current_step: Option<i64>,
    pub overdue: bool,
    pub benefit_verified_cents: Option<i64>,
    pub reward_cents: Option<i64>,
    pub created_at: i64,
}

impl ProposalListItemDto {
    pub fn new(i: ListItem, blind: bool, now: Timestamp) -> Self {
        ProposalListItemDto {
            id: i.id.0,
            overdue: i.status == Status::InReview && i.step_due_at.is_some_and(|d| d < now),
            number: i.number,
            title: i.title,
            category: i.category,
            status: i.status,
            unit_id: (!blind).then_some(i.unit_id.0),
            unit_name: (!blind).then_some(i.unit_name),
            proposer_id: (!blind).then_some(i.proposer_id.0),
            proposer_name: (!blind).then_some(i.proposer_name),
            blind,
            submitted_at: i.submitted_at.map(Timestamp::millis),
            step_due_at: i.step_due_at.map(Timestamp::millis),
            current_step: i.current_step,
            benefit_verified_cents: i.benefit_verified_cents,
            reward_cents: i.reward_cents,
            created_at: i.created_at.millis(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalListDto {
    pub items: Vec<ProposalListItemDto>,
    /// How many proposals match, counted up to 1,000; see `total_exact`.
    pub total: i64,
    /// False when more proposals match than `total` says: lists stop counting at 1,000 so
    /// that they cost the same however many there are. Exact figures are in
    /// `/proposals/stats`, which reads the rollup.
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}
