//! The changes a proposal goes through, each one transaction.

use super::access::{Loaded, access_to, load};
use super::{category_exists, enterprise_of, not_found};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::benefit::{self, Claim, ClaimFields, Verification};
use ingot_domain::org::Organisation;
use ingot_domain::proposal::{
    self as rules, Benefit, ImplStatus, Person, Proposal, ReviewAction, Status, event,
};
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, ProposalId, Role, Timestamp, UserId};
use ingot_search::{Signature, jaccard, shingle_set, worth_reranking};
use ingot_store::proposals::{self, NewProposal, ProposalStep};
use ingot_store::{
    Tx, changes, grants, notifications, proposal_config, proposal_stats, signatures, users,
};
use std::time::Duration;

/// A co-proposer as typed: their username and share in percent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonInput {
    pub username: String,
    pub share: String,
}

/// A proposal's text and people, as typed into the form or API body.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProposalInput {
    pub title: String,
    pub problem: String,
    pub proposed_change: String,
    pub expected_effect: String,
    pub category: String,
    pub unit_id: Option<OrgId>,
    /// The proposer's own share in percent; empty means whatever the others leave.
    pub proposer_share: String,
    pub co_proposers: Vec<PersonInput>,
}

struct Checked {
    unit: Organisation,
    enterprise: Organisation,
    title: String,
    problem: String,
    proposed_change: String,
    expected_effect: String,
    category: String,
    people: Vec<Person>,
}

fn actor_id(caller: &Caller<'_>) -> Result<UserId> {
    caller.user_id().ok_or_else(AppError::forbidden)
}

/// Validates everything at once, so the form shows every problem together.
async fn check_input(
    tx: &mut Tx,
    caller: &Caller<'_>,
    proposer: UserId,
    input: &ProposalInput,
) -> Result<Checked> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let problem = v.required_text("problem", &input.problem, rules::TEXT_MAX);
    let proposed_change =
        v.required_text("proposed_change", &input.proposed_change, rules::TEXT_MAX);
    let expected_effect = v
        .optional_text(
            "expected_effect",
            Some(&input.expected_effect),
            rules::TEXT_MAX,
        )
        .unwrap_or_default();
    let (_, proposer_path) = users::get_with_org_path(tx, proposer)
        .await?
        .ok_or_else(AppError::forbidden)?;
    let Some(enterprise) = enterprise_of(tx, &proposer_path).await? else {
        return Err(AppError::field("unit_id", "proposer_not_in_enterprise"));
    };
    let unit = match input.unit_id {
        None => {
            v.add(FieldError::new("unit_id", "required"));
            None
        }
        Some(id) => match ingot_store::orgs::get(tx, id).await? {
            Some(u) if u.path.is_within(&enterprise.path) && !u.is_archived() => Some(u),
            Some(_) => {
                v.add(FieldError::new("unit_id", "unit_outside_enterprise"));
                None
            }
            None => {
                v.add(FieldError::new("unit_id", "unknown_org"));
                None
            }
        },
    };
    let category = input.category.trim().to_string();
    if category.is_empty() {
        v.add(FieldError::new("category", "required"));
    } else if !category_exists(tx, &enterprise, &category).await? {
        v.add(FieldError::new("category", "unknown_category"));
    }
    let mut people = vec![Person {
        user_id: proposer,
        share_bp: 0,
    }];
    let mut others = 0;
    // Shares are only added up when every person and share could be read.
    let mut people_readable = true;
    for (i, co) in input.co_proposers.iter().enumerate() {
        let username = co.username.trim();
        if username.is_empty() && co.share.trim().is_empty() {
            continue;
        }
        let field = format!("co_proposers[{i}]");
        let found = match users::get_by_username(tx, &username.to_lowercase()).await? {
            Some(u) => users::get_with_org_path(tx, u.id).await?,
            None => {
                people_readable = false;
                v.add(
                    FieldError::new(format!("{field}.username"), "unknown_user")
                        .with("username", username),
                );
                continue;
            }
        };
        let user = match found {
            Some((u, path)) if path.is_within(&enterprise.path) && u.active => u,
            _ => {
                people_readable = false;
                v.add(
                    FieldError::new(format!("{field}.username"), "person_outside_enterprise")
                        .with("username", username),
                );
                continue;
            }
        };
        let Some(share_bp) = rules::parse_share(&co.share) else {
            people_readable = false;
            v.add(FieldError::new(format!("{field}.share"), "share_invalid"));
            continue;
        };
        others += share_bp;
        people.push(Person {
            user_id: user.id,
            share_bp,
        });
    }
    people[0].share_bp = match input.proposer_share.trim() {
        "" => rules::WHOLE_SHARE - others,
        raw => match rules::parse_share(raw) {
            Some(bp) => bp,
            None => {
                people_readable = false;
                v.add(FieldError::new("proposer_share", "share_invalid"));
                rules::WHOLE_SHARE - others
            }
        },
    };
    if people_readable && let Err(AppError::Validation(errors)) = rules::validate_people(&people) {
        for e in errors {
            v.add(e);
        }
    }
    v.finish()?;
    let _ = caller;
    Ok(Checked {
        unit: unit.ok_or_else(|| AppError::internal("unit checked above"))?,
        enterprise,
        title,
        problem,
        proposed_change,
        expected_effect,
        category,
        people,
    })
}

