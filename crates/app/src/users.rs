//! People: create, edit, lock and unlock, reset passwords, grant and withdraw roles.

use crate::audit::{Change, record};
use crate::{Caller, Result, Who, passwords, secrets};
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action};
use ingot_domain::user::{
    DISPLAY_NAME_MAX, User, validate_email, validate_password, validate_username,
};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, Grant, GrantId, Lang, OrgId, Role, Timestamp, UserId};
use ingot_store::grants::{self, GrantView};
use ingot_store::users::{self, NewUser, UserFilter, UserListItem};
use ingot_store::{Db, Page, Tx, changes, orgs, sessions, tokens};

/// A new person as typed into the form or API body.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateUserBody)]
pub struct NewUserInput {
    #[serde(default)]
    #[schema(value_type = i64)]
    pub org_id: Option<OrgId>,
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Omit to have a password generated and returned once.
    #[serde(default)]
    pub password: Option<String>,
    /// A first role, granted on the person's organisation.
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Clone)]
pub struct Created {
    pub user: User,
    /// The password, when Ingot generated it; shown once.
    pub generated_password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UserDetail {
    pub user: User,
    pub org: Organisation,
    pub grants: Vec<GrantView>,
    /// Whether the caller may edit, lock, reset and grant.
    pub can_manage: bool,
}

async fn org_of(tx: &mut Tx, id: Option<OrgId>) -> Result<Organisation> {
    let id = id.ok_or_else(|| AppError::field("org_id", "required"))?;
    orgs::get(tx, id)
        .await?
        .ok_or_else(|| AppError::field("org_id", "unknown_org"))
}

/// A person's particulars once checked: (username, display name, e-mail).
type Particulars = (String, String, Option<String>);

/// Checks a new person's particulars, and the password when one is given.
fn check(input: &NewUserInput) -> Result<Particulars> {
    let mut v = Validator::new();
    let username = validate_username(&mut v, &input.username);
    let display_name = v.required_text("display_name", &input.display_name, DISPLAY_NAME_MAX);
    let email = validate_email(&mut v, input.email.as_deref());
    if input.org_id.is_none() {
        v.add(FieldError::new("org_id", "required"));
    }
    if let Some(p) = input.password.as_deref().filter(|p| !p.is_empty()) {
        validate_password(&mut v, "password", p, &username);
    }
    v.finish()?;
    Ok((username, display_name, email))
}

/// Checks the form and hashes the password before any transaction starts (hashing is slow and
/// must not hold SQLite's write lock).
pub async fn prepare(
    input: &NewUserInput,
) -> Result<(String, String, Option<String>, String, Option<String>)> {
    let (username, display_name, email) = check(input)?;
    let given = input.password.as_deref().filter(|p| !p.is_empty());
    let (password, generated) = match given {
        Some(p) => (p.to_string(), None),
        None => {
            let p = secrets::random_password();
            (p.clone(), Some(p))
        }
    };
    let hash = passwords::hash(password).await?;
    Ok((username, display_name, email, hash, generated))
}

pub async fn create(db: &Db, caller: &Caller<'_>, input: &NewUserInput) -> Result<Created> {
    let (username, display_name, email, hash, generated) = prepare(input).await?;
    let mut tx = db.begin().await?;
    let roles: Vec<Role> = input.role.into_iter().collect();
    let user = insert_person(
        &mut tx,
        caller,
        (input, &roles),
        (username, display_name, email),
        &hash,
    )
    .await?;
    tx.commit().await?;
    Ok(Created {
        user,
        generated_password: generated,
    })
}

/// Creates a person from an import row: checked as the form is, with `roles` granted on their
/// organisation and no password anybody knows (an administrator resets it, or the directory
/// signs them in). Hashing a password a row would make a large import take hours.
pub async fn create_imported(
    tx: &mut Tx,
    caller: &Caller<'_>,
    input: &NewUserInput,
    roles: &[Role],
) -> Result<User> {
    let particulars = check(input)?;
    // Each a problem of its column, so that one row of a file is refused and not the file.
    let org = org_of(tx, input.org_id).await?;
    if !caller.permits(Action::ManageUser, &org.path) {
        let code = org.code.clone();
        return Err(AppError::Validation(vec![
            FieldError::new("org_id", "unit_outside_scope").with("code", code),
        ]));
    }
    if let Some(role) = roles
        .iter()
        .find(|r| !caller.permits(Action::GrantRole(**r), &org.path))
    {
        return Err(AppError::Validation(vec![
            FieldError::new("roles", "role_not_grantable").with("role", role.as_str()),
        ]));
    }
    let unusable = passwords::UNUSABLE;
    insert_person(tx, caller, (input, roles), particulars, unusable).await
}

/// Inserts a checked person and grants them `roles` on their organisation, after checking the
/// caller may.
async fn insert_person(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (input, roles): (&NewUserInput, &[Role]),
    (username, display_name, email): Particulars,
    hash: &str,
) -> Result<User> {
    let org = org_of(tx, input.org_id).await?;
    caller.require(Action::ManageUser, &org.path)?;
    for role in roles {
        caller.require(Action::GrantRole(*role), &org.path)?;
    }
    if org.is_archived() {
        return Err(AppError::conflict_on("org_id", "org_archived"));
    }
    if users::get_by_username(tx, &username).await?.is_some() {
        return Err(AppError::conflict_on("username", "username_taken"));
    }
    let now = Timestamp::now();
    let id = users::insert(
        tx,
        &NewUser {
            org_id: org.id,
            username: &username,
            display_name: &display_name,
            email: email.as_deref(),
            password_hash: hash,
            lang: input.lang,
        },
        now,
    )
    .await?;
    let user = users::get(tx, id)
        .await?
        .ok_or_else(|| AppError::internal("inserted user vanished"))?;
    record(
        tx,
        caller,
        Change::new("user.create", "user", id.0)
            .label(&user.username)
            .org(org.id)
            .after(&user),
    )
    .await?;
    for role in roles {
        let grant = grants::insert(tx, id, *role, org.id, caller.user_id(), now).await?;
        record(
            tx,
            caller,
            grant_change("user.grant", grant, &user, *role, &org),
        )
        .await?;
    }
    changes::record(tx, "user", id.0, "upsert", now).await?;
    Ok(user)
}

fn grant_change<'a>(
    action: &'a str,
    grant: GrantId,
    user: &User,
    role: Role,
    org: &Organisation,
) -> Change<'a> {
    Change::new(action, "user", user.id.0)
        .label(&user.username)
        .org(org.id)
        .after(&serde_json::json!({
            "grant_id": grant, "role": role, "org_id": org.id, "org_code": org.code,
        }))
}

