//! The search results page: one box in the layout, facets to narrow, marked snippets.

use super::{Pager, ok, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_search::index::{Hit, Kind, Narrow, Results};
use ingot_store::Page;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub kind: String,
    pub org: String,
    pub year: String,
    pub status: String,
    pub page: Option<i64>,
}

impl SearchQuery {
    pub fn narrow(&self) -> Narrow {
        Narrow {
            kind: Kind::parse(&self.kind),
            org_id: self.org.parse().ok(),
            year: self.year.parse().ok(),
            status: Some(self.status.clone()).filter(|s| !s.is_empty()),
        }
    }

    /// This search with one narrowing changed (or removed, with an empty value).
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut q = self.clone();
        match key {
            "kind" => q.kind = value.into(),
            "org" => q.org = value.into(),
            "year" => q.year = value.into(),
            _ => q.status = value.into(),
        }
        query_url(
            "/search",
            &[
                ("q", &q.q),
                ("kind", &q.kind),
                ("org", &q.org),
                ("year", &q.year),
                ("status", &q.status),
            ],
        )
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: PageCtx,
    q: SearchQuery,
    results: Results,
    pager: Pager,
    errors: FormErrors,
}

impl SearchPage {
    fn href(&self, hit: &Hit) -> String {
        let id = hit.id;
        match hit.kind {
            Kind::Person => format!("/users/{id}"),
            Kind::Studio => format!("/studios/{id}"),
            Kind::Achievement => format!("/achievements/{id}"),
            // Patents are listed, not paged one by one: the list narrowed to its number (the
            // title's last word, all ASCII).
            Kind::Patent => format!(
                "/patents?q={}",
                hit.title.rsplit(' ').next().unwrap_or_default()
            ),
            _ => format!("/proposals/{id}"),
        }
    }

    fn kind_key(&self, kind: &Kind) -> &'static str {
        match kind {
            Kind::Proposal => "search.kind.proposal",
            Kind::Person => "search.kind.person",
            Kind::Achievement => "search.kind.achievement",
            Kind::Studio => "search.kind.studio",
            Kind::Patent => "search.kind.patent",
        }
    }

    /// A proposal's status, else a studio's or a person's, an achievement's kind, a patent's stage.
    fn status_label(&self, status: &str) -> String {
        ["pstatus", "sstatus", "records.kind", "pstage"]
            .iter()
            .find_map(|group| {
                self.ctx
                    .catalogs()
                    .get(self.ctx.lang, &format!("{group}.{status}"))
            })
            .map_or_else(|| status.to_string(), str::to_string)
    }
}

pub const PER_PAGE: i64 = 20;

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<SearchQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(PER_PAGE), PER_PAGE);
    if q.q.trim().is_empty() {
        let pager = Pager::new(&ctx, "/search", page, 0);
        return Ok(ok(&SearchPage {
            ctx,
            q,
            results: Results::default(),
            pager,
            errors: FormErrors::none(),
        }));
    }
    // Read what this server has not yet seen, so people find what they just wrote.
    state.search.catch_up(&state.db).await?;
    let result = state
        .search
        .search(
            &state.db,
            &caller,
            &q.q,
            &q.narrow(),
            page.offset() as usize,
            page.size as usize,
        )
        .await;
    let (results, errors, status) = match result {
        Ok(r) => (r, FormErrors::none(), StatusCode::OK),
        Err(e) if is_form_error(&e) => (
            Results::default(),
            FormErrors::from_error(ctx.catalogs(), ctx.lang, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(Failure(e)),
    };
    let base = q.with("status", &q.status);
    let pager = Pager::new(&ctx, &base, page, results.total as i64);
    Ok(render(
        status,
        &SearchPage {
            ctx,
            q,
            results,
            pager,
            errors,
        },
    ))
}
