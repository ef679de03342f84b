//! Every named constraint of both schemas that a user can run into, and what to tell them.
//! PostgreSQL reports a violated constraint by name; SQLite names CHECK constraints but reports
//! UNIQUE ones by their columns, so those are listed here with their column signature too.

pub struct Constraint {
    pub name: &'static str,
    /// How SQLite's message names it: "table.column, ..." for UNIQUE, the name for CHECK.
    pub sqlite_signature: &'static str,
    pub code: &'static str,
    pub field: Option<&'static str>,
}

pub const CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "declarations_record_key",
        sqlite_signature: "declarations.campaign_id, declarations.record_type, declarations.record_id",
        code: "already_declared",
        field: Some("record_id"),
    },
    Constraint {
        name: "campaigns_notice_key",
        sqlite_signature: "campaigns.org_id, campaigns.notice_number",
        code: "notice_number_taken",
        field: Some("notice_number"),
    },
    Constraint {
        name: "expert_conflicts_pair_key",
        sqlite_signature: "expert_conflicts.declaration_id, expert_conflicts.user_id",
        code: "conflict_exists",
        field: Some("declaration_id"),
    },
    Constraint {
        name: "patents_number_key",
        sqlite_signature: "patents.number",
        code: "patent_number_taken",
        field: Some("number"),
    },
    Constraint {
        name: "titles_holder_key",
        sqlite_signature: "titles.user_id, titles.name, titles.year",
        code: "title_exists",
        field: Some("name"),
    },
    Constraint {
        name: "organisations_code_key",
        sqlite_signature: "organisations.code",
        code: "org_code_taken",
        field: Some("code"),
    },
    Constraint {
        name: "organisations_sibling_name_key",
        sqlite_signature: "index 'organisations_sibling_name_key'",
        code: "org_name_taken",
        field: Some("name"),
    },
    Constraint {
        name: "users_username_key",
        sqlite_signature: "users.username",
        code: "username_taken",
        field: Some("username"),
    },
    Constraint {
        name: "role_grants_user_role_org_key",
        sqlite_signature: "role_grants.user_id, role_grants.role, role_grants.org_id",
        code: "grant_exists",
        field: Some("role"),
    },
    Constraint {
        name: "organisations_kind_check",
        sqlite_signature: "organisations_kind_check",
        code: "unknown_org_kind",
        field: Some("kind"),
    },
    Constraint {
        name: "role_grants_role_check",
        sqlite_signature: "role_grants_role_check",
        code: "unknown_role",
        field: Some("role"),
    },
    Constraint {
        name: "users_lang_check",
        sqlite_signature: "users_lang_check",
        code: "unknown_language",
        field: Some("lang"),
    },
    Constraint {
        name: "naming_notices_number_key",
        sqlite_signature: "naming_notices.org_id, naming_notices.number",
        code: "notice_number_taken",
        field: Some("notice_number"),
    },
    Constraint {
        name: "naming_applications_call_studio_key",
        sqlite_signature: "naming_applications.call_id, naming_applications.studio_id",
        code: "already_applied",
        field: Some("studio_id"),
    },
    Constraint {
        name: "studios_name_key",
        sqlite_signature: "studios.unit_id, studios.name",
        code: "studio_name_taken",
        field: Some("name"),
    },
    Constraint {
        name: "studio_assessments_period_key",
        sqlite_signature: "studio_assessments.naming_id, studio_assessments.period",
        code: "already_assessed",
        field: Some("period"),
    },
    Constraint {
        name: "programmes_code_key",
        sqlite_signature: "programmes.code",
        code: "programme_code_taken",
        field: Some("code"),
    },
    Constraint {
        name: "programme_tasks_code_key",
        sqlite_signature: "programme_tasks.programme_id, programme_tasks.code",
        code: "task_code_taken",
        field: Some("code"),
    },
    Constraint {
        name: "programme_areas_code_key",
        sqlite_signature: "programme_areas.programme_id, programme_areas.code",
        code: "area_code_taken",
        field: Some("code"),
    },
    Constraint {
        name: "programme_awards_won_check",
        sqlite_signature: "programme_awards_won_check",
        code: "won_more_than_total",
        field: Some("programme_won"),
    },
];

pub fn describe(name: &str) -> Option<&'static Constraint> {
    CONSTRAINTS.iter().find(|c| c.name == name)
}

/// Reads the constraint out of SQLite's message, e.g.
/// "UNIQUE constraint failed: users.username" or "CHECK constraint failed: users_lang_check".
pub fn sqlite_constraint_name(message: &str) -> Option<String> {
    let (_, detail) = message.split_once("constraint failed: ")?;
    let detail = detail.trim();
    CONSTRAINTS
        .iter()
        .find(|c| c.sqlite_signature == detail || c.name == detail)
        .map(|c| c.name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sqlite_messages() {
        assert_eq!(
            sqlite_constraint_name("UNIQUE constraint failed: users.username").as_deref(),
            Some("users_username_key")
        );
        assert_eq!(
            sqlite_constraint_name("CHECK constraint failed: organisations_kind_check").as_deref(),
            Some("organisations_kind_check")
        );
        assert_eq!(
            sqlite_constraint_name("UNIQUE constraint failed: other.thing"),
            None
        );
    }
}