async fn load(tx: &mut Tx, id: UserId) -> Result<User> {
    users::get(tx, id).await?.ok_or_else(users::not_found)
}

/// Loads a person the caller may manage; people outside the caller's reach are "not found".
async fn load_managed(tx: &mut Tx, caller: &Caller<'_>, id: UserId) -> Result<(User, Vec<Grant>)> {
    let (user, path) = users::get_with_org_path(tx, id)
        .await?
        .ok_or_else(users::not_found)?;
    let held = grants::of_user(tx, id).await?;
    match caller.who {
        Who::System => Ok((user, held)),
        Who::User(actor) => {
            if policy::may_manage_user(actor, &path, &held) {
                Ok((user, held))
            } else if caller.permits(Action::ViewUser, &path) {
                Err(AppError::forbidden())
            } else {
                Err(users::not_found())
            }
        }
    }
}

/// The account with this username, in any letter case, if there is one.
pub async fn find_by_username(tx: &mut Tx, username: &str) -> Result<Option<User>> {
    users::get_by_username(tx, &username.trim().to_ascii_lowercase()).await
}

pub async fn detail(tx: &mut Tx, caller: &Caller<'_>, id: UserId) -> Result<UserDetail> {
    let user = load(tx, id).await?;
    let org = orgs::get(tx, user.org_id)
        .await?
        .ok_or_else(|| AppError::internal("user without organisation"))?;
    let is_self = caller.user_id() == Some(id);
    if !is_self && !caller.permits(Action::ViewUser, &org.path) {
        return Err(users::not_found());
    }
    let held = grants::of_user(tx, id).await?;
    let can_manage = match caller.who {
        Who::System => true,
        Who::User(actor) => policy::may_manage_user(actor, &org.path, &held),
    };
    Ok(UserDetail {
        user,
        org,
        grants: grants::views_of_user(tx, id).await?,
        can_manage,
    })
}

