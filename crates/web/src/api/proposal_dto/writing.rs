//! What callers send to write a proposal and move it through its life, and the files they
//! attach.

use super::{BenefitMethodDto, ImplStatusDto, ReviewActionDto, RewardBasisDto};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

/// Accepts a decimal as a JSON string or number (or null, as empty), since the use cases take
/// the text as typed.
fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
        Float(f64),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => String::new(),
        Some(Raw::Text(s)) => s,
        Some(Raw::Int(i)) => i.to_string(),
        Some(Raw::Float(f)) => f.to_string(),
    })
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct CoProposerBody {
    #[serde(default)]
    pub username: String,
    /// Percent, e.g. `"40"` or `"33.33"`.
    #[serde(default, deserialize_with = "decimal")]
    pub share: String,
}

/// A proposal's text and people. Every problem is reported at once (422), each against its
/// field: `title`, `problem`, `proposed_change`, `expected_effect`, `category`, `unit_id`,
/// `proposer_share`, `co_proposers[i].username`, `co_proposers[i].share`, `shares`.
#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct ProposalBody {
    /// At most 120 characters.
    #[serde(default)]
    pub title: String,
    /// At most 4000 characters.
    #[serde(default)]
    pub problem: String,
    #[serde(default)]
    pub proposed_change: String,
    #[serde(default)]
    pub expected_effect: String,
    /// One of the five built-in kinds (`small_invention`, `small_creation`,
    /// `small_innovation`, `small_design`, `small_suggestion`) or an enterprise's own.
    #[serde(default)]
    pub category: String,
    /// The unit the proposal concerns, inside the proposer's enterprise.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// The proposer's own share in percent; empty means whatever the others leave.
    #[serde(default, deserialize_with = "decimal")]
    pub proposer_share: String,
    /// Co-proposers with their shares; all shares must add up to 100.
    #[serde(default)]
    pub co_proposers: Vec<CoProposerBody>,
}

impl ProposalBody {
    pub fn into_input(self) -> ingot_app::proposals::ProposalInput {
        ingot_app::proposals::ProposalInput {
            title: self.title,
            problem: self.problem,
            proposed_change: self.proposed_change,
            expected_effect: self.expected_effect,
            category: self.category,
            unit_id: self.unit_id.map(ingot_domain::OrgId),
            proposer_share: self.proposer_share,
            co_proposers: self
                .co_proposers
                .into_iter()
                .map(|c| ingot_app::proposals::PersonInput {
                    username: c.username,
                    share: c.share,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct UpdateProposalBody {
    #[serde(flatten)]
    pub proposal: ProposalBody,
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
    #[serde(default, deserialize_with = "decimal")]
    pub old_cost: String,
    /// `cost`: cost per unit after, in yuan.
    #[serde(default, deserialize_with = "decimal")]
    pub new_cost: String,
    /// `cost`: units per year.
    #[serde(default, deserialize_with = "decimal")]
    pub volume: String,
    /// `time`: hours saved.
    #[serde(default, deserialize_with = "decimal")]
    pub hours: String,
    /// `time`: yuan per hour.
    #[serde(default, deserialize_with = "decimal")]
    pub rate: String,
    /// `free`: the amount in yuan.
    #[serde(default, deserialize_with = "decimal")]
    pub amount: String,
    /// How the figure was reached; required for `free`.
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct VerifyBody {
    /// Empty to confirm the claimed figure; otherwise the corrected amount in yuan (then
    /// `note` is required).
    #[serde(default, deserialize_with = "decimal")]
    pub corrected_amount: String,
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
    #[serde(default, deserialize_with = "decimal")]
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
