//! Improvement proposals: the record, its people, its review steps, its timeline, and listings.

mod listing;

pub use listing::*;

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::proposal::{
    Benefit, ImplStatus, Person, Proposal, RewardBasis, Status, StepConfig,
};
use ingot_domain::{AppError, OrgId, ProposalId, Role, Timestamp, UserId};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    enterprise_id: i64,
    unit_id: i64,
    proposer_id: i64,
    number: Option<String>,
    title: String,
    problem: String,
    proposed_change: String,
    expected_effect: String,
    category: String,
    status: String,
    current_step: Option<i64>,
    step_due_at: Option<i64>,
    submitted_at: Option<i64>,
    period: Option<i64>,
    decided_at: Option<i64>,
    reject_reason: Option<String>,
    duplicate_of: Option<i64>,
    impl_owner_id: Option<i64>,
    impl_due_at: Option<i64>,
    impl_status: Option<String>,
    implemented_at: Option<i64>,
    benefit_inputs: Option<String>,
    benefit_note: Option<String>,
    benefit_claimed_cents: Option<i64>,
    benefit_claimed_at: Option<i64>,
    benefit_verified_cents: Option<i64>,
    benefit_verified_by: Option<i64>,
    benefit_verified_at: Option<i64>,
    benefit_verify_note: Option<String>,
    reward_basis: Option<String>,
    reward_grade: Option<String>,
    reward_percent_bp: Option<i64>,
    reward_cents: Option<i64>,
    rewarded_at: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

const SELECT: &str = "SELECT p.id, p.enterprise_id, p.unit_id, p.proposer_id, p.number, p.title, p.problem,
    p.proposed_change, p.expected_effect, p.category, p.status, p.current_step, p.step_due_at, p.submitted_at,
    p.period, p.decided_at, p.reject_reason, p.duplicate_of, p.impl_owner_id, p.impl_due_at, p.impl_status,
    p.implemented_at, p.benefit_inputs, p.benefit_note, p.benefit_claimed_cents, p.benefit_claimed_at,
    p.benefit_verified_cents, p.benefit_verified_by, p.benefit_verified_at, p.benefit_verify_note,
    p.reward_basis, p.reward_grade, p.reward_percent_bp, p.reward_cents, p.rewarded_at, p.version,
    p.created_at, p.updated_at";