/// People the caller may see, optionally only those of one organisation's subtree.
pub async fn list(
    tx: &mut Tx,
    caller: &Caller<'_>,
    within: Option<OrgId>,
    filter: UserFilter,
    page: Page,
) -> Result<(Vec<UserListItem>, i64)> {
    let filter = scoped_filter(tx, caller, within, filter).await?;
    users::list(tx, &filter, page).await
}

/// `filter` narrowed to the people the caller may see (and to `within`'s subtree); refused to
/// someone who may see nobody.
pub async fn scoped_filter(
    tx: &mut Tx,
    caller: &Caller<'_>,
    within: Option<OrgId>,
    mut filter: UserFilter,
) -> Result<UserFilter> {
    filter.within = caller.scope(Action::ViewUser);
    if filter.within.as_ref().is_some_and(|s| s.is_empty()) {
        return Err(AppError::forbidden());
    }
    if let Some(id) = within {
        let org = orgs::get(tx, id)
            .await?
            .ok_or_else(|| AppError::not_found("organisation"))?;
        caller.require(Action::ViewUser, &org.path)?;
        filter.within = filter.within.map(|s| s.within_subtree(&org.path));
    }
    Ok(filter)
}

/// A person's name, e-mail and organisation.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateUserBody)]
pub struct ProfileInput {
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Left out, the person stays where they are.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<OrgId>,
}

/// A new password for someone else.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ResetPasswordBody)]
pub struct ResetPasswordInput {
    /// Omit to have one generated.
    #[serde(default)]
    pub password: Option<String>,
}

/// A role on an organisation's subtree.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = GrantBody)]
pub struct GrantInput {
    pub role: Role,
    #[schema(value_type = i64)]
    pub org_id: OrgId,
}

