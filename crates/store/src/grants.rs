//! Roles granted on organisation subtrees.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{AppError, Grant, GrantId, OrgId, OrgPath, Role, Timestamp, UserId};

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    role: String,
    org_id: i64,
    path: String,
}

impl TryFrom<GrantRow> for Grant {
    type Error = AppError;
    fn try_from(r: GrantRow) -> Result<Self> {
        Ok(Grant {
            id: GrantId(r.id),
            role: Role::parse(&r.role)
                .ok_or_else(|| AppError::internal(format!("stored role {:?}", r.role)))?,
            org_id: OrgId(r.org_id),
            org_path: OrgPath::from_stored(r.path),
        })
    }
}

/// A grant with the names a page shows.
#[derive(Debug, Clone)]
pub struct GrantView {
    pub grant: Grant,
    pub org_name: String,
}

pub async fn of_user(tx: &mut Tx, user: UserId) -> Result<Vec<Grant>> {
    let rows: Vec<GrantRow> = tx
        .fetch_all(
            Sql::new(
                "SELECT g.id, g.role, g.org_id, o.path FROM role_grants g JOIN organisations o ON o.id = g.org_id
                 WHERE g.user_id = $1 ORDER BY g.id",
            )
            .bind(user),
        )
        .await?;
    rows.into_iter().map(Grant::try_from).collect()
}

pub async fn views_of_user(tx: &mut Tx, user: UserId) -> Result<Vec<GrantView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        grant: GrantRow,
        org_name: String,
    }
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(
                "SELECT g.id, g.role, g.org_id, o.path, o.name AS org_name
                 FROM role_grants g JOIN organisations o ON o.id = g.org_id
                 WHERE g.user_id = $1 ORDER BY g.id",
            )
            .bind(user),
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(GrantView {
                grant: r.grant.try_into()?,
                org_name: r.org_name,
            })
        })
        .collect()
}

/// (user, role) pairs for the given users, for list pages.
pub async fn roles_of(tx: &mut Tx, users: &[UserId]) -> Result<Vec<(UserId, Role)>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut b =
        SqlBuilder::new("SELECT DISTINCT g.user_id, g.role FROM role_grants g WHERE g.user_id IN ");
    b.values(users).push(" ORDER BY g.user_id, g.role");
    let rows: Vec<(i64, String)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, r)| Some((UserId(u), Role::parse(&r)?)))
        .collect())
}

pub async fn get(tx: &mut Tx, id: GrantId) -> Result<Option<(UserId, Grant)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: i64,
        #[sqlx(flatten)]
        grant: GrantRow,
    }
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::new(
                "SELECT g.user_id, g.id, g.role, g.org_id, o.path FROM role_grants g
                 JOIN organisations o ON o.id = g.org_id WHERE g.id = $1",
            )
            .bind(id),
        )
        .await?;
    row.map(|r| Ok((UserId(r.user_id), r.grant.try_into()?)))
        .transpose()
}

pub async fn insert(
    tx: &mut Tx,
    user: UserId,
    role: Role,
    org: OrgId,
    granted_by: Option<UserId>,
    now: Timestamp,
) -> Result<GrantId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO role_grants (user_id, role, org_id, granted_by, granted_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user)
            .bind(role)
            .bind(org)
            .bind(granted_by)
            .bind(now),
        )
        .await?;
    Ok(GrantId(id))
}

/// A grant as directory sign-in sees it: whether the directory's group mapping gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldGrant {
    pub id: GrantId,
    pub role: Role,
    pub org_id: OrgId,
    pub from_directory: bool,
}

/// Every grant of a person with its source, for directory sign-in to bring in line.
pub async fn held_with_source(tx: &mut Tx, user: UserId) -> Result<Vec<HeldGrant>> {
    let rows: Vec<(i64, String, i64, bool)> = tx
        .fetch_all(
            Sql::new(
                "SELECT id, role, org_id, from_directory FROM role_grants WHERE user_id = $1 ORDER BY id",
            )
            .bind(user),
        )
        .await?;
    rows.into_iter()
        .map(|(id, role, org_id, from_directory)| {
            Ok(HeldGrant {
                id: GrantId(id),
                role: Role::parse(&role)
                    .ok_or_else(|| AppError::internal(format!("stored role {role:?}")))?,
                org_id: OrgId(org_id),
                from_directory,
            })
        })
        .collect()
}

/// A grant given by the directory's group mapping (withdrawn by a later sign-in when the
/// directory no longer gives it).
pub async fn insert_from_directory(
    tx: &mut Tx,
    user: UserId,
    role: Role,
    org: OrgId,
    now: Timestamp,
) -> Result<GrantId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO role_grants (user_id, role, org_id, granted_by, granted_at, from_directory)
                 VALUES ($1, $2, $3, NULL, $4, TRUE) RETURNING id",
            )
            .bind(user)
            .bind(role)
            .bind(org)
            .bind(now),
        )
        .await?;
    Ok(GrantId(id))
}

pub async fn delete(tx: &mut Tx, id: GrantId) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM role_grants WHERE id = $1").bind(id))
        .await?;
    Ok(())
}

/// Active people holding `role` on `target` or on one of its ancestors: who can act there.
pub async fn holders(tx: &mut Tx, role: Role, target: &OrgPath) -> Result<Vec<UserId>> {
    holders_of_roles(tx, &[role], target).await
}

/// The active people holding any of `roles` on `target` or an organisation above it.
pub async fn holders_of_roles(
    tx: &mut Tx,
    roles: &[Role],
    target: &OrgPath,
) -> Result<Vec<UserId>> {
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id
         WHERE u.active = TRUE AND g.role IN ",
    );
    b.values(roles)
        .push(" AND g.org_id IN ")
        .values(&target.ids())
        .push(" ORDER BY g.user_id");
    let rows: Vec<(i64,)> = tx.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(|(id,)| UserId(id)).collect())
}
