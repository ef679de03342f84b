//! The landing page's work, by the caller's roles: everyone's own proposals, studios and records;
//! a reviewer's queue with due dates; what waits for finance's verification; and, for the unions
//! and federations, their scope's year (pipeline by month, the summary's figures, campaigns in
//! progress, returns to submit or waiting). Every figure is read from a rollup or a capped list.

use crate::reports::{self, AnnualSummary};
use crate::{Caller, Result};
use ingot_domain::Role;
use ingot_domain::campaign::Stage;
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::proposal::Status;
use ingot_store::campaigns::Campaign;
use ingot_store::proposal_stats::{self, Counts};
use ingot_store::proposals::{Filter, ListItem, Sort, View};
use ingot_store::studios::{Filter as StudioFilter, Studio};
use ingot_store::{Page, Total, Tx};

/// A short list and how many there are in all (capped).
#[derive(Debug, Clone)]
pub struct Queue {
    pub items: Vec<ListItem>,
    pub total: Total,
}

/// A unit's year as its union or federation sees it.
#[derive(Debug, Clone)]
pub struct ScopeYear {
    pub summary: AnnualSummary,
    /// Put forward, adopted, implemented and benefit per month of the year.
    pub months: Vec<(i64, Counts)>,
}

#[derive(Debug, Clone)]
pub struct Work {
    pub mine: Queue,
    pub studios: Vec<Studio>,
    /// Achievements completed, skills created or learnt, titles held.
    pub records: (i64, i64, i64),
    /// Proposals waiting at a step the caller reviews, soonest due first.
    pub to_review: Option<Queue>,
    /// Implemented proposals whose claimed benefit waits for verification.
    pub to_verify: Option<Queue>,
    pub scope: Option<ScopeYear>,
    /// Campaigns not yet announced, run in or above the caller's units.
    pub campaigns: Vec<Campaign>,
}

const SHORT: i64 = 5;

async fn queue(tx: &mut Tx, caller: &Caller<'_>, filter: Filter) -> Result<Queue> {
    let page = Page::new(Some(1), Some(SHORT), SHORT);
    let (items, total) = crate::proposals::list(tx, caller, &filter, page).await?;
    Ok(Queue { items, total })
}

fn has_role(caller: &Caller<'_>, roles: &[Role]) -> bool {
    caller
        .actor()
        .is_some_and(|a| a.grants.iter().any(|g| roles.contains(&g.role)))
}

/// What the caller's roles give them to do, for the year `year`.
pub async fn work(tx: &mut Tx, caller: &Caller<'_>, year: i64) -> Result<Work> {
    let Some(actor) = caller.actor() else {
        return Err(ingot_domain::AppError::forbidden());
    };
    let mine = queue(
        tx,
        caller,
        Filter {
            view: View::Mine,
            ..Default::default()
        },
    )
    .await?;
    let (studios, _) = ingot_store::studios::list(
        tx,
        &StudioFilter {
            person: Some(actor.user_id),
            ..Default::default()
        },
        Page::new(Some(1), Some(SHORT), SHORT),
    )
    .await?;
    let records = ingot_store::innovation::person_counts(tx, actor.user_id).await?;
    let to_review = if has_role(caller, &[Role::Reviewer, Role::UnitAdmin]) {
        let filter = Filter {
            view: View::ToReview,
            sort: Sort::Due,
            ..Default::default()
        };
        Some(queue(tx, caller, filter).await?)
    } else {
        None
    };
    let to_verify = if has_role(caller, &[Role::FinanceOfficer]) {
        let filter = Filter {
            view: View::All,
            status: Some(Status::Implemented),
            sort: Sort::Oldest,
            ..Default::default()
        };
        Some(queue(tx, caller, filter).await?)
    } else {
        None
    };
    let administers = has_role(caller, &[Role::UnitAdmin, Role::FederationAdmin]);
    let scope = if administers {
        let roots = reports::summary_roots(tx, caller).await?;
        match roots.first() {
            Some(unit) => Some(scope_year(tx, caller, unit, year).await?),
            None => None,
        }
    } else {
        None
    };
    let campaigns = if administers {
        in_progress(tx, caller).await?
    } else {
        Vec::new()
    };
    Ok(Work {
        mine,
        studios,
        records,
        to_review,
        to_verify,
        scope,
        campaigns,
    })
}

async fn scope_year(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit: &Organisation,
    year: i64,
) -> Result<ScopeYear> {
    let summary = reports::annual_summary(tx, caller, unit.id, year).await?;
    let months =
        proposal_stats::by_period(tx, &unit.path, year * 100 + 1, year * 100 + 12, None).await?;
    Ok(ScopeYear { summary, months })
}

/// Campaigns not yet announced that the caller's unions run or may declare to: run by one of
/// their units or by a federation above them.
async fn in_progress(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Campaign>> {
    let Some(actor) = caller.actor() else {
        return Ok(Vec::new());
    };
    let today = caller.origin.today();
    let all = crate::campaigns::list(tx, Some(caller), today).await?;
    let mut open: Vec<Campaign> = all
        .into_iter()
        .filter(|c| c.stage != Stage::Announced)
        .filter(|c| {
            let run_at = ingot_domain::OrgPath::from_stored(c.org_path.clone());
            actor.grants.iter().any(|g| {
                g.org_path.is_within(&run_at)
                    || run_at.is_within(&g.org_path)
                    || caller.permits(Action::ManageCampaigns, &run_at)
            })
        })
        .collect();
    open.truncate(SHORT as usize);
    Ok(open)
}