pub async fn update(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: UserId,
    input: &ProfileInput,
) -> Result<User> {
    let (before, _) = load_managed(tx, caller, id).await?;
    let mut v = Validator::new();
    let display_name = v.required_text("display_name", &input.display_name, DISPLAY_NAME_MAX);
    let email = validate_email(&mut v, input.email.as_deref());
    v.finish()?;
    let org = org_of(tx, input.org_id.or(Some(before.org_id))).await?;
    if org.id != before.org_id {
        caller.require(Action::ManageUser, &org.path)?;
        if org.is_archived() {
            return Err(AppError::conflict_on("org_id", "org_archived"));
        }
    }
    let now = Timestamp::now();
    users::update_profile(tx, id, &display_name, email.as_deref(), org.id, now).await?;
    let after = load(tx, id).await?;
    record(
        tx,
        caller,
        Change::new("user.update", "user", id.0)
            .label(&after.username)
            .org(org.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    changes::record(tx, "user", id.0, "upsert", now).await?;
    Ok(after)
}

/// Sets a new password chosen by an administrator (or generated), ends the person's sessions
/// and revokes their API tokens. Returns the generated password, if any.
pub async fn reset_password(
    db: &Db,
    caller: &Caller<'_>,
    id: UserId,
    input: &ResetPasswordInput,
) -> Result<Option<String>> {
    let password = input.password.as_deref();
    let username = {
        let mut tx = db.read().await?;
        load_managed(&mut tx, caller, id).await?.0.username
    };
    let (password, generated) = match password.filter(|p| !p.is_empty()) {
        Some(p) => {
            let mut v = Validator::new();
            validate_password(&mut v, "password", p, &username);
            v.finish()?;
            (p.to_string(), None)
        }
        None => {
            let p = secrets::random_password();
            (p.clone(), Some(p))
        }
    };
    let hash = passwords::hash(password).await?;
    let mut tx = db.begin().await?;
    let (user, _) = load_managed(&mut tx, caller, id).await?;
    let now = Timestamp::now();
    users::set_password(&mut tx, id, &hash, now).await?;
    users::clear_failures(&mut tx, id).await?;
    let ended = sessions::delete_for_user(&mut tx, id, None).await?;
    let revoked = tokens::revoke_all_of_user(&mut tx, id, now).await?;
    record(
        &mut tx,
        caller,
        Change::new("user.reset_password", "user", id.0)
            .label(&user.username)
            .org(user.org_id)
            .after(&serde_json::json!({ "sessions_ended": ended, "tokens_revoked": revoked })),
    )
    .await?;
    tx.commit().await?;
    Ok(generated)
}

pub async fn unlock(tx: &mut Tx, caller: &Caller<'_>, id: UserId) -> Result<User> {
    let (before, _) = load_managed(tx, caller, id).await?;
    users::clear_failures(tx, id).await?;
    let after = load(tx, id).await?;
    record(
        tx,
        caller,
        Change::new("user.unlock", "user", id.0)
            .label(&before.username)
            .org(before.org_id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Deactivating keeps the person and their records but ends their sessions and revokes their
/// API tokens (which do not come back if the account is activated again).
pub async fn set_active(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: UserId,
    active: bool,
) -> Result<User> {
    if caller.user_id() == Some(id) && !active {
        return Err(AppError::conflict("cannot_deactivate_self"));
    }
    let (before, _) = load_managed(tx, caller, id).await?;
    let now = Timestamp::now();
    users::set_active(tx, id, active, now).await?;
    if !active {
        sessions::delete_for_user(tx, id, None).await?;
        tokens::revoke_all_of_user(tx, id, now).await?;
    }
    let after = load(tx, id).await?;
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    record(
        tx,
        caller,
        Change::new(action, "user", id.0)
            .label(&before.username)
            .org(before.org_id)
            .before(&before)
            .after(&after),
    )
    .await?;
    changes::record(tx, "user", id.0, "upsert", now).await?;
    Ok(after)
}

pub async fn grant(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: UserId,
    input: &GrantInput,
) -> Result<GrantId> {
    let (role, org_id) = (input.role, input.org_id);
    if caller.user_id() == Some(id) {
        // Nobody widens their own access: another administrator must grant it.
        return Err(AppError::Forbidden {
            code: "cannot_grant_own_role",
        });
    }
    let (user, _) = load_managed(tx, caller, id).await?;
    let org = orgs::get(tx, org_id)
        .await?
        .ok_or_else(|| AppError::field("org_id", "unknown_org"))?;
    caller.require(Action::GrantRole(role), &org.path)?;
    if org.is_archived() {
        return Err(AppError::conflict_on("org_id", "org_archived"));
    }
    let grant = grants::insert(tx, id, role, org.id, caller.user_id(), Timestamp::now()).await?;
    record(
        tx,
        caller,
        grant_change("user.grant", grant, &user, role, &org),
    )
    .await?;
    Ok(grant)
}

pub async fn revoke(tx: &mut Tx, caller: &Caller<'_>, grant_id: GrantId) -> Result<()> {
    let (user_id, grant) = grants::get(tx, grant_id)
        .await?
        .ok_or_else(|| AppError::not_found("grant"))?;
    let (user, _) = load_managed(tx, caller, user_id).await?;
    caller.require(Action::GrantRole(grant.role), &grant.org_path)?;
    if caller.user_id() == Some(user_id) {
        // Withdrawing one's own role could lock everybody out of a subtree.
        return Err(AppError::conflict("cannot_revoke_own_grant"));
    }
    let org = orgs::get(tx, grant.org_id)
        .await?
        .ok_or_else(|| AppError::internal("grant without organisation"))?;
    grants::delete(tx, grant_id).await?;
    let change = grant_change("user.revoke", grant_id, &user, grant.role, &org);
    record(
        tx,
        caller,
        Change {
            before: change.after.clone(),
            after: None,
            ..change
        },
    )
    .await?;
    Ok(())
}
