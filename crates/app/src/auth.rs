//! Sign-in, sessions and API tokens: turning credentials into an `Actor`.

use crate::audit::{Change, record, record_as};
use crate::directory::{self, DirectoryConfig, Unavailable, Verdict};
use crate::throttle::{self, Count, ThrottlePolicy};
use crate::{Caller, Result, passwords, secrets};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::user::User;
use ingot_domain::{Actor, AppError, SessionId, Timestamp, UserId};
use ingot_store::{Db, Tx, grants, sessions, tokens, users};
use std::time::Duration;

/// How long a session lives without use, how long at most however busy it is, and how often
/// its expiry is pushed forward (rarely, so that reading pages does not turn into a write per
/// request).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    pub refresh_after: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(12 * 3600),
            absolute: Duration::from_secs(7 * 24 * 3600),
            refresh_after: Duration::from_secs(300),
        }
    }
}

/// A new session: the cookie value (shown once) and the CSRF token bound to it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub csrf_token: String,
    pub session_id: SessionId,
    pub user: User,
}

/// A live session resolved from its cookie.
#[derive(Debug, Clone)]
pub struct SessionAuth {
    pub actor: Actor,
    pub session_id: SessionId,
    pub csrf_token: String,
    pub lang: Option<ingot_domain::Lang>,
}

fn unauthenticated(code: &'static str) -> AppError {
    AppError::Unauthenticated { code }
}

/// Loads a person with their organisation and grants: the `Actor` every request acts as.
/// Two queries: the person joined with their organisation, then their grants.
pub async fn load_actor(tx: &mut Tx, id: UserId) -> Result<Option<(User, Actor)>> {
    let Some((user, org_path)) = users::get_with_org_path(tx, id).await? else {
        return Ok(None);
    };
    let actor = Actor {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        org_id: user.org_id,
        org_path,
        grants: grants::of_user(tx, user.id).await?,
    };
    Ok(Some((user, actor)))
}

/// The one answer to every failed sign-in (unknown username, wrong password, locked or
/// deactivated account), so that the answer does not tell whether an account exists; the
/// audit row keeps the real reason.
pub fn sign_in_failed() -> AppError {
    unauthenticated("sign_in_failed")
}

/// Signs in with a username and password. Throttled per client address and per username
/// first; then every attempt on an unlocked account is counted before its password is
/// checked (so parallel guesses cannot pass the lock-out), and the lock is checked again
/// after the slow hash.
///
/// With a directory configured, the directory checks the password of a username that is not a
/// local password account: one Ingot does not know, a person the directory signed in before, or
/// an imported person without a password. A local password account is never looked up there.
pub async fn sign_in(
    db: &Db,
    username: &str,
    password: &str,
    origin: &RequestOrigin,
    policy: SessionPolicy,
    limits: &ThrottlePolicy,
    directory: Option<&DirectoryConfig>,
) -> Result<SignedIn> {
    let username = username.trim().to_ascii_lowercase();
    let username = truncate(&username, 64).to_string();
    let address = origin.ip.as_deref().unwrap_or("unknown");
    throttle::check(
        db,
        &[
            Count::new("sign_in:address", address, &limits.sign_in_per_address),
            Count::new("sign_in:account", &username, &limits.sign_in_per_account),
        ],
    )
    .await?;
    let caller = Caller::system(origin);
    let now = Timestamp::now();
    let mut tx = db.begin().await?;
    let user = users::get_by_username(&mut tx, &username).await?;
    let claim = match &user {
        Some(u) if u.active => users::claim_sign_in_attempt(&mut tx, u.id, now).await?,
        _ => None,
    };
    if let (None, Some(directory)) = (&user, directory) {
        drop(tx);
        return directory_sign_in(db, directory, &username, password, origin, policy, None).await;
    }
    let (Some(user), Some(claim)) = (&user, claim) else {
        // Refused without looking at the password: unknown, deactivated or locked. The audit
        // row says which; the answer does not.
        let (label, change) = match &user {
            None => (
                format!("{username} (unknown)"),
                Change::new("auth.sign_in_failed", "user", None),
            ),
            Some(u) => {
                let action = if u.active {
                    "auth.sign_in_refused_locked"
                } else {
                    "auth.sign_in_refused_disabled"
                };
                let change = Change::new(action, "user", u.id.0)
                    .label(&u.username)
                    .org(u.org_id);
                (u.username.clone(), change)
            }
        };
        record_as(&mut tx, &caller, &label, change).await?;
        tx.commit().await?;
        // The same work as a real check, so that timing does not tell these cases apart.
        passwords::verify(password.to_string(), passwords::decoy_hash().await?).await?;
        return Err(sign_in_failed());
    };
    let (stored, directory_dn) = users::sign_in_facts(&mut tx, user.id).await?;
    // The attempt is counted before the slow hash, so that it holds against parallel guesses.
    tx.commit().await?;
    if let Some(directory) = directory
        && (directory_dn.is_some() || !passwords::is_usable(&stored))
    {
        let known = Some((user, claim));
        return directory_sign_in(db, directory, &username, password, origin, policy, known).await;
    }
    let good = passwords::verify(password.to_string(), stored).await?;
    let failure_change = |action| {
        Change::new(action, "user", user.id.0)
            .label(&user.username)
            .org(user.org_id)
    };
    let mut tx = db.begin().await?;
    if !good {
        record_as(
            &mut tx,
            &caller,
            &user.username,
            failure_change("auth.sign_in_failed")
                .after(&serde_json::json!({ "attempt": claim.number })),
        )
        .await?;
        if let Some(until) = claim.locked_until {
            record_as(
                &mut tx,
                &caller,
                &user.username,
                failure_change("auth.locked").after(&serde_json::json!({ "locked_until": until })),
            )
            .await?;
        }
        tx.commit().await?;
        return Err(sign_in_failed());
    }
    // The right password, but other attempts may have locked the account (or an administrator
    // deactivated it) while this one was being checked.
    let now = Timestamp::now();
    if !users::sign_in_succeeded(&mut tx, user.id, claim, now).await? {
        record_as(
            &mut tx,
            &caller,
            &user.username,
            failure_change("auth.sign_in_refused_locked")
                .after(&serde_json::json!({ "checked": "after_password" })),
        )
        .await?;
        tx.commit().await?;
        return Err(sign_in_failed());
    }
    let signed_in = start_session(&mut tx, &caller, user, origin, policy, now).await?;
    tx.commit().await?;
    Ok(signed_in)
}

