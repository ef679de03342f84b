//! Server-rendered pages. Handlers are thin: extract the context and input, call one use case,
//! render. Forms that fail validation are shown again with their messages (422).

pub mod account;
pub mod audit;
pub mod campaigns;
pub mod error;
pub mod home;
pub mod login;
pub mod notifications;
pub mod orgs;
pub mod programmes;
pub mod proposals;
pub mod records;
pub mod search;
pub mod studios;
pub mod users;

use crate::AppState;
use crate::ctx::PageCtx;
use crate::request::FLASH_COOKIE;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ingot_store::Page;

pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("template failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub fn ok(template: &impl Template) -> Response {
    render(StatusCode::OK, template)
}

/// Redirects after a successful form (303, so a reload does not post again) with a message
/// shown once on the next page. `key` names a `flash.*` catalog entry, never user input.
pub fn done(to: &str, flash_key: &'static str) -> Response {
    let mut response = Redirect::to(to).into_response();
    let cookie = format!("{FLASH_COOKIE}={flash_key}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Runs one use case in a write transaction as the signed-in caller, committing only if it
/// succeeded.
pub async fn in_tx<T>(
    state: &AppState,
    ctx: &PageCtx,
    action: impl AsyncFnOnce(
        &mut ingot_store::Tx,
        &ingot_app::Caller<'_>,
    ) -> Result<T, ingot_domain::AppError>,
) -> Result<T, ingot_domain::AppError> {
    let caller = ctx.caller().map_err(|f| f.0)?;
    let mut tx = state.db.begin().await?;
    let value = action(&mut tx, &caller).await?;
    tx.commit().await?;
    Ok(value)
}

/// Previous/next links that keep the other query parameters.
pub struct Pager {
    pub summary: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` is the path with its query, without `page`, e.g. `/users?role=expert`.
    pub fn new(ctx: &PageCtx, base: &str, page: Page, total: i64) -> Self {
        let pages = page.page_count(total);
        let link = |n: i64| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}page={n}")
        };
        Pager {
            summary: ctx.catalogs().t_with(
                ctx.lang,
                "common.page_of",
                &[
                    ("page", page.number.to_string()),
                    ("pages", pages.to_string()),
                ],
            ),
            prev: (page.number > 1).then(|| link(page.number - 1)),
            next: (page.number < pages).then(|| link(page.number + 1)),
        }
    }
}

/// Builds `path?k=v&...` from the non-empty parameters, percent-encoded.
pub fn query_url(path: &str, params: &[(&str, &str)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::forms::encode(v)))
        .collect();
    if parts.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", post(login::switch_language))
        .route("/account", get(account::show))
        .route("/account/lang", post(account::set_lang))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/orgs", get(orgs::index).post(orgs::create))
        .route("/orgs/new", get(orgs::new_form))
        .route("/orgs/export", get(orgs::export))
        .route("/orgs/import", get(orgs::import_form).post(orgs::import))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/children", get(orgs::children))
        .route("/orgs/{id}/rename", post(orgs::rename))
        .route("/orgs/{id}/move", post(orgs::move_to))
        .route("/orgs/{id}/archive", post(orgs::archive))
        .route("/orgs/{id}/restore", post(orgs::restore))
        .route("/orgs/{id}/delete", post(orgs::delete))
        .route("/campaigns", get(campaigns::index).post(campaigns::create))
        .route("/campaigns/new", get(campaigns::new_form))
        .route("/campaigns/{id}", get(campaigns::show))
        .route("/campaigns/{id}/advance", post(campaigns::advance))
        .route("/campaigns/{id}/declare", post(campaigns::declare))
        .route("/declarations/{id}/check", post(campaigns::check))
        .route("/declarations/{id}/resubmit", post(campaigns::resubmit))
        .route("/declarations/{id}/score", post(campaigns::score))
        .route(
            "/campaigns/{id}/experts",
            get(campaigns::experts).post(campaigns::add_expert),
        )
        .route("/campaigns/{id}/conflicts", post(campaigns::add_conflict))
        .route(
            "/campaigns/{id}/assignment",
            get(campaigns::assignment).post(campaigns::run_assignment),
        )
        .route(
            "/campaigns/{id}/assignment/override",
            post(campaigns::override_pair),
        )
        .route("/campaigns/{id}/review", get(campaigns::review))
        .route("/campaigns/{id}/results", get(campaigns::results))
        .route("/campaigns/{id}/decision", post(campaigns::decide))
        .route(
            "/campaigns/{id}/publicity",
            get(campaigns::publicity).post(campaigns::open_publicity),
        )
        .route("/campaigns/{id}/objections", post(campaigns::object))
        .route(
            "/objections/{id}/outcome",
            post(campaigns::decide_objection),
        )
        .route("/campaigns/{id}/announce", post(campaigns::announce))
        .route("/campaigns/{id}/announcement", get(campaigns::announcement))
        .route("/campaigns/{id}/ranking", get(campaigns::ranking))
        .route("/certificates/{id}", get(campaigns::certificate))
        .route("/users", get(users::index).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/unlock", post(users::unlock))
        .route("/users/{id}/activate", post(users::activate))
        .route("/users/{id}/deactivate", post(users::deactivate))
        .route("/users/{id}/grants", post(users::grant))
        .route("/users/{id}/grants/{grant}/revoke", post(users::revoke))
        .route(
            "/achievements",
            get(records::achievements).post(records::create_achievement),
        )
        .route("/achievements/{id}", get(records::achievement))
        .route("/achievements/{id}/link", post(records::link))
        .route("/achievements/{id}/benefit", post(records::claim))
        .route("/achievements/{id}/verify", post(records::verify))
        .route(
            "/achievements/{id}/attachments",
            post(records::attach).layer(axum::extract::DefaultBodyLimit::max(
                ingot_app::files::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/achievement-files/{id}", get(records::download))
        .route(
            "/patents",
            get(records::patents).post(records::create_patent),
        )
        .route("/patents/import", post(records::import_patents))
        .route("/skills", get(records::skills).post(records::create_skill))
        .route("/titles", get(records::titles).post(records::create_title))
        .route("/records/people/{id}", get(records::person))
        .route("/records/orgs/{id}", get(records::unit))
        .route("/proposals", get(proposals::index).post(proposals::create))
        .route("/proposals/new", get(proposals::new_form))
        .route("/proposals/export", get(proposals::export))
        .route("/proposals/stats", get(proposals::reports::stats))
        .route(
            "/proposals/rewards",
            get(proposals::reports::rewards_export),
        )
        .route("/proposals/settings", get(proposals::reports::settings))
        .route(
            "/proposals/settings/{org}/workflow",
            post(proposals::reports::set_workflow),
        )
        .route(
            "/proposals/settings/{org}/categories",
            post(proposals::reports::add_category),
        )
        .route(
            "/proposals/settings/{org}/grades",
            post(proposals::reports::set_grades),
        )
        .route(
            "/proposals/{id}",
            get(proposals::show).post(proposals::update),
        )
        .route("/proposals/{id}/edit", get(proposals::edit_form))
        .route("/proposals/{id}/submit", post(proposals::submit))
        .route("/proposals/{id}/withdraw", post(proposals::withdraw))
        .route("/proposals/{id}/review", post(proposals::actions::review))
        .route(
            "/proposals/{id}/duplicate",
            post(proposals::actions::duplicate),
        )
        .route(
            "/proposals/{id}/implementation",
            post(proposals::actions::implementation),
        )
        .route("/proposals/{id}/benefit", post(proposals::actions::benefit))
        .route("/proposals/{id}/verify", post(proposals::actions::verify))
        .route("/proposals/{id}/reward", post(proposals::actions::reward))
        .route(
            "/proposals/{id}/attachments",
            post(proposals::actions::attach),
        )
        .route("/attachments/{id}", get(proposals::actions::download))
        .route("/studios", get(studios::index).post(studios::create))
        .route("/studios/new", get(studios::new_form))
        .route("/studios/stats", get(studios::stats))
        .route("/studios/standards", get(studios::standard))
        .route("/studios/standards/{org}", post(studios::set_standard))
        .route(
            "/studios/calls",
            get(studios::calls).post(studios::create_call),
        )
        .route("/studios/calls/{id}", get(studios::call))
        .route("/studios/calls/{id}/apply", post(studios::apply))
        .route("/studios/applications/{id}", get(studios::application))
        .route("/studios/applications/{id}/review", post(studios::review))
        .route("/studios/applications/{id}/decide", post(studios::decide))
        .route("/studios/photos/{id}", get(studios::photo))
        .route("/studios/alliances/{id}", get(studios::alliance))
        .route("/studios/{id}", get(studios::show))
        .route(
            "/studios/{id}/edit",
            get(studios::edit_form).post(studios::update),
        )
        .route("/studios/{id}/members", post(studios::add_member))
        .route(
            "/studios/{id}/members/{member}/leave",
            post(studios::member_leaves),
        )
        .route("/studios/{id}/honours", post(studios::add_honour))
        .route("/studios/{id}/outputs", post(studios::add_output))
        .route("/studios/{id}/photos", post(studios::add_photo))
        .route("/studios/{id}/status", post(studios::set_status))
        .route("/studios/{id}/namings", post(studios::record_naming))
        .route("/studios/{id}/assess", post(studios::assess))
        .route(
            "/studios/{id}/funding/{funding}/entries",
            post(studios::funding_entry),
        )
        .route("/programmes", get(programmes::index))
        .route("/programmes/{id}", get(programmes::show))
        .route("/programmes/{id}/tasks/{task}", get(programmes::task))
        .route("/programmes/{id}/{list}", get(programmes::list))
        .route("/notifications", get(notifications::index))
        .route("/notifications/read", post(notifications::read_all))
        .route("/notifications/digest", post(notifications::set_digest))
        .route("/search", get(search::index))
        .route("/audit", get(audit::index))
        .route("/audit/export", get(audit::export))
}
