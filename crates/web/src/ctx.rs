//! What every page needs: the language and its catalog, the signed-in person, the CSRF token,
//! the navigation, and a one-time message. Extracted from the request by handlers.

use crate::AppState;
use crate::error::Failure;
use crate::i18n::Catalogs;
use crate::request::{Auth, RequestState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ingot_app::Caller;
use ingot_domain::audit::RequestOrigin;
use ingot_domain::policy::{self, Action};
use ingot_domain::{Actor, AppError, Lang, Role, SessionId, Timestamp};
use std::sync::Arc;

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
    pub testid: &'static str,
    /// Shown under "More" in the top bar (administration and one's own account), so the
    /// sections people work in fit on one line.
    pub secondary: bool,
}

pub struct PageCtx {
    pub lang: Lang,
    catalogs: Arc<Catalogs>,
    pub actor: Option<Actor>,
    pub session_id: Option<SessionId>,
    /// The request came with a session that has expired.
    expired: bool,
    pub csrf: String,
    pub origin: RequestOrigin,
    /// The path and query of this page, for "come back here" links.
    pub here: String,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
    utc_offset_ms: i64,
    /// Unread notifications, for the bell.
    pub unread: i64,
    /// The element htmx asked to replace (`HX-Target`), when the request came from htmx: a list
    /// then answers with its results only.
    pub htmx_target: Option<String>,
}

impl PageCtx {
    /// Whether the top bar has a "More" menu (signed in: one's account is always there).
    pub fn has_more_nav(&self) -> bool {
        self.nav.iter().any(|i| i.secondary)
    }

    /// Whether the page shown is one of those under "More".
    pub fn more_nav_active(&self) -> bool {
        self.nav.iter().any(|i| i.secondary && i.active)
    }

    pub fn from_state(state: &AppState, rs: &RequestState) -> Self {
        Self::build(state, rs, "/")
    }

    fn build(state: &AppState, rs: &RequestState, here: &str) -> Self {
        let actor = rs.actor().cloned();
        let session_id = match &rs.auth {
            Auth::Session(s) => Some(s.session_id),
            _ => None,
        };
        let lang = rs.lang;
        let catalogs = state.catalogs.clone();
        let path = here.split('?').next().unwrap_or("/");
        let mut nav = Vec::new();
        if let Some(actor) = &actor {
            let mut item = |href: &'static str, key: &str, testid: &'static str| {
                let active = if href == "/" {
                    path == "/"
                } else {
                    path.starts_with(href)
                };
                nav.push(NavItem {
                    href,
                    label: catalogs.t(lang, key).to_string(),
                    active,
                    testid,
                    secondary: matches!(
                        href,
                        "/reports/annual"
                            | "/returns"
                            | "/orgs"
                            | "/users"
                            | "/audit"
                            | "/webhooks"
                            | "/account"
                    ),
                });
            };
            item("/", "nav.dashboard", "nav-dashboard");
            item("/proposals", "nav.proposals", "nav-proposals");
            item("/studios", "nav.studios", "nav-studios");
            item("/achievements", "nav.records", "nav-records");
            item("/campaigns", "nav.campaigns", "nav-campaigns");
            let who = policy::Principal::User(actor);
            if actor
                .grants
                .iter()
                .any(|g| policy::may(who, Action::ViewProgramme, &g.org_path))
            {
                item("/programmes", "nav.programmes", "nav-programmes");
            }
            item("/reports/annual", "nav.reports", "nav-reports");
            item("/returns", "nav.returns", "nav-returns");
            item("/orgs", "nav.orgs", "nav-orgs");
            let administers = actor
                .grants
                .iter()
                .any(|g| policy::may(who, Action::ViewUser, &g.org_path));
            if administers {
                item("/users", "nav.users", "nav-users");
            }
            if actor
                .grants
                .iter()
                .any(|g| policy::may(who, Action::ViewAudit, &g.org_path))
            {
                item("/audit", "nav.audit", "nav-audit");
            }
            if policy::may_somewhere(actor, Action::ManageWebhooks) {
                item("/webhooks", "nav.webhooks", "nav-webhooks");
            }
            item("/account", "nav.account", "nav-account");
        }
        let flash = rs
            .flash
            .as_deref()
            .map(|key| catalogs.t(lang, &format!("flash.{key}")).to_string());
        PageCtx {
            lang,
            catalogs,
            actor,
            session_id,
            expired: matches!(rs.auth, Auth::Expired),
            csrf: rs.csrf_token.clone(),
            origin: rs.origin.clone(),
            here: here.to_string(),
            nav,
            flash,
            utc_offset_ms: state.config.utc_offset_ms(),
            unread: 0,
            htmx_target: None,
        }
    }

    pub fn catalogs(&self) -> &Catalogs {
        &self.catalogs
    }

