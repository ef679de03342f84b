//! The API's request and response bodies, with their OpenAPI schemas.

use ingot_domain::audit::AuditEntry;
use ingot_domain::org::Organisation;
use ingot_domain::user::User;
use ingot_domain::{OrgKind, Role, Timestamp};
use ingot_store::grants::GrantView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// Unique code used by imports and people (letters, digits, `-_.`).
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    /// Ids from the root down, e.g. `/1/5/23/`.
    pub path: String,
    pub archived: bool,
    /// Milliseconds since the Unix epoch.
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<Organisation> for OrgDto {
    fn from(o: Organisation) -> Self {
        OrgDto {
            id: o.id.0,
            parent_id: o.parent_id.map(|p| p.0),
            archived: o.is_archived(),
            code: o.code,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            path: o.path.as_str().to_string(),
            archived_at: o.archived_at.map(Timestamp::millis),
            created_at: o.created_at.millis(),
            updated_at: o.updated_at.millis(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgNodeDto {
    pub org: OrgDto,
    pub child_count: i64,
    pub user_count: i64,
}

impl From<ingot_store::orgs::OrgNode> for OrgNodeDto {
    fn from(n: ingot_store::orgs::OrgNode) -> Self {
        OrgNodeDto {
            org: n.org.into(),
            child_count: n.child_count,
            user_count: n.user_count,
        }
    }
}

/// What the caller may do to this organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgPermissionsDto {
    pub create_child: bool,
    pub edit: bool,
    pub import: bool,
    pub view_users: bool,
    pub view_audit: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDetailDto {
    pub org: OrgDto,
    /// From the root down to the parent.
    pub ancestors: Vec<OrgDto>,
    pub children: Vec<OrgNodeDto>,
    pub permissions: OrgPermissionsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgListDto {
    pub items: Vec<OrgDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct OrgListQuery {
    /// Children of this organisation only.
    pub parent: Option<i64>,
    /// Inside this organisation's subtree.
    pub within: Option<i64>,
    /// Text in the name, English name or code.
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    /// Include archived organisations.
    pub archived: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Rows without a parent code hang under this organisation.
    pub under: Option<i64>,
    /// Check every row and report, without saving anything.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowErrorDto {
    /// The spreadsheet row (the header is row 1).
    pub row: usize,
    /// The column as headed in the file.
    pub column: String,
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ImportRowErrorDto {
    /// A row's problem, its message in `lang`.
    pub fn of(
        catalogs: &crate::i18n::Catalogs,
        lang: ingot_domain::Lang,
        e: &ingot_app::org_import::RowError,
    ) -> Self {
        ImportRowErrorDto {
            row: e.row,
            column: e.column.clone(),
            field: e.error.field.clone(),
            code: e.error.code.to_string(),
            message: catalogs.field_error(lang, &e.error),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub rows: usize,
    pub dry_run: bool,
    /// Empty when the import succeeded.
    pub errors: Vec<ImportRowErrorDto>,
    pub created: Vec<OrgDto>,
}

/// A refused org import (422): the report of its rows, or an error about the file as a whole
/// (unreadable, without a header row, too many rows). Documents the API; never built.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ImportRefusedDto {
    Rows(ImportReportDto),
    File(crate::error::ErrorBody),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    pub id: i64,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
}

impl From<GrantView> for GrantDto {
    fn from(g: GrantView) -> Self {
        GrantDto {
            id: g.grant.id.0,
            role: g.grant.role,
            org_id: g.grant.org_id.0,
            org_name: g.org_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub org_id: i64,
    /// `zh`, `en`, or absent to follow the browser.
    pub lang: Option<String>,
    pub active: bool,
    pub locked: bool,
    pub created_at: i64,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            locked: u.is_locked(Timestamp::now()),
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            org_id: u.org_id.0,
            lang: u.lang.map(|l| l.code().to_string()),
            active: u.active,
            created_at: u.created_at.millis(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetailDto {
    pub user: UserDto,
    pub org: OrgDto,
    pub grants: Vec<GrantDto>,
    pub can_manage: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserListItemDto {
    pub user: UserDto,
    pub org_name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserListDto {
    pub items: Vec<UserListItemDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// People of this organisation's subtree.
    pub org: Option<i64>,
    pub role: Option<Role>,
    /// Text in the username or display name.
    pub q: Option<String>,
    pub active: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUserDto {
    pub user: UserDto,
    /// Present when Ingot generated the password; shown only here.
    pub generated_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetPasswordDto {
    pub generated_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantCreatedDto {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub user: UserDto,
    pub grants: Vec<GrantDto>,
    /// The language this response was written in.
    pub lang: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: i64,
    /// After this instant (milliseconds since the epoch) the token no longer works.
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<ingot_store::tokens::TokenRow> for TokenDto {
    fn from(t: ingot_store::tokens::TokenRow) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenDto {
    pub token: TokenDto,
    /// Send as `Authorization: Bearer <secret>`. Shown only here.
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: i64,
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    /// `web`, `api`, `cli` or `demo`.
    pub channel: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// e.g. `org.create`, `user.grant`, `auth.sign_in_failed`.
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    /// What the object was called at the time (a name, a username).
    pub object_label: Option<String>,
    pub org_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEntryDto {
            id: e.id,
            at: e.at.millis(),
            actor_user_id: e.actor_user_id.map(|u| u.0),
            actor_label: e.actor_label,
            channel: e.channel,
            ip: e.ip,
            request_id: e.request_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            object_label: e.object_label,
            org_id: e.org_id.map(|o| o.0),
            before: json(e.before),
            after: json(e.after),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditListDto {
    pub items: Vec<AuditEntryDto>,
    /// How many entries match, counted up to 1,000; see `total_exact`.
    pub total: i64,
    /// False when more entries match than `total` says: the log stops counting at 1,000.
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Rows about this organisation's subtree.
    pub org: Option<i64>,
    pub actor_user_id: Option<i64>,
    /// An action (`org.create`) or a family ending in a dot (`org.`).
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
    /// From this instant (ms since the epoch), inclusive.
    pub from: Option<i64>,
    /// Until this instant (ms since the epoch), exclusive.
    pub until: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}
