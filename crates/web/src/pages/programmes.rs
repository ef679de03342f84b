//! Programme pages: the list, the overview a science department shows at a press conference
//! (totals, areas, leverage, outputs, talent, awards, with charts), the lists behind every
//! figure (filtered, with CSV/XLSX exports from the API) and a task's page. Signed-in readers
//! with `ViewProgramme` only: the lists name people and budgets, and the figures link to them.

pub mod entry;
mod task;
pub mod task_forms;

pub use task::task;
pub(crate) use task::task_page;

use super::{Pager, ok, query_url, render};
use crate::AppState;
use crate::ctx::{PageCtx, kind_key};
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::programmes::{self as cases, Overview};
use ingot_domain::programme::{self as rules, FundingSource, OutputKind, TaskStatus};
use ingot_domain::{AppError, Lang, OrgId, OrgKind, ProgrammeId, TaskId};
use ingot_store::Page;
use ingot_store::programmes::{Area, ListFilter, Programme};

/// A sum of money as a press release writes it: 6.7亿元, 670 million yuan.
pub fn compact_money(lang: Lang, cents: i64) -> String {
    let yuan = cents / 100;
    let (unit, label) = match lang {
        Lang::Zh if yuan >= 100_000_000 => (100_000_000, "亿元"),
        Lang::Zh => (10_000, "万元"),
        Lang::En if yuan >= 1_000_000_000 => (1_000_000_000, " billion yuan"),
        Lang::En => (1_000_000, " million yuan"),
    };
    // Two decimals, trailing zeros dropped.
    let hundredths = (i128::from(yuan) * 100 + i128::from(unit) / 2) / i128::from(unit);
    let whole = hundredths / 100;
    let frac = hundredths % 100;
    let number = match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    };
    format!("{number}{label}")
}

fn name_in(lang: Lang, zh: &str, en: Option<&str>) -> String {
    match (lang, en) {
        (Lang::En, Some(en)) if !en.is_empty() => en.to_string(),
        _ => zh.to_string(),
    }
}

/// Chart data as JSON for a `<script type="application/json">` block, `<` escaped so the text
/// can never close the script element.
fn chart_json(spec: serde_json::Value) -> String {
    spec.to_string().replace('<', "\\u003c")
}

// ---------------------------------------------------------------------------------------------
// The list of programmes

#[derive(Template)]
#[template(path = "programmes/index.html")]
struct IndexPage {
    ctx: PageCtx,
    items: Vec<(Programme, String)>,
    /// The reader runs programmes somewhere, so may set one up.
    can_create: bool,
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let items = cases::list(&mut tx, &caller).await?;
    drop(tx);
    let items = items
        .into_iter()
        .map(|p| {
            let name = name_in(ctx.lang, &p.name, p.name_en.as_deref());
            (p, name)
        })
        .collect();
    let can_create = ctx.actor.as_ref().is_some_and(|a| {
        a.grants.iter().any(|g| {
            let me = ingot_domain::policy::Principal::User(a);
            ingot_domain::policy::may(
                me,
                ingot_domain::policy::Action::ManageProgramme,
                &g.org_path,
            )
        })
    });
    Ok(ok(&IndexPage {
        ctx,
        items,
        can_create,
    }))
}

// ---------------------------------------------------------------------------------------------
// The overview

/// One figure of the overview: its value as shown, and the list of records behind it.
pub struct Tile {
    pub testid: &'static str,
    pub value: String,
    pub label: String,
    pub href: String,
}

pub struct AreaRow {
    pub name: String,
    pub href: String,
    pub infrastructure: bool,
    pub tasks: i64,
    pub fiscal: String,
    pub social: String,
    pub leverage: String,
    pub pilot_lines: i64,
    pub new_products: i64,
    pub progress: String,
}

pub struct AwardRow {
    pub award: String,
    pub won: i64,
    pub total: i64,
    pub share: String,
}

#[derive(Template)]
#[template(path = "programmes/show.html")]
struct ShowPage {
    ctx: PageCtx,
    p: Programme,
    name: String,
    tiles: Vec<Tile>,
    areas: Vec<AreaRow>,
    awards: Vec<AwardRow>,
    tasks_chart: String,
    funding_chart: String,
    outputs_chart: String,
    base: String,
    manage: bool,
    /// The award tally form as sent, with its problems.
    award: (SentForm, FormErrors),
}

