//! Lists, statistics, the payroll reward list, and per-enterprise settings.

use super::enterprise_of;
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::proposal::{self as rules, StepConfig};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, OrgScope, Timestamp};
use ingot_store::proposal_config::{self, Category};
use ingot_store::proposal_stats::{self, Counts, UnitCounts};
use ingot_store::proposals::{self, Filter, ListItem, Viewer};
use ingot_store::{LIST_COUNT_CAP, Page, Sql, Total, Tx};

/// A page of the proposals the caller may see, filtered, and how many there are (up to
/// [`LIST_COUNT_CAP`]).
pub async fn list(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<ListItem>, Total)> {
    let readable = caller.scope(Action::ViewUnpublished);
    let viewer = Viewer {
        actor: caller.actor(),
        readable: readable.as_ref(),
    };
    let items = proposals::list(tx, &viewer, filter, page).await?;
    let total = proposals::count(tx, &viewer, filter, LIST_COUNT_CAP).await?;
    Ok((items, total))
}

/// The proposals the caller may see, filtered, without counting them: for exports.
pub async fn rows(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: &Filter,
    page: Page,
) -> Result<Vec<ListItem>> {
    let readable = caller.scope(Action::ViewUnpublished);
    let viewer = Viewer {
        actor: caller.actor(),
        readable: readable.as_ref(),
    };
    proposals::list(tx, &viewer, filter, page).await
}

/// Statistics of one organisation's subtree: totals, per child unit, per month.
#[derive(Debug, Clone)]
pub struct Stats {
    pub org: Organisation,
    pub from: i64,
    pub to: i64,
    pub totals: Counts,
    pub units: Vec<UnitCounts>,
    pub months: Vec<(i64, Counts)>,
}

/// Statistics are for readers of the organisation's unpublished records: its union, reviewers,
/// finance, the federations above.
pub async fn stats(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    from: i64,
    to: i64,
    category: Option<&str>,
) -> Result<Stats> {
    let org = crate::orgs::get(tx, org).await?;
    caller.require(Action::ViewUnpublished, &org.path)?;
    if from > to || !(100_001..=999_912).contains(&from) || !(100_001..=999_912).contains(&to) {
        return Err(AppError::field("from", "bad_period"));
    }
    let totals = proposal_stats::totals(tx, &org.path, from, to, category).await?;
    let units = proposal_stats::by_child(tx, org.id, from, to, category).await?;
    let months = proposal_stats::by_period(tx, &org.path, from, to, category).await?;
    Ok(Stats {
        org,
        from,
        to,
        totals,
        units,
        months,
    })
}

/// The organisations whose statistics the caller may open, broadest first.
pub async fn stats_roots(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Organisation>> {
    let scope = match caller.scope(Action::ViewUnpublished) {
        Some(s) => s,
        None => return ingot_store::orgs::get_many(tx, &[]).await,
    };
    let ids = scope.root_ids();
    let mut orgs = ingot_store::orgs::get_many(tx, &ids).await?;
    orgs.sort_by_key(|o| o.path.as_str().len());
    Ok(orgs)
}

/// One person's reward on one proposal: a row of the payroll list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RewardLine {
    pub number: String,
    pub title: String,
    pub unit: String,
    pub username: String,
    pub display_name: String,
    pub person_unit: String,
    pub share_bp: i64,
    pub amount_cents: i64,
    pub rewarded_at: Timestamp,
}

/// Rewards decided in `[from, to)` within an organisation's subtree, one line per person.
pub async fn reward_lines(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<RewardLine>> {
    let org = crate::orgs::get(tx, org).await?;
    caller.require(Action::ExportRewards, &org.path)?;
    type Row = (
        Option<String>,
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        i64,
    );
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(
                "SELECT p.number, p.title, u.name, pu.username, pu.display_name, po.name, pp.share_bp,
                        pp.reward_cents, p.rewarded_at
                 FROM proposals p
                 JOIN organisations u ON u.id = p.unit_id
                 JOIN proposal_people pp ON pp.proposal_id = p.id
                 JOIN users pu ON pu.id = pp.user_id
                 JOIN organisations po ON po.id = pu.org_id
                 WHERE p.status = 'rewarded' AND p.rewarded_at >= $1 AND p.rewarded_at < $2
                   AND u.path >= $3 AND u.path < $4
                 ORDER BY p.rewarded_at, p.id, pp.position",
            )
            .bind(from)
            .bind(to)
            .bind(org.path.as_str())
            .bind(org.path.subtree_end()),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| RewardLine {
            number: r.0.unwrap_or_default(),
            title: r.1,
            unit: r.2,
            username: r.3,
            display_name: r.4,
            person_unit: r.5,
            share_bp: r.6,
            amount_cents: r.7.unwrap_or(0),
            rewarded_at: Timestamp(r.8),
        })
        .collect())
}

