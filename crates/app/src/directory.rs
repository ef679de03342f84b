//! Directory sign-in (LDAP, Active Directory): finding a person in the directory, checking their
//! password by binding as them, and bringing their local account and the roles their groups
//! give in line with what the directory says.
//!
//! The directory is asked only for people who are not local password accounts (see
//! `auth::sign_in`), so a directory entry can never take over a local account.

use crate::audit::{Change, record_as};
use crate::{Caller, Result};
use ingot_domain::user::{DISPLAY_NAME_MAX, User};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, OrgId, Role, Timestamp};
use ingot_store::{Db, Tx, changes, grants, orgs, users};
use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry, ldap_escape};
use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

/// Where the directory is and how people and their groups are found in it.
#[derive(Clone)]
pub struct DirectoryConfig {
    /// `ldap://host:389/` (plain LDAP; see the README about TLS).
    pub url: String,
    /// The service account that searches; none for an anonymous search.
    pub bind_dn: Option<String>,
    pub bind_password: String,
    /// Where people are searched (the whole subtree).
    pub base_dn: String,
    /// The filter that finds one person; `{username}` is replaced by the typed username,
    /// escaped as RFC 4515 says.
    pub user_filter: String,
    pub display_name_attribute: String,
    pub email_attribute: String,
    /// An attribute of the person's entry listing their groups' DNs (`memberOf`), if any.
    pub group_attribute: Option<String>,
    /// A search for the groups that name the person (`{dn}` is the person's DN, escaped), for
    /// directories without `memberOf` (OpenLDAP without the memberof overlay); none for no
    /// search.
    pub group_filter: Option<String>,
    /// Where groups are searched; the base DN when none.
    pub group_base_dn: Option<String>,
    /// The organisation (by code) where a person new to Ingot is placed.
    pub default_org: String,
    pub group_roles: Vec<GroupRole>,
    /// How long the directory has to answer each step.
    pub timeout: Duration,
}

impl fmt::Debug for DirectoryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryConfig")
            .field("url", &self.url)
            .field("bind_dn", &self.bind_dn)
            .field("bind_password", &"***")
            .field("base_dn", &self.base_dn)
            .field("user_filter", &self.user_filter)
            .field("group_attribute", &self.group_attribute)
            .field("group_filter", &self.group_filter)
            .field("default_org", &self.default_org)
            .field("group_roles", &self.group_roles)
            .finish_non_exhaustive()
    }
}

impl DirectoryConfig {
    pub const DEFAULT_USER_FILTER: &str = "(&(objectClass=person)(uid={username}))";
    pub const DEFAULT_GROUP_FILTER: &str = "(&(objectClass=groupOfNames)(member={dn}))";

    /// A configuration with the defaults for everything but the essentials.
    pub fn new(url: &str, base_dn: &str, default_org: &str) -> Self {
        DirectoryConfig {
            url: url.to_string(),
            bind_dn: None,
            bind_password: String::new(),
            base_dn: base_dn.to_string(),
            user_filter: Self::DEFAULT_USER_FILTER.to_string(),
            display_name_attribute: "displayName".into(),
            email_attribute: "mail".into(),
            group_attribute: Some("memberOf".into()),
            group_filter: Some(Self::DEFAULT_GROUP_FILTER.to_string()),
            group_base_dn: None,
            default_org: default_org.to_string(),
            group_roles: Vec::new(),
            timeout: Duration::from_secs(5),
        }
    }

    /// Problems that make the configuration unusable, found without asking the directory.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let url = self.url.to_ascii_lowercase();
        if url.starts_with("ldaps://") {
            problems.push(
                "ldaps:// is not supported by this build: use ldap:// (see the README)".into(),
            );
        } else if !url.starts_with("ldap://") {
            problems.push(format!("{:?} is not an ldap:// URL", self.url));
        }
        if !self.user_filter.contains("{username}") {
            problems.push("the user filter has no {username}".into());
        }
        if let Some(filter) = &self.group_filter
            && !filter.contains("{dn}")
        {
            problems.push("the group filter has no {dn}".into());
        }
        if self.base_dn.trim().is_empty() {
            problems.push("the base DN is empty".into());
        }
        problems
    }

    /// Checks that every organisation the configuration names exists, so that a mistyped code
    /// stops the server at start instead of failing sign-ins.
    pub async fn check_against(&self, db: &Db) -> Result<Vec<String>> {
        let mut tx = db.read().await?;
        let mut problems = self.problems();
        let codes =
            std::iter::once(&self.default_org).chain(self.group_roles.iter().map(|r| &r.org_code));
        for code in codes.collect::<BTreeSet<_>>() {
            if orgs::get_by_code(&mut tx, code).await?.is_none() {
                problems.push(format!("no organisation has the code {code:?}"));
            }
        }
        Ok(problems)
    }
}