/// Saves a new draft. Only people inside an enterprise propose, for a unit of that enterprise.
pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &ProposalInput) -> Result<ProposalId> {
    let me = actor_id(caller)?;
    let c = check_input(tx, caller, me, input).await?;
    let now = Timestamp::now();
    let id = proposals::insert(
        tx,
        &NewProposal {
            enterprise_id: c.enterprise.id,
            unit_id: c.unit.id,
            proposer_id: me,
            title: &c.title,
            problem: &c.problem,
            proposed_change: &c.proposed_change,
            expected_effect: &c.expected_effect,
            category: &c.category,
        },
        now,
    )
    .await?;
    proposals::set_people(tx, id, &c.people).await?;
    let text = format!("{}\n{}\n{}", c.title, c.problem, c.proposed_change);
    index_text(tx, id, c.enterprise.id, &text).await?;
    proposals::add_event(tx, id, now, Some(me), event::CREATED, None, None).await?;
    record(
        tx,
        caller,
        Change::new("proposal.create", "proposal", id.0)
            .label(&c.title)
            .org(c.unit.id),
    )
    .await?;
    changes::record(tx, "proposal", id.0, "upsert", now).await?;
    Ok(id)
}

/// Loads a proposal the caller can see for a change, checks it is still at `version`, and
/// returns it with the caller's access. The proposal's row stays locked until the transaction
/// ends, so two changes of one proposal run one after the other and the second sees the first.
async fn open(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
) -> Result<(Loaded, super::Access)> {
    proposals::lock(tx, id).await?;
    view(tx, caller, id, version).await
}

/// `open` without the lock, for reading.
async fn view(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
) -> Result<(Loaded, super::Access)> {
    let l = load(tx, id).await?;
    let access = access_to(caller, &l).ok_or_else(not_found)?;
    if version.is_some_and(|v| v != l.proposal.version) {
        return Err(AppError::conflict("proposal_changed"));
    }
    Ok((l, access))
}

/// Changes the text and people of a draft or returned proposal.
pub async fn update(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
    input: &ProposalInput,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, version).await?;
    if !access.is_proposer {
        return Err(AppError::forbidden());
    }
    if !access.edit {
        return Err(AppError::conflict("proposal_not_editable"));
    }
    let c = check_input(tx, caller, l.proposal.proposer_id, input).await?;
    if c.enterprise.id != l.proposal.enterprise_id {
        return Err(AppError::field("unit_id", "unit_outside_enterprise"));
    }
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.unit_id = c.unit.id;
    p.title = c.title;
    p.problem = c.problem;
    p.proposed_change = c.proposed_change;
    p.expected_effect = c.expected_effect;
    p.category = c.category;
    proposals::set_people(tx, id, &c.people).await?;
    index_text(tx, id, p.enterprise_id, &text_of(&p)).await?;
    let saved = commit_change(tx, caller, &before, p, "proposal.update", None).await?;
    Ok(saved)
}

