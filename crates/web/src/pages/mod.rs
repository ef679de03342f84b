//! Server-rendered pages. Handlers are thin: extract the context and input, call one use case,
//! render. Forms that fail validation are shown again with their messages (422).

pub mod account;
pub mod audit;
pub mod campaigns;
pub mod error;
pub mod filters;
pub mod history;
pub mod home;
pub mod login;
pub mod notifications;
pub mod orgs;
pub mod programmes;
pub mod proposals;
pub mod records;
pub mod reports;
pub mod returns;
pub mod search;
pub mod studios;
pub mod users;
pub mod webhooks;

use crate::AppState;
use crate::access::Gate::{Public, Record, Role, SignedIn};
use crate::access::Routes;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, is_form_error};
use crate::request::FLASH_COOKIE;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use ingot_app::reach::Target;
use ingot_domain::policy::Action;
use ingot_store::{Page, Total};

/// Declares `$name`, the `results` block of a list page's template rendered alone (for htmx),
/// reading the page's own fields.
macro_rules! results_block {
    ($name:ident, $page:ty, $path:literal) => {
        #[derive(askama::Template)]
        #[template(path = $path, block = "results")]
        struct $name<'a>(&'a $page);

        impl std::ops::Deref for $name<'_> {
            type Target = $page;
            fn deref(&self) -> &$page {
                self.0
            }
        }
    };
}
pub(crate) use results_block;

/// Declares `$name`, the handler of a form that runs one command: it decodes the command's wire
/// struct from the form, runs the use case in one transaction, and answers through the calling
/// module's own `finish` (redirect with the flash message, or the page again with the problem).
/// With a pair of ids in the path, the use case takes both.
macro_rules! form_command {
    ($name:ident, ($id:ty, $sub:ty), $input:ty, $case:path, $flash:literal) => {
        pub async fn $name(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::ctx::PageCtx,
            axum::extract::Path((id, sub)): axum::extract::Path<($id, $sub)>,
            body: axum::body::Bytes,
        ) -> Result<axum::response::Response, $crate::error::Failure> {
            let result = $crate::pages::in_tx(&state, &ctx, async |tx, caller| {
                let input: $input = $crate::forms::decode_form(&body)?;
                $case(tx, caller, id, sub, &input).await
            })
            .await;
            finish(&state, ctx, id, result, $flash).await
        }
    };
    ($name:ident, $id:ty, $input:ty, $case:path, $flash:literal) => {
        pub async fn $name(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::ctx::PageCtx,
            axum::extract::Path(id): axum::extract::Path<$id>,
            body: axum::body::Bytes,
        ) -> Result<axum::response::Response, $crate::error::Failure> {
            let result = $crate::pages::in_tx(&state, &ctx, async |tx, caller| {
                let input: $input = $crate::forms::decode_form(&body)?;
                $case(tx, caller, id, &input).await
            })
            .await;
            finish(&state, ctx, id, result, $flash).await
        }
    };
}
pub(crate) use form_command;

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

