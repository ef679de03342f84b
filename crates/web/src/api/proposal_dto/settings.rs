//! An enterprise's proposal settings: its review workflow, own categories and reward grades.

use crate::api::dto::{OrgDto, RoleDto};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A review step of an enterprise's workflow.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StepConfigDto {
    pub name: String,
    pub role: RoleDto,
    /// The organisation whose holders of `role` act; null means the unit the proposal
    /// concerns.
    #[serde(default)]
    pub org_id: Option<i64>,
    /// 1 to 365.
    pub due_days: i64,
    /// Reviewers at this step do not see who proposed it.
    #[serde(default)]
    pub blind: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CategoryDto {
    /// Lower-case letters, digits and `_`.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GradeDto {
    /// `special`, `first`, `second`, `third` or `encouragement`.
    pub grade: String,
    /// The enterprise's amount, or the default.
    pub amount_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalSettingsDto {
    pub enterprise: OrgDto,
    /// The configured steps, or the default single union step.
    pub steps: Vec<StepConfigDto>,
    /// Whether the enterprise configured its own workflow.
    pub configured: bool,
    /// The enterprise's own categories (the five built-in kinds always exist).
    pub categories: Vec<CategoryDto>,
    pub grades: Vec<GradeDto>,
    /// Whether the caller may change these settings.
    pub can_configure: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkflowBody {
    /// One to eight steps, in order.
    pub steps: Vec<StepConfigDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GradesBody {
    /// Grade to amount in yuan, e.g. `{"first": "2500.00"}`; grades left out keep theirs.
    #[schema(value_type = BTreeMap<String, String>)]
    pub grades: BTreeMap<String, serde_json::Value>,
}