fn tiles(ctx: &PageCtx, base: &str, o: &Overview) -> Vec<Tile> {
    let f = &o.figures;
    let t = |k: &str| ctx.t(k).to_string();
    let leverage = f
        .leverage_hundredths()
        .map(|x| format!("{}:1", rules::format_hundredths(x)))
        .unwrap_or_else(|| "–".to_string());
    let progress = f
        .progress_bp()
        .map(rules::format_share)
        .unwrap_or_else(|| "–".to_string());
    vec![
        Tile {
            testid: "figure-tasks",
            value: f.tasks.to_string(),
            label: t("programmes.fig.tasks"),
            href: format!("{base}/tasks"),
        },
        Tile {
            testid: "figure-fiscal",
            value: compact_money(ctx.lang, f.fiscal_actual_cents),
            label: t("programmes.fig.fiscal"),
            href: format!("{base}/funding?kind=fiscal"),
        },
        Tile {
            testid: "figure-social",
            value: compact_money(ctx.lang, f.social_actual_cents),
            label: t("programmes.fig.social"),
            href: format!("{base}/funding?kind=social"),
        },
        Tile {
            testid: "figure-leverage",
            value: leverage,
            label: t("programmes.fig.leverage"),
            href: format!("{base}/funding"),
        },
        Tile {
            testid: "figure-pilot-lines",
            value: f.pilot_lines.to_string(),
            label: t("programmes.fig.pilot_lines"),
            href: format!("{base}/outputs?kind=pilot_line"),
        },
        Tile {
            testid: "figure-new-products",
            value: f.new_products.to_string(),
            label: t("programmes.fig.new_products"),
            href: format!("{base}/outputs?kind=new_product"),
        },
        Tile {
            testid: "figure-adopting",
            value: f.adopting_companies.to_string(),
            label: t("programmes.fig.adopting_companies"),
            href: format!("{base}/outputs?kind=adopting_company"),
        },
        Tile {
            testid: "figure-added-value",
            value: compact_money(ctx.lang, f.added_value_cents),
            label: t("programmes.fig.added_value"),
            href: format!("{base}/outputs?kind=added_value"),
        },
        Tile {
            testid: "figure-academicians",
            value: o.talent.academicians.to_string(),
            label: t("programmes.fig.academicians"),
            href: format!("{base}/people?academician=true"),
        },
        Tile {
            testid: "figure-researchers",
            value: o.talent.researchers.to_string(),
            label: t("programmes.fig.researchers"),
            href: format!("{base}/people"),
        },
        Tile {
            testid: "figure-institutions",
            value: o.talent.institutions.to_string(),
            label: t("programmes.fig.institutions"),
            href: format!("{base}/institutions"),
        },
        Tile {
            testid: "figure-progress",
            value: progress,
            label: t("programmes.fig.progress"),
            href: format!("{base}/milestones"),
        },
    ]
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
) -> Result<Response, Failure> {
    overview_page(&state, ctx, id, None, StatusCode::OK).await
}

