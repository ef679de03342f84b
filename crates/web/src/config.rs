//! Settings of the web server, passed explicitly in the application state.

use ingot_app::auth::SessionPolicy;
use ingot_app::directory::DirectoryConfig;
use ingot_app::throttle::ThrottlePolicy;
use ipnet::IpNet;
use std::time::Duration;

/// Whether the deployment is served over TLS, which decides the session cookie's name
/// (`__Host-` prefix), its `Secure` attribute and the HSTS header. Decided once for the
/// deployment, never per request, so that the cookie's name never changes under a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    /// When the public URL starts with `https://`.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed; the
    /// client is the right-most forwarded address that is not one of them.
    pub trusted_proxies: Vec<IpNet>,
    pub secure_cookies: SecureCookies,
    /// The address people use, e.g. `https://ingot.example.cn/`; tells whether TLS is in front.
    pub public_url: Option<String>,
    /// The deployment's time zone as minutes east of UTC (China Standard Time is +480).
    pub utc_offset_minutes: i32,
    pub session: SessionPolicy,
    pub throttle: ThrottlePolicy,
    /// Largest accepted upload (spreadsheets for import).
    pub max_upload_bytes: usize,
    /// Where attachments are stored by content hash; shared by every server of a deployment.
    pub files_dir: std::path::PathBuf,
    pub limits: Limits,
    /// Tell each response's number of database statements in `X-Ingot-Queries` (tests and
    /// benchmarks: an N+1 shows as a count that grows with the rows on the page).
    pub count_queries: bool,
    /// On PostgreSQL, keep the search index in each server's memory (as on SQLite) instead of
    /// in the database: faster for a small deployment, but memory and start-up time grow with
    /// the corpus.
    pub search_in_memory: bool,
    /// Whether an SMTP server is configured, so that pages offer e-mail.
    pub mail_configured: bool,
    /// Directory sign-in (LDAP / Active Directory); none for local accounts only.
    pub directory: Option<std::sync::Arc<DirectoryConfig>>,
}

/// Bounds that keep a server answering past its capacity and against slow clients.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests handled at once; one more is refused at once with 503 (`/healthz` is exempt).
    pub max_in_flight: usize,
    /// What a refused client is told to wait before trying again (`Retry-After`, seconds).
    pub retry_after_secs: u32,
    /// Time a client has to send a request's headers; a kept-alive connection may also sit idle
    /// this long between requests before it is closed.
    pub header_read_timeout: Duration,
    /// Time a client has to send a request's whole body, counted from its headers.
    pub body_read_timeout: Duration,
    /// Time a request may take from its headers to its response.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_in_flight: 64,
            retry_after_secs: 1,
            header_read_timeout: Duration::from_secs(15),
            body_read_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(120),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            trusted_proxies: Vec::new(),
            secure_cookies: SecureCookies::Auto,
            public_url: None,
            utc_offset_minutes: 8 * 60,
            mail_configured: false,
            session: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
            max_upload_bytes: 10 * 1024 * 1024,
            files_dir: "ingot-files".into(),
            limits: Limits::default(),
            search_in_memory: false,
            count_queries: false,
            directory: None,
        }
    }
}

impl Config {
    pub fn utc_offset_ms(&self) -> i64 {
        i64::from(self.utc_offset_minutes) * 60_000
    }

    /// Largest request body: an upload at its limit and the other fields of its form.
    pub fn max_body_bytes(&self) -> usize {
        self.max_upload_bytes + 64 * 1024
    }

    /// Whether people reach this deployment over TLS.
    pub fn tls(&self) -> bool {
        match self.secure_cookies {
            SecureCookies::Always => true,
            SecureCookies::Never => false,
            SecureCookies::Auto => self
                .public_url
                .as_deref()
                .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://")),
        }
    }

    /// The session cookie's name: with the `__Host-` prefix over TLS, which browsers only
    /// accept with `Secure`, `Path=/` and no `Domain` (so no sibling host can set or shadow it).
    pub fn session_cookie(&self) -> &'static str {
        if self.tls() {
            crate::request::SECURE_SESSION_COOKIE
        } else {
            crate::request::SESSION_COOKIE
        }
    }

    /// The pre-session CSRF cookie's name, prefixed likewise.
    pub fn pre_session_csrf_cookie(&self) -> &'static str {
        if self.tls() {
            crate::request::SECURE_PRE_SESSION_CSRF_COOKIE
        } else {
            crate::request::PRE_SESSION_CSRF_COOKIE
        }
    }
}

/// A list of trusted proxies as read from the command line or the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

/// Reads a comma- or space-separated list of trusted proxies: CIDR blocks (`10.0.0.0/8`) or
/// single addresses (`127.0.0.1`, `::1`).
pub fn parse_trusted_proxies(text: &str) -> Result<TrustedProxies, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is neither an address nor a CIDR block"))
        })
        .collect::<Result<_, _>>()
        .map(TrustedProxies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_are_addresses_or_blocks() {
        let list = parse_trusted_proxies("127.0.0.1, 10.0.0.0/8 ::1")
            .unwrap()
            .0;
        assert_eq!(list.len(), 3);
        assert!(list[1].contains(&"10.1.2.3".parse::<std::net::IpAddr>().unwrap()));
        assert_eq!(parse_trusted_proxies("").unwrap().0, vec![]);
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.local").is_err());
    }

    #[test]
    fn tls_follows_the_public_url_unless_forced() {
        let mut c = Config::default();
        assert!(!c.tls());
        assert_eq!(c.session_cookie(), "ingot_session");
        c.public_url = Some("HTTPS://ingot.example.cn/".into());
        assert!(c.tls());
        assert_eq!(c.session_cookie(), "__Host-ingot_session");
        c.secure_cookies = SecureCookies::Never;
        assert!(!c.tls());
        c.public_url = Some("http://10.0.0.5:8080/".into());
        c.secure_cookies = SecureCookies::Auto;
        assert!(!c.tls());
        c.secure_cookies = SecureCookies::Always;
        assert!(c.tls());
    }
}