/// One line of the group mapping: members of `group` hold `role` on the organisation whose code
/// is `org_code`. Written `GROUP-DN => ROLE@ORG-CODE`; `*` as the group means every person the
/// directory signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRole {
    /// The group's DN, normalised (see [`normalise_dn`]); `*` for everyone.
    pub group: String,
    pub role: Role,
    pub org_code: String,
}

impl GroupRole {
    pub fn parse(text: &str) -> std::result::Result<GroupRole, String> {
        let (group, grant) = text
            .split_once("=>")
            .ok_or_else(|| format!("{text:?}: expected GROUP-DN => ROLE@ORG-CODE"))?;
        let (role, org) = grant
            .trim()
            .split_once('@')
            .ok_or_else(|| format!("{text:?}: expected ROLE@ORG-CODE after =>"))?;
        let role = Role::parse(role).ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!(
                "{text:?}: unknown role {role:?} (one of {})",
                known.join(", ")
            )
        })?;
        let group = group.trim();
        let org_code = org.trim().to_string();
        if group.is_empty() || org_code.is_empty() {
            return Err(format!("{text:?}: expected GROUP-DN => ROLE@ORG-CODE"));
        }
        Ok(GroupRole {
            group: if group == "*" {
                "*".into()
            } else {
                normalise_dn(group)
            },
            role,
            org_code,
        })
    }
}

/// DNs compared as the directory compares them, near enough: case and the spaces around `,`
/// and `=` do not matter.
pub fn normalise_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| {
            rdn.split('=')
                .map(|part| part.trim().to_lowercase())
                .collect::<Vec<_>>()
                .join("=")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A filter with a placeholder replaced by a value escaped as RFC 4515 says, so that a typed
/// `*`, `(`, `)` or `\` matches itself and cannot widen the search.
pub fn fill(template: &str, placeholder: &str, value: &str) -> String {
    template.replace(placeholder, &ldap_escape(value))
}

/// A person as the directory describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPerson {
    pub dn: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// The DNs of their groups, normalised.
    pub groups: BTreeSet<String>,
}

/// What the directory said about a username and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Person(DirectoryPerson),
    /// Not signed in; the reason is for the audit log only.
    Refused(&'static str),
}

/// The directory did not answer (or answered with an error that is not about the person).
#[derive(Debug, Clone)]
pub struct Unavailable(pub String);

impl From<ldap3::LdapError> for Unavailable {
    fn from(e: ldap3::LdapError) -> Self {
        Unavailable(e.to_string())
    }
}

/// Finds the person by the filter with the service account, reads their groups, then checks
/// the password by binding as the person. An empty password is refused before anything is
/// asked: a simple bind with a DN and no password is an "unauthenticated bind", which many
/// directories answer with success.
pub async fn authenticate(
    config: &DirectoryConfig,
    username: &str,
    password: &str,
) -> std::result::Result<Verdict, Unavailable> {
    if password.is_empty() {
        return Ok(Verdict::Refused("empty_password"));
    }
    // Each operation has the timeout; the whole conversation gets a few of them.
    let whole = config.timeout * 4;
    match tokio::time::timeout(whole, converse(config, username, password)).await {
        Ok(verdict) => verdict,
        Err(_) => Err(Unavailable(format!("no answer within {whole:?}"))),
    }
}

const INVALID_CREDENTIALS: u32 = 49;

