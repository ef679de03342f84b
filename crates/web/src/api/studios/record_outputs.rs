//! The records a studio's totals count, as the API shows them.

use ingot_app::studios::RecordOutputs;
use serde::Serialize;
use utoipa::ToSchema;

/// The studio members' records counted in its totals, each within the member's time in the
/// studio: achievements with a member among the completers, the patents linked to them, the
/// proposals members put forward, their skills and methods. Empty for those who may not read the
/// unit's records (the totals count them all the same).
#[derive(Serialize, ToSchema)]
pub struct RecordOutputsDto {
    pub achievements: Vec<OutputAchievementDto>,
    pub patents: Vec<OutputPatentDto>,
    pub proposals: Vec<OutputProposalDto>,
    pub skills: Vec<OutputSkillDto>,
}

#[derive(Serialize, ToSchema)]
pub struct OutputAchievementDto {
    /// `/achievements/{id}`.
    pub id: i64,
    pub title: String,
    pub year: i64,
    /// Put into production: counted as transformed.
    pub transformed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OutputPatentDto {
    /// `/patents/{id}`.
    pub id: i64,
    pub number: String,
    pub title: String,
    /// invention, utility_model, design.
    pub kind: String,
    /// applied, granted, rejected, lapsed.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct OutputProposalDto {
    /// `/proposals/{id}`.
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct OutputSkillDto {
    /// `/skills/{id}`.
    pub id: i64,
    pub name: String,
    /// unique_skill or operation_method.
    pub kind: String,
    pub year: i64,
}

impl From<&RecordOutputs> for RecordOutputsDto {
    fn from(r: &RecordOutputs) -> Self {
        RecordOutputsDto {
            achievements: r
                .achievements
                .iter()
                .map(|a| OutputAchievementDto {
                    id: a.id,
                    title: a.title.clone(),
                    year: a.year,
                    transformed: a.in_production_since.is_some(),
                })
                .collect(),
            patents: r
                .patents
                .iter()
                .map(|p| OutputPatentDto {
                    id: p.id,
                    number: p.number.clone(),
                    title: p.title.clone(),
                    kind: p.kind.clone(),
                    status: p.status.clone(),
                })
                .collect(),
            proposals: r
                .proposals
                .iter()
                .map(|p| OutputProposalDto {
                    id: p.id,
                    number: p.number.clone(),
                    title: p.title.clone(),
                    status: p.status.clone(),
                })
                .collect(),
            skills: r
                .skills
                .iter()
                .map(|k| OutputSkillDto {
                    id: k.id,
                    name: k.name.clone(),
                    kind: k.kind.clone(),
                    year: k.year,
                })
                .collect(),
        }
    }
}
