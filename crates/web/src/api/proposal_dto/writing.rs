//! What callers send to write a proposal and move it through its life, and the files they
//! attach.

use super::{BenefitMethodDto, ImplStatusDto, ReviewActionDto, RewardBasisDto};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct UpdateProposalBody {
    #[serde(flatten)]
    pub proposal: ingot_app::proposals::ProposalInput,
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct VersionBody {
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct SubmitBody {
    #[serde(default)]
    pub version: Option<i64>,
    /// Submit even though similar proposals exist (after showing them to the proposer).
    #[serde(default)]
    pub seen_similar: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewBody {
    pub action: ReviewActionDto,
    /// Required to reject or return; at most 1000 characters.
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DuplicateBody {
    /// The earlier proposal of the same enterprise this one repeats.
    pub of: i64,
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImplementationBody {
    /// Username of the person responsible.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    pub status: ImplStatusDto,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A benefit claim. Amounts are decimal yuan with up to two places, as strings (numbers are
/// accepted too); `volume` is a whole number.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BenefitBody {
    pub method: BenefitMethodDto,
    /// `cost`: cost per unit before, in yuan.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub old_cost: String,
    /// `cost`: cost per unit after, in yuan.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub new_cost: String,
    /// `cost`: units per year.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub volume: String,
    /// `time`: hours saved.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub hours: String,
    /// `time`: yuan per hour.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub rate: String,
    /// `free`: the amount in yuan.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub amount: String,
    /// How the figure was reached; required for `free`.
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RewardBody {
    pub basis: RewardBasisDto,
    /// For `grade`: `special`, `first`, `second`, `third` or `encouragement`.
    #[serde(default)]
    pub grade: String,
    /// For `benefit`: the percentage of the verified benefit.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub percent: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A file for a proposal: images, PDF or office documents, at most 10 MB; the contents must
/// match the name's extension.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    #[schema(value_type = FileBytes)]
    pub file: Vec<u8>,
}

/// A file's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);
