//! Request and response bodies of the proposal and notification endpoints. Money is integer fen
//! (`_cents`), shares and rates are basis points (`_bp`, 10000 = 100%), instants are
//! milliseconds since the Unix epoch.

use super::dto::{OrgDto, RoleDto, mirror};
use crate::error::ErrorBody;
use ingot_app::proposals::{Access, ProposalDetail, RewardLine, Similar};
use ingot_domain::Timestamp;
use ingot_domain::proposal::{Benefit, ImplStatus, Proposal, ReviewAction, Status};
use ingot_store::attachments::Attachment;
use ingot_store::notifications::{Digest, Notification};
use ingot_store::proposal_stats::{Counts, UnitCounts};
use ingot_store::proposals::{Event, ListItem, PersonView, ProposalStep};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

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

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

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
    #[param(value_type = Option<ProposalStatusDto>, inline)]
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

/// A proposal in a list. Where the caller reviews at a blind step, the proposer and unit are
/// left out (`blind` is true).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalListItemDto {
    pub id: i64,
    /// Given at first submission, e.g. `CN-LN-JZ-REF-2022-0007`.
    pub number: Option<String>,
    pub title: String,
    pub category: String,
    pub status: ProposalStatusDto,
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
            status: i.status.into(),
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
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// How a claimed benefit was calculated (fields of the method used only).
#[derive(Debug, Serialize, ToSchema)]
pub struct BenefitDto {
    pub method: BenefitMethodDto,
    pub old_cost_cents: Option<i64>,
    pub new_cost_cents: Option<i64>,
    pub volume: Option<i64>,
    /// Hours in hundredths.
    pub hours_x100: Option<i64>,
    pub rate_cents: Option<i64>,
    /// The resulting amount.
    pub amount_cents: Option<i64>,
}

impl From<&Benefit> for BenefitDto {
    fn from(b: &Benefit) -> Self {
        let amount_cents = b.amount_cents().ok();
        match *b {
            Benefit::Cost {
                old_cost_cents,
                new_cost_cents,
                volume,
            } => BenefitDto {
                method: BenefitMethodDto::Cost,
                old_cost_cents: Some(old_cost_cents),
                new_cost_cents: Some(new_cost_cents),
                volume: Some(volume),
                hours_x100: None,
                rate_cents: None,
                amount_cents,
            },
            Benefit::Time {
                hours_x100,
                rate_cents,
            } => BenefitDto {
                method: BenefitMethodDto::Time,
                old_cost_cents: None,
                new_cost_cents: None,
                volume: None,
                hours_x100: Some(hours_x100),
                rate_cents: Some(rate_cents),
                amount_cents,
            },
            Benefit::Free { .. } => BenefitDto {
                method: BenefitMethodDto::Free,
                old_cost_cents: None,
                new_cost_cents: None,
                volume: None,
                hours_x100: None,
                rate_cents: None,
                amount_cents,
            },
        }
    }
}

/// The proposal record. The proposer and the unit are in `people` and `unit` of the detail,
/// so that a blind review can leave them out.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalDto {
    pub id: i64,
    pub enterprise_id: i64,
    pub number: Option<String>,
    pub title: String,
    pub problem: String,
    pub proposed_change: String,
    pub expected_effect: String,
    pub category: String,
    pub status: ProposalStatusDto,
    /// Position of the review step it waits at.
    pub current_step: Option<i64>,
    pub step_due_at: Option<i64>,
    pub overdue: bool,
    pub submitted_at: Option<i64>,
    /// `YYYY-MM`: the month it is counted in.
    pub period: Option<String>,
    pub decided_at: Option<i64>,
    pub reject_reason: Option<String>,
    pub duplicate_of: Option<i64>,
    pub impl_due_at: Option<i64>,
    pub impl_status: Option<ImplStatusDto>,
    pub implemented_at: Option<i64>,
    pub benefit: Option<BenefitDto>,
    pub benefit_note: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_claimed_at: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
    pub benefit_verified_at: Option<i64>,
    pub benefit_verify_note: Option<String>,
    pub reward_basis: Option<RewardBasisDto>,
    pub reward_grade: Option<String>,
    pub reward_percent_bp: Option<i64>,
    pub reward_cents: Option<i64>,
    pub rewarded_at: Option<i64>,
    /// Send it back with changes; it goes up by one with every change.
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn period_text(period: i64) -> String {
    format!("{:04}-{:02}", period / 100, period % 100)
}

