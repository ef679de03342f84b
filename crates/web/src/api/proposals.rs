//! `/proposals`, `/attachments` and `/enterprises/{org_id}/…`: improvement proposals, their
//! review workflow, implementation, benefit, rewards, files, statistics and settings.
//!
//! This module keeps what the concerns share: the route list (in the order that fixes the
//! OpenAPI document), the parsing of query parameters, the list filter and the proposal as
//! answered after a change; the handlers live in `drafting`, `review`, `implementation`,
//! `attachments`, `reports` and `settings`.

use super::ApiCtx;
use super::proposal_dto::{ProposalDetailDto, ProposalListItemDto, ProposalListQuery};
use crate::AppState;
use crate::error::Failure;
use axum::extract::DefaultBodyLimit;
use ingot_app::files::MAX_FILE_BYTES;
use ingot_app::proposals as cases;
use ingot_domain::time::Date;
use ingot_domain::{AppError, FieldError, OrgId, ProposalId, Timestamp};
use ingot_store::Tx;
use ingot_store::proposals::{Filter, ListItem, Sort, View};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // Files may be as large as the file store allows, whatever the general upload limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(attachments::upload_attachment))
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024));
    OpenApiRouter::new()
        .routes(routes!(drafting::list_proposals, drafting::create_proposal))
        .routes(routes!(reports::proposal_stats))
        .routes(routes!(reports::reward_list))
        .routes(routes!(reports::export_proposals))
        .routes(routes!(drafting::get_proposal, drafting::update_proposal))
        .routes(routes!(drafting::submit_proposal))
        .routes(routes!(drafting::similar_proposals))
        .routes(routes!(drafting::withdraw_proposal))
        .routes(routes!(review::review_proposal))
        .routes(routes!(review::mark_duplicate))
        .routes(routes!(implementation::set_implementation))
        .routes(routes!(implementation::claim_benefit))
        .routes(routes!(implementation::verify_benefit))
        .routes(routes!(implementation::reward_proposal))
        .merge(uploads)
        .routes(routes!(attachments::download_attachment))
        .routes(routes!(settings::get_settings, settings::set_workflow))
        .routes(routes!(settings::add_category))
        .routes(routes!(settings::set_grades))
}

// ---------------------------------------------------------------------------------------------
// Parsing query parameters: every problem is reported, each against its parameter.
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
pub(super) struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }

    /// A value that is not one of those allowed, which the message lists.
    fn unknown(&mut self, field: &str, allowed: &[&str]) {
        self.0
            .push(FieldError::new(field, "unknown_option").with("allowed", allowed.join(", ")));
    }

    pub(super) fn int(&mut self, field: &str, raw: Option<&str>) -> Option<i64> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        match raw.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.add(field, "invalid_number");
                None
            }
        }
    }

    pub(super) fn flag(&mut self, field: &str, raw: Option<&str>) -> bool {
        match raw.map(str::trim).unwrap_or("") {
            "" | "false" | "0" => false,
            "true" | "1" => true,
            _ => {
                self.unknown(field, &["true", "false"]);
                false
            }
        }
    }

    /// One of `choices`, or `None` when absent.
    fn choice<'c>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        choices: &[&'c str],
    ) -> Option<&'c str> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        let found = choices.iter().find(|c| **c == raw).copied();
        if found.is_none() {
            self.unknown(field, choices);
        }
        found
    }

    /// `YYYY-MM` as year * 100 + month.
    fn period(&mut self, field: &str, raw: Option<&str>) -> Option<i64> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        let parsed = raw.split_once('-').and_then(|(y, m)| {
            let ok = y.len() == 4 && (1..=2).contains(&m.len());
            let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
            (ok && (1000..=9999).contains(&y) && (1..=12).contains(&m)).then_some(y * 100 + m)
        });
        if parsed.is_none() {
            self.add(field, "not_a_month");
        }
        parsed
    }

    fn date(&mut self, field: &str, raw: Option<&str>) -> Option<Date> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        let parsed = Date::parse(raw);
        if parsed.is_none() {
            self.add(field, "invalid_date");
        }
        parsed
    }

    pub(super) fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

fn offset(api: &ApiCtx) -> i64 {
    api.origin.utc_offset_ms
}

/// The list filter from the query; the unit is looked up by id.
async fn filter_of(
    tx: &mut Tx,
    q: &ProposalListQuery,
    now: Timestamp,
) -> Result<(Filter, Option<i64>, Option<i64>), AppError> {
    let mut p = Problems::default();
    let view = match p.choice("view", q.view.as_deref(), &["mine", "to_review", "all"]) {
        Some("mine") => View::Mine,
        Some("to_review") => View::ToReview,
        _ => View::All,
    };
    let unit_id = p.int("unit", q.unit.as_deref());
    let period_from = p.period("from", q.from.as_deref());
    let period_to = p.period("to", q.to.as_deref());
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let s = ingot_domain::proposal::Status::parse(raw);
            if s.is_none() {
                p.add("status", "unknown_status");
            }
            s
        }
    };
    let overdue = p.flag("overdue", q.overdue.as_deref());
    let sort = p
        .choice(
            "sort",
            q.sort.as_deref(),
            &["newest", "oldest", "title", "due"],
        )
        .map(Sort::parse)
        .unwrap_or_default();
    let page = p.int("page", q.page.as_deref());
    let per_page = p.int("per_page", q.per_page.as_deref());
    let unit = match unit_id {
        Some(id) => match ingot_app::orgs::find(tx, OrgId(id)).await? {
            Some(org) => Some(org.path),
            None => {
                p.add("unit", "unknown_org");
                None
            }
        },
        None => None,
    };
    p.finish()?;
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok((
        Filter {
            view,
            unit,
            period_from,
            period_to,
            category: text(&q.category),
            status,
            overdue_at: overdue.then_some(now),
            text: text(&q.q),
            sort,
        },
        page,
        per_page,
    ))
}

/// List items as the caller may see them: where they review at a blind step, the store has
/// already blanked the proposer and unit.
fn visible_items(items: Vec<ListItem>, now: Timestamp) -> Vec<ProposalListItemDto> {
    items
        .into_iter()
        .map(|item| {
            let blind = item.masked;
            ProposalListItemDto::new(item, blind, now)
        })
        .collect()
}

async fn detail_of(
    state: &AppState,
    api: &ApiCtx,
    id: ProposalId,
) -> Result<ProposalDetailDto, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, &api.caller(), id).await?;
    Ok(ProposalDetailDto::new(d, Timestamp::now()))
}

mod attachments;
mod drafting;
mod implementation;
mod reports;
mod review;
mod settings;

pub(super) use attachments::read_upload;
