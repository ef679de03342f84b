//! The reward, by grade or as a share of the verified benefit, split among the people.

use super::{Happened, commit_change, named_people, open, own_record};
use crate::{Caller, Result};
use ingot_domain::proposal::{self as rules, Proposal, RewardBasis, Status, event};
use ingot_domain::{AppError, OrgId, ProposalId, Timestamp};
use ingot_store::{Tx, proposal_config, proposals};

/// The reward: by a grade's amount, or as a percentage of the verified benefit.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RewardBody)]
pub struct RewardInput {
    pub basis: RewardBasis,
    /// For `grade`: `special`, `first`, `second`, `third` or `encouragement`.
    #[serde(default)]
    pub grade: String,
    /// For `benefit`: the percentage of the verified benefit.
    #[serde(default, deserialize_with = "ingot_domain::validate::decimal_text")]
    pub percent: String,
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The amount of a grade at an enterprise: its own setting or the default.
pub async fn grade_amount(tx: &mut Tx, enterprise: OrgId, grade: &str) -> Result<Option<i64>> {
    let own = proposal_config::grades(tx, enterprise).await?;
    Ok(own
        .into_iter()
        .find(|(g, _)| g == grade)
        .map(|(_, c)| c)
        .or_else(|| rules::grade_default(grade)))
}

/// Decides the reward, by grade or as a share of the verified benefit, and splits it among the
/// people by their shares.
pub async fn reward(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &RewardInput,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !caller.permits(ingot_domain::Action::AwardReward, &l.unit.path) {
        return Err(AppError::forbidden());
    }
    if access.named {
        return Err(own_record());
    }
    if l.proposal.status == Status::Rewarded {
        return Err(AppError::conflict("proposal_already_rewarded"));
    }
    if !access.reward {
        return Err(AppError::conflict("proposal_not_implemented"));
    }
    let (amount, grade, percent) = match input.basis {
        RewardBasis::Grade => {
            let grade = input.grade.trim();
            let amount = grade_amount(tx, l.proposal.enterprise_id, grade)
                .await?
                .ok_or_else(|| AppError::field("grade", "unknown_grade"))?;
            (amount, Some(grade.to_string()), None)
        }
        RewardBasis::Benefit => {
            let Some(verified) = l.proposal.benefit_verified_cents else {
                return Err(AppError::conflict_on("basis", "benefit_not_verified"));
            };
            let percent = rules::parse_share(&input.percent)
                .ok_or_else(|| AppError::field("percent", "share_invalid"))?;
            (verified * percent / rules::WHOLE_SHARE, None, Some(percent))
        }
    };
    let shares: Vec<i64> = l.people.iter().map(|p| p.share_bp).collect();
    let parts = rules::split_reward(amount, &shares);
    let positions: Vec<(i64, i64)> = l
        .people
        .iter()
        .zip(parts)
        .map(|(p, c)| (p.position, c))
        .collect();
    proposals::set_reward_parts(tx, id, &positions).await?;
    let notify = named_people(&l);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.reward_basis = Some(input.basis);
    p.reward_grade = grade;
    p.reward_percent_bp = percent;
    p.reward_cents = Some(amount);
    p.rewarded_at = Some(Timestamp::now());
    p.status = Status::Rewarded;
    let comment = rules::format_money(amount);
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.reward",
        Some(Happened {
            kind: event::REWARDED,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}
