//! Who may see a proposal and what they may do with it.

use super::not_found;
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action};
use ingot_domain::proposal::{Proposal, Status};
use ingot_domain::{OrgPath, ProposalId};
use ingot_store::attachments::Attachment;
use ingot_store::proposals::{self, Event, PersonView, ProposalStep};
use ingot_store::{Tx, attachments, orgs};

/// What the caller may do with one proposal, worked out once for the page and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Access {
    /// Named on it as proposer or co-proposer.
    pub named: bool,
    pub is_proposer: bool,
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    /// Holds the role of the current review step.
    pub review: bool,
    pub mark_duplicate: bool,
    pub implement: bool,
    pub claim_benefit: bool,
    pub verify_benefit: bool,
    pub reward: bool,
    pub attach: bool,
    /// The current step is blind and the caller is a reviewer there: names and unit hidden.
    pub blind: bool,
}

pub(super) struct Loaded {
    pub proposal: Proposal,
    pub unit: Organisation,
    pub people: Vec<PersonView>,
    pub steps: Vec<ProposalStep>,
}

pub(super) async fn load(tx: &mut Tx, id: ProposalId) -> Result<Loaded> {
    let proposal = proposals::get(tx, id).await?.ok_or_else(not_found)?;
    let unit = crate::orgs::get(tx, proposal.unit_id).await?;
    let people = proposals::people(tx, id).await?;
    let steps = proposals::steps(tx, id).await?;
    Ok(Loaded {
        proposal,
        unit,
        people,
        steps,
    })
}

fn holds_step(caller: &Caller<'_>, step: &ProposalStep) -> bool {
    match caller.actor() {
        None => true,
        Some(actor) => policy::holds(
            actor,
            step.role,
            &OrgPath::from_stored(step.org_path.clone()),
        ),
    }
}

/// Works out the caller's access; `None` when they may not see the proposal at all.
pub(super) fn access_to(caller: &Caller<'_>, l: &Loaded) -> Option<Access> {
    let p = &l.proposal;
    let me = caller.user_id();
    let named = me.is_some_and(|u| l.people.iter().any(|x| x.user_id == u) || p.proposer_id == u);
    let is_proposer = me == Some(p.proposer_id);
    let path = &l.unit.path;
    let reader = caller.permits(Action::ViewUnpublished, path);
    let step_holder = l.steps.iter().any(|s| holds_step(caller, s));
    let visible = named || (p.status != Status::Draft && (reader || step_holder));
    if !visible {
        return None;
    }
    let current = p
        .current_step
        .and_then(|n| l.steps.iter().find(|s| s.position == n));
    // Nobody named on it reviews it, verifies its benefit or awards it: a second person must.
    let review =
        !named && p.status == Status::InReview && current.is_some_and(|s| holds_step(caller, s));
    // Blind review: whoever sees the proposal only because they hold a blind step (not as a
    // reader of the unit, not named on it) never learns who proposed it or from where.
    let blind = !named && !reader && l.steps.iter().any(|s| s.blind && holds_step(caller, s));
    let implementer = caller.permits(Action::ManageImplementation, path)
        || me.is_some_and(|u| p.impl_owner_id == Some(u));
    Some(Access {
        named,
        is_proposer,
        edit: is_proposer && p.status.is_editable(),
        submit: is_proposer && p.status.is_editable(),
        withdraw: is_proposer
            && matches!(
                p.status,
                Status::Draft | Status::InReview | Status::Returned
            ),
        review,
        mark_duplicate: caller.permits(Action::MarkDuplicate, path)
            && matches!(
                p.status,
                Status::InReview | Status::Returned | Status::Rejected
            ),
        implement: caller.permits(Action::ManageImplementation, path)
            && matches!(p.status, Status::Adopted | Status::Implemented),
        claim_benefit: (named || implementer)
            && p.status == Status::Implemented
            && p.benefit_verified_at.is_none(),
        verify_benefit: !named
            && caller.permits(Action::VerifyBenefit, path)
            && p.status == Status::Implemented
            && p.benefit_claimed_cents.is_some(),
        reward: !named
            && caller.permits(Action::AwardReward, path)
            && matches!(p.status, Status::Implemented | Status::Verified),
        attach: (is_proposer && p.status.is_editable()) || (implementer && (p.status.is_adopted())),
        blind,
    })
}

