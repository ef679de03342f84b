//! Whether the record a request names in its path is within the caller's reach, answered before
//! the request's body is read. It is the first, coarse check: a caller outside a record's reach
//! never gets to send it a body (an upload, a spreadsheet, a form), and one who may not even
//! see the record learns nothing of it. The use case then decides the exact action, as before.

use crate::{Caller, Result};
use ingot_domain::policy::{self, Action};
use ingot_domain::{
    AchievementId, AppError, ApplicationId, CallId, GrantId, OrgId, OrgPath, ProgrammeId,
    ProposalId, StudioId, UserId,
};
use ingot_store::Tx;

/// The kind of record a route's first path parameter names, and what reaching it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A proposal the caller may see (named on it, a reader of its unit, a reviewer of a step).
    Proposal,
    /// An achievement of a unit whose records the caller may read.
    Achievement,
    /// A patent of a unit whose records the caller manages (readers of its unit: 403).
    Patent,
    /// A skill or method of a unit whose records the caller manages (readers of its unit: 403).
    Skill,
    /// A title recorded in a unit whose records the caller manages (readers of its unit: 403).
    Title,
    /// An organisation on which the caller may perform the action.
    Org(Action),
    /// A person the caller administers.
    User,
    /// A grant held by a person the caller administers.
    Grant,
    /// A campaign run by the caller's federation.
    CampaignStaff,
    /// A campaign run by the caller's federation or on whose expert panel the caller sits.
    CampaignPanel,
    /// A declaration the caller takes part in: its campaign's staff, the declaring unit's
    /// administrators, or an expert of the campaign's panel.
    Declaration,
    /// An objection to a campaign run by the caller's federation.
    Objection,
    /// A studio the caller manages (its unit's union, its lead) or oversees as a federation.
    Studio,
    /// A naming application the caller may review on site.
    NamingReview,
    /// A naming application the caller may decide.
    NamingDecision,
    /// A programme the caller may change.
    Programme,
    /// A webhook of an organisation whose webhooks the caller manages.
    Webhook,
}

/// How far a record is from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Within,
    /// The caller may see it (it is public, or theirs to read) but not act on it: 403.
    Visible,
    /// Absent, or hidden from the caller: 404, so nothing is learnt of it.
    Hidden,
}

fn visible_if(seen: bool) -> Reach {
    if seen { Reach::Visible } else { Reach::Hidden }
}

fn within_or(ok: bool, otherwise: Reach) -> Reach {
    if ok { Reach::Within } else { otherwise }
}

/// Admits the caller to act on record `id` of kind `target`, or answers as the record's
/// visibility warrants: forbidden where they may see it, not found where they may not.
pub async fn require_within_reach(
    tx: &mut Tx,
    caller: &Caller<'_>,
    target: Target,
    id: i64,
) -> Result<()> {
    match reach(tx, caller, target, id).await? {
        Reach::Within => Ok(()),
        Reach::Visible => Err(AppError::forbidden()),
        Reach::Hidden => Err(AppError::not_found("page")),
    }
}

