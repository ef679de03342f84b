//! People who sign in.

use crate::dialect::contains_pattern;
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::user::{FAILURE_WINDOW_MINUTES, LOCKOUT_MINUTES, LOCKOUT_THRESHOLD, User};
use ingot_domain::{AppError, Lang, OrgId, OrgPath, OrgScope, Role, Timestamp, UserId};
use std::time::Duration;

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    org_id: i64,
    username: String,
    display_name: String,
    email: Option<String>,
    lang: Option<String>,
    active: bool,
    failed_logins: i64,
    locked_until: Option<i64>,
    created_at: i64,
}

pub(crate) const COLUMNS: &str = "u.id, u.org_id, u.username, u.display_name, u.email, u.lang, u.active, u.failed_logins, u.locked_until, u.created_at";

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: UserId(r.id),
            org_id: OrgId(r.org_id),
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            lang: r.lang.as_deref().and_then(Lang::parse),
            active: r.active,
            failed_logins: r.failed_logins,
            locked_until: r.locked_until.map(Timestamp),
            created_at: Timestamp(r.created_at),
        }
    }
}

pub struct NewUser<'a> {
    pub org_id: OrgId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub lang: Option<Lang>,
}

pub async fn insert(tx: &mut Tx, new: &NewUser<'_>, now: Timestamp) -> Result<UserId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO users (org_id, username, display_name, email, password_hash, lang, active,
                                    failed_logins, password_changed_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE, 0, $7, $7, $7) RETURNING id",
            )
            .bind(new.org_id)
            .bind(new.username)
            .bind(new.display_name)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(new.lang)
            .bind(now),
        )
        .await?;
    crate::org_tally::add_people(tx, &[(new.org_id, 1)]).await?;
    Ok(UserId(id))
}

pub async fn get(tx: &mut Tx, id: UserId) -> Result<Option<User>> {
    let row: Option<UserRow> = tx
        .fetch_optional(
            Sql::new(
                "SELECT u.id, u.org_id, u.username, u.display_name, u.email, u.lang, u.active, u.failed_logins,
                        u.locked_until, u.created_at FROM users u WHERE u.id = $1",
            )
            .bind(id),
        )
        .await?;
    Ok(row.map(User::from))
}

/// A person with their organisation's path, in one query (the hot path of every request).
pub async fn get_with_org_path(tx: &mut Tx, id: UserId) -> Result<Option<(User, OrgPath)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        path: String,
    }
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::new(
                "SELECT u.id, u.org_id, u.username, u.display_name, u.email, u.lang, u.active, u.failed_logins,
                        u.locked_until, u.created_at, o.path
                 FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
            )
            .bind(id),
        )
        .await?;
    Ok(row.map(|r| (User::from(r.user), OrgPath::from_stored(r.path))))
}

pub async fn get_by_username(tx: &mut Tx, username: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = tx
        .fetch_optional(
            Sql::new(
                "SELECT u.id, u.org_id, u.username, u.display_name, u.email, u.lang, u.active, u.failed_logins,
                        u.locked_until, u.created_at FROM users u WHERE u.username = $1",
            )
            .bind(username),
        )
        .await?;
    Ok(row.map(User::from))
}

pub async fn password_hash(tx: &mut Tx, id: UserId) -> Result<String> {
    let (hash,): (String,) = tx
        .fetch_one(Sql::new("SELECT password_hash FROM users WHERE id = $1").bind(id))
        .await?;
    Ok(hash)
}

/// A sign-in attempt allowed to check its password: the how-manieth of the current window
/// (counted before the password is checked), and the lock it set, if it was the last allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptClaim {
    pub number: i64,
    pub locked_until: Option<Timestamp>,
}

/// Claims one attempt for an account that is not locked, in one statement: every attempt
/// counts as a failure until its password proves good, so that parallel guesses cannot all
/// pass the check before any of them is counted. Failures older than the window (counted from
/// the first of them) no longer count; the attempt that reaches the threshold locks the
/// account. `None` when the account is locked.
pub async fn claim_sign_in_attempt(
    tx: &mut Tx,
    id: UserId,
    now: Timestamp,
) -> Result<Option<AttemptClaim>> {
    let window_opened_after = now.minus(Duration::from_secs(FAILURE_WINDOW_MINUTES * 60));
    let until = now.plus(Duration::from_secs(LOCKOUT_MINUTES * 60));
    // SET sees the row as it was, so the new count is spelled out where the lock needs it.
    let row: Option<(i64, Option<i64>)> = tx
        .fetch_optional(
            Sql::new(
                "UPDATE users SET
                    failed_logins = CASE WHEN failures_since IS NULL OR failures_since <= $1
                                         THEN 1 ELSE failed_logins + 1 END,
                    failures_since = CASE WHEN failures_since IS NULL OR failures_since <= $1
                                          THEN $2 ELSE failures_since END,
                    locked_until = CASE WHEN (CASE WHEN failures_since IS NULL OR failures_since <= $1
                                                   THEN 1 ELSE failed_logins + 1 END) >= $3
                                        THEN $4 ELSE NULL END
                 WHERE id = $5 AND (locked_until IS NULL OR locked_until <= $2)
                 RETURNING failed_logins, locked_until",
            )
            .bind(window_opened_after)
            .bind(now)
            .bind(LOCKOUT_THRESHOLD)
            .bind(until)
            .bind(id),
        )
        .await?;
    Ok(row.map(|(number, locked_until)| AttemptClaim {
        number,
        locked_until: locked_until.map(Timestamp),
    }))
}