/// An enterprise's proposal settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub enterprise: Organisation,
    /// The configured steps, or the default when none are configured.
    pub steps: Vec<StepConfig>,
    pub configured: bool,
    pub categories: Vec<Category>,
    /// Every grade with its amount (the enterprise's or the default).
    pub grades: Vec<(String, i64)>,
    pub can_configure: bool,
}

/// The enterprise an organisation belongs to, for settings; an error names the field.
async fn enterprise_for(tx: &mut Tx, org: OrgId) -> Result<Organisation> {
    let org = crate::orgs::get(tx, org).await?;
    enterprise_of(tx, &org.path)
        .await?
        .ok_or_else(|| AppError::field("org_id", "not_an_enterprise"))
}

/// When `org` is not inside an enterprise (a federation's own unit), the enterprises whose review
/// settings the caller may open instead, first 200 in the tree's order; `None` when it is.
pub async fn settings_choice(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
) -> Result<Option<Vec<Organisation>>> {
    let org = crate::orgs::get(tx, org).await?;
    if enterprise_of(tx, &org.path).await?.is_some() {
        return Ok(None);
    }
    let filter = ingot_store::orgs::OrgFilter {
        within: Some(
            caller
                .scope(Action::ViewUnpublished)
                .unwrap_or_else(|| OrgScope::of([org.path.clone()])),
        ),
        kind: Some(ingot_domain::OrgKind::Enterprise),
        ..Default::default()
    };
    let (mut enterprises, _) =
        ingot_store::orgs::list(tx, &filter, Page::new(Some(1), Some(200), 200)).await?;
    enterprises.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    Ok(Some(enterprises))
}

pub async fn settings(tx: &mut Tx, caller: &Caller<'_>, org: OrgId) -> Result<Settings> {
    let enterprise = enterprise_for(tx, org).await?;
    // Anyone in the enterprise may read how proposals are reviewed there.
    let inside = caller
        .actor()
        .is_none_or(|a| a.org_path.is_within(&enterprise.path));
    if !inside && !caller.permits(Action::ViewUnpublished, &enterprise.path) {
        return Err(AppError::forbidden());
    }
    let configured_steps = proposal_config::steps(tx, enterprise.id).await?;
    let configured = !configured_steps.is_empty();
    let steps = if configured {
        configured_steps
    } else {
        rules::default_steps(enterprise.id)
    };
    let categories = proposal_config::categories(tx, enterprise.id).await?;
    let mut grades = Vec::new();
    for (grade, _) in rules::REWARD_GRADES {
        let amount = super::grade_amount(tx, enterprise.id, grade)
            .await?
            .unwrap_or(0);
        grades.push((grade.to_string(), amount));
    }
    Ok(Settings {
        can_configure: caller.permits(Action::ConfigureProposals, &enterprise.path),
        enterprise,
        steps,
        configured,
        categories,
        grades,
    })
}

/// An enterprise's review workflow.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WorkflowBody)]
pub struct WorkflowInput {
    /// One to eight steps, in order.
    pub steps: Vec<StepConfig>,
}