/// The overview, with the award tally form as sent when it had problems.
pub(crate) async fn overview_page(
    state: &AppState,
    ctx: PageCtx,
    id: ProgrammeId,
    award: Option<(SentForm, FormErrors)>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let o = cases::overview(&mut tx, &caller, id).await?;
    drop(tx);
    let base = format!("/programmes/{id}");
    let lang = ctx.lang;
    let area_name = |a: &Area| name_in(lang, &a.name, a.name_en.as_deref());
    let labels: Vec<String> = o.areas.iter().map(|a| area_name(&a.area)).collect();
    let area_links: Vec<String> = o
        .areas
        .iter()
        .map(|a| format!("{base}/tasks?area={}", a.area.id))
        .collect();
    let tasks_chart = chart_json(serde_json::json!({
        "type": "bar", "label": ctx.t("programmes.chart.tasks_by_area"), "labels": labels,
        "values": o.areas.iter().map(|a| a.figures.tasks).collect::<Vec<_>>(), "links": area_links,
    }));
    // Funding in units of 10,000 yuan (万元) or millions, whole numbers for the axis.
    let (divisor, unit_key) = match lang {
        Lang::Zh => (1_000_000i64, "programmes.chart.unit_wan"),
        Lang::En => (100_000_000i64, "programmes.chart.unit_million"),
    };
    let funding_chart = chart_json(serde_json::json!({
        "type": "bar", "label": ctx.t("programmes.chart.funding_by_area"), "labels": labels,
        "links": area_links.iter().map(|l| l.replace("/tasks?", "/funding?")).collect::<Vec<_>>(),
        "datasets": [
            {"label": format!("{} ({})", ctx.t("programmes.fig.fiscal"), ctx.t(unit_key)),
             "data": o.areas.iter().map(|a| a.figures.fiscal_actual_cents / divisor).collect::<Vec<_>>()},
            {"label": format!("{} ({})", ctx.t("programmes.fig.social"), ctx.t(unit_key)),
             "data": o.areas.iter().map(|a| a.figures.social_actual_cents / divisor).collect::<Vec<_>>()},
        ],
    }));
    let kinds = [
        (OutputKind::PilotLine, o.figures.pilot_lines),
        (OutputKind::NewProduct, o.figures.new_products),
        (OutputKind::AdoptingCompany, o.figures.adopting_companies),
        (OutputKind::Achievement, o.figures.achievements),
        (OutputKind::Patent, o.figures.patents),
    ];
    let outputs_chart = chart_json(serde_json::json!({
        "type": "doughnut", "label": ctx.t("programmes.chart.outputs"),
        "labels": kinds.iter().map(|(k, _)| ctx.code_name("programmes.output", k.as_str())).collect::<Vec<_>>(),
        "values": kinds.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        "links": kinds.iter().map(|(k, _)| format!("{base}/outputs?kind={}", k.as_str())).collect::<Vec<_>>(),
        "colors": ["#b3261e", "#0b4a9e", "#1a7f37", "#9a6700", "#6f42c1"],
    }));
    let areas = o
        .areas
        .iter()
        .map(|a| {
            let f = &a.figures;
            AreaRow {
                name: area_name(&a.area),
                href: format!("{base}/tasks?area={}", a.area.id),
                infrastructure: a.area.infrastructure,
                tasks: f.tasks,
                fiscal: compact_money(lang, f.fiscal_actual_cents),
                social: compact_money(lang, f.social_actual_cents),
                leverage: f
                    .leverage_hundredths()
                    .map(rules::format_hundredths)
                    .unwrap_or_else(|| "–".to_string()),
                pilot_lines: f.pilot_lines,
                new_products: f.new_products,
                progress: f
                    .progress_bp()
                    .map(rules::format_share)
                    .unwrap_or_else(|| "–".to_string()),
            }
        })
        .collect();
    let awards = o
        .awards
        .iter()
        .map(|a| AwardRow {
            award: a.tally.award.clone(),
            won: a.tally.programme_won,
            total: a.tally.region_total,
            share: a
                .share_bp
                .map(rules::format_share)
                .unwrap_or_else(|| "–".to_string()),
        })
        .collect();
    let tiles = tiles(&ctx, &base, &o);
    let name = name_in(lang, &o.programme.name, o.programme.name_en.as_deref());
    let page = ShowPage {
        manage: o.can_manage,
        award: award.unwrap_or_default(),
        ctx,
        p: o.programme,
        name,
        tiles,
        areas,
        awards,
        tasks_chart,
        funding_chart,
        outputs_chart,
        base,
    };
    Ok(render(status, &page))
}

// ---------------------------------------------------------------------------------------------
// The lists behind the figures

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub area: String,
    pub kind: String,
    pub year: String,
    pub academician: String,
    pub org: String,
    pub task: String,
    pub page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> ListFilter {
        let int = |s: &str| s.trim().parse::<i64>().ok();
        ListFilter {
            area_id: int(&self.area),
            task_id: int(&self.task).map(TaskId),
            kind: Some(self.kind.trim().to_string()).filter(|k| !k.is_empty()),
            year: int(&self.year),
            academician: match self.academician.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            org_id: int(&self.org).map(OrgId),
            text: Some(self.q.trim().to_string()).filter(|t| !t.is_empty()),
        }
    }

    fn params(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("area", &self.area),
            ("kind", &self.kind),
            ("year", &self.year),
            ("academician", &self.academician),
            ("org", &self.org),
            ("task", &self.task),
        ]
    }

    /// The same filter in the API's terms, for the export links.
    fn export(&self, path: &str, format: &str) -> String {
        query_url(
            path,
            &[
                ("q", &self.q),
                ("area_id", &self.area),
                ("kind", &self.kind),
                ("year", &self.year),
                ("academician", &self.academician),
                ("org_id", &self.org),
                ("task_id", &self.task),
                ("format", format),
            ],
        )
    }
}

/// A table cell: its text, and the page it leads to, if any.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
    }
}

fn link(text: impl Into<String>, href: String) -> Cell {
    Cell {
        text: text.into(),
        href: Some(href),
    }
}

/// A list's column keys, rows, total and the codes its `kind` filter offers (with labels).
type ListParts = (
    Vec<&'static str>,
    Vec<Vec<Cell>>,
    i64,
    Vec<(String, String)>,
);