async fn reach(tx: &mut Tx, caller: &Caller<'_>, target: Target, id: i64) -> Result<Reach> {
    use ingot_store::{campaigns, grants, orgs, programmes, studios, users};
    let path = |stored: &str| OrgPath::from_stored(stored.to_string());
    Ok(match target {
        Target::Proposal => within_or(
            crate::proposals::view_access(tx, caller, ProposalId(id))
                .await
                .is_ok(),
            Reach::Hidden,
        ),
        Target::Achievement => within_or(
            crate::innovation::achievement_readable(tx, caller, AchievementId(id)).await?,
            Reach::Hidden,
        ),
        Target::Patent => match ingot_store::innovation::get_patent(tx, id).await? {
            Some(p) => within_or(
                crate::innovation::may_change_patent(caller, &p),
                visible_if(caller.permits(
                    Action::ViewInnovationRecords,
                    &OrgPath::from_stored(p.unit_path.clone()),
                )),
            ),
            None => Reach::Hidden,
        },
        Target::Skill => match ingot_store::innovation::get_skill(tx, id).await? {
            Some(s) => within_or(
                crate::innovation::may_change_skill(caller, &s),
                visible_if(caller.permits(
                    Action::ViewInnovationRecords,
                    &OrgPath::from_stored(s.unit_path.clone()),
                )),
            ),
            None => Reach::Hidden,
        },
        Target::Title => match ingot_store::innovation::get_title(tx, id).await? {
            Some(t) => within_or(
                crate::innovation::may_change_title(caller, &t),
                visible_if(caller.permits(
                    Action::ViewInnovationRecords,
                    &OrgPath::from_stored(t.unit_path.clone()),
                )),
            ),
            None => Reach::Hidden,
        },
        // The organisation tree is known to everyone signed in.
        Target::Org(action) => match orgs::get(tx, OrgId(id)).await? {
            Some(o) => within_or(caller.permits(action, &o.path), Reach::Visible),
            None => Reach::Hidden,
        },
        Target::User => match users::get_with_org_path(tx, UserId(id)).await? {
            Some((_, org_path)) => {
                within_or(caller.permits(Action::ViewUser, &org_path), Reach::Hidden)
            }
            None => Reach::Hidden,
        },
        Target::Webhook => match ingot_store::outbound::webhook_by_id(tx, id).await? {
            Some(hook) => match orgs::get(tx, hook.org_id).await? {
                Some(o) => within_or(
                    caller.permits(Action::ManageWebhooks, &o.path),
                    Reach::Hidden,
                ),
                None => Reach::Hidden,
            },
            None => Reach::Hidden,
        },
        Target::Grant => match grants::get(tx, GrantId(id)).await? {
            Some((user, _)) => Box::pin(reach(tx, caller, Target::User, user.0)).await?,
            None => Reach::Hidden,
        },
        // A campaign's call is public.
        Target::CampaignStaff => match campaigns::get(tx, id).await? {
            Some(c) => within_or(crate::campaigns::may_manage(caller, &c), Reach::Visible),
            None => Reach::Hidden,
        },
        Target::CampaignPanel => match campaigns::get(tx, id).await? {
            Some(c) => {
                let on_panel = match caller.user_id() {
                    Some(me) => campaigns::panel(tx, id)
                        .await?
                        .iter()
                        .any(|e| e.user_id == me.0),
                    None => false,
                };
                within_or(
                    crate::campaigns::may_manage(caller, &c) || on_panel,
                    Reach::Visible,
                )
            }
            None => Reach::Hidden,
        },
        Target::Declaration => match campaigns::get_declaration(tx, id).await? {
            None => Reach::Hidden,
            Some(d) => {
                let staff = campaigns::get(tx, d.campaign_id)
                    .await?
                    .is_some_and(|c| crate::campaigns::may_manage(caller, &c));
                let declaring = caller.permits(Action::DeclareToCampaign, &path(&d.unit_path));
                // The campaign's panel: the use case tells an expert whether it is theirs.
                let on_panel = match caller.user_id() {
                    Some(me) => campaigns::panel(tx, d.campaign_id)
                        .await?
                        .iter()
                        .any(|e| e.user_id == me.0),
                    None => false,
                };
                within_or(staff || declaring || on_panel, Reach::Hidden)
            }
        },
        Target::Objection => {
            let campaign: Option<(i64,)> = tx
                .fetch_optional(
                    ingot_store::Sql::new("SELECT campaign_id FROM objections WHERE id = $1")
                        .bind(id),
                )
                .await?;
            match campaign {
                Some((c,)) => match campaigns::get(tx, c).await? {
                    Some(c) => within_or(crate::campaigns::may_manage(caller, &c), Reach::Hidden),
                    None => Reach::Hidden,
                },
                None => Reach::Hidden,
            }
        }
        // A studio's page is public.
        Target::Studio => match studios::get(tx, StudioId(id)).await? {
            Some(s) => within_or(
                crate::studios::may_manage(caller, &s)
                    || caller.permits(Action::ManageNamings, &s.unit_path),
                Reach::Visible,
            ),
            None => Reach::Hidden,
        },
        Target::NamingReview | Target::NamingDecision => {
            let action = if target == Target::NamingReview {
                Action::ReviewNaming
            } else {
                Action::ManageNamings
            };
            let Some(a) = studios::get_application(tx, ApplicationId(id)).await? else {
                return Ok(Reach::Hidden);
            };
            let call = studios::get_call(tx, CallId(a.call_id)).await?;
            let studio = studios::get(tx, StudioId(a.studio_id)).await?;
            let acts = call.is_some_and(|call| caller.permits(action, &path(&call.org_path)));
            // The studio's own managers see their application, but neither review nor decide it.
            let sees = studio.is_some_and(|s| crate::studios::may_manage(caller, &s));
            within_or(acts, visible_if(sees))
        }
        Target::Programme => match programmes::get_programme(tx, ProgrammeId(id)).await? {
            Some(p) => within_or(
                crate::programmes::may_manage(caller, &p),
                visible_if(caller.permits(
                    Action::ViewProgramme,
                    &OrgPath::from_stored(p.owner_path.clone()),
                )),
            ),
            None => Reach::Hidden,
        },
    })
}

/// Whether the caller could perform one of `actions` anywhere: the coarse check for routes
/// that name no record (creating one, importing a file).
pub fn may_somewhere(caller: &Caller<'_>, actions: &[Action]) -> bool {
    match caller.actor() {
        None => caller.is_system(),
        Some(actor) => actions.iter().any(|a| policy::may_somewhere(actor, *a)),
    }
}