/// Everything a proposal's page shows.
#[derive(Debug, Clone)]
pub struct ProposalDetail {
    pub proposal: Proposal,
    pub unit: Organisation,
    /// Empty when the review is blind for the caller.
    pub people: Vec<PersonView>,
    pub steps: Vec<ProposalStep>,
    pub events: Vec<Event>,
    pub attachments: Vec<Attachment>,
    pub impl_owner: Option<(String, String)>,
    pub duplicate_of: Option<(ProposalId, String)>,
    pub access: Access,
}

pub async fn detail(tx: &mut Tx, caller: &Caller<'_>, id: ProposalId) -> Result<ProposalDetail> {
    let l = load(tx, id).await?;
    // Someone who may not see it learns nothing, not even that it exists.
    let access = access_to(caller, &l).ok_or_else(not_found)?;
    let mut events = proposals::events(tx, id).await?;
    let attachments = attachments::list(tx, id).await?;
    let impl_owner = match l.proposal.impl_owner_id {
        Some(u) => ingot_store::users::get(tx, u)
            .await?
            .map(|u| (u.username, u.display_name)),
        None => None,
    };
    let duplicate_of = match l.proposal.duplicate_of {
        Some(d) => proposals::get(tx, d)
            .await?
            .map(|p| (p.id, p.number.unwrap_or(p.title))),
        None => None,
    };
    let mut people = l.people;
    let proposer_unit = l.unit.path.clone();
    let mut unit = l.unit;
    let mut proposal = l.proposal;
    let mut attachments = attachments;
    let mut impl_owner = impl_owner;
    let mut steps = l.steps;
    if access.blind {
        // Blank everything that identifies the proposer or their unit, here and not in each
        // page or API handler. Who acted before is hidden too: a workshop head's name, or the
        // unit of a "department concerned" step, names the proposer's unit.
        let me = caller.user_id();
        let named: Vec<_> = people.iter().map(|p| p.user_id).collect();
        for e in &mut events {
            if e.actor_id.is_some() && e.actor_id != me {
                e.actor_name = None;
                e.actor_id = None;
            }
        }
        people.clear();
        if let Some(e) = orgs::get(tx, proposal.enterprise_id).await? {
            unit = e;
        }
        for s in &mut steps {
            let step_org = OrgPath::from_stored(s.org_path.clone());
            // A step held within the enterprise, at or above the proposer's unit, names it.
            if proposer_unit.is_within(&step_org) && step_org.is_strictly_within(&unit.path) {
                s.org_id = unit.id;
                s.org_name = unit.name.clone();
                s.org_path = unit.path.as_str().to_string();
            }
        }
        proposal.unit_id = unit.id;
        proposal.proposer_id = ingot_domain::UserId(0);
        if proposal.impl_owner_id.is_some_and(|o| named.contains(&o)) {
            proposal.impl_owner_id = None;
            impl_owner = None;
        }
        for a in &mut attachments {
            if named.contains(&a.uploaded_by) {
                a.uploaded_by = ingot_domain::UserId(0);
            }
        }
    }
    Ok(ProposalDetail {
        proposal,
        unit,
        people,
        steps,
        events,
        attachments,
        impl_owner,
        duplicate_of,
        access,
    })
}

/// The caller's access to a proposal, or not-found.
pub async fn view_access(tx: &mut Tx, caller: &Caller<'_>, id: ProposalId) -> Result<Access> {
    let l = load(tx, id).await?;
    access_to(caller, &l).ok_or_else(not_found)
}
