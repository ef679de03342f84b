//! People and studios as rows of their spreadsheets (and what every export shares), a batch at a time in id order (each batch
//! starts after the last id of the one before), with the codes and usernames an import needs to
//! find their organisations and people again.

use crate::sql::SqlBuilder;
use crate::studios::Filter as StudioFilter;
use crate::users::UserFilter;
use crate::{Result, Tx};
use ingot_domain::time::Date;
use std::collections::HashMap;

/// A person with the roles they hold on their own organisation (the ones an import grants).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonExport {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub active: bool,
    /// Role codes, in order of code.
    #[sqlx(skip)]
    pub roles: Vec<String>,
}

/// A studio with its present members besides the lead.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StudioExport {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub name: String,
    pub kind: String,
    pub lead: String,
    pub founded_on: Date,
    pub address: String,
    pub description: String,
    pub level: Option<String>,
    pub status: String,
    /// Field codes, in order of code.
    #[sqlx(skip)]
    pub fields: Vec<String>,
    /// Usernames of the present members (not the lead), in order of username.
    #[sqlx(skip)]
    pub members: Vec<String>,
}

/// Appends the keyset: rows after `after`, at most `limit` of them, in id order.
pub(crate) fn after_id(b: &mut SqlBuilder, column: &'static str, after: i64, limit: i64) {
    b.push(" AND ").push(column).push(" > ").bind(after);
    b.push(" ORDER BY ")
        .push(column)
        .push(" LIMIT ")
        .bind(limit);
}

/// The texts linked to each of `ids` by `sql` (which ends in `IN`), in the order `order` sorts.
pub(crate) async fn linked(
    tx: &mut Tx,
    (sql, order): (&'static str, &'static str),
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>> {
    let mut by_id: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_id);
    }
    let mut b = SqlBuilder::new(sql);
    b.values(ids).push(order);
    let rows: Vec<(i64, String)> = tx.fetch_all(b.build()).await?;
    for (id, text) in rows {
        by_id.entry(id).or_default().push(text);
    }
    Ok(by_id)
}

/// The next `limit` people after id `after` that `f` finds, with their roles.
pub async fn export_people(
    tx: &mut Tx,
    f: &UserFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<PersonExport>> {
    let mut b = SqlBuilder::new(
        "SELECT u.id, o.code AS unit_code, o.name AS unit_name, u.username, u.display_name,
            u.email, u.active FROM users u JOIN organisations o ON o.id = u.org_id",
    );
    crate::users::conditions(&mut b, f);
    after_id(&mut b, "u.id", after, limit);
    let mut rows: Vec<PersonExport> = tx.fetch_all(b.build()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut roles = linked(
        tx,
        (
            "SELECT g.user_id, g.role FROM role_grants g JOIN users gu ON gu.id = g.user_id
             WHERE g.org_id = gu.org_id AND g.user_id IN ",
            " ORDER BY g.user_id, g.role",
        ),
        &ids,
    )
    .await?;
    for row in &mut rows {
        row.roles = roles.remove(&row.id).unwrap_or_default();
    }
    Ok(rows)
}

/// The next `limit` studios after id `after` that `f` finds, with their fields and members.
pub async fn export_studios(
    tx: &mut Tx,
    f: &StudioFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<StudioExport>> {
    let mut b = crate::studios::registry::filtered(
        "SELECT s.id, o.code AS unit_code, o.name AS unit_name, s.name, s.kind, u.username AS lead,
            s.founded_on, s.address, s.description, s.level, s.status
         FROM studios s JOIN organisations o ON o.id = s.unit_id JOIN users u ON u.id = s.lead_id",
        f,
    );
    after_id(&mut b, "s.id", after, limit);
    let mut rows: Vec<StudioExport> = tx.fetch_all(b.build()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut fields = linked(
        tx,
        (
            "SELECT studio_id, field FROM studio_fields WHERE studio_id IN ",
            " ORDER BY studio_id, field",
        ),
        &ids,
    )
    .await?;
    let mut members = linked(
        tx,
        (
            "SELECT m.studio_id, mu.username FROM studio_members m JOIN users mu ON mu.id = m.user_id
             WHERE m.left_on IS NULL AND m.role = 'member' AND m.studio_id IN ",
            " ORDER BY m.studio_id, mu.username",
        ),
        &ids,
    )
    .await?;
    for row in &mut rows {
        row.fields = fields.remove(&row.id).unwrap_or_default();
        row.members = members.remove(&row.id).unwrap_or_default();
    }
    Ok(rows)
}
