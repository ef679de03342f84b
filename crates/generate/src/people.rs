//! People and their roles: an administrator for every federation (the root's is the account a
//! benchmark signs in with), and each enterprise's staff (20 to 50 by the enterprise's weight):
//! the first is its union's unit administrator, the second a reviewer and finance officer, the
//! rest employees of the enterprise or one of its branches.

use crate::names;
use crate::tree::{BRANCHES, Plan};
use ingot_domain::{OrgId, OrgKind, Role, Timestamp};
use ingot_store::bulk::{self, Rows};
use ingot_store::{Arg, Result, Tx, org_tally};

/// A person of an enterprise, as proposals need them.
#[derive(Debug, Clone, Copy)]
pub struct Staff {
    pub user_id: i64,
    pub unit_id: i64,
}

pub fn staff_count(weight: u32) -> usize {
    10 * (weight as usize + 1)
}

pub fn admin_username(user_ns: &str) -> String {
    format!("{user_ns}.admin")
}

pub fn staff_username(user_ns: &str, enterprise: usize, k: usize) -> String {
    format!("{user_ns}.e{enterprise}.{k}")
}

/// Parses a staff username back into (enterprise, k).
pub fn parse_staff(user_ns: &str, username: &str) -> Option<(usize, usize)> {
    let rest = username.strip_prefix(user_ns)?.strip_prefix(".e")?;
    let (e, k) = rest.split_once('.')?;
    Some((e.parse().ok()?, k.parse().ok()?))
}

const USER_COLUMNS: &[&str] = &[
    "id",
    "org_id",
    "username",
    "display_name",
    "email",
    "password_hash",
    "lang",
    "active",
    "failed_logins",
    "locked_until",
    "password_changed_at",
    "created_at",
    "updated_at",
    "daily_digest",
    "failures_since",
];
const GRANT_COLUMNS: &[&str] = &["user_id", "role", "org_id", "granted_by", "granted_at"];

/// Accumulates people and grants for one part.
pub struct Batch<'a> {
    next_id: i64,
    password_hash: &'a str,
    at: Timestamp,
    users: Rows,
    grants: Rows,
    /// People per organisation, for the organisation tally.
    per_org: std::collections::BTreeMap<i64, i64>,
}

impl<'a> Batch<'a> {
    pub async fn open(tx: &mut Tx, password_hash: &'a str, at: Timestamp) -> Result<Batch<'a>> {
        Ok(Batch {
            next_id: bulk::next_id(tx, "users").await?,
            password_hash,
            at,
            users: Rows::new("users", USER_COLUMNS),
            grants: Rows::new("role_grants", GRANT_COLUMNS),
            per_org: Default::default(),
        })
    }

    pub fn person(&mut self, org: i64, username: &str, name: &str, roles: &[(Role, i64)]) {
        let id = self.next_id;
        self.next_id += 1;
        *self.per_org.entry(org).or_default() += 1;
        self.users.push([
            id.into(),
            org.into(),
            username.into(),
            name.into(),
            Arg::Text(None),
            self.password_hash.into(),
            Arg::Text(None),
            true.into(),
            0i64.into(),
            Arg::Int(None),
            self.at.into(),
            self.at.into(),
            self.at.into(),
            false.into(),
            Arg::Int(None),
        ]);
        for (role, on) in roles {
            self.grants.push([
                id.into(),
                (*role).into(),
                (*on).into(),
                Arg::Int(None),
                self.at.into(),
            ]);
        }
    }

    /// Writes the batch; returns how many people it held.
    pub async fn write(self, tx: &mut Tx) -> Result<i64> {
        bulk::write(tx, &self.users).await?;
        bulk::write(tx, &self.grants).await?;
        bulk::sync_identity(tx, "users").await?;
        let per_org: Vec<(OrgId, i64)> =
            self.per_org.iter().map(|(o, n)| (OrgId(*o), *n)).collect();
        org_tally::add_people(tx, &per_org).await?;
        Ok(self.users.len() as i64)
    }
}

/// Every federation's administrator (federation_admin over its subtree).
pub fn federations(batch: &mut Batch, plan: &Plan, ids: &[i64], user_ns: &str) {
    for (i, o) in plan.orgs.iter().enumerate() {
        if matches!(o.kind, OrgKind::Enterprise | OrgKind::Branch) {
            continue;
        }
        let username = if i == 0 {
            admin_username(user_ns)
        } else {
            format!("{user_ns}.f{i}")
        };
        let name = names::person(i, i / 7, i / 3 + 1);
        batch.person(ids[i], &username, &name, &[(Role::FederationAdmin, ids[i])]);
    }
}

/// The staff of enterprise `e` (plan position `slots`), `weight` deciding how many.
pub fn enterprise_staff(
    batch: &mut Batch,
    (e, slots, weight): (usize, &[usize; 1 + BRANCHES], u32),
    ids: &[i64],
    user_ns: &str,
) {
    let own = ids[slots[0]];
    for k in 0..staff_count(weight) {
        let unit = ids[slots[k % slots.len()]];
        let roles: Vec<(Role, i64)> = match k {
            0 => vec![(Role::UnitAdmin, own)],
            1 => vec![(Role::Reviewer, own), (Role::FinanceOfficer, own)],
            _ => vec![(Role::Employee, unit)],
        };
        let org = if k < 2 { own } else { unit };
        let name = names::person(e + k, e / 3 + k, e / 5 + 2 * k);
        batch.person(org, &staff_username(user_ns, e, k), &name, &roles);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staff_username_reads_back() {
        let name = staff_username("g7", 1_234, 5);
        assert_eq!(parse_staff("g7", &name), Some((1_234, 5)));
        assert_eq!(parse_staff("g7", "g7.admin"), None);
        assert_eq!(parse_staff("g70", &name), None);
    }
}
