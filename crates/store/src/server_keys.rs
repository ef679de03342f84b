//! Secrets shared by every server of a deployment, kept in the database they share.

use crate::sql::Sql;
use crate::{Db, Result};
use ingot_domain::Timestamp;

/// The key called `name`, created from `fresh` by whichever server asks first; every later
/// caller (on any server) gets the same one.
pub async fn get_or_create(db: &Db, name: &str, fresh: String) -> Result<String> {
    let mut tx = db.begin().await?;
    tx.execute(
        Sql::new(
            "INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .bind(Timestamp::now()),
    )
    .await?;
    let (secret,): (String,) = tx
        .fetch_one(Sql::new("SELECT secret FROM server_keys WHERE name = $1").bind(name))
        .await?;
    tx.commit().await?;
    Ok(secret)
}