/// Starts a session for a person whose password was right, in the caller's transaction.
async fn start_session(
    tx: &mut Tx,
    caller: &Caller<'_>,
    user: &User,
    origin: &RequestOrigin,
    policy: SessionPolicy,
    now: Timestamp,
) -> Result<SignedIn> {
    // Expired sessions and old counters are swept here, in the same write, so they never pile up.
    sessions::purge_expired(tx, now).await?;
    throttle::purge_old(tx, now).await?;
    let token = secrets::random_token("");
    let csrf_token = secrets::random_token("");
    let session_id = sessions::insert(
        tx,
        &sessions::NewSession {
            token_hash: &secrets::digest(&token),
            user_id: user.id,
            csrf_token: &csrf_token,
            expires_at: now.plus(policy.idle.min(policy.absolute)),
            ip: origin.ip.as_deref(),
            user_agent: origin.user_agent.as_deref().map(|ua| truncate(ua, 300)),
        },
        now,
    )
    .await?;
    record_as(
        tx,
        caller,
        &user.username,
        Change::new("auth.sign_in", "session", session_id.0)
            .label(&user.username)
            .org(user.org_id),
    )
    .await?;
    Ok(SignedIn {
        token,
        csrf_token,
        session_id,
        user: user.clone(),
    })
}

