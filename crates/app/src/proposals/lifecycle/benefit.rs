//! The benefit of an implemented proposal: claimed with its calculation, then verified (or
//! corrected) and locked by finance.

use super::{Happened, commit_change, named_people, open, own_record};
use crate::{Caller, Result};
use ingot_domain::benefit::{self, BenefitMethod, Claim, ClaimFields, Verification};
use ingot_domain::proposal::{self as rules, Benefit, Proposal, Status, event};
use ingot_domain::{AppError, ProposalId, Role, Timestamp};
use ingot_store::{Tx, grants};

/// A benefit claim, of a proposal or an achievement: `cost` (old_cost, new_cost, volume), `time`
/// (hours, rate) or `free` (amount, with the explanation in `note`). Amounts are decimal yuan
/// with up to two places, as strings (numbers are accepted too); `volume` is a whole number.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BenefitBody)]
pub struct BenefitInput {
    pub method: BenefitMethod,
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
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

impl BenefitInput {
    /// The fields as the rules shared with achievements read them.
    pub(crate) fn fields(&self) -> ClaimFields {
        ClaimFields {
            method: self.method.as_str().to_string(),
            old_cost: self.old_cost.clone(),
            new_cost: self.new_cost.clone(),
            volume: self.volume.clone(),
            hours: self.hours.clone(),
            rate: self.rate.clone(),
            amount: self.amount.clone(),
            note: self.note.clone(),
        }
    }

    pub fn benefit(&self) -> Result<Benefit> {
        self.fields().benefit()
    }

    /// The claim checked by the rules shared with achievements.
    pub fn check(&self) -> Result<Claim> {
        self.fields().check()
    }
}

/// Claims the benefit of an implemented proposal, with its calculation. Until finance verifies
/// it, a claim may be replaced.
pub async fn claim_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &BenefitInput,
) -> Result<Proposal> {
    // Someone who may not see the proposal learns nothing, not even what is wrong with the input.
    let (l, access) = open(tx, caller, id, input.version).await?;
    let claim = input.check()?;
    benefit::ensure_unlocked(l.proposal.benefit_verified_at)?;
    if !access.claim_benefit {
        if access.named || caller.permits(ingot_domain::Action::ManageImplementation, &l.unit.path)
        {
            return Err(AppError::conflict("proposal_not_implemented"));
        }
        return Err(AppError::forbidden());
    }
    let amount = claim.amount_cents;
    let mut notify = named_people(&l);
    notify.extend(grants::holders(tx, Role::FinanceOfficer, &l.unit.path).await?);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.benefit = Some(claim.benefit);
    p.benefit_note = claim.note;
    p.benefit_claimed_cents = Some(amount);
    p.benefit_claimed_at = Some(Timestamp::now());
    let comment = rules::format_money(amount);
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.benefit_claim",
        Some(Happened {
            kind: event::BENEFIT_CLAIMED,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}

/// Finance's verification of a claimed benefit, as the form and the API send it.
// Serialize: the schema shows the defaults.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = VerifyBody)]
pub struct VerifyInput {
    /// Empty to confirm the claimed figure; otherwise the corrected amount in yuan (then
    /// `note` is required).
    #[serde(deserialize_with = "ingot_domain::validate::decimal_text")]
    #[schema(value_type = String)]
    pub corrected_amount: String,
    pub note: String,
    pub version: Option<i64>,
}

/// Finance verifies (or corrects) the claimed benefit; the figure is then locked.
pub async fn verify_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &VerifyInput,
) -> Result<Proposal> {
    let verification = Verification::parse(&input.corrected_amount, &input.note)?;
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !caller.permits(ingot_domain::Action::VerifyBenefit, &l.unit.path) {
        return Err(AppError::forbidden());
    }
    if access.named {
        return Err(own_record());
    }
    benefit::ensure_unlocked(l.proposal.benefit_verified_at)?;
    if !access.verify_benefit {
        return Err(AppError::conflict("benefit_not_claimed"));
    }
    let claimed = l.proposal.benefit_claimed_cents.unwrap_or(0);
    let amount = verification.amount(claimed);
    let now = Timestamp::now();
    let notify = named_people(&l);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.benefit_verified_cents = Some(amount);
    p.benefit_verified_by = caller.user_id();
    p.benefit_verified_at = Some(now);
    p.benefit_verify_note = verification.note;
    p.status = Status::Verified;
    let comment = rules::format_money(amount);
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.benefit_verify",
        Some(Happened {
            kind: event::BENEFIT_VERIFIED,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}
