//! An enterprise's proposal settings: its review workflow, own categories and reward grades.

use crate::api::dto::OrgDto;
use ingot_domain::proposal::StepConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

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
    pub steps: Vec<StepConfig>,
    /// Whether the enterprise configured its own workflow.
    pub configured: bool,
    /// The enterprise's own categories (the five built-in kinds always exist).
    pub categories: Vec<CategoryDto>,
    pub grades: Vec<GradeDto>,
    /// Whether the caller may change these settings.
    pub can_configure: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GradesBody {
    /// Grade to amount in yuan, e.g. `{"first": "2500.00"}`; grades left out keep theirs.
    #[schema(value_type = BTreeMap<String, String>)]
    pub grades: BTreeMap<String, serde_json::Value>,
}
