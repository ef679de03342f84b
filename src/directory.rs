//! `ingot serve`'s settings for directory sign-in (LDAP / Active Directory).

use anyhow::{Context, Result, bail};
use ingot_app::directory::{DirectoryConfig, GroupRole};
use ingot_store::Db;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
#[command(next_help_heading = "Directory sign-in (LDAP / Active Directory)")]
pub struct DirectoryArgs {
    /// The directory, e.g. ldap://ldap.example.cn:389/. Without it, only local accounts sign in.
    #[arg(long, env = "INGOT_LDAP_URL")]
    ldap_url: Option<String>,
    /// The service account that searches for people, e.g. cn=ingot,ou=services,dc=example,dc=cn
    /// (none: an anonymous search).
    #[arg(long, env = "INGOT_LDAP_BIND_DN")]
    ldap_bind_dn: Option<String>,
    /// The service account's password (better: --ldap-bind-password-file).
    #[arg(long, env = "INGOT_LDAP_BIND_PASSWORD", hide_env_values = true)]
    ldap_bind_password: Option<String>,
    /// A file holding the service account's password (its first line).
    #[arg(
        long,
        env = "INGOT_LDAP_BIND_PASSWORD_FILE",
        conflicts_with = "ldap_bind_password"
    )]
    ldap_bind_password_file: Option<PathBuf>,
    /// Where people are searched, e.g. ou=people,dc=example,dc=cn.
    #[arg(long, env = "INGOT_LDAP_BASE_DN")]
    ldap_base_dn: Option<String>,
    /// The filter that finds one person; {username} is the typed username, escaped (RFC 4515).
    /// Active Directory: (&(objectClass=user)(sAMAccountName={username})).
    #[arg(long, env = "INGOT_LDAP_USER_FILTER", default_value = DirectoryConfig::DEFAULT_USER_FILTER)]
    ldap_user_filter: String,
    /// The attribute holding a person's display name (cn when it is empty).
    #[arg(
        long,
        env = "INGOT_LDAP_DISPLAY_NAME_ATTRIBUTE",
        default_value = "displayName"
    )]
    ldap_display_name_attribute: String,
    /// The attribute holding a person's e-mail address.
    #[arg(long, env = "INGOT_LDAP_EMAIL_ATTRIBUTE", default_value = "mail")]
    ldap_email_attribute: String,
    /// The attribute of a person's entry listing their groups ("" for none).
    #[arg(long, env = "INGOT_LDAP_GROUP_ATTRIBUTE", default_value = "memberOf")]
    ldap_group_attribute: String,
    /// A search for the groups that list a person; {dn} is the person's DN, escaped ("" for
    /// none). OpenLDAP without the memberof overlay needs it.
    #[arg(long, env = "INGOT_LDAP_GROUP_FILTER", default_value = DirectoryConfig::DEFAULT_GROUP_FILTER)]
    ldap_group_filter: String,
    /// Where groups are searched (the base DN when not given).
    #[arg(long, env = "INGOT_LDAP_GROUP_BASE_DN")]
    ldap_group_base_dn: Option<String>,
    /// The code of the organisation where a person new to Ingot is placed.
    #[arg(long, env = "INGOT_LDAP_DEFAULT_ORG")]
    ldap_default_org: Option<String>,
    /// A role that members of a group hold: `GROUP-DN => ROLE@ORG-CODE` (`*` as the group: every
    /// directory person). Repeat the flag, or separate rules with `;` in the variable.
    #[arg(long = "ldap-group-role", env = "INGOT_LDAP_GROUP_ROLES", value_delimiter = ';', value_parser = parse_rule)]
    ldap_group_roles: Vec<GroupRole>,
    /// Seconds the directory has to answer each step of a sign-in.
    #[arg(long, env = "INGOT_LDAP_TIMEOUT_SECS", default_value_t = 5)]
    ldap_timeout_secs: u64,
}

fn parse_rule(text: &str) -> Result<GroupRole, String> {
    GroupRole::parse(text)
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl DirectoryArgs {
    /// The directory's settings, checked against the database (every organisation code named
    /// exists), or none when no directory is configured.
    pub async fn config(self, db: &Db) -> Result<Option<DirectoryConfig>> {
        let Some(url) = self.ldap_url.as_deref().and_then(non_empty) else {
            return Ok(None);
        };
        let base_dn = self
            .ldap_base_dn
            .as_deref()
            .and_then(non_empty)
            .context("INGOT_LDAP_BASE_DN (--ldap-base-dn) is needed with INGOT_LDAP_URL")?;
        let default_org = self
            .ldap_default_org
            .as_deref()
            .and_then(non_empty)
            .context("INGOT_LDAP_DEFAULT_ORG (--ldap-default-org) is needed with INGOT_LDAP_URL")?;
        let bind_password = match (&self.ldap_bind_password, &self.ldap_bind_password_file) {
            (_, Some(file)) => std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            (Some(password), None) => password.clone(),
            (None, None) => String::new(),
        };
        let bind_dn = self.ldap_bind_dn.as_deref().and_then(non_empty);
        if bind_dn.is_some() && bind_password.is_empty() {
            bail!("the LDAP service account has no password (INGOT_LDAP_BIND_PASSWORD or _FILE)");
        }
        let mut config = DirectoryConfig::new(&url, &base_dn, &default_org);
        config.bind_dn = bind_dn;
        config.bind_password = bind_password;
        config.user_filter = self.ldap_user_filter;
        config.display_name_attribute = self.ldap_display_name_attribute;
        config.email_attribute = self.ldap_email_attribute;
        config.group_attribute = non_empty(&self.ldap_group_attribute);
        config.group_filter = non_empty(&self.ldap_group_filter);
        config.group_base_dn = self.ldap_group_base_dn.as_deref().and_then(non_empty);
        config.group_roles = self.ldap_group_roles;
        config.timeout = Duration::from_secs(self.ldap_timeout_secs.max(1));
        let problems = config.check_against(db).await?;
        if !problems.is_empty() {
            bail!("directory sign-in: {}", problems.join("; "));
        }
        Ok(Some(config))
    }
}
