//! The one place that answers "may this person do this action here". Every handler, page and API
//! call asks it, through the use cases. A role granted on an organisation reaches its subtree.

use crate::ids::{GrantId, OrgId, UserId};
use crate::org::{OrgPath, OrgScope};
use crate::role::Role;
use serde::Serialize;

/// One role held on one organisation's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub id: GrantId,
    pub role: Role,
    pub org_id: OrgId,
    pub org_path: OrgPath,
}

/// A signed-in person with their grants, as resolved from a session or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub org_path: OrgPath,
    pub grants: Vec<Grant>,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
}

/// Who is asking: somebody signed in, or the public.
#[derive(Debug, Clone, Copy)]
pub enum Principal<'a> {
    Public,
    User(&'a Actor),
}

impl<'a> From<Option<&'a Actor>> for Principal<'a> {
    fn from(actor: Option<&'a Actor>) -> Self {
        actor.map_or(Principal::Public, Principal::User)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Browse the organisation tree (names and structure).
    ViewOrgTree,
    /// Create an organisation under the target.
    CreateOrgUnder,
    /// Rename, archive or move the target. Never one's own grant root: that is the level above's.
    EditOrg,
    /// Import a tree whose rows hang under the target.
    ImportOrgs,
    /// See the people of the target organisation.
    ViewUser,
    /// Create, edit, lock, unlock, reset the password of, or deactivate a person of the target.
    ManageUser,
    /// Grant (or withdraw) the role on the target.
    GrantRole(Role),
    /// Read the audit log of the target's records.
    ViewAudit,
    /// See an unpublished record of the target (the owner always may; see `may_view_record`).
    ViewUnpublished,
    /// Set the enterprise's proposal review workflow, categories and reward grades.
    ConfigureProposals,
    /// Mark a proposal as a duplicate of an earlier one.
    MarkDuplicate,
    /// Assign and track the implementation of an adopted proposal.
    ManageImplementation,
    /// Verify or correct a claimed benefit, which then locks.
    VerifyBenefit,
    /// Decide a proposal's reward.
    AwardReward,
    /// Export the reward list for payroll.
    ExportRewards,
    /// Register a studio of the target unit, edit it, its members, outputs and photos, record
    /// honours of its people, and apply for namings (its lead may too, for their own studio).
    ManageStudio,
    /// Issue naming calls, decide applications, publish naming notices, grant funding, assess
    /// named studios and revoke them, as the federation (or enterprise union) at the target.
    ManageNamings,
    /// Review a naming application on site for the federation at the target.
    ReviewNaming,
    /// Read studio statistics and unpublished naming applications of the target's subtree.
    ViewStudios,
    /// Read the innovation records (achievements, patents, skills and methods, titles) of the target.
    ViewInnovationRecords,
    /// Record, link and correct innovation records of the target; claim an achievement's benefit.
    ManageInnovationRecords,
    /// Run award campaigns of the federation at the target: the call, formal check, expert
    /// pool and conflicts, assignment, results, publicity and announcement.
    ManageCampaigns,
    /// Declare the target's records to a campaign, or forward a lower round's winners.
    DeclareToCampaign,
    /// Read a programme of the target department: its tasks, funding, outputs, talent and the
    /// overview figures with their drill-down lists and exports.
    ViewProgramme,
    /// Set up a programme of the target department and record its tasks, funding, milestones,
    /// outputs, people and award tallies.
    ManageProgramme,
    /// Open statistical returns for the units below the target and review their submissions.
    ManageReturns,
    /// Fill in and submit the target unit's statistical return to the level above.
    SubmitReturn,
    /// Send the events of the target's subtree to other systems and group bots (webhooks).
    ManageWebhooks,
}

/// How far below a grant's organisation the grant reaches for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The organisation itself and everything below it.
    Subtree,
    /// Only what lies below it.
    Below,
}

const ADMINS: &[Role] = &[Role::UnitAdmin, Role::FederationAdmin];
const REVIEWERS: &[Role] = &[Role::Reviewer, Role::UnitAdmin];
const FINANCE: &[Role] = &[Role::FinanceOfficer];
const PAYROLL: &[Role] = &[Role::FinanceOfficer, Role::UnitAdmin];
const RECORD_READERS: &[Role] = &[
    Role::Reviewer,
    Role::FinanceOfficer,
    Role::StudioLead,
    Role::UnitAdmin,
    Role::FederationAdmin,
    Role::ProgrammeOfficer,
];
/// Programmes belong to a science department; the federation above it reads them too.
const PROGRAMME_READERS: &[Role] = &[Role::ProgrammeOfficer, Role::FederationAdmin];
/// Roles an enterprise's union may hand out; federation-level roles come from federations.
const UNIT_GRANTABLE: &[Role] = &[
    Role::Employee,
    Role::Reviewer,
    Role::FinanceOfficer,
    Role::StudioLead,
    Role::UnitAdmin,
];

