//! Statistics by unit and period, the payroll reward list, and an enterprise's settings.

use super::{parse_month, table_download};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use crate::pages::{done, in_tx, ok, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::proposals::{self as cases, Settings, Stats};
use ingot_domain::org::Organisation;
use ingot_domain::proposal::StepConfig;
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, Role};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StatsQuery {
    pub org: String,
    pub from: String,
    pub to: String,
    pub category: String,
}

#[derive(Template)]
#[template(path = "proposals/stats.html")]
struct StatsPage {
    ctx: PageCtx,
    roots: Vec<Organisation>,
    stats: Option<Stats>,
    from: String,
    to: String,
    chart: String,
    errors: FormErrors,
}

pub fn month_label(period: i64) -> String {
    format!("{}-{:02}", period / 100, period % 100)
}

pub async fn stats(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<StatsQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let this_year = caller.origin.today().year;
    let from_text = if q.from.is_empty() {
        format!("{this_year}-01")
    } else {
        q.from.clone()
    };
    let to_text = if q.to.is_empty() {
        format!("{this_year}-12")
    } else {
        q.to.clone()
    };
    let mut tx = state.db.read().await?;
    let roots = cases::stats_roots(&mut tx, &caller).await?;
    let org = match q.org.trim().parse::<i64>() {
        Ok(id) => Some(OrgId(id)),
        Err(_) => roots.first().map(|o| o.id),
    };
    let category = Some(q.category.trim()).filter(|c| !c.is_empty());
    let result = async {
        let from = parse_month("from", &from_text)?.unwrap_or(this_year as i64 * 100 + 1);
        let to = parse_month("to", &to_text)?.unwrap_or(this_year as i64 * 100 + 12);
        match org {
            Some(org) => cases::stats(&mut tx, &caller, org, from, to, category)
                .await
                .map(Some),
            None => Ok(None),
        }
    }
    .await;
    drop(tx);
    let (stats, errors) = match result {
        Ok(s) => (s, FormErrors::none()),
        Err(e) if is_form_error(&e) => (None, FormErrors::from_error(ctx.catalogs(), ctx.lang, &e)),
        Err(e) => return Err(Failure(e)),
    };
    let chart = stats
        .as_ref()
        .map(|s| {
            let org = s.org.id;
            serde_json::json!({
                "type": "bar",
                "label": ctx.t("proposals.stats.by_month"),
                "labels": s.months.iter().map(|(p, _)| month_label(*p)).collect::<Vec<_>>(),
                // Each month leads to its proposals.
                "links": s.months.iter().map(|(p, _)| format!("/proposals?view=all&unit={org}&from={m}&to={m}", m = month_label(*p))).collect::<Vec<_>>(),
                "datasets": [
                    {"label": ctx.t("proposals.stats.put_forward"), "data": s.months.iter().map(|(_, c)| c.put_forward).collect::<Vec<_>>()},
                    {"label": ctx.t("proposals.stats.implemented"), "data": s.months.iter().map(|(_, c)| c.implemented).collect::<Vec<_>>()},
                ]
            })
            .to_string()
            .replace('<', "\\u003c")
        })
        .unwrap_or_default();
    Ok(ok(&StatsPage {
        ctx,
        roots,
        stats,
        from: from_text,
        to: to_text,
        chart,
        errors,
    }))
}

impl StatsPage {
    /// The last day of the `to` month, for the reward list's date range.
    fn to_date(&self) -> String {
        parse_month("to", &self.to)
            .ok()
            .flatten()
            .and_then(|p| Date::parse(&format!("{}-{:02}-01", p / 100, p % 100)))
            .map(|d| {
                let next = if d.month == 12 {
                    Date {
                        year: d.year + 1,
                        month: 1,
                        day: 1,
                    }
                } else {
                    Date {
                        month: d.month + 1,
                        ..d
                    }
                };
                next.plus_days(-1).to_string()
            })
            .unwrap_or_default()
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RewardsQuery {
    pub org: String,
    pub from: String,
    pub to: String,
    pub format: String,
}

/// The payroll list: one line per person per rewarded proposal.
pub async fn rewards_export(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<RewardsQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let offset = caller.origin.utc_offset_ms;
    let org = q
        .org
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::field("org", "unknown_org"))?;
    let from = Date::parse(&q.from).ok_or_else(|| AppError::field("from", "invalid_date"))?;
    let to = Date::parse(&q.to).ok_or_else(|| AppError::field("to", "invalid_date"))?;
    let lines = {
        let mut tx = state.db.read().await?;
        cases::reward_lines(
            &mut tx,
            &caller,
            OrgId(org),
            from.start(offset),
            to.plus_days(1).start(offset),
        )
        .await?
    };
    let headers: Vec<String> = [
        "number",
        "title",
        "unit",
        "username",
        "person",
        "person_unit",
        "share",
        "amount",
        "rewarded",
    ]
    .iter()
    .map(|h| ctx.t(&format!("rewards.col.{h}")).to_string())
    .collect();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.number.clone(),
                l.title.clone(),
                l.unit.clone(),
                l.username.clone(),
                l.display_name.clone(),
                l.person_unit.clone(),
                ctx.percent(&l.share_bp),
                ctx.money(&l.amount_cents),
                ctx.date(&l.rewarded_at),
            ]
        })
        .collect();
    table_download(&q.format, "rewards", &headers, rows).await
}

#[derive(Template)]
#[template(path = "proposals/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    s: Settings,
    /// Step rows for the form: the steps plus empty rows to add more.
    rows: Vec<StepRow>,
    roles: Vec<Role>,
    errors: FormErrors,
}

