//! The organisation tree.

use crate::dialect::contains_pattern;
use crate::org_tally::{self, Delta};
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::org::{NewOrg, Organisation};
use ingot_domain::{AppError, OrgId, OrgKind, OrgPath, OrgScope, Timestamp};

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    parent_id: Option<i64>,
    code: String,
    name: String,
    name_en: Option<String>,
    kind: String,
    path: String,
    archived_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "o.id, o.parent_id, o.code, o.name, o.name_en, o.kind, o.path, o.archived_at, o.created_at, o.updated_at";

impl TryFrom<OrgRow> for Organisation {
    type Error = AppError;
    fn try_from(r: OrgRow) -> Result<Self> {
        Ok(Organisation {
            id: OrgId(r.id),
            parent_id: r.parent_id.map(OrgId),
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            kind: OrgKind::parse(&r.kind)
                .ok_or_else(|| AppError::internal(format!("stored org kind {:?}", r.kind)))?,
            path: OrgPath::from_stored(r.path),
            archived_at: r.archived_at.map(Timestamp),
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

fn convert(rows: Vec<OrgRow>) -> Result<Vec<Organisation>> {
    rows.into_iter().map(Organisation::try_from).collect()
}

pub async fn get(tx: &mut Tx, id: OrgId) -> Result<Option<Organisation>> {
    let row: Option<OrgRow> = tx
        .fetch_optional(Sql::new(
            "SELECT o.id, o.parent_id, o.code, o.name, o.name_en, o.kind, o.path, o.archived_at, o.created_at, o.updated_at
             FROM organisations o WHERE o.id = $1",
        ).bind(id))
        .await?;
    row.map(Organisation::try_from).transpose()
}

pub async fn get_by_code(tx: &mut Tx, code: &str) -> Result<Option<Organisation>> {
    let row: Option<OrgRow> = tx
        .fetch_optional(Sql::new(
            "SELECT o.id, o.parent_id, o.code, o.name, o.name_en, o.kind, o.path, o.archived_at, o.created_at, o.updated_at
             FROM organisations o WHERE o.code = $1",
        ).bind(code))
        .await?;
    row.map(Organisation::try_from).transpose()
}

/// The organisations named by `ids`, in no particular order.
pub async fn get_many(tx: &mut Tx, ids: &[OrgId]) -> Result<Vec<Organisation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLUMNS)
        .push(" FROM organisations o WHERE o.id IN ")
        .values(ids);
    convert(tx.fetch_all(b.build()).await?)
}

/// The chain from the root down to `path`'s organisation.
pub async fn ancestors(tx: &mut Tx, path: &OrgPath) -> Result<Vec<Organisation>> {
    let mut orgs = get_many(tx, &path.ids()).await?;
    orgs.sort_by_key(|o| o.path.as_str().len());
    Ok(orgs)
}

/// An organisation with the counts a tree view shows next to it.
#[derive(Debug, Clone)]
pub struct OrgNode {
    pub org: Organisation,
    pub child_count: i64,
    pub user_count: i64,
}

#[derive(sqlx::FromRow)]
struct NodeRow {
    #[sqlx(flatten)]
    org: OrgRow,
    child_count: i64,
    user_count: i64,
}

/// Children of `parent` (or the roots), archived ones only when asked.
pub async fn children(
    tx: &mut Tx,
    parent: Option<OrgId>,
    include_archived: bool,
) -> Result<Vec<OrgNode>> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLUMNS).push(
        ", (SELECT COUNT(*) FROM organisations c WHERE c.parent_id = o.id AND (c.archived_at IS NULL OR ",
    );
    b.bind(include_archived).push(
        ")) AS child_count,
         (SELECT COUNT(*) FROM users u WHERE u.org_id = o.id) AS user_count
         FROM organisations o WHERE ",
    );
    match parent {
        Some(p) => b.push("o.parent_id = ").bind(p),
        None => b.push("o.parent_id IS NULL"),
    };
    b.push(" AND (o.archived_at IS NULL OR ")
        .bind(include_archived)
        .push(") ORDER BY o.name, o.id");
    let rows: Vec<NodeRow> = tx.fetch_all(b.build()).await?;
    rows.into_iter()
        .map(|r| {
            Ok(OrgNode {
                org: r.org.try_into()?,
                child_count: r.child_count,
                user_count: r.user_count,
            })
        })
        .collect()
}

