//! The landing page for the public, the dashboard for people who are signed in.

use super::ok;
use crate::AppState;
use crate::ctx::{PageCtx, kind_key};
use crate::error::Failure;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ingot_app::dashboard::{self, work::ScopeYear, work::Work};
use ingot_domain::OrgKind;
use ingot_domain::audit::AuditEntry;
use ingot_domain::org::Organisation;

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    ctx: PageCtx,
}

pub struct RecentView {
    pub at: ingot_domain::Timestamp,
    pub actor_label: String,
    pub action_key: String,
    pub label: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    roots: Vec<Organisation>,
    administers: bool,
    org_total: i64,
    highlighted: Vec<(OrgKind, i64)>,
    org_counts: Vec<(OrgKind, i64)>,
    user_count: i64,
    activity: Vec<(String, i64)>,
    activity_json: String,
    kinds_json: String,
    recent: Vec<RecentView>,
    work: Work,
    /// The scope year's figures as tiles: (label, value, where it leads).
    tiles: Vec<(String, String, String)>,
    months_json: String,
    me: i64,
}

impl DashboardPage {
    fn stage_key(&self, stage: &ingot_domain::campaign::Stage) -> String {
        format!("cstage.{}", stage.as_str())
    }

    fn month(&self, period: &i64) -> String {
        format!("{}-{:02}", period / 100, period % 100)
    }
}

/// The scope year's headline figures, each leading to where it comes from.
fn tiles(ctx: &PageCtx, year: &ScopeYear) -> Vec<(String, String, String)> {
    use ingot_domain::report::Figure;
    let s = &year.summary;
    let summary = format!("/reports/annual?unit={}&year={}", s.unit.id.0, s.year);
    let value = |f: Figure| {
        s.lines
            .iter()
            .find(|l| l.figure == f)
            .map_or(0, |l| l.value)
    };
    let figure = |f: Figure| {
        (
            crate::reports::label(ctx.catalogs(), ctx.lang, f),
            crate::reports::value_text(f, value(f)),
            crate::reports::records(f, s.unit.id, s.year, false).unwrap_or_else(|| summary.clone()),
        )
    };
    let named: i64 = s
        .lines
        .iter()
        .filter(|l| matches!(l.figure, Figure::StudiosNamed(_)))
        .map(|l| l.value)
        .sum();
    let awards: i64 = s
        .lines
        .iter()
        .filter(|l| matches!(l.figure, Figure::AwardsBy(_)))
        .map(|l| l.value)
        .sum();
    vec![
        figure(Figure::ProposalsPutForward),
        figure(Figure::ProposalsImplemented),
        figure(Figure::ProposalBenefit),
        figure(Figure::Achievements),
        figure(Figure::Patents),
        figure(Figure::Benefit),
        (
            ctx.t("dashboard.studios_named").to_string(),
            named.to_string(),
            summary.clone(),
        ),
        (
            ctx.t("dashboard.awards").to_string(),
            awards.to_string(),
            summary,
        ),
    ]
}

pub fn action_key(action: &str) -> String {
    format!("action.{action}")
}

/// Chart data as JSON for a `<script type="application/json">` block. `<` is escaped so the
/// text can never close the script element, whatever the labels contain.
fn chart_json(
    kind: &str,
    label: &str,
    labels: &[String],
    values: &[i64],
    links: &[String],
) -> String {
    let colors = [
        "#b3261e", "#0b4a9e", "#1a7f37", "#9a6700", "#6f42c1", "#d4532b", "#2f7f8f", "#6e7781",
    ];
    serde_json::json!({
        "type": kind, "label": label, "labels": labels, "values": values, "links": links,
        "colors": if kind == "doughnut" { serde_json::json!(colors) } else { serde_json::json!("#b3261e") },
    })
    .to_string()
    .replace('<', "\\u003c")
}

