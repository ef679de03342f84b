//! People who sign in: usernames, passwords and account state.

use crate::error::FieldError;
use crate::ids::{OrgId, UserId};
use crate::lang::Lang;
use crate::time::Timestamp;
use crate::validate::Validator;
use serde::Serialize;

pub const USERNAME_MIN: usize = 2;
pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;
pub const DISPLAY_NAME_MAX: usize = 100;

/// Failed sign-ins within the window (counted from the first of them) before an account is
/// locked, and for how long. Older failures no longer count, and the lock expires by itself.
pub const LOCKOUT_THRESHOLD: i64 = 5;
pub const FAILURE_WINDOW_MINUTES: u64 = 15;
pub const LOCKOUT_MINUTES: u64 = 15;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub lang: Option<Lang>,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl User {
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// Usernames are lower-case ASCII so that sign-in is not confused by case or look-alikes.
pub fn validate_username(v: &mut Validator, raw: &str) -> String {
    let name = raw.trim().to_ascii_lowercase();
    let count = name.chars().count();
    if name.is_empty() {
        v.add(FieldError::new("username", "required"));
    } else if !(USERNAME_MIN..=USERNAME_MAX).contains(&count) {
        v.add(
            FieldError::new("username", "length_between")
                .with("min", USERNAME_MIN)
                .with("max", USERNAME_MAX),
        );
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        v.add(FieldError::new("username", "invalid_username"));
    }
    name
}

/// A password must be long enough, not absurdly long (argon2 cost), and not the username.
pub fn validate_password(v: &mut Validator, field: &str, password: &str, username: &str) {
    let count = password.chars().count();
    if count < PASSWORD_MIN {
        v.add(FieldError::new(field, "password_too_short").with("min", PASSWORD_MIN));
    } else if count > PASSWORD_MAX {
        v.add(FieldError::new(field, "too_long").with("max", PASSWORD_MAX));
    } else if password.trim().eq_ignore_ascii_case(username.trim()) {
        v.add(FieldError::new(field, "password_is_username"));
    }
}

pub fn validate_email(v: &mut Validator, raw: Option<&str>) -> Option<String> {
    let email = v.optional_text("email", raw, 254)?;
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if !valid {
        v.add(FieldError::new("email", "invalid_email"));
    }
    Some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        let mut v = Validator::new();
        assert_eq!(validate_username(&mut v, " Zhao.PengDa "), "zhao.pengda");
        assert!(v.is_empty());
        for bad in ["", "a", "赵鹏达", "-lead", "has space"] {
            let mut v = Validator::new();
            validate_username(&mut v, bad);
            assert!(!v.is_empty(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn passwords_need_length_and_differ_from_username() {
        let mut v = Validator::new();
        validate_password(&mut v, "password", "short", "zhang");
        validate_password(&mut v, "password", "zhangwenbin", "zhangwenbin");
        validate_password(&mut v, "password", "a long enough passphrase", "zhang");
        let Err(crate::AppError::Validation(errors)) = v.finish() else {
            panic!()
        };
        let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["password_too_short", "password_is_username"]);
    }

    #[test]
    fn emails_need_an_at_and_a_domain() {
        for (raw, ok) in [
            ("a@b.cn", true),
            ("nobody", false),
            ("a@b", false),
            ("a b@c.cn", false),
        ] {
            let mut v = Validator::new();
            validate_email(&mut v, Some(raw));
            assert_eq!(v.is_empty(), ok, "{raw}");
        }
    }
}
