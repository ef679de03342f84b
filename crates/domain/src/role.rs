//! The roles of ../domain.md. Each is granted on an organisation and reaches its whole subtree.
//! The public is not a role: it is what a visitor who is not signed in can do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Employee,
    Reviewer,
    FinanceOfficer,
    StudioLead,
    UnitAdmin,
    FederationAdmin,
    Expert,
    ProgrammeOfficer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Employee,
        Role::Reviewer,
        Role::FinanceOfficer,
        Role::StudioLead,
        Role::UnitAdmin,
        Role::FederationAdmin,
        Role::Expert,
        Role::ProgrammeOfficer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Reviewer => "reviewer",
            Role::FinanceOfficer => "finance_officer",
            Role::StudioLead => "studio_lead",
            Role::UnitAdmin => "unit_admin",
            Role::FederationAdmin => "federation_admin",
            Role::Expert => "expert",
            Role::ProgrammeOfficer => "programme_officer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}