impl TryFrom<Row> for Proposal {
    type Error = AppError;
    fn try_from(r: Row) -> Result<Proposal> {
        let status = Status::parse(&r.status)
            .ok_or_else(|| AppError::internal(format!("stored proposal status {:?}", r.status)))?;
        let benefit = match r.benefit_inputs.as_deref() {
            Some(json) => Some(
                serde_json::from_str::<Benefit>(json)
                    .map_err(|e| AppError::internal(format!("stored benefit: {e}")))?,
            ),
            None => None,
        };
        Ok(Proposal {
            id: ProposalId(r.id),
            enterprise_id: OrgId(r.enterprise_id),
            unit_id: OrgId(r.unit_id),
            proposer_id: UserId(r.proposer_id),
            number: r.number,
            title: r.title,
            problem: r.problem,
            proposed_change: r.proposed_change,
            expected_effect: r.expected_effect,
            category: r.category,
            status,
            current_step: r.current_step,
            step_due_at: r.step_due_at.map(Timestamp),
            submitted_at: r.submitted_at.map(Timestamp),
            period: r.period,
            decided_at: r.decided_at.map(Timestamp),
            reject_reason: r.reject_reason,
            duplicate_of: r.duplicate_of.map(ProposalId),
            impl_owner_id: r.impl_owner_id.map(UserId),
            impl_due_at: r.impl_due_at.map(Timestamp),
            impl_status: r.impl_status.as_deref().and_then(ImplStatus::parse),
            implemented_at: r.implemented_at.map(Timestamp),
            benefit,
            benefit_note: r.benefit_note,
            benefit_claimed_cents: r.benefit_claimed_cents,
            benefit_claimed_at: r.benefit_claimed_at.map(Timestamp),
            benefit_verified_cents: r.benefit_verified_cents,
            benefit_verified_by: r.benefit_verified_by.map(UserId),
            benefit_verified_at: r.benefit_verified_at.map(Timestamp),
            benefit_verify_note: r.benefit_verify_note,
            reward_basis: r.reward_basis.as_deref().and_then(RewardBasis::parse),
            reward_grade: r.reward_grade,
            reward_percent_bp: r.reward_percent_bp,
            reward_cents: r.reward_cents,
            rewarded_at: r.rewarded_at.map(Timestamp),
            version: r.version,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

pub struct NewProposal<'a> {
    pub enterprise_id: OrgId,
    pub unit_id: OrgId,
    pub proposer_id: UserId,
    pub title: &'a str,
    pub problem: &'a str,
    pub proposed_change: &'a str,
    pub expected_effect: &'a str,
    pub category: &'a str,
}

pub async fn insert(tx: &mut Tx, new: &NewProposal<'_>, now: Timestamp) -> Result<ProposalId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO proposals (enterprise_id, unit_id, proposer_id, title, problem, proposed_change,
                    expected_effect, category, status, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', 1, $9, $9) RETURNING id",
            )
            .bind(new.enterprise_id)
            .bind(new.unit_id)
            .bind(new.proposer_id)
            .bind(new.title)
            .bind(new.problem)
            .bind(new.proposed_change)
            .bind(new.expected_effect)
            .bind(new.category)
            .bind(now),
        )
        .await?;
    Ok(ProposalId(id))
}

pub async fn get(tx: &mut Tx, id: ProposalId) -> Result<Option<Proposal>> {
    let mut b = SqlBuilder::new(SELECT);
    b.push(" FROM proposals p WHERE p.id = ").bind(id);
    let row: Option<Row> = tx.fetch_optional(b.build()).await?;
    row.map(Proposal::try_from).transpose()
}

/// Writes every mutable column of `p`, provided nobody changed the proposal since it was read
/// at `p.version`; bumps the version. Two reviewers acting at once: the second gets a conflict.
/// Locks a proposal's row until the transaction ends: its changes (which rewrite its people
/// and steps before the version-checked update) run one at a time.
pub async fn lock(tx: &mut Tx, id: ProposalId) -> Result<()> {
    crate::dialect::lock_row(tx, "SELECT id FROM proposals WHERE id = ", id.0).await?;
    Ok(())
}

pub async fn save(tx: &mut Tx, p: &Proposal, now: Timestamp) -> Result<i64> {
    let benefit = p
        .benefit
        .as_ref()
        .map(|b| serde_json::to_string(b).map_err(|e| AppError::internal(e.to_string())))
        .transpose()?;
    let updated = tx
        .fetch_optional::<(i64,)>(
            Sql::new(
                "UPDATE proposals SET unit_id = $1, number = $2, title = $3, problem = $4, proposed_change = $5,
                    expected_effect = $6, category = $7, status = $8, current_step = $9, step_due_at = $10,
                    submitted_at = $11, period = $12, decided_at = $13, reject_reason = $14, duplicate_of = $15,
                    impl_owner_id = $16, impl_due_at = $17, impl_status = $18, implemented_at = $19,
                    benefit_method = $20, benefit_inputs = $21, benefit_note = $22, benefit_claimed_cents = $23,
                    benefit_claimed_at = $24, benefit_verified_cents = $25, benefit_verified_by = $26,
                    benefit_verified_at = $27, benefit_verify_note = $28, reward_basis = $29, reward_grade = $30,
                    reward_percent_bp = $31, reward_cents = $32, rewarded_at = $33, updated_at = $34,
                    version = version + 1
                 WHERE id = $35 AND version = $36 RETURNING version",
            )
            .bind(p.unit_id)
            .bind(p.number.as_deref())
            .bind(p.title.as_str())
            .bind(p.problem.as_str())
            .bind(p.proposed_change.as_str())
            .bind(p.expected_effect.as_str())
            .bind(p.category.as_str())
            .bind(p.status)
            .bind(p.current_step)
            .bind(p.step_due_at)
            .bind(p.submitted_at)
            .bind(p.period)
            .bind(p.decided_at)
            .bind(p.reject_reason.as_deref())
            .bind(p.duplicate_of)
            .bind(p.impl_owner_id)
            .bind(p.impl_due_at)
            .bind(p.impl_status.map(ImplStatus::as_str))
            .bind(p.implemented_at)
            .bind(p.benefit.as_ref().map(Benefit::method))
            .bind(benefit)
            .bind(p.benefit_note.as_deref())
            .bind(p.benefit_claimed_cents)
            .bind(p.benefit_claimed_at)
            .bind(p.benefit_verified_cents)
            .bind(p.benefit_verified_by)
            .bind(p.benefit_verified_at)
            .bind(p.benefit_verify_note.as_deref())
            .bind(p.reward_basis.map(RewardBasis::as_str))
            .bind(p.reward_grade.as_deref())
            .bind(p.reward_percent_bp)
            .bind(p.reward_cents)
            .bind(p.rewarded_at)
            .bind(now)
            .bind(p.id)
            .bind(p.version),
        )
        .await?;
    updated
        .map(|(v,)| v)
        .ok_or_else(|| AppError::conflict("proposal_changed"))
}

/// A person named on a proposal, with what a page shows of them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonView {
    pub position: i64,
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub share_bp: i64,
    pub reward_cents: Option<i64>,
}