/// A list page, or only its results when htmx asked to replace the element `results_id` (the
/// filters and the pager then swap the results without reloading the page). The answer varies
/// with `HX-Target`, so a cache never serves one for the other.
pub fn list_page<'a, P: Template, F: Template>(
    ctx: &crate::ctx::PageCtx,
    results_id: &str,
    page: &'a P,
    results: impl FnOnce(&'a P) -> F,
) -> Response {
    let mut response = if ctx.htmx_target.as_deref() == Some(results_id) {
        ok(&results(page))
    } else {
        ok(page)
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Target"));
    response
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

/// The one answer to a posted form, once its use case ran: on success 303 to `to` with the
/// flash message `flash`; on field errors (or a conflict shown beside a field) the form again
/// from `again`, with the errors in the reader's language and the error's status (422, 409);
/// anything else the error page.
pub async fn answer<T>(
    ctx: PageCtx,
    result: Result<T, ingot_domain::AppError>,
    to: &str,
    flash: &'static str,
    again: impl AsyncFnOnce(PageCtx, FormErrors, StatusCode) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(done(to, flash)),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            again(ctx, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
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
        Self::of(ctx, base, page, Total::exact(total))
    }

    /// For a list counted up to a cap: past it, the pages go on as far as the reader asks.
    pub fn of(ctx: &PageCtx, base: &str, page: Page, total: Total) -> Self {
        let pages = page.page_count(total.count);
        let link = |n: i64| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}page={n}")
        };
        let (key, pages) = if total.exact {
            ("common.page_of", pages)
        } else {
            ("common.page_of_more", pages.max(page.number))
        };
        Pager {
            summary: ctx.catalogs().t_with(
                ctx.lang,
                key,
                &[
                    ("page", page.number.to_string()),
                    ("pages", pages.to_string()),
                ],
            ),
            prev: (page.number > 1).then(|| link(page.number - 1)),
            next: (page.number < pages || !total.exact).then(|| link(page.number + 1)),
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

/// Every page route with its gate (see `crate::access`): who may send it a request at all.
pub fn routes() -> Routes {
    let routes = Routes::default()
        .get("/", Public, home::index)
        .get("/login", Public, login::form)
        .post("/login", Public, login::submit)
        .post("/logout", Public, login::logout)
        .post("/lang", Public, login::switch_language)
        .get("/account", SignedIn, account::show)
        .post("/account/lang", SignedIn, account::set_lang)
        .post("/account/password", SignedIn, account::change_password)
        .post("/account/tokens", SignedIn, account::create_token)
        .post(
            "/account/tokens/{id}/revoke",
            SignedIn,
            account::revoke_token,
        )
        .get("/orgs", SignedIn, orgs::index)
        .post("/orgs", Role(&[Action::CreateOrgUnder]), orgs::create)
        .get("/orgs/new", SignedIn, orgs::new_form)
        .get("/orgs/export", SignedIn, orgs::export)
        .get("/orgs/import", SignedIn, orgs::import_form)
        .post("/orgs/import", Role(&[Action::ImportOrgs]), orgs::import)
        .get("/orgs/{id}", SignedIn, orgs::show)
        .get("/orgs/{id}/children", SignedIn, orgs::children)
        .post(
            "/orgs/{id}/rename",
            Record(Target::Org(Action::EditOrg)),
            orgs::rename,
        )
        .post(
            "/orgs/{id}/move",
            Record(Target::Org(Action::EditOrg)),
            orgs::move_to,
        )
        .post(
            "/orgs/{id}/archive",
            Record(Target::Org(Action::EditOrg)),
            orgs::archive,
        )
        .post(
            "/orgs/{id}/restore",
            Record(Target::Org(Action::EditOrg)),
            orgs::restore,
        )
        .post(
            "/orgs/{id}/delete",
            Record(Target::Org(Action::EditOrg)),
            orgs::delete,
        )
        .get("/campaigns", Public, campaigns::index)
        .post(
            "/campaigns",
            Role(&[Action::ManageCampaigns]),
            campaigns::create,
        )
        .get("/campaigns/new", SignedIn, campaigns::new_form)
        .get("/campaigns/{id}", Public, campaigns::show)
        .post(
            "/campaigns/{id}/advance",
            Record(Target::CampaignStaff),
            campaigns::advance,
        )
        .post(
            "/campaigns/{id}/declare",
            Role(&[Action::DeclareToCampaign]),
            campaigns::declare,
        )
        .post(
            "/declarations/{id}/check",
            Record(Target::Declaration),
            campaigns::check,
        )
        .post(
            "/declarations/{id}/resubmit",
            Record(Target::Declaration),
            campaigns::resubmit,
        )
        .post(
            "/declarations/{id}/forward",
            Record(Target::Declaration),
            campaigns::forward,
        )
        .post(
            "/declarations/{id}/score",
            Record(Target::Declaration),
            campaigns::score,
        )
        .get("/campaigns/{id}/experts", SignedIn, campaigns::experts)
        .post(
            "/campaigns/{id}/experts",
            Record(Target::CampaignStaff),
            campaigns::add_expert,
        )
        .post(
            "/campaigns/{id}/conflicts",
            Record(Target::CampaignPanel),
            campaigns::add_conflict,
        )
        .get(
            "/campaigns/{id}/assignment",
            SignedIn,
            campaigns::assignment,
        )
        .post(
            "/campaigns/{id}/assignment",
            Record(Target::CampaignStaff),
            campaigns::run_assignment,
        )
        .post(
            "/campaigns/{id}/assignment/override",
            Record(Target::CampaignStaff),
            campaigns::override_pair,
        )
        .get("/campaigns/{id}/review", SignedIn, campaigns::review)
        .get("/campaigns/{id}/results", SignedIn, campaigns::results)
        .post(
            "/campaigns/{id}/decision",
            Record(Target::CampaignStaff),
            campaigns::decide,
        )
        .get("/campaigns/{id}/publicity", Public, campaigns::publicity)
        .post(
            "/campaigns/{id}/publicity",
            Record(Target::CampaignStaff),
            campaigns::open_publicity,
        )
        .post("/campaigns/{id}/objections", Public, campaigns::object)
        .post(
            "/objections/{id}/outcome",
            Record(Target::Objection),
            campaigns::decide_objection,
        )
        .post(
            "/campaigns/{id}/objections/dismiss",
            Record(Target::CampaignStaff),
            campaigns::dismiss_objections,
        )
        .post(
            "/campaigns/{id}/announce",
            Record(Target::CampaignStaff),
            campaigns::announce,
        )
        .get(
            "/campaigns/{id}/announcement",
            Public,
            campaigns::announcement,
        )
        .get(
            "/campaigns/{id}/announcement/pdf",
            Public,
            campaigns::announcement_pdf,
        )
        .get(
            "/campaigns/{id}/announcement/docx",
            Public,
            campaigns::announcement_docx,
        )
        .get("/campaigns/{id}/ranking", Public, campaigns::ranking)
        .get("/certificates/{id}", Public, campaigns::certificate)
        .get("/certificates/{id}/pdf", Public, campaigns::certificate_pdf)
        .get("/users", SignedIn, users::index)
        .post("/users", Role(&[Action::ManageUser]), users::create)
        .get("/users/new", SignedIn, users::new_form)
        .get("/users/{id}", SignedIn, users::show)
        .post("/users/{id}", Record(Target::User), users::update)
        .post(
            "/users/{id}/password",
            Record(Target::User),
            users::reset_password,
        )
        .post("/users/{id}/unlock", Record(Target::User), users::unlock)
        .post(
            "/users/{id}/activate",
            Record(Target::User),
            users::activate,
        )
        .post(
            "/users/{id}/deactivate",
            Record(Target::User),
            users::deactivate,
        )
        .post("/users/{id}/grants", Record(Target::User), users::grant)
        .post(
            "/users/{id}/grants/{grant}/revoke",
            Record(Target::User),
            users::revoke,
        )
        .get("/reports/annual", SignedIn, reports::annual)
        .get("/reports/rankings", SignedIn, reports::rankings)
        .get("/returns", SignedIn, returns::index)
        .post("/returns", Role(&[Action::ManageReturns]), returns::open)
        .get("/returns/{id}", SignedIn, returns::show)
        .post(
            "/returns/{id}/units/{org}/submit",
            Role(&[Action::SubmitReturn]),
            returns::submit,
        )
        .post(
            "/returns/{id}/units/{org}/review",
            Role(&[Action::ManageReturns]),
            returns::review,
        )
        .get("/proposals", SignedIn, proposals::index)
        .post("/proposals", SignedIn, proposals::create)
        .get("/proposals/new", SignedIn, proposals::new_form)
        .get("/proposals/export", SignedIn, proposals::export)
        .get("/proposals/stats", SignedIn, proposals::reports::stats)
        .get(
            "/proposals/rewards",
            SignedIn,
            proposals::reports::rewards_export,
        )
        .get(
            "/proposals/settings",
            SignedIn,
            proposals::reports::settings,
        )
        .post(
            "/proposals/settings/{org}/workflow",
            Record(Target::Org(Action::ConfigureProposals)),
            proposals::reports::set_workflow,
        )
        .post(
            "/proposals/settings/{org}/categories",
            Record(Target::Org(Action::ConfigureProposals)),
            proposals::reports::add_category,
        )
        .post(
            "/proposals/settings/{org}/grades",
            Record(Target::Org(Action::ConfigureProposals)),
            proposals::reports::set_grades,
        )
        .get("/proposals/{id}", SignedIn, proposals::show)
        .post(
            "/proposals/{id}",
            Record(Target::Proposal),
            proposals::update,
        )
        .get("/proposals/{id}/edit", SignedIn, proposals::edit_form)
        .post(
            "/proposals/{id}/submit",
            Record(Target::Proposal),
            proposals::submit,
        )
        .post(
            "/proposals/{id}/withdraw",
            Record(Target::Proposal),
            proposals::withdraw,
        )
        .post(
            "/proposals/{id}/review",
            Record(Target::Proposal),
            proposals::actions::review,
        )
        .post(
            "/proposals/{id}/duplicate",
            Record(Target::Proposal),
            proposals::actions::duplicate,
        )
        .post(
            "/proposals/{id}/implementation",
            Record(Target::Proposal),
            proposals::actions::implementation,
        )
        .post(
            "/proposals/{id}/benefit",
            Record(Target::Proposal),
            proposals::actions::benefit,
        )
        .post(
            "/proposals/{id}/verify",
            Record(Target::Proposal),
            proposals::actions::verify,
        )
        .post(
            "/proposals/{id}/reward",
            Record(Target::Proposal),
            proposals::actions::reward,
        )
        .post(
            "/proposals/{id}/attachments",
            Record(Target::Proposal),
            proposals::actions::attach,
        )
        .get("/attachments/{id}", SignedIn, proposals::actions::download)
        .get("/studios", Public, studios::index)
        .post("/studios", Role(&[Action::ManageStudio]), studios::create)
        .get("/studios/new", SignedIn, studios::new_form)
        .get("/studios/stats", SignedIn, studios::stats)
        .get("/studios/standards", SignedIn, studios::standard)
        .post(
            "/studios/standards/{org}",
            Record(Target::Org(Action::ManageNamings)),
            studios::set_standard,
        )
        .get("/studios/calls", Public, studios::calls)
        .post(
            "/studios/calls",
            Role(&[Action::ManageNamings]),
            studios::create_call,
        )
        .get("/studios/calls/{id}", Public, studios::call)
        .post("/studios/calls/{id}/apply", SignedIn, studios::apply)
        .get("/studios/applications/{id}", SignedIn, studios::application)
        .post(
            "/studios/applications/{id}/review",
            Record(Target::NamingReview),
            studios::review,
        )
        .post(
            "/studios/applications/{id}/decide",
            Record(Target::NamingDecision),
            studios::decide,
        )
        .get("/studios/photos/{id}", Public, studios::photo)
        .get(
            "/studios/alliances/new",
            Role(&[Action::ManageNamings]),
            studios::new_alliance,
        )
        .post(
            "/studios/alliances",
            Role(&[Action::ManageNamings]),
            studios::create_alliance,
        )
        .get("/studios/alliances/{id}", Public, studios::alliance)
        .get("/studios/notices/{id}", Public, studios::notice)
        .get("/studios/notices/{id}/pdf", Public, studios::notice_pdf)
        .get("/studios/notices/{id}/docx", Public, studios::notice_docx)
        .get("/studios/{id}", Public, studios::show)
        .get("/studios/{id}/edit", SignedIn, studios::edit_form)
        .post(
            "/studios/{id}/edit",
            Record(Target::Studio),
            studios::update,
        )
        .post(
            "/studios/{id}/members",
            Record(Target::Studio),
            studios::add_member,
        )
        .post(
            "/studios/{id}/members/{member}/leave",
            Record(Target::Studio),
            studios::member_leaves,
        )
        .post(
            "/studios/{id}/lead",
            Record(Target::Studio),
            studios::change_lead,
        )
        .post(
            "/studios/{id}/unit",
            Record(Target::Studio),
            studios::change_unit,
        )
        .post(
            "/studios/{id}/honours",
            Record(Target::Studio),
            studios::add_honour,
        )
        .post(
            "/studios/{id}/outputs",
            Record(Target::Studio),
            studios::add_output,
        )
        .post(
            "/studios/{id}/photos",
            Record(Target::Studio),
            studios::add_photo,
        )
        .post(
            "/studios/{id}/status",
            Record(Target::Studio),
            studios::set_status,
        )
        .post(
            "/studios/{id}/namings",
            Record(Target::Studio),
            studios::record_naming,
        )
        .post(
            "/studios/{id}/assess",
            Record(Target::Studio),
            studios::assess,
        )
        .post(
            "/studios/{id}/funding/{funding}/entries",
            Record(Target::Studio),
            studios::funding_entry,
        )
        .get("/programmes", SignedIn, programmes::index)
        .get(
            "/programmes/new",
            Role(&[Action::ManageProgramme]),
            programmes::entry::new_programme,
        )
        .post(
            "/programmes",
            Role(&[Action::ManageProgramme]),
            programmes::entry::create_programme,
        )
        .get("/programmes/{id}", SignedIn, programmes::show)
        .post(
            "/programmes/{id}/awards",
            Record(Target::Programme),
            programmes::task_forms::record_award,
        )
        .get(
            "/programmes/{id}/tasks/new",
            Record(Target::Programme),
            programmes::entry::new_task,
        )
        .get("/programmes/{id}/tasks", SignedIn, programmes::tasks_list)
        .post(
            "/programmes/{id}/tasks",
            Record(Target::Programme),
            programmes::entry::create_task,
        )
        .get(
            "/programmes/{id}/funding",
            SignedIn,
            programmes::funding_list,
        )
        .post(
            "/programmes/{id}/funding",
            Record(Target::Programme),
            programmes::task_forms::record_funding,
        )
        .get(
            "/programmes/{id}/milestones",
            SignedIn,
            programmes::milestones_list,
        )
        .post(
            "/programmes/{id}/milestones",
            Record(Target::Programme),
            programmes::task_forms::add_milestone,
        )
        .get(
            "/programmes/{id}/outputs",
            SignedIn,
            programmes::outputs_list,
        )
        .post(
            "/programmes/{id}/milestones/{milestone}/edit",
            Record(Target::Programme),
            programmes::task_forms::update_milestone,
        )
        .post(
            "/programmes/{id}/removals",
            Record(Target::Programme),
            programmes::task_forms::remove_entry,
        )
        .post(
            "/programmes/{id}/outputs",
            Record(Target::Programme),
            programmes::task_forms::add_output,
        )
        .get("/programmes/{id}/people", SignedIn, programmes::people_list)
        .post(
            "/programmes/{id}/people",
            Record(Target::Programme),
            programmes::task_forms::add_person,
        )
        .get("/programmes/{id}/tasks/{task}", SignedIn, programmes::task)
        .get(
            "/programmes/{id}/tasks/{task}/edit",
            Record(Target::Programme),
            programmes::entry::edit_task,
        )
        .post(
            "/programmes/{id}/tasks/{task}/edit",
            Record(Target::Programme),
            programmes::entry::update_task,
        )
        .get("/programmes/{id}/{list}", SignedIn, programmes::list)
        .get("/notifications", SignedIn, notifications::index)
        .post("/notifications/read", SignedIn, notifications::read_all)
        .post("/notifications/digest", SignedIn, notifications::set_digest)
        .post("/notifications/mail", SignedIn, notifications::set_mail)
        .get("/search", SignedIn, search::index)
        .get("/audit", SignedIn, audit::index)
        .get("/audit/export", SignedIn, audit::export);
    records::routes(webhooks::routes(routes))
}