/// After a good password: clears the failures, unless the account was locked meanwhile by
/// other attempts (or deactivated). The attempt that set the lock itself may still succeed.
/// Returns whether the sign-in may go on.
pub async fn sign_in_succeeded(
    tx: &mut Tx,
    id: UserId,
    claim: AttemptClaim,
    now: Timestamp,
) -> Result<bool> {
    let locked_by_this_attempt = claim.locked_until.is_some();
    let n = tx
        .execute(
            Sql::new(
                "UPDATE users SET failed_logins = 0, failures_since = NULL, locked_until = NULL
                 WHERE id = $1 AND active = TRUE
                   AND (locked_until IS NULL OR locked_until <= $2 OR $3)",
            )
            .bind(id)
            .bind(now)
            .bind(locked_by_this_attempt),
        )
        .await?;
    Ok(n == 1)
}

/// Clears failures and any lock (by an administrator, or after a password reset).
pub async fn clear_failures(tx: &mut Tx, id: UserId) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE users SET failed_logins = 0, failures_since = NULL, locked_until = NULL WHERE id = $1",
        )
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_password(tx: &mut Tx, id: UserId, hash: &str, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_lang(tx: &mut Tx, id: UserId, lang: Option<Lang>, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3")
            .bind(lang)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn update_profile(
    tx: &mut Tx,
    id: UserId,
    display_name: &str,
    email: Option<&str>,
    org_id: OrgId,
    now: Timestamp,
) -> Result<()> {
    let (was_at, active) = placement(tx, id).await?;
    if active && was_at != org_id {
        crate::org_tally::add_people(tx, &[(was_at, -1), (org_id, 1)]).await?;
    }
    tx.execute(
        Sql::new("UPDATE users SET display_name = $1, email = $2, org_id = $3, updated_at = $4 WHERE id = $5")
            .bind(display_name)
            .bind(email)
            .bind(org_id)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// A person's organisation and whether they are active, as the organisation tally counts them.
async fn placement(tx: &mut Tx, id: UserId) -> Result<(OrgId, bool)> {
    let (org, active): (i64, bool) = tx
        .fetch_one(Sql::new("SELECT org_id, active FROM users WHERE id = $1").bind(id))
        .await?;
    Ok((OrgId(org), active))
}

pub async fn set_active(tx: &mut Tx, id: UserId, active: bool, now: Timestamp) -> Result<()> {
    let (org, was_active) = placement(tx, id).await?;
    if active != was_active {
        let by = if active { 1 } else { -1 };
        crate::org_tally::add_people(tx, &[(org, by)]).await?;
    }
    tx.execute(
        Sql::new("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(active)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// A person in a list, with their organisation's name.
#[derive(Debug, Clone)]
pub struct UserListItem {
    pub user: User,
    pub org_name: String,
    pub roles: Vec<Role>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    user: UserRow,
    org_name: String,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub within: Option<OrgScope>,
    pub org_id: Option<OrgId>,
    pub role: Option<Role>,
    pub text: Option<String>,
    pub active: Option<bool>,
}

/// The people `f` finds, as conditions on `users u JOIN organisations o`.
pub(crate) fn conditions(b: &mut SqlBuilder, f: &UserFilter) {
    b.push(" WHERE 1 = 1");
    if let Some(scope) = &f.within {
        b.push(" AND ").scope("o.path", scope);
    }
    if let Some(org) = f.org_id {
        b.push(" AND u.org_id = ").bind(org);
    }
    if let Some(role) = f.role {
        b.push(" AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = ")
            .bind(role)
            .push(")");
    }
    if let Some(active) = f.active {
        b.push(" AND u.active = ").bind(active);
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = contains_pattern(text.trim());
        b.push(" AND (LOWER(u.username) LIKE LOWER(")
            .bind(pattern.clone());
        b.push(") ESCAPE '\\' OR LOWER(u.display_name) LIKE LOWER(")
            .bind(pattern);
        b.push(") ESCAPE '\\')");
    }
}
pub async fn list(
    tx: &mut Tx,
    filter: &UserFilter,
    page: Page,
) -> Result<(Vec<UserListItem>, i64)> {
    let mut count =
        SqlBuilder::new("SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.org_id");
    conditions(&mut count, filter);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;

    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLUMNS).push(
        ", o.name AS org_name
         FROM users u JOIN organisations o ON o.id = u.org_id",
    );
    conditions(&mut b, filter);
    b.push(" ORDER BY u.username");
    page.apply(&mut b);
    let rows: Vec<ListRow> = tx.fetch_all(b.build()).await?;
    let ids: Vec<UserId> = rows.iter().map(|r| UserId(r.user.id)).collect();
    let roles = crate::grants::roles_of(tx, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let user = User::from(r.user);
            let roles = roles
                .iter()
                .filter(|(id, _)| *id == user.id)
                .map(|(_, role)| *role)
                .collect();
            UserListItem {
                user,
                org_name: r.org_name,
                roles,
            }
        })
        .collect();
    Ok((items, total))
}

pub fn not_found() -> AppError {
    AppError::not_found("user")
}

/// What sign-in needs to choose between the local password and the directory: the stored
/// password hash and the directory entry the person came from (none for a local account).
pub async fn sign_in_facts(tx: &mut Tx, id: UserId) -> Result<(String, Option<String>)> {
    let row: (String, Option<String>) = tx
        .fetch_one(Sql::new("SELECT password_hash, directory_dn FROM users WHERE id = $1").bind(id))
        .await?;
    Ok(row)
}

/// Marks a person as signed in by the directory (their entry's distinguished name).
pub async fn set_directory_dn(tx: &mut Tx, id: UserId, dn: &str, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE users SET directory_dn = $1, updated_at = $2 WHERE id = $3")
            .bind(dn)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}