    /// Translates a catalog key.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.catalogs.t(self.lang, key)
    }

    /// Translates with one `{name}` placeholder filled.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.catalogs
            .t_with(self.lang, key, &[(name, value.to_string())])
    }

    pub fn label(&self, field: &str) -> String {
        self.catalogs.label(self.lang, field)
    }

    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn kind_name(&self, kind: &ingot_domain::OrgKind) -> &str {
        self.catalogs.t(self.lang, kind_key(*kind))
    }

    pub fn role_name(&self, role: &Role) -> &str {
        self.catalogs.t(self.lang, role_key(*role))
    }

    /// An organisation's name in the page's language (English name where there is one).
    pub fn org_name<'a>(&self, org: &'a ingot_domain::org::Organisation) -> &'a str {
        match (self.lang, &org.name_en) {
            (Lang::En, Some(en)) => en,
            _ => &org.name,
        }
    }

    /// Date and time in the deployment's time zone.
    pub fn datetime(&self, at: &Timestamp) -> String {
        format_datetime(*at, self.utc_offset_ms)
    }

    pub fn date(&self, at: &Timestamp) -> String {
        format_datetime(*at, self.utc_offset_ms)[..10].to_string()
    }

    pub fn money(&self, cents: &i64) -> String {
        ingot_domain::proposal::format_money(*cents)
    }

    pub fn percent(&self, bp: &i64) -> String {
        ingot_domain::proposal::format_percent(*bp)
    }

    pub fn status_name(&self, status: &ingot_domain::proposal::Status) -> &str {
        self.catalogs.t(self.lang, status_key(*status))
    }

    /// A built-in category's name; an enterprise's own categories show their code.
    pub fn category_name<'a>(&'a self, code: &'a str) -> String {
        let key = format!("category.{code}");
        self.catalogs
            .get(self.lang, &key)
            .map_or_else(|| code.to_string(), str::to_string)
    }

    pub fn event_name(&self, kind: &str) -> String {
        let key = format!("event.{kind}");
        self.catalogs
            .get(self.lang, &key)
            .map_or_else(|| kind.to_string(), str::to_string)
    }

    /// The name of a stored code (`level.municipal`), or the code itself if there is none.
    pub fn code_name(&self, prefix: &str, code: impl AsRef<str>) -> String {
        let code = code.as_ref();
        self.catalogs
            .get(self.lang, &format!("{prefix}.{code}"))
            .map_or_else(|| code.to_string(), str::to_string)
    }

    pub fn asset(&self, name: &str) -> String {
        crate::assets::url(name)
    }

    fn not_signed_in(&self) -> Failure {
        let code = if self.expired {
            "session_expired"
        } else {
            "unauthenticated"
        };
        Failure(AppError::Unauthenticated { code })
    }

    /// The caller for use cases; people who are not signed in are sent to sign in.
    pub fn caller(&self) -> Result<Caller<'_>, Failure> {
        match &self.actor {
            Some(actor) => Ok(Caller::user(actor, &self.origin)),
            None => Err(self.not_signed_in()),
        }
    }

    pub fn actor(&self) -> Result<&Actor, Failure> {
        self.actor.as_ref().ok_or_else(|| self.not_signed_in())
    }
}

pub fn kind_key(kind: ingot_domain::OrgKind) -> &'static str {
    use ingot_domain::OrgKind::*;
    match kind {
        National => "kind.national",
        Province => "kind.province",
        City => "kind.city",
        District => "kind.district",
        Enterprise => "kind.enterprise",
        Branch => "kind.branch",
        Department => "kind.department",
        External => "kind.external",
    }
}

pub fn status_key(status: ingot_domain::proposal::Status) -> &'static str {
    use ingot_domain::proposal::Status::*;
    match status {
        Draft => "pstatus.draft",
        InReview => "pstatus.in_review",
        Returned => "pstatus.returned",
        Rejected => "pstatus.rejected",
        Adopted => "pstatus.adopted",
        Implemented => "pstatus.implemented",
        Verified => "pstatus.verified",
        Rewarded => "pstatus.rewarded",
        Withdrawn => "pstatus.withdrawn",
        Duplicate => "pstatus.duplicate",
    }
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Employee => "role.employee",
        Role::Reviewer => "role.reviewer",
        Role::FinanceOfficer => "role.finance_officer",
        Role::StudioLead => "role.studio_lead",
        Role::UnitAdmin => "role.unit_admin",
        Role::FederationAdmin => "role.federation_admin",
        Role::Expert => "role.expert",
        Role::ProgrammeOfficer => "role.programme_officer",
    }
}

pub fn format_datetime(at: Timestamp, offset_ms: i64) -> String {
    let local =
        chrono::DateTime::from_timestamp_millis(at.millis() + offset_ms).unwrap_or_default();
    local.format("%Y-%m-%d %H:%M").to_string()
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx
where
    AppState: axum::extract::FromRef<S>,
{
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = <AppState as axum::extract::FromRef<S>>::from_ref(state);
        let rs = parts
            .extensions
            .get::<RequestState>()
            .ok_or_else(|| Failure(AppError::internal("request state missing")))?;
        let here = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut ctx = PageCtx::build(&app, rs, here);
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        if header("hx-request") == Some("true") {
            ctx.htmx_target = header("hx-target").map(str::to_string);
        }
        // A fragment has no top bar, so no bell to count for.
        if let Some(actor) = ctx.actor.as_ref().filter(|_| ctx.htmx_target.is_none()) {
            let mut tx = app.db.read().await.map_err(Failure)?;
            ctx.unread = ingot_app::notifications::unread_count_of(&mut tx, actor.user_id)
                .await
                .map_err(Failure)?;
        }
        Ok(ctx)
    }
}
