//! Argon2id password hashing, run on blocking threads so the server's workers never stall.

use crate::Result;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use ingot_domain::AppError;

/// Hashes with Argon2id's recommended parameters (19 MiB, 2 passes) and a random salt.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// The stored hash of an account without a password (imported people): no password verifies
/// against it.
pub const UNUSABLE: &str = "!unset";

/// Whether a stored hash is a password at all (an imported or directory person has none).
pub fn is_usable(stored: &str) -> bool {
    PasswordHash::new(stored).is_ok()
}

/// Checks a password against a stored hash; a malformed or unusable hash never verifies, after
/// as much work as a real one (timing does not tell that an account has no password).
pub async fn verify(password: String, stored: String) -> Result<bool> {
    let usable = PasswordHash::new(&stored).is_ok();
    let stored = if usable { stored } else { decoy_hash().await? };
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        // The work first: `usable &&` would skip it.
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && usable
    })
    .await
    .map_err(AppError::internal)
}

/// A hash of a random secret nobody knows, verified against when the username does not exist,
/// so that the answer takes as long as for a real account. Made once per process.
pub async fn decoy_hash() -> Result<String> {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Ok(h.clone());
    }
    let h = hash(crate::secrets::random_token("")).await?;
    Ok(DECOY.get_or_init(|| h).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse battery".into()).await.unwrap();
        let b = hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salts must differ");
        assert!(
            verify("correct horse battery".into(), a.clone())
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse battery".into(), a).await.unwrap());
        assert!(
            !verify("anything".into(), "not a hash".into())
                .await
                .unwrap()
        );
        assert!(!verify("".into(), UNUSABLE.into()).await.unwrap());
        let decoy = decoy_hash().await.unwrap();
        assert!(decoy.starts_with("$argon2id$"));
        assert!(!verify("anything".into(), decoy).await.unwrap());
    }
}
