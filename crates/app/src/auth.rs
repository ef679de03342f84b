//! Sign-in, sessions and API tokens: turning credentials into an `Actor`.

use crate::audit::{Change, record, record_as};
use crate::{Caller, Result, passwords, secrets};
use ingot_domain::audit::RequestOrigin;
use ingot_domain::user::User;
use ingot_domain::{Actor, AppError, SessionId, Timestamp, UserId};
use ingot_store::{Db, Tx, grants, sessions, tokens, users};
use std::time::Duration;

/// How long a session lives without use, and how often its expiry is pushed forward (rarely,
/// so that reading pages does not turn into a write per request).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub refresh_after: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(12 * 3600),
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

pub async fn sign_in(
    db: &Db,
    username: &str,
    password: &str,
    origin: &RequestOrigin,
    policy: SessionPolicy,
) -> Result<SignedIn> {
    let username = username.trim().to_ascii_lowercase();
    let caller = Caller::system(origin);
    let user = {
        let mut tx = db.read().await?;
        users::get_by_username(&mut tx, &username).await?
    };
    let Some(user) = user else {
        // Same work as for a real account, so timing does not reveal which usernames exist.
        passwords::verify(password.to_string(), passwords::decoy_hash().await?).await?;
        let mut tx = db.begin().await?;
        let label = format!("{} (unknown)", truncate(&username, 64));
        record_as(
            &mut tx,
            &caller,
            &label,
            Change::new("auth.sign_in_failed", "user", None),
        )
        .await?;
        tx.commit().await?;
        return Err(unauthenticated("bad_credentials"));
    };
    let now = Timestamp::now();
    let failure_change = |action| {
        Change::new(action, "user", user.id.0)
            .label(&user.username)
            .org(user.org_id)
    };
    if user.is_locked(now) {
        let mut tx = db.begin().await?;
        record_as(
            &mut tx,
            &caller,
            &user.username,
            failure_change("auth.sign_in_refused_locked"),
        )
        .await?;
        tx.commit().await?;
        return Err(unauthenticated("account_locked"));
    }
    let stored = {
        let mut tx = db.read().await?;
        users::password_hash(&mut tx, user.id).await?
    };
    let good = passwords::verify(password.to_string(), stored).await?;
    let mut tx = db.begin().await?;
    if !good || !user.active {
        if !user.active {
            record_as(
                &mut tx,
                &caller,
                &user.username,
                failure_change("auth.sign_in_refused_disabled"),
            )
            .await?;
            tx.commit().await?;
            return Err(unauthenticated(if good {
                "account_disabled"
            } else {
                "bad_credentials"
            }));
        }
        let locked = users::record_failed_login(&mut tx, user.id, now).await?;
        record_as(
            &mut tx,
            &caller,
            &user.username,
            failure_change("auth.sign_in_failed"),
        )
        .await?;
        if let Some(until) = locked {
            record_as(
                &mut tx,
                &caller,
                &user.username,
                failure_change("auth.locked").after(&serde_json::json!({ "locked_until": until })),
            )
            .await?;
        }
        tx.commit().await?;
        return Err(unauthenticated(if locked.is_some() {
            "account_locked"
        } else {
            "bad_credentials"
        }));
    }
    users::clear_failures(&mut tx, user.id).await?;
    // Expired sessions are swept here, in the same write, so they never pile up (indexed).
    sessions::purge_expired(&mut tx, now).await?;
    let token = secrets::random_token("");
    let csrf_token = secrets::random_token("");
    let session_id = sessions::insert(
        &mut tx,
        &sessions::NewSession {
            token_hash: &secrets::digest(&token),
            user_id: user.id,
            csrf_token: &csrf_token,
            expires_at: now.plus(policy.idle),
            ip: origin.ip.as_deref(),
            user_agent: origin.user_agent.as_deref().map(|ua| truncate(ua, 300)),
        },
        now,
    )
    .await?;
    record_as(
        &mut tx,
        &caller,
        &user.username,
        Change::new("auth.sign_in", "session", session_id.0)
            .label(&user.username)
            .org(user.org_id),
    )
    .await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        csrf_token,
        session_id,
        user,
    })
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
    if session.expires_at <= now.millis() {
        return Err(unauthenticated("session_expired"));
    }
    let (user, actor) = load_actor(&mut tx, session.user())
        .await?
        .filter(|(user, _)| user.active)
        .ok_or_else(|| unauthenticated("session_expired"))?;
    drop(tx);
    if now.millis() - session.last_seen_at > policy.refresh_after.as_millis() as i64 {
        let mut tx = db.begin().await?;
        sessions::touch(&mut tx, session.session_id(), now, now.plus(policy.idle)).await?;
        tx.commit().await?;
    }
    Ok(Some(SessionAuth {
        actor,
        session_id: session.session_id(),
        csrf_token: session.csrf_token,
        lang: user.lang,
    }))
}

/// Resolves `Authorization: Bearer <token>`; anything but a live token of an active user fails.
pub async fn resolve_api_token(db: &Db, token: &str) -> Result<Actor> {
    let now = Timestamp::now();
    let mut tx = db.read().await?;
    let row = tokens::find_active(&mut tx, &secrets::digest(token.trim()))
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
