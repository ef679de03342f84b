//! Statistics of an organisation's subtree and the reward lines payroll needs.

use super::RewardFormatDto;
use crate::api::dto::OrgDto;
use ingot_app::proposals::RewardLine;
use ingot_store::proposal_stats::{Counts, UnitCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The organisation whose subtree is counted; by default the broadest the caller may see.
    #[param(value_type = Option<i64>)]
    pub org: Option<String>,
    /// `YYYY-MM`, inclusive; by default January of `to`'s year.
    pub from: Option<String>,
    /// `YYYY-MM`, inclusive; by default the current month.
    pub to: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsDto {
    /// Submitted, not withdrawn and not a duplicate.
    pub put_forward: i64,
    pub adopted: i64,
    pub implemented: i64,
    /// Verified benefit.
    pub benefit_cents: i64,
    /// Implemented per put forward; absent when nothing was put forward.
    pub implementation_rate_bp: Option<i64>,
    pub adoption_rate_bp: Option<i64>,
}

impl From<Counts> for CountsDto {
    fn from(c: Counts) -> Self {
        CountsDto {
            implementation_rate_bp: c.implementation_rate_bp(),
            adoption_rate_bp: c.adoption_rate_bp(),
            put_forward: c.put_forward,
            adopted: c.adopted,
            implemented: c.implemented,
            benefit_cents: c.benefit_cents,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitCountsDto {
    pub org_id: i64,
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: CountsDto,
}

impl From<UnitCounts> for UnitCountsDto {
    fn from(u: UnitCounts) -> Self {
        UnitCountsDto {
            org_id: u.org_id.0,
            code: u.code,
            name: u.name,
            counts: u.counts.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthCountsDto {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(flatten)]
    pub counts: CountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsDto {
    pub org: OrgDto,
    /// `YYYY-MM`.
    pub from: String,
    pub to: String,
    pub totals: CountsDto,
    /// Each child unit over its own subtree; proposals recorded on the organisation itself
    /// come last.
    pub units: Vec<UnitCountsDto>,
    /// Months with any proposals.
    pub months: Vec<MonthCountsDto>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RewardsQuery {
    /// The organisation whose subtree's rewards are listed.
    #[param(value_type = i64, required = true)]
    pub org: Option<String>,
    /// `YYYY-MM-DD`: rewards decided from this day on; by default the first of this month.
    pub from: Option<String>,
    /// `YYYY-MM-DD`: up to and including this day; by default today.
    pub to: Option<String>,
    /// `json` (the default), `csv` or `xlsx`.
    #[param(value_type = Option<RewardFormatDto>, inline)]
    pub format: Option<String>,
}

/// One person's reward on one proposal: a payroll line.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewardLineDto {
    pub number: String,
    pub title: String,
    /// The unit the proposal concerns.
    pub unit: String,
    pub username: String,
    pub display_name: String,
    /// The person's own organisation.
    pub person_unit: String,
    pub share_bp: i64,
    pub amount_cents: i64,
    pub rewarded_at: i64,
}

impl From<RewardLine> for RewardLineDto {
    fn from(l: RewardLine) -> Self {
        RewardLineDto {
            number: l.number,
            title: l.title,
            unit: l.unit,
            username: l.username,
            display_name: l.display_name,
            person_unit: l.person_unit,
            share_bp: l.share_bp,
            amount_cents: l.amount_cents,
            rewarded_at: l.rewarded_at.millis(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RewardListDto {
    pub items: Vec<RewardLineDto>,
    pub total_cents: i64,
}