/// A timeline entry and who hears about it.
struct Happened<'a> {
    kind: &'static str,
    step: Option<i64>,
    comment: Option<&'a str>,
    notify: Vec<UserId>,
    /// Reviewers of a blind step among `notify`: they are not told who acted.
    blind: Vec<UserId>,
}

/// Saves `after` over `before` (refusing if someone changed it meanwhile), keeps the rollup,
/// writes the timeline entry, notifications, audit row and change-log row.
async fn commit_change(
    tx: &mut Tx,
    caller: &Caller<'_>,
    before: &Proposal,
    mut after: Proposal,
    action: &str,
    happened: Option<Happened<'_>>,
) -> Result<Proposal> {
    let now = Timestamp::now();
    after.version = proposals::save(tx, &after, now).await?;
    after.updated_at = now;
    proposal_stats::shift(
        tx,
        before.contribution().as_ref(),
        after.contribution().as_ref(),
    )
    .await?;
    if let Some(h) = happened {
        let event = proposals::add_event(
            tx,
            after.id,
            now,
            caller.user_id(),
            h.kind,
            h.step,
            h.comment,
        )
        .await?;
        let me = caller.user_id();
        let mut recipients: Vec<UserId> = h
            .notify
            .into_iter()
            .filter(|u| Some(*u) != me && !h.blind.contains(u))
            .collect();
        recipients.sort();
        recipients.dedup();
        notifications::notify(tx, &recipients, event, after.id, now, false).await?;
        let mut blind: Vec<UserId> = h.blind.into_iter().filter(|u| Some(*u) != me).collect();
        blind.sort();
        blind.dedup();
        notifications::notify(tx, &blind, event, after.id, now, true).await?;
    }
    record(
        tx,
        caller,
        Change::new(action, "proposal", after.id.0)
            .label(after.number.clone().unwrap_or_else(|| after.title.clone()))
            .org(after.unit_id)
            .before(&state_of(before))
            .after(&state_of(&after)),
    )
    .await?;
    changes::record(tx, "proposal", after.id.0, "upsert", now).await?;
    Ok(after)
}

/// The part of a proposal the audit log keeps before and after a change.
fn state_of(p: &Proposal) -> serde_json::Value {
    serde_json::json!({
        "status": p.status,
        "title": p.title,
        "unit_id": p.unit_id,
        "category": p.category,
        "current_step": p.current_step,
        "impl_status": p.impl_status,
        "benefit_claimed_cents": p.benefit_claimed_cents,
        "benefit_verified_cents": p.benefit_verified_cents,
        "reward_cents": p.reward_cents,
    })
}

fn named_people(l: &Loaded) -> Vec<UserId> {
    let mut v: Vec<UserId> = l.people.iter().map(|p| p.user_id).collect();
    v.push(l.proposal.proposer_id);
    v
}

/// Separation of duties: nobody named on a proposal reviews it, verifies its benefit or awards
/// its reward; a second person must.
fn own_record() -> AppError {
    AppError::Forbidden { code: "own_record" }
}

/// The holders of a blind step who will see the proposal only as its blind reviewers: not named
/// on it, not readers of its unit. They must not learn who acted on it.
async fn blind_reviewers(
    tx: &mut Tx,
    step: &ProposalStep,
    holders: Vec<UserId>,
    named: &[UserId],
    l: &Loaded,
) -> Result<Vec<UserId>> {
    if !step.blind {
        return Ok(Vec::new());
    }
    let readers = grants::holders_of_roles(
        tx,
        ingot_domain::policy::roles_for(ingot_domain::Action::ViewUnpublished),
        &l.unit.path,
    )
    .await?;
    Ok(holders
        .into_iter()
        .filter(|u| !named.contains(u) && !readers.contains(u))
        .collect())
}

async fn step_holders(tx: &mut Tx, step: &ProposalStep) -> Result<Vec<UserId>> {
    grants::holders(
        tx,
        step.role,
        &ingot_domain::OrgPath::from_stored(step.org_path.clone()),
    )
    .await
}

/// An earlier proposal resembling a new one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Similar {
    pub id: ProposalId,
    pub number: Option<String>,
    pub title: String,
    pub status: Status,
    pub submitted_at: Option<Timestamp>,
    /// 0 to 1.
    pub similarity: f64,
}

