//! Settings of the web server, passed explicitly in the application state.

use ingot_app::auth::SessionPolicy;

/// Whether session cookies carry the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    /// When the request arrived over TLS, as told by a trusted proxy's `X-Forwarded-Proto`.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` (only behind a reverse proxy).
    pub trust_proxy: bool,
    pub secure_cookies: SecureCookies,
    /// The deployment's time zone as minutes east of UTC (China Standard Time is +480).
    pub utc_offset_minutes: i32,
    pub session: SessionPolicy,
    /// Largest accepted upload (spreadsheets for import).
    pub max_upload_bytes: usize,
    /// Where attachments are stored by content hash; shared by every server of a deployment.
    pub files_dir: std::path::PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            trust_proxy: false,
            secure_cookies: SecureCookies::Auto,
            utc_offset_minutes: 8 * 60,
            session: SessionPolicy::default(),
            max_upload_bytes: 10 * 1024 * 1024,
            files_dir: "ingot-files".into(),
        }
    }
}

impl Config {
    pub fn utc_offset_ms(&self) -> i64 {
        i64::from(self.utc_offset_minutes) * 60_000
    }
}