/// Replaces an enterprise's review workflow. Proposals already in review keep the steps they
/// were submitted with.
pub async fn set_workflow(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    input: &WorkflowInput,
) -> Result<()> {
    let steps = input.steps.as_slice();
    let enterprise = enterprise_for(tx, org).await?;
    caller.require(Action::ConfigureProposals, &enterprise.path)?;
    rules::validate_steps(steps)?;
    let mut v = Validator::new();
    for (i, s) in steps.iter().enumerate() {
        if let Some(id) = s.org_id {
            match ingot_store::orgs::get(tx, id).await? {
                Some(o) if o.path.is_within(&enterprise.path) => {}
                _ => v.add(FieldError::new(
                    format!("steps[{i}].org"),
                    "unit_outside_enterprise",
                )),
            }
        }
    }
    v.finish()?;
    let before = proposal_config::steps(tx, enterprise.id).await?;
    proposal_config::replace_steps(tx, enterprise.id, steps).await?;
    record(
        tx,
        caller,
        Change::new("proposal.settings", "organisation", enterprise.id.0)
            .label(&enterprise.name)
            .org(enterprise.id)
            .before(&before)
            .after(&steps),
    )
    .await
}

pub async fn add_category(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    code: &str,
    name: &str,
    name_en: &str,
) -> Result<()> {
    let enterprise = enterprise_for(tx, org).await?;
    caller.require(Action::ConfigureProposals, &enterprise.path)?;
    let mut v = Validator::new();
    let code = v.required_text("code", code, 40).to_ascii_lowercase();
    if !code.is_empty()
        && !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        v.add(FieldError::new("code", "code_characters"));
    }
    let name = v.required_text("name", name, 60);
    let name_en = v.optional_text("name_en", Some(name_en), 60);
    v.finish()?;
    if super::category_exists(tx, &enterprise, &code).await? {
        return Err(AppError::conflict_on("code", "category_exists"));
    }
    let category = Category {
        code,
        name,
        name_en,
    };
    proposal_config::add_category(tx, enterprise.id, &category, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("proposal.settings", "organisation", enterprise.id.0)
            .label(&enterprise.name)
            .org(enterprise.id)
            .after(&category),
    )
    .await
}

pub async fn set_grades(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    grades: &[(String, String)],
) -> Result<()> {
    let enterprise = enterprise_for(tx, org).await?;
    caller.require(Action::ConfigureProposals, &enterprise.path)?;
    let mut v = Validator::new();
    let mut parsed = Vec::new();
    for (grade, raw) in grades {
        if rules::grade_default(grade).is_none() {
            v.add(FieldError::new(format!("grade.{grade}"), "unknown_grade"));
            continue;
        }
        match rules::parse_fixed2(raw) {
            Some(c) if (0..=100_000_000).contains(&c) => parsed.push((grade.clone(), c)),
            _ => v.add(FieldError::new(format!("grade.{grade}"), "not_a_number")),
        }
    }
    v.finish()?;
    for (grade, cents) in &parsed {
        proposal_config::set_grade(tx, enterprise.id, grade, *cents).await?;
    }
    record(
        tx,
        caller,
        Change::new("proposal.settings", "organisation", enterprise.id.0)
            .label(&enterprise.name)
            .org(enterprise.id)
            .after(&parsed),
    )
    .await
}

/// Units of the caller's own enterprise, for the form's unit choice.
pub async fn units_for_proposer(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Organisation>> {
    let Some(actor) = caller.actor() else {
        return Ok(Vec::new());
    };
    let Some(enterprise) = enterprise_of(tx, &actor.org_path).await? else {
        return Ok(Vec::new());
    };
    let filter = ingot_store::orgs::OrgFilter {
        within: Some(OrgScope::of([enterprise.path.clone()])),
        ..Default::default()
    };
    let (mut orgs, _) =
        ingot_store::orgs::list(tx, &filter, Page::new(Some(1), Some(500), 500)).await?;
    orgs.retain(|o| !o.is_archived());
    orgs.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    Ok(orgs)
}

/// Categories a proposer of this enterprise may choose: the five built in, then its own.
pub async fn categories_for(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Category>> {
    let mut out: Vec<Category> = rules::BUILTIN_CATEGORIES
        .iter()
        .map(|c| Category {
            code: c.to_string(),
            name: String::new(),
            name_en: None,
        })
        .collect();
    if let Some(actor) = caller.actor()
        && let Some(e) = enterprise_of(tx, &actor.org_path).await?
    {
        out.extend(proposal_config::categories(tx, e.id).await?);
    }
    Ok(out)
}