/// Shown from this character-3-gram Jaccard similarity up: a fifth of the distinct three-character
/// runs in common is already a clear overlap of wording in Chinese technical text.
pub const SIMILARITY_THRESHOLD: f64 = 0.2;
pub const SIMILAR_SHOWN: usize = 5;
/// Candidates sharing an LSH band, and how many of them (by estimated similarity) are compared
/// exactly: enough for recall, bounded for speed.
const CANDIDATES: i64 = 200;
const RERANKED: usize = 25;

/// Records a proposal's text for the duplicate check, in the transaction that wrote it.
pub async fn index_text(tx: &mut Tx, id: ProposalId, enterprise: OrgId, text: &str) -> Result<()> {
    let signature = Signature::of(text);
    signatures::put(
        tx,
        id,
        enterprise,
        &signature.to_hex(),
        &signature.band_keys(),
    )
    .await
}

/// The most similar earlier proposals of an enterprise to a text: candidates from the LSH
/// bands, ordered by their signatures' estimate, the best re-ranked by exact Jaccard.
pub async fn similar_in(
    tx: &mut Tx,
    enterprise: OrgId,
    text: &str,
    except: Option<ProposalId>,
    before: Option<Timestamp>,
) -> Result<Vec<Similar>> {
    let shingles = shingle_set(text);
    let signature = Signature::of_shingles(&shingles);
    let candidates =
        signatures::candidates(tx, enterprise, &signature.band_keys(), except, CANDIDATES).await?;
    let mut estimated: Vec<(ProposalId, f64)> = candidates
        .iter()
        .filter_map(|c| {
            Signature::from_hex(&c.signature_hex).map(|s| (c.id, s.estimate(&signature)))
        })
        .collect();
    estimated.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // Far below the threshold by estimate (over 168 values its deviation is about 0.03):
    // not worth loading the text.
    estimated.retain(|(_, e)| *e >= SIMILARITY_THRESHOLD / 2.0);
    estimated.truncate(RERANKED);
    let estimates: Vec<f64> = estimated.iter().map(|(_, e)| *e).collect();
    estimated.truncate(worth_reranking(&estimates, SIMILAR_SHOWN));
    let ids: Vec<ProposalId> = estimated.iter().map(|(id, _)| *id).collect();
    let texts = proposals::texts_of(tx, &ids).await?;
    let mut found: Vec<Similar> = texts
        .into_iter()
        .filter(|c| before.is_none_or(|b| c.submitted_at.is_some_and(|s| s <= b)))
        .filter_map(|c| {
            let similarity = jaccard(&shingles, &shingle_set(&c.text));
            (similarity >= SIMILARITY_THRESHOLD).then(|| Similar {
                id: c.id,
                number: c.number,
                title: c.title,
                status: c.status,
                submitted_at: c.submitted_at,
                similarity: (similarity * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.id.cmp(&b.id)));
    found.truncate(SIMILAR_SHOWN);
    Ok(found)
}

pub fn text_of(p: &Proposal) -> String {
    joined_text(&p.title, &p.problem, &p.proposed_change)
}

/// The text the duplicate check compares: title, problem and proposed change.
pub fn joined_text(title: &str, problem: &str, proposed_change: &str) -> String {
    format!("{title}\n{problem}\n{proposed_change}")
}

/// Proposals resembling this one, among those submitted before it (or all, for a draft).
pub async fn similar(tx: &mut Tx, caller: &Caller<'_>, id: ProposalId) -> Result<Vec<Similar>> {
    let (l, _) = view(tx, caller, id, None).await?;
    let p = &l.proposal;
    similar_in(tx, p.enterprise_id, &text_of(p), Some(p.id), p.submitted_at).await
}

pub enum Submitted {
    Done(Box<Proposal>),
    /// Not submitted: similar proposals exist and the proposer has not yet seen them.
    SimilarFound(Vec<Similar>),
}

/// Sends a draft (or returned proposal) into review at the first step of the enterprise's
/// workflow. Unless `seen_similar`, stops first when similar proposals exist.
pub async fn submit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
    seen_similar: bool,
) -> Result<Submitted> {
    let (l, access) = open(tx, caller, id, version).await?;
    if !access.is_proposer {
        return Err(AppError::forbidden());
    }
    if !access.submit {
        return Err(AppError::conflict("proposal_not_editable"));
    }
    if !seen_similar {
        let found = similar_in(
            tx,
            l.proposal.enterprise_id,
            &text_of(&l.proposal),
            Some(id),
            None,
        )
        .await?;
        if !found.is_empty() {
            return Ok(Submitted::SimilarFound(found));
        }
    }
    let now = Timestamp::now();
    let offset = caller.origin.utc_offset_ms;
    let mut steps = proposal_config::steps(tx, l.proposal.enterprise_id).await?;
    if steps.is_empty() {
        steps = rules::default_steps(l.proposal.enterprise_id);
    }
    proposals::set_steps(tx, id, &steps, l.proposal.unit_id).await?;
    let snapshot = proposals::steps(tx, id).await?;
    let first = snapshot
        .first()
        .ok_or_else(|| AppError::internal("workflow without steps"))?
        .clone();
    let holders = step_holders(tx, &first).await?;
    let named = named_people(&l);
    let blind = blind_reviewers(tx, &first, holders.clone(), &named, &l).await?;
    let mut notify = holders;
    notify.extend(named);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    let today = Date::of(now, offset);
    if p.number.is_none() {
        let enterprise = crate::orgs::get(tx, p.enterprise_id).await?;
        let n = proposals::next_number(tx, p.enterprise_id, i64::from(today.year)).await?;
        p.number = Some(format!("{}-{}-{n:04}", enterprise.code, today.year));
    }
    p.submitted_at.get_or_insert(now);
    p.period.get_or_insert(today.period());
    p.status = Status::InReview;
    p.current_step = Some(1);
    p.step_due_at = Some(due(now, first.due_days));
    p.reject_reason = None;
    let saved = commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.submit",
        Some(Happened {
            kind: event::SUBMITTED,
            step: Some(1),
            comment: None,
            notify,
            blind,
        }),
    )
    .await?;
    Ok(Submitted::Done(Box::new(saved)))
}

fn due(from: Timestamp, days: i64) -> Timestamp {
    from.plus(Duration::from_secs(days.max(0) as u64 * 86_400))
}

/// The proposer takes a proposal back (a draft, or one still in review or returned).
pub async fn withdraw(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, version).await?;
    if !access.is_proposer {
        return Err(AppError::forbidden());
    }
    if !access.withdraw {
        return Err(AppError::conflict("proposal_not_withdrawable"));
    }
    let notify = named_people(&l);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.status = Status::Withdrawn;
    p.current_step = None;
    p.step_due_at = None;
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.withdraw",
        Some(Happened {
            kind: event::WITHDRAWN,
            step: None,
            comment: None,
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReviewInput {
    pub action: ReviewAction,
    #[serde(default)]
    pub comment: String,
    /// The version the reviewer saw; a change since then is refused.
    pub version: Option<i64>,
}

/// A reviewer acts at the current step: forward, adopt, reject (with a reason) or return.
pub async fn review(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &ReviewInput,
) -> Result<Proposal> {
    let mut v = Validator::new();
    let comment = v.optional_text("comment", Some(&input.comment), rules::REASON_MAX);
    if matches!(input.action, ReviewAction::Reject | ReviewAction::Return) && comment.is_none() {
        v.add(FieldError::new("comment", "reason_required"));
    }
    v.finish()?;
    let (l, access) = open(tx, caller, id, input.version).await?;
    if l.proposal.status != Status::InReview {
        return Err(AppError::conflict_on("action", "review_out_of_order"));
    }
    if access.named {
        return Err(own_record());
    }
    if !access.review {
        return Err(AppError::forbidden());
    }
    let position = l.proposal.current_step.unwrap_or(1);
    let total = l.steps.len() as i64;
    let status = input.action.outcome(position, total)?;
    let now = Timestamp::now();
    let before = l.proposal.clone();
    let mut notify = named_people(&l);
    let mut blind = Vec::new();
    let mut p = l.proposal.clone();
    p.status = status;
    let kind = match input.action {
        ReviewAction::Forward => {
            let next = l
                .steps
                .iter()
                .find(|s| s.position == position + 1)
                .ok_or_else(|| AppError::internal("missing next step"))?;
            p.current_step = Some(next.position);
            p.step_due_at = Some(due(now, next.due_days));
            let holders = step_holders(tx, next).await?;
            blind = blind_reviewers(tx, next, holders.clone(), &notify, &l).await?;
            notify.extend(holders);
            event::FORWARDED
        }
        ReviewAction::Adopt => {
            p.current_step = None;
            p.step_due_at = None;
            p.decided_at = Some(now);
            event::ADOPTED
        }
        ReviewAction::Reject => {
            p.current_step = None;
            p.step_due_at = None;
            p.decided_at = Some(now);
            p.reject_reason = comment.clone();
            event::REJECTED
        }
        ReviewAction::Return => {
            p.current_step = None;
            p.step_due_at = None;
            event::RETURNED
        }
    };
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.review",
        Some(Happened {
            kind,
            step: Some(position),
            comment: comment.as_deref(),
            notify,
            blind,
        }),
    )
    .await
}

/// Marks a proposal as a duplicate of an earlier one in the same enterprise. The earlier one
/// keeps its proposer as first: credit goes to whoever raised it first.
pub async fn mark_duplicate(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    of: ProposalId,
    version: Option<i64>,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, version).await?;
    if !access.mark_duplicate {
        if caller.permits(ingot_domain::Action::MarkDuplicate, &l.unit.path) {
            return Err(AppError::conflict("proposal_not_open"));
        }
        return Err(AppError::forbidden());
    }
    let original = proposals::get(tx, of)
        .await?
        .filter(|o| o.enterprise_id == l.proposal.enterprise_id && o.id != id)
        .ok_or_else(|| AppError::field("duplicate_of", "unknown_proposal"))?;
    let earlier = match (original.submitted_at, l.proposal.submitted_at) {
        (Some(o), Some(p)) => (o, original.id) < (p, id),
        (Some(_), None) => true,
        _ => false,
    };
    if !earlier
        || matches!(
            original.status,
            Status::Draft | Status::Withdrawn | Status::Duplicate
        )
    {
        return Err(AppError::field("duplicate_of", "duplicate_not_earlier"));
    }
    let notify = named_people(&l);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.status = Status::Duplicate;
    p.duplicate_of = Some(original.id);
    p.current_step = None;
    p.step_due_at = None;
    p.decided_at = Some(Timestamp::now());
    let comment = original.number.clone().unwrap_or(original.title.clone());
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.duplicate",
        Some(Happened {
            kind: event::DUPLICATE,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ImplementationInput {
    /// Username of the person responsible.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    pub status: String,
    pub version: Option<i64>,
}

/// Sets who implements an adopted proposal, by when, and how far it is; `done` makes it
/// implemented.
pub async fn set_implementation(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &ImplementationInput,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !caller.permits(ingot_domain::Action::ManageImplementation, &l.unit.path) {
        return Err(AppError::forbidden());
    }
    if !access.implement {
        return Err(AppError::conflict("proposal_not_adopted"));
    }
    let mut v = Validator::new();
    let owner = match users::get_by_username(tx, &input.owner.trim().to_lowercase()).await? {
        Some(u) => Some(u),
        None => {
            v.add(if input.owner.trim().is_empty() {
                FieldError::new("owner", "required")
            } else {
                FieldError::new("owner", "unknown_user").with("username", input.owner.trim())
            });
            None
        }
    };
    let offset = caller.origin.utc_offset_ms;
    let due_at = match Date::parse(&input.due) {
        Some(d) => Some(d.start(offset)),
        None => {
            v.add(if input.due.trim().is_empty() {
                FieldError::new("due", "required")
            } else {
                FieldError::new("due", "not_a_date")
            });
            None
        }
    };
    let status = ImplStatus::parse(&input.status);
    if status.is_none() {
        v.add(FieldError::new("status", "unknown_status"));
    }
    v.finish()?;
    let (owner, status) = match (owner, status) {
        (Some(o), Some(s)) => (o, s),
        _ => return Err(AppError::internal("checked above")),
    };
    let now = Timestamp::now();
    let mut notify = named_people(&l);
    notify.push(owner.id);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.impl_owner_id = Some(owner.id);
    p.impl_due_at = due_at;
    p.impl_status = Some(status);
    let kind = if status == ImplStatus::Done && p.status == Status::Adopted {
        p.status = Status::Implemented;
        p.implemented_at = Some(now);
        event::IMPLEMENTED
    } else {
        if status != ImplStatus::Done && p.status == Status::Implemented {
            // Reopening: it no longer counts as implemented.
            p.status = Status::Adopted;
            p.implemented_at = None;
        }
        event::IMPLEMENTATION
    };
    let comment = format!(
        "{} · {} · {}",
        owner.display_name,
        input.due.trim(),
        status.as_str()
    );
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.implementation",
        Some(Happened {
            kind,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct BenefitInput {
    /// cost, time or free.
    pub method: String,
    pub old_cost: String,
    pub new_cost: String,
    pub volume: String,
    pub hours: String,
    pub rate: String,
    pub amount: String,
    pub note: String,
    pub version: Option<i64>,
}

impl BenefitInput {
    fn fields(&self) -> ClaimFields {
        ClaimFields {
            method: self.method.clone(),
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

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct VerifyInput {
    /// Empty to confirm the claimed figure; otherwise the corrected amount in yuan.
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

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RewardInput {
    /// grade or benefit.
    pub basis: String,
    pub grade: String,
    /// For a benefit-based reward: the percentage of the verified benefit.
    pub percent: String,
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
    let (amount, grade, percent) = match input.basis.trim() {
        "grade" => {
            let grade = input.grade.trim();
            let amount = grade_amount(tx, l.proposal.enterprise_id, grade)
                .await?
                .ok_or_else(|| AppError::field("grade", "unknown_grade"))?;
            (amount, Some(grade.to_string()), None)
        }
        "benefit" => {
            let Some(verified) = l.proposal.benefit_verified_cents else {
                return Err(AppError::conflict_on("basis", "benefit_not_verified"));
            };
            let percent = rules::parse_share(&input.percent)
                .ok_or_else(|| AppError::field("percent", "share_invalid"))?;
            (verified * percent / rules::WHOLE_SHARE, None, Some(percent))
        }
        _ => return Err(AppError::field("basis", "unknown_basis")),
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
    p.reward_basis = Some(input.basis.trim().to_string());
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

/// Records an uploaded file (already checked and stored by hash) on a proposal.
pub async fn attach(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    file: &ingot_store::attachments::NewAttachment<'_>,
) -> Result<ingot_domain::AttachmentId> {
    let (l, access) = open(tx, caller, id, None).await?;
    if !access.attach {
        if access.named {
            return Err(AppError::conflict("proposal_not_editable"));
        }
        return Err(AppError::forbidden());
    }
    let existing = ingot_store::attachments::list(tx, id).await?;
    if existing.len() >= crate::files::MAX_FILES_PER_PROPOSAL {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "too_many_files")
                .with("max", crate::files::MAX_FILES_PER_PROPOSAL),
        ]));
    }
    let now = Timestamp::now();
    let attachment = ingot_store::attachments::insert(tx, file, now).await?;
    proposals::add_event(
        tx,
        id,
        now,
        caller.user_id(),
        event::ATTACHED,
        None,
        Some(file.filename),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("proposal.attach", "proposal", id.0)
            .label(l.proposal.number.clone().unwrap_or(l.proposal.title.clone()))
            .org(l.proposal.unit_id)
            .after(&serde_json::json!({"file": file.filename, "sha256": file.sha256, "size": file.size})),
    )
    .await?;
    Ok(attachment)
}

/// An attachment the caller may download.
pub async fn attachment(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ingot_domain::AttachmentId,
) -> Result<ingot_store::attachments::Attachment> {
    let a = ingot_store::attachments::get(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    view(tx, caller, a.proposal_id, None)
        .await
        .map_err(|e| match e {
            AppError::NotFound { .. } => AppError::not_found("attachment"),
            e => e,
        })?;
    Ok(a)
}