pub async fn people(tx: &mut Tx, id: ProposalId) -> Result<Vec<PersonView>> {
    let rows: Vec<(i64, i64, String, String, i64, Option<i64>)> = tx
        .fetch_all(
            Sql::new(
                "SELECT pp.position, pp.user_id, u.username, u.display_name, pp.share_bp, pp.reward_cents
                 FROM proposal_people pp JOIN users u ON u.id = pp.user_id
                 WHERE pp.proposal_id = $1 ORDER BY pp.position",
            )
            .bind(id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(position, user_id, username, display_name, share_bp, reward_cents)| PersonView {
                position,
                user_id: UserId(user_id),
                username,
                display_name,
                share_bp,
                reward_cents,
            },
        )
        .collect())
}

pub async fn set_people(tx: &mut Tx, id: ProposalId, people: &[Person]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM proposal_people WHERE proposal_id = $1").bind(id))
        .await?;
    for (i, p) in people.iter().enumerate() {
        tx.execute(
            Sql::new(
                "INSERT INTO proposal_people (proposal_id, position, user_id, share_bp) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(p.user_id)
            .bind(p.share_bp),
        )
        .await?;
    }
    Ok(())
}

pub async fn set_reward_parts(tx: &mut Tx, id: ProposalId, parts: &[(i64, i64)]) -> Result<()> {
    for (position, cents) in parts {
        tx.execute(
            Sql::new(
                "UPDATE proposal_people SET reward_cents = $1 WHERE proposal_id = $2 AND position = $3",
            )
            .bind(*cents)
            .bind(id)
            .bind(*position),
        )
        .await?;
    }
    Ok(())
}

/// A review step as snapshotted onto a proposal at submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProposalStep {
    pub position: i64,
    pub name: String,
    pub role: Role,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_path: String,
    pub due_days: i64,
    pub blind: bool,
}

pub async fn set_steps(
    tx: &mut Tx,
    id: ProposalId,
    steps: &[StepConfig],
    unit_id: OrgId,
) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM proposal_steps WHERE proposal_id = $1").bind(id))
        .await?;
    for (i, s) in steps.iter().enumerate() {
        tx.execute(
            Sql::new(
                "INSERT INTO proposal_steps (proposal_id, position, name, role, org_id, due_days, blind)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(s.name.as_str())
            .bind(s.role)
            .bind(s.org_id.unwrap_or(unit_id))
            .bind(s.due_days)
            .bind(s.blind),
        )
        .await?;
    }
    Ok(())
}