async fn converse(
    config: &DirectoryConfig,
    username: &str,
    password: &str,
) -> std::result::Result<Verdict, Unavailable> {
    let settings = LdapConnSettings::new().set_conn_timeout(config.timeout);
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &config.url).await?;
    ldap3::drive!(conn);
    ldap.with_timeout(config.timeout);
    if let Some(dn) = &config.bind_dn {
        let bound = ldap.simple_bind(dn, &config.bind_password).await?;
        if bound.rc != 0 {
            return Err(Unavailable(format!(
                "the service account's bind was refused: {bound}"
            )));
        }
    }
    let mut wanted = vec![
        config.display_name_attribute.as_str(),
        config.email_attribute.as_str(),
        "cn",
    ];
    wanted.extend(config.group_attribute.as_deref());
    let filter = fill(&config.user_filter, "{username}", username);
    let (entries, result) = ldap
        .with_timeout(config.timeout)
        .search(&config.base_dn, Scope::Subtree, &filter, wanted)
        .await?
        .success()
        .map_err(Unavailable::from)?;
    let _ = result;
    let mut entries = entries.into_iter().map(SearchEntry::construct);
    let (Some(entry), None) = (entries.next(), entries.next()) else {
        let _ = ldap.unbind().await;
        // None, or several: a filter that finds several people is refused, not guessed at.
        return Ok(Verdict::Refused("not_one_entry"));
    };
    let attribute = |name: &str| {
        entry
            .attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let first = |name: &str| {
        attribute(name)
            .into_iter()
            .map(|v| v.trim().to_string())
            .find(|v| !v.is_empty())
    };
    let mut groups: BTreeSet<String> = config
        .group_attribute
        .as_deref()
        .map(|a| attribute(a).iter().map(|g| normalise_dn(g)).collect())
        .unwrap_or_default();
    if let Some(template) = &config.group_filter {
        let filter = fill(template, "{dn}", &entry.dn);
        let base = config.group_base_dn.as_deref().unwrap_or(&config.base_dn);
        let (found, _) = ldap
            .with_timeout(config.timeout)
            .search(base, Scope::Subtree, &filter, vec!["1.1"])
            .await?
            .success()
            .map_err(Unavailable::from)?;
        groups.extend(
            found
                .into_iter()
                .map(|g| normalise_dn(&SearchEntry::construct(g).dn)),
        );
    }
    let person = DirectoryPerson {
        dn: entry.dn.clone(),
        display_name: first(&config.display_name_attribute).or_else(|| first("cn")),
        email: first(&config.email_attribute),
        groups,
    };
    // Last, the password: a bind as the person.
    let bound = ldap
        .with_timeout(config.timeout)
        .simple_bind(&person.dn, password)
        .await?;
    let _ = ldap.unbind().await;
    match bound.rc {
        0 => Ok(Verdict::Person(person)),
        INVALID_CREDENTIALS => Ok(Verdict::Refused("wrong_password")),
        _ => Err(Unavailable(format!(
            "the bind as the person failed: {bound}"
        ))),
    }
}

/// The roles on organisations (by code) that a person's groups give.
pub fn roles_given(
    config: &DirectoryConfig,
    groups: &BTreeSet<String>,
) -> BTreeSet<(Role, String)> {
    config
        .group_roles
        .iter()
        .filter(|rule| rule.group == "*" || groups.contains(&rule.group))
        .map(|rule| (rule.role, rule.org_code.clone()))
        .collect()
}