#[derive(Default, Clone)]
struct StepRow {
    name: String,
    role: String,
    org_code: String,
    due_days: String,
    blind: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SettingsQuery {
    pub org: String,
}

async fn settings_page(
    state: &AppState,
    ctx: PageCtx,
    org: OrgId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let s = cases::settings(&mut tx, &caller, org).await?;
    let mut rows = Vec::new();
    for step in &s.steps {
        let org_code = match step.org_id {
            Some(id) => ingot_app::orgs::find(&mut tx, id)
                .await?
                .map(|o| o.code)
                .unwrap_or_default(),
            None => String::new(),
        };
        rows.push(StepRow {
            name: step.name.clone(),
            role: step.role.as_str().to_string(),
            org_code,
            due_days: step.due_days.to_string(),
            blind: step.blind,
        });
    }
    drop(tx);
    while rows.len() < 5 {
        rows.push(StepRow {
            role: "reviewer".into(),
            due_days: "7".into(),
            ..Default::default()
        });
    }
    Ok(render(
        status,
        &SettingsPage {
            ctx,
            s,
            rows,
            roles: Role::ALL.to_vec(),
            errors,
        },
    ))
}

pub async fn settings(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<SettingsQuery>,
) -> Result<Response, Failure> {
    let org = match q.org.trim().parse::<i64>() {
        Ok(id) => OrgId(id),
        Err(_) => ctx.actor()?.org_id,
    };
    // A federation's own unit has no review settings: offer its enterprises instead.
    let choice = {
        let caller = ctx.caller()?;
        let mut tx = state.db.read().await?;
        cases::settings_choice(&mut tx, &caller, org).await?
    };
    if let Some(enterprises) = choice {
        return Ok(ok(&ChooseEnterprise { ctx, enterprises }));
    }
    settings_page(&state, ctx, org, FormErrors::none(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "proposals/settings_choose.html")]
struct ChooseEnterprise {
    ctx: PageCtx,
    enterprises: Vec<Organisation>,
}

async fn after(
    state: &AppState,
    ctx: PageCtx,
    org: OrgId,
    result: Result<(), AppError>,
) -> Result<Response, Failure> {
    match result {
        Ok(()) => Ok(done(&format!("/proposals/settings?org={org}"), "saved")),
        Err(e) if is_form_error(&e) || matches!(e, AppError::Conflict { .. }) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            settings_page(state, ctx, org, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(Failure(e)),
    }
}

/// Up to five step rows; rows with an empty name are left out.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct WorkflowForm {
    name1: String,
    role1: String,
    org1: String,
    due1: String,
    blind1: String,
    name2: String,
    role2: String,
    org2: String,
    due2: String,
    blind2: String,
    name3: String,
    role3: String,
    org3: String,
    due3: String,
    blind3: String,
    name4: String,
    role4: String,
    org4: String,
    due4: String,
    blind4: String,
    name5: String,
    role5: String,
    org5: String,
    due5: String,
    blind5: String,
}

impl WorkflowForm {
    fn rows(&self) -> [(&str, &str, &str, &str, &str); 5] {
        [
            (
                &self.name1,
                &self.role1,
                &self.org1,
                &self.due1,
                &self.blind1,
            ),
            (
                &self.name2,
                &self.role2,
                &self.org2,
                &self.due2,
                &self.blind2,
            ),
            (
                &self.name3,
                &self.role3,
                &self.org3,
                &self.due3,
                &self.blind3,
            ),
            (
                &self.name4,
                &self.role4,
                &self.org4,
                &self.due4,
                &self.blind4,
            ),
            (
                &self.name5,
                &self.role5,
                &self.org5,
                &self.due5,
                &self.blind5,
            ),
        ]
    }
}

pub async fn set_workflow(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(org): Path<OrgId>,
    Form(form): Form<WorkflowForm>,
) -> Result<Response, Failure> {
    let result = async {
        let mut steps = Vec::new();
        let mut errors = Vec::new();
        let mut tx = state.db.read().await?;
        for (i, (name, role, org_code, due, blind)) in form.rows().into_iter().enumerate() {
            if name.trim().is_empty() {
                continue;
            }
            let n = steps.len();
            let role = Role::parse(role);
            if role.is_none() {
                errors.push(ingot_domain::FieldError::new(
                    format!("steps[{n}].role"),
                    "unknown_role",
                ));
            }
            let org_id = match org_code.trim() {
                "" => None,
                code => match ingot_app::orgs::find_by_code(&mut tx, code).await? {
                    Some(o) => Some(o.id),
                    None => {
                        errors.push(
                            ingot_domain::FieldError::new(
                                format!("steps[{n}].org"),
                                "unknown_org_code",
                            )
                            .with("code", code),
                        );
                        None
                    }
                },
            };
            let due_days = due.trim().parse::<i64>().unwrap_or(0);
            let _ = i;
            steps.push(StepConfig {
                name: name.trim().to_string(),
                role: role.unwrap_or(Role::Reviewer),
                org_id,
                due_days,
                blind: blind == "1",
            });
        }
        drop(tx);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        in_tx(&state, &ctx, async |tx, caller| {
            cases::set_workflow(tx, caller, org, &cases::WorkflowInput { steps }).await
        })
        .await
    }
    .await;
    after(&state, ctx, org, result).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CategoryForm {
    code: String,
    name: String,
    name_en: String,
}

pub async fn add_category(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(org): Path<OrgId>,
    Form(form): Form<CategoryForm>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::add_category(tx, caller, org, &form.code, &form.name, &form.name_en).await
    })
    .await;
    after(&state, ctx, org, result).await
}

pub async fn set_grades(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(org): Path<OrgId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let grades: Vec<(String, String)> = form
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("grade_").map(|g| (g.to_string(), v)))
        .collect();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::set_grades(tx, caller, org, &grades).await
    })
    .await;
    after(&state, ctx, org, result).await
}
