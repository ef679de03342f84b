//! The landing page's figures. Each figure comes with the filter that lists its records.

use crate::{Caller, Result, orgs as org_cases};
use ingot_domain::audit::AuditEntry;
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::{OrgKind, OrgScope, Timestamp};
use ingot_store::audit::{self, AuditFilter};
use ingot_store::audit_tally::{self, QUARTER_MS};
use ingot_store::{Tx, org_tally, orgs};

pub const ACTIVITY_DAYS: i64 = 14;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The subtrees the figures cover (what the caller administers), or the caller's own unit.
    pub roots: Vec<Organisation>,
    /// Whether the figures are an administrator's (whole subtrees) or one person's own.
    pub administers: bool,
    pub org_counts: Vec<(OrgKind, i64)>,
    pub org_total: i64,
    pub user_count: i64,
    /// (day start in ms, events) for the last `ACTIVITY_DAYS` days, oldest first, zero-filled.
    pub activity: Vec<(Timestamp, i64)>,
    pub recent: Vec<AuditEntry>,
}

/// `utc_offset_ms` is the deployment's time zone, so that "a day" is a local day.
pub async fn summary(tx: &mut Tx, caller: &Caller<'_>, utc_offset_ms: i64) -> Result<Dashboard> {
    let audit_scope = org_cases::scope_for(tx, caller, Action::ViewAudit).await?;
    let administers = !audit_scope.is_empty();
    let (roots, scope, filter) = if administers {
        let roots = org_cases::administered_roots(tx, caller, Action::ViewAudit).await?;
        let filter = AuditFilter {
            within: Some(audit_scope.clone()),
            include_unscoped: caller.is_root_admin(),
            ..Default::default()
        };
        (roots, audit_scope, filter)
    } else {
        // Somebody without an administrator's role sees their own unit and their own activity.
        let actor = caller.actor();
        let own = match actor {
            Some(a) => orgs::get(tx, a.org_id).await?.into_iter().collect(),
            None => Vec::new(),
        };
        let scope = OrgScope::of(own.iter().map(|o: &Organisation| o.path.clone()));
        let filter = AuditFilter {
            actor: actor.map(|a| a.user_id),
            ..Default::default()
        };
        (own, scope, filter)
    };
    let (org_counts, user_count) = org_tally::within(tx, &scope).await?;
    let org_total = org_counts.iter().map(|(_, n)| n).sum();

    let today = (Timestamp::now().millis() + utc_offset_ms) / DAY_MS;
    let first_day = today - (ACTIVITY_DAYS - 1);
    let since = Timestamp(first_day * DAY_MS - utc_offset_ms);
    let counts = if administers {
        // A whole subtree's activity, from the tally rather than the log.
        let roots = scope.root_ids();
        let quarters = audit_tally::by_quarter(tx, &roots, caller.is_root_admin(), since).await?;
        per_local_day(&quarters, utc_offset_ms)
    } else {
        audit::daily_counts(tx, &filter, since, utc_offset_ms).await?
    };
    let activity = (first_day..=today)
        .map(|day| {
            let n = counts
                .iter()
                .find(|(d, _)| *d == day)
                .map_or(0, |(_, n)| *n);
            (Timestamp(day * DAY_MS - utc_offset_ms), n)
        })
        .collect();
    let recent = audit::recent(tx, &filter, 8).await?;
    Ok(Dashboard {
        roots,
        administers,
        org_counts,
        org_total,
        user_count,
        activity,
        recent,
    })
}

/// (local day, events) from (quarter of an hour, events), in order.
fn per_local_day(quarters: &[(i64, i64)], utc_offset_ms: i64) -> Vec<(i64, i64)> {
    let mut days: Vec<(i64, i64)> = Vec::new();
    for (quarter, events) in quarters {
        let day = (quarter * QUARTER_MS + utc_offset_ms).div_euclid(DAY_MS);
        match days.last_mut() {
            Some((d, n)) if *d == day => *n += events,
            _ => days.push((day, *events)),
        }
    }
    days
}

pub mod work;