#[derive(Template)]
#[template(path = "programmes/list.html")]
struct ListPage {
    ctx: PageCtx,
    base: String,
    name: String,
    which: &'static str,
    title: String,
    q: ListQuery,
    areas: Vec<(i64, String)>,
    kinds: Vec<(String, String)>,
    people_filter: bool,
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, which)): Path<(ProgrammeId, String)>,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    list_page(&state, ctx, id, &which, q).await
}

/// Declares the handler of a list whose path also takes a form's post (`POST .../tasks`), which
/// the router matches before the `{list}` pattern, so the list needs its own GET route.
macro_rules! list_at {
    ($name:ident, $which:literal) => {
        pub async fn $name(
            State(state): State<AppState>,
            ctx: PageCtx,
            Path(id): Path<ProgrammeId>,
            Query(q): Query<ListQuery>,
        ) -> Result<Response, Failure> {
            list_page(&state, ctx, id, $which, q).await
        }
    };
}
list_at!(tasks_list, "tasks");
list_at!(funding_list, "funding");
list_at!(milestones_list, "milestones");
list_at!(outputs_list, "outputs");
list_at!(people_list, "people");

async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    id: ProgrammeId,
    which: &str,
    q: ListQuery,
) -> Result<Response, Failure> {
    let which: &'static str = match which {
        "tasks" => "tasks",
        "funding" => "funding",
        "milestones" => "milestones",
        "outputs" => "outputs",
        "people" => "people",
        "institutions" => "institutions",
        _ => return Err(Failure(AppError::not_found("page"))),
    };
    let caller = ctx.caller()?;
    let programme = id;
    let base = format!("/programmes/{id}");
    let page = Page::new(q.page, Some(50), 50);
    let filter = q.filter();
    let lang = ctx.lang;
    let money = |c: i64| ingot_domain::proposal::format_money(c);
    let mut tx = state.db.read().await?;
    let p = cases::readable(&mut tx, &caller, programme).await?;
    let areas: Vec<(i64, String)> = cases::areas(&mut tx, &caller, programme)
        .await?
        .into_iter()
        .map(|a| (a.id, name_in(lang, &a.name, a.name_en.as_deref())))
        .collect();
    let code = |prefix: &str, c: &str| ctx.code_name(prefix, c);
    let (headers, rows, total, kinds): ListParts = match which {
        "tasks" => {
            let (items, total) = cases::tasks(&mut tx, &caller, programme, &filter, page).await?;
            (
                vec![
                    "code", "title", "area", "lead", "leader", "status", "budget", "fiscal",
                    "social", "people",
                ],
                items
                    .into_iter()
                    .map(|t| {
                        vec![
                            cell(t.code.clone()),
                            link(t.title, format!("{base}/tasks/{}", t.id)),
                            cell(name_in(lang, &t.area_name, t.area_name_en.as_deref())),
                            cell(name_in(lang, &t.lead_name, t.lead_name_en.as_deref())),
                            cell(t.leader_name),
                            cell(code("programmes.status", t.status.as_str())),
                            cell(money(t.budget_cents)),
                            cell(money(t.fiscal_actual_cents)),
                            cell(money(t.social_actual_cents)),
                            link(t.people.to_string(), format!("{base}/people?task={}", t.id)),
                        ]
                    })
                    .collect(),
                total,
                TaskStatus::ALL
                    .iter()
                    .map(|s| {
                        (
                            s.as_str().to_string(),
                            code("programmes.status", s.as_str()),
                        )
                    })
                    .collect(),
            )
        }
        "funding" => {
            let (items, total) = cases::funding(&mut tx, &caller, programme, &filter, page).await?;
            (
                vec![
                    "task",
                    "title",
                    "area",
                    "year",
                    "source",
                    "planned",
                    "actual",
                    "overrun_reason",
                ],
                items
                    .into_iter()
                    .map(|f| {
                        vec![
                            cell(f.task_code),
                            link(f.task_title, format!("{base}/tasks/{}", f.task_id)),
                            cell(f.area_name),
                            cell(f.year.to_string()),
                            cell(code("programmes.source", f.source.as_str())),
                            cell(money(f.planned_cents)),
                            cell(money(f.actual_cents)),
                            cell(f.overrun_reason.unwrap_or_default()),
                        ]
                    })
                    .collect(),
                total,
                FundingSource::ALL
                    .iter()
                    .map(|s| {
                        (
                            s.as_str().to_string(),
                            code("programmes.source", s.as_str()),
                        )
                    })
                    .collect(),
            )
        }
        "milestones" => {
            let (items, total) =
                cases::milestones(&mut tx, &caller, programme, &filter, page).await?;
            (
                vec!["task", "title", "due_on", "done_on", "evidence"],
                items
                    .into_iter()
                    .map(|m| {
                        vec![
                            link(m.task_code, format!("{base}/tasks/{}", m.task_id)),
                            cell(m.title),
                            cell(m.due_on.to_string()),
                            cell(m.done_on.map(|d| d.to_string()).unwrap_or_default()),
                            cell(m.evidence.unwrap_or_default()),
                        ]
                    })
                    .collect(),
                total,
                ["done", "open"]
                    .iter()
                    .map(|s| (s.to_string(), code("programmes.milestone", s)))
                    .collect(),
            )
        }
        "outputs" => {
            let (items, total) = cases::outputs(&mut tx, &caller, programme, &filter, page).await?;
            (
                vec![
                    "task", "area", "kind", "title", "quantity", "value", "record", "note",
                ],
                items
                    .into_iter()
                    .map(|o| {
                        let record = match (o.achievement_id, o.patent_id, o.patent_number) {
                            (Some(a), _, _) => link(format!("#{a}"), format!("/achievements/{a}")),
                            (_, Some(_), Some(n)) => {
                                link(n.clone(), query_url("/patents", &[("q", &n)]))
                            }
                            _ => cell(""),
                        };
                        vec![
                            link(o.task_code, format!("{base}/tasks/{}", o.task_id)),
                            cell(o.area_name),
                            cell(code("programmes.output", o.kind.as_str())),
                            cell(o.title),
                            cell(o.quantity.to_string()),
                            cell(if o.value_cents > 0 {
                                money(o.value_cents)
                            } else {
                                String::new()
                            }),
                            record,
                            cell(o.note.unwrap_or_default()),
                        ]
                    })
                    .collect(),
                total,
                OutputKind::ALL
                    .iter()
                    .map(|s| {
                        (
                            s.as_str().to_string(),
                            code("programmes.output", s.as_str()),
                        )
                    })
                    .collect(),
            )
        }
        "people" => {
            let (items, total) = cases::people(&mut tx, &caller, programme, &filter, page).await?;
            (
                vec!["name", "academician", "institution", "tasks"],
                items
                    .into_iter()
                    .map(|p| {
                        vec![
                            cell(p.name),
                            cell(if p.academician {
                                ctx.t("programmes.yes")
                            } else {
                                ""
                            }),
                            link(
                                p.institution_name,
                                format!("{base}/tasks?org={}", p.institution_id),
                            ),
                            cell(p.tasks.to_string()),
                        ]
                    })
                    .collect(),
                total,
                Vec::new(),
            )
        }
        _ => {
            let (items, total) =
                cases::institutions(&mut tx, &caller, programme, &filter, page).await?;
            (
                vec!["institution", "kind", "people", "tasks"],
                items
                    .into_iter()
                    .map(|i| {
                        vec![
                            link(
                                name_in(lang, &i.name, i.name_en.as_deref()),
                                format!("/orgs/{}", i.id),
                            ),
                            cell(ctx.t(kind_key(i.kind))),
                            link(i.people.to_string(), format!("{base}/people?org={}", i.id)),
                            link(i.tasks.to_string(), format!("{base}/tasks?org={}", i.id)),
                        ]
                    })
                    .collect(),
                total,
                [OrgKind::Enterprise, OrgKind::External]
                    .iter()
                    .map(|k| (k.as_str().to_string(), ctx.t(kind_key(*k)).to_string()))
                    .collect(),
            )
        }
    };
    drop(tx);
    let path = format!("{base}/{which}");
    let pager = Pager::new(&ctx, &query_url(&path, &q.params()), page, total);
    let api = format!("/api/v1/programmes/{id}/export/{which}");
    let headers = headers
        .into_iter()
        .map(|h| ctx.t(&format!("programmes.col.{h}")).to_string())
        .collect();
    let title = ctx.t(&format!("programmes.list.{which}")).to_string();
    let name = name_in(lang, &p.name, p.name_en.as_deref());
    Ok(ok(&ListPage {
        export_csv: q.export(&api, "csv"),
        export_xlsx: q.export(&api, "xlsx"),
        ctx,
        base,
        name,
        which,
        title,
        people_filter: which == "people",
        q,
        areas,
        kinds,
        headers,
        rows,
        total,
        pager,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_as_a_press_release_does() {
        assert_eq!(compact_money(Lang::Zh, 67_000_000_000), "6.7亿元");
        assert_eq!(compact_money(Lang::Zh, 280_000_000_000), "28亿元");
        assert_eq!(compact_money(Lang::En, 67_000_000_000), "670 million yuan");
        assert_eq!(compact_money(Lang::En, 280_000_000_000), "2.8 billion yuan");
        assert_eq!(compact_money(Lang::Zh, 1_234_500), "1.23万元");
    }
}
