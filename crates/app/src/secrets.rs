//! Random secrets and their digests. Secrets are shown once; only digests are stored.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe, with a readable prefix (`ingot_` for API tokens).
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A password people can type: 16 characters without look-alikes (0/O, 1/l/I).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    // 256 is not a multiple of 56; the bias this leaves is negligible for 16 characters.
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn mac(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A random token followed by its MAC under `key`: a server holding the key can tell the
/// tokens it made from ones somebody chose (a visitor's CSRF token before signing in).
pub fn signed_token(key: &[u8]) -> String {
    let nonce = random_token("");
    let tag = mac(key, &nonce);
    format!("{nonce}.{tag}")
}

/// Whether `token` was made by `signed_token` with this key.
pub fn is_signed(key: &[u8], token: &str) -> bool {
    token
        .split_once('.')
        .is_some_and(|(nonce, tag)| nonce.len() >= 32 && constant_time_eq(tag, &mac(key, nonce)))
}

/// Compares without leaking, through timing, where the first difference is.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// This installation's secret under `name`, made on first use and then shared by every server
/// on the database.
pub async fn server_key(db: &ingot_store::Db, name: &str) -> crate::Result<String> {
    ingot_store::server_keys::get_or_create(db, name, random_token("")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digests_stable() {
        let (a, b) = (random_token("ingot_"), random_token("ingot_"));
        assert_ne!(a, b);
        assert!(a.starts_with("ingot_") && a.len() == 6 + 43);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq("same", "same"));
        assert!(!constant_time_eq("same", "sane"));
        assert!(!constant_time_eq("same", "same!"));
        let signed = signed_token(b"key");
        assert!(is_signed(b"key", &signed));
        assert!(!is_signed(b"other key", &signed));
        let (nonce, _) = signed.split_once('.').unwrap();
        assert!(!is_signed(b"key", &format!("{nonce}.forged")));
        assert!(!is_signed(b"key", &random_token("")));
        let p = random_password();
        assert_eq!(p.chars().count(), 16);
        assert!(!p.contains(['0', 'O', '1', 'l', 'I']));
    }
}