/// Sign-in by the directory (see [`sign_in`]): `known` is the local account and its counted
/// attempt when Ingot knows the username already.
async fn directory_sign_in(
    db: &Db,
    config: &DirectoryConfig,
    username: &str,
    password: &str,
    origin: &RequestOrigin,
    policy: SessionPolicy,
    known: Option<(&User, users::AttemptClaim)>,
) -> Result<SignedIn> {
    let caller = Caller::system(origin);
    // Only names that could be a local username are asked for (they also match no filter
    // syntax, though the filter escapes them anyway).
    let mut v = ingot_domain::validate::Validator::new();
    let valid = ingot_domain::user::validate_username(&mut v, username) == username && v.is_empty();
    let verdict = if valid {
        directory::authenticate(config, username, password).await
    } else {
        Ok(Verdict::Refused("invalid_username"))
    };
    let label = match known {
        Some((user, _)) => user.username.clone(),
        None => format!("{username} (directory)"),
    };
    let failure = |action| {
        let change = Change::new(action, "user", known.map(|(u, _)| u.id.0)).label(username);
        match known {
            Some((user, _)) => change.org(user.org_id),
            None => change,
        }
    };
    let mut tx = db.begin().await?;
    let person = match verdict {
        Err(Unavailable(why)) => {
            tracing::warn!("directory sign-in of {username}: the directory did not answer: {why}");
            let reason = serde_json::json!({ "reason": why });
            record_as(
                &mut tx,
                &caller,
                &label,
                failure("auth.directory_unavailable").after(&reason),
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::Unavailable {
                code: "directory_unavailable",
            });
        }
        Ok(Verdict::Refused(reason)) => {
            let attempt = known.map(|(_, claim)| claim.number);
            let after =
                serde_json::json!({ "source": "directory", "reason": reason, "attempt": attempt });
            record_as(
                &mut tx,
                &caller,
                &label,
                failure("auth.sign_in_failed").after(&after),
            )
            .await?;
            if let Some(until) = known.and_then(|(_, claim)| claim.locked_until) {
                let after = serde_json::json!({ "locked_until": until });
                record_as(
                    &mut tx,
                    &caller,
                    &label,
                    failure("auth.locked").after(&after),
                )
                .await?;
            }
            tx.commit().await?;
            return Err(sign_in_failed());
        }
        Ok(Verdict::Person(person)) => person,
    };
    let now = Timestamp::now();
    if let Some((user, claim)) = known
        && !users::sign_in_succeeded(&mut tx, user.id, claim, now).await?
    {
        let after = serde_json::json!({ "checked": "after_password" });
        record_as(
            &mut tx,
            &caller,
            &label,
            failure("auth.sign_in_refused_locked").after(&after),
        )
        .await?;
        tx.commit().await?;
        return Err(sign_in_failed());
    }
    // The account, its roles, the audit rows and the session: one transaction.
    let user = directory::bring_in_line(&mut tx, &caller, config, username, &person, now).await?;
    let Some(user) = user.filter(|u| u.active) else {
        // A local password account, or a deactivated one, appeared meanwhile: never taken over.
        drop(tx);
        let mut tx = db.begin().await?;
        let after = serde_json::json!({ "source": "directory", "reason": "local_account" });
        record_as(
            &mut tx,
            &caller,
            &label,
            failure("auth.sign_in_failed").after(&after),
        )
        .await?;
        tx.commit().await?;
        return Err(sign_in_failed());
    };
    let signed_in = start_session(&mut tx, &caller, &user, origin, policy, now).await?;
    tx.commit().await?;
    Ok(signed_in)
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Resolves a session cookie. An unknown token is `Ok(None)` (as if there were no cookie);
/// an expired session, or one whose user was disabled, is `session_expired`.
pub async fn resolve_session(
    db: &Db,
    token: &str,
    policy: SessionPolicy,
) -> Result<Option<SessionAuth>> {
    let now = Timestamp::now();
    let mut tx = db.read().await?;
    let Some(session) = sessions::find(&mut tx, &secrets::digest(token)).await? else {
        return Ok(None);
    };
    // However busy, a session ends a fixed time after it began.
    let ends = Timestamp(session.created_at).plus(policy.absolute);
    if session.expires_at <= now.millis() || ends <= now {
        return Err(unauthenticated("session_expired"));
    }
    let (user, actor) = load_actor(&mut tx, session.user())
        .await?
        .filter(|(user, _)| user.active)
        .ok_or_else(|| unauthenticated("session_expired"))?;
    drop(tx);
    if now.millis() - session.last_seen_at > policy.refresh_after.as_millis() as i64 {
        let mut tx = db.begin().await?;
        let expires = now.plus(policy.idle).min(ends);
        sessions::touch(&mut tx, session.session_id(), now, expires).await?;
        tx.commit().await?;
    }
    Ok(Some(SessionAuth {
        actor,
        session_id: session.session_id(),
        csrf_token: session.csrf_token,
        lang: user.lang,
    }))
}

/// Resolves `Authorization: Bearer <token>`; anything but a live, unexpired token of an active
/// user fails, all with the same answer.
pub async fn resolve_api_token(db: &Db, token: &str) -> Result<Actor> {
    let now = Timestamp::now();
    let mut tx = db.read().await?;
    let row = tokens::find_active(&mut tx, &secrets::digest(token.trim()), now)
        .await?
        .ok_or_else(|| unauthenticated("token_invalid"))?;
    let (_, actor) = load_actor(&mut tx, UserId(row.user_id))
        .await?
        .filter(|(user, _)| user.active)
        .ok_or_else(|| unauthenticated("token_invalid"))?;
    drop(tx);
    // Last use is kept to the minute: enough to spot stale tokens, without a write per call.
    if row.last_used_at.is_none_or(|t| now.millis() - t > 60_000) {
        let mut tx = db.begin().await?;
        tokens::touch(&mut tx, row.token_id(), now).await?;
        tx.commit().await?;
    }
    Ok(actor)
}

pub async fn sign_out(db: &Db, caller: &Caller<'_>, session: SessionId) -> Result<()> {
    let mut tx = db.begin().await?;
    sessions::delete(&mut tx, session).await?;
    let org = caller.actor().map(|a| a.org_id);
    let mut change = Change::new("auth.sign_out", "session", session.0).label(caller.label());
    change.org_id = org;
    record(&mut tx, caller, change).await?;
    tx.commit().await
}