pub async fn steps(tx: &mut Tx, id: ProposalId) -> Result<Vec<ProposalStep>> {
    type StepRow = (i64, String, String, i64, String, String, i64, bool);
    let rows: Vec<StepRow> = tx
        .fetch_all(
            Sql::new(
                "SELECT s.position, s.name, s.role, s.org_id, o.name, o.path, s.due_days, s.blind
                 FROM proposal_steps s JOIN organisations o ON o.id = s.org_id
                 WHERE s.proposal_id = $1 ORDER BY s.position",
            )
            .bind(id),
        )
        .await?;
    rows.into_iter()
        .map(
            |(position, name, role, org_id, org_name, org_path, due_days, blind)| {
                Ok(ProposalStep {
                    position,
                    name,
                    role: Role::parse(&role)
                        .ok_or_else(|| AppError::internal(format!("stored role {role:?}")))?,
                    org_id: OrgId(org_id),
                    org_name,
                    org_path,
                    due_days,
                    blind,
                })
            },
        )
        .collect()
}

/// One entry of a proposal's timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub id: i64,
    pub at: Timestamp,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub step: Option<i64>,
    pub comment: Option<String>,
}

pub async fn add_event(
    tx: &mut Tx,
    id: ProposalId,
    at: Timestamp,
    actor: Option<UserId>,
    kind: &str,
    step: Option<i64>,
    comment: Option<&str>,
) -> Result<i64> {
    let (event,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO proposal_events (proposal_id, at, actor_id, kind, step, comment)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(id)
            .bind(at)
            .bind(actor)
            .bind(kind)
            .bind(step)
            .bind(comment),
        )
        .await?;
    Ok(event)
}

pub async fn events(tx: &mut Tx, id: ProposalId) -> Result<Vec<Event>> {
    type EventRow = (
        i64,
        i64,
        Option<i64>,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<EventRow> = tx
        .fetch_all(
            Sql::new(
                "SELECT e.id, e.at, e.actor_id, u.display_name, e.kind, e.step, e.comment
                 FROM proposal_events e LEFT JOIN users u ON u.id = e.actor_id
                 WHERE e.proposal_id = $1 ORDER BY e.id",
            )
            .bind(id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, actor_id, actor_name, kind, step, comment)| Event {
                id,
                at: Timestamp(at),
                actor_id: actor_id.map(UserId),
                actor_name,
                kind,
                step,
                comment,
            },
        )
        .collect())
}

/// The next number in an enterprise's yearly sequence, e.g. 2022-0035.
pub async fn next_number(tx: &mut Tx, enterprise: OrgId, year: i64) -> Result<i64> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO proposal_numbers (enterprise_id, year, last_number) VALUES ($1, $2, 1)
                 ON CONFLICT (enterprise_id, year) DO UPDATE SET last_number = proposal_numbers.last_number + 1
                 RETURNING last_number",
            )
            .bind(enterprise)
            .bind(year),
        )
        .await?;
    Ok(n)
}

/// Earlier proposals of an enterprise as texts to compare with, newest first.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: ProposalId,
    pub number: Option<String>,
    pub title: String,
    pub text: String,
    pub status: Status,
    pub submitted_at: Option<Timestamp>,
}

/// The texts of proposals, for re-ranking duplicate candidates exactly.
pub async fn texts_of(tx: &mut Tx, ids: &[ProposalId]) -> Result<Vec<Candidate>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT p.id, p.number, p.title, p.problem, p.proposed_change, p.status, p.submitted_at
         FROM proposals p WHERE p.id IN ",
    );
    b.values(ids);
    type CandidateRow = (
        i64,
        Option<String>,
        String,
        String,
        String,
        String,
        Option<i64>,
    );
    let rows: Vec<CandidateRow> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, number, title, problem, change, status, submitted_at)| {
                Some(Candidate {
                    id: ProposalId(id),
                    number,
                    text: format!("{title}\n{problem}\n{change}"),
                    title,
                    status: Status::parse(&status)?,
                    submitted_at: submitted_at.map(Timestamp),
                })
            },
        )
        .collect())
}

/// Whether `user` is named on the proposal (proposer or co-proposer).
pub async fn is_named(tx: &mut Tx, id: ProposalId, user: UserId) -> Result<bool> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new("SELECT 1 FROM proposal_people WHERE proposal_id = $1 AND user_id = $2")
                .bind(id)
                .bind(user),
        )
        .await?;
    Ok(row.is_some())
}

pub fn not_found() -> AppError {
    AppError::not_found("proposal")
}