/// Filters for the flat list of organisations.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Only organisations inside these subtrees; `None` for no restriction.
    pub within: Option<OrgScope>,
    pub kind: Option<OrgKind>,
    pub text: Option<String>,
    pub include_archived: bool,
}

pub async fn list(tx: &mut Tx, filter: &OrgFilter, page: Page) -> Result<(Vec<Organisation>, i64)> {
    fn conditions(b: &mut SqlBuilder, f: &OrgFilter) {
        b.push(" WHERE 1 = 1");
        if let Some(scope) = &f.within {
            b.push(" AND ").scope("o.path", scope);
        }
        if let Some(kind) = f.kind {
            b.push(" AND o.kind = ").bind(kind);
        }
        if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
            let pattern = contains_pattern(text.trim());
            b.push(" AND (LOWER(o.name) LIKE LOWER(")
                .bind(pattern.clone());
            b.push(") ESCAPE '\\' OR LOWER(o.code) LIKE LOWER(")
                .bind(pattern.clone());
            b.push(") ESCAPE '\\' OR LOWER(COALESCE(o.name_en, '')) LIKE LOWER(")
                .bind(pattern);
            b.push(") ESCAPE '\\')");
        }
        if !f.include_archived {
            b.push(" AND o.archived_at IS NULL");
        }
    }
    let mut count = SqlBuilder::new("SELECT COUNT(*) FROM organisations o");
    conditions(&mut count, filter);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLUMNS).push(" FROM organisations o");
    conditions(&mut b, filter);
    b.push(" ORDER BY o.path");
    page.apply(&mut b);
    Ok((convert(tx.fetch_all(b.build()).await?)?, total))
}

/// Inserts an organisation under `parent` (whose path the caller has read) and returns it.
pub async fn insert(
    tx: &mut Tx,
    new: &NewOrg,
    parent: Option<&Organisation>,
    now: Timestamp,
) -> Result<Organisation> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO organisations (parent_id, code, name, name_en, kind, path, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id",
            )
            .bind(new.parent_id)
            .bind(new.code.as_str())
            .bind(new.name.as_str())
            .bind(new.name_en.as_deref())
            .bind(new.kind)
            .bind(now),
        )
        .await?;
    let id = OrgId(id);
    // The path holds the new id, known only now.
    let path = match parent {
        Some(p) => p.path.child(id),
        None => OrgPath::root(id),
    };
    tx.execute(
        Sql::new("UPDATE organisations SET path = $1 WHERE id = $2")
            .bind(&path)
            .bind(id),
    )
    .await?;
    let counted = Delta {
        path: &path,
        metric: new.kind.as_str(),
        by: 1,
    };
    org_tally::apply(tx, &[counted]).await?;
    get(tx, id)
        .await?
        .ok_or_else(|| AppError::internal("inserted organisation vanished"))
}

