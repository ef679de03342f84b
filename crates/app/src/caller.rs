//! Who is calling a use case: a signed-in actor, or the system itself (the command line and
//! the demo loader, which run with the operator's access to the database).

use crate::Result;
use ingot_domain::audit::RequestOrigin;
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::{Actor, AppError, OrgPath, OrgScope, Role, UserId};

#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    User(&'a Actor),
    System,
}

#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub who: Who<'a>,
    pub origin: &'a RequestOrigin,
}

impl<'a> Caller<'a> {
    pub fn user(actor: &'a Actor, origin: &'a RequestOrigin) -> Self {
        Caller {
            who: Who::User(actor),
            origin,
        }
    }

    pub fn system(origin: &'a RequestOrigin) -> Self {
        Caller {
            who: Who::System,
            origin,
        }
    }

    pub fn actor(&self) -> Option<&'a Actor> {
        match self.who {
            Who::User(a) => Some(a),
            Who::System => None,
        }
    }

    pub fn is_system(&self) -> bool {
        matches!(self.who, Who::System)
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.actor().map(|a| a.user_id)
    }

    /// How the audit log names the caller.
    pub fn label(&self) -> String {
        match self.who {
            Who::User(a) => a.username.clone(),
            Who::System => format!("system ({})", self.origin.channel),
        }
    }

    pub fn permits(&self, action: Action, target: &OrgPath) -> bool {
        match self.who {
            Who::System => true,
            Who::User(actor) => policy::may(Principal::User(actor), action, target),
        }
    }

    pub fn require(&self, action: Action, target: &OrgPath) -> Result<()> {
        if self.permits(action, target) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// The subtrees a listing may show; `None` means everything (the system).
    pub fn scope(&self, action: Action) -> Option<OrgScope> {
        match self.who {
            Who::System => None,
            Who::User(actor) => Some(policy::scope(actor, action)),
        }
    }

    /// Whether the caller administers from the top of a tree (a national or other root
    /// federation), which also covers records tied to no organisation at all.
    pub fn is_root_admin(&self) -> bool {
        match self.who {
            Who::System => true,
            Who::User(actor) => actor
                .grants
                .iter()
                .any(|g| g.role == Role::FederationAdmin && g.org_path.depth() == 0),
        }
    }
}
