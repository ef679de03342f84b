//! Browser sessions, kept in the database so that any `ingot serve` process can serve any
//! request. The cookie carries a random token; only its SHA-256 digest is stored.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{SessionId, Timestamp, UserId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

impl SessionRow {
    pub fn session_id(&self) -> SessionId {
        SessionId(self.id)
    }
    pub fn user(&self) -> UserId {
        UserId(self.user_id)
    }
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: UserId,
    pub csrf_token: &'a str,
    pub expires_at: Timestamp,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, new: &NewSession<'_>, now: Timestamp) -> Result<SessionId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
                 VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
            )
            .bind(new.token_hash)
            .bind(new.user_id)
            .bind(new.csrf_token)
            .bind(now)
            .bind(new.expires_at)
            .bind(new.ip)
            .bind(new.user_agent),
        )
        .await?;
    Ok(SessionId(id))
}

/// The session with this token digest, expired or not (the caller tells the two apart, so
/// that an expired session can be reported as such).
pub async fn find(tx: &mut Tx, token_hash: &str) -> Result<Option<SessionRow>> {
    tx.fetch_optional(
        Sql::new("SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash),
    )
    .await
}

/// Slides the expiry forward.
pub async fn touch(
    tx: &mut Tx,
    id: SessionId,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
            .bind(now)
            .bind(expires_at)
            .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: SessionId) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM sessions WHERE id = $1").bind(id))
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change or reset, or when the
/// account is deactivated).
pub async fn delete_for_user(tx: &mut Tx, user: UserId, keep: Option<SessionId>) -> Result<u64> {
    tx.execute(
        Sql::new("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user)
            .bind(keep.map_or(-1, |s| s.0)),
    )
    .await
}

pub async fn purge_expired(tx: &mut Tx, now: Timestamp) -> Result<u64> {
    tx.execute(Sql::new("DELETE FROM sessions WHERE expires_at < $1").bind(now))
        .await
}