pub async fn rename(
    tx: &mut Tx,
    id: OrgId,
    name: &str,
    name_en: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE organisations SET name = $1, name_en = $2, updated_at = $3 WHERE id = $4")
            .bind(name)
            .bind(name_en)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Archives `org` and every live organisation below it, all with the same instant, so that
/// restoring can bring back exactly what this archiving took away.
pub async fn archive_subtree(tx: &mut Tx, org: &Organisation, now: Timestamp) -> Result<u64> {
    org_tally::add_subtree_orgs(tx, &org.path, None, -1).await?;
    tx.execute(
        Sql::new(
            "UPDATE organisations SET archived_at = $1, updated_at = $1
             WHERE path >= $2 AND path < $3 AND archived_at IS NULL",
        )
        .bind(now)
        .bind(&org.path)
        .bind(org.path.subtree_end()),
    )
    .await
}

/// Restores `org` and what was archived together with it.
pub async fn restore_subtree(tx: &mut Tx, org: &Organisation, now: Timestamp) -> Result<u64> {
    let Some(archived_at) = org.archived_at else {
        return Ok(0);
    };
    org_tally::add_subtree_orgs(tx, &org.path, Some(archived_at.millis()), 1).await?;
    tx.execute(
        Sql::new(
            "UPDATE organisations SET archived_at = NULL, updated_at = $1
             WHERE path >= $2 AND path < $3 AND archived_at = $4",
        )
        .bind(now)
        .bind(&org.path)
        .bind(org.path.subtree_end())
        .bind(archived_at),
    )
    .await
}

/// Moves `org` with its whole subtree under `new_parent`, rewriting every path below it.
pub async fn move_subtree(
    tx: &mut Tx,
    org: &Organisation,
    new_parent: &Organisation,
    now: Timestamp,
) -> Result<OrgPath> {
    let new_path = new_parent.path.child(org.id);
    tx.execute(
        Sql::new("UPDATE organisations SET parent_id = $1, updated_at = $2 WHERE id = $3")
            .bind(new_parent.id)
            .bind(now)
            .bind(org.id),
    )
    .await?;
    let old_len = org.path.as_str().len() as i64;
    tx.execute(
        Sql::new(
            "UPDATE organisations SET path = $1 || substr(path, CAST($2 AS INTEGER))
             WHERE path >= $3 AND path < $4",
        )
        .bind(&new_path)
        .bind(old_len + 1)
        .bind(&org.path)
        .bind(org.path.subtree_end()),
    )
    .await?;
    crate::audit_tally::move_subtree(tx, org.id, &org.path, &new_path).await?;
    org_tally::move_subtree(tx, org.id, &org.path, &new_path).await?;
    crate::studio_tally::move_subtree(tx, org.id, &org.path, &new_path).await?;
    crate::proposal_stats::move_subtree(tx, org.id, &org.path, &new_path).await?;
    crate::record_tally::move_subtree(tx, org.id, &org.path, &new_path).await?;
    Ok(new_path)
}

/// Removes an organisation that nothing refers to: no children, people, grants, proposals or
/// proposal settings.
/// Returns false (and changes nothing) when something still refers to it.
pub async fn delete_if_unused(tx: &mut Tx, org: &Organisation) -> Result<bool> {
    let deleted = tx
        .execute(
            Sql::new(
                "DELETE FROM organisations WHERE id = $1
                 AND NOT EXISTS (SELECT 1 FROM organisations c WHERE c.parent_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.org_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.unit_id = $1 OR p.enterprise_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM proposal_steps s WHERE s.org_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM review_steps r WHERE r.org_id = $1 OR r.enterprise_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM proposal_categories c WHERE c.enterprise_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM reward_grades rg WHERE rg.enterprise_id = $1)
                 AND NOT EXISTS (SELECT 1 FROM proposal_rollup pr WHERE pr.org_id = $1)",
            )
            .bind(org.id),
        )
        .await?;
    if deleted == 1 {
        crate::audit_tally::remove(tx, org.id, &org.path).await?;
        if !org.is_archived() {
            let counted = Delta {
                path: &org.path,
                metric: org.kind.as_str(),
                by: -1,
            };
            org_tally::apply(tx, &[counted]).await?;
        }
    }
    Ok(deleted == 1)
}

/// Codes among `codes` that are already taken.
pub async fn existing_codes(tx: &mut Tx, codes: &[String]) -> Result<Vec<Organisation>> {
    let mut found = Vec::new();
    // Chunked to stay under the bound-parameter limits of both databases.
    for chunk in codes.chunks(500) {
        let mut b = SqlBuilder::new("SELECT ");
        b.push(COLUMNS)
            .push(" FROM organisations o WHERE o.code IN (");
        for (i, code) in chunk.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.bind(code.as_str());
        }
        b.push(")");
        found.extend(convert(tx.fetch_all(b.build()).await?)?);
    }
    Ok(found)
}