/// Which roles permit an action, and how far.
fn rule(action: Action) -> (&'static [Role], Reach) {
    match action {
        Action::ViewOrgTree => (&Role::ALL, Reach::Subtree),
        Action::CreateOrgUnder | Action::ImportOrgs => (ADMINS, Reach::Subtree),
        Action::EditOrg => (ADMINS, Reach::Below),
        Action::ViewUser | Action::ManageUser | Action::ViewAudit => (ADMINS, Reach::Subtree),
        Action::GrantRole(role) if UNIT_GRANTABLE.contains(&role) => (ADMINS, Reach::Subtree),
        Action::GrantRole(_) => (&[Role::FederationAdmin], Reach::Subtree),
        Action::ViewUnpublished => (RECORD_READERS, Reach::Subtree),
        Action::ConfigureProposals => (ADMINS, Reach::Subtree),
        Action::MarkDuplicate | Action::ManageImplementation => (REVIEWERS, Reach::Subtree),
        Action::VerifyBenefit => (FINANCE, Reach::Subtree),
        Action::AwardReward => (&[Role::UnitAdmin], Reach::Subtree),
        Action::ExportRewards => (PAYROLL, Reach::Subtree),
        Action::ManageStudio | Action::ManageNamings => (ADMINS, Reach::Subtree),
        Action::ReviewNaming => (&[Role::FederationAdmin, Role::Expert], Reach::Subtree),
        Action::ViewStudios => (RECORD_READERS, Reach::Subtree),
        Action::ViewInnovationRecords => (&Role::ALL, Reach::Subtree),
        Action::ManageInnovationRecords => (ADMINS, Reach::Subtree),
        Action::ManageCampaigns => (&[Role::FederationAdmin], Reach::Subtree),
        Action::DeclareToCampaign => (ADMINS, Reach::Subtree),
        Action::ViewProgramme => (PROGRAMME_READERS, Reach::Subtree),
        Action::ManageProgramme => (&[Role::ProgrammeOfficer], Reach::Subtree),
        Action::ManageReturns | Action::SubmitReturn => (ADMINS, Reach::Subtree),
        Action::ManageWebhooks => (ADMINS, Reach::Subtree),
    }
}

fn reaches(grant: &Grant, reach: Reach, target: &OrgPath) -> bool {
    match reach {
        Reach::Subtree => target.is_within(&grant.org_path),
        Reach::Below => target.is_strictly_within(&grant.org_path),
    }
}

/// May `who` perform `action` on something belonging to the organisation at `target`?
pub fn may(who: Principal<'_>, action: Action, target: &OrgPath) -> bool {
    let Principal::User(actor) = who else {
        return false;
    };
    if action == Action::ViewOrgTree {
        // The structure of the union tree is not confidential to anyone signed in.
        return true;
    }
    let (roles, reach) = rule(action);
    actor
        .grants
        .iter()
        .any(|g| roles.contains(&g.role) && reaches(g, reach, target))
}

/// The roles that permit `action` (on a subtree their grants reach).
pub fn roles_for(action: Action) -> &'static [Role] {
    rule(action).0
}

/// Could `actor` perform `action` somewhere, on some organisation their grants reach? The coarse
/// check made before a request that names no record is read.
pub fn may_somewhere(actor: &Actor, action: Action) -> bool {
    if action == Action::ViewOrgTree {
        return true;
    }
    let (roles, _) = rule(action);
    actor.grants.iter().any(|g| roles.contains(&g.role))
}

/// Does `actor` hold `role` on a grant reaching `target`? Review steps name a role on an
/// organisation, configured by each enterprise, rather than a fixed action.
pub fn holds(actor: &Actor, role: Role, target: &OrgPath) -> bool {
    actor
        .grants
        .iter()
        .any(|g| g.role == role && target.is_within(&g.org_path))
}

/// The subtrees in which `actor` may perform `action`, for listing queries.
pub fn scope(actor: &Actor, action: Action) -> OrgScope {
    let (roles, _) = rule(action);
    OrgScope::of(
        actor
            .grants
            .iter()
            .filter(|g| roles.contains(&g.role))
            .map(|g| g.org_path.clone()),
    )
}

/// A record as the policy sees it: where it belongs, whose it is, whether it is published.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    pub org: &'a OrgPath,
    pub owner: Option<UserId>,
    pub published: bool,
}

/// Published records are public; unpublished ones are seen by their owner and by the readers of
/// the record's organisation subtree, never by another enterprise.
pub fn may_view_record(who: Principal<'_>, record: RecordRef<'_>) -> bool {
    if record.published {
        return true;
    }
    match who {
        Principal::Public => false,
        Principal::User(actor) => {
            record.owner == Some(actor.user_id) || may(who, Action::ViewUnpublished, record.org)
        }
    }
}

/// Managing a person (password reset, lock, edit) must not let an actor take over an account
/// more powerful than their own: every grant the person holds must be one the actor could grant.
pub fn may_manage_user(actor: &Actor, user_org: &OrgPath, user_grants: &[Grant]) -> bool {
    let who = Principal::User(actor);
    may(who, Action::ManageUser, user_org)
        && user_grants
            .iter()
            .all(|g| may(who, Action::GrantRole(g.role), &g.org_path))
}

#[cfg(test)]
mod tests;