pub async fn index(
    axum::extract::State(state): State<AppState>,
    ctx: PageCtx,
) -> Result<Response, Failure> {
    if ctx.actor.is_none() {
        return Ok(ok(&Landing { ctx }));
    }
    let caller = ctx.caller()?;
    let year = i64::from(caller.origin.today().year);
    let (d, work) = {
        let mut tx = state.db.read().await?;
        let d = dashboard::summary(&mut tx, &caller, state.config.utc_offset_ms()).await?;
        let work = dashboard::work::work(&mut tx, &caller, year).await?;
        (d, work)
    };
    let tiles = work
        .scope
        .as_ref()
        .map(|y| tiles(&ctx, y))
        .unwrap_or_default();
    let months_json = work
        .scope
        .as_ref()
        .map(|y| {
            let unit = y.summary.unit.id.0;
            serde_json::json!({
                "type": "bar",
                "labels": y.months.iter().map(|(p, _)| format!("{}-{:02}", p / 100, p % 100)).collect::<Vec<_>>(),
                "links": y.months.iter().map(|(p, _)| format!("/proposals?view=all&unit={unit}&from={m}&to={m}", m = format!("{}-{:02}", p / 100, p % 100))).collect::<Vec<_>>(),
                "datasets": [
                    {"label": ctx.t("proposals.stats.put_forward"), "data": y.months.iter().map(|(_, c)| c.put_forward).collect::<Vec<_>>()},
                    {"label": ctx.t("proposals.stats.adopted"), "data": y.months.iter().map(|(_, c)| c.adopted).collect::<Vec<_>>()},
                    {"label": ctx.t("proposals.stats.implemented"), "data": y.months.iter().map(|(_, c)| c.implemented).collect::<Vec<_>>()},
                ]
            })
            .to_string()
            .replace('<', "\\u003c")
        })
        .unwrap_or_default();
    let me = caller.user_id().map_or(0, |u| u.0);
    let activity: Vec<(String, i64)> = d
        .activity
        .iter()
        .map(|(day, n)| (ctx.date(day), *n))
        .collect();
    let day_labels: Vec<String> = activity.iter().map(|(d, _)| d[5..].to_string()).collect();
    let day_values: Vec<i64> = activity.iter().map(|(_, n)| *n).collect();
    let day_links: Vec<String> = if d.administers {
        activity
            .iter()
            .map(|(day, _)| format!("/audit?from={day}&until={day}"))
            .collect()
    } else {
        Vec::new()
    };
    let activity_json = chart_json(
        "bar",
        ctx.t("dashboard.events"),
        &day_labels,
        &day_values,
        &day_links,
    );
    let kind_labels: Vec<String> = d
        .org_counts
        .iter()
        .map(|(k, _)| ctx.t(kind_key(*k)).to_string())
        .collect();
    let kind_values: Vec<i64> = d.org_counts.iter().map(|(_, n)| *n).collect();
    let kind_links: Vec<String> = d
        .org_counts
        .iter()
        .map(|(k, _)| format!("/orgs?scope=mine&kind={}", k.as_str()))
        .collect();
    let kinds_json = chart_json(
        "doughnut",
        ctx.t("dashboard.by_kind"),
        &kind_labels,
        &kind_values,
        &kind_links,
    );
    let highlighted = d
        .org_counts
        .iter()
        .filter(|(k, _)| matches!(k, OrgKind::Enterprise))
        .copied()
        .collect();
    let recent = d
        .recent
        .iter()
        .map(|e: &AuditEntry| RecentView {
            at: e.at,
            actor_label: e.actor_label.clone(),
            action_key: action_key(&e.action),
            label: e.object_label.clone(),
        })
        .collect();
    let page = DashboardPage {
        roots: d.roots,
        administers: d.administers,
        org_total: d.org_total,
        highlighted,
        org_counts: d.org_counts,
        user_count: d.user_count,
        activity,
        activity_json,
        kinds_json,
        recent,
        work,
        tiles,
        months_json,
        me,
        ctx,
    };
    Ok(ok(&page))
}