impl ProposalDto {
    pub fn new(p: Proposal, now: Timestamp) -> Self {
        ProposalDto {
            overdue: p.is_overdue(now),
            id: p.id.0,
            enterprise_id: p.enterprise_id.0,
            number: p.number,
            title: p.title,
            problem: p.problem,
            proposed_change: p.proposed_change,
            expected_effect: p.expected_effect,
            category: p.category,
            status: p.status.into(),
            current_step: p.current_step,
            step_due_at: p.step_due_at.map(Timestamp::millis),
            submitted_at: p.submitted_at.map(Timestamp::millis),
            period: p.period.map(period_text),
            decided_at: p.decided_at.map(Timestamp::millis),
            reject_reason: p.reject_reason,
            duplicate_of: p.duplicate_of.map(|d| d.0),
            impl_due_at: p.impl_due_at.map(Timestamp::millis),
            impl_status: p.impl_status.map(Into::into),
            implemented_at: p.implemented_at.map(Timestamp::millis),
            benefit: p.benefit.as_ref().map(Into::into),
            benefit_note: p.benefit_note,
            benefit_claimed_cents: p.benefit_claimed_cents,
            benefit_claimed_at: p.benefit_claimed_at.map(Timestamp::millis),
            benefit_verified_cents: p.benefit_verified_cents,
            benefit_verified_at: p.benefit_verified_at.map(Timestamp::millis),
            benefit_verify_note: p.benefit_verify_note,
            reward_basis: p.reward_basis.as_deref().and_then(|b| match b {
                "grade" => Some(RewardBasisDto::Grade),
                "benefit" => Some(RewardBasisDto::Benefit),
                _ => None,
            }),
            reward_grade: p.reward_grade,
            reward_percent_bp: p.reward_percent_bp,
            reward_cents: p.reward_cents,
            rewarded_at: p.rewarded_at.map(Timestamp::millis),
            version: p.version,
            created_at: p.created_at.millis(),
            updated_at: p.updated_at.millis(),
        }
    }
}

/// A person named on a proposal: the proposer first, then co-proposers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalPersonDto {
    pub position: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub share_bp: i64,
    /// Their part of the reward, once decided; the parts add up to the reward exactly.
    pub reward_cents: Option<i64>,
}

impl From<PersonView> for ProposalPersonDto {
    fn from(p: PersonView) -> Self {
        ProposalPersonDto {
            position: p.position,
            user_id: p.user_id.0,
            username: p.username,
            display_name: p.display_name,
            share_bp: p.share_bp,
            reward_cents: p.reward_cents,
        }
    }
}

/// A review step as fixed at submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalStepDto {
    pub position: i64,
    pub name: String,
    pub role: RoleDto,
    /// Holders of `role` over this organisation act at the step.
    pub org_id: i64,
    pub org_name: String,
    pub due_days: i64,
    /// Reviewers at this step do not see who proposed it, nor the unit.
    pub blind: bool,
}

impl From<ProposalStep> for ProposalStepDto {
    fn from(s: ProposalStep) -> Self {
        ProposalStepDto {
            position: s.position,
            name: s.name,
            role: s.role.into(),
            org_id: s.org_id.0,
            org_name: s.org_name,
            due_days: s.due_days,
            blind: s.blind,
        }
    }
}

/// One entry of the timeline. `kind`: `created`, `submitted`, `forwarded`, `adopted`,
/// `rejected`, `returned`, `withdrawn`, `marked_duplicate`, `implementation`, `implemented`,
/// `benefit_claimed`, `benefit_verified`, `rewarded`, `attached`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalEventDto {
    pub id: i64,
    pub at: i64,
    /// Left out where a blind review hides who acted.
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub step: Option<i64>,
    pub comment: Option<String>,
}