/// Creates or updates the local account of a person the directory signed in (no local
/// password, marked with their entry's DN), and brings the roles the group mapping gave in line
/// with what it gives now: missing ones are added, ones it gave before and gives no more are
/// withdrawn, and roles given by hand are left alone. All in the caller's transaction, each
/// change with its audit row. `None` when the username turned out to be a local password
/// account meanwhile (it is never taken over).
pub(crate) async fn bring_in_line(
    tx: &mut Tx,
    caller: &Caller<'_>,
    config: &DirectoryConfig,
    username: &str,
    person: &DirectoryPerson,
    now: Timestamp,
) -> Result<Option<User>> {
    let display_name = person
        .display_name
        .as_deref()
        .map(|n| n.chars().take(DISPLAY_NAME_MAX).collect::<String>())
        .unwrap_or_else(|| username.to_string());
    // An address the form would refuse is not kept.
    let email = person.email.as_deref().filter(|e| {
        let mut v = Validator::new();
        ingot_domain::user::validate_email(&mut v, Some(e));
        v.is_empty()
    });
    let label = username;
    let user = match users::get_by_username(tx, username).await? {
        Some(existing) => {
            let (hash, dn) = users::sign_in_facts(tx, existing.id).await?;
            if dn.is_none() && crate::passwords::is_usable(&hash) {
                return Ok(None);
            }
            let changed = existing.display_name != display_name
                || existing.email.as_deref() != email
                || dn.as_deref() != Some(person.dn.as_str());
            if changed {
                users::update_profile(tx, existing.id, &display_name, email, existing.org_id, now)
                    .await?;
                users::set_directory_dn(tx, existing.id, &person.dn, now).await?;
                let after = serde_json::json!({
                    "display_name": display_name, "email": email, "directory_dn": person.dn,
                });
                let before = serde_json::json!({
                    "display_name": existing.display_name, "email": existing.email, "directory_dn": dn,
                });
                record_as(
                    tx,
                    caller,
                    label,
                    Change::new("user.update", "user", existing.id.0)
                        .label(username)
                        .org(existing.org_id)
                        .before(&before)
                        .after(&after),
                )
                .await?;
                changes::record(tx, "user", existing.id.0, "upsert", now).await?;
            }
            users::get(tx, existing.id)
                .await?
                .ok_or_else(users::not_found)?
        }
        None => {
            let org = orgs::get_by_code(tx, &config.default_org)
                .await?
                .filter(|o| !o.is_archived())
                .ok_or_else(|| {
                    AppError::internal(format!(
                        "directory sign-in: the organisation {:?} for new people does not exist or is archived",
                        config.default_org
                    ))
                })?;
            let id = users::insert(
                tx,
                &users::NewUser {
                    org_id: org.id,
                    username,
                    display_name: &display_name,
                    email,
                    password_hash: crate::passwords::UNUSABLE,
                    lang: None,
                },
                now,
            )
            .await?;
            users::set_directory_dn(tx, id, &person.dn, now).await?;
            let user = users::get(tx, id).await?.ok_or_else(users::not_found)?;
            let after = serde_json::json!({ "user": &user, "directory_dn": person.dn });
            record_as(
                tx,
                caller,
                label,
                Change::new("user.create", "user", id.0)
                    .label(username)
                    .org(org.id)
                    .after(&after),
            )
            .await?;
            changes::record(tx, "user", id.0, "upsert", now).await?;
            user
        }
    };
    // The roles the groups give, on organisations that exist (a code that no longer does is
    // logged and skipped: the server checked them all when it started).
    let mut wanted: BTreeSet<(Role, OrgId)> = BTreeSet::new();
    let mut codes = std::collections::BTreeMap::new();
    for (role, code) in roles_given(config, &person.groups) {
        match orgs::get_by_code(tx, &code).await? {
            Some(org) => {
                codes.insert(org.id, code);
                wanted.insert((role, org.id));
            }
            None => tracing::warn!("directory sign-in: no organisation has the code {code:?}"),
        }
    }
    let held = grants::held_with_source(tx, user.id).await?;
    let grant_change = |action, grant: ingot_domain::GrantId, role: Role, org: OrgId| {
        Change::new(action, "user", user.id.0)
            .label(&user.username)
            .org(org)
            .after(&serde_json::json!({
                "grant_id": grant, "role": role, "org_id": org,
                "org_code": codes.get(&org), "source": "directory",
            }))
    };
    for (role, org) in &wanted {
        if !held.iter().any(|g| g.role == *role && g.org_id == *org) {
            let grant = grants::insert_from_directory(tx, user.id, *role, *org, now).await?;
            record_as(
                tx,
                caller,
                label,
                grant_change("user.grant", grant, *role, *org),
            )
            .await?;
        }
    }
    for g in held.iter().filter(|g| g.from_directory) {
        if !wanted.contains(&(g.role, g.org_id)) {
            grants::delete(tx, g.id).await?;
            record_as(
                tx,
                caller,
                label,
                grant_change("user.revoke", g.id, g.role, g.org_id),
            )
            .await?;
        }
    }
    Ok(Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_line_names_a_group_a_role_and_an_organisation() {
        let rule = GroupRole::parse(
            "cn=Innovation-Office, ou=groups,dc=example,dc=cn => unit_admin@DL-UNION",
        )
        .unwrap();
        assert_eq!(
            rule.group,
            "cn=innovation-office,ou=groups,dc=example,dc=cn"
        );
        assert_eq!(rule.role, Role::UnitAdmin);
        assert_eq!(rule.org_code, "DL-UNION");
        assert_eq!(GroupRole::parse("* => employee@X").unwrap().group, "*");
        for bad in [
            "cn=a,dc=b unit_admin@X",
            "cn=a,dc=b => unit_admin",
            "cn=a,dc=b => boss@X",
            " => employee@X",
            "cn=a => employee@",
        ] {
            assert!(GroupRole::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_typed_username_cannot_widen_the_filter() {
        assert_eq!(
            fill("(uid={username})", "{username}", "*)(uid=*"),
            "(uid=\\2a\\29\\28uid=\\2a)"
        );
        assert_eq!(
            fill("(uid={username})", "{username}", "li.ming"),
            "(uid=li.ming)"
        );
    }

    #[test]
    fn groups_give_roles_by_the_mapping() {
        let mut config = DirectoryConfig::new("ldap://127.0.0.1:389", "dc=example,dc=cn", "X");
        config.group_roles = vec![
            GroupRole::parse("cn=a,dc=x => reviewer@A").unwrap(),
            GroupRole::parse("cn=b,dc=x => unit_admin@B").unwrap(),
            GroupRole::parse("* => employee@A").unwrap(),
        ];
        let groups = BTreeSet::from([normalise_dn("CN=a, DC=x")]);
        let given = roles_given(&config, &groups);
        assert_eq!(
            given,
            BTreeSet::from([(Role::Reviewer, "A".into()), (Role::Employee, "A".into())])
        );
        assert!(config.problems().is_empty());
        config.url = "ldaps://x".into();
        config.user_filter = "(uid=x)".into();
        assert_eq!(config.problems().len(), 2);
        config.bind_password = "service-s3cret".into();
        assert!(!format!("{config:?}").contains("s3cret"), "redacted");
    }
}
