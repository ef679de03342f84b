//! API tokens for scripts. Only a SHA-256 digest is stored; the token is shown once.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{Timestamp, TokenId, UserId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl TokenRow {
    pub fn token_id(&self) -> TokenId {
        TokenId(self.id)
    }
}

pub struct NewToken<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: Timestamp,
}

pub async fn insert(tx: &mut Tx, new: &NewToken<'_>, now: Timestamp) -> Result<TokenId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(new.user)
            .bind(new.name)
            .bind(new.hash)
            .bind(new.prefix)
            .bind(now)
            .bind(new.expires_at),
        )
        .await?;
    Ok(TokenId(id))
}

/// The token with this digest, if it is neither revoked nor expired at `now`.
pub async fn find_active(tx: &mut Tx, hash: &str, now: Timestamp) -> Result<Option<TokenRow>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
             WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(hash)
        .bind(now),
    )
    .await
}

pub async fn get(tx: &mut Tx, id: TokenId) -> Result<Option<TokenRow>> {
    tx.fetch_optional(
        Sql::new("SELECT id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1")
            .bind(id),
    )
    .await
}

pub async fn of_user(tx: &mut Tx, user: UserId) -> Result<Vec<TokenRow>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user),
    )
    .await
}

pub async fn revoke(tx: &mut Tx, id: TokenId, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Revokes every live token of a user (after a password change or reset, or when the account
/// is deactivated). Returns how many were revoked.
pub async fn revoke_all_of_user(tx: &mut Tx, user: UserId, now: Timestamp) -> Result<u64> {
    tx.execute(
        Sql::new("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(user),
    )
    .await
}

pub async fn touch(tx: &mut Tx, id: TokenId, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}
