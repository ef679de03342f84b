//! Reading and writing the few cookies Ingot uses.

use axum::http::{HeaderMap, HeaderValue, header};
use std::collections::HashMap;

pub fn parse(headers: &HeaderMap) -> HashMap<String, String> {
    let mut jar = HashMap::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for pair in value.split(';') {
            if let Some((name, v)) = pair.trim().split_once('=') {
                jar.entry(name.trim().to_string())
                    .or_insert_with(|| v.trim().to_string());
            }
        }
    }
    jar
}

/// Sets an HttpOnly cookie for the whole site. `max_age` in seconds; `None` for a browser
/// session cookie.
pub fn set(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
    secure: bool,
    max_age: Option<i64>,
    same_site: &str,
) {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.append(header::SET_COOKIE, v);
    }
}

pub fn clear(headers: &mut HeaderMap, name: &str, secure: bool) {
    set(headers, name, "", secure, Some(0), "Lax");
}
