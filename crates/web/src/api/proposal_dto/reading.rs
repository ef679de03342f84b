//! A proposal as answered: the record, its people, steps, timeline, files, what the caller may
//! do, and similar earlier proposals.

use crate::api::dto::OrgDto;
use crate::error::ErrorBody;
use ingot_app::proposals::{Access, ProposalDetail, Similar};
use ingot_domain::Role;
use ingot_domain::Timestamp;
use ingot_domain::proposal::{Benefit, BenefitMethod, ImplStatus, Proposal, RewardBasis, Status};
use ingot_store::attachments::Attachment;
use ingot_store::proposals::{Event, PersonView, ProposalStep};
use serde::Serialize;
use utoipa::ToSchema;

/// How a claimed benefit was calculated (fields of the method used only).
#[derive(Debug, Serialize, ToSchema)]
pub struct BenefitDto {
    pub method: BenefitMethod,
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
                method: BenefitMethod::Cost,
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
                method: BenefitMethod::Time,
                old_cost_cents: None,
                new_cost_cents: None,
                volume: None,
                hours_x100: Some(hours_x100),
                rate_cents: Some(rate_cents),
                amount_cents,
            },
            Benefit::Free { .. } => BenefitDto {
                method: BenefitMethod::Free,
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
    pub status: Status,
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
    pub impl_status: Option<ImplStatus>,
    pub implemented_at: Option<i64>,
    pub benefit: Option<BenefitDto>,
    pub benefit_note: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_claimed_at: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
    pub benefit_verified_at: Option<i64>,
    pub benefit_verify_note: Option<String>,
    pub reward_basis: Option<RewardBasis>,
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
            status: p.status,
            current_step: p.current_step,
            step_due_at: p.step_due_at.map(Timestamp::millis),
            submitted_at: p.submitted_at.map(Timestamp::millis),
            period: p.period.map(period_text),
            decided_at: p.decided_at.map(Timestamp::millis),
            reject_reason: p.reject_reason,
            duplicate_of: p.duplicate_of.map(|d| d.0),
            impl_due_at: p.impl_due_at.map(Timestamp::millis),
            impl_status: p.impl_status,
            implemented_at: p.implemented_at.map(Timestamp::millis),
            benefit: p.benefit.as_ref().map(Into::into),
            benefit_note: p.benefit_note,
            benefit_claimed_cents: p.benefit_claimed_cents,
            benefit_claimed_at: p.benefit_claimed_at.map(Timestamp::millis),
            benefit_verified_cents: p.benefit_verified_cents,
            benefit_verified_at: p.benefit_verified_at.map(Timestamp::millis),
            benefit_verify_note: p.benefit_verify_note,
            reward_basis: p.reward_basis,
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
    pub role: Role,
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
            role: s.role,
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
    pub status: Status,
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
            status: s.status,
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