impl ProposalEventDto {
    pub fn new(e: Event, blind: bool) -> Self {
        // A blind review hides the names of the people named on it; their ids go with them.
        let hidden = blind && e.actor_name.is_none();
        ProposalEventDto {
            id: e.id,
            at: e.at.millis(),
            actor_id: if hidden {
                None
            } else {
                e.actor_id.map(|u| u.0)
            },
            actor_name: e.actor_name,
            kind: e.kind,
            step: e.step,
            comment: e.comment,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub proposal_id: i64,
    pub filename: String,
    pub size: i64,
    pub content_type: String,
    /// SHA-256 of the contents, lower-case hex.
    pub sha256: String,
    pub uploaded_at: i64,
    /// Where to download it (with the same credentials).
    pub download_url: String,
}

impl From<Attachment> for AttachmentDto {
    fn from(a: Attachment) -> Self {
        AttachmentDto {
            download_url: format!("/api/v1/attachments/{}", a.id.0),
            id: a.id.0,
            proposal_id: a.proposal_id.0,
            filename: a.filename,
            size: a.size,
            content_type: a.content_type,
            sha256: a.sha256,
            uploaded_at: a.uploaded_at.millis(),
        }
    }
}

/// What the caller may do with the proposal now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalAccessDto {
    /// Named on it as proposer or co-proposer.
    pub named: bool,
    pub is_proposer: bool,
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    /// Acts at the current review step.
    pub review: bool,
    pub mark_duplicate: bool,
    pub implement: bool,
    pub claim_benefit: bool,
    pub verify_benefit: bool,
    pub reward: bool,
    pub attach: bool,
    /// The caller reviews at a blind step: people and unit are hidden.
    pub blind: bool,
}

impl From<Access> for ProposalAccessDto {
    fn from(a: Access) -> Self {
        ProposalAccessDto {
            named: a.named,
            is_proposer: a.is_proposer,
            edit: a.edit,
            submit: a.submit,
            withdraw: a.withdraw,
            review: a.review,
            mark_duplicate: a.mark_duplicate,
            implement: a.implement,
            claim_benefit: a.claim_benefit,
            verify_benefit: a.verify_benefit,
            reward: a.reward,
            attach: a.attach,
            blind: a.blind,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRefDto {
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalRefDto {
    pub id: i64,
    /// Its number, or its title when it has none.
    pub label: String,
}

/// A proposal with everything its page shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalDetailDto {
    pub proposal: ProposalDto,
    /// The unit concerned; for a blind review, the enterprise instead.
    pub unit: OrgDto,
    /// Empty for a blind review.
    pub people: Vec<ProposalPersonDto>,
    pub steps: Vec<ProposalStepDto>,
    /// The timeline, oldest first.
    pub events: Vec<ProposalEventDto>,
    pub attachments: Vec<AttachmentDto>,
    /// Who implements it.
    pub impl_owner: Option<PersonRefDto>,
    /// The earlier proposal this one repeats.
    pub duplicate_of: Option<ProposalRefDto>,
    pub access: ProposalAccessDto,
    /// The same as `proposal.version`: send it back with the next change.
    pub version: i64,
}

impl ProposalDetailDto {
    pub fn new(d: ProposalDetail, now: Timestamp) -> Self {
        let blind = d.access.blind;
        ProposalDetailDto {
            version: d.proposal.version,
            proposal: ProposalDto::new(d.proposal, now),
            unit: d.unit.into(),
            people: d.people.into_iter().map(Into::into).collect(),
            steps: d.steps.into_iter().map(Into::into).collect(),
            events: d
                .events
                .into_iter()
                .map(|e| ProposalEventDto::new(e, blind))
                .collect(),
            attachments: d.attachments.into_iter().map(Into::into).collect(),
            impl_owner: d.impl_owner.map(|(username, display_name)| PersonRefDto {
                username,
                display_name,
            }),
            duplicate_of: d
                .duplicate_of
                .map(|(id, label)| ProposalRefDto { id: id.0, label }),
            access: d.access.into(),
        }
    }
}

/// An earlier proposal resembling this one.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarDto {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub status: ProposalStatusDto,
    pub submitted_at: Option<i64>,
    /// 0 to 1 (overlap of wording).
    pub similarity: f64,
}

impl From<Similar> for SimilarDto {
    fn from(s: Similar) -> Self {
        SimilarDto {
            id: s.id.0,
            number: s.number,
            title: s.title,
            status: s.status.into(),
            submitted_at: s.submitted_at.map(Timestamp::millis),
            similarity: s.similarity,
        }
    }
}

/// 409 `similar_proposals_found`: the standard error body plus the similar proposals. Show
/// them to the proposer, then submit again with `seen_similar: true`. The other conflicts of a
/// submission (`proposal_changed`, `proposal_not_editable`) are the standard body alone.
#[derive(Serialize, ToSchema)]
pub struct SimilarFoundBody {
    #[serde(flatten)]
    pub error: ErrorBody,
    /// Only with `similar_proposals_found`.
    #[schema(required = false)]
    pub similar: Vec<SimilarDto>,
}

// ---------------------------------------------------------------------------------------------
// Statistics and rewards
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Unread ones only.
    #[param(value_type = Option<bool>)]
    pub unread: Option<String>,
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

/// Something that happened to a proposal the caller is involved in. `kind` as in the
/// timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    pub proposal_id: i64,
    pub proposal_title: String,
    pub proposal_number: Option<String>,
    pub kind: String,
    pub actor_name: Option<String>,
    pub created_at: i64,
    pub read: bool,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        NotificationDto {
            id: n.id.0,
            proposal_id: n.proposal_id.0,
            proposal_title: n.proposal_title,
            proposal_number: n.proposal_number,
            kind: n.kind,
            actor_name: n.actor_name,
            created_at: n.created_at.millis(),
            read: n.read,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationListDto {
    pub items: Vec<NotificationDto>,
    pub total: i64,
    /// All the caller's unread notifications.
    pub unread: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct MarkReadBody {
    /// One notification; omit to mark all read.
    #[serde(default)]
    pub id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkReadDto {
    /// How many changed.
    pub marked: u64,
    pub unread: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DigestSettingDto {
    /// Receive a daily digest of the day's notifications.
    pub daily_digest: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DigestDto {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub items: i64,
    pub body: String,
    pub created_at: i64,
}

impl From<Digest> for DigestDto {
    fn from(d: Digest) -> Self {
        DigestDto {
            day: format!(
                "{:04}-{:02}-{:02}",
                d.day / 10_000,
                d.day / 100 % 100,
                d.day % 100
            ),
            items: d.items,
            body: d.body,
            created_at: d.created_at.millis(),
        }
    }
}
